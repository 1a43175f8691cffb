"""A deterministic, dependency-free engine for fast tests.

Each word becomes a tone burst followed by a short gap; the duration is
proportional to the text length (scaled by ``rate``), and the tone's pitch
comes from the voice id, so different voices are measurably different.
"""

from __future__ import annotations

import array
import hashlib
import math
import sys
import wave
from pathlib import Path

from audiocast.engines.base import Engine, EngineVoice
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
        samples = array.array("h")
        for word in text.split():
            n_letters = sum(ch.isalnum() for ch in word) or 1
            n = int(SAMPLE_RATE * MS_PER_LETTER * n_letters / 1000 / speed)
            fade = min(200, n // 4)
            for i in range(n):
                env = min(1.0, i / fade, (n - i) / fade) if fade else 1.0
                samples.append(int(amp * env * math.sin(2 * math.pi * freq * i / SAMPLE_RATE)))
            samples.extend([0] * int(SAMPLE_RATE * 0.08 / speed))
        if sys.byteorder == "big":  # pragma: no cover
            samples.byteswap()
        with wave.open(str(wav), "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(SAMPLE_RATE)
            w.writeframes(samples.tobytes())
