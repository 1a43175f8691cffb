"""Reading audio facts the way players see them: ffprobe and ffmpeg's ebur128.

Used by ``audiocast check`` and the tests; the processes are started by :mod:`.ffmpeg`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from audiocast.audio import ffmpeg


def ffprobe(path: Path) -> dict:
    """ffprobe's JSON for format, streams and chapters of ``path``."""
    args = ["-show_format", "-show_streams", "-show_chapters", "-of", "json", str(path)]
    return json.loads(ffmpeg.run_ffprobe(args, path))


@dataclass(frozen=True)
class Loudness:
    """EBU R128 measurement: integrated loudness (LUFS), range (LU), true peak (dBTP)."""

    integrated: float
    lra: float
    true_peak: float


_SUMMARY = re.compile(
    r"Integrated loudness:\s+I:\s+(?P<i>-?[\d.]+|-inf)\s+LUFS.*?LRA:\s+(?P<lra>-?[\d.]+)\s+LU.*?"
    r"True peak:\s+Peak:\s+(?P<tp>-?[\d.]+|-inf)\s+dBFS",
    re.S,
)


def measure_loudness(path: Path, start_ms: Optional[int] = None, end_ms: Optional[int] = None) -> Loudness:
    """Measure with ``ffmpeg -af ebur128=peak=true`` (ITU-R BS.1770), optionally on a time range."""
    args = []
    if start_ms is not None:
        args += ["-ss", f"{start_ms / 1000:.3f}"]
    if end_ms is not None:
        args += ["-to", f"{end_ms / 1000:.3f}"]
    # -map 0:a:0: only the audio, so a broken cover picture cannot fail the measurement
    args += ["-i", str(path), "-map", "0:a:0", "-af", "ebur128=peak=true", "-f", "null", "-"]
    log = ffmpeg.run(args, path, "measure the loudness", loglevel="info")  # the summary is logged at info
    m = _SUMMARY.search(log)
    if not m:
        raise ffmpeg.failure(log, path, "measure the loudness", args)

    def num(s: str) -> float:
        return float("-inf") if s == "-inf" else float(s)

    return Loudness(num(m["i"]), num(m["lra"]), num(m["tp"]))


def decoded_duration_ms(path: Path) -> int:
    """Duration from decoding every frame (not the header's claim)."""
    args = ["-i", str(path), "-map", "0:a:0", "-f", "null", "-"]
    log = ffmpeg.run(args, path, "decode the audio", loglevel="info")  # the last progress line is logged at info
    times = re.findall(r"time=(\d+):(\d+):(\d+\.\d+)", log)
    if not times:
        raise ffmpeg.failure(log, path, "decode the audio", args)
    h, m, s = times[-1]
    return round((int(h) * 3600 + int(m) * 60 + float(s)) * 1000)
