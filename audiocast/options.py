"""Option types and schemas: the one table that checks, converts, defaults and documents every setting.

Modelled on MkDocs' ``config_options``: each :class:`Option` validates and converts one value and
knows its default and a help line; a :class:`Schema` is the options of one record (a TOML table:
``[podcast]``, ``[profiles.NAME]``, ``[casts.NAME]``).  Unlike MkDocs, where an unknown key is a
warning, an unknown key here is a problem, with a "did you mean" suggestion.

Nothing stops at the first problem: :class:`Problems` collects every one, each naming its file and key,
and :meth:`Problems.raise_any` raises one :class:`ConfigError`, a line per problem.

May import only ``audiocast.errors`` and the standard library (config.py and voice/profiles.py use it).
"""

from __future__ import annotations

import dataclasses
import difflib
import os
from pathlib import Path
from typing import Any, Callable, Iterable, Optional, Sequence, Union

from audiocast.errors import ConfigError

Check = Callable[[Any], Optional[str]]  # a value -> None, or why it is refused
_UNSET: Any = object()


class Invalid(ValueError):
    """Raised by :meth:`Option.convert`; the message says what was expected and what was given."""


class Option:
    """One setting: what it accepts, its default and a help line.

    Subclasses say what they accept in :meth:`describe` (``"a whole number from 80 to 450"``) and
    override :meth:`accepts` (type and range) or :meth:`convert` (to change the value).
    ``check`` adds a rule of the caller's, returning why a value is refused (or None);
    ``expected`` names the accepted values in the caller's words (``"a profile name"``).
    """

    def __init__(self, help: str = "", *, default: Any = _UNSET, required: bool = False,
                 check: Optional[Check] = None, expected: str = ""):
        self.help = help
        self.default = None if default is _UNSET else default
        self.has_default = default is not _UNSET
        self.required = required
        self.check = check
        self.named = expected

    @property
    def expected(self) -> str:
        """What the option accepts, for messages and documentation."""
        return self.named or self.describe()

    def describe(self) -> str:
        """What the option accepts, in general terms."""
        return "a value"

    def accepts(self, value: Any) -> bool:
        """True when ``value`` has the right type and range."""
        return True

    def convert(self, value: Any, base: Optional[Path] = None) -> Any:
        """``value`` checked and converted; :class:`Invalid` if refused (``base``: the folder paths are relative to)."""
        if not self.accepts(value):
            raise Invalid(f"expected {self.expected}, got {shown(value)}")
        why = self.check(value) if self.check else None
        if why:
            raise Invalid(why)
        return value


class Flag(Option):
    """``true`` or ``false``."""

    def describe(self) -> str:
        return "true or false"

    def accepts(self, value: Any) -> bool:
        return isinstance(value, bool)


class Text(Option):
    """A string; ``nonempty`` refuses one that is only blanks."""

    def __init__(self, help: str = "", *, nonempty: bool = False, **kwargs: Any):
        super().__init__(help, **kwargs)
        self.nonempty = nonempty

    def describe(self) -> str:
        return "a non-empty string" if self.nonempty else "a string"

    def accepts(self, value: Any) -> bool:
        return isinstance(value, str) and (not self.nonempty or bool(value.strip()))


class Number(Option):
    """A number from ``low`` to ``high`` (either may be None); ``whole`` for integers, else converted to float."""

    def __init__(self, help: str = "", *, low: Optional[float] = None, high: Optional[float] = None,
                 whole: bool = False, **kwargs: Any):
        super().__init__(help, **kwargs)
        self.low, self.high, self.whole = low, high, whole

    def describe(self) -> str:
        kind = "a whole number" if self.whole else "a number"
        if self.low is not None and self.high is not None:
            return kind + f" from {self.low:g} to {self.high:g}"
        if self.low is not None:
            return kind + f" ≥ {self.low:g}"
        return kind + (f" ≤ {self.high:g}" if self.high is not None else "")

    def accepts(self, value: Any) -> bool:
        if isinstance(value, bool) or not isinstance(value, int if self.whole else (int, float)):
            return False
        return (self.low is None or value >= self.low) and (self.high is None or value <= self.high)

    def convert(self, value: Any, base: Optional[Path] = None) -> Any:
        value = super().convert(value, base)
        return value if self.whole else float(value)


class Choice(Option):
    """One of ``choices`` (a sequence, or a function giving one when first needed), of the same type."""

    def __init__(self, help: str = "", *, choices: Union[Sequence[Any], Callable[[], Sequence[Any]]],
                 **kwargs: Any):
        super().__init__(help, **kwargs)
        self._choices = choices

    @property
    def choices(self) -> tuple[Any, ...]:
        """The accepted values."""
        return tuple(self._choices() if callable(self._choices) else self._choices)

    def describe(self) -> str:
        return "one of " + ", ".join(c if isinstance(c, str) else repr(c) for c in self.choices)

    def accepts(self, value: Any) -> bool:
        return any(type(value) is type(c) and value == c for c in self.choices)


class FilePath(Option):
    """A path to an existing regular file; relative paths are relative to the file that names it."""

    def describe(self) -> str:
        return "a file path"

    def accepts(self, value: Any) -> bool:
        return isinstance(value, (str, os.PathLike))

    def convert(self, value: Any, base: Optional[Path] = None) -> Any:
        path = Path(super().convert(value, base)).expanduser()
        if not path.is_absolute():
            path = (base or Path.cwd()) / path
        if not path.is_file():  # a folder or /dev/zero is not an image or a sound
            raise Invalid(f"{'not a regular file' if path.exists() else 'no such file'} {path}")
        return path


class ListOf(Option):
    """A list of ``item`` values; ``single`` also takes one bare item; ``nonempty`` refuses ``[]``."""

    def __init__(self, item: Option, help: str = "", *, nonempty: bool = False, single: bool = False,
                 **kwargs: Any):
        super().__init__(help, **kwargs)
        self.item, self.nonempty, self.single = item, nonempty, single

    def describe(self) -> str:
        what = f"a {'non-empty ' if self.nonempty else ''}list of {_plural(self.item.expected)}"
        return f"{self.item.expected} or {what}" if self.single else what

    def accepts(self, value: Any) -> bool:
        if self.single and self.item.accepts(value):
            return True
        return isinstance(value, list) and (bool(value) or not self.nonempty) and all(map(self.item.accepts, value))

    def convert(self, value: Any, base: Optional[Path] = None) -> Any:
        value = super().convert(value, base)
        items = value if isinstance(value, list) else [value]
        return [self.item.convert(v, base) for v in items]


class Schema:
    """The options of one kind of record, in the order they are documented.

    With ``record`` (a dataclass), each option's default is the record's, and every field
    but those in ``exclude`` must have an option: the record and its schema cannot drift apart.
    """

    def __init__(self, options: dict[str, Option], record: Optional[type] = None, exclude: Iterable[str] = ()):
        self.options = options
        self.record = record
        if record is not None:
            fields = {f.name: f for f in dataclasses.fields(record) if f.name not in set(exclude)}
            if set(fields) != set(options):
                raise TypeError(f"{record.__name__} fields and schema differ: {sorted(set(fields) ^ set(options))}")
            for name, f in fields.items():
                if f.default is not dataclasses.MISSING and not options[name].has_default:
                    options[name].default, options[name].has_default = f.default, True

    def validate(self, table: dict[str, Any], problems: "Problems", where: str, base: Optional[Path] = None
                 ) -> dict[str, Any]:
        """The values of ``table`` that are valid, converted; every other key and missing one is a problem."""
        values: dict[str, Any] = {}
        for key, value in table.items():
            option = self.options.get(key)
            if option is None:
                problems.add(f"{where}{key}: unknown key{suggest(key, self.options)}")
                continue
            try:
                values[key] = option.convert(value, base)
            except Invalid as exc:
                problems.add(f"{where}{key}: {exc}")
        for key, option in self.options.items():
            if option.required and key not in table:
                problems.add(f"{where}{key}: missing (expected {option.expected})")
        return values

    def reference(self) -> list[tuple[str, str, str]]:
        """``(key, accepted values and default, help)`` per option: what documentation is made from."""
        rows = []
        for key, option in self.options.items():
            accepts = "required: " + option.expected if option.required else option.expected
            if option.has_default and option.default not in (None, ""):
                accepts += f"; default {_toml(option.default)}"
            rows.append((key, accepts, option.help))
        return rows


class Problems:
    """Every problem found in some files, each naming its file (``source``) and key."""

    def __init__(self, source: Union[str, Path, None] = None):
        self.source = source
        self.lines: list[str] = []

    def add(self, message: str, source: Union[str, Path, None] = None) -> None:
        """Record one problem (in ``source``, else the current source)."""
        source = source if source is not None else self.source
        self.lines.append(f"{source}: {message}" if source is not None else message)

    def __len__(self) -> int:
        return len(self.lines)

    def raise_any(self, what: str) -> None:
        """One ConfigError, a line per problem (``what``: where they were, e.g. ``voice files in voices/``)."""
        if len(self.lines) == 1:
            raise ConfigError(self.lines[0])
        if self.lines:
            listed = "\n".join("  " + line for line in self.lines)
            raise ConfigError(f"{len(self.lines)} problems in {what}:\n{listed}")


def suggest(key: str, known: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` for a near miss, else `` (expected one of ...)``."""
    known = list(known)
    close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
    if close:
        return f" (did you mean {close[0]!r}?)"
    return f" (expected one of {', '.join(known)})"


def shown(value: Any) -> str:
    """``repr(value)``, cut short: a message quotes what it was given, not 200 KB of it."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _plural(expected: str) -> str:
    for article in ("a ", "an "):
        if expected.startswith(article):
            return expected[len(article):] + "s"
    return expected


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return f'"{value}"' if isinstance(value, str) else str(value)
