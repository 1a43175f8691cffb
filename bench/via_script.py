"""Quotes as ``audiocast script --json`` gives them, placed back on the source text for scoring.

``script --json`` reads the file with its reader (the first line is the title; blank lines separate paragraphs;
a paragraph's wrapped lines are joined) and segments the Article; the held-out scores are computed from its quote
segments.  :func:`script_quotes` does the same in-process (``read_article`` + ``segment_article``, what the
command runs before casting, which does not change speakers) and finds each quote segment's text in the source,
in order, ignoring whitespace, so the bench's span matching applies unchanged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from audiocast.readers import read_article
from audiocast.understanding.segment import segment_article


@dataclass(frozen=True)
class Placed:
    start: int
    end: int
    speaker: Optional[str]
    paragraph: int = 0


def script_quotes(path: Path, text: str) -> list[Placed]:
    """The quote segments of ``path`` with their offsets in ``text`` (its content); unplaceable ones are dropped."""
    script = segment_article(read_article(path))
    keep = [i for i, c in enumerate(text) if not c.isspace()]
    flat = "".join(text[i] for i in keep)
    out: list[Placed] = []
    cursor = 0
    for seg in script.segments:
        if seg.kind != "quote":
            continue
        key = re.sub(r"\s+", "", seg.text)
        k = flat.find(key, cursor) if key else -1
        if k < 0:
            continue
        out.append(Placed(keep[k], keep[k + len(key) - 1] + 1, seg.speaker, seg.paragraph))
        cursor = k + len(key)
    return out
