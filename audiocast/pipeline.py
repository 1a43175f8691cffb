"""Runs the stages for every article: the one place that knows the whole order.

Path → Article → Script → Casting → Lines → Clips → EpisodeAudio → tagged MP3 + sidecars → Episode → feed

One bad article fails alone, whatever the exception (its error is reported in one
line, the others are built).  A rebuilt episode's files are written under new names
(outfiles.py); the cast memory, the episode state and the feed are written once at the
end, each atomically, and only then are the superseded files removed, so a failed or
killed build leaves the published outputs as they were, each consistent with the disk.
"""

from __future__ import annotations

import datetime as dt
import errno
import hashlib
import json
import os
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Optional, Sequence

from audiocast import __version__
from audiocast.config import Config, build_time
from audiocast.errors import AudiocastError
from audiocast.model import Article, Casting, Episode, Script
from audiocast.jobs.render import Failure

Progress = Callable[[str], None]
# Faults of the output folder that fail the whole build (see audiocast.errors.output_fault)
OUTPUT_FAULTS = (errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM)


@dataclass(frozen=True)
class BuildOptions:
    """How to build, beyond the config file."""

    cast: Optional[str] = None  # overrides config.audio.cast
    jobs: Optional[int] = None  # articles rendered at once in worker processes (None: CPU count)
    strict: bool = False  # warnings fail the article
    force: bool = False  # rebuild episodes even when nothing changed
    cache_dir: Optional[Path] = None  # clip cache (None: the user cache directory)
    voices_dir: Optional[Path] = None  # voice library (None: the shipped voices/)
    debug: bool = False  # show the traceback of an unexpected error in an article
    edition_date: Optional[dt.date] = None  # the day of the edition (config [edition]; None: today)
    scheduler: Optional[str] = None  # a Dask scheduler's address: render the articles on that cluster


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
    from audiocast.voice.cast import cast_script, load_cast_memory
    from audiocast.readers import read_article
    from audiocast.understanding.segment import segment_article
    from audiocast.voice.profiles import load_voice_library

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
    from audiocast.publish.outfiles import build_lock

    with build_lock(out_dir):
        return _build_all(paths, out_dir, config, options, progress, started)


def _build_all(paths, out_dir, config, options, progress, started) -> BuildReport:
    from audiocast.voice.cast import load_cast_memory, save_cast_memory
    from audiocast.publish.state import load_state, merge_episode, save_state
    from audiocast.voice.profiles import load_voice_library

    from audiocast.audio import ffmpeg

    library = load_voice_library(options.voices_dir)
    cast = _cast(library, options, config)
    ffmpeg.require()

    episodes = load_state(out_dir)
    memory = load_cast_memory(out_dir)
    feed_url = config.podcast.feed_url
    cover = _Cover(config, out_dir)
    if config.podcast.image is not None:
        cover.path()  # a configured image is checked before anything is synthesised
    build_time()  # so is a malformed SOURCE_DATE_EPOCH

    from audiocast.publish.outfiles import episode_files, leftovers, remove_files, superseded
    from audiocast.publish.slugs import assign_slugs

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
    results: dict[Path, ArticleResult] = {}
    started_at: dict[Path, float] = {}
    pending: list[Pending] = []
    temps: list[Path] = []  # the MP3s being rendered, each a temp file (fsutil.new_temp) until _finish publishes it
    # [edition] per_article = false: the articles are heard only in the edition
    episode_paths = paths if config.edition.per_article or not config.edition.enabled else []
    try:
        for path in episode_paths:  # read and cast centrally, in order: a speaker keeps one voice however work is spread
            progress(f"reading {path}")
            started_at[path] = time.perf_counter()
            outcome = _guarded(path, options, progress, lambda: _prepare(
                path, slugs[path], out_dir, config, options, library, cast, memory, episodes, cover, progress))
            if isinstance(outcome, ArticleResult):
                results[path] = outcome
                _event(progress, path, "failed")
                continue
            outcome, memory = outcome
            if isinstance(outcome, ArticleResult):
                results[path] = replace(outcome, seconds=time.perf_counter() - started_at[path])
                _event(progress, path, "up to date")
            else:
                pending.append(outcome)
        for index, rendered in _render(pending, out_dir, options, progress, temps):
            item = pending[index]
            path = item.source
            mark = len(written)
            if isinstance(rendered, Failure):
                result = ArticleResult(source=path, error=_failure_line(path, rendered, options.debug, progress))
            else:
                result = _guarded(path, options, progress,
                                  lambda: _finish(item, rendered, temps[index], out_dir, written))
                if result.error:
                    remove_files(out_dir, set(written[mark:]) - in_use)
                    del written[mark:]
                else:
                    progress(f"{path}: built in {rendered.seconds:.1f}s")
            _event(progress, path, "failed" if result.error else "built")
            results[path] = replace(result, seconds=time.perf_counter() - started_at[path])
        ordered: list[ArticleResult] = []
        for path in episode_paths:  # merged in source order: episode numbers do not depend on which finished first
            result = results[path]
            if result.episode is not None:  # the merged record carries the guid, number and first pubDate
                episodes = merge_episode(episodes, result.episode, feed_url=feed_url)
                result = replace(result, episode=next(e for e in episodes if e.slug == result.episode.slug))
            ordered.append(result)
        if config.edition.enabled:
            failed = {r.source for r in ordered if r.error}
            result, memory = _build_edition([p for p in paths if p not in failed], slugs, out_dir, config, options,
                                            library, cast, memory, episodes, cover, progress, written)
            if result.episode is not None:
                episodes = merge_episode(episodes, result.episode, feed_url=feed_url)
                result = replace(result, episode=next(e for e in episodes if e.slug == result.episode.slug))
            ordered.append(result)

        feed_path = page_path = None
        if any(r.episode for r in ordered) or episodes:
            save_cast_memory(out_dir, memory)
            save_state(out_dir, episodes)  # from here on the new files are referenced
            written.clear()
            from audiocast.publish.feed import write_feed

            feed_path = write_feed(episodes, config, out_dir, cover=cover.path())
            from audiocast.publish.page import write_page

            page_path = write_page(episodes, config, out_dir, cover=cover.path())
            remove_files(out_dir, superseded(committed, episodes))
    except BaseException:  # Ctrl-C, SIGTERM, a full disk: what the feed does not point to goes
        remove_files(out_dir, set(written) - in_use)
        # and every temp file: a signal between a temp's creation and its listing in ``temps`` (we hold the lock)
        remove_files(out_dir, leftovers(out_dir, (), ()))
        raise
    finally:  # what a failed or killed render left in its temp file
        for temp in temps:
            temp.unlink(missing_ok=True)
    return BuildReport(results=tuple(ordered), feed=feed_path, seconds=time.perf_counter() - started,
                       page=page_path, notes=cast.notes)


def _build_edition(paths, slugs, out_dir, config, options, library, cast, memory, episodes, cover, progress, written):
    """The audio edition of every article (audiocast/edition.py) as one more result; it fails alone like an article."""
    from audiocast.edition import build_edition

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
    from audiocast.publish.outfiles import remove_files

    remove_files(out_dir, written[mark:])
    del written[mark:]
    return ArticleResult(source=source, error=f"edition: {error}", seconds=time.perf_counter() - t0), memory
def _render(pending: list, out_dir: Path, options: BuildOptions, progress, temps: list[Path]):
    """Render the pending articles here or in worker processes; yield (index, Rendered or Failure)."""
    from audiocast.fsutil import new_temp
    from audiocast.jobs.parallel import render_all, stateful

    jobs = []
    for item in pending:
        temps.append(new_temp(out_dir / item.mp3_name, suffix=".mp3"))
        jobs.append(replace(item.job, mp3=None if options.scheduler else temps[-1]))
        progress(f"{item.source}: synthesising {len(item.job.lines)} sentences")
        _event(progress, item.source, "queued", len(item.job.lines))
    if options.scheduler and jobs:
        from audiocast.jobs.distributed import render_on_cluster

        jobs = [replace(j, clip_jobs=1) for j in jobs]  # a worker runs as many articles as it has threads
        yield from render_on_cluster(options.scheduler, jobs, temps, fresh=stateful(jobs))
        return
    events = getattr(progress, "render_event", None) if getattr(progress, "live", False) else None
    yield from render_all(jobs, options.jobs or os.cpu_count() or 1, fresh=stateful(jobs), events=events)


def _event(progress: Progress, source, state: str, done: int = 0, total: int = 0) -> None:
    """Tell a progress display (audiocast.progress.Display) an article's state; plain callables ignore it."""
    report = getattr(progress, "render_event", None)
    if report is not None:
        report(str(source), state, done, total)


def _guarded(path: Path, options: BuildOptions, progress: Progress, step):
    """``step()``, or an ArticleResult naming the error when it fails (a fault of the output folder fails the build)."""
    try:
        return step()
    except AudiocastError as exc:  # one line, even when a tool's message has several
        return ArticleResult(source=path, error=exc.format_message().strip().splitlines()[0])
    except OSError as exc:
        if exc.errno in OUTPUT_FAULTS:  # the next article would fail the same way
            raise
        return ArticleResult(source=path, error=_unexpected(path, exc, options.debug, progress))
    except Exception as exc:  # noqa: BLE001 - one bad article must not stop the others
        return ArticleResult(source=path, error=_unexpected(path, exc, options.debug, progress))


def _failure_line(path: Path, failure, debug: bool, progress: Progress) -> str:
    """The one line for a render that failed (in a worker); an OS fault of the output folder fails the build."""
    if failure.kind == "error":
        return failure.message
    if failure.errno in OUTPUT_FAULTS:
        raise OSError(failure.errno, failure.strerror or failure.message, failure.filename)
    if debug:
        progress(failure.traceback)
    reason = failure.message if len(failure.message) <= 300 else failure.message[:300] + "…"
    return f"{path}: unexpected error ({reason}); run with --debug for the traceback"


class _Cover:
    """The podcast cover (:func:`audiocast.publish.cover.ensure_cover`), made once, when first needed.

    Rendering the title cover takes ~40 ms with its imports; a cold build does it while
    LAME encodes the first episode instead of before the first clip is synthesised.
    """

    def __init__(self, config: Config, out_dir: Path) -> None:
        self._config, self._out_dir = config, out_dir
        self._path: Optional[Path] = None

    def path(self) -> Path:
        """The cover's path in the output folder (the configured image or one generated from the title)."""
        if self._path is None:
            from audiocast.publish.cover import ensure_cover

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


@dataclass(frozen=True)
class Pending:
    """An article read, cast and planned centrally, whose audio is still to be rendered (render.py)."""

    source: Path
    job: object  # audiocast.jobs.render.RenderJob
    article: Article
    script: Script
    digest: str
    previous: Optional[Episode]
    mp3_name: str
    warnings: tuple[str, ...]


def _prepare(path, slug, out_dir, config, options, library, cast, memory, episodes, cover, progress):
    """Read, segment and cast one article (in path order, so cast memory is shared); plan its render.

    Returns (an up-to-date ArticleResult or a :class:`Pending`, the cast memory).
    """
    from audiocast.publish.episode import up_to_date
    from audiocast.readers import read_article
    from audiocast.understanding.segment import segment_article
    from audiocast.voice.cast import cast_script

    slug, slug_note = slug
    article = replace(read_article(path), slug=slug)
    script = segment_article(article)
    warnings = _warnings(article, script)
    if options.strict and warnings:
        raise AudiocastError(f"{warnings[0]} (--strict)")  # the warning already names the file
    if slug_note:
        warnings.append(slug_note)
    casting, memory = cast_script(script, cast, memory)
    previous = next((e for e in episodes if e.slug == article.slug), None)
    # the casting holds every voice setting; the lexicon changes what is said
    digest = content_hash(article, config, casting, extra=library.lexicon.digest)
    if not options.force and up_to_date(previous, digest, out_dir):
        progress(f"{path}: up to date")
        return ArticleResult(source=path, episode=previous, warnings=tuple(warnings), skipped=True), memory

    from audiocast.publish.cover import cover_bytes
    from audiocast.publish.outfiles import episode_stem
    from audiocast.voice.production import lines_for, produce
    from audiocast.jobs.render import RenderJob
    from audiocast.publish.tags import TagSet

    produced = produce(script, config)
    lines = lines_for(produced, casting)
    mp3_name = f"{episode_stem(article.slug, digest, previous)}.mp3"  # never the file the feed points to now
    pub_date = article.date or (previous.first_published if previous and previous.first_published
                                else None) or build_time()
    cover_data, cover_mime = cover_bytes(cover.path())
    tags = TagSet(title=article.title, artist=article.author or config.podcast.author, album=config.podcast.title,
                  date=pub_date, comment=article.description or _describe(article), cover=cover_data,
                  cover_mime=cover_mime, language=config.podcast.language, url=config.podcast.link)
    job = RenderJob(source=str(path), produced=produced, lines=tuple(lines), config=config, lexicon=library.lexicon,
                    tags=tags, label=out_dir / mp3_name, cache_dir=options.cache_dir, clip_jobs=options.jobs)
    return Pending(source=path, job=job, article=article, script=script, digest=digest, previous=previous,
                   mp3_name=mp3_name, warnings=tuple(warnings)), memory


def _finish(pending: Pending, rendered, tmp_mp3: Path, out_dir: Path, written: list[str]) -> ArticleResult:
    """Publish a rendered MP3 (in ``tmp_mp3`` in ``out_dir``) under its new name with its sidecars."""
    from audiocast.publish.episode import publish_episode
    from audiocast.understanding.segment import UNATTRIBUTED

    episode = publish_episode(
        pending.article, rendered.audio, pending.job.tags, tmp_mp3=tmp_mp3, mp3_name=pending.mp3_name,
        out_dir=out_dir, previous=pending.previous, digest=pending.digest, source=pending.source,
        speakers=[s for s in pending.script.speaker_names() if s != UNATTRIBUTED],
        podcast_title=pending.job.config.podcast.title, written=written)
    return ArticleResult(source=pending.source, episode=episode, warnings=pending.warnings,
                         synthesized=rendered.synthesized, cached=rendered.cached)


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
    from audiocast.voice.speech import split_sentences

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
