"""Safe file output (write to a temp file beside the target, then rename) and safe file names (:func:`slugify`).

A crash or a failed build never leaves a half-written file in ``out/``, and an
earlier version stays in place until the new one is complete.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
import unicodedata
from pathlib import Path
from typing import Iterator, Union


@contextlib.contextmanager
def atomic_path(target: Union[str, Path], suffix: str = "") -> Iterator[Path]:
    """Yield a temp path in the target's folder; on success rename it over ``target``.

    ``suffix`` lets tools that choose a format by extension (ffmpeg) see the right one.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=suffix or ".tmp", dir=target.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.chmod(tmp_path, 0o644)
        os.replace(tmp_path, target)
    finally:
        if tmp_path.exists():
            tmp_path.unlink()


def write_bytes_atomic(target: Union[str, Path], data: bytes) -> None:
    """Write ``data`` to ``target`` atomically."""
    with atomic_path(target) as tmp:
        tmp.write_bytes(data)


def write_text_atomic(target: Union[str, Path], text: str) -> None:
    """Write UTF-8 ``text`` to ``target`` atomically."""
    write_bytes_atomic(target, text.encode("utf-8"))


def slugify(text: str) -> str:
    """ASCII, lowercase, hyphen-separated slug (``"Café Été 2024" -> "cafe-ete-2024"``, ``"日本" -> "riben"``).

    Non-Latin scripts are transliterated (anyascii), so they do not all become "article".
    """
    from anyascii import anyascii

    ascii_text = anyascii(unicodedata.normalize("NFKC", text))
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug or "article"
