"""Festival: CSTR's speech system with its HTS and diphone voices (Debian: ``festival`` + ``festvox-*``).

A profile's ``voice`` is a Festival voice name as ``(voice.list)`` gives it, e.g.
``cmu_us_slt_arctic_hts`` (an American woman, package ``festvox-us-slt-hts``) or
``kal_diphone`` (``festvox-kallpc16k``).  Setting: ``length_scale`` (> 1 is slower:
HTS voices take it as hts_engine's speed ``-r``, diphone voices as ``Duration_Stretch``).
Festival's built-in hts_engine ignores ``-fm`` (pitch in half-tones: measured, no change),
so a higher or lower variant uses the profile's ``pitch_shift``, applied after synthesis.

Festival takes ~0.3 s to start, longer than most sentences take to say, so each
process keeps one ``festival --pipe`` running (with a small heap: see ``HEAP_CELLS``) and sends it a Scheme command per
clip.  An utterance is synthesised from scratch each time (the same text gives the
same bytes in a fresh or a busy process), so clips are made in worker processes
in any order.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import threading
from functools import cached_property
from pathlib import Path
from typing import IO, Optional

from audiocast.voice.engines.base import EngineVoice, ProgramEngine, snippet
from audiocast.errors import EngineError
from audiocast.model import VoiceProfile

INSTALL_HINT = "apt-get install festival festvox-us-slt-hts festvox-kallpc16k"
TIMEOUT_S = 120
# Festival's default Lisp heap (10M cells) is ~330 MB resident before it says a word; 1M cells (~60 MB) holds
# any sentence up to a few hundred words (same bytes out), and a longer one restarts festival with the default.
HEAP_CELLS = 1_000_000
DONE = "audiocast-festival-done"
# package that provides each voice Debian ships for English, for the "not installed" hint
VOICE_PACKAGES = {
    "cmu_us_slt_arctic_hts": "festvox-us-slt-hts",
    "kal_diphone": "festvox-kallpc16k",
    "ked_diphone": "festvox-kdlpc16k",
    "rab_diphone": "festvox-rablpc16k",
}
KNOWN_GENDERS = {"cmu_us_slt_arctic_hts": "female", "kal_diphone": "male", "ked_diphone": "male",
                 "rab_diphone": "male"}
VOICE_DIRS = ("/usr/share/festival/voices", "/usr/local/share/festival/voices", "/usr/lib/festival/voices")
_VOICE_NAME = re.compile(r"^[A-Za-z0-9_]+$")


def scheme_string(text: str) -> str:
    """``text`` as a Scheme string literal on one line."""
    text = re.sub(r"\s+", " ", text).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{text}"'


class FestivalEngine(ProgramEngine):
    """Speech through one ``festival --pipe`` process per Python process."""

    name = program = "festival"
    install_hint = INSTALL_HINT
    max_threads = 1  # one festival process, one command at a time

    def __init__(self) -> None:
        self._proc: Optional[subprocess.Popen[str]] = None
        self._owner = 0  # pid that started _proc: a forked worker starts its own
        self._stderr: Optional[IO[bytes]] = None
        self._voice = ""
        self._big_heap = False

    def available(self) -> tuple[bool, str]:
        ok, why = super().available()
        if not ok:
            return ok, why
        if not self._voice_names:
            return False, f"festival has no voices installed (Debian/Ubuntu: {INSTALL_HINT})"
        return True, ""

    @cached_property
    def _voice_names(self) -> tuple[str, ...]:
        if self._exe is None:
            return ()
        # Festival finds voices as voices/<language>/<name>/ under its library folders; looking
        # there saves starting festival (0.3 s) in a process that will not speak
        found = sorted({d.name for root in VOICE_DIRS for d in Path(root).glob("*/*") if d.is_dir()})
        if found:
            return tuple(found)
        try:
            out = self._command('(format t "%l\\n" (voice.list))')
        except EngineError:
            return ()
        m = re.search(r"\(([^()]*)\)", out)
        return tuple(m.group(1).split()) if m else ()

    def voices(self) -> list[EngineVoice]:
        return [EngineVoice(v, v, KNOWN_GENDERS.get(v, "unknown"), ("en",)) for v in self._voice_names]

    def has_voice(self, voice: str) -> tuple[bool, str]:
        if voice in self._voice_names:
            return True, ""
        package = VOICE_PACKAGES.get(voice)
        hint = f" (Debian/Ubuntu: apt-get install {package})" if package else ""
        return False, f"festival has no voice {voice!r}{hint}"

    def synthesize(self, text: str, profile: VoiceProfile, wav: Path) -> None:
        if self._exe is None:
            raise EngineError(f"the festival engine needs the festival program ({INSTALL_HINT})")
        ok, why = self.has_voice(profile.voice) if _VOICE_NAME.match(profile.voice) else (False, "not a voice name")
        if not ok:  # festival itself would speak with its default voice instead
            raise EngineError(f"profile {profile.name!r}: {why}")
        wav.unlink(missing_ok=True)
        try:
            self._speak(text, profile, wav)
        except EngineError as exc:
            if self._big_heap:
                raise EngineError(f"festival voice {profile.voice!r} (profile {profile.name!r}) failed on "
                                  f"{snippet(text)}: {exc}") from None
            self._big_heap = True  # festival's own heap: ~330 MB, for a sentence a small heap cannot hold
            self.synthesize(text, profile, wav)
            return
        self._voice = profile.voice
        if not wav.is_file():
            self._voice = ""
            raise EngineError(f"festival voice {profile.voice!r} (profile {profile.name!r}) wrote no audio for "
                              f"{snippet(text)}: {self._last_error() or 'no error message'}")

    def _speak(self, text: str, profile: VoiceProfile, wav: Path) -> None:
        self._process()  # first: a new process has no voice selected
        stretch = profile.length_scale if profile.length_scale is not None else 1.0
        commands = []
        if profile.voice != self._voice:
            # a voice function resets every parameter; keep the voice's own hts_engine options to add to
            commands.append(f"(voice_{profile.voice}) (set! audiocast-hts-params hts_engine_params)")
        commands.append(f"(Parameter.set 'Duration_Stretch {stretch:g})")
        commands.append(f"(set! hts_engine_params (append audiocast-hts-params "
                        f"'((\"-r\" {1 / stretch:g}))))")
        commands.append(f"(utt.save.wave (utt.synth (Utterance Text {scheme_string(text)})) "
                        f"{scheme_string(str(wav))} 'riff)")
        self._command(" ".join(commands))

    def _command(self, scheme: str) -> str:
        """Send one line of Scheme to the running festival and return what it printed."""
        proc = self._process()
        assert proc.stdin is not None and proc.stdout is not None
        timer = threading.Timer(TIMEOUT_S, proc.kill)
        timer.start()
        try:
            proc.stdin.write(f'{scheme} (format t "\\n{DONE}\\n")\n')
            proc.stdin.flush()
            printed = []
            for line in proc.stdout:
                if line.strip() == DONE:
                    return "".join(printed)
                printed.append(line)
        except OSError:
            pass
        finally:
            timer.cancel()
        self.close()
        raise EngineError(f"festival stopped ({self._last_error() or 'timed out or crashed'})")

    def _process(self) -> subprocess.Popen[str]:
        if self._proc is None or self._owner != os.getpid() or self._proc.poll() is not None:
            if self._owner == os.getpid():
                self.close()
            if self._stderr is not None:
                self._stderr.close()
            self._stderr = tempfile.TemporaryFile()
            # festival's stdout is block-buffered on a pipe: without stdbuf its replies never arrive
            stdbuf = shutil.which("stdbuf")
            heap = [] if self._big_heap else ["--heap", str(HEAP_CELLS)]
            self._proc = subprocess.Popen(
                [*([stdbuf, "-oL"] if stdbuf else []), self._exe or "festival", *heap, "--pipe"],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._stderr,
                text=True, encoding="utf-8", errors="replace", bufsize=1,
            )
            self._owner = os.getpid()
            self._voice = ""
        return self._proc

    def _last_error(self) -> str:
        if self._stderr is None:
            return ""
        try:
            self._stderr.seek(0)
            lines = self._stderr.read().decode("utf-8", "replace").strip().splitlines()
            self._stderr.seek(0)
            self._stderr.truncate()
        except (OSError, ValueError):
            return ""
        return lines[-1] if lines else ""

    def close(self) -> None:
        proc, self._proc = self._proc, None
        if proc is not None and self._owner == os.getpid():
            for stream in (proc.stdin, proc.stdout):
                try:
                    if stream is not None:
                        stream.close()
                except OSError:
                    pass
            proc.kill()
            proc.wait()
        self._voice = ""
