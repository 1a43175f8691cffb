"""Sentence clips → one produced, levelled, chaptered CBR MP3 and its timeline.

The only module that imports pydub (used to decode clips and the sting, whatever
their format).  The editing itself is plain arithmetic on numpy sample arrays:

1. every clip is decoded, resampled to the episode rate, trimmed of the
   engine's leading/trailing silence (threshold relative to the clip's own
   level), faded in/out over a few milliseconds (no clicks) and levelled to a
   common loudness (ITU-R BS.1770 K-weighted, gated), so every voice matches;
2. a timeline is laid out with the configured pauses (sentence, paragraph,
   around quotes, between chapters, with the optional sting) — chapters are
   planned on it by :func:`audiocast.chapters.plan_chapters` and the layout is
   redone until the chapter pauses sit exactly where the chapters start;
3. the mix is gained to the loudness target (−19 LUFS mono, −16 stereo) and
   encoded in one pass: an oversampled look-ahead limiter holds the true peak
   under −1 dBTP and ebur128 measures the limited signal (one ffmpeg process),
   libmp3lame writes CBR with an Info header (another, on the other core),
   a second pass only if the limiter moved the loudness more than expected.

Cue times are where the words start and end on the final timeline (not where
the engine's silence started), so transcripts follow the voice.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import math
import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Optional, Sequence

import numpy as np
from pydub import AudioSegment

from audiocast.config import Config, PauseConfig
from audiocast.errors import AudioError
from audiocast.encode import (LAME_DELAY, LAME_MIN_PAD, LAME_PAD_MARGIN, calibrate_encoder, limit_and_encode,
                              mp3_args, run_ffmpeg)
from audiocast.fsutil import atomic_path
from audiocast.loudness import gate, k_response, step_sums
from audiocast.model import Chapter, Clip, Cue, EpisodeAudio, Line, Script
from audiocast.probe import require_ffmpeg

# Levels.  Clips are levelled to a common loudness with headroom, the whole mix is
# then gained to the target; the limiter ceiling leaves room for MP3 overshoot.
CLIP_LUFS = -23.0
STING_BELOW_LU = 6.0  # the sting sits this far below the voices
CEILING_DBTP = -2.3  # the MP3 encoder adds up to ~0.8 dB of overshoot on espeak speech
LOUDNESS_TOLERANCE = 0.2  # LU
LIMIT_PASSES = 3
TRUE_PEAK_ALLOWANCE_DB = 0.3  # inter-sample peaks over the sample peak, for predicting the limiter
LIMITER_SLOPE_GUESS = 0.65  # LU gained per dB of gain once the limiter works
MAX_CLIP_GAIN_DB = 30.0
PREPARE_THREADS = 4  # clips loaded, trimmed and levelled at once (at most one per core)

# Trimming and fades.
WINDOW_MS = 5
TRIM_BELOW_PEAK_DB = 40.0  # "silence" is this far below the clip's loudest 5 ms
TRIM_FLOOR_DBFS = -60.0
KEEP_BEFORE_MS = 10  # kept before the first loud window: the fade-in lives here
KEEP_AFTER_MS = 40  # kept after the last loud window: decays of final consonants
FADE_IN_MS = 5
FADE_OUT_MS = 10
STING_MAX_MS = 15_000
STING_FADE_OUT_MS = 500

LEAD_IN_MS = 300  # before the first words when there is no sting
TAIL_MS = 700  # after the last sound


Mark = tuple[str, int, int, int]  # (part, section, paragraph, start_ms)


@dataclass(frozen=True)
class _Voiced:
    """A trimmed, faded, levelled clip at the episode rate."""

    samples: np.ndarray  # float32 mono
    step_sums: np.ndarray  # K-weighted energy of every 100 ms step (to measure the mix without filtering it)
    onset: int  # samples before the words start
    speech_end: int  # samples before the words end


@dataclass(frozen=True)
class _Timeline:
    """Where everything goes, in samples at the episode rate."""

    length: int
    clip_starts: tuple[int, ...]
    stings: tuple[int, ...]
    marks: tuple[Mark, ...]
    mark_lines: tuple[int, ...]  # the first line of each mark's paragraph
    duration_ms: int  # what stitch() will report for the encoded file (see there)


# --------------------------------------------------------------------------- public API
def stitch(script: Script, lines: Sequence[Line], clips: Sequence[Clip], config: Config,
           out_mp3: Path, preparer: Optional[ClipPreparer] = None) -> EpisodeAudio:
    """Mix ``clips`` (``clips[i]`` says ``lines[i]``) into ``out_mp3``: trimmed, paced, levelled, chaptered.

    Returns the episode's duration (within ~15 ms of both ffprobe's and the decoded
    length), chapters contiguous from 0 to that duration, and one cue per line.
    ``preparer`` may hold clips already being prepared (see :class:`ClipPreparer`).
    """
    from audiocast.chapters import plan_chapters

    if len(lines) != len(clips):
        raise ValueError(f"{len(lines)} lines but {len(clips)} clips")
    if not lines:
        raise AudioError("nothing to stitch: the script has no lines", out_mp3)
    require_ffmpeg()
    rate, channels, bitrate = config.audio.sample_rate, config.audio.channels, config.audio.bitrate
    calibration = calibrate_encoder(bitrate, rate, channels)  # started earlier by the pipeline, usually

    with (ClipPreparer(rate) if preparer is None else contextlib.nullcontext(preparer)) as prepared:
        if prepared.rate != rate:
            raise ValueError(f"clips prepared at {prepared.rate} Hz for a {rate} Hz episode")
        for clip in clips:
            prepared.submit(clip.path)
        voiced = [prepared.result(clip.path) for clip in clips]
    sting = _prepare_sting(config.audio.sting, rate) if config.audio.sting else None
    keys = [_paragraph_key(script, line) for line in lines]

    def layout(chapter_lines: frozenset[int]) -> _Timeline:
        return _layout(lines, keys, voiced, 0 if sting is None else len(sting.samples), config.pauses, rate,
                       chapter_lines)

    # Chapter pauses move later paragraphs, so plan on the layout, lay out again with
    # the pauses where the chapters start, and re-plan until both agree.
    starts: frozenset[int] = frozenset()
    timeline = layout(starts)
    chapters = plan_chapters(script, timeline.marks, timeline.duration_ms)
    for attempt in range(5):
        wanted = _chapter_lines(chapters, timeline)
        if wanted == starts:
            break
        final = layout(wanted)
        if attempt < 4:
            chapters = plan_chapters(script, final.marks, final.duration_ms)
        else:  # the planner keeps changing its mind: keep its last choice, timed on the final layout
            chapters = _retime(chapters, timeline, final)
        starts, timeline = wanted, final

    mix = np.zeros(timeline.length, dtype=np.float32)
    step = round(0.1 * rate)
    step_sums = np.zeros(timeline.length // step + 2)  # the mix's K-weighted energy per 100 ms step
    placed = list(zip(timeline.clip_starts, voiced))
    if sting is not None:
        placed += [(start, sting) for start in timeline.stings]
    for start, piece in placed:
        mix[start:start + len(piece.samples)] += piece.samples
        at = min(round(start / step), len(step_sums) - len(piece.step_sums))  # within 50 ms: gating barely notices
        step_sums[at:at + len(piece.step_sums)] += piece.step_sums
    cues = tuple(
        Cue(start_ms=_ms(start + clip.onset, rate), end_ms=_ms(start + clip.speech_end, rate),
            text=line.text, speaker=line.speaker or "Narrator")
        for line, clip, start in zip(lines, voiced, timeline.clip_starts)
    )
    del voiced, placed, sting  # the mix holds it all now; long episodes need the memory

    # Dual-mono stereo measures 3 dB louder than the mono signal it carries.
    target = config.loudness_target - (10 * math.log10(2) if channels == 2 else 0.0)
    # The encoder changes the level by a fixed amount; aim above the target so the MP3 lands on it.
    compensation = -calibration.result()
    with atomic_path(out_mp3, suffix=".mp3") as tmp:
        _normalise_and_encode(mix, gate(step_sums, timeline.length, rate), target + compensation,
                              CEILING_DBTP + compensation, rate, tmp, bitrate_kbps=bitrate, channels=channels)
    # Players that honour the encoder delay/padding in the Info header play exactly the mix;
    # ffprobe and header-based players count whole frames (~26 ms more).  The layout reports the
    # middle, so every way of measuring agrees with the tags, chapters and feed within ~15 ms.
    duration_ms = timeline.duration_ms
    if chapters and chapters[-1].end_ms != duration_ms:
        chapters = chapters[:-1] + (replace(chapters[-1], end_ms=duration_ms),)

    return EpisodeAudio(mp3=out_mp3, duration_ms=duration_ms, chapters=tuple(chapters), cues=cues,
                        bitrate_kbps=bitrate, sample_rate=rate, channels=channels)


def encode_mp3(wav: Path, mp3: Path, bitrate_kbps: int = 64, sample_rate: int = 44100, channels: int = 1) -> Path:
    """Encode an audio file to a CBR MP3 with an Info header (used for voice auditions); returns ``mp3``."""
    require_ffmpeg()
    with atomic_path(mp3, suffix=".mp3") as tmp:
        run_ffmpeg(["-i", str(wav), *mp3_args(bitrate_kbps, sample_rate, channels), str(tmp)], None, mp3)
    return mp3


# --------------------------------------------------------------------------- clips
class ClipPreparer:
    """Loads, trims and levels clips in background threads, as soon as they are submitted.

    numpy's FFTs and espeak release the GIL, so clips are prepared on the other core while
    the rest are synthesised (``synthesize(on_ready=preparer.submit)``) and on every core
    after.  Each clip is prepared on its own, so the result does not depend on the timing.
    Use as a context manager (the threads stop at exit).
    """

    def __init__(self, rate: int) -> None:
        self.rate = rate
        self._pool = concurrent.futures.ThreadPoolExecutor(max_workers=min(PREPARE_THREADS, os.cpu_count() or 1))
        self._futures: dict[Path, concurrent.futures.Future] = {}

    def submit(self, path: Path) -> None:
        """Start preparing the clip at ``path`` (once per path)."""
        if path not in self._futures:
            self._futures[path] = self._pool.submit(_prepare_clip, path, self.rate)

    def result(self, path: Path) -> _Voiced:
        """The prepared clip (its AudioError when it cannot be used)."""
        self.submit(path)
        return self._futures[path].result()

    def close(self) -> None:
        """Stop the threads (clips not started yet are dropped)."""
        self._pool.shutdown(wait=True, cancel_futures=True)
        self._futures.clear()

    def __enter__(self) -> ClipPreparer:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _prepare_clip(path: Path, rate: int) -> _Voiced:
    samples, weighted = _load(path, rate)
    first, last, onset, end = _find_sound(samples, rate, path, KEEP_BEFORE_MS * rate // 1000,
                                          KEEP_AFTER_MS * rate // 1000)
    return _levelled(samples, weighted, first, last, rate, CLIP_LUFS, path, onset - first, end - first)


def _prepare_sting(path: Path, rate: int) -> _Voiced:
    samples, weighted = _load(path, rate)
    first, last, _, _ = _find_sound(samples, rate, path, 0, round(0.2 * rate))
    longest = STING_MAX_MS * rate // 1000
    fade_out = STING_FADE_OUT_MS * rate // 1000 if last - first > longest else None
    last = min(last, first + longest)
    return _levelled(samples, weighted, first, last, rate, CLIP_LUFS - STING_BELOW_LU, path, 0, last - first,
                     fade_out)


def _levelled(samples: np.ndarray, weighted: np.ndarray, first: int, last: int, rate: int, lufs: float,
              path: Path, onset: int, end: int, fade_out: Optional[int] = None) -> _Voiced:
    """``samples[first:last]``, faded, at ``lufs`` integrated loudness (measured on the K-weighted copy)."""
    samples, weighted = (_cut(x, first, last, rate, fade_out) for x in (samples, weighted))
    sums = step_sums(weighted, round(0.1 * rate))
    loudness = gate(sums, len(weighted), rate)
    if not math.isfinite(loudness):
        raise AudioError("holds no audible sound", path)
    gain = 10 ** (min(lufs - loudness, MAX_CLIP_GAIN_DB) / 20)
    return _Voiced((samples * gain).astype(np.float32), sums * gain * gain, onset, end)


def _load(path: Path, rate: int) -> tuple[np.ndarray, np.ndarray]:
    """Mono samples of any file pydub/ffmpeg can read, at ``rate``, and the same K-weighted.

    Both come from one spectrum: the clip is zero-padded to a fast FFT length
    (a power of two times the smallest length that maps to a whole number of
    output samples, plus room for the filter's decay), its spectrum truncated or
    zero-extended to the new rate (band-limited resampling) and, for the second
    signal, multiplied by the K-weighting response.
    """
    try:
        segment = AudioSegment.from_file(str(path)).set_channels(1)
    except FileNotFoundError:
        raise AudioError("audio file not found", path) from None
    except Exception as exc:  # pydub raises CouldntDecodeError, wave.Error, IndexError... on bad files
        raise AudioError(f"cannot decode audio ({type(exc).__name__}: {exc})".strip(), path) from None
    full_scale = np.float32(1 << (8 * segment.sample_width - 1))
    # single precision: twice as fast, and its rounding (~-140 dB) is far below the 16-bit clips' own
    x = np.array(segment.get_array_of_samples(), dtype=np.float32) / full_scale
    src = segment.frame_rate
    n_out = round(len(x) * rate / src)
    if n_out == 0:
        raise AudioError("audio file is empty", path)
    base = src // math.gcd(src, rate)
    size = base << max(0, math.ceil(math.log2((len(x) + src // 20) / base)))
    size_out = size * rate // src
    spectrum = np.fft.rfft(x, size)
    out = np.zeros(size_out // 2 + 1, dtype=np.complex64)
    keep = min(len(spectrum), len(out))
    out[:keep] = spectrum[:keep] * np.float32(size_out / size)
    samples = np.fft.irfft(out, size_out)[:n_out]
    weighted = np.fft.irfft(out * k_response(size_out, rate).astype(np.complex64), size_out)[:n_out]
    return samples, weighted


def _find_sound(x: np.ndarray, rate: int, path: Path, before: int, after: int) -> tuple[int, int, int, int]:
    """Where the sound is: (first, last) to keep, and (onset, end) of the sound itself, in samples.

    "Silence" is anything more than TRIM_BELOW_PEAK_DB below the loudest 5 ms of
    the clip (so a quiet voice is trimmed like a loud one), or below -60 dBFS.
    """
    window = max(1, WINDOW_MS * rate // 1000)
    count = len(x) // window
    if count == 0:
        raise AudioError("clip is empty", path)
    envelope = np.sqrt(np.mean(x[: count * window].reshape(count, window) ** 2, axis=1))
    threshold = max(float(envelope.max()) * 10 ** (-TRIM_BELOW_PEAK_DB / 20), 10 ** (TRIM_FLOOR_DBFS / 20))
    loud = np.flatnonzero(envelope >= threshold)
    if len(loud) == 0:
        raise AudioError("clip is silent", path)
    onset, end = int(loud[0]) * window, int(loud[-1] + 1) * window
    return max(0, onset - before), min(len(x), end + after), onset, end


def _cut(x: np.ndarray, first: int, last: int, rate: int, fade_out: Optional[int] = None) -> np.ndarray:
    """``x[first:last]`` with a short fade-in and fade-out, so the new edges do not click."""
    out = x[first:last].copy()
    fade_in = min(FADE_IN_MS * rate // 1000, len(out))
    fade_out = min(FADE_OUT_MS * rate // 1000 if fade_out is None else fade_out, len(out))
    out[:fade_in] *= np.linspace(0.0, 1.0, fade_in)
    out[len(out) - fade_out:] *= np.linspace(1.0, 0.0, fade_out)
    return out


# --------------------------------------------------------------------------- timeline
def _paragraph_key(script: Script, line: Line) -> tuple[str, int, int]:
    if not 0 <= line.segment < len(script.segments):
        raise ValueError(f"line {line.text!r} points at segment {line.segment}, outside the script")
    segment = script.segments[line.segment]
    return (segment.part, segment.section, segment.paragraph)


def _layout(lines: Sequence[Line], keys: Sequence[tuple[str, int, int]], voiced: Sequence[_Voiced],
            sting_len: int, pauses: PauseConfig, rate: int, chapter_lines: frozenset[int]) -> _Timeline:
    """Place every clip (and sting) after the pause its boundary asks for."""

    def samples(ms: int) -> int:
        return ms * rate // 1000

    half_chapter = samples(pauses.chapter_ms) // 2
    clip_starts: list[int] = []
    stings: list[int] = []
    marks: list[Mark] = []
    mark_lines: list[int] = []
    pos = 0
    for i, line in enumerate(lines):
        new_paragraph = i == 0 or keys[i] != keys[i - 1]
        if i == 0:
            mark = 0
            if sting_len:
                stings.append(0)
                pos = sting_len + half_chapter
            else:
                pos = samples(LEAD_IN_MS)
        elif i in chapter_lines and sting_len:
            pos += half_chapter
            mark = pos
            stings.append(pos)
            pos += sting_len + half_chapter
        else:
            gap = samples(_gap_ms(lines, keys, i, pauses, chapter=i in chapter_lines))
            mark = pos + gap // 2  # a paragraph (and chapter) begins in the middle of the pause before it
            pos += gap
        if new_paragraph:
            part, section, paragraph = keys[i]
            marks.append((part, section, paragraph, _ms(mark, rate)))
            mark_lines.append(i)
        clip_starts.append(pos)
        pos += len(voiced[i].samples)
    if sting_len:
        pos += half_chapter
        stings.append(pos)
        pos += sting_len
    pos += samples(TAIL_MS)
    length, frames_ms = _mp3_aligned(pos, rate)
    duration_ms = round((frames_ms + length * 1000 / rate) / 2)
    return _Timeline(length, tuple(clip_starts), tuple(stings), tuple(marks), tuple(mark_lines), duration_ms)


def _gap_ms(lines: Sequence[Line], keys: Sequence[tuple[str, int, int]], i: int, pauses: PauseConfig,
            chapter: bool) -> int:
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


def _mp3_aligned(length: int, rate: int) -> tuple[int, int]:
    """Pad to just under a whole number of MP3 frames: (samples, duration of the frames in ms).

    ffprobe counts whole frames, including the encoder delay and the end padding,
    so keeping the padding minimal keeps its duration within ~27 ms of the decoded one.
    """
    frame = 1152 if rate >= 32000 else 576
    overhead = LAME_DELAY + LAME_MIN_PAD + LAME_PAD_MARGIN
    frames = math.ceil((length + overhead) / frame)
    total = frames * frame - LAME_DELAY - LAME_MIN_PAD - LAME_PAD_MARGIN
    return total, round(frames * frame * 1000 / rate)


def _chapter_lines(chapters: Sequence[Chapter], timeline: _Timeline) -> frozenset[int]:
    """The first line of each chapter after the first (the paragraph whose mark the chapter starts at)."""
    times = [m[3] for m in timeline.marks]
    found = set()
    for chapter in chapters[1:]:
        nearest = min(range(len(times)), key=lambda j: abs(times[j] - chapter.start_ms))
        if nearest > 0:
            found.add(timeline.mark_lines[nearest])
    return frozenset(found)


def _retime(chapters: Sequence[Chapter], planned_on: _Timeline, final: _Timeline) -> tuple[Chapter, ...]:
    """Chapters planned on one layout, moved to the same paragraphs of another."""
    times = [m[3] for m in planned_on.marks]
    starts = []
    for chapter in chapters:
        nearest = min(range(len(times)), key=lambda j: abs(times[j] - chapter.start_ms))
        starts.append(0 if not starts else final.marks[nearest][3])
    ends = starts[1:] + [final.duration_ms]
    return tuple(replace(c, start_ms=s, end_ms=e) for c, s, e in zip(chapters, starts, ends))


def _ms(samples: int, rate: int) -> int:
    return round(samples * 1000 / rate)


# --------------------------------------------------------------------------- encoding
def _normalise_and_encode(mix: np.ndarray, measured: float, target: float, ceiling_db: float, rate: int,
                          mp3: Path, *, bitrate_kbps: int, channels: int) -> None:
    """Gain ``mix`` to ``target`` LUFS, hold its true peak under ``ceiling_db`` and encode it to ``mp3``.

    Limiting the peaks lowers the loudness (espeak voices are peaky: up to 1 LU at
    -19 LUFS), so the gain allows for the predicted loss; each ffmpeg pass limits, encodes
    and measures the limited signal (ebur128), and the gain is corrected
    (secant steps) until the loudness is within LOUDNESS_TOLERANCE of the
    target: one pass in practice, rarely two.
    """
    if not math.isfinite(measured):  # nothing audible: cannot happen with verified clips
        measured = target
    gain_db = target - measured
    windows = _windows(mix, rate)
    for _ in range(4):  # the gain at which the predicted loss is made up for
        gain_db = target - measured + _limiter_loss_db(windows, gain_db, ceiling_db)
    slope, previous = LIMITER_SLOPE_GUESS, None
    for _ in range(LIMIT_PASSES):
        factor = np.float32(10 ** (gain_db / 20))
        mix *= factor  # in place: an hour of audio is 600 MB a copy
        try:
            reached = limit_and_encode(mix, rate, ceiling_db, mp3, bitrate_kbps=bitrate_kbps, channels=channels)
        finally:
            mix /= factor
        if not math.isfinite(reached) or abs(target - reached) <= LOUDNESS_TOLERANCE:  # nan: not measured
            return
        if previous is not None and abs(gain_db - previous[0]) > 0.01:
            slope = min(1.0, max(0.2, (reached - previous[1]) / (gain_db - previous[0])))
        previous = (gain_db, reached)
        gain_db += (target - reached) / slope


def _limiter_loss_db(windows: tuple[np.ndarray, np.ndarray], gain_db: float, ceiling_db: float) -> float:
    """Roughly how much the limiter will lower the loudness of the mix gained by ``gain_db``.

    ``windows`` holds the energy and peak (dBFS) of every 10 ms of the mix.  Every
    window whose peak (plus a true-peak allowance) is over the ceiling is turned
    down by the excess; the loss is the energy-weighted mean of those gains.
    (Calibrated on espeak and Piper speech: within ~0.1 LU of what ffmpeg's
    alimiter then does.)
    """
    energy, peak_db = windows
    excess = np.maximum(peak_db + gain_db + TRUE_PEAK_ALLOWANCE_DB - ceiling_db, 0.0)
    kept = float(np.sum(energy * 10 ** (-excess / 10)))
    total = float(np.sum(energy))
    return 10 * math.log10(total / kept) if kept > 0 and total > 0 else 0.0


def _windows(mix: np.ndarray, rate: int) -> tuple[np.ndarray, np.ndarray]:
    """Energy and peak level (dBFS) of every 10 ms of ``mix``."""
    window = rate // 100
    count = len(mix) // window
    frames = mix[: count * window].reshape(count, window)
    energy = np.einsum("ij,ij->i", frames, frames, dtype=np.float64)
    with np.errstate(divide="ignore"):
        peak_db = 20 * np.log10(np.abs(frames).max(axis=1).astype(np.float64))
    return energy, peak_db
