"""Renders on this machine: in this process, or up to ``jobs`` at once in worker processes.

When the articles use a stateful engine (espeak's pitch flutter, Piper's noise
generator), every article gets a worker process of its own (``max_tasks_per_child=1``),
forked from a forkserver that has already imported the heavy modules, so each starts
from the same state and its bytes cannot depend on which articles a worker built
before it, nor on ``--jobs``.  Stateless engines (flite, Festival, Piper without noise)
give the same bytes in any process, so their workers are kept for the next article,
with their engines warm (``AUDIOCAST_FRESH_WORKERS=1`` forces a fresh process per
article anyway: bench/scale.py measures what that costs).  The parent keeps casting, file names and publishing
(pipeline.py); workers write only their article's temp MP3 and the shared clip cache.

The longest articles start first: an article is built on one core, so a long one started
last would leave the other cores idle while it finishes (issue 14's 10 articles: one holds
half the words, and in source order it came ninth).

A worker that dies (killed, out of memory) breaks the pool: the articles that were not
finished are tried again in a new pool, once per death, at most :data:`RETRIES` times.
"""

from __future__ import annotations

import concurrent.futures
import multiprocessing
import os
import queue as queue_module
from dataclasses import replace
from typing import Callable, Iterator, Optional, Sequence

from audiocast.jobs.render import Failure, RenderJob, Rendered, run_job, size

# (article source, "clips" | "encoding", done, total)
Events = Callable[[str, str, int, int], None]
RETRIES = 2
FRESH_ENV = "AUDIOCAST_FRESH_WORKERS"  # "1": a fresh process per article even for stateless engines (to measure it)
PRELOAD = ["audiocast.jobs.render", "audiocast.audio.stitch", "audiocast.voice.synth", "audiocast.publish.tags", "audiocast.audio.encode",
           "audiocast.voice.engines.pyttsx3_engine", "audiocast.voice.engines.flite_engine",
           "audiocast.voice.engines.festival_engine"]


def render_all(jobs_: Sequence[RenderJob], jobs: int, *, fresh: bool,
               events: Optional[Events] = None) -> Iterator[tuple[int, "Rendered | Failure"]]:
    """Render every job; yield (index, outcome) as each finishes.

    In this process, in order, when there is one job or ``jobs`` is 1 and ``fresh`` is
    false (the cast has no stateful engine, so a process's history does not matter);
    otherwise in worker processes (``fresh``: one per article), ``jobs`` at a time, each article
    given ``jobs // workers`` cores (one: its clips one at a time, then its encoding; a lone long article
    keeps them all, see render.py).
    """
    if not jobs_:
        return
    if (len(jobs_) == 1 or jobs <= 1) and not fresh:
        for index, job in enumerate(jobs_):
            report = (lambda kind, done, total, src=job.source: events(src, kind, done, total)) if events else None
            yield index, run_job(job, report)
        return
    yield from _pooled(list(jobs_), jobs, events, fresh or os.environ.get(FRESH_ENV) == "1")


def _pooled(jobs_: list[RenderJob], jobs: int, events: Optional[Events], fresh: bool):
    from audiocast.voice.synth import default_cache_dir

    workers = max(1, min(jobs, len(jobs_)))
    clip_jobs = max(1, jobs // workers)
    # the worker's environment and folder are this process's now, not the forkserver's from when it started
    cache = default_cache_dir()
    jobs_ = [replace(j, clip_jobs=clip_jobs, cache_dir=j.cache_dir or cache) for j in jobs_]
    setting = (dict(os.environ), os.getcwd())
    manager = multiprocessing.Manager() if events else None
    try:
        channel = manager.Queue() if manager else None
        todo = sorted(range(len(jobs_)), key=lambda i: -size(jobs_[i]))  # longest first (stable: then in order)
        for attempt in range(RETRIES + 1):
            broken: list[int] = []
            pool = concurrent.futures.ProcessPoolExecutor(
                max_workers=workers, mp_context=_context(), max_tasks_per_child=1 if fresh else None)
            try:
                futures = {pool.submit(_work, jobs_[i], setting, channel): i for i in todo}
                pending = set(futures)
                while pending:
                    finished, pending = concurrent.futures.wait(
                        pending, timeout=0.1, return_when=concurrent.futures.FIRST_COMPLETED)
                    _drain(channel, events)
                    for fut in finished:
                        try:
                            outcome = fut.result()
                        except concurrent.futures.process.BrokenProcessPool:
                            broken.append(futures[fut])
                            continue
                        yield futures[fut], outcome
            except BaseException:  # Ctrl-C, SIGTERM, the build given up: stop the articles in progress now
                _stop(pool)
                raise
            pool.shutdown(wait=True)
            if not broken:
                return
            todo = sorted(broken, key=lambda i: -size(jobs_[i]))
            if attempt == RETRIES:
                for i in todo:
                    yield i, Failure("error", f"{jobs_[i].source}: the worker process building it died "
                                              f"{RETRIES + 1} times (killed, or out of memory?)")
    finally:
        if manager is not None:
            manager.shutdown()


def _stop(pool: concurrent.futures.ProcessPoolExecutor) -> None:
    # Python 3.14 has pool.terminate_workers(); before it, the processes are only reachable here
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.terminate()


def _drain(channel, events: Optional[Events]) -> None:
    if channel is None or events is None:
        return
    while True:
        try:
            event = channel.get_nowait()
        except (queue_module.Empty, OSError, EOFError):
            return
        events(*event)


def _context() -> multiprocessing.context.BaseContext:
    methods = multiprocessing.get_all_start_methods()
    if "forkserver" in methods:  # each article forks from a server that has the heavy modules imported
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(PRELOAD)
        return ctx
    return multiprocessing.get_context("spawn")


def _work(job: RenderJob, setting: tuple[dict, str], channel) -> "Rendered | Failure":
    env, cwd = setting
    os.environ.clear()
    os.environ.update(env)
    os.chdir(cwd)
    report = None
    if channel is not None:
        def report(kind: str, done: int, total: int) -> None:
            channel.put((job.source, kind, done, total))
    return run_job(job, report)


def stateful(jobs: Sequence[RenderJob]) -> bool:
    """True when a clip of these jobs can depend on what its process said before (see the module docstring)."""
    from audiocast.voice.engines import get_engine

    profiles = {line.profile for job in jobs for line in job.lines}
    return any(get_engine(p.engine).is_stateful(p) for p in profiles)
