"""Reading audio facts the way players see them: ffprobe and ffmpeg's ebur128.

Used by the stitcher (loudness normalisation), ``audiocast check`` and the tests.
Only subprocess calls here; pydub stays in stitch.py, mutagen in tags.py.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from audiocast.errors import AudioError


def require_ffmpeg() -> None:
    """Raise AudioError with install advice when ffmpeg/ffprobe are missing."""
    missing = [t for t in ("ffmpeg", "ffprobe") if shutil.which(t) is None]
    if missing:
        raise AudioError(f"{' and '.join(missing)} not found: install ffmpeg (Debian/Ubuntu: apt-get install ffmpeg)")


def ffprobe(path: Path) -> dict:
    """ffprobe's JSON for format, streams and chapters of ``path``."""
    require_ffmpeg()
    proc = subprocess.run(
        ["ffprobe", "-v", "error", "-show_format", "-show_streams", "-show_chapters", "-of", "json", str(path)],
        capture_output=True, text=True,
    )
    if proc.returncode != 0:
        raise AudioError(f"ffprobe failed: {proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else 'unknown error'}", path)
    return json.loads(proc.stdout)


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
    require_ffmpeg()
    cmd = ["ffmpeg", "-hide_banner", "-nostats"]
    if start_ms is not None:
        cmd += ["-ss", f"{start_ms / 1000:.3f}"]
    if end_ms is not None:
        cmd += ["-to", f"{end_ms / 1000:.3f}"]
    # -map 0:a:0: only the audio, so a broken cover picture cannot fail the measurement
    cmd += ["-i", str(path), "-map", "0:a:0", "-af", "ebur128=peak=true", "-f", "null", "-"]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    m = _SUMMARY.search(proc.stderr)
    if proc.returncode != 0 or not m:
        raise AudioError("loudness measurement failed", path)

    def num(s: str) -> float:
        return float("-inf") if s == "-inf" else float(s)

    return Loudness(num(m["i"]), num(m["lra"]), num(m["tp"]))


def decoded_duration_ms(path: Path) -> int:
    """Duration from decoding every frame (not the header's claim)."""
    require_ffmpeg()
    proc = subprocess.run(
        ["ffmpeg", "-hide_banner", "-nostats", "-i", str(path), "-map", "0:a:0", "-f", "null", "-"],
        capture_output=True, text=True,
    )
    times = re.findall(r"time=(\d+):(\d+):(\d+\.\d+)", proc.stderr)
    if proc.returncode != 0 or not times:
        raise AudioError("could not decode audio", path)
    h, m, s = times[-1]
    return round((int(h) * 3600 + int(m) * 60 + float(s)) * 1000)
