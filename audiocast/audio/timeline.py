"""Where every clip goes: pauses, stings, paragraph marks and the chapter plan, in samples.

The episode is a strict sequence, nothing overlaps: [sting] pause clip pause clip …
[sting] tail.  :class:`Placer` lays it out one clip at a time, so the stitcher can
stream the mix into the encoder while later clips are still being synthesised.

Chapters need the layout (a chapter starts in a longer pause) and the layout needs
the chapters, so the chapter plan is made before any audio exists, on durations
estimated from the text (:func:`plan_on_estimates`); the chapter *times* then come
from the real layout (:func:`retime`).  The estimate only decides which paragraph
opens each chapter, and it depends on the text alone, so the episode is the same
whatever the clip cache held.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Callable, Optional, Sequence

from audiocast.config import PauseConfig
from audiocast.model import Chapter, Line, Script, VoiceProfile

LEAD_IN_MS = 300  # before the first words when there is no sting
TAIL_MS = 700  # after the last sound
# libmp3lame: 576 + 529 samples of encoder delay, and it pads at least 48 samples
# at the end; the input is padded so that the last frame is (almost) full.
LAME_DELAY = 1105
LAME_MIN_PAD = 48
LAME_PAD_MARGIN = 24
# Speaking rate for estimates: espeak's default and Piper's joe at length_scale 1 both read news at ~165 wpm.
ESTIMATE_WPM = 165
ESTIMATE_EDGE_MS = 60  # what trimming leaves around the words

Mark = tuple[str, int, int, int]  # (part, section, paragraph, start_ms)
Key = tuple[str, int, int]  # (part, section, paragraph)


@dataclass(frozen=True)
class Timeline:
    """Where everything goes, in samples at the episode rate."""

    length: int
    clip_starts: tuple[int, ...]
    stings: tuple[int, ...]
    marks: tuple[Mark, ...]
    mark_lines: tuple[int, ...]  # the first line of each mark's paragraph
    duration_ms: int  # what the encoded file will be reported to last (see :func:`mp3_aligned`)


def paragraph_keys(script: Script, lines: Sequence[Line]) -> list[Key]:
    """The (part, section, paragraph) of every line's segment."""
    keys = []
    for line in lines:
        if not 0 <= line.segment < len(script.segments):
            raise ValueError(f"line {line.text!r} points at segment {line.segment}, outside the script")
        segment = script.segments[line.segment]
        keys.append((segment.part, segment.section, segment.paragraph))
    return keys


class Placer:
    """Lays the episode out clip by clip: call :meth:`place` for lines 0, 1, … then :meth:`finish`."""

    def __init__(self, lines: Sequence[Line], keys: Sequence[Key], sting_len: int, pauses: PauseConfig, rate: int,
                 chapter_lines: frozenset[int], out_rate: Optional[int] = None) -> None:
        """Positions are samples at ``rate`` (the mix); the MP3 is encoded at ``out_rate`` (default the same)."""
        self._out_rate = out_rate or rate
        self._lines, self._keys, self._sting_len = lines, keys, sting_len
        self._pauses, self._rate, self._chapter_lines = pauses, rate, chapter_lines
        self._half_chapter = self._samples(pauses.chapter_ms) // 2
        self.clip_starts: list[int] = []
        self.stings: list[int] = []
        self.marks: list[Mark] = []
        self.mark_lines: list[int] = []
        self.pos = 0

    def _samples(self, ms: int) -> int:
        return ms * self._rate // 1000

    def place(self, length: int) -> list[tuple[str, int]]:
        """Place the next line's clip (``length`` samples): what starts where, [("sting"|"clip", start), …]."""
        i = len(self.clip_starts)
        lines, keys, sting_len, half = self._lines, self._keys, self._sting_len, self._half_chapter
        placed = []
        if i == 0:
            mark = 0
            if sting_len:
                placed.append(("sting", 0))
                self.pos = sting_len + half
            else:
                self.pos = self._samples(LEAD_IN_MS)
        elif i in self._chapter_lines and sting_len:
            self.pos += half
            mark = self.pos
            placed.append(("sting", self.pos))
            self.pos += sting_len + half
        else:
            gap = self._samples(gap_ms(lines, keys, i, self._pauses, chapter=i in self._chapter_lines))
            mark = self.pos + gap // 2  # a paragraph (and chapter) begins in the middle of the pause before it
            self.pos += gap
        if i == 0 or keys[i] != keys[i - 1]:
            part, section, paragraph = keys[i]
            self.marks.append((part, section, paragraph, ms(mark, self._rate)))
            self.mark_lines.append(i)
        self.stings.extend(start for kind, start in placed if kind == "sting")
        placed.append(("clip", self.pos))
        self.clip_starts.append(self.pos)
        self.pos += length
        return placed

    def finish(self) -> tuple[list[tuple[str, int]], Timeline]:
        """The closing sting (if any) and the whole timeline, padded for the encoder."""
        placed = []
        if self._sting_len:
            self.pos += self._half_chapter
            placed.append(("sting", self.pos))
            self.stings.append(self.pos)
            self.pos += self._sting_len
        self.pos += self._samples(TAIL_MS)
        length, frames_ms = mp3_aligned(self.pos, self._rate, self._out_rate)
        duration_ms = round((frames_ms + length * 1000 / self._rate) / 2)
        return placed, Timeline(length, tuple(self.clip_starts), tuple(self.stings), tuple(self.marks),
                                tuple(self.mark_lines), duration_ms)


def layout(lines: Sequence[Line], keys: Sequence[Key], lengths: Sequence[int], sting_len: int,
           pauses: PauseConfig, rate: int, chapter_lines: frozenset[int], out_rate: Optional[int] = None) -> Timeline:
    """The whole timeline for clips of known ``lengths`` (samples)."""
    placer = Placer(lines, keys, sting_len, pauses, rate, chapter_lines, out_rate)
    for length in lengths:
        placer.place(length)
    return placer.finish()[1]


def gap_ms(lines: Sequence[Line], keys: Sequence[Key], i: int, pauses: PauseConfig, chapter: bool) -> int:
    """The silence between line i-1 and line i."""
    prev, cur = lines[i - 1], lines[i]
    voice_change = prev.speaker != cur.speaker
    if chapter:
        return pauses.chapter_ms
    if keys[i] != keys[i - 1]:
        return max(pauses.paragraph_ms, pauses.quote_ms) if voice_change else pauses.paragraph_ms
    if voice_change:
        return pauses.quote_ms
    return pauses.sentence_ms


def mp3_aligned(length: int, rate: int, out_rate: Optional[int] = None) -> tuple[int, int]:
    """Pad to just under a whole number of MP3 frames: (samples at ``rate``, duration of the frames in ms).

    The MP3 is encoded at ``out_rate`` (default ``rate``; the limiter resamples).
    ffprobe counts whole frames, including the encoder delay and the end padding,
    so keeping the padding minimal keeps its duration within ~27 ms of the decoded one.
    """
    out_rate = out_rate or rate
    frame = 1152 if out_rate >= 32000 else 576
    overhead = LAME_DELAY + LAME_MIN_PAD + LAME_PAD_MARGIN
    frames = math.ceil((length * out_rate / rate + overhead) / frame)
    total = (frames * frame - overhead) * rate // out_rate
    return total, round(frames * frame * 1000 / out_rate)


# --------------------------------------------------------------------------- chapters
def estimated_ms(line: Line) -> int:
    """How long a voice will take to say ``line``, from its words and the profile's speed (an estimate)."""
    return round(len(line.text.split()) * 60_000 / (ESTIMATE_WPM * _speed(line.profile))) + ESTIMATE_EDGE_MS


def _speed(profile: VoiceProfile) -> float:
    speed = profile.tempo
    if profile.rate:  # espeak words per minute (its default is 175)
        speed *= profile.rate / 175
    if profile.length_scale:
        speed /= profile.length_scale
    return speed if speed > 0 else 1.0


def plan_on_estimates(script: Script, lines: Sequence[Line], keys: Sequence[Key], sting_len: int,
                      pauses: PauseConfig, rate: int,
                      plan: Callable[[Script, Sequence[Mark], int], tuple[Chapter, ...]],
                      out_rate: Optional[int] = None) -> tuple[frozenset[int], tuple[Chapter, ...], Timeline]:
    """Chapters planned on estimated durations: (their first lines, the chapters, the layout planned on).

    A chapter pause moves the later paragraphs, so the plan is laid out again with the
    pauses where the chapters start, until both agree (or the planner's last choice is kept).
    """
    lengths = [estimated_ms(line) * rate // 1000 for line in lines]

    def timeline_for(chapter_lines: frozenset[int]) -> Timeline:
        return layout(lines, keys, lengths, sting_len, pauses, rate, chapter_lines, out_rate)

    starts: frozenset[int] = frozenset()
    timeline = timeline_for(starts)
    chapters = plan(script, timeline.marks, timeline.duration_ms)
    for attempt in range(5):
        wanted = chapter_lines(chapters, timeline)
        if wanted == starts:
            break
        final = timeline_for(wanted)
        if attempt < 4:
            chapters = plan(script, final.marks, final.duration_ms)
        else:  # the planner keeps changing its mind: keep its last choice, timed on the final layout
            chapters = retime(chapters, timeline, final)
        starts, timeline = wanted, final
    return starts, chapters, timeline


def chapter_lines(chapters: Sequence[Chapter], timeline: Timeline) -> frozenset[int]:
    """The first line of each chapter after the first (the paragraph whose mark the chapter starts at)."""
    times = [m[3] for m in timeline.marks]
    found = set()
    for chapter in chapters[1:]:
        nearest = min(range(len(times)), key=lambda j: abs(times[j] - chapter.start_ms))
        if nearest > 0:
            found.add(timeline.mark_lines[nearest])
    return frozenset(found)


def retime(chapters: Sequence[Chapter], planned_on: Timeline, final: Timeline) -> tuple[Chapter, ...]:
    """Chapters planned on one layout, moved to the same paragraphs of another (contiguous, 0 → its end)."""
    times = [m[3] for m in planned_on.marks]
    starts: list[int] = []
    for chapter in chapters:
        nearest = min(range(len(times)), key=lambda j: abs(times[j] - chapter.start_ms))
        starts.append(0 if not starts else final.marks[nearest][3])
    ends = starts[1:] + [final.duration_ms]
    return tuple(replace(c, start_ms=s, end_ms=e) for c, s, e in zip(chapters, starts, ends))


def ms(samples: int, rate: int) -> int:
    """Samples → whole milliseconds."""
    return round(samples * 1000 / rate)
