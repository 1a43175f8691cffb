"""Sentence clips → one produced, levelled, chaptered CBR MP3 and its timeline.

Clips and the sting are read by :mod:`audiocast.audio.decode` (any format); the
editing itself is plain arithmetic on numpy sample arrays:

1. every clip is decoded, resampled to the episode rate, trimmed of the
   engine's leading/trailing silence (threshold relative to the clip's own
   level), faded in/out over a few milliseconds (no clicks) and levelled to a
   common loudness (ITU-R BS.1770 K-weighted, gated), so every voice matches;
2. the timeline (pauses, stings, chapter pauses) comes from
   :mod:`audiocast.audio.timeline`, planned before any clip exists, so each clip is
   placed as soon as it is prepared and the mix streams into the encoder while
   the engines are still speaking;
3. the mix is gained to the loudness target (−19 LUFS mono, −16 stereo), each
   clip raised by what the limiter will take from its peaks, and encoded in one
   pass: an oversampled look-ahead limiter holds the true peak under −1 dBTP and
   ebur128 measures the limited signal (one ffmpeg process), libmp3lame writes
   CBR with an Info header (another, on the other core); a second pass only if
   the loudness still misses the target.

Cue times are where the words start and end on the final timeline (not where
the engine's silence started), so transcripts follow the voice.
"""

from __future__ import annotations

import collections
import concurrent.futures
import math
import os
import threading
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Optional, Sequence, Union

import numpy as np

from audiocast.config import Config
from audiocast.audio import ffmpeg
from audiocast.audio.encode import LimitedEncoder, calibrate_encoder, limit_and_encode
from audiocast.errors import AudioError
from audiocast.fsutil import atomic_path
from audiocast.audio.decode import load_audio
from audiocast.audio.loudness import LoudnessRider, gate, limiter_loss_db, peak_windows, step_sums
from audiocast.model import Clip, Cue, EpisodeAudio, Line, Script
from audiocast.audio.timeline import Placer, ms, paragraph_keys, plan_on_estimates, retime

# Levels.  Clips are levelled to a common loudness with headroom, the whole mix is
# then gained to the target; the limiter ceiling leaves room for MP3 overshoot.
CLIP_LUFS = -23.0
STING_BELOW_LU = 6.0  # the sting sits this far below the voices
# The limiter's ceiling, before LAME: LAME then lowers the level ~0.45 dB (see encode.EncoderCalibration)
# and adds up to ~0.8 dB of overshoot on espeak speech, so the MP3's true peak stays under -1.6 dBTP.
CEILING_DBTP = -2.0
LOUDNESS_TOLERANCE = 0.2  # LU
LIMIT_PASSES = 3
MAX_LIMITER_RAISE_DB = 3.0  # a clip is raised at most this much for what the limiter takes from it
LIMITER_SLOPE_GUESS = 0.65  # LU gained per dB of gain once the limiter works
MAX_CLIP_GAIN_DB = 30.0
PREPARE_THREADS = 4  # clips loaded, trimmed and levelled at once (at most one per core)
LOOKAHEAD = 4  # with one core: clips prepared ahead of the one being mixed

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


_NO_SAMPLES = np.zeros(0, dtype=np.float32)


@dataclass(frozen=True)
class _Voiced:
    """A trimmed, faded, levelled clip at the episode rate."""

    samples: np.ndarray  # float32 mono
    step_sums: np.ndarray  # K-weighted energy of every 100 ms step (to measure the mix without filtering it)
    onset: int  # samples before the words start
    speech_end: int  # samples before the words end


# --------------------------------------------------------------------------- public API
class Stitcher:
    """Mixes clips into a levelled, chaptered CBR MP3 while they are still being synthesised.

    The layout is fixed before any clip exists (:mod:`audiocast.audio.timeline`), so a feeder
    thread places each clip as soon as it is prepared and streams the mix into the
    limiter | LAME processes: the encoder, the slowest stage, works while the engines
    still speak.  Every clip is levelled alike and raised by what the limiter will take
    from its peaks; a :class:`~audiocast.audio.loudness.LoudnessRider` sets each piece's gain
    so the whole lands on the loudness target.  If the encoded episode still misses it
    by more than :data:`LOUDNESS_TOLERANCE`, it is encoded again from the mix kept in memory.

    Usage: ``with Stitcher(script, lines, config, mp3, paths, preparer) as s:`` … clips
    become ready (``preparer.submit``) … ``audio = s.finish(clips)``.  The MP3 is written
    in place: ``mp3`` is the caller's temp file (``fsutil.atomic_path``/``new_temp``), which
    the caller tags and publishes; :func:`stitch` does it all.  Leaving the block without
    :meth:`finish` stops the encoder and removes the partial file.
    """

    def __init__(self, script: Script, lines: Sequence[Line], config: Config, out_mp3: Path,
                 paths: Sequence[Path], preparer: Optional[ClipPreparer] = None, label: Optional[Path] = None,
                 planner: Optional[Callable] = None, *, cores: int = 2) -> None:
        """``label``: the file errors name (default ``out_mp3``; the MP3 is written to a temporary name).

        ``planner``: plans the chapters from the paragraph marks (default :func:`audiocast.audio.chapters.plan_chapters`).
        ``cores``: 1 runs the limiter and LAME as one process, and asks the preparer for each clip just
        ahead of the mix (every clip must already be complete); more streams them as clips arrive.
        """
        from audiocast.audio.chapters import plan_chapters

        if len(lines) != len(paths):
            raise ValueError(f"{len(lines)} lines but {len(paths)} clips")
        if not lines:
            raise AudioError("nothing to stitch: the script has no lines", out_mp3)
        ffmpeg.require()
        self._channels, self._bitrate = config.audio.channels, config.audio.bitrate
        self._out_rate, self._rate = config.audio.sample_rate, mix_rate(config)  # the MP3's rate, the mix's
        if preparer is not None and preparer.rate != self._rate:
            raise ValueError(f"clips prepared at {preparer.rate} Hz for a {self._rate} Hz mix")
        self._calibration = calibrate_encoder(self._bitrate, self._out_rate, self._channels)
        self._lines, self._paths, self._out, self._label = list(lines), list(paths), out_mp3, label or out_mp3
        self._own_preparer = preparer is None
        self._preparer = ClipPreparer(self._rate) if preparer is None else preparer
        self._keys = paragraph_keys(script, lines)
        self._sting = _prepare_sting(config.audio.sting, self._rate) if config.audio.sting else None
        sting_len = 0 if self._sting is None else len(self._sting.samples)
        self._chapter_lines, self._chapters, self._planned_on = plan_on_estimates(
            script, lines, self._keys, sting_len, config.pauses, self._rate, planner or plan_chapters,
            self._out_rate)
        self._placer = Placer(lines, self._keys, sting_len, config.pauses, self._rate, self._chapter_lines,
                              self._out_rate)
        # Dual-mono stereo measures 3 dB louder than the mono signal it carries.
        self._target = config.loudness_target - (10 * math.log10(2) if self._channels == 2 else 0.0)
        # limiter | LAME start now, so their start-up is over by the time the first clip is ready
        self._ceiling_db, self._written = CEILING_DBTP, 0
        self._rider: Optional[LoudnessRider] = None
        self._processes, self._lookahead = (1, LOOKAHEAD) if cores == 1 else (2, 0)
        try:
            self._encoder: Optional[LimitedEncoder] = LimitedEncoder(
                self._rate, self._ceiling_db, out_mp3, bitrate_kbps=self._bitrate, channels=self._channels,
                label=self._label, out_rate=self._out_rate, resampler=self._calibration.resampler(),
                processes=self._processes)
        except BaseException:  # SIGTERM/Ctrl-C too: no `with` will call close() for a half-made stitcher
            out_mp3.unlink(missing_ok=True)
            raise
        self._error: Optional[BaseException] = None
        self._done = False
        self._feeder = threading.Thread(target=self._feed_safely, name="audiocast-stitch", daemon=True)
        self._feeder.start()

    # ------------------------------------------------------------------ the feeder thread
    def _feed_safely(self) -> None:
        try:
            self._feed()
        except BaseException as exc:  # re-raised by finish()
            self._error = exc

    def _feed(self) -> None:
        # (start, clip path or the sting, limiter raise dB, gain dB) in time order: enough to mix again
        # (clips are prepared again from the cache) without keeping an hour of samples (~300 MB)
        self._pieces: list[tuple[int, Union[Path, _Voiced], float, float]] = []
        self._voiced: list[_Voiced] = []
        uses = collections.Counter(self._paths)
        for index, path in enumerate(self._paths):
            for ahead in self._paths[index:index + self._lookahead]:  # a few ahead: not an hour of clips at once
                self._preparer.submit(ahead)
            voiced = self._preparer.wait(path)
            uses[path] -= 1
            if not uses[path]:  # an hour of prepared clips is ~300 MB: let each go after its last use
                self._preparer.release(path)
            placed = self._placer.place(len(voiced.samples))
            self._voiced.append(replace(voiced, samples=_NO_SAMPLES, step_sums=_NO_SAMPLES))  # the cue times
            for kind, start in placed:
                piece = self._sting if kind == "sting" else voiced
                assert piece is not None
                self._send(start, piece, piece if kind == "sting" else path)
        closing, self._timeline = self._placer.finish()
        for _, start in closing:
            assert self._sting is not None
            self._send(start, self._sting, self._sting)
        self._pad_to(self._timeline.length)

    def _set_aim(self) -> None:
        """Aim past what LAME will take from the level (the first piece waits for the calibration)."""
        self._aim = self._target - self._calibration.result()  # what the limited signal should measure
        self._rider = LoudnessRider(self._aim, CLIP_LUFS, self._rate)

    def _send(self, start: int, piece: _Voiced, source: Union[Path, _Voiced]) -> None:
        """Gain a piece (raised by what the limiter will take from it), keep it, and stream it after the silence."""
        if self._rider is None:
            self._set_aim()
        assert self._encoder is not None and self._rider is not None
        planned = self._planned_on
        line = len(self._voiced) - 1
        done = planned.clip_starts[min(line, len(planned.clip_starts) - 1)] / planned.length
        gain_db = self._rider.gain_for(start, done)
        windows = peak_windows(piece.samples, self._rate)
        extra = 0.0
        for _ in range(3):  # the raise at which the predicted loss is made up for
            extra = min(limiter_loss_db(windows, gain_db + extra, self._ceiling_db), MAX_LIMITER_RAISE_DB)
        samples = piece.samples * np.float32(10 ** (extra / 20)) if extra else piece.samples
        self._rider.add(start, piece.step_sums, gain_db)
        self._pieces.append((start, source, extra, gain_db))
        self._pad_to(start)
        self._encoder.write(samples * np.float32(10 ** (gain_db / 20)))
        self._written = start + len(samples)

    def _pad_to(self, position: int) -> None:
        """Silence up to ``position``."""
        assert self._encoder is not None
        if position > self._written:
            self._encoder.write(np.zeros(position - self._written, dtype=np.float32))
            self._written = position

    # ------------------------------------------------------------------ the caller's side
    def finish(self, clips: Sequence[Clip] = ()) -> EpisodeAudio:
        """Wait for the mix and the encoder; the episode's timeline.

        ``clips`` (the synthesiser's result) are submitted again in case one was
        re-synthesised without a ready signal (with one core the mix asks for every clip itself).
        """
        for clip in () if self._lookahead else clips:
            self._preparer.submit(clip.path)
        self._feeder.join()
        if self._error is not None:
            raise self._error
        assert self._encoder is not None
        reached = self._encoder.close()
        self._encoder = None
        if math.isfinite(reached) and abs(self._aim - reached) > LOUDNESS_TOLERANCE:
            self._encode_again(reached)
        timeline, rate = self._timeline, self._rate
        cues = tuple(
            Cue(start_ms=ms(start + clip.onset, rate), end_ms=ms(start + clip.speech_end, rate),
                text=line.text, speaker=line.speaker or "Narrator")
            for line, clip, start in zip(self._lines, self._voiced, timeline.clip_starts)
        )
        chapters = retime(self._chapters, self._planned_on, timeline)
        self._done = True
        # Players that honour the encoder delay/padding in the Info header play exactly the mix;
        # ffprobe and header-based players count whole frames (~26 ms more).  The layout reports the
        # middle, so every way of measuring agrees with the tags, chapters and feed within ~15 ms.
        return EpisodeAudio(mp3=self._out, duration_ms=timeline.duration_ms, chapters=chapters, cues=cues,
                            bitrate_kbps=self._bitrate, sample_rate=self._out_rate, channels=self._channels)

    def _encode_again(self, reached: float) -> None:
        """Correct the gain (secant steps on the measured loudness) and encode the kept mix again."""
        mix = np.zeros(self._timeline.length, dtype=np.float32)
        for start, source, extra, gain_db in self._pieces:
            samples = (source if isinstance(source, _Voiced) else _prepare_clip(source, self._rate)).samples
            if start + len(samples) > len(mix):  # another build replaced the clip in the cache meanwhile
                raise AudioError(f"clip {source} changed in the cache during the build; build again", self._label)
            if extra:
                samples = samples * np.float32(10 ** (extra / 20))
            mix[start:start + len(samples)] = samples * np.float32(10 ** (gain_db / 20))
        self._pieces = []  # the mix holds it all now; long episodes need the memory
        slope, previous, gain_db = LIMITER_SLOPE_GUESS, (0.0, reached), 0.0
        for _ in range(LIMIT_PASSES - 1):
            gain_db += (self._aim - previous[1]) / slope
            factor = np.float32(10 ** (gain_db / 20))
            mix *= factor  # in place: an hour of audio is 600 MB a copy
            try:
                reached = limit_and_encode(mix, self._rate, self._ceiling_db, self._out, bitrate_kbps=self._bitrate,
                                           channels=self._channels, label=self._label, out_rate=self._out_rate,
                                           resampler=self._calibration.resampler(), processes=self._processes)
            finally:
                mix /= factor
            if not math.isfinite(reached) or abs(self._aim - reached) <= LOUDNESS_TOLERANCE:
                return
            if abs(gain_db - previous[0]) > 0.01:
                slope = min(1.0, max(0.2, (reached - previous[1]) / (gain_db - previous[0])))
            previous = (gain_db, reached)

    def close(self) -> None:
        """Stop everything; remove the partial MP3 unless :meth:`finish` completed it."""
        if not self._done:
            self._preparer.cancel()
            self._feeder.join()
            if self._encoder is not None:
                self._encoder.abort()
                self._encoder = None
            self._out.unlink(missing_ok=True)
            self._done = True
        if self._own_preparer:
            self._preparer.close()

    def __enter__(self) -> Stitcher:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def mix_rate(config: Config) -> int:
    """The rate the clips are mixed at: half the MP3's (the rate espeak-ng and Piper speak at), or the MP3's with a sting.

    Voices made at 22.05 kHz hold nothing above 11 kHz, so the mix stays at their rate and
    the limiter's resampler, which oversamples anyway, brings it up to the MP3's rate: no
    resampling of each clip, half the samples to mix.  A sting (music) keeps the full rate.
    """
    rate = config.audio.sample_rate
    return rate if config.audio.sting or rate % 2 or rate < 32000 else rate // 2


def stitch(script: Script, lines: Sequence[Line], clips: Sequence[Clip], config: Config,
           out_mp3: Path, preparer: Optional[ClipPreparer] = None) -> EpisodeAudio:
    """Mix ready ``clips`` (``clips[i]`` says ``lines[i]``) into ``out_mp3``: trimmed, paced, levelled, chaptered.

    Returns the episode's duration (within ~15 ms of both ffprobe's and the decoded
    length), chapters contiguous from 0 to that duration, and one cue per line.
    """
    if len(lines) != len(clips):
        raise ValueError(f"{len(lines)} lines but {len(clips)} clips")
    out_mp3 = Path(out_mp3)
    with atomic_path(out_mp3, suffix=".mp3") as tmp, \
            Stitcher(script, lines, config, tmp, [c.path for c in clips], preparer, label=out_mp3) as stitcher:
        audio = stitcher.finish(clips)
    return replace(audio, mp3=out_mp3)


# --------------------------------------------------------------------------- clips
class ClipPreparer:
    """Loads, trims and levels clips in background threads, as soon as they are submitted.

    numpy's FFTs and espeak release the GIL, so clips are prepared on the other core while
    the rest are synthesised (``synthesize(on_ready=preparer.submit)``) and on every core
    after.  Each clip is prepared on its own, so the result does not depend on the timing.
    Use as a context manager (the threads stop at exit).
    """

    def __init__(self, rate: int, threads: Optional[int] = None) -> None:
        """``threads``: at most this many clips at once (default: one per core, at most PREPARE_THREADS)."""
        self.rate = rate
        self._pool = concurrent.futures.ThreadPoolExecutor(
            max_workers=threads or min(PREPARE_THREADS, os.cpu_count() or 1))
        self._futures: dict[Path, concurrent.futures.Future] = {}
        self._submitted = threading.Condition()
        self._released: set[Path] = set()
        self._cancelled = False

    def submit(self, path: Path) -> None:
        """Start preparing the clip at ``path`` (once per path); call when its file is complete."""
        with self._submitted:
            if path not in self._futures and path not in self._released:
                self._futures[path] = self._pool.submit(_prepare_clip, path, self.rate)
                self._submitted.notify_all()

    def wait(self, path: Path) -> _Voiced:
        """The prepared clip, once somebody has submitted ``path`` (:class:`Cancelled` after :meth:`cancel`)."""
        with self._submitted:
            while path not in self._futures and not self._cancelled:
                self._submitted.wait()
            if self._cancelled:
                raise Cancelled(path)
            future = self._futures[path]
        return future.result()

    def release(self, path: Path) -> None:
        """Forget the prepared clip at ``path`` (no longer needed; a later :meth:`submit` of it is ignored)."""
        with self._submitted:
            self._futures.pop(path, None)
            self._released.add(path)

    def cancel(self) -> None:
        """Wake every :meth:`wait` with :class:`Cancelled` (the build stopped)."""
        with self._submitted:
            self._cancelled = True
            self._submitted.notify_all()

    def close(self) -> None:
        """Stop the threads (clips not started yet are dropped)."""
        self.cancel()
        self._pool.shutdown(wait=True, cancel_futures=True)
        self._futures.clear()

    def __enter__(self) -> ClipPreparer:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class Cancelled(Exception):
    """A clip was waited for after the build stopped."""


def _prepare_clip(path: Path, rate: int) -> _Voiced:
    samples, weighted = load_audio(path, rate)
    first, last, onset, end = _find_sound(samples, rate, path, KEEP_BEFORE_MS * rate // 1000,
                                          KEEP_AFTER_MS * rate // 1000)
    return _levelled(samples, weighted, first, last, rate, CLIP_LUFS, path, onset - first, end - first)


def _prepare_sting(path: Path, rate: int) -> _Voiced:
    samples, weighted = load_audio(path, rate)
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


