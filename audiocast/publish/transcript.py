"""Transcripts from the exact episode timeline: WebVTT, SRT and the Podcasting 2.0 JSON format.

The cues come from the stitcher, which knows where every sentence clip was placed,
so nothing is re-recognised: a cue starts where its words start.  One cue per
sentence; the speaker is named on every cue (``<v Name>`` in WebVTT, ``Name:`` in
SRT when the speaker changes, ``speaker`` in JSON), as the podcast namespace's
transcript formats describe.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Iterable, Sequence

from audiocast.publish.chapterfiles import timestamp
from audiocast.fsutil import write_text_atomic
from audiocast.model import Cue

VTT_MIME = "text/vtt"
SRT_MIME = "application/srt"  # the type the podcast namespace's transcript examples use
JSON_MIME = "application/json"
SRT_LINE_CHARS = 42  # broadcast caption line width


def _clean(cues: Iterable[Cue]) -> list[Cue]:
    """Cues with text, in time order; a cue never runs past the next one's start."""
    ordered = sorted((c for c in cues if " ".join(c.text.split())), key=lambda c: (c.start_ms, c.end_ms))
    out: list[Cue] = []
    for cue, nxt in zip(ordered, ordered[1:] + [None]):
        end = cue.end_ms if nxt is None else min(cue.end_ms, nxt.start_ms)
        if end <= cue.start_ms:
            end = cue.end_ms if cue.end_ms > cue.start_ms else cue.start_ms + 1
        out.append(Cue(start_ms=cue.start_ms, end_ms=end, text=" ".join(cue.text.split()), speaker=cue.speaker))
    return out


def _vtt_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def to_webvtt(cues: Sequence[Cue]) -> str:
    """A WebVTT file: one cue per sentence, ``<v Speaker>`` voice spans, escaped text."""
    blocks = ["WEBVTT"]
    for cue in _clean(cues):
        speaker = _vtt_escape(" ".join(cue.speaker.split()) or "Narrator")
        blocks.append(f"{timestamp(cue.start_ms)} --> {timestamp(cue.end_ms)}\n"
                      f"<v {speaker}>{_vtt_escape(cue.text)}</v>")
    return "\n\n".join(blocks) + "\n"


def to_srt(cues: Sequence[Cue]) -> str:
    """A SubRip file: numbered cards, comma milliseconds, ``Speaker:`` when the speaker changes."""
    blocks = []
    previous = None
    for number, cue in enumerate(_clean(cues), start=1):
        text = cue.text if cue.speaker == previous else f"{cue.speaker}: {cue.text}"
        previous = cue.speaker
        lines = "\n".join(textwrap.wrap(text, SRT_LINE_CHARS, break_long_words=False, break_on_hyphens=False))
        blocks.append(f"{number}\n{timestamp(cue.start_ms, sep=',')} --> {timestamp(cue.end_ms, sep=',')}\n{lines}")
    return "\n\n".join(blocks) + "\n"


def to_json(cues: Sequence[Cue]) -> str:
    """The podcast namespace JSON transcript 1.0.0: segments with speaker, startTime, endTime, body."""
    doc = {
        "version": "1.0.0",
        "segments": [
            {"speaker": cue.speaker, "startTime": round(cue.start_ms / 1000, 3),
             "endTime": round(cue.end_ms / 1000, 3), "body": cue.text}
            for cue in _clean(cues)
        ],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def write_transcripts(cues: Sequence[Cue], out_dir: Path, slug: str) -> tuple[tuple[str, str], ...]:
    """Write ``<slug>.vtt``, ``<slug>.srt`` and ``<slug>.transcript.json`` atomically.

    Returns ``(file name, MIME type)`` pairs for the feed's ``podcast:transcript`` tags.
    """
    out_dir = Path(out_dir)
    written = []
    for name, mime, render in ((f"{slug}.vtt", VTT_MIME, to_webvtt), (f"{slug}.srt", SRT_MIME, to_srt),
                               (f"{slug}.transcript.json", JSON_MIME, to_json)):
        write_text_atomic(out_dir / name, render(cues))
        written.append((name, mime))
    return tuple(written)
