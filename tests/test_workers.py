"""Worker processes killed for real (SIGKILL from outside, as the OOM killer does) while a build starts or runs.

Each build runs under a timeout: a hang fails the test instead of blocking the suite.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import SEEDS, run_cli
from test_scale import SHORT, _frames, cluster  # noqa: F401 - cluster is a fixture

EXE = Path(sys.executable).parent / "audiocast"
DIED = re.compile(r"FAILED  worker process(?:es kept dying| died) \((?:killed by signal 9|exit status \d+)\) "
                  r"(?:while|before) building (\S+); rerun to retry")
STORY = '# Story {i}\n\nBy Ann Lee\n\nThe harbour reopened on day {i}.\n\n"We worked all night," said Maria Lopez.\n'


def _children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def _descendants(pid: int) -> list[int]:
    found = []
    for child in _children(pid):
        found += [child, *_descendants(child)]
    return found


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
    except OSError:
        return ""


def _workers(build: int) -> list[int]:
    """The build's worker processes: build -> forkserver -> workers."""
    return [w for server in _children(build) for w in _children(server)]


def _start(src: Path, out: Path, fake_voices: Path, cache: Path, env: dict | None = None,
           args: tuple[str, ...] = ()) -> subprocess.Popen:
    return subprocess.Popen([str(EXE), "build", str(src), "-o", str(out), "--cast", "fake", "--voices-dir",
                             str(fake_voices), "-j", "2", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "XDG_CACHE_HOME": str(cache), **(env or {})})


def _finish(proc: subprocess.Popen) -> tuple[str, str]:
    try:
        return proc.communicate(timeout=180)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        pytest.fail("the build hung after its worker was killed")


def _kill_when(proc: subprocess.Popen, find, seconds: float = 60):
    """Poll ``find()`` until it names a process, ``(pid, what)``, then SIGKILL it; ``what`` (None if never found)."""
    deadline = time.monotonic() + seconds
    while proc.poll() is None and time.monotonic() < deadline:
        found = find()
        if found:
            os.kill(found[0], signal.SIGKILL)
            return found[1]
        time.sleep(0.005)
    return None


def _assert_tidy(out: Path, stdout: str, stderr: str) -> list[str]:
    """No traceback, every failure is one 'worker process died' line, no temp file; the built ones are in the feed."""
    assert "Traceback" not in stderr + stdout, stderr
    failed = [line for line in stdout.splitlines() if line.startswith("FAILED")]
    assert all(DIED.fullmatch(line) for line in failed), failed
    assert not [p.name for p in out.iterdir() if p.name.startswith(".") and p.is_file()]
    feed = (out / "feed.xml").read_text(encoding="utf-8") if (out / "feed.xml").exists() else ""
    for name in re.findall(r"^built   (\S+\.mp3) ", stdout, re.M):
        assert (out / name).is_file() and name in feed
    return [DIED.fullmatch(line)[1] for line in failed]


@pytest.mark.parametrize("fresh", ["0", "1"])
def test_workers_killed_as_they_start_end_in_lines_not_a_traceback(tmp_path, fake_voices, fresh):
    # issue: with a concurrent.futures pool, the pool broke while articles were still being submitted and the
    # build ended in a BrokenProcessPool traceback (2 runs of 3 with 40 articles)
    src, out = tmp_path / "src", tmp_path / "out"
    src.mkdir()
    for i in range(24):
        (src / f"s{i:02d}.md").write_text(STORY.format(i=i), encoding="utf-8")
    proc = _start(src, out, fake_voices, tmp_path / "cache", {"AUDIOCAST_FRESH_WORKERS": fresh})
    killed: set[int] = set()
    deadline = time.monotonic() + 60
    while len(killed) < 3 and proc.poll() is None and time.monotonic() < deadline:
        for worker in _workers(proc.pid):  # the first three workers, as soon as they exist
            if worker not in killed and len(killed) < 3:
                os.kill(worker, signal.SIGKILL)
                killed.add(worker)
        time.sleep(0.001)
    stdout, stderr = _finish(proc)
    failed = _assert_tidy(out, stdout, stderr)
    assert len(killed) == 3, "the workers were not seen"
    assert len(failed) <= 3  # a worker killed costs at most the article it was building
    assert proc.returncode == (1 if failed else 0), stdout + stderr
    assert f"{24 - len(failed)} episode(s) built, {len(failed)} failed" in stdout


def _has_workers(server: int) -> bool:
    return bool(_children(server))


def _has_one_encoding(server: int) -> bool:
    return any(_children(w) for w in _children(server))  # a worker with an ffmpeg child


@pytest.mark.parametrize("moment", [_has_workers, _has_one_encoding], ids=["starting", "building"])
def test_a_killed_forkserver_is_started_again_and_its_workers_finish(tmp_path, fake_voices, moment):
    # fresh workers are forked from the forkserver: before, killing it ended the build in "Aborted!" and a
    # multiprocessing traceback, every article unbuilt; then, a worker that outlived it read exit status 255 from
    # its Process object and its article was reported "died" though it was being built
    src, out = tmp_path / "src", tmp_path / "out"
    src.mkdir()
    for i in range(6):
        (src / f"s{i}.md").write_text(STORY.format(i=i), encoding="utf-8")
    proc = _start(src, out, fake_voices, tmp_path / "cache", {"AUDIOCAST_FRESH_WORKERS": "1"})
    # the forkserver is the build's child whose children are the workers
    killed = _kill_when(proc, lambda: next(((s, s) for s in _children(proc.pid) if moment(s)), None))
    stdout, stderr = _finish(proc)
    assert killed is not None
    assert proc.returncode == 0 and "6 episode(s) built, 0 failed" in stdout, stdout + stderr
    _assert_tidy(out, stdout, stderr)


def test_a_worker_killed_mid_article_fails_that_article_alone_and_out_keeps_its_episode(tmp_path, fake_voices):
    # before: the killed article was built again in a new pool (and any death while articles were still being
    # submitted ended the build in a BrokenProcessPool traceback)
    out = tmp_path / "out"
    run_cli("build", str(SEEDS), "-o", str(out), "--cast", "fake", "--voices-dir", str(fake_voices), "-j", "1",
            env={"XDG_CACHE_HOME": str(tmp_path / "cache")})
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    reference = _frames(out)
    # rebuilt with --force and a cold cache, so each article takes a while
    proc = _start(SEEDS, out, fake_voices, tmp_path / "cold-cache", args=("--force",))
    encoding = re.compile(rf"{re.escape(str(out))}/\.([\w-]+)\.\w+\.mp3\.\w+\.mp3")

    def worker_encoding():
        # the encoder a worker started names the article's temp MP3: out/.<slug>.<digest>.mp3.<random>.mp3
        return next(((worker, m[1]) for worker in _workers(proc.pid) for pid in _descendants(worker)
                     for m in [encoding.search(_cmdline(pid))] if m), None)

    killed = _kill_when(proc, worker_encoding)
    stdout, stderr = _finish(proc)
    assert killed is not None, "no worker was seen encoding"
    assert proc.returncode == 1 and "2 episode(s) built, 1 failed" in stdout, stdout + stderr
    [source] = _assert_tidy(out, stdout, stderr)
    assert Path(source).stem == killed
    # the other two were built again, identical; the killed one's published files are untouched and still listed
    assert sorted(_frames(out).values()) == sorted(reference.values())
    kept = {name for name in before if name.startswith(f"{killed}.")}
    assert f"{killed}.mp3" in kept and all((out / name).read_bytes() == before[name] for name in kept)
    assert f"{killed}.mp3" in (out / "feed.xml").read_text(encoding="utf-8")


@pytest.mark.parametrize("moment", ["workers starting", "encoding"])
def test_ctrl_c_in_a_terminal_is_one_line_and_leaves_no_temp_file(tmp_path, fake_voices, moment):
    # a terminal's Ctrl-C reaches the whole process group. Before: while the forkserver imported its preload,
    # it printed its own KeyboardInterrupt traceback under the build's one-line "interrupted" message
    out = tmp_path / "out"
    proc = subprocess.Popen([str(EXE), "build", str(SEEDS), "-o", str(out), "--cast", "fake", "--voices-dir",
                             str(fake_voices), "-j", "2"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}, start_new_session=True)
    sent, seen, deadline = False, 0.0, time.monotonic() + 60
    while not sent and proc.poll() is None and time.monotonic() < deadline:
        if moment == "workers starting":  # the forkserver importing what it preloads (~1 s here)
            seen = seen or (time.monotonic() if any("forkserver" in _cmdline(p) for p in _children(proc.pid)) else 0)
            ready = seen and time.monotonic() > seen + 0.2
        else:
            ready = any(f"{out}/." in _cmdline(pid) for pid in _descendants(proc.pid))
        if ready:
            os.killpg(proc.pid, signal.SIGINT)
            sent = True
        time.sleep(0.002)
    stdout, stderr = _finish(proc)
    assert sent, f"never saw the {moment}"
    assert proc.returncode == 130, stdout + stderr
    assert "Traceback" not in stderr and "KeyboardInterrupt" not in stderr, stderr
    assert stderr.strip().splitlines()[-1].startswith("interrupted: nothing of this build was published")
    assert not out.exists() or not [p.name for p in out.iterdir() if p.name.startswith(".") and p.is_file()]


def _ours(pid: int, marker: str) -> bool:
    try:
        return marker in Path(f"/proc/{pid}/environ").read_bytes().decode("utf-8", "replace")
    except OSError:
        return False


def test_a_render_process_killed_on_a_dask_worker_fails_that_article_alone(tmp_path, cluster):
    # a stateful cast (espeak) renders each article in a process of its own on the worker. Before: "the render
    # process failed on the worker (<its last stderr line>)", not the line a local worker's death gives
    src, out = tmp_path / "src", tmp_path / "out"
    src.mkdir()
    for name, text in SHORT.items():
        (src / name).write_text(text, encoding="utf-8")
    proc = subprocess.Popen([str(EXE), "build", str(src), "-o", str(out), "--cast", "espeak", "--scheduler", cluster],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")})
    def render_process():
        # the cluster's workers (and so their render processes) have XDG_CACHE_HOME under tmp_path
        return next(((pid, pid) for pid in (int(p.name) for p in Path("/proc").iterdir() if p.name.isdigit())
                     if "audiocast.jobs.distributed import main" in _cmdline(pid) and _ours(pid, str(tmp_path))),
                    None)

    killed = _kill_when(proc, render_process, seconds=120)
    stdout, stderr = _finish(proc)
    assert killed is not None, "no render process was seen on the workers"
    assert proc.returncode == 1 and "1 episode(s) built, 1 failed" in stdout, stdout + stderr
    [source] = _assert_tidy(out, stdout, stderr)
    assert Path(source).name in SHORT and "killed by signal 9" in stdout
