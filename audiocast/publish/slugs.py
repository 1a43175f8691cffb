"""One slug per source file, unique in the output folder and stable from build to build.

A slug names an episode's files and its guid, so two articles must never share one:
``cafe.txt``, ``café.txt`` and ``cafe.md`` all slugify to ``cafe``.  The rule:

* a source that already has an episode (matched by its file name) keeps that slug;
* otherwise it gets its name's slug if free, else ``<slug>-<6 hex of its file name's hash>``.

A slug depends only on the file's own name and what is already recorded, never on
which other files happen to be in the folder, so adding a file renames nothing.
Within one build, sources whose name *is* their slug claim it first (``cafe.txt``
before ``café.txt``), then by name.  Every disambiguation is reported as a warning.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Optional, Sequence

from audiocast.fsutil import slugify
from audiocast.model import Episode


def base_slug(path: Path) -> str:
    """The slug of a file's name alone (before disambiguation)."""
    return slugify(Path(path).stem)


def assign_slugs(paths: Sequence[Path], episodes: Sequence[Episode]) -> dict[Path, tuple[str, Optional[str]]]:
    """``{path: (slug, note)}`` for every source; ``note`` says why a slug was disambiguated."""
    owner: dict[str, str] = {e.slug: e.source or e.slug for e in episodes}
    by_name: dict[str, list[Episode]] = {}
    for e in episodes:
        if e.source:
            by_name.setdefault(Path(e.source).name, []).append(e)
    assigned: dict[Path, tuple[str, Optional[str]]] = {}
    claimed: set[str] = set()
    # sources with a recorded episode keep it (an exact source path wins over a name match)
    for path in paths:
        recorded = by_name.get(path.name, [])
        mine = [e for e in recorded if e.source == str(path)] or recorded
        for e in mine:
            if e.slug not in claimed:
                assigned[path] = (e.slug, None)
                claimed.add(e.slug)
                break
    exact_first = sorted((p for p in paths if p not in assigned),
                         key=lambda p: (p.stem != base_slug(p), p.name, str(p)))
    for path in exact_first:
        base = base_slug(path)
        taken = claimed | set(owner)
        if base not in taken:
            assigned[path] = (base, None)
        else:
            slug = next(c for c in (_suffixed(base, path.name), _suffixed(base, str(path.resolve())))
                        if c not in taken)
            other = owner.get(base) or next(str(p) for p, (s, _) in assigned.items() if s == base)
            assigned[path] = (slug, f"{path}: the slug '{base}' is already used by {other}; "
                                    f"this article's episode is '{slug}'")
        claimed.add(assigned[path][0])
    return assigned


def _suffixed(base: str, key: str) -> str:
    return f"{base}-{hashlib.sha256(key.encode('utf-8')).hexdigest()[:6]}"
