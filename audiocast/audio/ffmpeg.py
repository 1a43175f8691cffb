"""The one door to ffmpeg and ffprobe: where they are, how they are started, what a failure says.

Every ffmpeg and ffprobe command line audiocast runs is built here (:func:`command`),
with the binary found once on ``PATH`` (:func:`require` says what to install when it
is missing), and every failure becomes one :class:`~audiocast.errors.AudioError` that
names the file and gives ffmpeg's most telling line (:func:`failure`).  A clip or sting
that is not WAV reaches pydub already decoded here (:func:`decode_wav`): pydub never
looks for ffmpeg or ffprobe itself.
"""

from __future__ import annotations

import errno
import functools
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import IO, Optional, Sequence, Union

from audiocast.errors import AudioError

ADVICE = "install ffmpeg (`make setup` installs it; Debian/Ubuntu: apt-get install ffmpeg)"
TOOLS = ("ffmpeg", "ffprobe")
# the disk ffmpeg writes to is full or read-only: a fault of the output folder, which stops a build
# as any write would (pipeline.OUTPUT_FAULTS, errors.output_fault), not a fault of one episode
DISK_FAULTS = (errno.ENOSPC, errno.EDQUOT, errno.EROFS)
# "[mp3 @ 0x55d…] Failed to read frame size": a component's own message
_COMPONENT = re.compile(r"^\[[^\]]+ @ (?:0x)?[0-9a-fA-F]+\]\s*")


def require(*tools: str) -> None:
    """AudioError saying what to install unless every one of ``tools`` (default: ffmpeg and ffprobe) is on PATH."""
    missing = [t for t in tools or TOOLS if _find(t, os.environ.get("PATH", os.defpath)) is None]
    if missing:
        raise AudioError(f"{' and '.join(missing)} not found: {ADVICE}")


def binary(tool: str) -> str:
    """The path of ``tool`` ("ffmpeg" or "ffprobe") on PATH, looked up once per PATH; AudioError when missing."""
    found = _find(tool, os.environ.get("PATH", os.defpath))
    if found is None:
        raise AudioError(f"{tool} not found: {ADVICE}")
    return found


@functools.lru_cache(maxsize=8)
def _find(tool: str, path: str) -> Optional[str]:
    return shutil.which(tool, path=path)


def command(args: Sequence[str], *, stdin: bool = False, loglevel: str = "error") -> list[str]:
    """The full ffmpeg command line for ``args``: no banner, no progress, overwrite, stdin only when fed."""
    return [binary("ffmpeg"), "-hide_banner", "-nostats", "-loglevel", loglevel, *([] if stdin else ["-nostdin"]),
            "-y", *args]


def run(args: Sequence[str], target: Union[str, Path], doing: str, *, stdin: Optional[bytes] = None,
        loglevel: str = "error") -> str:
    """Run ffmpeg to the end; its log (stderr), or :func:`failure` naming ``target``."""
    proc = subprocess.run(command(args, stdin=stdin is not None, loglevel=loglevel), input=stdin,
                          capture_output=True)
    log = proc.stderr.decode("utf-8", "replace")
    check(proc.returncode, log, target, doing, args)
    return log


def decode_wav(path: Union[str, Path]) -> bytes:
    """``path``'s audio as 16-bit PCM WAV (what pydub decodes an MP3, AAC or Ogg file to), or :func:`failure`.

    Written to a pipe, the WAV's size fields are unknown (pydub's ``fix_wav_headers`` sets them).
    """
    args = ["-i", str(path), "-vn", "-acodec", "pcm_s16le", "-f", "wav", "-"]
    proc = subprocess.run(command(args), capture_output=True)
    check(proc.returncode, proc.stderr.decode("utf-8", "replace"), path, "decode the audio", args)
    if not proc.stdout:
        raise AudioError("ffmpeg could not decode the audio: it holds no audio stream", path)
    return proc.stdout


def run_ffprobe(args: Sequence[str], target: Union[str, Path]) -> str:
    """Run ffprobe (errors only) on ``args``; its standard output, or :func:`failure` naming ``target``."""
    proc = subprocess.run([binary("ffprobe"), "-v", "error", *args], capture_output=True)
    check(proc.returncode, proc.stderr.decode("utf-8", "replace"), target, "read the file", args, tool="ffprobe")
    return proc.stdout.decode("utf-8", "replace")


def start(args: Sequence[str], *, stdin: Union[int, IO, None], stdout: Union[int, IO, None] = subprocess.DEVNULL,
          loglevel: str = "error", keep_log: bool = True) -> subprocess.Popen:
    """Start ffmpeg reading ``stdin`` (``None``: nothing); its log goes to a temp file (read it with :func:`log_of`).

    ``keep_log=False`` discards the log (for helpers whose failure only means "no result").
    """
    log = tempfile.TemporaryFile() if keep_log else subprocess.DEVNULL
    try:
        proc = subprocess.Popen(command(args, stdin=stdin is not None, loglevel=loglevel),
                                stdin=stdin if stdin is not None else subprocess.DEVNULL, stdout=stdout, stderr=log)
    except BaseException:
        if keep_log:
            log.close()
        raise
    if keep_log:
        proc.stderr = log
    return proc


def log_of(proc: subprocess.Popen) -> str:
    """A finished process's log from :func:`start`, as text (the temp file is closed)."""
    if proc.stderr is None:
        return ""
    proc.stderr.seek(0)
    text = proc.stderr.read().decode("utf-8", "replace")
    proc.stderr.close()
    return text


def check(returncode: int, log: str, target: Union[str, Path], doing: str, args: Sequence[str] = (),
          tool: str = "ffmpeg") -> None:
    """:func:`failure` when ``returncode`` is not 0."""
    if returncode != 0:
        raise failure(log, target, doing, args, tool, returncode)


def failure(log: str, target: Union[str, Path], doing: str, args: Sequence[str] = (), tool: str = "ffmpeg",
            returncode: Optional[int] = None) -> Union[AudioError, OSError]:
    """One line: "<target>: <tool> could not <doing>: <its most telling line>".

    A full or read-only disk is the OSError it is (naming ``target``), as a failed write of our own would be.
    """
    for code in DISK_FAULTS:
        if os.strerror(code) in log:
            return OSError(code, os.strerror(code), str(target))
    return AudioError(f"{tool} could not {doing}: {telling_line(log, args, returncode)}", target)


def telling_line(log: str, args: Sequence[str] = (), returncode: Optional[int] = None) -> str:
    """ffmpeg's reason in one line.

    ffmpeg ends a failure with "<file>: <reason>" when a file is at fault, after the
    component that found it said why ("[mp3 @ 0x…] Failed to read frame size"); its
    other last lines ("Error reinitializing filters!", "Conversion failed!") only echo
    the first.  So: the file's reason with the component's detail, else the component's
    message, else the last line.  The file is named by the error itself, so its path is dropped.
    """
    lines = [line.strip() for line in log.splitlines() if line.strip()]
    files = sorted({str(a) for a in args if a and not str(a).startswith("-")}, key=len, reverse=True)
    reason, at = None, len(lines)
    for i in range(len(lines) - 1, -1, -1):
        name = next((f for f in files if lines[i].startswith(f + ": ")), None)
        if name is not None:
            reason, at = lines[i][len(name) + 2:], i
            break
    detail = next((_COMPONENT.sub("", line) for line in reversed(lines[:at]) if _COMPONENT.match(line)), None)
    if reason and detail and detail != reason:
        return f"{reason} ({detail})"
    if reason or detail:
        return reason or detail
    if lines:
        return lines[-1]
    return f"exit status {returncode}" if returncode is not None else "unknown error"
