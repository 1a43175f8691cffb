"""The CLI as a user meets it: help, version, one-line errors, config validation, script --json."""

from __future__ import annotations

import json
import re
import shlex

import pytest

from audiocast import __version__
from audiocast.config import Config, load_config
from audiocast.errors import ConfigError
from conftest import SEEDS, run_cli


def test_version():
    assert run_cli("--version").stdout.strip().endswith(__version__)


@pytest.mark.parametrize("command", [None, "build", "script", "voices", "check", "serve"])
def test_every_command_has_help_whose_examples_are_valid_command_lines(command):
    """Each help shows its usage and an Examples block; every example parses with the command's real options."""
    import click

    from audiocast.cli import main

    words = [command] if command else []
    out = run_cli(*words, "--help").stdout
    assert out.startswith(f"Usage: audiocast {command + ' ' if command else ''}[OPTIONS]"), out
    block = re.search(r"^  Examples?:\n((?:    audiocast .+\n)+)", out, re.M)
    assert block, out
    examples = [shlex.split(re.split(r"\s{2,}", line.strip())[0]) for line in block[1].splitlines()]
    assert len(examples) >= 1
    for example in examples:
        tokens = example[1:example.index("|")] if "|" in example else example[1:]  # without a pipe into jq
        cmd = main.commands[tokens[0]] if command is None else main.commands[command]
        assert command is None or tokens[0] == command, example
        try:  # the command's own parser: unknown options and missing values are errors (no callbacks run)
            _, rest, _ = cmd.make_parser(click.Context(cmd, info_name=cmd.name)).parse_args(tokens[1:])
        except click.UsageError as exc:
            pytest.fail(f"`{' '.join(example)}` in `audiocast {command or ''} --help`: {exc.format_message()}")
        assert not rest, example  # every word is an option, its value or an argument the command takes


def test_script_json_on_the_seed_is_exactly_one_object_with_the_right_quotes():
    proc = run_cli("script", "--json", str(SEEDS / "all-of-us-strangers.txt"))
    data = json.loads(proc.stdout)
    assert set(data) == {"title", "author", "segments"}
    assert data["author"] == "Emell Adolphus"
    quotes = [s for s in data["segments"] if s["kind"] == "quote"]
    speakers = [q["speaker"] for q in quotes]
    assert len(quotes) == 10
    assert {s: speakers.count(s) for s in set(speakers)} == {"Vanity Fair": 2, "Andrew Haigh": 6, "Graham Broadbent": 2}
    for seg in data["segments"]:
        assert set(seg) == {"kind", "speaker", "voice", "text"}
        assert "READ TIME" not in seg["text"] and "Read These Next" not in seg["text"]
    narrator = {s["voice"] for s in data["segments"] if s["kind"] == "narration"}
    assert len(narrator) == 1
    voices = {q["speaker"]: q["voice"] for q in quotes}
    assert len(set(voices.values())) == 3 and not narrator & set(voices.values())
    for title in ("All of Us Strangers", "Strangers", "The Banshees of Inisherin"):
        assert title not in [q["text"].strip(' ,."') for q in quotes]


def test_missing_source_is_a_one_line_error_and_out_is_untouched(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.mp3").write_bytes(b"earlier episode")
    proc = run_cli("build", str(tmp_path / "nope"), "-o", str(out), check=False)
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr
    err = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(err) == 1 and "nope" in err[0]
    assert (out / "keep.mp3").read_bytes() == b"earlier episode"


def test_bad_config_reports_every_problem_at_once(tmp_path):
    cfg = tmp_path / "audiocast.toml"
    cfg.write_text('[podcast]\ntitle = 3\nbase_url = "ftp://x"\nexplicit = "no"\n[audio]\nbitrate = 65\nwat = 1\n[nope]\n')
    with pytest.raises(ConfigError) as exc:
        load_config(cfg)
    msg = exc.value.format_message()
    for key in ("podcast.title", "podcast.explicit", "audio.wat", "[nope]"):
        assert key in msg
    assert str(cfg) in msg
    proc = run_cli("build", str(SEEDS), "--config", str(cfg), "-o", str(tmp_path / "o"), check=False)
    assert proc.returncode != 0 and "Traceback" not in proc.stderr and "podcast.title" in proc.stderr


def test_semantic_config_problems_and_cli_overrides_are_validated(tmp_path):
    cfg = tmp_path / "audiocast.toml"
    cfg.write_text('[audio]\nbitrate = 65\nchannels = 3\n[podcast]\nbase_url = "ftp://x"\n')
    with pytest.raises(ConfigError) as exc:
        load_config(cfg)
    assert "audio.bitrate" in str(exc.value) and "audio.channels" in str(exc.value) and "base_url" in str(exc.value)
    with pytest.raises(ConfigError):
        Config().with_overrides(audio={"bitrate": 65})
    assert Config().with_overrides(podcast={"base_url": None}).podcast.base_url == Config().podcast.base_url


def test_mono_and_stereo_loudness_targets():
    assert Config().loudness_target == -19.0
    assert Config().with_overrides(audio={"channels": 2}).loudness_target == -16.0


def test_a_malformed_source_date_epoch_is_a_one_line_error_before_anything_is_built(tmp_path):
    out = tmp_path / "out"
    proc = run_cli("build", str(SEEDS), "-o", str(out), check=False, env={"SOURCE_DATE_EPOCH": "yesterday"})
    err = [line for line in proc.stderr.splitlines() if line.strip()]
    assert proc.returncode != 0 and len(err) == 1 and "SOURCE_DATE_EPOCH='yesterday'" in err[0], proc.stderr
    assert not list(out.glob("*.mp3")) and not (out / "feed.xml").exists()


def test_source_date_epoch_fixes_the_build_time(monkeypatch):
    from audiocast.config import build_time

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert build_time().isoformat() == "2023-11-14T22:13:20+00:00"
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert build_time().year >= 2024 and build_time().tzinfo is not None
