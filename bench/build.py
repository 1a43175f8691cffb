"""Time the seed build against the minimal pipeline on the same text, in the same run.

Minimal pipeline (the baseline): the default cast's narrator's own engine reading the whole
article text in one process (`flite -voice V -f text -o wav` with the profile's settings,
`text2wave` with its Festival voice, or `espeak-ng -w`), then one `ffmpeg` 64 kbps mono MP3
encode.  audiocast: `audiocast build` of the seed with the default cast, cold (empty clip
cache, empty out/), then again with nothing changed.
With --natural, also the Piper `natural` cast cold, as a fraction of the episode duration.

Prints seconds, peak memory (max RSS of the process tree) and ratios.  Targets (issue 4):
cold <= 1.5x baseline, unchanged rebuild <= 0.15x baseline (issue 9), natural cold <= 0.5x duration.

    .venv/bin/python bench/build.py [--natural] [--repeat N]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "all-of-us-strangers.txt"
AUDIOCAST = str(Path(sys.executable).parent / "audiocast")


def timed(cmd: list[str], env: dict | None = None) -> tuple[float, int]:
    """Run ``cmd``; (wall seconds, peak RSS in MiB of it and its children)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env={**os.environ, **(env or {})})
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - t0
    if status != 0:
        raise SystemExit(f"failed: {' '.join(cmd)}\n{proc.stderr.read().decode()}")
    return elapsed, usage.ru_maxrss // 1024


def narrator_command(txt: Path, wav: Path) -> tuple[str, list[str]]:
    """(label, command) of the default narrator's engine reading ``txt`` whole into ``wav``."""
    sys.path.insert(0, str(ROOT))
    from audiocast.voice.profiles import load_voice_library

    p = load_voice_library().resolve("default").narrator
    if p.engine == "flite":
        opts = [*(["--setf", f"duration_stretch={p.length_scale:g}"] if p.length_scale else []),
                *(["--setf", f"int_f0_target_mean={p.f0_mean:g}"] if p.f0_mean else [])]
        return f"flite -voice {p.voice}", ["flite", "-voice", p.voice, *opts, "-f", str(txt), "-o", str(wav)]
    if p.engine == "festival":
        return f"text2wave ({p.voice})", ["text2wave", "-eval", f"(voice_{p.voice})", str(txt), "-o", str(wav)]
    return "espeak-ng -w", ["espeak-ng", "-f", str(txt), "-w", str(wav)]


def baseline(text: str, work: Path) -> tuple[float, int]:
    txt = work / "article.txt"
    txt.write_text(text)
    t1, m1 = timed(narrator_command(txt, work / "whole.wav")[1])
    t2, m2 = timed(["ffmpeg", "-y", "-v", "error", "-i", str(work / "whole.wav"), "-ac", "1", "-ar", "44100",
                    "-b:a", "64k", str(work / "whole.mp3")])
    return t1 + t2, max(m1, m2)


def duration(mp3: Path) -> float:
    out = subprocess.run(["ffprobe", "-v", "error", "-show_format", "-of", "json", str(mp3)],
                         capture_output=True, text=True, check=True).stdout
    return float(json.loads(out)["format"]["duration"])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--natural", action="store_true", help="also time the Piper natural cast cold")
    ap.add_argument("--repeat", type=int, default=3, help="runs of each measurement (median reported)")
    args = ap.parse_args()
    text = SEED.read_text(encoding="utf-8")
    rows = []
    base_t, cold_t, warm_t, nat_t = [], [], [], []
    mems = {}
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory() as tmp:
            work = Path(tmp)
            t, mems["baseline"] = baseline(text, work)
            base_t.append(t)
            src = work / "src"
            src.mkdir()
            shutil.copy(SEED, src)
            env = {"XDG_CACHE_HOME": str(work / "cache")}
            cmd = [AUDIOCAST, "build", str(src), "-o", str(work / "out"), "-q"]
            t, mems["cold"] = timed(cmd, env)
            cold_t.append(t)
            t, mems["rebuild"] = timed(cmd, env)
            warm_t.append(t)
            episode_s = duration(work / "out" / "all-of-us-strangers.mp3")
            if args.natural:
                t, mems["natural"] = timed([AUDIOCAST, "build", str(src), "-o", str(work / "nat"), "-q", "--cast",
                                            "natural"], {"XDG_CACHE_HOME": str(work / "cache2")})
                nat_t.append(t)
                nat_s = duration(work / "nat" / "all-of-us-strangers.mp3")
    b = statistics.median(base_t)
    rows.append((f"baseline: {narrator_command(Path('a'), Path('b'))[0]} + ffmpeg encode", b, 1.0, "",
                 mems["baseline"]))
    rows.append(("audiocast build, default cast, cold", statistics.median(cold_t), statistics.median(cold_t) / b,
                 "<= 1.5x", mems["cold"]))
    rows.append(("audiocast build, nothing changed", statistics.median(warm_t), statistics.median(warm_t) / b,
                 "<= 0.15x", mems["rebuild"]))
    print(f"seed article: {len(text.split())} words; default-cast episode {episode_s:.1f} s; "
          f"{os.cpu_count()} CPUs; median of {args.repeat}")
    print(f"{'measurement':45} {'seconds':>8} {'ratio':>7} {'target':>8} {'peak MiB':>9}")
    for name, t, ratio, target, mem in rows:
        print(f"{name:45} {t:8.2f} {ratio:6.2f}x {target:>8} {mem:9d}")
    if args.natural:
        n = statistics.median(nat_t)
        print(f"{'audiocast build, natural cast, cold':45} {n:8.2f} {n / nat_s:6.2f}D {'<= 0.5D':>8} "
              f"{mems['natural']:9d}   (D = episode duration {nat_s:.1f} s)")


if __name__ == "__main__":
    main()
