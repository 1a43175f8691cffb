"""Safe file output (write to a temp file beside the target, then rename) and safe file names (:func:`slugify`).

Every file audiocast writes into ``out/`` or the clip cache goes through here.  A
crash or a failed build never leaves a half-written file under a real name, and an
earlier version stays in place until the new one is complete.

:func:`atomic_path` does it in one block.  A file made in one place and published in
another (an episode's MP3: rendered in a worker, renamed by the pipeline once its
sidecars are written) uses its two halves, :func:`new_temp` and :func:`publish`.
Temp files are created exclusively (``O_EXCL``, never through a planted symlink) and
named ``.<target>.<8 random chars><suffix>``, which ``publish/outfiles.is_temp`` knows.
A symlink planted at the target is replaced by the file, never written through.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import tempfile
import unicodedata
from pathlib import Path
from typing import Iterator, Optional, Union


def new_temp(target: Union[str, Path], suffix: str = "") -> Path:
    """Create an empty temp file beside ``target`` (making its folder) for :func:`publish`.

    The caller removes it if it is never published.  ``suffix`` lets tools that choose a
    format by extension (ffmpeg) see the right one.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=suffix or ".tmp", dir=target.parent)
    os.close(fd)
    return Path(tmp)


def publish(tmp: Union[str, Path], target: Union[str, Path]) -> None:
    """Rename the finished temp file ``tmp`` over ``target`` (readable by all, as a web server needs)."""
    os.chmod(tmp, 0o644)
    os.replace(tmp, target)


@contextlib.contextmanager
def atomic_path(target: Union[str, Path], suffix: str = "") -> Iterator[Path]:
    """Yield a temp path in the target's folder; on success rename it over ``target``, else remove it."""
    tmp = new_temp(target, suffix)
    try:
        yield tmp
        publish(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def write_bytes_atomic(target: Union[str, Path], data: bytes, *, keep_same: bool = False) -> bool:
    """Write ``data`` to ``target`` atomically; whether it was written.

    ``keep_same``: leave ``target`` untouched (its time too) when it already holds
    ``data``, so a rebuild with nothing changed rewrites nothing.
    """
    if keep_same and holds(target, data):
        return False
    with atomic_path(target) as tmp:
        tmp.write_bytes(data)
    return True


def write_text_atomic(target: Union[str, Path], text: str, *, keep_same: bool = False) -> bool:
    """Write UTF-8 ``text`` to ``target`` atomically (see :func:`write_bytes_atomic`)."""
    return write_bytes_atomic(target, text.encode("utf-8"), keep_same=keep_same)


def holds(target: Union[str, Path], data: bytes) -> bool:
    """True when ``target`` is a regular file (not a symlink) whose bytes are ``data``."""
    return read_own(target, size=len(data)) == data


def read_own(target: Union[str, Path], size: Optional[int] = None) -> Optional[bytes]:
    """The bytes of ``target`` if it is a regular file (of ``size`` bytes, when given); else None.

    None too when it is missing, a symlink or unreadable: it is written anew (and a real fault shows there).
    """
    try:  # O_NOFOLLOW: a planted symlink is not ours, whatever it points to; O_NONBLOCK: nor is a FIFO
        fd = os.open(target, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return None
    with os.fdopen(fd, "rb") as f:
        facts = os.fstat(fd)
        if not stat.S_ISREG(facts.st_mode) or (size is not None and facts.st_size != size):
            return None
        return f.read()


def slugify(text: str) -> str:
    """ASCII, lowercase, hyphen-separated slug (``"Café Été 2024" -> "cafe-ete-2024"``, ``"日本" -> "riben"``).

    Non-Latin scripts are transliterated (anyascii), so they do not all become "article".
    """
    from anyascii import anyascii

    ascii_text = anyascii(unicodedata.normalize("NFKC", text))
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug or "article"
