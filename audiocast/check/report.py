"""The findings of ``audiocast check`` and the helpers every rule uses.

A rule records what it finds in a :class:`Collector` (errors, warnings, and what
passed); :func:`audiocast.check.feed.check_output` freezes it into a :class:`CheckReport`.
"""

from __future__ import annotations

import email.utils
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Optional
from urllib.parse import unquote, urlparse

from lxml import etree

Level = Literal["error", "warning"]


@dataclass(frozen=True)
class Finding:
    """One problem: how bad, in which file, what (``code`` is a stable short name of the rule)."""

    level: Level
    file: str
    code: str
    message: str

    def render(self) -> str:
        return f"{self.level.upper():7s} {self.file}: {self.message} [{self.code}]"


@dataclass(frozen=True)
class CheckReport:
    """The outcome of ``check_output``: findings plus what was checked."""

    out_dir: Path
    findings: tuple[Finding, ...]
    checked: tuple[str, ...] = ()

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.level == "error")

    @property
    def warnings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.level == "warning")

    @property
    def ok(self) -> bool:
        return not self.errors

    def codes(self) -> set[str]:
        """The rule codes that found errors (for tests and scripts)."""
        return {f.code for f in self.errors}

    def render(self) -> str:
        """A readable report: findings first, then what passed, then a verdict line."""
        lines = [f"audiocast check {self.out_dir}"]
        lines += [f"  {f.render()}" for f in sorted(self.findings, key=lambda f: (f.level != "error", f.file))]
        lines += [f"  ok      {c}" for c in self.checked]
        verdict = "PASS" if self.ok else "FAIL"
        lines.append(f"{verdict}: {len(self.errors)} error(s), {len(self.warnings)} warning(s)")
        return "\n".join(lines)


@dataclass
class Collector:
    """Accumulates findings while checking (internal; the report itself is frozen)."""

    findings: list[Finding] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)

    def error(self, file: str, code: str, message: str) -> None:
        self.findings.append(Finding("error", file, code, message))

    def warn(self, file: str, code: str, message: str) -> None:
        self.findings.append(Finding("warning", file, code, message))

    def ok(self, what: str) -> None:
        self.checked.append(what)



def text_of(el: Optional[etree._Element]) -> str:
    """An element's stripped text, "" when the element is missing."""
    return (el.text or "").strip() if el is not None else ""


def rfc2822_date(text: str):
    """The datetime of an RFC 2822 date with a day name and zone, else None."""
    if not re.fullmatch(r"(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{1,2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) "
                        r"\d{4} \d{2}:\d{2}(:\d{2})? ([+-]\d{4}|GMT|UT|[ECMP][SD]T)", text.strip()):
        return None
    try:
        return email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None


def absent(path: Optional[Path]) -> str:
    """Why a file the feed names is not there: missing, or a folder in its place."""
    if path is not None and path.is_dir():
        return "is a folder where a file should be"
    return "is not in the output folder"


def local_path(url: str, out_dir: Path) -> Optional[Path]:
    """The file in ``out_dir`` that an absolute URL of the feed points to (by its last path segment)."""
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        return None
    name = unquote(parsed.path.rsplit("/", 1)[-1])
    return out_dir / name if name else None


def load_json(path: Path, c: Collector, code: str):
    """Parsed JSON, or None after recording an error."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        c.error(path.name, code, f"not valid JSON ({exc})")
        return None
