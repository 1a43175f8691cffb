"""Voice profiles, casts and the lexicon: the shipped files and validation."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from audiocast.errors import ConfigError
from audiocast.voices import default_voices_dir, describe_voices, load_voice_library


def test_shipped_library_has_both_casts():
    lib = load_voice_library()
    default, natural = lib.cast("default"), lib.cast("natural")
    assert default.engines == ("pyttsx3",)
    assert len(default.pool) >= 6
    assert {p.gender for p in default.pool} >= {"male", "female"}
    assert len({(p.voice, p.pitch, p.rate) for p in default.pool}) == len(default.pool)
    assert natural.engines == ("piper",)
    assert {p.gender for p in natural.pool} >= {"male", "female"}
    for cast in (default, natural):
        assert cast.narrator.name not in {p.name for p in cast.pool}
        assert cast.narrator.cache_key() not in {p.cache_key() for p in cast.pool}


def test_unknown_cast_names_the_known_ones():
    with pytest.raises(ConfigError, match="unknown cast 'nope'.*default, natural"):
        load_voice_library().cast("nope")


def test_validation_reports_every_bad_field(tmp_path):
    (tmp_path / "lexicon.toml").write_text('[words]\nCroydon = "Croyden"\n[patterns]\n"(unclosed" = "x"\n')
    (tmp_path / "mine.toml").write_text(
        """
[profiles.good]
engine = "fake"
voice = "low"

[profiles.bad]
engine = "nope"
voice = "x"
rate = "fast"
pitch = 150
tempo = 3.0
colour = "blue"

[profiles.novoice]
engine = "fake"

[casts.main]
narrator = "good"
pool = ["good", "ghost"]
"""
    )
    with pytest.raises(ConfigError) as err:
        load_voice_library(tmp_path)
    msg = err.value.message
    for fragment in (
        "profiles.bad.engine: unknown engine 'nope'",
        "profiles.bad.rate: expected words per minute",
        "profiles.bad.pitch: expected espeak pitch 0..99, got 150",
        "profiles.bad.tempo",
        "profiles.bad.colour: unknown key",
        "profiles.novoice.voice: missing",
        "casts.main.pool[0]: 'good' is the narrator",
        "casts.main.pool[1]: unknown profile 'ghost'",
        "patterns.'(unclosed': invalid regular expression",
    ):
        assert fragment in msg, (fragment, msg)
    assert str(tmp_path / "mine.toml") in msg and str(tmp_path / "lexicon.toml") in msg
    assert "9 problem(s) in voice files" in msg


def test_invalid_toml_names_the_file(tmp_path):
    (tmp_path / "broken.toml").write_text("[profiles.x\nengine=")
    with pytest.raises(ConfigError, match=r"broken\.toml: invalid TOML"):
        load_voice_library(tmp_path)


def test_lexicon_words_are_whole_words_any_case():
    lex = load_voice_library().lexicon
    assert lex.apply("Croydon's CROYDON Croydonia") == "Croyden's Croyden Croydonia"
    assert lex.apply("The Banshees of Inisherin") == "The Banshees of Inish-erin"


def test_lexicon_patterns_with_groups(tmp_path):
    shutil.copy(default_voices_dir() / "default.toml", tmp_path)
    (tmp_path / "lexicon.toml").write_text("[patterns]\n'\\b(\\d+)s\\b' = '\\1 ss'\n")
    assert load_voice_library(tmp_path).lexicon.apply("the 1980s") == "the 1980 ss"
    (tmp_path / "lexicon.toml").write_text("[patterns]\n'(a)' = '\\2'\n")
    with pytest.raises(ConfigError, match="invalid regular expression"):
        load_voice_library(tmp_path)


def _ipa(text: str) -> str:
    return subprocess.run(["espeak-ng", "-q", "--ipa", "-v", "en-us", text], capture_output=True, text=True).stdout.strip()


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng CLI not installed")
def test_lexicon_fixes_what_espeak_says():
    """Ear-proxy: the phonemes espeak-ng (also Piper's phonemiser) produces, with and without the lexicon."""
    lex = load_voice_library().lexicon
    assert _ipa("Croydon").endswith("dɑːn")  # "croy-DON": the fault the entry fixes
    assert _ipa(lex.apply("Croydon")).endswith("dən")  # "CROY-dn"
    assert _ipa("Taichi").startswith("tˈeɪ")  # "tay-chai"
    assert _ipa(lex.apply("Taichi")).startswith("tˈaɪ")  # "tie-chee"
    assert "ˈɛɹɪn" not in _ipa("Inisherin") and "ˈɛɹɪn" in _ipa(lex.apply("Inisherin"))
    assert _ipa("Haigh") == "hˈeɪɡ"  # already right: no entry needed


def test_describe_voices_lists_engines_profiles_and_casts():
    text = describe_voices(load_voice_library())
    assert "pyttsx3  available" in text
    assert "piper" in text and "fake" in text
    assert "narrator" in text and "joe-alto" in text
    assert "default: narrator narrator; pool us-male" in text
    assert "Lexicon: 3 entries" in text
