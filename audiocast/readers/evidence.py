"""Which parts of a page's extracted text to read aloud, decided per page by evidence.

trafilatura reads a page more than one way: its default pass and a precision pass
(less text, fewer mistakes).  Where they agree is the article's core.  Where they
disagree, at the edges of the page, the extra text is either the article's own (a
standfirst, a closing paragraph the precision pass was unsure of) or page furniture:
a video player's messages, a consent banner, a "more news" rail of other stories.

A paragraph outside the core is kept only when it is prose rather than furniture and
is about what the core is about: it uses the core's own words, those the core uses
much more than the rest of the page does (its people and places, the title's words).
The core grows outward one paragraph at a time and stops at the first that does not
belong, so a rail of other stories is cut where it starts, however long it is.
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
MIN_KEY_HITS = 2  # distinct core words an edge paragraph needs to count as the same story
MIN_KEY_SHARE = 0.15 # ... and the share of its own content words they must be

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


def belongs(paragraph: str, keys: set[str], stop: frozenset[str]) -> bool:
    """True when an edge paragraph is article prose about the core's subject."""
    if is_boilerplate(paragraph) or is_cut_marker(paragraph):
        return False
    if len(paragraph.split()) < MIN_PROSE_WORDS or not _PROSE_END.search(paragraph):
        return False
    hits, share = relatedness(paragraph, keys, stop)
    return hits >= MIN_KEY_HITS and share >= MIN_KEY_SHARE


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


def trim_to_core(sections: Sections, core: Sections, title: str = "") -> Sections:
    """The paragraphs of ``sections`` from the core's first to its last, grown by the edge paragraphs that belong.

    ``core`` is the precision pass's reading of the same page.  What lies between two
    core paragraphs (an aside, a pull quote) is kept.  With too little core there is no
    evidence and ``sections`` come back as they are.
    """
    flat = [(i, p) for i, (_, paras) in enumerate(sections) for p in paras]
    core_paras = [p for _, paras in core for p in paras]
    start, end = 0, len(flat) - 1
    core_words = sum(len(p.split()) for p in core_paras)
    if (core_words >= MIN_CORE_WORDS and len(core_paras) >= MIN_CORE_PARAS
            and core_words >= MIN_CORE_SHARE * sum(len(p.split()) for _, p in flat)):
        triples: set[tuple[str, ...]] = set()
        for p in core_paras:
            triples |= _triples(p)
        inside = [k for k, (_, p) in enumerate(flat) if in_core(p, triples)]
        if inside:
            start, end = core_run([p for _, p in flat], inside)
            keys, stop = core_keywords([p for _, p in flat[start:end + 1]], title)
            while start > 0 and belongs(flat[start - 1][1], keys, stop):
                start -= 1
            while end + 1 < len(flat) and belongs(flat[end + 1][1], keys, stop):
                end += 1
    out: list[tuple[Optional[str], list[str], int]] = []
    for i, p in flat[start:end + 1]:
        if not out or out[-1][2] != i:
            out.append((sections[i][0], [], i))
        out[-1][1].append(p)
    return [(h, ps) for h, ps, _ in out]
