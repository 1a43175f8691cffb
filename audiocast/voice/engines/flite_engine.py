"""flite: CMU's small, fast and clear offline voices (Debian: ``apt-get install flite``).

A profile's ``voice`` is a voice flite knows (``flite -lv``: ``rms``, ``awb``,
``slt``, ``kal16``, ``kal``) or a path to a ``.flitevox`` file.  Settings:
``length_scale`` (flite's ``duration_stretch``: > 1 is slower) and ``f0_mean``
(the mean pitch it aims at, Hz; honoured by the clustergen voices rms, awb and slt,
not by the diphone voices kal/kal16).

Each clip is one ``flite`` process: it starts in ~20 ms, keeps no state between
runs (the same text gives the same bytes every time), so clips are made in
worker processes in any order.
"""

from __future__ import annotations

import subprocess
from functools import cached_property
from pathlib import Path

from audiocast.voice.engines.base import EngineVoice, ProgramEngine, snippet
from audiocast.errors import EngineError
from audiocast.model import VoiceProfile

INSTALL_HINT = "apt-get install flite"
TIMEOUT_S = 120
# flite's built-in voices and whom they sound like (flite -lv gives only the names)
KNOWN_GENDERS = {"rms": "male", "awb": "male", "kal": "male", "kal16": "male", "awb_time": "male", "slt": "female"}


class FliteEngine(ProgramEngine):
    """Speech through the ``flite`` command, one process per clip."""

    name = program = "flite"
    version_pattern = r"flite-(\S+)"
    install_hint = INSTALL_HINT

    @cached_property
    def _voice_names(self) -> tuple[str, ...]:
        if self._exe is None:
            return ()
        out = subprocess.run([self._exe, "-lv"], capture_output=True, text=True).stdout
        return tuple(out.split(":", 1)[-1].split()) if ":" in out else ()

    def voices(self) -> list[EngineVoice]:
        return [EngineVoice(v, v, KNOWN_GENDERS.get(v, "unknown"), ("en-us",)) for v in self._voice_names]

    def has_voice(self, voice: str) -> tuple[bool, str]:
        if voice.endswith(".flitevox"):
            return (True, "") if Path(voice).expanduser().is_file() else (False, f"flite voice file {voice} not found")
        if voice in self._voice_names:
            return True, ""
        return False, f"flite has no voice {voice!r} (it has: {', '.join(self._voice_names) or 'none'})"

    def synthesize(self, text: str, profile: VoiceProfile, wav: Path) -> None:
        if self._exe is None:
            raise EngineError(f"the flite engine needs the flite program ({INSTALL_HINT})")
        ok, why = self.has_voice(profile.voice)
        if not ok:  # flite itself would speak with its default voice instead
            raise EngineError(f"profile {profile.name!r}: {why}")
        cmd = [self._exe, "-voice", str(Path(profile.voice).expanduser()) if profile.voice.endswith(".flitevox")
               else profile.voice]
        if profile.length_scale is not None:
            cmd += ["--setf", f"duration_stretch={profile.length_scale:g}"]
        if profile.f0_mean is not None:
            cmd += ["--setf", f"int_f0_target_mean={profile.f0_mean:g}"]
        # the text goes on stdin (the same bytes as -f FILE): as an argument, a leading "-" would be an option
        try:
            proc = subprocess.run(cmd + ["-o", str(wav)], input=text, capture_output=True, text=True,
                                  encoding="utf-8", timeout=TIMEOUT_S)
        except subprocess.TimeoutExpired:
            raise EngineError(f"flite voice {profile.voice!r} (profile {profile.name!r}) took over "
                              f"{TIMEOUT_S} s on {snippet(text)}") from None
        if proc.returncode != 0:
            last = (proc.stderr.strip().splitlines() or ["unknown error"])[-1]
            raise EngineError(f"flite voice {profile.voice!r} (profile {profile.name!r}) failed on "
                              f"{snippet(text)}: {last}")
