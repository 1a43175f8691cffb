"""Peak memory of a one-hour episode (issue 11: <= 300 MB), default cast, warm and cold clip cache.

Builds an article of ~15,600 words made from the seed's paragraphs (each made unique, so a cold
build synthesises every sentence), into a temporary folder, and prints wall seconds, the episode's
duration and the peak RSS of the build's process tree (from wait4).

    .venv/bin/python bench/memory.py [--words N]
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
AUDIOCAST = str(Path(sys.executable).parent / "audiocast")


def article(words: int) -> str:
    paragraphs = [p for p in (ROOT / "seeds" / "all-of-us-strangers.txt").read_text().split("\n\n")[1:] if p.strip()]
    out, count, i = ["One Full Hour\n\nby Ada Writer\n"], 0, 0
    while count < words:
        p = paragraphs[i % len(paragraphs)].replace(".", f" on day {i}.", 1)
        out.append(p)
        count, i = count + len(p.split()), i + 1
    return "\n\n".join(out) + "\n"


def build(src: Path, out: Path, cache: Path) -> tuple[float, int]:
    t0 = time.perf_counter()
    proc = subprocess.Popen([AUDIOCAST, "build", str(src), "-o", str(out), "-q"], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, env={**os.environ, "XDG_CACHE_HOME": str(cache)})
    _, status, usage = os.wait4(proc.pid, 0)
    if status:
        raise SystemExit(proc.stderr.read().decode())
    return time.perf_counter() - t0, usage.ru_maxrss // 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--words", type=int, default=15_600)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        (work / "src").mkdir()
        (work / "src" / "hour.txt").write_text(article(args.words), encoding="utf-8")
        for label, out in (("cold", "out-cold"), ("warm cache", "out-warm")):
            seconds, peak = build(work / "src", work / out, work / "cache")
            feed = (work / out / "feed.xml").read_text()
            duration = re.search(r"<itunes:duration>([^<]+)", feed).group(1)
            print(f"{label}: {seconds:.1f} s, episode {duration}, peak RSS {peak} MiB", flush=True)


if __name__ == "__main__":
    main()
