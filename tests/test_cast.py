"""Casting: one voice per speaker, remembered across episodes, never the narrator's."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from audiocast.voice.cast import CastMemory, cast_and_remember, cast_script, load_cast_memory, memory_path
from audiocast.errors import ConfigError
from audiocast.model import Article, Script, Section, Segment, Speaker, VoiceProfile
from audiocast.voice.profiles import Cast, load_voice_library


def _profile(name, gender="unknown"):
    return VoiceProfile(name=name, engine="fake", voice=name, gender=gender)


NARRATOR = _profile("narr", "male")
POOL = (_profile("m1", "male"), _profile("f1", "female"), _profile("m2", "male"), _profile("f2", "female"))
CAST = Cast("test", NARRATOR, POOL)


def _script(*speakers: tuple[str, str]) -> Script:
    article = Article(source=Path("a.txt"), slug="a", title="A", author=None, sections=(Section(None, ("p",)),))
    segs = [Segment("narration", "Intro.")]
    segs += [Segment("quote", f"Words of {name}.", speaker=name) for name, _ in speakers]
    return Script(article, tuple(segs), tuple(Speaker(n, g) for n, g in speakers))


def _voices(casting):
    return dict((name, p.name) for name, p in casting.speakers)


def test_distinct_speakers_get_distinct_voices_and_genders_fit():
    casting, _ = cast_script(_script(("Ann", "female"), ("Bob", "male"), ("Cy", "unknown")), CAST, CastMemory())
    v = _voices(casting)
    assert v["Ann"] in ("f1", "f2") and v["Bob"] in ("m1", "m2")
    assert len(set(v.values())) == 3
    assert casting.narrator == NARRATOR
    assert NARRATOR.name not in v.values()


def test_pool_exhausted_reuses_least_used_deterministically():
    speakers = [(f"S{i}", "unknown") for i in range(7)]
    a, _ = cast_script(_script(*speakers), CAST, CastMemory())
    b, _ = cast_script(_script(*speakers), CAST, CastMemory())
    assert a == b
    counts = {}
    for _, p in a.speakers:
        counts[p.name] = counts.get(p.name, 0) + 1
    assert sorted(counts.values()) == [1, 2, 2, 2]  # 7 speakers over 4 voices, spread evenly
    assert NARRATOR.name not in counts


def test_narrator_voice_never_given_even_if_pool_has_a_twin():
    twin = VoiceProfile(name="twin", engine="fake", voice="narr", gender="male")
    cast = Cast("t", NARRATOR, (twin, POOL[0]))
    casting, _ = cast_script(_script(("A", "male"), ("B", "male"), ("C", "male")), cast, CastMemory())
    assert {p.name for _, p in casting.speakers} == {"m1"}


def test_haigh_keeps_his_voice_across_episodes(tmp_path):
    out = tmp_path / "out"
    first = cast_and_remember(_script(("Andrew Haigh", "male"), ("Jane Roe", "female")), CAST, out)
    haigh = first.voice_for("Andrew Haigh")
    assert json.loads(memory_path(out).read_text())["casts"]["test"]["Andrew Haigh"] == haigh.name
    # next week: new people quoted first, Haigh last; he still sounds the same
    second = cast_and_remember(
        _script(("Newcomer One", "male"), ("Newcomer Two", "male"), ("Andrew Haigh", "male")), CAST, out
    )
    assert second.voice_for("Andrew Haigh") == haigh
    assert second.voice_for("Newcomer One") != haigh and second.voice_for("Newcomer Two") != haigh
    assert load_cast_memory(out).voice_of("test", "Newcomer Two") == second.voice_for("Newcomer Two").name


def test_memory_is_per_cast_and_survives_pool_changes():
    memory = CastMemory({"test": {"Ann": "gone-profile"}, "other": {"Ann": "f2"}})
    casting, updated = cast_script(_script(("Ann", "female")), CAST, memory)
    assert casting.voice_for("Ann").name == "f1"  # remembered voice no longer in the pool: recast
    assert updated.voice_of("other", "Ann") == "f2"


def test_with_the_shipped_default_cast(tmp_path):
    cast = load_voice_library().cast("default")
    casting = cast_and_remember(_script(("Andrew Haigh", "male"), ("Sarah Harvey", "female")), cast, tmp_path)
    assert casting.voice_for("Andrew Haigh").gender == "male"
    assert casting.voice_for("Sarah Harvey").gender == "female"
    assert casting.voice_for(None) == cast.narrator


def test_corrupt_memory_is_a_config_error(tmp_path):
    memory_path(tmp_path).parent.mkdir(parents=True)
    memory_path(tmp_path).write_text("{not json")
    with pytest.raises(ConfigError, match="cast-memory.json"):
        load_cast_memory(tmp_path)
