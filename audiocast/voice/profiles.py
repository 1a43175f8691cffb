"""Voice profiles, casts and the pronunciation lexicon from ``voices/*.toml``.

Every ``*.toml`` file in the voices folder except ``lexicon.toml`` may hold
profiles and casts (the schema is documented at the top of ``voices/default.toml``)::

    [profiles.narrator-gb]
    engine = "pyttsx3"        # pyttsx3 | piper | fake
    voice = "en-gb+m3"        # engine voice id, Piper model path or voice package
    gender = "male"           # male | female | unknown
    rate = 165                # words per minute (pyttsx3)
    ...

    [casts.default]
    narrator = "narrator-gb"
    pool = ["speaker-a", "speaker-b"]

``lexicon.toml`` maps words (``[words]``, whole words, any case) and regular
expressions (``[patterns]``) to respellings, applied before any engine.

Validation collects every bad field in every file and raises one
:class:`ConfigError` naming each file and key.
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Iterable, Optional

from audiocast.errors import ConfigError, EngineError
from audiocast.model import VoiceProfile
from audiocast.options import Choice, ListOf, Number, Problems, Schema, Text, suggest

LEXICON_FILE = "lexicon.toml"
GENDERS = ("male", "female", "unknown")


def _engine_names() -> tuple[str, ...]:
    from audiocast.voice.engines import engine_names

    return engine_names()


_PROFILE_NAME = Text(expected="a profile name")

#: What a ``[profiles.NAME]`` table accepts: the options of :class:`VoiceProfile` (defaults are its own).
PROFILE_SCHEMA = Schema({
    "engine": Choice("the speech engine", choices=_engine_names, required=True),
    "voice": Text("engine voice id, Piper model path (relative to the file) or voice package", required=True,
                  nonempty=True, expected="a voice id, model path or voice package"),
    "gender": Choice("casting gives \"he\"/\"she\" speakers a fitting voice", choices=GENDERS),
    "rate": Number("words per minute (pyttsx3)", low=80, high=450, whole=True),
    "pitch": Number("espeak pitch (pyttsx3 with espeak-ng)", low=0, high=99, whole=True),
    "volume": Number("loudness factor (pyttsx3, piper); every voice is levelled to the narrator anyway",
                     low=0, high=2),
    "length_scale": Number("phoneme length, > 1 is slower (piper, flite, festival)", low=0.3, high=3),
    "noise_scale": Number("voice variation (piper); the voice's own value when absent", low=0, high=2),
    "noise_w": Number("timing variation (piper); the voice's own value when absent", low=0, high=2),
    "speaker_id": Number("speaker of a multi-speaker Piper model", low=0, high=10_000, whole=True),
    "pitch_shift": Number("semitones, applied after synthesis (formants move 40% as far)", low=-12, high=12),
    "tempo": Number("speed factor applied after synthesis, pitch kept", low=0.5, high=2),
    "f0_mean": Number("the mean pitch aimed at, Hz (flite clustergen voices rms, awb, slt)", low=50, high=400),
    "wer": Number("measured word error rate (bench/voices.py): the cast's narrator is the available candidate "
                  "with the lowest", low=0, high=2),
    "description": Text("shown by `audiocast voices`"),
}, VoiceProfile, exclude=("name",))

#: What a ``[casts.NAME]`` table accepts.
CAST_SCHEMA = Schema({
    "narrator": ListOf(_PROFILE_NAME, "reads everything that is not a quote; of a list of candidates, the "
                       "available one with the lowest `wer`", single=True, nonempty=True, required=True),
    "pool": ListOf(_PROFILE_NAME, "speakers get these in order of need; never the narrator; voices not "
                   "installed are left out", nonempty=True, required=True),
    "fallback": Text("the cast to use where this one has no narrator or no pool voice available", default="",
                     expected="a cast name"),
    "description": Text("shown by `audiocast voices`", default=""),
})
_TABLES = {"profiles": PROFILE_SCHEMA, "casts": CAST_SCHEMA}


@dataclass(frozen=True)
class Cast:
    """A named cast: the narrator's profile and the pool speakers are drawn from (in order).

    As declared, ``narrators`` lists every narrator candidate (``narrator`` is the first) and
    ``fallback`` names the cast to use on a machine without its engines;
    :meth:`VoiceLibrary.resolve` turns it into the cast this machine can speak.
    """

    name: str
    narrator: VoiceProfile
    pool: tuple[VoiceProfile, ...]
    description: str = ""
    narrators: tuple[VoiceProfile, ...] = ()
    fallback: str = ""
    notes: tuple[str, ...] = ()  # what resolution left out and why

    @property
    def engines(self) -> tuple[str, ...]:
        """Engines this cast needs, narrator's first."""
        seen: list[str] = []
        for p in (self.narrator, *self.pool):
            if p.engine not in seen:
                seen.append(p.engine)
        return tuple(seen)


@dataclass(frozen=True)
class Lexicon:
    """Respellings applied to spoken text: ``(pattern, replacement)`` regexes in file order."""

    entries: tuple[tuple[str, str], ...] = ()

    @property
    def digest(self) -> str:
        """A hash of the entries: part of every clip's cache key."""
        return hashlib.sha256(json.dumps(self.entries).encode()).hexdigest()[:16]

    def apply(self, text: str) -> str:
        """``text`` with every entry applied in order."""
        for pattern, replacement in self.entries:
            text = _compiled(pattern).sub(replacement, text)
        return text


_regex_cache: dict[str, re.Pattern[str]] = {}


def _compiled(pattern: str) -> re.Pattern[str]:
    rx = _regex_cache.get(pattern)
    if rx is None:
        rx = _regex_cache[pattern] = re.compile(pattern)
    return rx


def word_pattern(word: str) -> str:
    """The regex a ``[words]`` entry stands for: the whole word, any case (``Croydon's`` too)."""
    return r"(?<!\w)(?i:" + re.escape(word) + r")(?!\w)"


@dataclass(frozen=True)
class VoiceLibrary:
    """Everything in a voices folder."""

    directory: Path
    profiles: dict[str, VoiceProfile] = field(default_factory=dict, hash=False)
    casts: dict[str, Cast] = field(default_factory=dict, hash=False)
    lexicon: Lexicon = Lexicon()

    def cast(self, name: str) -> Cast:
        """The cast called ``name``; ConfigError naming the known casts otherwise."""
        try:
            return self.casts[name]
        except KeyError:
            raise ConfigError(
                f"unknown cast {name!r} (known: {', '.join(sorted(self.casts)) or 'none'})", self.directory
            ) from None

    def resolve(self, name: str) -> Cast:
        """Cast ``name`` as this machine can speak it (EngineError when it cannot at all).

        The narrator is the available candidate with the lowest measured ``wer``; pool
        voices whose engine or voice is missing are left out; a cast with no narrator or
        no pool left gives way to its ``fallback`` cast.  ``Cast.notes`` says what was
        left out and what to install.
        """
        cast = self.cast(name)
        missing: dict[str, str] = {}
        narrators = sorted((p for p in cast.narrators or (cast.narrator,) if _speakable(p, missing)),
                           key=lambda p: p.wer if p.wer is not None else 2.0)
        pool = tuple(p for p in cast.pool if _speakable(p, missing))
        whys = "; ".join(dict.fromkeys(missing.values()))
        if narrators and pool:
            notes = ()
            if missing:
                notes = (f"cast '{name}': left out {', '.join(missing)}: {whys}",)
            return Cast(name, narrators[0], tuple(p for p in pool if p.cache_key() != narrators[0].cache_key()),
                        cast.description, tuple(narrators), cast.fallback, notes)
        if cast.fallback and cast.fallback != name:
            fallback = self.resolve(cast.fallback)
            note = f"cast '{name}' is not available here ({whys}); using cast '{cast.fallback}' instead"
            return Cast(fallback.name, fallback.narrator, fallback.pool, fallback.description, fallback.narrators,
                        fallback.fallback, (note, *fallback.notes))
        raise EngineError(f"the '{name}' cast cannot be spoken on this machine: {whys}", self.directory)

    def profile(self, name: str) -> VoiceProfile:
        """The profile called ``name``; ConfigError naming the known profiles otherwise."""
        try:
            return self.profiles[name]
        except KeyError:
            raise ConfigError(
                f"unknown voice profile {name!r} (known: {', '.join(sorted(self.profiles))})", self.directory
            ) from None


def _speakable(profile: VoiceProfile, missing: dict[str, str]) -> bool:
    """True when the profile's engine and voice are here; else record why in ``missing``."""
    from audiocast.voice.engines import get_engine

    engine = get_engine(profile.engine)
    ok, why = engine.available()
    if ok:
        ok, why = engine.has_voice(profile.voice)
    if not ok:
        missing[profile.name] = why
    return ok


def default_voices_dir() -> Path:
    """The shipped ``voices/`` folder: beside the package in a checkout, else ``audiocast/data/voices``."""
    package = Path(__file__).resolve().parent.parent
    for candidate in (package.parent / "voices", package / "data" / "voices"):
        if (candidate / LEXICON_FILE).is_file():
            return candidate
    return package / "data" / "voices"


def load_voice_library(directory: Optional[Path] = None) -> VoiceLibrary:
    """Read and validate every ``*.toml`` in ``directory`` (default: the shipped voices).

    One ConfigError lists every problem in every file, a line each naming the file and key.
    """
    directory = Path(directory) if directory is not None else default_voices_dir()
    if not directory.is_dir():
        raise ConfigError("voices folder not found", directory)
    problems = Problems()
    raw: dict[str, dict[str, tuple[Path, dict[str, Any]]]] = {"profiles": {}, "casts": {}}
    lexicon = Lexicon()
    for path in sorted(directory.glob("*.toml")):
        problems.source = path
        doc = _read_toml(path, problems)
        if doc is None:
            continue
        if path.name == LEXICON_FILE:
            lexicon = _parse_lexicon(doc, problems)
            continue
        for key in doc:
            if key not in _TABLES:
                problems.add(f"[{key}]: unknown table{suggest(key, _TABLES)}")
        for kind, target in raw.items():
            tables = doc.get(kind, {})
            if not isinstance(tables, dict):
                problems.add(f"{kind}: must be a table of tables ([{kind}.NAME])")
                continue
            for name, table in tables.items():
                if not isinstance(table, dict):
                    problems.add(f"{kind}.{name}: must be a table")
                elif name in target:
                    problems.add(f"{kind}.{name}: already defined in {target[name][0]}")
                else:
                    target[name] = (path, table)
    profiles = {}
    for name, (path, table) in raw["profiles"].items():
        problems.source = path
        profile = _parse_profile(name, path, table, problems)
        if profile is not None:
            profiles[name] = profile
    casts = {}
    for name, (path, table) in raw["casts"].items():
        problems.source = path
        cast = _parse_cast(name, table, raw["profiles"], profiles, problems)
        if cast is not None:
            casts[name] = cast
    for name, cast in casts.items():
        if cast.fallback and cast.fallback not in raw["casts"]:
            hint = _near(cast.fallback, raw["casts"])
            problems.add(f"cast {name!r}: fallback: unknown cast {cast.fallback!r}{hint}", raw["casts"][name][0])
    problems.raise_any(f"the voice files in {directory}")
    return VoiceLibrary(directory, profiles, casts, lexicon)


def _read_toml(path: Path, problems: Problems) -> Optional[dict[str, Any]]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError) as exc:
        problems.add(f"cannot read: {exc}")
    except tomllib.TOMLDecodeError as exc:
        problems.add(f"invalid TOML: {exc}")
    return None


def _parse_profile(name: str, path: Path, table: dict[str, Any], problems: Problems) -> Optional[VoiceProfile]:
    before = len(problems)
    values = PROFILE_SCHEMA.validate(table, problems, f"profile {name!r}: ", path.parent)
    if len(problems) > before:
        return None
    if values["engine"] == "piper" and not Path(values["voice"]).is_absolute():
        candidate = path.parent / values["voice"]
        if candidate.suffix == ".onnx" and candidate.is_file():
            values["voice"] = str(candidate)  # model paths are relative to the profile's file
    return VoiceProfile(name=name, **values)


def _parse_cast(
    name: str, table: dict[str, Any], raw_profiles: dict[str, Any],
    profiles: dict[str, VoiceProfile], problems: Problems,
) -> Optional[Cast]:
    where = f"cast {name!r}: "
    before = len(problems)
    values = CAST_SCHEMA.validate(table, problems, where)
    candidates: list[str] = values.get("narrator", [])
    pool: list[str] = values.get("pool", [])
    for n in candidates:
        if n not in raw_profiles:
            problems.add(f"{where}narrator: unknown profile {n!r}{_near(n, raw_profiles)}")
    narrator = candidates[0] if candidates else None
    for i, p in enumerate(pool):
        if p not in raw_profiles:
            problems.add(f"{where}pool[{i}]: unknown profile {p!r}{_near(p, raw_profiles)}")
        elif p == narrator and len(candidates) == 1:
            problems.add(f"{where}pool[{i}]: {p!r} is the narrator; the narrator's voice is never given to a speaker")
        elif pool.index(p) != i:
            problems.add(f"{where}pool[{i}]: {p!r} is listed twice")
    if len(problems) > before or not all(n in profiles for n in candidates) or not all(p in profiles for p in pool):
        return None  # a bad profile it uses was already reported
    narr = profiles[narrator]
    for i, p in enumerate(pool):
        if profiles[p].cache_key() == narr.cache_key():
            problems.add(f"{where}pool[{i}]: {p!r} sounds exactly like the narrator {narrator!r}")
    return Cast(name, narr, tuple(profiles[p] for p in pool), values.get("description", ""),
                tuple(profiles[n] for n in candidates), values.get("fallback", ""))


def _near(name: str, known: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` for a near miss of a known name, else nothing (the list may be long)."""
    hint = suggest(name, known)
    return hint if "did you mean" in hint else ""


def _parse_lexicon(doc: dict[str, Any], problems: Problems) -> Lexicon:
    entries: list[tuple[str, str]] = []
    for key in doc:
        if key not in ("words", "patterns"):
            problems.add(f"[{key}]: unknown table{suggest(key, ('words', 'patterns'))}")
    for kind in ("words", "patterns"):
        table = doc.get(kind, {})
        if not isinstance(table, dict):
            problems.add(f"{kind}: must be a table")
            continue
        for key, value in table.items():
            if not isinstance(value, str):
                problems.add(f"{kind}.{key!r}: expected a respelling string, got {value!r}")
                continue
            pattern = word_pattern(key) if kind == "words" else key
            try:
                _check_replacement(re.compile(pattern), value)
            except (re.error, IndexError) as exc:
                problems.add(f"{kind}.{key!r}: invalid regular expression: {exc}")
                continue
            if kind == "words" and not key.strip():
                problems.add("words: empty word")
                continue
            entries.append((pattern, value))
    return Lexicon(tuple(entries))


def _check_replacement(rx: re.Pattern[str], replacement: str) -> None:
    """Raise re.error for a bad group reference in ``replacement`` (re only checks on a match)."""
    compile_repl = getattr(re, "_compile_template", None) or getattr(re, "_compile_repl", None)
    if compile_repl is None:  # pragma: no cover - other Pythons check at apply time
        return
    if compile_repl.__name__ == "_compile_template":
        compile_repl(rx, replacement)
    else:
        compile_repl(replacement, rx)


def describe_voices(library: VoiceLibrary) -> str:
    """Human-readable summary for ``audiocast voices``: engines (available or why not), profiles, casts."""
    from audiocast.voice.engines import engine_names, get_engine

    lines = ["Engines:"]
    for name in engine_names():
        engine = get_engine(name)
        ok, why = engine.available()
        lines.append(f"  {name:8} {'available (' + engine.version + ')' if ok else 'unavailable: ' + why}")
        # espeak-ng has a hundred voices (`espeak-ng --voices` lists them); a system's (SAPI5, NSSpeech) are few
        if ok and (name in ("flite", "festival", "piper") or (name == "pyttsx3" and not engine.uses_espeak)):
            for voice in engine.voices():
                lines.append(f"  {'':8}   voice {voice.id}" + (f" ({voice.gender})" if voice.gender != "unknown" else "")
                             + (f": {voice.name}" if voice.name != voice.id else ""))
        if name == "piper":
            from audiocast.voice.engines.piper_engine import voice_dirs

            lines.append(f"  {'':8}   your own Piper voices (.onnx + .onnx.json) are looked for in: "
                         + ", ".join(str(d) for d in voice_dirs()))
    lines.append(f"Profiles ({library.directory}):")
    for name, p in sorted(library.profiles.items()):
        settings = [f"{f.name}={getattr(p, f.name)}" for f in fields(p)
                    if f.name not in ("name", "engine", "voice", "description", "gender")
                    and getattr(p, f.name) != f.default]
        lines.append(f"  {name:18} {p.engine}:{p.voice} ({p.gender}) {' '.join(settings)}".rstrip())
        if p.description:
            lines.append(f"  {'':18} {p.description}")
    lines.append("Casts (as declared, then what this machine speaks them with):")
    for name, cast in sorted(library.casts.items()):
        narrators = ", ".join(p.name for p in cast.narrators or (cast.narrator,))
        lines.append(f"  {name}: narrator {narrators}; pool {', '.join(p.name for p in cast.pool)}"
                     + (f"; fallback {cast.fallback}" if cast.fallback else ""))
        if cast.description:
            lines.append(f"    {cast.description}")
        try:
            here = library.resolve(name)
        except EngineError as exc:
            lines.append(f"    here: cannot be spoken: {exc.format_message()}")
            continue
        why = f" (lowest measured WER {here.narrator.wer:g} of those available)" if here.narrator.wer is not None else ""
        lines.append(f"    here: {'cast ' + here.name + ', ' if here.name != name else ''}narrator "
                     f"{here.narrator.name}{why}; pool {', '.join(p.name for p in here.pool)}")
        for note in here.notes:
            lines.append(f"    note: {note}")
    lines.append(f"Lexicon: {len(library.lexicon.entries)} entries")
    return "\n".join(lines)
