"""An article body that the page splits into several containers: the extractor reads only part of it.

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

from audiocast.readers.cleanup import collapse, is_boilerplate, promotion_share
from audiocast.readers.evidence import MIN_KEY_HITS, MIN_KEY_SHARE, core_keywords, relatedness
from audiocast.readers.links import loose_key

MIN_HELD = 2  # the box must hold this many of the extracted paragraphs to count as the article's body
MIN_PARAGRAPH_CHARS = 40  # shorter lines in a later box (a caption, a label) are not prose
MIN_RELATED_SHARE = 0.5  # the share of a later box's paragraphs that must be about the extracted story's subject
_HEADINGS = ("h2", "h3")
MIN_LEAD_WORDS = 15  # a shorter line before the body is a label, a byline or a date, not the story's first paragraph
_LEAD_END = re.compile(r"(?<![.…])[.!?][\"'”’»)\]]*$")  # a full stop, not the "…" of a teaser cut short
_INLINE = frozenset("a em strong b i span u small sup sub abbr cite time mark".split())


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


def lead_before(tree: Any, extracted: list[str], title: str = "") -> Optional[str]:
    """The story's first paragraph where the extractor does not look: the body box's own text before its first
    break (``<div class="content">Lead sentence. <br><br>More…``), which the extractor drops while it reads the
    loose text after the breaks.  It counts when it is prose (a full sentence or more), not mostly a link, not a
    pitch or a teaser cut short ("…"), and about what the extracted text is about; None otherwise.

    A summary box right before the body box (``<div class="summary">``) is not taken: some publishers mean it as
    the first paragraph, others as a standfirst above the article, and the page does not say which.
    """
    # the extractor's first lines may be the headline and the byline: the body starts at the first prose
    first = next((loose_key(p) for p in extracted
                  if len(p.split()) >= MIN_LEAD_WORDS and loose_key(p) != loose_key(title)), None)
    holder = _loose_holder(tree, first) if first else None
    if holder is None:
        return None
    text, link_chars = _leading_text(holder)
    keys, stop = core_keywords(extracted, title)
    hits, share = relatedness(text, keys, stop)
    if (len(text.split()) >= MIN_LEAD_WORDS and _LEAD_END.search(text) and link_chars < 0.5 * len(text)
            and not any(loose_key(text) in loose_key(p) for p in extracted)
            and not (title and loose_key(title) in loose_key(text))
            and not is_boilerplate(text) and promotion_share(text) == 0
            and hits >= MIN_KEY_HITS and share >= MIN_KEY_SHARE):
        return text
    return None


def _loose_holder(tree: Any, key: str) -> Any:
    """The element (not a ``<p>``) holding the text with loose key ``key`` loose among its children, between breaks."""
    for el in tree.iter():
        if not isinstance(el.tag, str) or el.tag in ("p", "script", "style", "head", "title"):
            continue
        for piece in (el.text, *(child.tail for child in el)):
            piece_key = loose_key(piece or "")
            if len(piece_key) >= 20 and key.startswith(piece_key[:60]):
                return el
    return None


def _leading_text(el: Any) -> tuple[str, int]:
    """The text of ``el`` before its first break or block child, and how much of it is link text."""
    parts, link_chars = [el.text or ""], 0
    for child in el:
        if not isinstance(child.tag, str) or child.tag not in _INLINE:
            break
        inner = child.text_content()
        link_chars += len(collapse(inner)) if child.tag == "a" else sum(len(collapse(a.text_content()))
                                                                         for a in child.iter("a"))
        parts += [inner, child.tail or ""]
    return collapse("".join(parts)), link_chars


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
