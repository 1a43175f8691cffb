"""The encoding half of the stitcher: ffmpeg's limiter and meter, LAME, and the encoder's calibration.

ffmpeg 5 runs a filter graph and its encoder in one thread and LAME takes most of
the time, so the limiter (with the ebur128 meter) and LAME are separate processes
on separate cores, joined by a pipe.
"""

from __future__ import annotations

import concurrent.futures
import functools
import math
import re
import subprocess
import tempfile
import threading
from pathlib import Path
from typing import Optional

import numpy as np

from audiocast.errors import AudioError

OVERSAMPLE = 2  # measured: 4x gives the same final true peak (the encoder's overshoot dominates), 10 % slower
# libmp3lame: 576 + 529 samples of encoder delay, and it pads at least 48 samples
# at the end; the input is padded so that the last frame is (almost) full.
LAME_DELAY = 1105
LAME_MIN_PAD = 48
LAME_PAD_MARGIN = 24


def mp3_args(bitrate_kbps: int, sample_rate: int, channels: int) -> list[str]:
    """ffmpeg output options for a CBR MP3 with an Info header and no tags."""
    # No ID3 from ffmpeg: tags.py writes the ID3v2.3 tag; the file starts with the Info frame.
    return ["-c:a", "libmp3lame", "-b:a", f"{bitrate_kbps}k", "-ar", str(sample_rate), "-ac", str(channels),
            "-write_xing", "1", "-id3v2_version", "0", "-write_id3v1", "0", "-map_metadata", "-1", "-f", "mp3"]


def limit_and_encode(mix: np.ndarray, rate: int, ceiling_db: float, mp3: Path, *, bitrate_kbps: int,
                     channels: int) -> float:
    """Limiter → CBR MP3 file; returns the limited signal's integrated loudness.

    The look-ahead limiter runs at OVERSAMPLE times the rate, so it catches the inter-sample
    peaks a true-peak meter sees; ffmpeg's ebur128 measures its output in the same run.
    ffmpeg 5 runs a whole graph and its encoder in one thread and LAME takes most of the
    time, so the limiter and LAME are separate processes (on separate cores).
    """
    ceiling = 10 ** (ceiling_db / 20)
    graph = (f"[0:a]aresample={rate * OVERSAMPLE},"
             f"alimiter=limit={ceiling:.5f}:attack=5:release=50:level=disabled:latency=enabled,"
             f"aresample={rate},asplit=2[limited][measure];"
             f"[measure]ebur128=framelog=verbose[measured]")
    raw = ["-f", "f32le", "-ar", str(rate), "-ac", "1"]
    limiter_args = [*raw, "-i", "pipe:0", "-filter_complex", graph, "-map", "[limited]", *raw, "pipe:1",
                    "-map", "[measured]", "-f", "null", "-"]
    # limiter | LAME, joined by a pipe
    encoder = _ffmpeg(_encoder_args(rate, mp3, bitrate_kbps, channels), stdin=subprocess.PIPE)
    try:
        limiter = _ffmpeg(limiter_args, stdin=subprocess.PIPE, stdout=encoder.stdin, loglevel="info")
    finally:
        encoder.stdin.close()  # the limiter holds the pipe now; LAME sees its end when the limiter exits
    try:
        limiter.stdin.write(_f32(mix))
    except BrokenPipeError:  # the limiter failed: its log says why
        pass
    finally:
        limiter.stdin.close()
    limiter.wait()
    encoder.wait()
    log = _log(limiter)
    _check_ffmpeg(limiter.returncode, log, mp3)
    _check_ffmpeg(encoder.returncode, _log(encoder), mp3)
    found = re.findall(r"Integrated loudness:\s+I:\s+(-?[\d.]+|-inf) LUFS", log)
    return float(found[-1]) if found else float("nan")


def _encoder_args(rate: int, mp3: Path, bitrate_kbps: int, channels: int) -> list[str]:
    stereo = ["-af", "pan=stereo|c0=c0|c1=c0"] if channels == 2 else []  # dual mono, full level in each channel
    return ["-f", "f32le", "-ar", str(rate), "-ac", "1", "-i", "pipe:0", *stereo,
            *mp3_args(bitrate_kbps, rate, channels), str(mp3)]


def _log(proc: subprocess.Popen) -> str:
    """A finished process's stderr (a temporary file), as text."""
    proc.stderr.seek(0)
    text = proc.stderr.read().decode("utf-8", "replace")
    proc.stderr.close()
    return text


def encode(mix: np.ndarray, rate: int, mp3: Path, *, bitrate_kbps: int, channels: int) -> None:
    """A plain encode (no limiter): raw float mix on stdin → CBR MP3 file (dual mono for stereo)."""
    args = ["-f", "f32le", "-ar", str(rate), "-ac", "1", "-i", "pipe:0"]
    if channels == 2:
        args += ["-af", "pan=stereo|c0=c0|c1=c0"]  # dual mono at full level in each channel
    run_ffmpeg([*args, *mp3_args(bitrate_kbps, rate, channels), str(mp3)], _f32(mix), mp3)


def calibrate_encoder(bitrate_kbps: int, sample_rate: int, channels: int) -> concurrent.futures.Future:
    """Start measuring :func:`encoder_gain_db` in a background thread (once per process); its future.

    The measurement runs ffmpeg twice on a tone; the pipeline starts it before synthesis so
    that it is ready when the mix is.
    """
    key = (bitrate_kbps, sample_rate, channels)
    with _CALIBRATIONS_LOCK:
        if key not in _CALIBRATIONS:
            _CALIBRATIONS[key] = _background(encoder_gain_db, *key)
        return _CALIBRATIONS[key]


_CALIBRATIONS: dict[tuple[int, int, int], concurrent.futures.Future] = {}
_CALIBRATIONS_LOCK = threading.Lock()


def _background(fn, *args) -> concurrent.futures.Future:
    """``fn(*args)`` in a daemon thread, as a future."""
    future: concurrent.futures.Future = concurrent.futures.Future()

    def run() -> None:
        try:
            future.set_result(fn(*args))
        except BaseException as exc:  # re-raised by future.result() in the caller
            future.set_exception(exc)

    threading.Thread(target=run, daemon=True).start()
    return future


def _f32(samples: np.ndarray) -> memoryview:
    """The samples as little-endian float32 bytes for ffmpeg's stdin (no copy when they already are)."""
    return memoryview(np.ascontiguousarray(samples, dtype="<f4")).cast("B")


@functools.lru_cache(maxsize=None)
def encoder_gain_db(bitrate_kbps: int, sample_rate: int, channels: int) -> float:
    """The level change (dB) libmp3lame applies at these settings, measured once per process on a tone.

    LAME's CBR mode plays a tone back about 0.45 dB quieter than it went in; the
    stitcher pre-compensates so the published MP3 meets the loudness target.
    """
    t = np.arange(sample_rate) / sample_rate
    tone = 0.1 * np.sin(2 * np.pi * 997 * t)
    with tempfile.TemporaryDirectory(prefix="audiocast-cal-") as tmp:
        mp3 = Path(tmp) / "tone.mp3"
        encode(tone, sample_rate, mp3, bitrate_kbps=bitrate_kbps, channels=channels)
        proc = subprocess.run(["ffmpeg", "-hide_banner", "-loglevel", "error", "-i", str(mp3), "-af", "pan=mono|c0=c0",
                               "-f", "f32le", "-"], capture_output=True)
    decoded = np.frombuffer(proc.stdout, dtype="<f4").astype(np.float64)
    quarter = sample_rate // 4
    if proc.returncode != 0 or len(decoded) < 3 * quarter:
        return 0.0
    gain = 10 * math.log10(np.mean(decoded[quarter:3 * quarter] ** 2) / np.mean(tone[quarter:3 * quarter] ** 2))
    return gain if abs(gain) < 3.0 else 0.0  # anything larger is not a level change: ignore it


def run_ffmpeg(args: list[str], stdin: Optional[memoryview], target: Path, loglevel: str = "error") -> str:
    """Run ffmpeg; its log, or AudioError (naming ``target``) with ffmpeg's last error line."""
    proc = subprocess.run(_ffmpeg_cmd(args, stdin is not None, loglevel), input=stdin, capture_output=True)
    log = proc.stderr.decode("utf-8", "replace")
    _check_ffmpeg(proc.returncode, log, target)
    return log


def _ffmpeg_cmd(args: list[str], has_stdin: bool, loglevel: str) -> list[str]:
    return ["ffmpeg", "-hide_banner", "-nostats", "-loglevel", loglevel, *([] if has_stdin else ["-nostdin"]),
            "-y", *args]


def _ffmpeg(args: list[str], *, stdin: int, stdout: object = subprocess.DEVNULL,
            loglevel: str = "error") -> subprocess.Popen:
    """Start ffmpeg reading ``stdin``; its log goes to a temporary file (read it with :func:`_log`)."""
    log = tempfile.TemporaryFile()
    try:
        proc = subprocess.Popen(_ffmpeg_cmd(args, True, loglevel), stdin=stdin, stdout=stdout, stderr=log)
    except BaseException:
        log.close()
        raise
    proc.stderr = log
    return proc


def _check_ffmpeg(returncode: int, log: str, target: Path) -> None:
    """AudioError (naming ``target``) with ffmpeg's last error line when it failed."""
    if returncode != 0:
        errors = [line for line in log.strip().splitlines() if "rror" in line] or log.strip().splitlines()
        raise AudioError(f"ffmpeg could not encode the MP3: {errors[-1] if errors else 'unknown error'}", target)
