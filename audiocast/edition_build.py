"""Building the audio edition (audiocast/edition.py says what it is): read, cast, synthesise, stitch, publish.

Called by the pipeline after the per-article episodes, with their cast memory, so
every speaker keeps the voice the episodes gave them.  The edition's files are
written like an episode's: new audio under a new name (outfiles.episode_stem),
listed in ``written`` until the state and feed point to them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Optional, Sequence

from audiocast.config import Config
from audiocast.edition import (
    EditionPlanner, Story, authors_of, compose, edition_chapters_json, edition_digest, edition_slug, edition_title,
    order_key, story_lines,
)
from audiocast.errors import AudiocastError
from audiocast.fsutil import atomic_path, write_text_atomic
from audiocast.model import Episode


@dataclass(frozen=True)
class EditionOutcome:
    """The edition built (or found up to date) and what it took."""

    episode: Episode
    synthesized: int = 0
    cached: int = 0
    skipped: bool = False
    warnings: tuple[str, ...] = ()


def read_stories(paths: Sequence[Path], slugs: dict, config: Config, cast, memory):
    """Every readable article, cast with ``memory``, in edition order: (stories, memory, warnings)."""
    from audiocast.voice.cast import cast_script
    from audiocast.readers import read_article
    from audiocast.understanding.segment import segment_article

    stories, warnings = [], []
    for path in paths:
        try:
            article = replace(read_article(path), slug=slugs[path][0])
            script = segment_article(article)
        except AudiocastError as exc:  # already reported by its own episode, if there is one
            warnings.append(f"left out of the edition: {exc.format_message().strip().splitlines()[0]}")
            continue
        casting, memory = cast_script(script, cast, memory)
        stories.append(Story(article=article, script=script, casting=casting))
    stories.sort(key=lambda s: order_key(s.article, config.edition.order))
    return stories, memory, warnings


def build_edition(paths: Sequence[Path], slugs: dict, out_dir: Path, config: Config, *, library, cast, memory,
                  episodes: Sequence[Episode], cover, written: list, jobs: Optional[int] = None,
                  cache_dir: Optional[Path] = None, force: bool = False, day: Optional[dt.date] = None,
                  progress: Callable[[str], None] = lambda _m: None):
    """Build (or keep) the edition of ``day`` (default today) from ``paths``: (EditionOutcome, memory)."""
    day = day or dt.date.today()
    stories, memory, warnings = read_stories(paths, slugs, config, cast, memory)
    if not stories:
        raise AudiocastError("no article could be read, so there is no edition to build", out_dir)
    slug, title = edition_slug(day), edition_title(config, day)
    previous = next((e for e in episodes if e.slug == slug), None)
    digest = edition_digest(stories, config, title, library.lexicon.digest)
    if not force and previous is not None and previous.content_hash == digest and _files_present(previous, out_dir):
        progress(f"{slug}: up to date")
        return EditionOutcome(episode=previous, skipped=True, warnings=tuple(warnings)), memory

    from audiocast.audio.encode import calibrate_encoder

    calibrate_encoder(config.audio.bitrate, config.audio.sample_rate, config.audio.channels)
    from audiocast.publish.cover import cover_bytes
    from audiocast.publish.outfiles import episode_stem
    from audiocast.audio.stitch import ClipPreparer, Stitcher, mix_rate
    from audiocast.voice.synth import clip_paths, synthesize
    from audiocast.publish.tags import TagSet, write_tags
    from audiocast.publish.transcript import write_transcripts

    composition = compose(stories, title, config.podcast.title.strip())
    planner = EditionPlanner(stories, composition.offsets)
    lines = composition.lines
    progress(f"{slug}: {len(stories)} articles, {len(lines)} sentences")
    mp3_name = f"{episode_stem(slug, digest, previous)}.mp3"
    # the MP3 is published (renamed) when the block ends, after its sidecars
    with atomic_path(out_dir / mp3_name, suffix=".mp3") as tmp_mp3:
        clip_files = clip_paths(lines, library.lexicon, cache_dir=cache_dir)
        with ClipPreparer(mix_rate(config)) as preparer, \
                Stitcher(composition.script, lines, config, tmp_mp3, clip_files, preparer, label=out_dir / mp3_name,
                         planner=planner) as stitcher:
            clips = synthesize(lines, library.lexicon, jobs=jobs, cache_dir=cache_dir, on_ready=preparer.submit)
            cover_data, cover_mime = cover_bytes(cover.path())
            audio = stitcher.finish(clips)
        parts = planner.parts(audio.chapters)
        authors = ", ".join(authors_of(stories)) or config.podcast.author
        pub_date = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
        description = story_lines(parts)
        write_tags(tmp_mp3, TagSet(
            title=title, artist=authors, album=config.podcast.title, date=pub_date, comment=description,
            cover=cover_data, cover_mime=cover_mime, length_ms=audio.duration_ms, chapters=audio.chapters,
            parts=parts, language=config.podcast.language, url=config.podcast.link,
        ))
        stem = mp3_name[: -len(".mp3")]
        written += [f"{stem}.vtt", f"{stem}.srt", f"{stem}.transcript.json", f"{stem}.chapters.json", mp3_name]
        transcripts = write_transcripts(audio.cues, out_dir, stem)
        urls = [None] + [s.article.url for s in stories] + [None] * (len(parts) - len(stories) - 1)
        chapters_name = f"{stem}.chapters.json"
        write_text_atomic(out_dir / chapters_name, edition_chapters_json(
            parts, audio.chapters, urls, title=title, author=authors, podcast_name=config.podcast.title,
            file_name=mp3_name))
    from audiocast.understanding.segment import UNATTRIBUTED

    speakers = tuple(dict.fromkeys(n for s in stories for n in s.script.speaker_names() if n != UNATTRIBUTED))
    episode = Episode(
        slug=slug, guid=previous.guid if previous else "", title=title, author=authors, description=description,
        pub_date=previous.pub_date if previous else pub_date, mp3_name=mp3_name,
        size_bytes=(out_dir / mp3_name).stat().st_size, duration_ms=audio.duration_ms, chapters=audio.chapters,
        speakers=speakers, source=None, content_hash=digest,
        first_published=previous.first_published if previous else pub_date,
        number=previous.number if previous else None, transcripts=tuple(transcripts), chapters_json=chapters_name,
        parts=parts,
    )
    synthesized = sum(1 for c in clips if not c.cached)
    return EditionOutcome(episode=episode, synthesized=synthesized, cached=len(clips) - synthesized,
                          warnings=tuple(warnings)), memory


def _files_present(episode: Episode, out_dir: Path) -> bool:
    from audiocast.publish.outfiles import episode_files

    mp3 = out_dir / episode.mp3_name
    return (mp3.is_file() and mp3.stat().st_size == episode.size_bytes
            and all((out_dir / name).is_file() for name in episode_files(episode)))
