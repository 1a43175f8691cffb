"""An article body that the page splits into several containers: the extractor reads only the first.

Some pages cut the story into sibling boxes around an advert ("body__container" …
advert … "body__container"); the extractor picks the best box and stops there, losing
the second half of the story.  The page says which boxes are the same body: the box
that holds the extracted paragraphs has a class, and later boxes with the very same
tag and class hold the rest.  A later box is the story's continuation when it holds
prose (two paragraphs or more) about what the extracted part is about (its words); a
disclaimer or a footer that a site sets in the same kind of box is neither.
"""

from __future__ import annotations

import re
from typing import Any, Optional

from audiocast.readers.cleanup import collapse
from audiocast.readers.evidence import MIN_KEY_HITS, MIN_KEY_SHARE, core_keywords, relatedness
from audiocast.readers.links import loose_key

MIN_HELD = 2  # the box must hold this many of the extracted paragraphs to count as the article's body
MIN_PARAGRAPH_CHARS = 40  # shorter lines in a later box (a caption, a label) are not prose
MIN_RELATED_SHARE = 0.5  # the share of a later box's paragraphs that must be about the extracted story's subject
_HEADINGS = ("h2", "h3")


def continuation(tree: Any, extracted: list[str], title: str = "") -> list[tuple[Optional[str], list[str]]]:
    """Sections from later boxes of the page that share the class of the box holding ``extracted``'s last paragraph.

    Returns [] when the page has no such boxes, or when their text is already in ``extracted``.
    """
    if not extracted:
        return []
    known = {loose_key(p) for p in extracted}
    box = _box_of(tree, loose_key(extracted[-1]))
    if box is None:
        return []
    held = sum(1 for p in box.iter("p") if loose_key(collapse(p.text_content())) in known)
    if held < MIN_HELD:
        return []
    order = {el: k for k, el in enumerate(tree.iter())}
    later = [el for el in tree.iter(box.tag) if el is not box and el.get("class") == box.get("class")
             and order[el] > order[box] and not any(a is box for a in el.iterancestors())]
    keys, stop = core_keywords(extracted, title)
    sections: list[tuple[Optional[str], list[str]]] = [(None, [])]
    for el in later:
        box_sections = _box_sections(el, known)
        prose = [p for _, ps in box_sections for p in ps]
        related = [hits >= MIN_KEY_HITS and share >= MIN_KEY_SHARE
                   for hits, share in (relatedness(p, keys, stop) for p in prose)]
        if len(prose) < MIN_HELD or sum(related) < MIN_RELATED_SHARE * len(prose):
            continue
        known.update(loose_key(p) for p in prose)
        sections[-1][1].extend(box_sections[0][1])
        sections.extend(box_sections[1:])
    return [(h, ps) for h, ps in sections if ps]


def _box_sections(box: Any, known: set[str]) -> list[tuple[Optional[str], list[str]]]:
    """The headings and prose paragraphs of ``box`` not already extracted."""
    sections: list[tuple[Optional[str], list[str]]] = [(None, [])]
    for block in box.iter("p", *_HEADINGS):
        text = collapse(block.text_content())
        if not text or loose_key(text) in known:
            continue
        if block.tag in _HEADINGS:
            sections.append((text, []))
        elif len(text) >= MIN_PARAGRAPH_CHARS and not any(anc.tag == "p" for anc in block.iterancestors()):
            sections[-1][1].append(text)
    return sections


def _box_of(tree: Any, key: str) -> Any:
    """The nearest element with a class around the ``<p>`` whose text has loose key ``key``."""
    for p in tree.iter("p"):
        if loose_key(collapse(p.text_content())) == key:
            box = p.getparent()
            while box is not None and not re.search(r"\S", box.get("class") or ""):
                box = box.getparent()
            return box
    return None
