"""Renders on a Dask cluster (``audiocast build --scheduler tcp://HOST:8786``; the ``distributed`` extra).

The cluster is the one users start with ``dask scheduler`` and ``dask worker``; nothing
here is a queue or an RPC of our own.  Each article's :class:`~audiocast.jobs.render.RenderJob`
(casting, names and tags decided by the client) is one task; a worker needs audiocast
(the same version) and the engines, not the output folder: it returns the MP3's bytes
and timeline, and the client writes, publishes and merges (pipeline.py), holding the
build lock.  A worker that dies mid-article has its task run elsewhere by the scheduler
(Dask's ``allowed-failures``); when every try is lost, or an article's own render process
is killed, the article fails with the line a local worker's death gives (``render.died``).  A cast with a stateful engine renders each article in a
fresh Python process on the worker, so its bytes cannot depend on what ran there before.
"""

from __future__ import annotations

import contextlib
import logging
import pickle
import subprocess
import sys
from pathlib import Path
from typing import Callable, Iterator, Optional, Sequence

from audiocast import __version__
from audiocast.errors import AudiocastError
from audiocast.jobs.render import Failure, RenderJob, Rendered, died, run_job, size


def render_on_cluster(address: str, jobs: Sequence[RenderJob], targets: Sequence[Path], *, fresh: bool,
                      done: Optional[Callable[[str], None]] = None
                      ) -> Iterator[tuple[int, "Rendered | Failure"]]:
    """Render ``jobs`` on the cluster at ``address``; write each MP3 to its ``targets`` entry; yield (index, outcome).

    AudiocastError (one line) when the cluster cannot be reached or its workers run another audiocast.
    """
    try:
        from distributed import Client, as_completed
    except ImportError:
        raise AudiocastError("--scheduler needs Dask's distributed scheduler: "
                             "pip install 'audiocast[distributed]'") from None
    client = _connect(Client, address)
    with client:
        try:
            versions = client.run(_version)
        except Exception as exc:  # noqa: BLE001 - e.g. ModuleNotFoundError on a worker without audiocast
            raise AudiocastError(f"the Dask workers at {address} cannot run audiocast (install it on every "
                                 f"worker): {type(exc).__name__}: {str(exc)[:200]}") from None
        if not versions:
            raise AudiocastError(f"the Dask cluster at {address} has no workers (start some with "
                                 f"`dask worker {address}`)")
        wrong = sorted(f"{worker} has {v}" for worker, v in versions.items() if v != __version__)
        if wrong:
            raise AudiocastError(f"Dask workers must run audiocast {__version__} like this client "
                                 f"(same bytes): {'; '.join(wrong)}")
        # the longest articles first (a higher priority runs earlier): a long one left for last keeps the others waiting
        futures = {client.submit(_task, job, fresh, pure=False, key=f"audiocast-render-{i}-{_token()}",
                                 priority=size(job)): i
                   for i, job in enumerate(jobs)}
        try:
            for future in as_completed(list(futures), loop=client.loop):
                index = futures[future]
                try:
                    outcome = future.result()
                except Exception as exc:  # noqa: BLE001 - KilledWorker (died too often), a lost cluster...
                    if type(exc).__name__ == "KilledWorker":  # said as a local worker's death is (render.died)
                        outcome = died(jobs[index].source, None, why="lost with every Dask worker that ran it")
                    else:
                        outcome = Failure("error", f"{jobs[index].source}: the cluster could not build it "
                                                   f"({type(exc).__name__}: {exc})"[:400])
                if isinstance(outcome, Rendered) and outcome.mp3_bytes is not None:
                    targets[index].write_bytes(outcome.mp3_bytes)
                    outcome = Rendered(audio=outcome.audio, synthesized=outcome.synthesized, cached=outcome.cached,
                                       seconds=outcome.seconds)
                if done:
                    done(jobs[index].source)
                yield index, outcome
        finally:
            client.cancel(list(futures))


def _connect(client_class, address: str):
    """A client of the scheduler at ``address``, or a one-line error (Dask logs its retries; they are hushed)."""
    quiet = logging.getLogger("distributed")
    level = quiet.level
    quiet.setLevel(logging.CRITICAL)
    try:
        return client_class(address, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        why = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise AudiocastError(f"cannot reach the Dask scheduler at {address}: {why[:200]}") from None
    finally:
        quiet.setLevel(level)


def _token() -> str:
    import secrets

    return secrets.token_hex(4)


def _version() -> str:
    return __version__


def _task(job: RenderJob, fresh: bool) -> "Rendered | Failure":
    """One article on a worker: here, or in a fresh process when the cast's engines keep state."""
    if not fresh:
        return run_job(job)
    proc = subprocess.run([sys.executable, "-c", "from audiocast.jobs.distributed import main; main()"],
                          input=pickle.dumps(job), capture_output=True)
    if proc.returncode < 0:  # killed (the OOM killer, kill -9)
        return died(job.source, proc.returncode)
    if proc.returncode != 0:
        tail = proc.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no message"]
        return Failure("error", f"{job.source}: the render process failed on the worker ({tail[0][:200]})")
    return pickle.loads(proc.stdout)


def main() -> None:
    """Render the pickled job on stdin; write the pickled outcome to stdout (a fresh process per article)."""
    job = pickle.loads(sys.stdin.buffer.read())
    with contextlib.redirect_stdout(sys.stderr):
        outcome = run_job(job)
    sys.stdout.buffer.write(pickle.dumps(outcome))
