"""Scale (issue 14): 10 news articles cold with --jobs 1 and --jobs 2, the same through a Dask cluster, one hour.

    .venv/bin/python bench/scale.py [--repeat N] [--articles DIR] [--skip-hour] [--skip-dask] [--baseline REV]

1. The first 10 articles of ../shared/evaldata/polnear/dev/text/ (copied to a temp folder), built cold
   (empty clip cache) with the default cast, --jobs 1 and --jobs 2 alternating, N times each: median
   seconds, the ratio, the cores kept busy (CPU s / wall s), the peak RSS of the largest process and
   of the whole process tree (sampled), and whether the audio frames (the MP3 after its ID3 tag) are
   identical.  Also ``--jobs 1`` as the code at git revision REV ran it (default: the commit before
   --jobs 1 was held to one core; its package is extracted with `git archive` and run from PYTHONPATH),
   so the gain of --jobs 2 over what --jobs 1 used to do is reported too, not only over the new --jobs 1.
2. The same build through `dask scheduler` + two `dask worker --nthreads 1` on 127.0.0.1 (cold worker
   caches): seconds, ratio to --jobs 1, identical audio frames, every episode in the feed.
3. The one-hour article of bench/memory.py, cold, with --jobs 1 and --jobs 2: seconds and peak RSS.
Timings on a shared machine are noisy: compare the ratios of one run, and note the load printed.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Optional

ROOT = Path(__file__).resolve().parent.parent
# `python bench/scale.py` puts bench/ first on the path, where html.py would shadow the stdlib's html (Dask uses it)
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
BIN = Path(sys.executable).parent
ARTICLES = ROOT.parent / "shared" / "evaldata" / "polnear" / "dev" / "text"


def hour_article(words: int) -> str:
    """bench/memory.py's one-hour article (loaded by path: bench/html.py would shadow the stdlib's html)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("bench_memory", ROOT / "bench" / "memory.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.article(words)


def frames(mp3: Path) -> str:
    data = mp3.read_bytes()
    if data[:3] == b"ID3":
        data = data[10 + ((data[6] << 21) | (data[7] << 14) | (data[8] << 7) | data[9]):]
    return hashlib.sha256(data).hexdigest()


def all_frames(out: Path) -> dict[str, str]:
    return {p.name: frames(p) for p in sorted(out.glob("*.mp3"))}


def _tree_rss(root: int) -> int:
    """Memory (KiB) of ``root`` and its descendants: the sum of their PSS (shared pages divided among their users)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            status = Path(f"/proc/{entry}/smaps_rollup").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry))
        found = re.search(r"^Pss:\s+(\d+)", status, re.M)
        rss[int(entry)] = int(found.group(1)) if found else 0
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo.extend(children.get(pid, ()))
    return total


# Runs the build as a child subreaper: every descendant (forkserver workers, engines, ffmpeg) is eventually
# waited for here, so RUSAGE_CHILDREN holds the CPU time of the whole tree and the largest process's peak RSS.
_REAPER = """
import ctypes, json, os, resource, subprocess, sys
ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
code = subprocess.call(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=open(os.environ["BENCH_ERR"], "wb"))
while True:
    try:
        os.wait()
    except ChildProcessError:
        break
u = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps([code, u.ru_utime + u.ru_stime, u.ru_maxrss]))
"""


def run(args: list[str], cache: Path, env: Optional[dict] = None) -> tuple[float, int, int]:
    """Run `audiocast ARGS` with clip cache ``cache``: (seconds, largest process's peak MiB, tree's peak MiB).

    The largest process is any process of the build (they are all waited for by a subreaper); the tree is
    sampled every 0.1 s (summed PSS of every process under the build).  CPU seconds of the tree go to CPU.
    """
    import json

    err = cache.parent / f"{cache.name}.stderr"
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", _REAPER, str(BIN / "audiocast"), *args, "-q"],
                            stdout=subprocess.PIPE, env={**os.environ, "XDG_CACHE_HOME": str(cache),
                                                         "BENCH_ERR": str(err), **(env or {})})
    peak = [0]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.1):
            peak[0] = max(peak[0], _tree_rss(proc.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, _ = proc.communicate()
    seconds = time.perf_counter() - t0
    done.set()
    sampler.join()
    code, cpu, maxrss = json.loads(out)
    if code:
        raise SystemExit(f"audiocast {' '.join(args)} failed: {err.read_text()[-2000:]}")
    CPU.append(cpu)
    return seconds, maxrss // 1024, peak[0] // 1024


CPU: list[float] = []  # CPU seconds of each run's build process and the descendants it waited for


def load() -> str:
    return "load average %.2f %.2f %.2f" % os.getloadavg()


VARIANTS = {  # name -> (--jobs, extra environment)
    "--jobs 1": (1, {}),
    "--jobs 2": (2, {}),
    "--jobs 2, fresh process per article": (2, {"AUDIOCAST_FRESH_WORKERS": "1"}),
}
# --jobs 1 before it was held to one core: synthesis overlapped the two-process encoder (~1.5 cores)
BASELINE = "62db020"


def baseline_variant(rev: str, work: Path) -> tuple[str, tuple[int, dict]]:
    """``--jobs 1`` of the package at git revision ``rev``, run from an extracted copy."""
    folder = work / f"baseline-{rev}"
    folder.mkdir()
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev, "audiocast", "voices"],
                             capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return f"--jobs 1 as at {rev}", (1, {"PYTHONPATH": str(folder)})


def local_builds(src: Path, work: Path, repeat: int, variants: dict) -> tuple[dict, dict, dict]:
    times: dict[str, list[float]] = {name: [] for name in variants}
    cpus: dict[str, list[float]] = {name: [] for name in variants}
    outputs: dict[str, dict[str, str]] = {}
    names = list(variants)
    for r in range(repeat):
        for name in (names if r % 2 == 0 else names[::-1]):  # alternate who goes first
            jobs, env = variants[name]
            tag = f"{names.index(name)}-{r}"
            out, cache = work / f"out-{tag}", work / f"cache-{tag}"
            seconds, largest, tree = run(["build", str(src), "-o", str(out), "--jobs", str(jobs)], cache, env)
            times[name].append(seconds)
            cpus[name].append(CPU[-1])
            got = all_frames(out)
            if name in outputs and outputs[name] != got:
                print(f"  WARNING: {name} gave different audio in two runs")
            outputs[name] = got
            print(f"  run {r + 1} {name}: {seconds:.1f} s (CPU {CPU[-1]:.1f} s, {CPU[-1] / seconds:.2f} cores busy), "
                  f"peak RSS largest process "
                  f"{largest} MiB, process tree {tree} MiB PSS ({load()})", flush=True)
            shutil.rmtree(cache)
    return times, cpus, outputs


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def dask_build(src: Path, work: Path) -> tuple[float, dict[str, str], Path]:
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    logs = work / "dask-logs"
    logs.mkdir()
    procs = [subprocess.Popen([str(BIN / "dask"), "scheduler", "--host", "127.0.0.1", "--port", str(port),
                               "--dashboard-address", ":0"], stdout=(logs / "scheduler").open("wb"),
                              stderr=subprocess.STDOUT, start_new_session=True)]
    try:
        for i in range(2):
            procs.append(subprocess.Popen(
                [str(BIN / "dask"), "worker", address, "--nthreads", "1", "--no-dashboard"],
                stdout=(logs / f"worker{i}").open("wb"), stderr=subprocess.STDOUT, start_new_session=True,
                env={**os.environ, "XDG_CACHE_HOME": str(work / f"worker-cache-{i}")}))
        from distributed import Client

        deadline = time.monotonic() + 90
        while True:
            try:
                with Client(address, timeout="5s", set_as_default=False) as client:
                    client.wait_for_workers(2, timeout=60)
                break
            except (OSError, TimeoutError):
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)
        out = work / "out-dask"
        seconds, _, _ = run(["build", str(src), "-o", str(out), "--scheduler", address], work / "client-cache")
        return seconds, all_frames(out), out
    finally:
        for p in procs:
            os.killpg(p.pid, signal.SIGTERM)
        for p in procs:
            p.wait(timeout=30)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--articles", type=Path, default=ARTICLES)
    ap.add_argument("--count", type=int, default=10)
    ap.add_argument("--skip-dask", action="store_true")
    ap.add_argument("--skip-hour", action="store_true")
    ap.add_argument("--baseline", default=BASELINE, help="git revision whose --jobs 1 is measured too ('' skips)")
    args = ap.parse_args()
    print(f"{os.cpu_count()} CPUs, {load()}")
    with tempfile.TemporaryDirectory(prefix="audiocast-scale-") as tmp:
        work = Path(tmp)
        src = work / "src"
        src.mkdir()
        chosen = sorted(args.articles.glob("*.txt"))[: args.count]
        for path in chosen:
            shutil.copy(path, src / path.name)
        words = sum(len(p.read_text(encoding="utf-8", errors="replace").split()) for p in chosen)
        print(f"{len(chosen)} articles, {words} words, default cast, cold clip cache")
        variants = dict(VARIANTS)
        old = None
        if args.baseline:
            old, variant = baseline_variant(args.baseline, work)
            variants = {old: variant, **variants}
        times, cpus, outputs = local_builds(src, work, args.repeat, variants)
        med = {name: statistics.median(t) for name, t in times.items()}
        cpu = {name: statistics.median(c) for name, c in cpus.items()}
        base = "--jobs 1"
        for name in variants:
            print(f"{name}: median {med[name]:.1f} s, CPU {cpu[name]:.1f} s ({cpu[name] / med[name]:.2f} cores busy); "
                  f"speed-up {med[base] / med[name]:.2f}x, CPU {cpu[name] / cpu[base]:.2f}x of --jobs 1; "
                  f"audio frames identical to --jobs 1: {outputs[name] == outputs[base]} ({len(outputs[name])} episodes)")
        print(f"target: --jobs 2 >= 1.6x faster than --jobs 1 -> {med[base] / med['--jobs 2']:.2f}x")
        if old:
            print(f"--jobs 2 against {old}: {med[old] / med['--jobs 2']:.2f}x faster "
                  f"(the honest gain over what --jobs 1 used to do)")
        one = med[base]
        if not args.skip_dask:
            seconds, got, out = dask_build(src, work)
            feed = (out / "feed.xml").read_text(encoding="utf-8")
            in_feed = sum(name in feed for name in got)
            print(f"Dask, 2 workers x 1 thread on 127.0.0.1: {seconds:.1f} s, {one / seconds:.2f}x --jobs 1; "
                  f"audio frames identical to the local build: {got == outputs['--jobs 1']}; "
                  f"episodes in the feed: {in_feed}/{len(chosen)}")
        if not args.skip_hour:
            hour = work / "hour"
            hour.mkdir()
            (hour / "hour.txt").write_text(hour_article(15_600), encoding="utf-8")
            results = {}
            for jobs in (1, 2):
                seconds, largest, tree = run(["build", str(hour), "-o", str(work / f"hour-j{jobs}"), "--jobs",
                                              str(jobs)], work / f"hour-cache-{jobs}")
                results[jobs] = (seconds, largest, tree)
                dur = re.search(r"<itunes:duration>([^<]+)", (work / f"hour-j{jobs}" / "feed.xml").read_text())
                print(f"one-hour article --jobs {jobs}: {seconds:.1f} s, episode {dur.group(1)}, peak RSS largest "
                      f"process {largest} MiB (target <= 300), process tree {tree} MiB PSS ({load()})", flush=True)
            print(f"one hour: --jobs 2 / --jobs 1 time {results[2][0] / results[1][0]:.2f}, "
                  f"tree peak {results[2][2] / max(1, results[1][2]):.2f}; audio identical: "
                  f"{all_frames(work / 'hour-j1') == all_frames(work / 'hour-j2')}")


if __name__ == "__main__":
    main()
