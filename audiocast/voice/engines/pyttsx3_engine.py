"""pyttsx3: the default engine (espeak-ng on Linux, SAPI5 on Windows, NSSpeech on macOS).

Measured pitfalls of pyttsx3 2.99's espeak driver (``save_to_file`` + ``runAndWait``):

* ``runAndWait`` returns as soon as espeak *starts*; the WAV is written later
  from espeak's callback thread.  In a fresh engine the first multi-sentence
  clip is usually missing when ``runAndWait`` returns, and its audio can land
  in the *next* file.
* even when waited for, the driver writes the file on the "message finished"
  event *before* appending that callback's samples, and espeak's asynchronous
  mode splits buffers by timing: under CPU load the same sentence came out
  130-200 ms shorter or longer from run to run (not deterministic, tails cut).

So on Linux we drive espeak-ng through pyttsx3's own ctypes binding
(``pyttsx3.drivers._espeak``) in espeak's *synchronous* mode: one thread, every
sample kept, byte-identical clips, no run-loop sleep.  Elsewhere we use
pyttsx3's public API and wait for its ``finished-utterance`` notification.
Either way every clip is checked (exists, long enough for its text, not
silent), retried with a recreated engine, and a clip that still fails raises
:class:`EngineError` naming the voice and the text.
"""

from __future__ import annotations

import contextlib
import ctypes
import io
import os
import re
import shutil
import subprocess
import sys
import threading
import wave
from functools import cached_property
from importlib import metadata
from pathlib import Path
from typing import Any, Optional

from audiocast.voice.engines.base import Engine, EngineVoice, check_wav, snippet
from audiocast.errors import EngineError
from audiocast.model import VoiceProfile

ATTEMPTS = 4
WAIT_S = 20.0  # espeak says minutes of speech per second; a sentence never takes this long
DEFAULT_RATE = 175  # espeak-ng's own default words per minute
DEFAULT_PITCH = 50


class Pyttsx3Engine(Engine):
    """Speech through pyttsx3, one warm engine per process."""

    name = "pyttsx3"
    verifies = True
    stateful = True

    def __init__(self, direct: Optional[bool] = None) -> None:
        """``direct``: drive espeak-ng synchronously (default on Linux/BSD) or use pyttsx3's public API."""
        self._tts: Any = None
        self._direct = sys.platform not in ("win32", "darwin") if direct is None else direct

    @property
    def uses_espeak(self) -> bool:
        """True when this engine drives espeak-ng directly (Linux/BSD); else the system's voices through pyttsx3."""
        return self._direct

    @cached_property
    def version(self) -> str:
        try:
            pv = metadata.version("pyttsx3")
        except metadata.PackageNotFoundError:
            return "pyttsx3 missing"
        return f"pyttsx3 {pv}; {self._backend_version()}"

    def _backend_version(self) -> str:
        if self._direct:  # the library that will speak, asked in-process (no subprocess before the first clip)
            try:
                from pyttsx3.drivers import _espeak

                info = _espeak.Info(None)
            except Exception:  # libespeak-ng missing or too old: ask the command line below
                info = None
            if info:
                return f"espeak-ng {info.decode('ascii', 'replace').split()[0]}"
        exe = shutil.which("espeak-ng") or shutil.which("espeak")
        if exe is None:
            return "espeak unknown"
        out = subprocess.run([exe, "--version"], capture_output=True, text=True).stdout
        m = re.search(r"\d+\.\d+(?:\.\d+)?(?:[.-]\w+)?", out)
        return f"{Path(exe).name} {m.group(0) if m else 'unknown'}"

    def available(self) -> tuple[bool, str]:
        try:
            import pyttsx3  # noqa: F401
        except ImportError:
            return False, "pyttsx3 is not installed: pip install pyttsx3"
        try:
            self._engine()
        except Exception as exc:  # the driver raises RuntimeError/OSError/ImportError
            hint = " (Debian/Ubuntu: apt-get install espeak-ng)" if os.name == "posix" else ""
            return False, f"pyttsx3 cannot start its speech driver: {exc}{hint}"
        return True, ""

    def _engine(self) -> Any:
        if self._tts is None:
            self._tts = _EspeakDirect() if self._direct else _Pyttsx3Api()
        return self._tts

    def _reset(self) -> None:
        if self._tts is not None:
            self._tts.close()
        self._tts = None

    def voices(self) -> list[EngineVoice]:
        return self._engine().voices()

    def has_voice(self, voice: str) -> tuple[bool, str]:
        # asked before anything is read, as flite and Festival are: not once per article when its clips are made
        if self._engine().knows(voice):
            return True, ""
        return False, f"pyttsx3 has no voice {voice!r}: {self._engine().UNKNOWN}"

    def synthesize(self, text: str, profile: VoiceProfile, wav: Path) -> None:
        problem = "no audio was written"
        for _ in range(ATTEMPTS):
            wav.unlink(missing_ok=True)
            try:
                self._engine().say_to_file(text, profile, wav)
            except ValueError as exc:  # unknown voice id
                raise EngineError(f"voice {profile.voice!r} of profile {profile.name!r}: {exc}") from None
            except RuntimeError as exc:
                problem = str(exc)
            else:
                if check_wav(wav, text) is not None:
                    return
                problem = "the clip was missing, too short or silent"
            self._reset()
        raise EngineError(
            f"pyttsx3 failed {ATTEMPTS} times for voice {profile.voice!r} (profile {profile.name!r}) "
            f"on {snippet(text)}: {problem}"
        )


def _libc_srand() -> Any:
    try:
        return ctypes.CDLL(None).srand
    except (OSError, AttributeError):  # pragma: no cover - no libc symbol lookup
        return lambda seed: None


_LIBC_SRAND = _libc_srand()


def _write_wav(wav: Path, pcm: bytes, rate: int) -> None:
    with wave.open(str(wav), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(pcm)


class _EspeakDirect:
    """espeak-ng in synchronous mode through pyttsx3's ctypes binding (one per process)."""

    _rate = 0  # espeak can be initialised only once per process

    def __init__(self) -> None:
        from pyttsx3.drivers import _espeak  # raises RuntimeError when libespeak-ng is missing

        self._espeak = _espeak
        if _EspeakDirect._rate <= 0:
            rate = _espeak.Initialize(_espeak.AUDIO_OUTPUT_SYNCHRONOUS, 0, None, 0)
            if rate <= 0:
                raise RuntimeError("espeak-ng could not be initialised")
            _EspeakDirect._rate = rate
        self._chunks: list[bytes] = []
        _espeak.SetSynthCallback(self._on_synth)

    def _on_synth(self, wav: Any, numsamples: int, events: Any) -> int:
        if numsamples > 0:
            self._chunks.append(ctypes.string_at(wav, numsamples * 2))
        return 0

    def voices(self) -> list[EngineVoice]:
        out = []
        for v in self._espeak.ListVoices(None):
            langs = (v.languages[1:].decode("utf-8", "ignore"),) if v.languages else ()
            gender = {1: "male", 2: "female"}.get(v.gender, "unknown")
            out.append(EngineVoice(v.identifier.decode("utf-8"), v.name.decode("utf-8"), gender, langs))
        return out

    UNKNOWN = "espeak-ng does not know this voice (see `espeak-ng --voices=en`; variants as en-us+f2)"

    def knows(self, voice: str) -> bool:
        """Whether espeak-ng takes ``voice`` (setting a voice says nothing: the next clip sets its own)."""
        return self._espeak.SetVoiceByName(voice.encode("utf-8")) == self._espeak.EE_OK

    def say_to_file(self, text: str, profile: VoiceProfile, wav: Path) -> None:
        e = self._espeak
        code = e.SetVoiceByName(profile.voice.encode("utf-8"))
        if code != e.EE_OK:
            raise ValueError(self.UNKNOWN)
        # every parameter every time, so a clip never depends on the one before
        e.SetParameter(e.RATE, profile.rate if profile.rate is not None else DEFAULT_RATE, 0)
        e.SetParameter(e.PITCH, profile.pitch if profile.pitch is not None else DEFAULT_PITCH, 0)
        e.SetParameter(e.VOLUME, round(profile.volume * 100), 0)
        self._chunks = []
        _LIBC_SRAND(1)  # breathy variants (f2...) draw noise from libc rand(): same noise every clip
        code = e.Synth(text.encode("utf-8"), flags=e.CHARS_UTF8)
        if code != e.EE_OK:
            raise RuntimeError(f"espeak_Synth returned error {code}")
        _write_wav(wav, b"".join(self._chunks), _EspeakDirect._rate)
        self._chunks = []

    def close(self) -> None:
        self._chunks = []


class _Pyttsx3Api:
    """pyttsx3's public API (SAPI5, NSSpeech, or espeak when asked), waiting for each clip."""

    def __init__(self) -> None:
        import pyttsx3

        with contextlib.redirect_stdout(io.StringIO()):
            self._tts = pyttsx3.init()
        self._done = threading.Event()
        self._tts.connect("finished-utterance", lambda name=None, completed=True: self._done.set())

    def voices(self) -> list[EngineVoice]:
        out = []
        for v in self._tts.getProperty("voices"):
            gender = {"male": "male", "female": "female"}.get(str(v.gender or "").lower(), "unknown")
            out.append(EngineVoice(v.id, v.name or v.id, gender, tuple(str(x) for x in v.languages or ())))
        return out

    UNKNOWN = "see `audiocast voices` for the voices of this system"

    def knows(self, voice: str) -> bool:
        return any(v.id == voice for v in self.voices())

    def say_to_file(self, text: str, profile: VoiceProfile, wav: Path) -> None:
        tts = self._tts
        tts.setProperty("voice", profile.voice)
        tts.setProperty("rate", profile.rate if profile.rate is not None else DEFAULT_RATE)
        if profile.pitch is not None:
            with contextlib.suppress(KeyError):  # only the espeak driver knows "pitch"
                tts.setProperty("pitch", profile.pitch)
        tts.setProperty("volume", min(1.0, profile.volume))
        self._done.clear()
        # the espeak driver prints "Audio saved to ..." from its callback thread
        with contextlib.redirect_stdout(io.StringIO()):
            tts.save_to_file(text, str(wav))
            tts.runAndWait()
            if not self._done.wait(WAIT_S):
                raise RuntimeError("pyttsx3 never reported the clip finished")

    def close(self) -> None:
        import pyttsx3

        with contextlib.suppress(Exception):
            self._tts.stop()
        pyttsx3._activeEngines.clear()  # pyttsx3.init() would hand back the same engine
