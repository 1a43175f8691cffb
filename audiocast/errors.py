"""audiocast's own exceptions.

Every error a user can cause (bad input, bad config, a missing engine) derives
from :class:`AudiocastError`, a :class:`click.ClickException`, so the CLI prints
one line naming the file and exits non-zero.  Anything else is a bug and keeps
its traceback.
"""

from __future__ import annotations

import errno
from pathlib import Path
from typing import Optional, Union

import click


class AudiocastError(click.ClickException):
    """A user-facing error; ``path`` (when given) is named at the start of the message."""

    def __init__(self, message: str, path: Optional[Union[str, Path]] = None):
        self.path = Path(path) if path is not None else None
        super().__init__(f"{path}: {message}" if path is not None else message)


class ReadError(AudiocastError):
    """An article could not be read or holds nothing to speak."""


class ConfigError(AudiocastError):
    """``audiocast.toml`` or a voice/cast file is invalid (all problems in one message)."""


class EngineError(AudiocastError):
    """A speech engine is unavailable or failed to produce audio."""


class AudioError(AudiocastError):
    """ffmpeg/pydub could not decode, mix or encode audio."""


class CheckError(AudiocastError):
    """``audiocast check`` found faults in built output."""


_ADVICE = {
    errno.ENOSPC: "the disk is full: free some space, then build again",
    errno.EDQUOT: "the disk quota is used up: free some space, then build again",
    errno.EROFS: "the output folder is on a read-only file system: choose another with -o",
    errno.EACCES: "permission denied: make the output folder writable, or choose another with -o",
    errno.EPERM: "operation not permitted: make the output folder writable, or choose another with -o",
}


def output_fault(exc: OSError, fallback: Union[str, Path]) -> AudiocastError:
    """A one-line error for an OS fault while writing (disk full, read-only folder...), saying what to do."""
    advice = _ADVICE.get(exc.errno or 0, f"{exc.strerror or exc}")
    return AudiocastError(f"cannot write: {advice}; nothing of this build was published",
                          exc.filename or fallback)
