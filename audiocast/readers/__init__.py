"""Article readers: one module per format, chosen by file extension.

Like Pelican's readers, each format registers a function ``path -> Article``
for its extensions::

    @register(".md", ".markdown")
    def read_markdown(path: Path) -> Article: ...

:func:`read_article` dispatches on the extension, :func:`find_articles` expands
the files and folders a user names into the article files to build.

Readers: Path → Article.  May import: the top-level shared modules and itself.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Callable, Iterable, Optional

from audiocast.errors import ReadError
from audiocast.model import Article

Reader = Callable[[Path], Article]
READERS: dict[str, Reader] = {}
# The built-in format modules, imported on first use (the HTML extractor alone takes ~0.1 s to import);
# each registers its readers when imported.
BUILTIN_FORMATS = {".txt": "text", ".md": "markdown", ".markdown": "markdown", ".html": "html", ".htm": "html"}


def register(*extensions: str) -> Callable[[Reader], Reader]:
    """Decorator: make ``func`` the reader for each of ``extensions`` (".txt", ...)."""

    def deco(func: Reader) -> Reader:
        for ext in extensions:
            READERS[ext.lower()] = func
        return func

    return deco


def read_article(path: Path) -> Article:
    """Read one article file with the reader registered for its extension.

    Raises :class:`ReadError` (naming the file) for a missing file, an unsupported
    extension, undecodable or binary data, or a file with nothing to speak.
    """
    path = Path(path)
    reader = _reader_for(path.suffix.lower())
    if reader is None:
        raise ReadError(f"unsupported file type {path.suffix or '(no extension)'!r}; "
                        f"supported: {', '.join(SUPPORTED_EXTENSIONS)}", path)
    if not path.exists():
        raise ReadError("no such file", path)
    if path.is_dir():
        raise ReadError("is a folder, not an article file", path)
    if not path.is_file():  # a FIFO would block the reader forever
        raise ReadError("not a regular file (a pipe, device or socket)", path)
    return reader(path)


def _reader_for(extension: str) -> Optional[Reader]:
    if extension not in READERS and extension in BUILTIN_FORMATS:
        importlib.import_module(f"audiocast.readers.{BUILTIN_FORMATS[extension]}")
    return READERS.get(extension)


def _supported(extension: str) -> bool:
    return extension in READERS or extension in BUILTIN_FORMATS


def find_articles(sources: Iterable[Path]) -> list[Path]:
    """The article files named by ``sources``, in order, without duplicates.

    A file is taken as is (an unsupported extension is a ReadError); a folder is
    scanned (not recursively) for supported files, sorted by name, skipping hidden
    files and README*.  A missing path is a ReadError naming it.
    """
    found: list[Path] = []
    for source in sources:
        source = Path(source)
        if source.is_dir():
            for child in sorted(source.iterdir(), key=lambda p: p.name):
                if (child.is_file() and _supported(child.suffix.lower())
                        and not child.name.startswith(".") and not child.name.upper().startswith("README")):
                    found.append(child)
        elif source.is_file():
            if not _supported(source.suffix.lower()):
                raise ReadError(f"unsupported file type {source.suffix or '(no extension)'!r}; "
                                f"supported: {', '.join(SUPPORTED_EXTENSIONS)}", source)
            found.append(source)
        elif source.exists():
            raise ReadError("not a regular file (a pipe, device or socket)", source)
        else:
            raise ReadError("no such file or folder", source)
    return list(dict.fromkeys(found))


SUPPORTED_EXTENSIONS: tuple[str, ...] = tuple(sorted(BUILTIN_FORMATS))

__all__ = ["READERS", "SUPPORTED_EXTENSIONS", "ReadError", "find_articles", "read_article", "register"]
