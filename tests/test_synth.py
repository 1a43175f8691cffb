"""Synthesis: verified clips, the clip cache, and --jobs giving identical bytes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from audiocast.voice import synth
from audiocast.voice.engines import get_engine
from audiocast.model import Line, VoiceProfile
from audiocast.voice.synth import audition, default_cache_dir, synthesize
from audiocast.voice.profiles import Lexicon, load_voice_library

SENTENCES = [
    "The highly anticipated film is almost here.",
    "Andrew Haigh is giving a peek behind the production.",
    "The modest home in a small London suburb was just outside of Croydon.",
    "It was a really strangely cathartic experiment.",
    "The question drives the movie forward.",
]

try:
    import piper  # noqa: F401

    HAVE_PIPER = True
except ImportError:
    HAVE_PIPER = False


def _lines(profiles, sentences=SENTENCES):
    return [Line(i, 0, s, None, profiles[i % len(profiles)]) for i, s in enumerate(sentences)]


def _probe_duration(path: Path) -> float:
    out = subprocess.run(["ffprobe", "-v", "error", "-show_format", "-of", "json", str(path)],
                         capture_output=True, text=True, check=True).stdout
    return float(json.loads(out)["format"]["duration"])


def test_cache_dir_honours_xdg(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert default_cache_dir() == tmp_path / "audiocast" / "clips"


def test_cache_hit_and_one_changed_sentence(tmp_path):
    fake = get_engine("fake")
    profiles = [VoiceProfile(name="a", engine="fake", voice="low"), VoiceProfile(name="b", engine="fake", voice="high")]
    lex = Lexicon()
    before = fake.calls
    first = synthesize(_lines(profiles), lex, jobs=1, cache_dir=tmp_path)
    assert fake.calls - before == len(SENTENCES)
    assert not any(c.cached for c in first)
    second = synthesize(_lines(profiles), lex, jobs=1, cache_dir=tmp_path)
    assert fake.calls - before == len(SENTENCES)  # nothing synthesised
    assert all(c.cached for c in second) and [c.path for c in first] == [c.path for c in second]
    changed = list(SENTENCES)
    changed[2] = "The modest home was somewhere else entirely."
    third = synthesize(_lines(profiles, changed), lex, jobs=1, cache_dir=tmp_path)
    assert fake.calls - before == len(SENTENCES) + 1
    assert [c.cached for c in third] == [True, True, False, True, True]
    # a lexicon change is a different clip too, but only where it applies
    lex2 = Lexicon((("(?<!\\w)Croydon(?!\\w)", "Croyden"),))
    fourth = synthesize(_lines(profiles), lex2, jobs=1, cache_dir=tmp_path)
    assert fourth[2].text.endswith("outside of Croyden.")
    assert not fourth[2].cached and fake.calls - before == len(SENTENCES) + 1 + len(SENTENCES)


_RUN = """
import sys
from pathlib import Path
from audiocast.model import Line
from audiocast.voice.synth import synthesize
from audiocast.voice.profiles import Lexicon, load_voice_library
cast = load_voice_library().cast({cast!r})
profiles = [cast.narrator, *cast.pool[:2]]
sentences = {sentences!r}
lines = [Line(i, 0, s, None, profiles[i % 3]) for i, s in enumerate(sentences)]
for c in synthesize(lines, Lexicon(), jobs={jobs}, cache_dir=Path({cache!r})):
    print(c.path, c.duration_ms, c.profile)
"""


@pytest.mark.parametrize("cast, names", [
    ("default", ["flite-rms", "hts-slt", "flite-awb", "flite-rms", "hts-slt"]),
    ("espeak", ["espeak-narrator", "us-male", "gb-female", "espeak-narrator", "us-male"]),
])
def test_cast_clips_are_real_and_jobs_do_not_change_bytes(tmp_path, cast, names):
    """A build is a fresh process: espeak's exact bytes depend on what it said before in that process;
    flite and Festival clips are made in worker processes in any order."""
    runs = {}
    for jobs in (1, 2):
        code = _RUN.format(sentences=SENTENCES, jobs=jobs, cache=str(tmp_path / f"j{jobs}"), cast=cast)
        proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
        assert proc.returncode == 0, proc.stderr
        runs[jobs] = [line.split() for line in proc.stdout.splitlines()]
    assert [Path(p).read_bytes() for p, _, _ in runs[1]] == [Path(p).read_bytes() for p, _, _ in runs[2]]
    for path, ms, profile in runs[1]:
        assert abs(_probe_duration(Path(path)) * 1000 - int(ms)) < 50
        assert int(ms) > 1500
    assert [p for _, _, p in runs[1]] == names


@pytest.mark.skipif(not HAVE_PIPER, reason="piper-tts not importable: pip install audiocast[piper]")
def test_natural_cast_jobs_identical_and_shifted_voices_differ(tmp_path):
    """Piper with its trained noise runs in line order in one process; Festival's women in workers."""
    lib = load_voice_library()
    narrator, tenor, slt = lib.profiles["joe-narrator"], lib.profiles["joe-tenor"], lib.profiles["hts-slt"]
    assert get_engine("piper").is_stateful(narrator) and not get_engine("festival").is_stateful(slt)
    order = [(SENTENCES[1], narrator), (SENTENCES[1], tenor), (SENTENCES[3], slt), (SENTENCES[4], tenor),
             (SENTENCES[2], slt), (SENTENCES[0], slt)]
    lines = [Line(i, 0, s, None, p) for i, (s, p) in enumerate(order)]
    runs = {}
    for jobs in (1, 2):  # fresh processes, as builds are
        code = _NATURAL.format(order=[(s, p.name) for s, p in order], jobs=jobs, cache=str(tmp_path / f"j{jobs}"))
        proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0, proc.stderr
        runs[jobs] = [Path(p).read_bytes() for p in proc.stdout.split()]
    assert len(runs[1]) == len(lines) and runs[1] == runs[2]
    from test_engines import _median_f0

    paths = proc.stdout.split()
    f0_joe, f0_tenor, f0_slt = (_median_f0(Path(paths[i])) for i in (0, 1, 2))
    assert f0_tenor > f0_joe * 1.12, (f0_joe, f0_tenor)  # +3.5 semitones is x1.22
    assert f0_slt >= 160 > f0_tenor, (f0_slt, f0_tenor)


_NATURAL = """
from pathlib import Path
from audiocast.model import Line
from audiocast.voice.synth import synthesize
from audiocast.voice.profiles import load_voice_library
lib = load_voice_library()
lines = [Line(i, 0, s, None, lib.profiles[p]) for i, (s, p) in enumerate({order!r})]
for c in synthesize(lines, lib.lexicon, jobs={jobs}, cache_dir=Path({cache!r})):
    print(c.path)
"""


def test_punctuation_only_line_gets_a_short_silent_clip(tmp_path):
    p = VoiceProfile(name="a", engine="fake", voice="low")
    (clip,) = synthesize([Line(0, 0, "…", None, p)], Lexicon(), jobs=1, cache_dir=tmp_path)
    assert clip.duration_ms == synth.SILENCE_MS


def test_post_filter_keeps_tempo_and_shifts_pitch():
    f = synth.post_filter(VoiceProfile(name="x", engine="fake", voice="v", pitch_shift=5.0, tempo=1.0), 22050)
    assert f.startswith("asetrate=") and "formant=preserved" in f
    assert synth.post_filter(VoiceProfile(name="x", engine="fake", voice="v", tempo=1.2), 22050).startswith("rubberband=pitch=1.000000:tempo=1.200000")


def test_audition_writes_an_mp3(tmp_path):
    lib = load_voice_library()
    clip = audition("Andrew Haigh grew up outside of Croydon.", lib.profiles["espeak-narrator"], lib.lexicon, tmp_path / "s.mp3")
    assert clip.text.endswith("Croyden.")
    assert abs(_probe_duration(tmp_path / "s.mp3") * 1000 - clip.duration_ms) < 150
