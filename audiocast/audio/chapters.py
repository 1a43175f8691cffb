"""Chapter planning: the episode's chapters from the stitcher's paragraph marks.

:func:`plan_chapters` turns the stitcher's paragraph marks into contiguous chapters:

* an opening chapter, "Introduction", holding the spoken intro (show, title, author);
* an article with ``##`` sections gets one chapter per section, titled with its
  heading (a section longer than 90 s is split like an article without headings,
  its first chapter keeping the heading); an untitled lead-in before the first
  heading joins the opening chapter when it is short, else it is split like an
  article without headings;
* an article without headings is cut at paragraph boundaries into chapters of
  45-90 s (the best split by a small dynamic programme), each titled with a few
  words from its first paragraph;
* the outro becomes a "Credits" chapter when it lasts at least
  :data:`CREDITS_MIN_MS`, else it joins the last chapter.

Chapters are the same everywhere: ID3 (:mod:`audiocast.publish.tags`), ``<slug>.chapters.json`` and the
feed's ``psc:chapters`` and description timestamps (:mod:`audiocast.publish.chapterfiles`) all come from one tuple.
"""

from __future__ import annotations

import re
from typing import Optional, Sequence

from audiocast.audio.timeline import Mark
from audiocast.model import Chapter, Script

MIN_CHAPTER_MS = 45_000
MAX_CHAPTER_MS = 90_000
TARGET_CHAPTER_MS = 65_000
CREDITS_MIN_MS = 5_000  # an outro at least this long is its own "Credits" chapter
LEAD_IN_MAX_MS = MAX_CHAPTER_MS  # a longer untitled lead-in is split into its own chapters
MAX_TITLE_WORDS = 6
WINDOW_MS = 4 * MAX_CHAPTER_MS  # see best_split

_STOP = frozenset("""
a an the and or but nor so yet of to in on at for with from by as into onto about than then that which who whom
whose is was are were be been being am has have had do does did will would can could shall should may might must
not no his her its their my our your this these those it he she they we i you him them us me if when while after
before because said says told also very just only even there here what where how why own all some any more
most such too
""".split())
_LEADING_DROP = frozenset("and but so then also yet or".split())
_CLAUSE = re.compile(r"\s*(?:[,;:()\[\]]|\s[–—-]\s|—|–)\s*")
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"'”’)\]]*\s+")
_QUOTES = re.compile(r"[\"“”„«»‘‚‹›]|(?<!\w)['’]|['’](?!\w)")  # an apostrophe inside a word stays


# --------------------------------------------------------------------------- planning
def plan_chapters(script: Script, marks: Sequence[Mark], duration_ms: int) -> tuple[Chapter, ...]:
    """Contiguous chapters from 0 to ``duration_ms`` for a produced script.

    ``marks`` are ``(part, section, paragraph, start_ms)`` in time order, one per
    paragraph: the intro ("intro") at 0, each body paragraph ("body"), then the
    outro ("outro") if any.
    """
    duration_ms = int(duration_ms)
    if duration_ms <= 0:
        raise ValueError(f"episode duration must be positive, got {duration_ms} ms")
    starts = [int(m[3]) for m in marks]
    if any(b < a for a, b in zip(starts, starts[1:])):
        raise ValueError(f"chapter marks are not in time order: {starts}")
    # Each paragraph ends where the next one starts; the last one at the episode's end.
    spans = [(m[0], m[1], m[2], s, e) for m, s, e in zip(marks, starts, starts[1:] + [duration_ms])]
    intro = [s for s in spans if s[0] == "intro"]
    body = [s for s in spans if s[0] == "body"]
    outro = [s for s in spans if s[0] == "outro"]

    credits = bool(outro) and outro[-1][4] - outro[0][3] >= CREDITS_MIN_MS
    if outro and body and not credits:  # a short outro is heard as the end of the last chapter
        body[-1] = body[-1][:4] + (outro[-1][4],)

    plan: list[tuple[str, int]] = []  # (title, start_ms)
    if intro or not body:
        plan.append(("Introduction", 0))
    sections = script.article.sections
    if any(sec.title for sec in sections):
        _plan_sections(script, body, plan)
    else:
        _plan_windows(script, body, plan)
    if outro and (credits or not plan):
        plan.append(("Credits", outro[0][3]))
    return _contiguous(plan, duration_ms)


def _plan_sections(script: Script, body: list, plan: list) -> None:
    """One chapter per titled section; an untitled lead-in joins the opening or is split in windows."""
    sections = script.article.sections
    by_section: dict[int, list] = {}
    for span in body:
        by_section.setdefault(span[1], []).append(span)
    for index in sorted(by_section, key=lambda i: by_section[i][0][3]):
        spans = by_section[index]
        title = sections[index].title if 0 <= index < len(sections) else None
        if title and spans[-1][4] - spans[0][3] > MAX_CHAPTER_MS and len(spans) > 1:
            # a long section (a page whose one heading is its deck) is split like an article without headings;
            # its first chapter keeps the heading
            start = len(plan)
            _plan_windows(script, spans, plan)
            plan[start] = (_clean_heading(title), plan[start][1])
        elif title:
            plan.append((_clean_heading(title), spans[0][3]))
        elif not plan or spans[-1][4] - spans[0][3] > LEAD_IN_MAX_MS:
            _plan_windows(script, spans, plan)
        # else: a short untitled lead-in is heard as part of the opening chapter


def _plan_windows(script: Script, body: list, plan: list) -> None:
    """Split paragraphs into chapters of 45-90 s, titled from their first paragraph."""
    if not body:
        return
    texts = _body_texts(script)
    taken = {t.casefold() for t, _ in plan}
    for group in best_split([s[4] - s[3] for s in body]):
        first = body[group[0]]
        title = _summary_title(_paragraph_text(script, first[1], first[2], texts), taken=taken)
        taken.add(title.casefold())
        plan.append((title, first[3]))


def best_split(lengths: list[int]) -> list[list[int]]:
    """Group consecutive paragraph lengths so that each group lasts 45-90 s as nearly as possible.

    A group is considered only while its paragraphs after the first last at most WINDOW_MS, so the
    programme is linear in paragraphs (a 74k-paragraph article plans in seconds); a longer group
    costs far more than splitting it, so the best split is the same in practice.
    """
    import numpy as np

    n = len(lengths)
    prefix = np.concatenate(([0], np.cumsum(np.asarray(lengths, dtype=np.int64))))
    low, high, target = MIN_CHAPTER_MS / 1000, MAX_CHAPTER_MS / 1000, TARGET_CHAPTER_MS / 1000
    best = np.full(n + 1, np.inf)
    best[0] = 0.0
    back = [0] * (n + 1)
    # the first i of each window: paragraphs i+1..j-1 last at most WINDOW_MS
    firsts = np.maximum(np.searchsorted(prefix, prefix - WINDOW_MS, side="left") - 1, 0)
    for j in range(1, n + 1):
        i0 = min(int(firsts[j]), j - 1)
        total = (prefix[j] - prefix[i0:j]) / 1000
        out_of_range = np.maximum(0.0, low - total) + np.maximum(0.0, total - high)
        costs = best[i0:j] + (100.0 * out_of_range ** 2 + 0.01 * (total - target) ** 2)
        k = int(np.argmin(costs))  # the first of equal costs, as a left-to-right scan keeps
        best[j], back[j] = costs[k], i0 + k
    groups, j = [], n
    while j > 0:
        groups.append(list(range(back[j], j)))
        j = back[j]
    return groups[::-1]


def _contiguous(plan: list[tuple[str, int]], duration_ms: int) -> tuple[Chapter, ...]:
    """Chapters from (title, start) pairs: first at 0, each ending where the next starts, unique titles."""
    kept: list[tuple[str, int]] = []
    for title, start in plan:
        start = min(max(start, 0), duration_ms)
        if kept and start >= duration_ms:
            continue  # would start at the very end: nothing left to hear in it
        if kept and start <= kept[-1][1]:
            kept.pop()  # the earlier chapter would last no time: the later, more specific one wins
        kept.append((title, start if kept else 0))
    titles = _unique([t for t, _ in kept])
    ends = [s for _, s in kept[1:]] + [duration_ms]
    return tuple(Chapter(title=t, start_ms=s, end_ms=e) for t, (_, s), e in zip(titles, kept, ends))


def _unique(titles: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for title in titles:
        key = title.casefold()
        seen[key] = seen.get(key, 0) + 1
        out.append(title if seen[key] == 1 else f"{title} ({seen[key]})")
    return out


def _body_texts(script: Script) -> dict[tuple[int, int], str]:
    """Each body paragraph's spoken text by (section, paragraph), in one pass over the segments."""
    parts: dict[tuple[int, int], list[str]] = {}
    for seg in script.segments:
        if seg.part == "body":
            parts.setdefault((seg.section, seg.paragraph), []).append(seg.text)
    return {key: " ".join(texts) for key, texts in parts.items()}


def _paragraph_text(script: Script, section: int, paragraph: int, texts: dict[tuple[int, int], str]) -> str:
    """What the paragraph says: its body segments' text, else the article's paragraph."""
    text = texts.get((section, paragraph), "")
    if text.strip():
        return text
    sections = script.article.sections
    if 0 <= section < len(sections) and 0 <= paragraph < len(sections[section].paragraphs):
        return sections[section].paragraphs[paragraph]
    paragraphs = script.article.paragraphs
    return paragraphs[paragraph] if 0 <= paragraph < len(paragraphs) else ""


# --------------------------------------------------------------------------- titles
def _clean_heading(title: str) -> str:
    title = " ".join(title.split()).strip("#").strip()
    return _trim(title, 12) if len(title) > 80 else title


def _summary_title(text: str, used: Sequence[str] = (), taken: Optional[set[str]] = None) -> str:
    """A short title from a paragraph, unlike the ``used`` ones (or the casefolded ``taken`` ones).

    The first choice is a quoted work title of two words or more ("All of Us
    Strangers"); else the first clause with a letter in it, cut to six words
    without a dangling function word (a quoted title is never cut in two).
    """
    taken = taken if taken is not None else {t.casefold() for t in used}
    sentences = [s for s in _SENTENCE_END.split(" ".join(text.split())) if s][:2] or [""]
    candidates: list[str] = []
    works: set[str] = set()
    for sentence in sentences:
        spans: list[str] = []

        def hold(match: re.Match) -> str:
            inner = match.group(1).strip(" ,.;:")
            if not _is_work_title(inner):
                return match.group(0)
            spans.append(inner)
            return f" {_HOLD}{len(spans) - 1}{_HOLD} "

        held = _QUOTED.sub(hold, sentence)
        works.update(s for s in spans if len(s.split()) >= 2)
        candidates += [s for s in spans if len(s.split()) >= 2]
        for clause in _CLAUSE.split(_QUOTES.sub("", held)):
            candidates.append(_clause_title(clause, spans))
    for title in candidates:
        meaningful = title in works or sum(1 for w in title.split() if w.strip("“”").lower() not in _STOP) >= 2
        if meaningful and title.casefold() not in taken:
            return title[:1].upper() + title[1:]
    first = next((c for c in candidates if c), "")
    return (first[:1].upper() + first[1:]) if first else "Continued"


_HOLD = "\x00"
_QUOTED = re.compile(r"[\"“]([^\"“”]{1,80})[\"”]")


def _is_work_title(text: str) -> bool:
    """Title Case and short: 'All of Us Strangers', not a quoted sentence."""
    words = text.split()
    return (1 <= len(words) <= MAX_TITLE_WORDS and words[0][:1].isupper()
            and all(w[:1].isupper() or w.lower() in _STOP or not w[:1].isalpha() for w in words))


def _clause_title(clause: str, spans: list[str]) -> str:
    """At most six words of a clause (a held quoted title may take it to eight), trimmed."""
    words: list[str] = []
    count = 0
    for token in clause.split():
        token = token.strip(".!?…")
        if not token:
            continue
        if token.startswith(_HOLD):
            span = spans[int(token.strip(_HOLD))]
            size = len(span.split())
            if count + size > MAX_TITLE_WORDS + 2:
                break
            words.append(f"“{span}”")
            count += size
            continue
        if not words and token.lower() in _LEADING_DROP:
            continue
        if count + 1 > MAX_TITLE_WORDS:
            break
        words.append(token)
        count += 1
    while len(words) > 1 and words[-1].lower().strip(",;:.!?") in _STOP:
        words.pop()
    title = " ".join(words).rstrip(",;:-–— ")
    return title.strip("“”") if len(words) == 1 else title


def _trim(text: str, max_words: int) -> str:
    """At most ``max_words`` whole words, without trailing stop-words or punctuation."""
    words = text.split()[:max_words]
    while len(words) > 1 and words[-1].lower().strip(",;:.!?") in _STOP:
        words.pop()
    return " ".join(words).rstrip(",;:-–— ")
