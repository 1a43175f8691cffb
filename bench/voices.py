"""Intelligibility, pitch and speed of every shipped voice, and of whole seed episodes, on this machine.

For every profile of every shipped cast (or those named with --profiles): synthesise the
reference passage once (after a warm-up sentence, so start-up is not counted) and print

* engine, and whether the profile is the narrator of a cast;
* WER: word error rate of pocketsphinx (its bundled US English model) on the clip, against
  the passage;
* median pitch (Hz) of the clip's voiced 10 ms frames (YIN, 60-400 Hz);
* RTF: synthesis seconds / audio seconds (pitch/tempo post-processing included).

Then, for each cast (or those named with --casts), the seed article is built cold with that
cast and the episode's WER is measured cue by cue: each cue of ``<slug>.transcript.json`` is
cut from the decoded MP3 and recognised on its own, against the cue's text as it is said
(numbers as words); errors and words are summed over the episode.

Reference passage: the seed's paragraphs 3-6 (about 135 words, narration and one quote), as
``speech.to_speech`` + the lexicon give it to the engine.  Words are lower-cased, punctuation
dropped and hyphens split.  pocketsphinx is a weak recogniser and may favour the CMU voices
it was trained near: a proxy for "a listener can follow", good for comparing voices.

Targets (issue 9): default cast: episode WER <= 0.40, every voice <= 0.45, >= 2 female voices
>= 160 Hz and >= 2 male voices <= 165 Hz; natural cast: episode WER <= 0.40, women >= 160 Hz.

    .venv/bin/python bench/voices.py [--profiles a,b] [--casts default,natural] [--no-episodes]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from audiocast.voice.engines import get_engine  # noqa: E402
from audiocast.voice.speech import to_speech  # noqa: E402
from audiocast.voice.synth import audition  # noqa: E402
from audiocast.voice.profiles import load_voice_library  # noqa: E402

SEED = ROOT / "seeds" / "all-of-us-strangers.txt"
AUDIOCAST = str(Path(sys.executable).parent / "audiocast")
RATE = 16000
MAX_WER, MAX_EPISODE_WER = 0.45, 0.40
FEMALE_MIN_HZ, MALE_MAX_HZ = 160, 165


def reference_text() -> str:
    paragraphs = [p.strip() for p in SEED.read_text(encoding="utf-8").split("\n\n") if p.strip()]
    return " ".join(paragraphs[2:6])


def words(text: str) -> list[str]:
    text = text.lower().replace("’", "'")
    return re.sub(r"[^a-z0-9' ]+", " ", re.sub(r"[-–—]", " ", text)).split()


def edits(ref: list[str], hyp: list[str]) -> int:
    row = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        prev, row = row, [i] + [0] * len(hyp)
        for j, h in enumerate(hyp, 1):
            row[j] = min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (r != h))
    return row[-1]


def decode_pcm(path: Path) -> np.ndarray:
    raw = subprocess.run(["ffmpeg", "-loglevel", "error", "-i", str(path), "-ar", str(RATE), "-ac", "1",
                          "-f", "s16le", "-"], capture_output=True, check=True).stdout
    return np.frombuffer(raw, dtype="<i2")


def recognise(samples: np.ndarray, decoder) -> str:
    decoder.start_utt()
    decoder.process_raw(samples.tobytes(), full_utt=True)
    decoder.end_utt()
    hyp = decoder.hyp()
    return hyp.hypstr if hyp else ""


def median_pitch(samples: np.ndarray, rate: int = RATE) -> float:
    """Median f0 (Hz) of voiced frames: YIN's cumulative-mean-normalised difference, threshold 0.15."""
    x = samples.astype(np.float64)
    n, hop, lo, hi = int(0.04 * rate), int(0.01 * rate), rate // 400, rate // 60
    starts = np.arange(0, len(x) - n - hi, hop)
    if len(starts) == 0:
        return 0.0
    frames = np.stack([x[s:s + n + hi] for s in starts])
    loud = np.sqrt((frames[:, :n] ** 2).mean(axis=1)) > 0.015 * np.abs(x).max()
    frames = frames[loud]
    size = 1 << (n + hi).bit_length()
    cross = np.fft.irfft(np.fft.rfft(frames, size) * np.conj(np.fft.rfft(frames[:, :n], size)), size)[:, :hi]
    cs = np.concatenate([np.zeros((len(frames), 1)), np.cumsum(frames ** 2, axis=1)], axis=1)
    lags = np.arange(hi)
    energy_lag = cs[:, lags + n] - cs[:, lags]
    diff = cs[:, n:n + 1] + energy_lag - 2 * cross
    diff[:, 0] = 0
    cmndf = np.ones_like(diff)
    cmndf[:, 1:] = diff[:, 1:] * lags[1:] / np.maximum(np.cumsum(diff[:, 1:], axis=1), 1e-9)
    f0 = []
    for row in cmndf:
        below = np.nonzero(row[lo:] < 0.15)[0]
        if len(below):
            t = below[0] + lo
            while t + 1 < hi and row[t + 1] < row[t]:
                t += 1
            f0.append(rate / t)
    return float(np.median(f0)) if f0 else 0.0


def profile_rows(lib, names, decoder, work: Path) -> list[dict]:
    ref_display = reference_text()
    ref_words = words(ref_display)
    narrators = {}
    for cname, cast in lib.casts.items():
        for p in cast.narrators or (cast.narrator,):
            narrators.setdefault(p.name, []).append(cname)
    print(f"reference: {len(ref_words)} words (seed paragraphs 3-6); targets: every default-cast voice WER <= "
          f"{MAX_WER}, women >= {FEMALE_MIN_HZ} Hz, men <= {MALE_MAX_HZ} Hz")
    print(f"{'profile':17} {'engine':9} {'gender':7} {'audio s':>7} {'synth s':>7} {'RTF':>6} {'WER':>5} {'pitch':>6}  note")
    rows = []
    for name in names:
        profile = lib.profile(name)
        engine = get_engine(profile.engine)
        ok, why = engine.available()
        if ok:
            ok, why = engine.has_voice(profile.voice)
        if not ok:
            print(f"{name:17} {profile.engine:9} unavailable: {why}")
            continue
        audition("Warming up the engine.", profile, lib.lexicon, work / f"warm-{name}.wav")
        wav = work / f"{name}.wav"
        t0 = time.perf_counter()
        clip = audition(ref_display, profile, lib.lexicon, wav)
        synth_s = time.perf_counter() - t0
        samples = decode_pcm(wav)
        audio_s = clip.duration_ms / 1000
        wer = edits(ref_words, words(recognise(samples, decoder))) / len(ref_words)
        pitch = median_pitch(samples)
        note = ", ".join(f"narrator of {c}" for c in narrators.get(name, []))
        print(f"{name:17} {profile.engine:9} {profile.gender:7} {audio_s:7.1f} {synth_s:7.2f} {synth_s / audio_s:6.3f} "
              f"{wer:5.2f} {pitch:6.0f}  {note}", flush=True)
        rows.append({"profile": name, "engine": profile.engine, "gender": profile.gender, "wer": wer,
                     "pitch": pitch, "rtf": synth_s / audio_s})
    return rows


def episode_wer(cast: str, decoder, work: Path) -> tuple[float, float, int]:
    """Build the seed cold with ``cast``; (episode WER, build seconds, words)."""
    src, out = work / f"src-{cast}", work / f"out-{cast}"
    src.mkdir()
    shutil.copy(SEED, src)
    env = {**os.environ, "XDG_CACHE_HOME": str(work / f"cache-{cast}")}
    t0 = time.perf_counter()
    proc = subprocess.run([AUDIOCAST, "build", str(src), "-o", str(out), "-q", "--cast", cast],
                          capture_output=True, text=True, env=env)
    seconds = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"build with cast {cast} failed: {proc.stderr.strip() or proc.stdout.strip()}")
    samples = decode_pcm(out / f"{SEED.stem}.mp3")
    cues = json.loads((out / f"{SEED.stem}.transcript.json").read_text(encoding="utf-8"))["segments"]
    errors = total = 0
    for cue in cues:
        ref = words(to_speech(cue["body"]))
        piece = samples[int(cue["startTime"] * RATE):int(cue["endTime"] * RATE) + RATE // 10]
        errors += edits(ref, words(recognise(piece, decoder)))
        total += len(ref)
    return errors / max(1, total), seconds, total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--profiles", help="comma-separated profile names (default: every profile of every cast)")
    parser.add_argument("--casts", help="comma-separated casts for the episode WER (default: all)")
    parser.add_argument("--no-episodes", action="store_true", help="skip the whole-episode builds")
    args = parser.parse_args()
    from pocketsphinx import Decoder

    decoder = Decoder(samprate=RATE, logfn="/dev/null")
    lib = load_voice_library()
    if args.profiles:
        names = args.profiles.split(",")
    else:
        names = list(dict.fromkeys(p.name for c in lib.casts.values() for p in (*(c.narrators or (c.narrator,)), *c.pool)))
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        rows = profile_rows(lib, names, decoder, work)
        by_name = {r["profile"]: r for r in rows}
        for cname in (args.casts.split(",") if args.casts else sorted(lib.casts)):
            cast = lib.resolve(cname)
            members = [by_name[p.name] for p in (cast.narrator, *cast.pool) if p.name in by_name]
            women = [r for r in members if r["gender"] == "female"]
            men = [r for r in members if r["gender"] == "male"]
            worst = max((r["wer"] for r in members), default=float("nan"))
            line = (f"cast {cname}: resolves to {cast.name}, narrator {cast.narrator.name}; voices WER max {worst:.2f}; "
                    f"women >= {FEMALE_MIN_HZ} Hz: {sum(r['pitch'] >= FEMALE_MIN_HZ for r in women)}/{len(women)}; "
                    f"men <= {MALE_MAX_HZ} Hz: {sum(r['pitch'] <= MALE_MAX_HZ for r in men)}/{len(men)}")
            if not args.no_episodes:
                wer, seconds, total = episode_wer(cname, decoder, work)
                line += f"; seed episode WER {wer:.2f} over {total} words (cold build {seconds:.1f} s)"
            print(line, flush=True)


if __name__ == "__main__":
    main()
