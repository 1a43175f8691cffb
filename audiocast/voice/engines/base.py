"""The small interface every speech engine implements, and clip verification.

An engine turns one piece of spoken text into a mono 16-bit WAV for one
:class:`~audiocast.model.VoiceProfile`.  Engines are created once per process
(start-up is the expensive part) and kept warm by :func:`audiocast.voice.engines.get_engine`.

:func:`check_wav` is the guard between an engine and an episode: a clip that is
missing, undecodable, implausibly short for its text or silent is rejected, so a
silent gap never reaches an episode.
"""

from __future__ import annotations

import abc
import re
import shutil
import subprocess
import warnings
import wave
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Optional

from audiocast.model import Gender, VoiceProfile

with warnings.catch_warnings():  # deprecated in 3.11-3.12; pydub's audioop-lts provides it from 3.13
    warnings.simplefilter("ignore", DeprecationWarning)
    import audioop

# A clip shorter than this per spoken letter is a truncated or failed synthesis
# (espeak at 450 wpm, its maximum, needs ~45 ms per letter).
MIN_MS_PER_LETTER = 12
# Peak below this (of 32767) means the clip is silence or near-silence.
MIN_PEAK = 300


@dataclass(frozen=True)
class EngineVoice:
    """A voice the engine itself offers (what a profile's ``voice`` may name)."""

    id: str
    name: str
    gender: Gender = "unknown"
    languages: tuple[str, ...] = ()


@dataclass(frozen=True)
class WavFacts:
    """What :func:`check_wav` measured."""

    duration_ms: int
    sample_rate: int
    peak: int
    voiced_fraction: float  # share of 10 ms windows louder than -40 dBFS


class Engine(abc.ABC):
    """A speech engine: ``available()``, ``synthesize()``, ``voices()``, ``version``."""

    name: str = ""
    verifies: bool = False  # True when synthesize() itself rejects bad clips with check_wav
    # True when a clip's exact bytes depend on what the engine said before (espeak keeps
    # oscillator/filter state between utterances): synth then runs it in one process, in line
    # order, so any --jobs gives the same bytes.
    stateful: bool = False
    # True when the engine is another program (its work happens in that process): synth drives it from
    # threads in this process, at most ``max_threads`` at once (None: as many as --jobs).
    external: bool = False
    max_threads: Optional[int] = None

    @property
    @abc.abstractmethod
    def version(self) -> str:
        """Engine and library version; part of the clip cache key."""

    @abc.abstractmethod
    def available(self) -> tuple[bool, str]:
        """``(True, "")`` or ``(False, why and how to fix)``."""

    @abc.abstractmethod
    def synthesize(self, text: str, profile: VoiceProfile, wav: Path) -> None:
        """Write ``text`` spoken by ``profile`` to ``wav`` (mono 16-bit PCM); raise EngineError on failure."""

    @abc.abstractmethod
    def voices(self) -> list[EngineVoice]:
        """The engine's own voices (ids a profile can use)."""

    def is_stateful(self, profile: VoiceProfile) -> bool:
        """True when ``profile``'s clips depend on what this process said before (see ``stateful``)."""
        return self.stateful

    def has_voice(self, voice: str) -> tuple[bool, str]:
        """``(True, "")`` when the engine can speak with ``voice``, else ``(False, why and how to fix)``."""
        return True, ""

    def owns_threads(self) -> bool:
        """True while the engine holds native thread pools, which a forked process would not inherit."""
        return False

    def close(self) -> None:
        """Release the engine (optional)."""


class ProgramEngine(Engine):
    """An engine that runs a program: found on PATH, versioned by ``PROGRAM --version``."""

    external = True

    program: str = ""
    version_pattern: str = r"(\d+\.\d+(?:\.\d+)?)"  # group 1 is the version in ``--version``'s output
    install_hint: str = ""

    @cached_property
    def _exe(self) -> Optional[str]:
        return shutil.which(self.program)

    @cached_property
    def version(self) -> str:
        if self._exe is None:
            return f"{self.program} missing"
        out = subprocess.run([self._exe, "--version"], capture_output=True, text=True).stdout
        m = re.search(self.version_pattern, out)
        return f"{self.program} {m.group(1) if m else 'unknown'}"

    def available(self) -> tuple[bool, str]:
        if self._exe is None:
            return False, f"the {self.program} program is not installed (Debian/Ubuntu: {self.install_hint})"
        return True, ""


def letters(text: str) -> int:
    """Number of letters and digits: what takes time to say."""
    return sum(1 for ch in text if ch.isalnum())


def snippet(text: str, width: int = 50) -> str:
    """A short quote of ``text`` for error messages."""
    text = re.sub(r"\s+", " ", text).strip()
    return repr(text if len(text) <= width else text[: width - 1] + "…")


def check_wav(wav: Path, text: str) -> Optional[WavFacts]:
    """Measure ``wav``; None when it is missing, undecodable, too short for ``text`` or silent."""
    try:
        with wave.open(str(wav), "rb") as w:
            if w.getsampwidth() != 2 or w.getnframes() == 0:
                return None
            rate, channels = w.getframerate(), w.getnchannels()
            frames = w.readframes(w.getnframes())
    except (OSError, EOFError, wave.Error):
        return None
    if channels > 1:
        frames = audioop.tomono(frames, 2, 1.0, 0.0) if channels == 2 else frames[: len(frames) // channels]
    nsamples = len(frames) // 2
    duration_ms = round(nsamples * 1000 / rate)
    if duration_ms < max(120, MIN_MS_PER_LETTER * letters(text)):
        return None
    peak = audioop.max(frames, 2)
    if peak < MIN_PEAK:
        return None
    window = 2 * max(1, rate // 100)  # bytes in 10 ms
    windows = max(1, len(frames) // window)
    loud = sum(1 for i in range(0, windows * window, window) if audioop.max(frames[i:i + window], 2) > 327)
    fraction = loud / windows  # share of 10 ms windows above -40 dBFS
    if fraction < 0.1:
        return None
    return WavFacts(duration_ms, rate, peak, fraction)
