"""Renders on this machine: in this process, or up to ``jobs`` at once in worker processes.

When the articles use a stateful engine (espeak's pitch flutter, Piper's noise
generator), every article gets a worker process of its own, forked from a forkserver
that has already imported the heavy modules, so each starts from the same state and its
bytes cannot depend on which articles a worker built before it, nor on ``--jobs``.
Stateless engines (flite, Festival, Piper without noise) give the same bytes in any
process, so their workers are kept for the next article, with their engines warm
(``AUDIOCAST_FRESH_WORKERS=1`` forces a fresh process per article anyway: bench/scale.py
measures what that costs).  The parent keeps casting, file names and publishing
(pipeline.py); workers write only their article's temp MP3 and the shared clip cache.

The longest articles start first: an article is built on one core, so a long one started
last would leave the other cores idle while it finishes (issue 14's 10 articles: one holds
half the words, and in source order it came ninth).

Each worker has a pipe of its own to this process, so a worker that dies (the OOM
killer, ``kill -9``) costs only the article it was building: that article fails with
one line naming it and the signal, and the other workers carry on.  (A
``concurrent.futures`` pool fails every article in flight when one worker dies and then
refuses new work with ``BrokenProcessPool``.)  A worker that dies before it was handed
an article is replaced, at most :data:`RETRIES` times per worker slot in a build.  Ctrl-C in
a terminal reaches the whole process group: a worker simply ends (no traceback of its own),
and the parent removes what it left in ``out/``.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import multiprocessing.connection
import os
import signal
import threading
import time
from collections import deque
from dataclasses import dataclass, replace
from typing import Callable, Iterator, Optional, Sequence

from audiocast.jobs.render import Failure, RenderJob, Rendered, died, run_job, size

# (article source, "clips" | "encoding", done, total)
Events = Callable[[str, str, int, int], None]
RETRIES = 2  # times each worker slot may die before it is given an article (then the articles left fail)
FRESH_ENV = "AUDIOCAST_FRESH_WORKERS"  # "1": a fresh process per article even for stateless engines (to measure it)
PRELOAD = ["audiocast.jobs.render", "audiocast.audio.stitch", "audiocast.voice.synth", "audiocast.publish.tags", "audiocast.audio.encode",
           "audiocast.voice.engines.pyttsx3_engine", "audiocast.voice.engines.flite_engine",
           "audiocast.voice.engines.festival_engine"]
START_PAUSE = 0.2  # seconds between attempts to start a worker
STOP_SECONDS = 5  # how long a stopped worker may take to exit before it is killed


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


@dataclass
class _Worker:
    process: multiprocessing.process.BaseProcess
    conn: multiprocessing.connection.Connection
    ready: bool = False  # set up, waiting for an article
    index: Optional[int] = None  # the article sent to it
    started: bool = False  # it has received that article (if it dies now, the article fails)
    done: bool = False  # fresh: it has sent its one article's outcome and is exiting
    orphan: bool = False  # its forkserver died: the sentinel says "exited" (code 255) while it still works


def _pooled(jobs_: list[RenderJob], jobs: int, events: Optional[Events], fresh: bool):
    from audiocast.voice.synth import default_cache_dir

    most = max(1, min(jobs, len(jobs_)))
    clip_jobs = max(1, jobs // most)
    # the worker's environment and folder are this process's now, not the forkserver's from when it started
    cache = default_cache_dir()
    jobs_ = [replace(j, clip_jobs=clip_jobs, cache_dir=j.cache_dir or cache) for j in jobs_]
    setting = (dict(os.environ), os.getcwd(), fresh, events is not None)
    todo = deque(sorted(range(len(jobs_)), key=lambda i: -size(jobs_[i])))  # longest first (stable: then in order)
    context = _context()
    workers: list[_Worker] = []
    spare = RETRIES * most  # deaths allowed before an article was handed over (each slot: RETRIES)
    try:
        while todo or any(w.index is not None for w in workers):
            live = [w for w in workers if not w.done]
            while todo and len(live) < min(most, len(todo) + sum(w.index is not None for w in live)):
                try:
                    live.append(_spawn(context, setting))
                except (OSError, EOFError) as exc:  # e.g. the forkserver was killed: restarted once it is reaped
                    spare -= 1
                    time.sleep(START_PAUSE)
                    if spare < 0:
                        why = f"could not start: {type(exc).__name__}: {exc}"[:200]
                        while todo:
                            yield (i := todo.popleft()), died(jobs_[i].source, None, why=why, before=True)
                    break
                workers.append(live[-1])
            for worker in live:
                if worker.ready and worker.index is None and todo:
                    worker.index = todo.popleft()
                    with contextlib.suppress(OSError):  # it died just now: seen through its sentinel
                        worker.conn.send((worker.index, jobs_[worker.index]))
            if not workers:
                continue
            ready = multiprocessing.connection.wait([w.conn for w in workers if not w.conn.closed]
                                                    + [w.process.sentinel for w in workers if not w.orphan])
            for worker in list(workers):
                if worker.conn in ready:
                    yield from _hear(worker, jobs_, events, fresh)
                if worker.process.sentinel not in ready and not (worker.orphan and worker.conn.closed):
                    continue
                yield from _hear(worker, jobs_, events, fresh)  # what it sent before it exited
                if not worker.conn.closed:  # a worker that exits has closed its end: this one lives on
                    worker.orphan = True  # (a forkserver's child outlives it; its pipe says when it ends)
                    continue
                worker.process.join()
                worker.conn.close()
                workers.remove(worker)
                if worker.index is None:
                    spare -= 0 if worker.done else 1
                elif worker.started:  # it died building an article: that article fails, alone, and is not retried
                    yield worker.index, died(jobs_[worker.index].source, worker.process.exitcode)
                else:  # it died before it received the article: another worker takes it
                    todo.appendleft(worker.index)
                    spare -= 1
                if spare < 0:
                    while todo:
                        yield (i := todo.popleft()), died(jobs_[i].source, worker.process.exitcode, before=True)
    finally:  # done, Ctrl-C, SIGTERM, or the build given up: stop the workers
        _stop(workers)


def _spawn(context, setting) -> _Worker:
    ours, theirs = context.Pipe()
    try:
        process = context.Process(target=_serve, args=(theirs, setting))  # not a daemon: synth may start processes
        process.start()
    except BaseException:
        ours.close()
        raise
    finally:
        theirs.close()
    return _Worker(process, ours)


def _hear(worker: _Worker, jobs_: list[RenderJob], events: Optional[Events], fresh: bool):
    """Read what ``worker`` has sent (ready, started, progress, an article's outcome: yielded), without blocking."""
    while not worker.conn.closed:
        try:
            if not worker.conn.poll():
                return
            message = worker.conn.recv()
        except (EOFError, OSError):  # it has exited, perhaps killed in the middle of a message
            worker.conn.close()
            return
        kind = message[0]
        if kind == "ready":
            worker.ready = True
        elif kind == "started":
            worker.started = True
        elif kind == "event" and events is not None and worker.index is not None:
            events(jobs_[worker.index].source, *message[1:])
        elif kind == "done" and worker.index is not None:
            index, worker.index, worker.started, worker.done = worker.index, None, False, fresh
            yield index, message[1]


def _stop(workers: list[_Worker]) -> None:
    for worker in workers:
        if worker.orphan and not worker.conn.closed:  # the Process object thinks it has gone
            with contextlib.suppress(OSError):
                os.kill(worker.process.pid, signal.SIGTERM)
        elif worker.process.is_alive():
            if worker.index is None and not worker.conn.closed:
                with contextlib.suppress(OSError):
                    worker.conn.send(None)  # idle: asked to exit
                    continue
            worker.process.terminate()  # in the middle of an article: its temp MP3 is the pipeline's to remove
    for worker in workers:
        worker.process.join(STOP_SECONDS)
        if worker.process.is_alive():
            worker.process.kill()
            worker.process.join()
        worker.conn.close()


def _context() -> multiprocessing.context.BaseContext:
    methods = multiprocessing.get_all_start_methods()
    if "forkserver" in methods:  # each article forks from a server that has the heavy modules imported
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(PRELOAD)
        _start_forkserver()
        return ctx
    return multiprocessing.get_context("spawn")


def _start_forkserver() -> None:
    """Start the forkserver with SIGINT blocked: it imports :data:`PRELOAD` before it ignores Ctrl-C.

    Started unprotected, a Ctrl-C in a terminal during those imports printed its
    KeyboardInterrupt traceback under our one-line message.  A blocked signal is not lost
    here: it arrives when the mask is restored, a moment later.
    """
    import multiprocessing.forkserver
    import multiprocessing.resource_tracker

    # the forkserver starts the resource tracker first if it is not running, and that unblocks SIGINT
    multiprocessing.resource_tracker.ensure_running()
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        multiprocessing.forkserver.ensure_running()
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)


def _serve(conn, setting: tuple[dict, str, bool, bool]) -> None:
    """A worker: build the articles sent on ``conn`` (one when ``fresh``) until told to stop or the parent goes."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl-C: gone at once, no traceback (the parent tidies out/)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})  # blocked in the forkserver (_start_forkserver)
    env, cwd, fresh, with_events = setting
    os.environ.clear()
    os.environ.update(env)
    os.chdir(cwd)
    lock = threading.Lock()  # progress comes from the synthesis threads

    def send(message) -> None:
        with lock:
            conn.send(message)

    try:
        send(("ready",))
        while True:
            task = conn.recv()
            if task is None:
                return
            send(("started",))
            _index, job = task
            report = (lambda kind, done, total: send(("event", kind, done, total))) if with_events else None
            send(("done", run_job(job, report), fresh))
            if fresh:
                return
    except (EOFError, OSError):  # the parent has gone (killed): nobody is waiting for this article
        return


def stateful(jobs: Sequence[RenderJob]) -> bool:
    """True when a clip of these jobs can depend on what its process said before (see the module docstring)."""
    from audiocast.voice.engines import get_engine

    profiles = {line.profile for job in jobs for line in job.lines}
    return any(get_engine(p.engine).is_stateful(p) for p in profiles)
