"""The encoding half of the stitcher: ffmpeg's limiter and meter, LAME, and the encoder's calibration.

ffmpeg 5 runs a filter graph and its encoder in one thread and LAME takes most of
the time, so when the build may use two cores for one episode the limiter (with the
ebur128 meter) and LAME are separate processes on separate cores, joined by a pipe;
with one core they are one process (the same bytes, ~5 % less CPU: no pipe to write
and parse).
"""

from __future__ import annotations

import contextlib
import math
import re
import subprocess
import tempfile
import threading
from pathlib import Path
from typing import Optional

import numpy as np

from audiocast.audio import ffmpeg

OVERSAMPLE = 2  # measured: 4x gives the same final true peak (the encoder's overshoot dominates), 10 % slower


def mp3_args(bitrate_kbps: int, sample_rate: int, channels: int) -> list[str]:
    """ffmpeg output options for a CBR MP3 with an Info header and no tags."""
    # No ID3 from ffmpeg: tags.py writes the ID3v2.3 tag; the file starts with the Info frame.
    return ["-c:a", "libmp3lame", "-b:a", f"{bitrate_kbps}k", "-ar", str(sample_rate), "-ac", str(channels),
            "-write_xing", "1", "-id3v2_version", "0", "-write_id3v1", "0", "-map_metadata", "-1", "-f", "mp3"]


class LimitedEncoder:
    """Limiter | LAME, fed float samples as they are ready: two processes joined by a pipe, or one.

    The look-ahead limiter runs at OVERSAMPLE times the rate, so it catches the inter-sample
    peaks a true-peak meter sees; ffmpeg's ebur128 measures its output in the same run.
    ffmpeg 5 runs a whole graph and its encoder in one thread and LAME takes most of the
    time, so with ``processes=2`` the limiter and LAME are separate processes (on separate
    cores); ``processes=1`` keeps the episode on one core.  Both give the same bytes.  Call
    :meth:`write` with the signal in order, then :meth:`close` (or :meth:`abort`).
    """

    def __init__(self, rate: int, ceiling_db: float, mp3: Path, *, bitrate_kbps: int, channels: int,
                 label: Optional[Path] = None, out_rate: Optional[int] = None, resampler: str = "swr",
                 processes: int = 2) -> None:
        """Samples come at ``rate``, the MP3 is made at ``out_rate`` (default: the same); the limiter's
        ``resampler`` (ffmpeg's "swr" or "soxr") does the conversion.  ``label``: the file errors name
        (the episode, not the temporary file being written).
        """
        out_rate = out_rate or rate
        ceiling = 10 ** (ceiling_db / 20)
        # the meter's branch ends in a sink: its summary is logged when the graph closes, no stream to write
        graph = (f"[0:a]aresample={out_rate * OVERSAMPLE}:resampler={resampler},"
                 f"alimiter=limit={ceiling:.5f}:attack=5:release=50:level=disabled:latency=enabled,"
                 f"aresample={out_rate}:resampler={resampler},asplit=2[limited][measure];"
                 f"[measure]ebur128=framelog=verbose,anullsink")
        source = ["-f", "f32le", "-ar", str(rate), "-ac", "1", "-i", "pipe:0"]
        self._label = label or mp3
        self._broken = False
        if processes == 1:
            if channels == 2:  # dual mono, full level in each channel
                graph += ";[limited]pan=stereo|c0=c0|c1=c0[limited2]"
            args = [*source, "-filter_complex", graph, "-map", "[limited2]" if channels == 2 else "[limited]",
                    *mp3_args(bitrate_kbps, out_rate, channels), str(mp3)]
            self._encoder = None
            self._limiter = ffmpeg.start(args, stdin=subprocess.PIPE, loglevel="info")
            return
        limiter_args = [*source, "-filter_complex", graph, "-map", "[limited]", "-f", "f32le", "-ar", str(out_rate),
                        "-ac", "1", "pipe:1"]
        self._encoder = ffmpeg.start(_encoder_args(out_rate, mp3, bitrate_kbps, channels), stdin=subprocess.PIPE)
        try:
            self._limiter = ffmpeg.start(limiter_args, stdin=subprocess.PIPE, stdout=self._encoder.stdin,
                                         loglevel="info")
        except BaseException:
            self.abort()
            raise
        finally:
            self._encoder.stdin.close()  # the limiter holds the pipe now; LAME sees its end when the limiter exits

    def write(self, samples: np.ndarray) -> None:
        """Send the next samples (float, mono, at the rate given) to the limiter."""
        if self._broken:
            return
        try:
            self._limiter.stdin.write(_f32(samples))
        except BrokenPipeError:  # the limiter failed: close() reports its log
            self._broken = True

    def close(self) -> float:
        """End the signal, wait for both processes; the limited signal's integrated loudness (LUFS)."""
        with contextlib.suppress(BrokenPipeError):
            self._limiter.stdin.close()
        self._limiter.wait()
        log = ffmpeg.log_of(self._limiter)
        if self._encoder is not None:
            self._encoder.wait()
            # LAME first: when it fails, the limiter only sees a broken pipe
            ffmpeg.check(self._encoder.returncode, ffmpeg.log_of(self._encoder), self._label, "encode the MP3")
        ffmpeg.check(self._limiter.returncode, log, self._label, "encode the MP3")
        found = re.findall(r"Integrated loudness:\s+I:\s+(-?[\d.]+|-inf) LUFS", log)
        return float(found[-1]) if found else float("nan")

    def abort(self) -> None:
        """Stop both processes (the partial MP3 is the caller's to delete)."""
        for proc in (getattr(self, "_limiter", None), self._encoder):
            if proc is None:
                continue
            proc.kill()
            with contextlib.suppress(OSError, BrokenPipeError):
                if proc.stdin:
                    proc.stdin.close()
            proc.wait()
            if proc.stderr is not None:
                proc.stderr.close()


def limit_and_encode(mix: np.ndarray, rate: int, ceiling_db: float, mp3: Path, *, bitrate_kbps: int,
                     channels: int, label: Optional[Path] = None, out_rate: Optional[int] = None,
                     resampler: str = "swr", processes: int = 2) -> float:
    """Limiter → CBR MP3 file in one go (see :class:`LimitedEncoder`); the limited signal's loudness."""
    encoder = LimitedEncoder(rate, ceiling_db, mp3, bitrate_kbps=bitrate_kbps, channels=channels, label=label,
                             out_rate=out_rate, resampler=resampler, processes=processes)
    encoder.write(mix)
    return encoder.close()


def _encoder_args(rate: int, mp3: Path, bitrate_kbps: int, channels: int) -> list[str]:
    stereo = ["-af", "pan=stereo|c0=c0|c1=c0"] if channels == 2 else []  # dual mono, full level in each channel
    return ["-f", "f32le", "-ar", str(rate), "-ac", "1", "-i", "pipe:0", *stereo,
            *mp3_args(bitrate_kbps, rate, channels), str(mp3)]


def calibrate_encoder(bitrate_kbps: int, sample_rate: int, channels: int) -> EncoderCalibration:
    """Start measuring the level change LAME applies at these settings (once per process); ask ``.result()``.

    The pipeline starts it as soon as it knows an episode will be encoded: the first
    sample sent to the encoder waits for it.
    """
    key = (bitrate_kbps, sample_rate, channels)
    with _CALIBRATIONS_LOCK:
        if key not in _CALIBRATIONS:
            _CALIBRATIONS[key] = EncoderCalibration(*key)
        return _CALIBRATIONS[key]


class EncoderCalibration:
    """What this ffmpeg does to an episode: LAME's level change, measured on a tone, and its best resampler.

    LAME's CBR mode plays a tone back about 0.45 dB quieter than it went in; the
    stitcher pre-compensates so the published MP3 meets the loudness target.  One
    ffmpeg makes a 997 Hz tone and writes it both raw and through LAME into a pipe,
    a second decodes the MP3, a third prints ffmpeg's build configuration (is libsoxr
    in?); all run on their own while Python does other work.
    """

    def __init__(self, bitrate_kbps: int, sample_rate: int, channels: int) -> None:
        self._rate = sample_rate
        self._dir = tempfile.TemporaryDirectory(prefix="audiocast-cal-")
        folder = Path(self._dir.name)
        self._reference, self._decoded = folder / "tone.f32", folder / "decoded.f32"
        dual = ";[b]pan=stereo|c0=c0|c1=c0[b]" if channels == 2 else ""  # dual mono, as the episode is encoded
        graph = f"[0:a]volume=0.8,asplit=2[a][b]{dual}"
        # a failure here only means nothing is compensated: the logs are not kept
        self._encoder = ffmpeg.start([
            "-f", "lavfi", "-i", f"sine=frequency=997:sample_rate={sample_rate}:duration=1",
            "-filter_complex", graph, "-map", "[a]", "-f", "f32le", "-ac", "1", str(self._reference),
            "-map", "[b]", *mp3_args(bitrate_kbps, sample_rate, channels), "pipe:1"],
            stdin=None, stdout=subprocess.PIPE, keep_log=False)
        try:
            self._decoder = ffmpeg.start(
                ["-f", "mp3", "-i", "pipe:0", "-af", "pan=mono|c0=c0", "-f", "f32le", str(self._decoded)],
                stdin=self._encoder.stdout, keep_log=False)
        finally:
            self._encoder.stdout.close()  # the decoder holds the pipe now
        self._buildconf = ffmpeg.start(["-buildconf"], stdin=None, stdout=subprocess.PIPE, keep_log=False)
        self._lock = threading.Lock()
        self._value: Optional[float] = None
        self._resampler: Optional[str] = None

    def resampler(self) -> str:
        """ffmpeg's resampler for the limiter: "soxr" (stop band ~-100 dB) when built in, else "swr" (~-60 dB)."""
        with self._lock:
            if self._resampler is None:
                conf = self._buildconf.communicate()[0].decode("utf-8", "replace")
                self._resampler = "soxr" if "--enable-libsoxr" in conf else "swr"
            return self._resampler

    def result(self) -> float:
        """The level change in dB (0.0 if it could not be measured: then nothing is compensated)."""
        with self._lock:
            if self._value is None:
                self._value = self._measure()
            return self._value

    def _measure(self) -> float:
        try:
            if self._encoder.wait() != 0 or self._decoder.wait() != 0:
                return 0.0
            reference = np.fromfile(self._reference, dtype="<f4").astype(np.float64)
            decoded = np.fromfile(self._decoded, dtype="<f4").astype(np.float64)
        finally:
            self._dir.cleanup()
        quarter = self._rate // 4
        if len(reference) < 3 * quarter or len(decoded) < 3 * quarter:
            return 0.0
        # LAME's delay (~1105 samples) shifts the decoded tone; the middle half is well inside it either way
        gain = 10 * math.log10(np.mean(decoded[quarter:3 * quarter] ** 2) / np.mean(reference[quarter:3 * quarter] ** 2))
        return gain if abs(gain) < 3.0 else 0.0  # anything larger is not a level change: ignore it


_CALIBRATIONS: dict[tuple[int, int, int], EncoderCalibration] = {}
_CALIBRATIONS_LOCK = threading.Lock()


def _f32(samples: np.ndarray) -> memoryview:
    """The samples as little-endian float32 bytes for ffmpeg's stdin (no copy when they already are)."""
    return memoryview(np.ascontiguousarray(samples, dtype="<f4")).cast("B")


def encode_mp3(source: Path, mp3: Path, bitrate_kbps: int = 64, sample_rate: int = 44100, channels: int = 1,
               label: Optional[Path] = None) -> Path:
    """Encode any audio file ffmpeg reads to a CBR MP3 with an Info header at ``mp3``; returns ``mp3``.

    ``mp3`` is written in place: give it a temp file of :func:`audiocast.fsutil.atomic_path`
    (as :func:`audiocast.voice.synth.audition` does) and the final name as ``label``, the file errors name.
    """
    ffmpeg.run(["-i", str(source), *mp3_args(bitrate_kbps, sample_rate, channels), str(mp3)], label or mp3,
               "encode the MP3")
    return mp3
