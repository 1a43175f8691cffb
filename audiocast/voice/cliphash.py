"""Checksums that make the clip cache trustworthy: a clip is used only if its audio is what was cached.

Beside each cached ``<key>.wav`` lies ``<key>.sha256``, the SHA-256 of the WAV's bytes, written after the WAV
was verified and renamed into place.  A clip truncated, overwritten with noise behind a valid header, or
left without its checksum (a build killed between the two renames) is not a cache hit: it is synthesised
again.  Hashing costs about 0.2 s per hour of audio, read once more from the page cache by the stitcher.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from audiocast.fsutil import write_text_atomic


def checksum_path(wav: Path) -> Path:
    """Where the checksum of ``wav`` is kept."""
    return Path(wav).with_suffix(".sha256")


def _digest(wav: Path) -> str:
    with open(wav, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def seal(wav: Path) -> None:
    """Record the checksum of a complete, verified clip."""
    write_text_atomic(checksum_path(wav), _digest(wav) + "\n")


def intact(wav: Path) -> bool:
    """True when ``wav`` exists with the checksum recorded for it."""
    try:
        expected = checksum_path(wav).read_text(encoding="ascii").strip()
        return bool(expected) and _digest(wav) == expected
    except (OSError, UnicodeDecodeError):
        return False
