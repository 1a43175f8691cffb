"""What the audio edition costs on top of the per-article episodes, in the same run.

The seed folder (3 articles) with the default cast, into one output folder, with its own clip cache:

1. the episodes, cold (empty cache, empty out/);
2. the episodes again with ``--force`` and a warm cache: mixing, levelling and encoding ~9 minutes of audio,
   nothing synthesised: the least any episode of that length can cost;
3. ``--edition`` after them: the edition (about as long) synthesises only its opening, transitions and credits;
4. ``--edition`` again with nothing changed.

The edition's cost is reported against (2): near 1× means it does no work twice.

    .venv/bin/python bench/edition.py [--repeat N]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
AUDIOCAST = str(Path(sys.executable).parent / "audiocast")
DAY = "2026-12-02"


def run(args: list[str], env: dict) -> tuple[float, str]:
    """Run ``audiocast`` with ``args``; (wall seconds, its summary lines)."""
    t0 = time.perf_counter()
    proc = subprocess.run([AUDIOCAST, *args], capture_output=True, text=True, env={**os.environ, **env})
    elapsed = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"failed: audiocast {' '.join(args)}\n{proc.stderr}")
    return elapsed, "\n".join(ln for ln in (proc.stdout + proc.stderr).splitlines() if ln.startswith("built"))


def once(work: Path) -> dict[str, float]:
    env = {"XDG_CACHE_HOME": str(work / "cache")}
    out = str(work / "out")
    times = {}
    times["episodes, cold"], _ = run(["build", str(SEEDS), "-o", out, "-q"], env)
    times["episodes, --force, warm cache"], _ = run(["build", str(SEEDS), "-o", out, "-q", "--force"], env)
    times["edition after the episodes"], summary = run(
        ["build", str(SEEDS), "-o", out, "--edition", "--edition-date", DAY], env)
    print(next(ln for ln in summary.splitlines() if "edition-" in ln))
    times["edition, nothing changed"], _ = run(["build", str(SEEDS), "-o", out, "-q", "--edition",
                                                "--edition-date", DAY], env)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    runs = []
    for _ in range(args.repeat):
        work = Path(tempfile.mkdtemp(prefix="audiocast-bench-edition-"))
        try:
            runs.append(once(work))
        finally:
            shutil.rmtree(work, ignore_errors=True)
    base = statistics.median(r["episodes, --force, warm cache"] for r in runs)
    print(f"{'measurement':40} {'seconds':>8} {'ratio':>7}   (median of {args.repeat})")
    for key in runs[0]:
        median = statistics.median(r[key] for r in runs)
        print(f"{key:40} {median:8.2f} {median / base:6.2f}×")


if __name__ == "__main__":
    main()
