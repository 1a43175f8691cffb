"""Shared fixtures: an isolated clip cache and one real end-to-end build of seeds/."""

from __future__ import annotations

import contextlib
import os
import re
import socket
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SHARED = ROOT.parent / "shared"


FAKE_CAST = """  # a cast of the deterministic fake engine: fast builds for tests
[casts.fake]
narrator = "fake-narrator"
pool = ["fake-a", "fake-b", "fake-c"]
description = "Tone bursts: fast, deterministic builds for tests."

[profiles.fake-narrator]
engine = "fake"
voice = "low"
gender = "male"

[profiles.fake-a]
engine = "fake"
voice = "mid"
gender = "male"

[profiles.fake-b]
engine = "fake"
voice = "high"
gender = "female"

[profiles.fake-c]
engine = "fake"
voice = "bright"
"""


@pytest.fixture(scope="session")
def fake_voices(tmp_path_factory) -> Path:
    """A voices folder holding the shipped lexicon and the fake cast (use with ``--cast fake``)."""
    voices = tmp_path_factory.mktemp("fake-voices")
    shutil.copy(ROOT / "voices" / "lexicon.toml", voices / "lexicon.toml")
    (voices / "fake.toml").write_text(FAKE_CAST, encoding="utf-8")
    return voices


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path_factory, monkeypatch):
    """Every test gets the session's private clip cache, never the user's real one."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.getbasetemp() / "xdg-cache"))


def run_cli(*args: str, cwd: Path | None = None, env: dict | None = None, check: bool = True):
    """Run the installed `audiocast` console script as a user would."""
    exe = Path(sys.executable).parent / "audiocast"
    proc = subprocess.run([str(exe), *args], cwd=cwd or ROOT, capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=600)
    if check and proc.returncode != 0:
        raise AssertionError(f"audiocast {' '.join(args)} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    return proc


@pytest.fixture(scope="session")
def seed_build(tmp_path_factory):
    """One real build of seeds/ with the default cast (pyttsx3 + espeak-ng): (out_dir, completed process)."""
    base = tmp_path_factory.mktemp("seed-build")
    out = base / "out"
    env = {"XDG_CACHE_HOME": str(base / "cache")}
    proc = run_cli("build", str(SEEDS), "-o", str(out), "--base-url", "http://127.0.0.1:8000/", env=env)
    return out, proc, env


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def http_server(directory: Path, port: int):
    """``python -m http.server`` serving ``directory`` on ``port`` (a plain static host), until the block ends."""
    server = subprocess.Popen([sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1",
                               "--directory", str(directory)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2).read()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    pytest.fail("http.server did not come up")
                time.sleep(0.1)
        yield
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def gpodder(home: Path):
    """A ``gpo`` command runner with its own gPodder home (downloads in ``home/downloads``)."""
    env = {**os.environ, "GPODDER_HOME": str(home), "GPODDER_DOWNLOAD_DIR": str(home / "downloads"),
           "HOME": str(home / "home")}

    def gpo(*args: str) -> str:
        proc = subprocess.run(["gpo", *args], env=env, capture_output=True, text=True, timeout=120)
        assert proc.returncode == 0, f"gpo {' '.join(args)}: {proc.stdout}\n{proc.stderr}"
        return proc.stdout

    return gpo


def assert_check_passes(out: Path, env: dict | None = None, warnings: tuple[str, ...] = ()) -> str:
    """Run ``audiocast check out`` and assert what its report says (:func:`assert_check_report`); return it."""
    proc = run_cli("check", str(out), env=env, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert_check_report(proc.stdout, out, warnings)
    return proc.stdout


def assert_check_report(report: str, out: Path, warnings: tuple[str, ...] = ()) -> None:
    """A passing check report, not only a zero exit status.

    No error; exactly the ``warnings`` (rule codes, any order); the channel, the cover and the page were
    checked; and every episode in the feed had its loudness, its MPEG stream, its chapters (agreeing in every
    format) and its transcripts (with cues) checked.
    """
    from lxml import etree

    codes = sorted(re.findall(r"^  WARNING .*\[([\w-]+)\]$", report, re.M))
    assert not re.search(r"^  ERROR ", report, re.M) and codes == sorted(warnings), report
    assert report.splitlines()[-1] == f"PASS: 0 error(s), {len(warnings)} warning(s)", report
    ok = [line[len("  ok      "):] for line in report.splitlines() if line.startswith("  ok      ")]
    assert any(line.startswith("channel: required tags") for line in ok), report
    cover = [m for m in (re.fullmatch(r"cover \S+: (?:JPEG|PNG) RGB (\d+)×(\d+)", line) for line in ok) if m]
    assert cover and 1400 <= int(cover[0][1]) == int(cover[0][2]) <= 3000, report  # Apple's square 1400-3000 px
    names = [e.get("url").rsplit("/", 1)[-1]
             for e in etree.parse(str(out / "feed.xml")).getroot().iterfind("channel/item/enclosure")]
    assert names, "the feed has no episodes"
    for name in names:
        mine = [line[len(name) + 2:] for line in ok if line.startswith(f"{name}: ")]
        expected = (r"-?\d+\.\d LUFS, true peak -?\d+\.\d dBTP",
                    r"\d+\.\d s, (44100|48000|22050) Hz, [12] ch, \d+ kbps, .*",
                    r"\d+ chapters identical in ID3, JSON, psc and the description",
                    r"[1-9] transcripts agree, [1-9]\d* cues cover the audio")
        for pattern in expected:
            assert any(re.fullmatch(pattern, line) for line in mine), f"{name}: no check matched {pattern}\n{report}"
    assert f"index.html: {len(names)} episode(s) with players; chapter starts as in the chapters files" in ok, report
