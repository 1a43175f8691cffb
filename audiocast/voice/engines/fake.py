"""A deterministic engine for fast tests (numpy only).

Each word becomes a tone burst followed by a short gap; the duration is
proportional to the text length (scaled by ``rate``), and the tone's pitch
comes from the voice id, so different voices are measurably different.
"""

from __future__ import annotations

import hashlib
import wave
from pathlib import Path

import numpy as np

from audiocast.voice.engines.base import Engine, EngineVoice
from audiocast.model import VoiceProfile

SAMPLE_RATE = 22050
MS_PER_LETTER = 65  # ~ 180 wpm at the default rate
DEFAULT_RATE = 180
FAKE_VOICES = {"low": 110.0, "mid": 165.0, "high": 220.0, "bright": 290.0}


def base_frequency(voice: str) -> float:
    """The tone frequency for a voice id: named voices fixed, others derived from a hash."""
    if voice in FAKE_VOICES:
        return FAKE_VOICES[voice]
    h = int(hashlib.sha1(voice.encode()).hexdigest()[:6], 16)
    return 100.0 + h % 200


class FakeEngine(Engine):
    """Tone bursts instead of speech; counts its calls in ``calls``."""

    name = "fake"

    def __init__(self) -> None:
        self.calls = 0

    @property
    def version(self) -> str:
        return "fake 1"

    def available(self) -> tuple[bool, str]:
        return True, ""

    def voices(self) -> list[EngineVoice]:
        return [EngineVoice(v, f"fake {v}") for v in FAKE_VOICES]

    def synthesize(self, text: str, profile: VoiceProfile, wav: Path) -> None:
        self.calls += 1
        freq = base_frequency(profile.voice) * (2 ** (((profile.pitch or 50) - 50) / 50))
        speed = (profile.rate or DEFAULT_RATE) / DEFAULT_RATE
        amp = 12000 * max(0.0, min(profile.volume, 2.0))
        pieces = []
        gap = np.zeros(int(SAMPLE_RATE * 0.08 / speed), dtype=np.int16)
        for word in text.split():
            n_letters = sum(ch.isalnum() for ch in word) or 1
            n = int(SAMPLE_RATE * MS_PER_LETTER * n_letters / 1000 / speed)
            i = np.arange(n)
            fade = min(200, n // 4)
            env = np.minimum(1.0, np.minimum(i, n - i) / fade) if fade else np.ones(n)
            pieces.append((amp * env * np.sin(2 * np.pi * freq * i / SAMPLE_RATE)).astype(np.int16))
            pieces.append(gap)
        samples = np.concatenate(pieces) if pieces else np.zeros(0, dtype=np.int16)
        with wave.open(str(wav), "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(SAMPLE_RATE)
            w.writeframes(samples.astype("<i2").tobytes())
