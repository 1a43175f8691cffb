"""Which files in ``out/`` belong to which episode, so that a build can switch them safely.

An episode's files (MP3, transcripts, chapters) are named after its slug.  A rebuild
that changes the audio never overwrites a file the feed points to: it writes the new
version beside the old one (``<slug>.mp3`` and ``<slug>.<8 hex>.mp3`` take turns), then
episodes.json and feed.xml are switched (each atomically), and only then are the old
files removed.  Killed at any moment, the feed and the state each describe files that
exist with the length and duration they state; the next build removes what was left.
Meanwhile :func:`build_lock` keeps a second build (an overlapping cron job) out of the folder.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import re
from pathlib import Path
from typing import Iterable, Iterator, Optional, Sequence

from audiocast.errors import AudiocastError, output_fault
from audiocast.model import Episode

# what an episode's own files are called: <slug>[.<8 hex>].<kind>
_KINDS = r"(?:mp3|vtt|srt|transcript\.json|chapters\.json)"
# a temp file of fsutil (new_temp, atomic_path): ".<target>.<8 random chars><suffix>"
_TEMP = re.compile(r"^\..+\.[a-z0-9_]{8}\.[A-Za-z0-9]+$")


def episode_stem(slug: str, digest: str, previous: Optional[Episode]) -> str:
    """The file stem for a new version of ``slug``'s episode: never the name the feed points to now."""
    if previous is not None and previous.mp3_name == f"{slug}.mp3":
        return f"{slug}.{digest[:8]}"
    return slug


def episode_files(episode: Episode) -> set[str]:
    """The names of every file in ``out/`` that ``episode`` refers to."""
    names = {episode.mp3_name, *(name for name, _ in episode.transcripts)}
    if episode.chapters_json:
        names.add(episode.chapters_json)
    return names


def is_temp(name: str) -> bool:
    """True for a temp file left by an interrupted write."""
    return bool(_TEMP.match(name))


def remove_files(out_dir: Path, names: Iterable[str]) -> None:
    """Remove ``names`` from ``out_dir`` (missing files are fine)."""
    for name in names:
        try:
            (out_dir / name).unlink()
        except FileNotFoundError:
            pass
        except IsADirectoryError:
            pass  # not ours to remove; `audiocast check` reports it


def superseded(old: Sequence[Episode], new: Sequence[Episode]) -> set[str]:
    """Files the ``old`` state referred to that the ``new`` one does not."""
    kept = set().union(*(episode_files(e) for e in new)) if new else set()
    return set().union(*(episode_files(e) for e in old)) - kept if old else set()


def leftovers(out_dir: Path, episodes: Sequence[Episode], slugs: Iterable[str]) -> list[str]:
    """Temp files, and versions of ``slugs``' files that no episode refers to (from an interrupted build)."""
    referenced = set().union(*(episode_files(e) for e in episodes)) if episodes else set()
    ours = re.compile(rf"^(?:{'|'.join(re.escape(s) for s in sorted(set(slugs)))})(?:\.[0-9a-f]{{8}})?\.{_KINDS}$") \
        if slugs else None
    found = []
    for folder in (out_dir, out_dir / ".audiocast"):
        try:
            entries = list(folder.iterdir())
        except OSError:
            continue
        for path in entries:
            name = path.name
            if not path.is_file() or path.is_symlink():
                continue
            if is_temp(name) or (folder == out_dir and ours is not None and ours.match(name)
                                 and name not in referenced):
                found.append(str(path.relative_to(out_dir)))
    return sorted(found)


@contextlib.contextmanager
def build_lock(out_dir: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``out_dir`` so two builds (an overlapping cron job) cannot interleave their writes."""
    private = out_dir / ".audiocast"
    private.mkdir(parents=True, exist_ok=True)
    if private.is_symlink() or not private.is_dir():
        raise AudiocastError("is a symbolic link or not a folder; audiocast writes only inside the output folder "
                             "(remove it)", private)
    lock_path = private / "build.lock"
    try:  # O_NOFOLLOW: a planted symlink must not make us create or truncate a file elsewhere
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
    except OSError as exc:
        if exc.errno != errno.ELOOP:
            raise output_fault(exc, lock_path) from None
        raise AudiocastError("cannot open the build lock: is a symbolic link; refusing to follow it (remove it)",
                             lock_path) from None
    with os.fdopen(fd, "r+b") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise AudiocastError("another audiocast build is writing to this folder; try again when it has finished",
                                 out_dir) from None
        yield
