"""Casting: which voice reads each speaker, remembered across episodes.

:func:`cast_script` is pure: given a script, a cast and the cast memory, it
returns the :class:`~audiocast.model.Casting` and the updated memory.  Rules,
in order:

1. a speaker the memory knows (for this cast) keeps that voice, so Andrew
   Haigh sounds the same next week, as long as the profile is still in the pool;
2. the narrator's voice is never given to a speaker (the pool never holds it);
3. new speakers, in order of first quote, get a pool voice not used by anyone
   in this episode, preferring one whose gender fits the speaker's, then one
   whose real voice (engine and voice, whatever its pitch or pace) is not yet
   heard in the episode, then the one fewest remembered speakers have, then
   pool order;
4. when the pool runs out, the voice used least in this episode is reused
   (ties: least remembered, then pool order), again preferring a fitting gender.

The memory lives in ``out/.audiocast/cast-memory.json`` (:func:`load_cast_memory`,
:func:`save_cast_memory`, written atomically).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from audiocast.errors import ConfigError
from audiocast.fsutil import write_text_atomic
from audiocast.model import Casting, Gender, Script, VoiceProfile
from audiocast.voice.profiles import Cast

MEMORY_FILE = Path(".audiocast") / "cast-memory.json"
MEMORY_VERSION = 1


@dataclass(frozen=True)
class CastMemory:
    """Speaker name -> profile name, per cast name."""

    voices: dict[str, dict[str, str]] = field(default_factory=dict, hash=False)

    def voice_of(self, cast: str, speaker: str) -> Optional[str]:
        """The profile remembered for ``speaker`` in ``cast``."""
        return self.voices.get(cast, {}).get(speaker)

    def with_voices(self, cast: str, assigned: dict[str, str]) -> "CastMemory":
        """A copy with ``assigned`` speakers remembered for ``cast``."""
        voices = {k: dict(v) for k, v in self.voices.items()}
        voices.setdefault(cast, {}).update(assigned)
        return CastMemory(voices)

    def to_json(self) -> str:
        """The file contents (sorted, stable)."""
        return json.dumps({"version": MEMORY_VERSION, "casts": self.voices}, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def memory_path(out_dir: Path) -> Path:
    """Where the cast memory of an output folder lives."""
    return Path(out_dir) / MEMORY_FILE


def load_cast_memory(out_dir: Path) -> CastMemory:
    """The memory stored in ``out_dir`` (empty when there is none); ConfigError if it is corrupt."""
    path = memory_path(out_dir)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return CastMemory()
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ConfigError(f"cannot read cast memory ({exc}); delete it to start casting afresh", path) from None
    casts = data.get("casts") if isinstance(data, dict) else None
    if not isinstance(casts, dict) or not all(
        isinstance(v, dict) and all(isinstance(a, str) and isinstance(b, str) for a, b in v.items())
        for v in casts.values()
    ):
        raise ConfigError("cast memory is not in the expected format; delete it to start casting afresh", path)
    return CastMemory({k: dict(v) for k, v in casts.items()})


def save_cast_memory(out_dir: Path, memory: CastMemory) -> None:
    """Write the memory atomically into ``out_dir`` (only when it changed: a rebuild rewrites nothing)."""
    write_text_atomic(memory_path(out_dir), memory.to_json(), keep_same=True)


def _base(profile: VoiceProfile) -> tuple[str, str]:
    """The real voice under a profile: variants of one (pitch, pace) sound alike next to each other."""
    return profile.engine, profile.voice


def _fits(profile: VoiceProfile, gender: Gender) -> bool:
    return gender == "unknown" or profile.gender in (gender, "unknown")


def cast_script(script: Script, cast: Cast, memory: CastMemory) -> tuple[Casting, CastMemory]:
    """Give every speaker of ``script`` a voice from ``cast`` (see the module doc); pure and deterministic."""
    pool = {p.name: p for p in cast.pool if p.cache_key() != cast.narrator.cache_key()}
    genders = {s.name: s.gender for s in script.speakers}
    names = list(script.speaker_names())
    names += [s.name for s in script.speakers if s.name not in names]
    assigned: dict[str, str] = {}
    # remembered speakers first, so a newcomer never takes a returning speaker's voice
    for name in names:
        remembered = memory.voice_of(cast.name, name)
        if remembered in pool and remembered not in assigned.values():
            assigned[name] = remembered
    remembered_count: dict[str, int] = {}
    for profile_name in memory.voices.get(cast.name, {}).values():
        remembered_count[profile_name] = remembered_count.get(profile_name, 0) + 1
    order = list(pool)
    for name in names:
        if name in assigned:
            continue
        gender = genders.get(name, "unknown")
        remembered = memory.voice_of(cast.name, name)
        free = [p for p in order if p not in assigned.values()]
        if remembered in pool and not free:
            assigned[name] = remembered  # pool exhausted: keep the voice they had before
            continue
        candidates = free or order
        fitting = [p for p in candidates if _fits(pool[p], gender)] or candidates
        if free:  # a voice unlike those already heard, then the one fewest past speakers had
            heard = {_base(cast.narrator)} | {_base(pool[a]) for a in assigned.values()}
            choice = min(fitting, key=lambda p: (_base(pool[p]) in heard, remembered_count.get(p, 0), order.index(p)))
        else:
            used = [list(assigned.values()).count(p) for p in fitting]
            choice = min(fitting, key=lambda p: (used[fitting.index(p)], remembered_count.get(p, 0), order.index(p)))
        assigned[name] = choice
    casting = Casting(narrator=cast.narrator, speakers=tuple((n, pool[assigned[n]]) for n in names))
    return casting, memory.with_voices(cast.name, assigned)


def cast_and_remember(script: Script, cast: Cast, out_dir: Path) -> Casting:
    """Load the memory in ``out_dir``, cast ``script`` and save the updated memory."""
    memory = load_cast_memory(out_dir)
    casting, updated = cast_script(script, cast, memory)
    if updated != memory:
        save_cast_memory(out_dir, updated)
    return casting
