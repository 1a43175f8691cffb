"""One episode's audio from its lines: synthesise, stitch, encode, tag — the heavy, self-contained part of a build.

Everything a render needs is in a picklable :class:`RenderJob`, decided beforehand by the
pipeline (casting, file names, tags), so the same job gives the same bytes in this
process, in a local worker process (:mod:`audiocast.jobs.parallel`) or on a Dask worker
(:mod:`audiocast.jobs.distributed`).  A job with ``mp3`` set writes there, in place (the
build's temp file inside the output folder, from ``fsutil.new_temp``, which the pipeline
publishes); without it, the MP3's bytes are returned (a remote worker has no access to
the output folder).
"""

from __future__ import annotations

import os
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Optional

from audiocast.config import Config
from audiocast.model import EpisodeAudio, Line, Script
from audiocast.publish.tags import TagSet
from audiocast.voice.profiles import Lexicon

# what a render reports while it works: ("clips", done, total) then ("encoding", 0, 0)
RenderProgress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class RenderJob:
    """Everything needed to make one episode's tagged MP3."""

    source: str  # the article's path, for messages
    produced: Script  # the script with its production (intro, outro) as spoken
    lines: tuple[Line, ...]
    config: Config
    lexicon: Lexicon
    tags: TagSet  # without length and chapters: those come from the audio
    label: Path  # the file errors name (the MP3's final name)
    mp3: Optional[Path] = None  # where to write (None: return the bytes)
    cache_dir: Optional[Path] = None
    clip_jobs: Optional[int] = None  # cores this one episode may use (None: all); 1: one heavy thing at a time


@dataclass(frozen=True)
class Rendered:
    """A finished render: the audio's timeline and where its MP3 is (or its bytes)."""

    audio: EpisodeAudio
    synthesized: int
    cached: int
    mp3_bytes: Optional[bytes] = None
    seconds: float = 0.0


@dataclass(frozen=True)
class Failure:
    """Why a render failed, in a form that crosses process boundaries (any exception may not pickle)."""

    kind: str  # "error": one line for the user; "unexpected": a bug, an unforeseen input or an OSError
    message: str
    traceback: str = ""
    errno: int = 0  # an OSError's, so the pipeline can tell a fault of the output folder
    filename: Optional[str] = None
    strerror: str = ""


def died(source: str, exitcode: Optional[int], *, why: str = "", before: bool = False) -> Failure:
    """The one line for an article whose worker process died (the OOM killer, ``kill -9``) or never started."""
    if not why:
        why = f"killed by signal {-exitcode}" if exitcode is not None and exitcode < 0 else f"exit status {exitcode}"
    if before:
        return Failure("error", f"worker processes kept dying ({why}) before building {source}; rerun to retry")
    return Failure("error", f"worker process died ({why}) while building {source}; rerun to retry")


def size(job: RenderJob) -> int:
    """Roughly how long the job takes, to start the longest first: the characters its lines say."""
    return sum(len(line.text) for line in job.lines)


def run_job(job: RenderJob, progress: Optional[RenderProgress] = None) -> "Rendered | Failure":
    """:func:`render`, with any failure returned as a :class:`Failure` (for worker processes and clusters)."""
    from audiocast.errors import AudiocastError

    try:
        return render(job, progress)
    except AudiocastError as exc:  # one line, even when a tool's message has several
        return Failure("error", exc.format_message().strip().splitlines()[0])
    except Exception as exc:  # noqa: BLE001 - one bad article must not stop the others
        return _unexpected(exc)


def _unexpected(exc: BaseException) -> Failure:
    import traceback

    reason = "nested too deeply" if isinstance(exc, RecursionError) else f"{type(exc).__name__}: {exc}"
    os_error = isinstance(exc, OSError)
    return Failure("unexpected", reason, traceback="".join(traceback.format_exception(exc)).rstrip(),
                   errno=(exc.errno or 0) if os_error else 0,
                   filename=str(exc.filename) if os_error and exc.filename is not None else None,
                   strerror=(exc.strerror or "") if os_error else "")


def render(job: RenderJob, progress: Optional[RenderProgress] = None) -> Rendered:
    """Synthesise the job's clips (cache misses only), stitch and encode them, tag the MP3."""
    started = time.perf_counter()
    if job.mp3 is not None:
        done = _render_to(job, job.mp3, progress)
    else:
        with tempfile.TemporaryDirectory(prefix="audiocast-render-") as tmp:
            target = Path(tmp) / job.label.name
            done = replace(_render_to(job, target, progress), mp3_bytes=target.read_bytes())
    return replace(done, seconds=time.perf_counter() - started)


def _render_to(job: RenderJob, mp3: Path, progress: Optional[RenderProgress]) -> Rendered:
    # imported only when an episode is really rendered: numpy, pydub and mutagen cost ~0.1 s to import
    from audiocast.audio.encode import calibrate_encoder
    from audiocast.audio.stitch import ClipPreparer, Stitcher, mix_rate
    from audiocast.voice.synth import clip_paths, synthesize
    from audiocast.publish.tags import write_tags

    audio_cfg = job.config.audio
    # measures LAME's level change in the background; the first clip sent to the encoder waits for it
    calibrate_encoder(audio_cfg.bitrate, audio_cfg.sample_rate, audio_cfg.channels)
    report = (lambda done, total: progress("clips", done, total)) if progress else None
    cores = max(1, job.clip_jobs or os.cpu_count() or 1)
    if cores == 1:
        # One core: one heavy thing at a time -- the clips, one after another, then the mix and
        # its encoding (limiter and LAME in one process), which read them back from the cache.
        clips = synthesize(job.lines, job.lexicon, jobs=1, cache_dir=job.cache_dir, progress=report)
        if progress:
            progress("encoding", 0, 0)
        with ClipPreparer(mix_rate(job.config), threads=1) as preparer, \
                Stitcher(job.produced, job.lines, job.config, mp3, [c.path for c in clips], preparer,
                         label=job.label, cores=1) as stitcher:
            audio = stitcher.finish()
    else:
        # Clips are prepared and mixed into the encoder (which takes a core) while the others
        # are still synthesised on the rest.
        paths = clip_paths(job.lines, job.lexicon, cache_dir=job.cache_dir)
        with ClipPreparer(mix_rate(job.config)) as preparer, \
                Stitcher(job.produced, job.lines, job.config, mp3, paths, preparer, label=job.label) as stitcher:
            clips = synthesize(job.lines, job.lexicon, jobs=cores - 1, cache_dir=job.cache_dir,
                               on_ready=preparer.submit, progress=report)
            if progress:
                progress("encoding", 0, 0)
            audio = stitcher.finish(clips)
    write_tags(mp3, replace(job.tags, length_ms=audio.duration_ms, chapters=audio.chapters))
    synthesized = sum(1 for c in clips if not c.cached)
    return Rendered(audio=audio, synthesized=synthesized, cached=len(clips) - synthesized)
