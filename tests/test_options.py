"""The one option table (audiocast/options.py) as a user meets it: bad files through the CLI, and the docs agreeing."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass

import pytest

from audiocast.config import SCHEMA
from audiocast.options import Number, Schema, Text
from audiocast.voice.profiles import CAST_SCHEMA, PROFILE_SCHEMA
from conftest import ROOT, SEEDS, run_cli

BITRATES = "32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320"


def _error_lines(proc) -> list[str]:
    assert proc.returncode != 0 and "Traceback" not in proc.stderr, proc.stderr
    return proc.stderr.rstrip("\n").splitlines()


def test_every_config_problem_is_reported_at_once_a_line_each_naming_file_and_key(tmp_path):
    cfg = tmp_path / "audiocast.toml"
    cfg.write_text('[podcast]\ntitle = ""\nexplicit = "no"\ntpye = "serial"\nimage = "missing.png"\n'
                   '[audio]\nbitrate = 65\nchannels = 3\nintro = 1\n'
                   '[pauses]\nquote_ms = -5\nchapter_ms = 250.5\n'
                   '[edition]\norder = "random"\n'
                   '[podcasts]\n', encoding="utf-8")
    out = tmp_path / "out"
    lines = _error_lines(run_cli("build", str(SEEDS), "--config", str(cfg), "-o", str(out), check=False))
    assert lines[0] == f"Error: 11 problems in {cfg}:"
    assert sorted(lines[1:]) == sorted(f"  {cfg}: {problem}" for problem in (
        "[podcasts]: unknown section (did you mean 'podcast'?)",
        "podcast.title: expected a non-empty string, got ''",
        "podcast.explicit: expected true or false, got 'no'",
        "podcast.tpye: unknown key (did you mean 'type'?)",
        f"podcast.image: no such file {tmp_path / 'missing.png'}",
        f"audio.bitrate: expected one of {BITRATES}, got 65",
        "audio.channels: expected 1 (mono) or 2 (stereo), got 3",
        "audio.intro: expected true or false, got 1",
        "pauses.quote_ms: expected a whole number from 0 to 10000, got -5",
        "pauses.chapter_ms: expected a whole number from 0 to 10000, got 250.5",
        "edition.order: expected one of order, date, name, got 'random'",
    ))
    assert not out.exists()


def test_one_config_problem_is_one_line_and_a_bad_flag_gets_the_same_check(tmp_path):
    cfg = tmp_path / "audiocast.toml"
    cfg.write_text('[audio]\nbitrat = 64\n', encoding="utf-8")
    lines = _error_lines(run_cli("build", str(SEEDS), "--config", str(cfg), "-o", str(tmp_path / "o"), check=False))
    assert lines == [f"Error: {cfg}: audio.bitrat: unknown key (did you mean 'bitrate'?)"]
    cfg.write_text('[audio]\nbitrate = 64\n', encoding="utf-8")
    lines = _error_lines(run_cli("build", str(SEEDS), "--config", str(cfg), "--bitrate", "65",
                                 "-o", str(tmp_path / "o"), check=False))
    assert lines == [f"Error: invalid option: audio.bitrate: expected one of {BITRATES}, got 65"]


def test_every_voice_file_problem_is_reported_at_once_naming_file_profile_and_key(tmp_path):
    (tmp_path / "lexicon.toml").write_text('[wrods]\nCroydon = "Croyden"\n', encoding="utf-8")
    first = tmp_path / "a.toml"
    first.write_text('[profiles.flite-slt]\nengine = "flite"\nvoice = "slt"\nf0_mean = "high"\nrate = 500\n'
                     'voulme = 1.5\ngender = "woman"\n'
                     '[profiles.ok]\nengine = "fake"\nvoice = "low"\n'
                     '[profile.typo]\nengine = "fake"\n', encoding="utf-8")
    second = tmp_path / "b.toml"
    second.write_text('[profiles.quiet]\nengine = "fake"\nvoice = "mid"\nvolume = true\nspeaker_id = 1.5\n'
                      '[casts.main]\nnarrator = "okk"\npool = []\nfallback = 3\n', encoding="utf-8")
    lines = _error_lines(run_cli("voices", "--voices-dir", str(tmp_path), check=False))
    assert lines[0] == f"Error: 11 problems in the voice files in {tmp_path}:"
    assert sorted(lines[1:]) == sorted(f"  {path}: {problem}" for path, problem in (
        (first, "profile 'flite-slt': f0_mean: expected a number from 50 to 400, got 'high'"),
        (first, "profile 'flite-slt': rate: expected a whole number from 80 to 450, got 500"),
        (first, "profile 'flite-slt': voulme: unknown key (did you mean 'volume'?)"),
        (first, "profile 'flite-slt': gender: expected one of male, female, unknown, got 'woman'"),
        (first, "[profile]: unknown table (did you mean 'profiles'?)"),
        (tmp_path / "lexicon.toml", "[wrods]: unknown table (did you mean 'words'?)"),
        (second, "profile 'quiet': volume: expected a number from 0 to 2, got True"),
        (second, "profile 'quiet': speaker_id: expected a whole number from 0 to 10000, got 1.5"),
        (second, "cast 'main': pool: expected a non-empty list of profile names, got []"),
        (second, "cast 'main': fallback: expected a cast name, got 3"),
        (second, "cast 'main': narrator: unknown profile 'okk' (did you mean 'ok'?)"),
    ))


def test_bounds_are_inclusive_and_numbers_are_converted_as_before(tmp_path):
    (tmp_path / "v.toml").write_text(
        '[profiles.edge]\nengine = "fake"\nvoice = "low"\nrate = 80\npitch = 99\nvolume = 0\nf0_mean = 400\n'
        'pitch_shift = -12\ntempo = 2\n'
        '[profiles.other]\nengine = "fake"\nvoice = "mid"\n'
        '[casts.c]\nnarrator = ["edge"]\npool = ["other"]\n', encoding="utf-8")
    proc = run_cli("voices", "--voices-dir", str(tmp_path))
    line = next(line for line in proc.stdout.splitlines() if line.strip().startswith("edge "))
    # whole-number options stay int, the others become float: both are in every clip's cache key
    assert line.split()[3:] == ["rate=80", "pitch=99", "volume=0.0", "pitch_shift=-12.0", "tempo=2.0", "f0_mean=400.0"]
    (tmp_path / "v.toml").write_text(
        '[profiles.edge]\nengine = "fake"\nvoice = "low"\nrate = 79\npitch = 99.0\nf0_mean = 400.5\n', encoding="utf-8")
    lines = _error_lines(run_cli("voices", "--voices-dir", str(tmp_path), check=False))
    assert sorted(lines[1:]) == sorted(f"  {tmp_path / 'v.toml'}: profile 'edge': {problem}" for problem in (
        "rate: expected a whole number from 80 to 450, got 79",
        "pitch: expected a whole number from 0 to 99, got 99.0",
        "f0_mean: expected a number from 50 to 400, got 400.5",
    ))


def _readme_config_block() -> dict:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Configuration: `audiocast.toml`", 1)[1]
    return tomllib.loads(re.search(r"```toml\n(.*?)```", section, re.S).group(1))


def test_the_readme_config_example_shows_exactly_the_schema_keys():
    example = _readme_config_block()
    assert {name: list(table) for name, table in example.items()} == \
        {name: list(schema.options) for name, schema in SCHEMA.items() if name in example}
    assert set(example) == set(SCHEMA)


def test_the_voice_file_schema_comment_lists_exactly_the_profile_and_cast_keys():
    header = (ROOT / "voices" / "default.toml").read_text(encoding="utf-8").split("\n\n", 1)[0]
    profiles, casts = header.split("#   [casts.NAME]")
    keys = [re.findall(r"^#   (\w+) = ", part, re.M) for part in (profiles, casts)]
    assert sorted(keys[0]) == sorted(PROFILE_SCHEMA.options) and keys[1] == list(CAST_SCHEMA.options)


@pytest.mark.parametrize("schema", [*SCHEMA.values(), PROFILE_SCHEMA, CAST_SCHEMA])
def test_every_option_documents_itself(schema):
    for key, accepts, help_line in schema.reference():
        assert help_line and accepts, key


def test_a_record_and_its_schema_cannot_drift_apart():
    @dataclass(frozen=True)
    class Record:
        size: int = 3
        name: str = "x"

    schema = Schema({"size": Number("how big", low=0, high=9, whole=True), "name": Text("what it is called")}, Record)
    assert schema.reference()[0] == ("size", "a whole number from 0 to 9; default 3", "how big")
    with pytest.raises(TypeError, match="name"):
        Schema({"size": Number("how big")}, Record)
