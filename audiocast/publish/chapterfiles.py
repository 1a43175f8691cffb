"""The chapter formats besides ID3: JSON chapters 1.2, Podlove Simple Chapters, description timestamps.

All are written from the one tuple of chapters :func:`audiocast.audio.chapters.plan_chapters` made.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional, Sequence

from audiocast.fsutil import write_text_atomic
from audiocast.model import Chapter

JSON_CHAPTERS_MIME = "application/json+chapters"


def _seconds(ms: int) -> float | int:
    return ms // 1000 if ms % 1000 == 0 else round(ms / 1000, 3)


def chapters_json(chapters: Sequence[Chapter], *, title: Optional[str] = None, author: Optional[str] = None,
                  podcast_name: Optional[str] = None, file_name: Optional[str] = None) -> str:
    """JSON chapters 1.2.0 (podcast namespace): startTime/endTime in seconds, ascending."""
    doc: dict = {"version": "1.2.0"}
    for key, value in (("title", title), ("author", author), ("podcastName", podcast_name), ("fileName", file_name)):
        if value:
            doc[key] = value
    doc["chapters"] = [
        {"startTime": _seconds(c.start_ms), "endTime": _seconds(c.end_ms), "title": c.title}
        for c in sorted(chapters, key=lambda c: c.start_ms)
    ]
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def write_chapters_file(chapters: Sequence[Chapter], out_dir: Path, slug: str, **meta: Optional[str]) -> str:
    """Write ``<slug>.chapters.json`` atomically; return its file name. ``meta``: see :func:`chapters_json`."""
    name = f"{slug}.chapters.json"
    write_text_atomic(Path(out_dir) / name, chapters_json(chapters, **meta))
    return name


def timestamp(ms: int, *, millis: bool = True, hours: bool = True, sep: str = ".") -> str:
    """``HH:MM:SS.mmm`` (``millis``/``hours`` off: ``MM:SS``); ``sep`` before the milliseconds."""
    ms = max(0, int(ms))
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, milli = divmod(rest, 1000)
    text = f"{h:02d}:{m:02d}:{s:02d}" if hours or h else f"{m:02d}:{s:02d}"
    return f"{text}{sep}{milli:03d}" if millis else text


def psc_chapters(chapters: Sequence[Chapter]) -> list[tuple[str, str]]:
    """Podlove Simple Chapters: (start as ``HH:MM:SS.mmm``, title), ascending."""
    return [(timestamp(c.start_ms), c.title) for c in sorted(chapters, key=lambda c: c.start_ms)]


def description_timestamps(chapters: Sequence[Chapter]) -> str:
    """Lines like ``00:00 Introduction`` for an item description (``HH:MM:SS`` when the episode is ≥ 1 h)."""
    ordered = sorted(chapters, key=lambda c: c.start_ms)
    long_form = any(c.end_ms >= 3_600_000 for c in ordered)
    return "\n".join(f"{timestamp(c.start_ms, millis=False, hours=long_form)} {c.title}" for c in ordered)
