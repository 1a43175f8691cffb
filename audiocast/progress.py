"""What a build shows while it runs: one live status line on a terminal, plain lines in a log, nothing with -q.

The pipeline reports plain messages (``display("reading x.md")``) and, through
``render_event(source, state, done, total)``, each article's state: ``queued`` (with
its sentence count), ``clips`` (clips synthesised so far of the misses), ``encoding``,
``built`` or ``failed``.  On a terminal the messages are folded into a single line
rewritten in place — articles built so far, then each article in progress — and
cleared before the summary; elsewhere (a cron job's log) every message is one line
and per-clip events are not printed.  A message of several lines (a traceback with
--debug) is always printed.
"""

from __future__ import annotations

import shutil
import sys
import time
from pathlib import Path
from typing import Optional, TextIO

REDRAW_S = 0.1  # at most ten status redraws a second


class Display:
    """A build's progress callback (``pipeline.build(..., progress=Display())``)."""

    def __init__(self, stream: Optional[TextIO] = None, quiet: bool = False, tty: Optional[bool] = None) -> None:
        self._stream = stream or sys.stderr
        self._quiet = quiet
        self._tty = self._stream.isatty() if tty is None else tty
        self._states: dict[str, str] = {}  # article -> what it is doing, in the order they were queued
        self._finished = 0
        self._total = 0
        self._shown = ""
        self._last = 0.0

    def __call__(self, message: str) -> None:
        if self._quiet:
            return
        if message.startswith("reading "):
            self._total += 1
        if not self._tty:
            self._stream.write(message + "\n")
            self._stream.flush()
        elif "\n" in message:  # a traceback (--debug): printed above the status line
            self._clear()
            self._stream.write(message + "\n")
            self._draw(force=True)

    @property
    def live(self) -> bool:
        """True when per-clip events are shown (worth sending from worker processes)."""
        return self._tty and not self._quiet

    def render_event(self, source: str, state: str, done: int = 0, total: int = 0) -> None:
        """An article's state changed (see the module's docstring)."""
        if self._quiet:
            return
        name = Path(source).name
        if state in ("built", "failed", "up to date"):
            self._states.pop(name, None)
            self._finished += 1
        elif not self._tty:
            return
        elif state == "clips":
            self._states[name] = f"{done}/{total} clips"
        elif state == "queued":
            self._states[name] = f"waiting ({done} sentences)"
        else:
            self._states[name] = state
        self._draw(force=state != "clips")

    def close(self) -> None:
        """Clear the status line (before the summary is printed)."""
        if self._tty and not self._quiet:
            self._clear()

    def _draw(self, force: bool = False) -> None:
        if not self._tty or self._quiet:
            return
        now = time.monotonic()
        if not force and now - self._last < REDRAW_S:
            return
        self._last = now
        busy = [f"{name}: {what}" for name, what in self._states.items() if not what.startswith("waiting")]
        line = f"[{self._finished}/{max(self._total, self._finished)} built] " + " · ".join(busy)
        width = max(20, shutil.get_terminal_size((100, 20)).columns - 1)
        line = line if len(line) <= width else line[: width - 1] + "…"
        if line != self._shown:
            self._stream.write("\r\x1b[K" + line)
            self._stream.flush()
            self._shown = line

    def _clear(self) -> None:
        if self._shown:
            self._stream.write("\r\x1b[K")
            self._stream.flush()
            self._shown = ""
