"""Runs the stages for every article: the one place that knows the whole order.

Path → Article → Script → Casting → Lines → Clips → EpisodeAudio → tagged MP3 + sidecars → Episode → feed

One bad article fails alone, whatever the exception (its error is reported in one
line, the others are built).  A rebuilt episode's files are written under new names
(outfiles.py); the cast memory, the episode state and the feed are written once at the
end, each atomically, and only then are the superseded files removed, so a failed or
killed build leaves the published outputs as they were, each consistent with the disk.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import fcntl
import hashlib
import json
import os
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Optional, Sequence

from audiocast import __version__
from audiocast.config import Config
from audiocast.errors import AudiocastError, output_fault
from audiocast.model import Article, Casting, Episode, Script

Progress = Callable[[str], None]
# Faults of the output folder that fail the whole build (see audiocast.errors.output_fault)
OUTPUT_FAULTS = (errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM)


@dataclass(frozen=True)
class BuildOptions:
    """How to build, beyond the config file."""

    cast: Optional[str] = None  # overrides config.audio.cast
    jobs: Optional[int] = None  # synthesis worker processes (None: CPU count)
    strict: bool = False  # warnings fail the article
    force: bool = False  # rebuild episodes even when nothing changed
    cache_dir: Optional[Path] = None  # clip cache (None: the user cache directory)
    voices_dir: Optional[Path] = None  # voice library (None: the shipped voices/)
    debug: bool = False  # show the traceback of an unexpected error in an article
    edition_date: Optional[dt.date] = None  # the day of the edition (config [edition]; None: today)


@dataclass(frozen=True)
class ArticleResult:
    """What happened to one source file."""

    source: Path
    episode: Optional[Episode] = None
    error: Optional[str] = None
    warnings: tuple[str, ...] = ()
    synthesized: int = 0
    cached: int = 0
    skipped: bool = False  # up to date: nothing rebuilt
    seconds: float = 0.0


@dataclass(frozen=True)
class BuildReport:
    """The outcome of a build: one result per article and the feed written."""

    results: tuple[ArticleResult, ...]
    feed: Optional[Path]
    seconds: float
    page: Optional[Path] = None  # out/index.html
    notes: tuple[str, ...] = ()  # e.g. which voices the cast left out on this machine and what to install

    @property
    def failed(self) -> tuple[ArticleResult, ...]:
        return tuple(r for r in self.results if r.error)

    def summary(self) -> str:
        """A readable build summary (one line per article, then totals)."""
        lines = []
        for r in self.results:
            if r.error:
                lines.append(f"FAILED  {r.error}")
                continue
            ep = r.episode
            assert ep is not None
            mins, secs = divmod(round(ep.duration_ms / 1000), 60)
            if r.skipped:
                what = "up to date, nothing synthesised"
            elif r.synthesized == 0:
                what = f"rebuilt, nothing synthesised ({r.cached} clips from cache)"
            else:
                what = f"{r.synthesized} clips synthesised, {r.cached} from cache"
            lines.append(
                f"built   {ep.mp3_name}  {mins}:{secs:02d}  {len(ep.chapters)} chapters  "
                f"{len(ep.speakers)} speakers  {what}  [{r.seconds:.1f}s]"
            )
            lines.extend(f"  warning: {w}" for w in r.warnings)
        synth = sum(r.synthesized for r in self.results)
        ok = len(self.results) - len(self.failed)
        tail = f"{ok} episode(s) built, {len(self.failed)} failed, {synth} clips synthesised in {self.seconds:.1f}s"
        if self.feed:
            tail += f"; feed: {self.feed}"
        if self.page:
            tail += f"; page: {self.page}"
        lines.append(tail)
        return "\n".join(lines)


# --------------------------------------------------------------------------- understanding
def understand(path: Path, config: Config, options: BuildOptions, out_dir: Path = Path("out")):
    """Read, segment and cast one article (remembered voices from ``out_dir`` are used, not changed).

    Returns (article, script, casting, library).
    """
    from audiocast.cast import cast_script, load_cast_memory
    from audiocast.readers import read_article
    from audiocast.segment import segment_article
    from audiocast.voices import load_voice_library

    library = load_voice_library(options.voices_dir)
    cast = _cast(library, options, config)
    article = read_article(path)
    script = segment_article(article)
    casting, _ = cast_script(script, cast, load_cast_memory(out_dir))
    return article, script, casting, library


# --------------------------------------------------------------------------- building
def build(sources: Sequence[Path], out_dir: Path, config: Config, options: BuildOptions = BuildOptions(),
          progress: Progress = lambda _msg: None) -> BuildReport:
    """Build every article in ``sources`` into ``out_dir`` and write the feed."""
    from audiocast.readers import find_articles

    started = time.perf_counter()
    paths = find_articles(sources)
    out_dir.mkdir(parents=True, exist_ok=True)
    with _build_lock(out_dir):
        return _build_all(paths, out_dir, config, options, progress, started)


@contextlib.contextmanager
def _build_lock(out_dir: Path):
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


def _build_all(paths, out_dir, config, options, progress, started) -> BuildReport:
    from audiocast.cast import load_cast_memory, save_cast_memory
    from audiocast.state import load_state, merge_episode, save_state
    from audiocast.voices import load_voice_library

    from audiocast.probe import require_ffmpeg

    library = load_voice_library(options.voices_dir)
    cast = _cast(library, options, config)
    require_ffmpeg()

    episodes = load_state(out_dir)
    memory = load_cast_memory(out_dir)
    feed_url = config.podcast.feed_url
    cover = _Cover(config, out_dir)
    if config.podcast.image is not None:
        cover.path()  # a configured image is checked before anything is synthesised

    from audiocast.outfiles import episode_files, leftovers, remove_files, superseded
    from audiocast.slugs import assign_slugs

    slugs = assign_slugs(paths, episodes)
    # what an interrupted build left: temp files and new versions that never made it into the feed
    ours = [s for s, _ in slugs.values()] + [e.slug for e in episodes]
    if config.edition.enabled:  # the day is fixed once for the build; an edition file a killed build left goes
        from audiocast.edition import edition_slug

        options = replace(options, edition_date=options.edition_date or dt.date.today())
        ours.append(edition_slug(options.edition_date))
    remove_files(out_dir, leftovers(out_dir, episodes, ours))
    committed = episodes
    in_use = set().union(*(episode_files(e) for e in committed)) if committed else set()
    written: list[str] = []  # files renamed into out/ by this build that the feed does not point to yet
    results: list[ArticleResult] = []
    # [edition] per_article = false: the articles are heard only in the edition
    episode_paths = paths if config.edition.per_article or not config.edition.enabled else []
    try:
        for path in episode_paths:
            progress(f"reading {path}")
            t0 = time.perf_counter()
            mark = len(written)
            try:
                result, memory = _build_one(path, slugs[path], out_dir, config, options, library, cast, memory,
                                            episodes, cover, progress, written)
            except AudiocastError as exc:  # one line, even when a tool's message has several
                result = ArticleResult(source=path, error=exc.format_message().strip().splitlines()[0])
            except OSError as exc:
                if exc.errno in OUTPUT_FAULTS:  # the next article would fail the same way
                    raise
                result = ArticleResult(source=path, error=_unexpected(path, exc, options.debug, progress))
            except Exception as exc:  # noqa: BLE001 - one bad article must not stop the others
                result = ArticleResult(source=path, error=_unexpected(path, exc, options.debug, progress))
            if result.error:
                remove_files(out_dir, set(written[mark:]) - in_use)
                del written[mark:]
            if result.episode is not None:  # the merged record carries the guid, number and first pubDate
                episodes = merge_episode(episodes, result.episode, feed_url=feed_url)
                result = replace(result, episode=next(e for e in episodes if e.slug == result.episode.slug))
            results.append(replace(result, seconds=time.perf_counter() - t0))
        if config.edition.enabled:
            failed = {r.source for r in results if r.error}
            result, memory = _build_edition([p for p in paths if p not in failed], slugs, out_dir, config, options,
                                            library, cast, memory, episodes, cover, progress, written)
            if result.episode is not None:
                episodes = merge_episode(episodes, result.episode, feed_url=feed_url)
                result = replace(result, episode=next(e for e in episodes if e.slug == result.episode.slug))
            results.append(result)

        feed_path = page_path = None
        if any(r.episode for r in results) or episodes:
            save_cast_memory(out_dir, memory)
            save_state(out_dir, episodes)  # from here on the new files are referenced
            written.clear()
            from audiocast.feed import write_feed

            feed_path = write_feed(episodes, config, out_dir, cover=cover.path())
            from audiocast.page import write_page

            page_path = write_page(episodes, config, out_dir, cover=cover.path())
            remove_files(out_dir, superseded(committed, episodes))
    except BaseException:  # Ctrl-C, SIGTERM, a full disk: what the feed does not point to goes
        remove_files(out_dir, set(written) - in_use)
        raise
    return BuildReport(results=tuple(results), feed=feed_path, seconds=time.perf_counter() - started,
                       page=page_path, notes=cast.notes)


def _build_edition(paths, slugs, out_dir, config, options, library, cast, memory, episodes, cover, progress, written):
    """The audio edition of every article (audiocast/edition.py) as one more result; it fails alone like an article."""
    from audiocast.edition_build import build_edition

    t0, mark = time.perf_counter(), len(written)
    source = Path(f"edition of {options.edition_date}")
    try:
        outcome, memory = build_edition(paths, slugs, out_dir, config, library=library, cast=cast, memory=memory,
                                        episodes=episodes, cover=cover, written=written, jobs=options.jobs,
                                        cache_dir=options.cache_dir, force=options.force, day=options.edition_date,
                                        progress=progress)
    except AudiocastError as exc:
        error = exc.format_message().strip().splitlines()[0]
    except OSError as exc:
        if exc.errno in OUTPUT_FAULTS:
            raise
        error = _unexpected(source, exc, options.debug, progress)
    except Exception as exc:  # noqa: BLE001 - the articles' episodes are still published
        error = _unexpected(source, exc, options.debug, progress)
    else:
        return ArticleResult(source=source, episode=outcome.episode, warnings=outcome.warnings,
                             synthesized=outcome.synthesized, cached=outcome.cached, skipped=outcome.skipped,
                             seconds=time.perf_counter() - t0), memory
    from audiocast.outfiles import remove_files

    remove_files(out_dir, written[mark:])
    del written[mark:]
    return ArticleResult(source=source, error=f"edition: {error}", seconds=time.perf_counter() - t0), memory


class _Cover:
    """The podcast cover (:func:`audiocast.cover.ensure_cover`), made once, when first needed.

    Rendering the title cover takes ~40 ms with its imports; a cold build does it while
    LAME encodes the first episode instead of before the first clip is synthesised.
    """

    def __init__(self, config: Config, out_dir: Path) -> None:
        self._config, self._out_dir = config, out_dir
        self._path: Optional[Path] = None

    def path(self) -> Path:
        """The cover's path in the output folder (the configured image or one generated from the title)."""
        if self._path is None:
            from audiocast.cover import ensure_cover

            self._path = ensure_cover(self._config, self._out_dir)
        return self._path


def _cast(library, options: BuildOptions, config: Config):
    """The cast to build with; an unknown one names where it was asked for (--cast, or the config's audio.cast)."""
    from audiocast.errors import ConfigError

    name = options.cast or config.audio.cast
    if name not in library.casts:
        where = "--cast" if options.cast else "audio.cast"
        raise ConfigError(f"{where}: unknown cast {name!r} (known: {', '.join(sorted(library.casts)) or 'none'}, "
                          f"from {library.directory})", None if options.cast else config.path)
    return library.resolve(name)  # EngineError up front when this machine cannot speak it


def content_hash(article: Article, config: Config, casting: Casting, extra: str = "") -> str:
    """A hash of everything that changes an episode's bytes, to skip unchanged rebuilds."""
    payload = json.dumps(
        {
            "version": __version__,
            "article": repr((article.title, article.author, article.sections, article.date, article.description)),
            "config": repr((config.audio, config.pauses, config.podcast)),
            "casting": repr(casting),
            "extra": extra,
        },
        sort_keys=True,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _up_to_date(previous: Optional[Episode], digest: str, out_dir: Path) -> bool:
    if previous is None or previous.content_hash != digest:
        return False
    mp3 = out_dir / previous.mp3_name
    names = [previous.mp3_name] + [name for name, _ in previous.transcripts]
    if previous.chapters_json:
        names.append(previous.chapters_json)
    return mp3.is_file() and mp3.stat().st_size == previous.size_bytes and all((out_dir / n).is_file() for n in names)


def _build_one(path, slug, out_dir, config, options, library, cast, memory, episodes, cover, progress, written):
    from audiocast.cast import cast_script
    from audiocast.readers import read_article
    from audiocast.segment import UNATTRIBUTED, segment_article

    slug, slug_note = slug
    article = replace(read_article(path), slug=slug)
    script = segment_article(article)
    warnings = _warnings(article, script)
    if options.strict and warnings:
        raise AudiocastError(f"{warnings[0]} (--strict)", path)
    if slug_note:
        warnings.append(slug_note)
    casting, memory = cast_script(script, cast, memory)
    previous = next((e for e in episodes if e.slug == article.slug), None)
    # the casting holds every voice setting; the lexicon changes what is said
    digest = content_hash(article, config, casting, extra=library.lexicon.digest)
    if not options.force and _up_to_date(previous, digest, out_dir):
        progress(f"{path}: up to date")
        return ArticleResult(source=path, episode=previous, warnings=tuple(warnings), skipped=True), memory

    # imported only when an episode is really rebuilt: numpy, pydub and mutagen cost ~0.1 s to import
    from audiocast.encode import calibrate_encoder

    # measures LAME's level change in the background; the first clip sent to the encoder waits for it
    calibrate_encoder(config.audio.bitrate, config.audio.sample_rate, config.audio.channels)
    from audiocast.chapters import write_chapters_file
    from audiocast.production import lines_for, produce
    from audiocast.stitch import ClipPreparer, Stitcher, mix_rate
    from audiocast.synth import clip_paths, synthesize

    produced = produce(script, config)
    lines = lines_for(produced, casting)
    progress(f"{path}: synthesising {len(lines)} sentences")
    from audiocast.outfiles import episode_stem

    mp3_name = f"{episode_stem(article.slug, digest, previous)}.mp3"  # never the file the feed points to now
    fd, tmp = tempfile.mkstemp(prefix=f".{mp3_name}.", suffix=".mp3", dir=out_dir)
    os.close(fd)
    tmp_mp3 = Path(tmp)
    try:
        # Clips are prepared and mixed into the encoder while the others are still synthesised.
        paths = clip_paths(lines, library.lexicon, cache_dir=options.cache_dir)
        with ClipPreparer(mix_rate(config)) as preparer, \
                Stitcher(produced, lines, config, tmp_mp3, paths, preparer, label=out_dir / mp3_name) as stitcher:
            clips = synthesize(lines, library.lexicon, jobs=options.jobs, cache_dir=options.cache_dir,
                               on_ready=preparer.submit)
            progress(f"{path}: stitching")
            # what the tags need besides the audio, made while LAME finishes the episode
            from audiocast.cover import cover_bytes
            from audiocast.tags import TagSet, write_tags
            from audiocast.transcript import write_transcripts

            pub_date = article.date or (previous.first_published if previous and previous.first_published
                                        else None) or dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
            description = article.description or _describe(article)
            cover_data, cover_mime = cover_bytes(cover.path())
            audio = stitcher.finish(clips)
        write_tags(tmp_mp3, TagSet(
            title=article.title, artist=article.author or config.podcast.author, album=config.podcast.title,
            date=pub_date, comment=description, cover=cover_data, cover_mime=cover_mime,
            length_ms=audio.duration_ms, chapters=audio.chapters, language=config.podcast.language,
            url=config.podcast.link,
        ))
        if previous is not None and _same_bytes(tmp_mp3, out_dir / previous.mp3_name):
            mp3_name = previous.mp3_name  # identical audio and tags: the published files stay as they are
        stem = mp3_name[: -len(".mp3")]
        written += [f"{stem}.vtt", f"{stem}.srt", f"{stem}.transcript.json", f"{stem}.chapters.json", mp3_name]
        transcripts = write_transcripts(audio.cues, out_dir, stem)
        chapters_json = write_chapters_file(audio.chapters, out_dir, stem, title=article.title,
                                            author=article.author, podcast_name=config.podcast.title,
                                            file_name=mp3_name)
        os.chmod(tmp_mp3, 0o644)
        os.replace(tmp_mp3, out_dir / mp3_name)
    finally:
        if tmp_mp3.exists():
            tmp_mp3.unlink()
    episode = Episode(
        slug=article.slug, guid=previous.guid if previous else "", title=article.title, author=article.author,
        description=description, pub_date=previous.pub_date if previous else pub_date, mp3_name=mp3_name,
        size_bytes=(out_dir / mp3_name).stat().st_size, duration_ms=audio.duration_ms, chapters=audio.chapters,
        speakers=tuple(s for s in script.speaker_names() if s != UNATTRIBUTED), source=str(path), content_hash=digest,
        first_published=previous.first_published if previous else pub_date,
        number=previous.number if previous else None, transcripts=tuple(transcripts), chapters_json=chapters_json,
    )
    synthesized = sum(1 for c in clips if not c.cached)
    return ArticleResult(source=path, episode=episode, warnings=tuple(warnings), synthesized=synthesized,
                         cached=len(clips) - synthesized), memory


def _same_bytes(a: Path, b: Path) -> bool:
    import filecmp

    try:
        return b.is_file() and filecmp.cmp(a, b, shallow=False)
    except OSError:
        return False


def _unexpected(path: Path, exc: BaseException, debug: bool, progress: Progress) -> str:
    """One line for an unexpected failure in one article (a bug or an unforeseen input); the traceback with --debug."""
    import traceback

    if debug:
        progress("".join(traceback.format_exception(exc)).rstrip())
    reason = "nested too deeply" if isinstance(exc, RecursionError) else f"{type(exc).__name__}: {exc}"
    reason = reason if len(reason) <= 300 else reason[:300] + "…"
    return f"{path}: unexpected error ({reason}); run with --debug for the traceback"


def _describe(article: Article, limit: int = 280) -> str:
    """A description from the article's opening sentences, for feeds and tags."""
    from audiocast.speech import split_sentences

    text = ""
    for sentence in split_sentences(" ".join(article.paragraphs[:2])):
        if text and len(text) + len(sentence) > limit:
            break
        text = f"{text} {sentence}".strip()
    return text or article.title


def _warnings(article: Article, script: Script) -> list[str]:
    """Things a producer would want to know about, fatal with --strict."""
    warnings = []
    if not article.author:
        warnings.append(f"{article.source}: no author found (byline or front matter)")
    if not any(seg.kind == "quote" for seg in script.segments):
        warnings.append(f"{article.source}: no quoted speech found; the whole article is read by the narrator")
    return warnings
