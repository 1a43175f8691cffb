"""Reading article files as text, whatever their encoding.

Order of trust: a byte-order mark (UTF-8, UTF-16 LE/BE, UTF-32), then strict
UTF-8, then an encoding the file declares itself (HTML ``<meta charset>``),
then charset-normalizer's best guess among legacy encodings (cp1252,
latin-1, ...).  Binary data is refused rather than decoded into noise.
"""

from __future__ import annotations

import codecs
import os
import re
import stat
from pathlib import Path
from typing import Optional

from audiocast.errors import ReadError
from audiocast.limits import MAX_ARTICLE_BYTES

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
# Control characters that never occur in text (tab, newlines, form feed and ESC excepted).
_BINARY_BYTES = set(range(0, 8)) | {11, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 28, 29, 30, 31}


def read_bytes(path: Path) -> bytes:
    """The raw bytes of ``path``; OS problems become a :class:`ReadError` naming it."""
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):  # opening a FIFO would wait forever for a writer
            raise ReadError("is a folder, not an article file" if stat.S_ISDIR(info.st_mode)
                            else "not a regular file (a pipe, device or socket)", path)
        if info.st_size > MAX_ARTICLE_BYTES:
            raise ReadError(f"file is {info.st_size / 2**20:.0f} MB (limit {MAX_ARTICLE_BYTES // 2**20} MB)", path)
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise ReadError("no such file", path) from None
    except IsADirectoryError:
        raise ReadError("is a folder, not an article file", path) from None
    except PermissionError:
        raise ReadError("permission denied", path) from None
    except OSError as exc:
        raise ReadError(f"cannot read file ({exc.strerror or exc})", path) from None


def decode(data: bytes, path: Path, declared: Optional[str] = None) -> str:
    """Decode article bytes to text (newlines normalised to ``\\n``).

    ``declared`` is an encoding the document names for itself (tried after UTF-8).
    Raises :class:`ReadError` "empty file" or "not a text file".
    """
    if not data.strip():
        raise ReadError("empty file", path)
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return _normalise(data.decode(encoding))
            except UnicodeDecodeError:
                raise ReadError(f"not a text file (invalid {encoding.upper()} after its byte-order mark)", path) from None
    encoding = _utf16_without_bom(data)
    if encoding:
        try:
            return _normalise(data.decode(encoding))
        except UnicodeDecodeError:
            pass
    if _looks_binary(data):
        raise ReadError("not a text file (binary data)", path)
    try:
        return _normalise(data.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    if declared:
        try:
            return _normalise(data.decode(declared))
        except (LookupError, UnicodeDecodeError):
            pass
    from charset_normalizer import from_bytes  # only for text that is not UTF-8 (~10 ms to import)

    guess = from_bytes(data).best()
    if guess is None or guess.encoding is None:
        raise ReadError("not a text file (unknown encoding)", path)
    encoding = guess.encoding
    # Legacy single-byte text is overwhelmingly Windows-1252 in practice; latin-1
    # would turn its curly quotes into C1 control characters.
    if encoding in ("latin_1", "iso8859_1", "iso8859_15"):
        encoding = "cp1252"
    for text in (lambda: data.decode(encoding), lambda: str(guess)):
        try:
            return _normalise(text())
        except UnicodeDecodeError:
            continue
    # NUL bytes past the part _looks_binary samples (a saved page with a few stray ones deep inside)
    raise ReadError("not a text file (NUL bytes inside)", path)


def read_text(path: Path) -> str:
    """Read and decode a plain-text article file (see :func:`decode`)."""
    return decode(read_bytes(path), path)


def declared_html_charset(data: bytes) -> Optional[str]:
    """The charset an HTML page declares in a ``<meta>`` tag near its start, if any."""
    match = _META_CHARSET.search(data[:4096])
    return match.group(1).decode("ascii", "replace") if match else None


def _utf16_without_bom(data: bytes) -> Optional[str]:
    """"utf-16-le"/"utf-16-be" for Latin-script UTF-16 saved without a byte-order mark (every other byte NUL)."""
    sample = data[:8192]
    if len(sample) < 4 or len(sample) % 2:
        return None
    even, odd = sample[0::2], sample[1::2]
    for encoding, high, low in (("utf-16-le", odd, even), ("utf-16-be", even, odd)):
        if high.count(0) >= 0.6 * len(high) and low.count(0) == 0:
            return encoding
    return None


def _looks_binary(data: bytes) -> bool:
    sample = data[:8192]
    if b"\x00" in sample:
        return True
    bad = sum(1 for b in sample if b in _BINARY_BYTES)
    return bad > max(2, len(sample) // 100)


def _normalise(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    if "\x00" in text:
        raise UnicodeDecodeError("utf-8", b"\x00", 0, 1, "NUL character")
    return text
