"""An episode's files in ``out/``: is the published one current, and publishing a newly rendered one.

A rendered MP3 waits in a temp file in ``out/``; :func:`publish_episode` writes its
sidecars (transcripts, chapters) under the episode's new stem, then renames the MP3
into place and returns the :class:`~audiocast.model.Episode` record the state and the
feed are built from.  Audio identical to the published file keeps the published name,
so an unchanged rebuild rewrites nothing a podcast app has downloaded.
"""

from __future__ import annotations

import filecmp
from pathlib import Path
from typing import Optional, Sequence

from audiocast import fsutil
from audiocast.model import Article, Episode, EpisodeAudio
from audiocast.publish.chapterfiles import write_chapters_file
from audiocast.publish.tags import TagSet
from audiocast.publish.transcript import write_transcripts


def up_to_date(previous: Optional[Episode], digest: str, out_dir: Path) -> bool:
    """True when ``previous`` was built from the same content and all its files are still in ``out_dir``."""
    if previous is None or previous.content_hash != digest:
        return False
    mp3 = out_dir / previous.mp3_name
    names = [previous.mp3_name] + [name for name, _ in previous.transcripts]
    if previous.chapters_json:
        names.append(previous.chapters_json)
    return mp3.is_file() and mp3.stat().st_size == previous.size_bytes and all((out_dir / n).is_file() for n in names)


def publish_episode(article: Article, audio: EpisodeAudio, tags: TagSet, *, tmp_mp3: Path, mp3_name: str,
                    out_dir: Path, previous: Optional[Episode], digest: str, speakers: Sequence[str],
                    source: Path, podcast_title: str, written: list[str]) -> Episode:
    """Write the sidecars, publish ``tmp_mp3`` as ``mp3_name`` (or as the published file when the bytes are the
    same) and return the episode's record.  Every name renamed into ``out_dir`` is appended to ``written`` first."""
    if previous is not None and _same_bytes(tmp_mp3, out_dir / previous.mp3_name):
        mp3_name = previous.mp3_name  # identical audio and tags: the published files stay as they are
    stem = mp3_name[: -len(".mp3")]
    written += [f"{stem}.vtt", f"{stem}.srt", f"{stem}.transcript.json", f"{stem}.chapters.json", mp3_name]
    transcripts = write_transcripts(audio.cues, out_dir, stem)
    chapters_json = write_chapters_file(audio.chapters, out_dir, stem, title=article.title, author=article.author,
                                        podcast_name=podcast_title, file_name=mp3_name)
    fsutil.publish(tmp_mp3, out_dir / mp3_name)
    pub_date = tags.date
    return Episode(
        slug=article.slug, guid=previous.guid if previous else "", title=article.title, author=article.author,
        description=tags.comment, pub_date=previous.pub_date if previous else pub_date, mp3_name=mp3_name,
        size_bytes=(out_dir / mp3_name).stat().st_size, duration_ms=audio.duration_ms, chapters=audio.chapters,
        speakers=tuple(speakers), source=str(source), content_hash=digest,
        first_published=previous.first_published if previous else pub_date,
        number=previous.number if previous else None, transcripts=tuple(transcripts), chapters_json=chapters_json,
    )


def _same_bytes(a: Path, b: Path) -> bool:
    try:
        return b.is_file() and filecmp.cmp(a, b, shallow=False)
    except OSError:
        return False
