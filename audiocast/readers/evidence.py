"""Which parts of a page's extracted text to read aloud, decided per page by evidence.

trafilatura reads a page more than one way: its default pass and a precision pass
(less text, fewer mistakes).  Where they agree is the article's core.  Where they
disagree, at the edges of the page, the extra text is either the article's own (a
standfirst, a closing paragraph the precision pass was unsure of) or page furniture:
a video player's messages, a consent banner, a "more news" rail of other stories.

The edges are cut only on evidence of junk.  A paragraph is about what the core is
about when it uses the core's own words (used twice or more there, not function
words: its people, places and subject, the title's words).  A rail is two or more
stories about something else that outnumber the related prose beyond them; a player
or a banner is furniture text with no related prose beyond it.  Lines that say
nothing either way (list items, table cells) stay, so a recipe's ingredients before
its method survive.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from typing import Optional, Sequence

from audiocast.readers.cleanup import is_boilerplate, is_cut_marker

Sections = list[tuple[Optional[str], list[str]]]

MIN_CORE_WORDS = 40  # a precision pass that keeps fewer words than this is no evidence of where the article is
MIN_CORE_PARAS = 3  # ... or fewer paragraphs than this
MIN_CORE_SHARE = 0.15  # ... or less than this share of the page's words
MAX_ASIDE_WORDS = 60  # a gap this short between core paragraphs is a caption or an aside, part of the article
MATCH_SHARE = 0.6  # a paragraph is in the core when this share of its word triples is
MIN_PROSE_WORDS = 8  # shorter edge lines ("Now watching", "More", a photo's title) are not article prose
LONG_PROSE_WORDS = 20  # ... nor are lines up to this long that end without a full stop
MIN_KEY_HITS = 2  # distinct core words an edge paragraph needs to count as the same story
MIN_KEY_SHARE = 0.15  # ... and the share of its own content words they must be
MAX_OTHER_SHARE = 0.1  # prose with a smaller share of the core's words is about something else
STRICT_SHARE = 0.5  # a core with this share of the page's words is grown by related prose only
MIN_EMBEDDED_WORDS = 300  # a paragraph inside the article this long may be another story laid out as one block...
MAX_EMBEDDED_SHARE = 0.02  # ... when this small a share of its words are the rest of the article's own
MIN_KEYS = 5  # a core with fewer words of its own cannot tell another story from its own

_WORD = re.compile(r"[^\W\d_]{3,}")
_PROSE_END = re.compile(r"[.!?…:;][\"'”’»)\]]*$")


def words(text: str) -> list[str]:
    """Lowercased words of three letters or more (no digits)."""
    return _WORD.findall(text.casefold())


def _triples(text: str) -> set[tuple[str, ...]]:
    toks = re.findall(r"\w+", text.casefold())
    if len(toks) < 3:
        return {tuple(toks)} if toks else set()
    return {tuple(toks[i:i + 3]) for i in range(len(toks) - 2)}


def in_core(paragraph: str, core_triples: set[tuple[str, ...]]) -> bool:
    """True when most of the paragraph's word triples are also in the core (a link dropped from it is no matter)."""
    mine = _triples(paragraph)
    return bool(mine) and len(mine & core_triples) >= MATCH_SHARE * len(mine)


@functools.lru_cache(maxsize=1)
def _stoplists() -> tuple[frozenset[str], ...]:
    import justext  # trafilatura's own dependency: function-word lists for 100 languages

    return tuple(frozenset(w.casefold() for w in justext.get_stoplist(name)) for name in justext.get_stoplists())


def stopwords(text_words: Sequence[str]) -> frozenset[str]:
    """The function words of the language ``text_words`` are in: the list that covers most of them (none if < 20%)."""
    sample = text_words[:2000]
    if not sample:
        return frozenset()
    best = max(_stoplists(), key=lambda stop: sum(1 for w in sample if w in stop))
    return best if sum(1 for w in sample if w in best) >= 0.2 * len(sample) else frozenset()


def core_keywords(core: Sequence[str], title: str = "") -> tuple[set[str], frozenset[str]]:
    """The words the core is about (used twice or more there, or in the title; no function words), and those function words."""
    counts = Counter(w for p in core for w in words(p))
    stop = stopwords([w for p in core for w in words(p)])
    keys = {w for w, c in counts.items() if c >= 2 and w not in stop}
    keys |= {w for w in words(title) if w in counts and w not in stop}
    return keys, stop


def relatedness(paragraph: str, keys: set[str], stop: frozenset[str]) -> tuple[int, float]:
    """How many of the core's words the paragraph uses, and what share of its own content words they are."""
    mine = {w for w in words(paragraph) if w not in stop}
    hits = len(mine & keys)
    return hits, hits / max(1, len(mine))


JUNK, RELATED, OTHER, NEUTRAL = "junk", "related", "other", "neutral"


def kind(paragraph: str, keys: set[str], stop: frozenset[str]) -> str:
    """What an edge paragraph is: furniture (JUNK), prose about the core's subject (RELATED), prose about something
    else (OTHER: another story), or a line that says nothing either way (NEUTRAL: a list item, a table cell)."""
    if is_boilerplate(paragraph) or is_cut_marker(paragraph):
        return JUNK
    n_words = len(paragraph.split())
    if n_words < MIN_PROSE_WORDS or (n_words < LONG_PROSE_WORDS and not _PROSE_END.search(paragraph)):
        return NEUTRAL  # a heading, a list item, a photo's title; a teaser cut off mid-sentence is still prose
    hits, share = relatedness(paragraph, keys, stop)
    if hits >= MIN_KEY_HITS and share >= MIN_KEY_SHARE:
        return RELATED
    if share < MAX_OTHER_SHARE and len(keys) >= MIN_KEYS and n_words >= LONG_PROSE_WORDS:
        return OTHER
    return NEUTRAL


def edge_kept(edge: Sequence[str], keys: set[str], stop: frozenset[str], strict: bool = False) -> int:
    """How many paragraphs of an edge (ordered outward from the core) belong to the article.

    ``strict``: up to the last related prose before any junk (list items between stay).  Otherwise the edge is cut
    only on evidence: at a furniture line with no article prose beyond it (a player's or
    a consent banner's text), or at the first of two or more stories about something
    else that outnumber the related prose beyond them (a rail).
    """
    kinds = [kind(p, keys, stop) for p in edge]
    if strict:  # up to the last related paragraph before any junk or other story
        stop_at = next((k for k, this in enumerate(kinds) if this in (JUNK, OTHER)), len(kinds))
        return max((k + 1 for k in range(stop_at) if kinds[k] == RELATED), default=0)
    for k, this in enumerate(kinds):
        if this not in (JUNK, OTHER):
            continue
        beyond = kinds[k:]
        related, other = beyond.count(RELATED), beyond.count(OTHER)
        if (this == JUNK and related == 0) or (this == OTHER and other >= 2 and other >= 2 * related):
            while k > 0 and kinds[k - 1] == JUNK:
                k -= 1  # the rail's own heading ("More", "Read next")
            return k
    return len(edge)


def core_run(flat: Sequence[str], matched: Sequence[int]) -> tuple[int, int]:
    """First and last paragraph of the largest run of core paragraphs.

    Runs of matched paragraphs join across a gap no longer (in words) than the smaller
    of the two or than an aside, so a caption or an aside inside the article joins it
    and a rail of other stories between the article and a repeat of its lede does not.
    """
    size = [len(p.split()) for p in flat]
    runs: list[list[int]] = []
    for k in matched:
        if runs and runs[-1][1] == k - 1:
            runs[-1][1] = k
        else:
            runs.append([k, k])
    merged = True
    while merged and len(runs) > 1:
        merged = False
        for r in range(len(runs) - 1):
            a, b = runs[r], runs[r + 1]
            gap = sum(size[a[1] + 1:b[0]])
            if gap <= max(MAX_ASIDE_WORDS, min(sum(size[a[0]:a[1] + 1]), sum(size[b[0]:b[1] + 1]))):
                runs[r:r + 2] = [[a[0], b[1]]]
                merged = True
                break
    best = max(runs, key=lambda run: sum(size[run[0]:run[1] + 1]))
    return best[0], best[1]


def embedded_stories(texts: Sequence[str]) -> list[int]:
    """Indexes of very long paragraphs that share next to nothing with the rest of the article.

    Both passes keep a slideshow or a rail that a page lays out as one block inside the
    story ("1/50 United goin down ... 2/50 ..."): thousands of words about other things.
    A paragraph this long that uses almost none of the words the rest of the article
    repeats is not part of it.
    """
    long = [k for k, p in enumerate(texts) if len(p.split()) >= MIN_EMBEDDED_WORDS]
    if not long:
        return []
    per_para = [Counter(words(p)) for p in texts]
    total = sum(per_para, Counter())
    stop = stopwords([w for p in texts for w in words(p)])
    out = []
    for k in long:
        rest = total - per_para[k]
        keys = {w for w, c in rest.items() if c >= 2 and w not in stop}
        if sum(rest.values()) >= MIN_EMBEDDED_WORDS and len(keys) >= 4 * MIN_KEYS \
                and relatedness(texts[k], keys, stop)[1] < MAX_EMBEDDED_SHARE:
            out.append(k)
    return out


def trim_to_core(sections: Sections, core: Sections, title: str = "") -> Sections:
    """The paragraphs of ``sections`` from the core's first to its last, grown by the edge paragraphs that belong.

    ``core`` is the precision pass's reading of the same page.  What lies between two
    core paragraphs (an aside, a pull quote) is kept.  With too little core there is no
    evidence and ``sections`` come back as they are.
    """
    flat = [(i, p) for i, (_, paras) in enumerate(sections) for p in paras]
    texts = [p for _, p in flat]
    page_words = sum(len(p.split()) for p in texts)
    core_paras = [p for _, paras in core for p in paras]
    core_words = sum(len(p.split()) for p in core_paras)
    start, end = 0, len(flat) - 1
    if core_words >= MIN_CORE_WORDS and len(core_paras) >= MIN_CORE_PARAS and core_words >= MIN_CORE_SHARE * page_words:
        triples: set[tuple[str, ...]] = set()
        for p in core_paras:
            triples |= _triples(p)
        inside = [k for k, p in enumerate(texts) if in_core(p, triples)]
        if inside:
            start, end = core_run(texts, inside)
            keys, stop = core_keywords(texts[start:end + 1], title)
            # a core that holds most of the page leaves little room for more article at its edges: only
            # related prose joins it; a smaller core is grown until there is evidence of junk
            strict = sum(len(p.split()) for p in texts[start:end + 1]) >= STRICT_SHARE * page_words
            start -= edge_kept(texts[:start][::-1], keys, stop, strict)
            end += edge_kept(texts[end + 1:], keys, stop, strict)
    out: list[tuple[Optional[str], list[str], int]] = []
    span = flat[start:end + 1]
    for k in embedded_stories([p for _, p in span]):
        span[k] = (span[k][0], "")
    for i, p in span:
        if not p:
            continue
        if not out or out[-1][2] != i:
            out.append((sections[i][0], [], i))
        out[-1][1].append(p)
    return [(h, ps) for h, ps, _ in out]


MIN_RELATED_AFTER = 2  # related prose paragraphs after a "Don't miss" box that show the story goes on
MAX_BOX_LINE_CHARS = 120  # a longer line after such a heading is prose, not one of the box's links


def unmark_boxes(sections: Sections, title: str = "") -> Sections:
    """Take out a "Don't miss"/"Related" box that sits inside the story: its heading and the link lines after it.

    Such a heading near the end of a page usually starts the list of other stories, and the clean-up ends the
    article there.  When the story's own prose goes on after the box (two or more paragraphs about what came
    before it, outnumbering other stories), the heading is a box in the middle and the article does not end.
    """
    flat = [(i, p) for i, (_, paras) in enumerate(sections) for p in paras]
    texts = [p for _, p in flat]
    drop: set[int] = set()
    for k, text in enumerate(texts):
        if not is_cut_marker(text) or k == 0:
            continue
        keys, stop = core_keywords(texts[:k], title)
        kinds = [kind(p, keys, stop) for p in texts[k + 1:]]
        if kinds.count(RELATED) < MIN_RELATED_AFTER or kinds.count(OTHER) > kinds.count(RELATED):
            continue
        drop.add(k)
        for j in range(k + 1, len(texts)):  # the box's links and labels: short lines that are not sentences
            if len(texts[j]) >= MAX_BOX_LINE_CHARS or _PROSE_END.search(texts[j]):
                break
            drop.add(j)
    if not drop:
        return sections
    out: Sections = [(heading, []) for heading, _ in sections]
    for k, (i, p) in enumerate(flat):
        if k not in drop:
            out[i][1].append(p)
    return [(h, ps) for h, ps in out if ps or h]
