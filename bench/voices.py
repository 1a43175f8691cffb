"""Per-profile speed and intelligibility of the shipped voices, on this machine.

For every shipped profile (or those named with --profiles): synthesise the
reference text once (after a warm-up sentence, so model loading is not
counted) and print

* RTF: synthesis seconds / audio seconds (pitch/tempo post-processing included);
* WER: word error rate of pocketsphinx (its bundled US English model) on the
  clip, against the reference text.

Reference text: the first three body paragraphs of seeds/all-of-us-strangers.txt
(after the title and the byline), about 120 words of narration and one quote,
as ``speech.to_speech`` + the lexicon give it to the engine.  Both reference
and transcript are lower-cased, punctuation dropped and hyphens split, so only
words count.  pocketsphinx is a weak recogniser: it is a proxy for "a listener
can follow", good for comparing voices, not an absolute score.

Targets (issue 4): natural narrator WER <= 0.45 and RTF <= 0.2.

    .venv/bin/python bench/voices.py [--profiles narrator,joe-narrator]
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from audiocast.engines import get_engine  # noqa: E402
from audiocast.synth import _cached_duration, _render, spoken_text  # noqa: E402
from audiocast.voices import load_voice_library  # noqa: E402

SEED = ROOT / "seeds" / "all-of-us-strangers.txt"
TARGET_WER, TARGET_RTF = 0.45, 0.2


def reference_text() -> str:
    paragraphs = [p.strip() for p in SEED.read_text(encoding="utf-8").split("\n\n") if p.strip()]
    return " ".join(paragraphs[2:5])


def words(text: str) -> list[str]:
    text = text.lower().replace("’", "'")
    return re.sub(r"[^a-z0-9' ]+", " ", re.sub(r"[-–—]", " ", text)).split()


def wer(ref: list[str], hyp: list[str]) -> float:
    row = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        prev, row = row, [i] + [0] * len(hyp)
        for j, h in enumerate(hyp, 1):
            row[j] = min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (r != h))
    return row[-1] / max(1, len(ref))


def transcribe(wav: Path, decoder) -> str:
    raw = subprocess.run(["ffmpeg", "-loglevel", "error", "-i", str(wav), "-ar", "16000", "-ac", "1",
                          "-f", "s16le", "-"], capture_output=True, check=True).stdout
    decoder.start_utt()
    decoder.process_raw(raw, full_utt=True)
    decoder.end_utt()
    hyp = decoder.hyp()
    return hyp.hypstr if hyp else ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--profiles", help="comma-separated profile names (default: all)")
    args = parser.parse_args()
    from pocketsphinx import Decoder

    decoder = Decoder(samprate=16000, logfn="/dev/null")
    lib = load_voice_library()
    names = args.profiles.split(",") if args.profiles else sorted(lib.profiles)
    ref_display = reference_text()
    ref_words = words(ref_display)
    narrators = {c.narrator.name: n for n, c in lib.casts.items()}
    print(f"reference: {len(ref_words)} words (seed paragraphs 1-3); targets: natural narrator "
          f"WER <= {TARGET_WER}, RTF <= {TARGET_RTF}")
    print(f"{'profile':18} {'engine':8} {'audio s':>8} {'synth s':>8} {'RTF':>7} {'WER':>6}  note")
    with tempfile.TemporaryDirectory() as tmp:
        for name in names:
            profile = lib.profile(name)
            ok, why = get_engine(profile.engine).available()
            if not ok:
                print(f"{name:18} {profile.engine:8} unavailable: {why}")
                continue
            _render(("Warming up the engine.", profile, Path(tmp) / f"warm-{name}.wav"))
            wav = Path(tmp) / f"{name}.wav"
            spoken = spoken_text(ref_display, lib.lexicon)
            t0 = time.perf_counter()
            _render((spoken, profile, wav))
            synth_s = time.perf_counter() - t0
            audio_s = (_cached_duration(wav) or 1) / 1000
            rate = wer(ref_words, words(transcribe(wav, decoder)))
            note = ""
            if name in narrators:
                note = f"narrator of '{narrators[name]}'"
                if narrators[name] == "natural":
                    met = rate <= TARGET_WER and synth_s / audio_s <= TARGET_RTF
                    note += f" (targets {'met' if met else 'MISSED'})"
            print(f"{name:18} {profile.engine:8} {audio_s:8.1f} {synth_s:8.2f} {synth_s / audio_s:7.3f} {rate:6.2f}  {note}",
                  flush=True)


if __name__ == "__main__":
    main()
