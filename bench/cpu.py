"""Where the CPU of a cold build goes: per program (flite, Festival, ffmpeg) and audiocast's own Python.

    .venv/bin/python bench/cpu.py [--jobs N] [--articles DIR] [--count 10] [--baseline REV]

Builds the first COUNT articles of ../shared/evaldata/polnear/dev/text/ cold (empty clip cache) with the
default cast.  Every program the build starts by name (flite, festival, ffmpeg, ffprobe) is found first in a
folder of shims that run it under /usr/bin/time (Debian: apt-get install time), which appends the program's
user + system CPU seconds to a log; audiocast's own processes are the build's total CPU (rusage of every
process it waited for) minus the programs'.  Also prints the wall time and the cores kept busy (CPU / wall).
``--baseline REV`` builds with the package of git revision REV instead (extracted with `git archive`).
"""

from __future__ import annotations

import argparse
import collections
import ctypes
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
ARTICLES = ROOT.parent / "shared" / "evaldata" / "polnear" / "dev" / "text"
PROGRAMS = ("flite", "festival", "ffmpeg", "ffprobe")


def shims(folder: Path, log: Path) -> None:
    folder.mkdir()
    for name in PROGRAMS:
        real = shutil.which(name)
        if real is None:
            continue
        shim = folder / name
        shim.write_text(f'#!/bin/sh\nexec /usr/bin/time -a -o "{log}" -f "{name} %U %S" "{real}" "$@"\n')
        shim.chmod(0o755)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--articles", type=Path, default=ARTICLES)
    ap.add_argument("--count", type=int, default=10)
    ap.add_argument("--baseline", default="", help="git revision whose package is built instead")
    args = ap.parse_args()
    if not Path("/usr/bin/time").exists():
        raise SystemExit("bench/cpu.py needs /usr/bin/time (Debian/Ubuntu: apt-get install time)")
    with tempfile.TemporaryDirectory(prefix="audiocast-cpu-") as tmp:
        work = Path(tmp)
        src = work / "src"
        src.mkdir()
        for path in sorted(args.articles.glob("*.txt"))[: args.count]:
            shutil.copy(path, src / path.name)
        log = work / "programs.log"
        shims(work / "shims", log)
        env = {**os.environ, "XDG_CACHE_HOME": str(work / "cache"),
               "PATH": f"{work / 'shims'}{os.pathsep}{os.environ.get('PATH', '')}"}
        if args.baseline:
            folder = work / "baseline"
            folder.mkdir()
            archive = subprocess.run(["git", "-C", str(ROOT), "archive", args.baseline, "audiocast", "voices"],
                                     capture_output=True, check=True).stdout
            subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
            env["PYTHONPATH"] = str(folder)
        print(f"{len(list(src.iterdir()))} articles, --jobs {args.jobs}{' at ' + args.baseline if args.baseline else ''}; "
              "load average %.2f %.2f %.2f" % os.getloadavg())
        # a child subreaper: processes orphaned by the build are waited for here, so their CPU is counted
        ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER (Linux)
        t0 = time.perf_counter()
        code = subprocess.call([str(BIN / "audiocast"), "build", str(src), "-o", str(work / "out"), "--jobs",
                                str(args.jobs), "-q"], env=env, stdout=subprocess.DEVNULL)
        wall = time.perf_counter() - t0
        while True:
            try:
                os.wait()
            except ChildProcessError:
                break
        if code:
            raise SystemExit(f"the build failed (exit {code})")
        used = resource.getrusage(resource.RUSAGE_CHILDREN)
        total = used.ru_utime + used.ru_stime
        cpu: dict[str, float] = collections.defaultdict(float)
        runs: dict[str, int] = collections.Counter()
        for line in log.read_text().splitlines():
            parts = line.split()
            if len(parts) == 3 and parts[0] in PROGRAMS:
                cpu[parts[0]] += float(parts[1]) + float(parts[2])
                runs[parts[0]] += 1
        cpu["audiocast (Python)"] = total - sum(cpu.values())
        print(f"wall {wall:.1f} s, CPU {total:.1f} s, {total / wall:.2f} cores busy; load average %.2f %.2f %.2f"
              % os.getloadavg())
        for name, seconds in sorted(cpu.items(), key=lambda kv: -kv[1]):
            count = f"{runs[name]:4d} runs" if name in runs else "         "
            print(f"  {name:20s} {seconds:6.1f} CPU s  {100 * seconds / total:4.0f} %  {count}")


if __name__ == "__main__":
    main()
