"""Robustness of a build as a user runs it: bad articles fail alone, earlier outputs survive, --strict."""

from __future__ import annotations

import json
import os
import re
import shutil

import pytest

from conftest import SEEDS, assert_check_passes, run_cli

BAD_INPUTS = {
    "empty.txt": b"",
    "binary.txt": bytes(range(256)) * 8,
    "title-only.txt": b"Just a Title\n\n",
    "no-article.html": b"<html><head><title>x</title></head><body><nav><a href='/'>Home</a></nav></body></html>",
}


def build(src, out, fake_voices, *extra, check=False):
    return run_cli("build", str(src), "-o", str(out), "--voices-dir", str(fake_voices), "--cast", "fake", "-j", "1",
                   *extra, check=check)


def test_each_bad_article_fails_alone_with_one_line_naming_it(tmp_path, fake_voices):
    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(SEEDS / "repair-cafe.md", src)
    for name, data in BAD_INPUTS.items():
        (src / name).write_bytes(data)
    proc = build(src, tmp_path / "out", fake_voices)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stdout + proc.stderr
    failed = [line for line in proc.stdout.splitlines() if line.startswith("FAILED")]
    assert len(failed) == len(BAD_INPUTS)
    for name in BAD_INPUTS:
        assert sum(name in line for line in failed) == 1, name
    assert (tmp_path / "out" / "repair-cafe.mp3").is_file()
    feed = (tmp_path / "out" / "feed.xml").read_text()
    assert "repair-cafe.mp3" in feed and "empty" not in feed


def test_a_failed_rebuild_leaves_the_earlier_episode_and_feed_as_they_were(tmp_path, fake_voices):
    src, out = tmp_path / "src", tmp_path / "out"
    src.mkdir()
    shutil.copy(SEEDS / "repair-cafe.md", src)
    build(src, out, fake_voices, check=True)
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    (src / "repair-cafe.md").write_bytes(b"\x00\x01binary now")
    proc = build(src, out, fake_voices)
    failed = [line for line in proc.stdout.splitlines() if line.startswith("FAILED")]
    assert proc.returncode == 1 and len(failed) == 1 and str(src / "repair-cafe.md") in failed[0], proc.stdout
    after = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    assert after == before
    assert not [p for p in out.iterdir() if p.name.startswith(".") and p.is_file()]  # no temp files left


def test_removed_article_keeps_its_episode_guid_and_date(tmp_path, fake_voices):
    src, out = tmp_path / "src", tmp_path / "out"
    src.mkdir()
    for name in ("repair-cafe.md", "night-ferry.html"):
        shutil.copy(SEEDS / name, src)
    build(src, out, fake_voices, check=True)
    first = {e["slug"]: e for e in json.loads((out / "episodes.json").read_text())["episodes"]}
    (src / "night-ferry.html").unlink()
    build(src, out, fake_voices, check=True)
    import feedparser

    feed = feedparser.parse(str(out / "feed.xml"))
    guids = {e.id for e in feed.entries}
    assert guids == {first["repair-cafe"]["guid"], first["night-ferry"]["guid"]}
    second = {e["slug"]: e for e in json.loads((out / "episodes.json").read_text())["episodes"]}
    assert second["night-ferry"]["pub_date"] == first["night-ferry"]["pub_date"]


def test_awkward_but_valid_text_still_makes_an_episode(tmp_path, fake_voices):
    src = tmp_path / "src"
    src.mkdir()
    words = " ".join(f"word{i % 50}" for i in range(3000)).replace("0", "o")
    (src / "long-line.txt").write_text(f"A Long Line\n\nby Jo Bloggs\n\n{words}\n", encoding="utf-8")
    (src / "unclosed.txt").write_text(
        'Unclosed\n\nby Jo Bloggs\n\n"This quote never closes, said nobody.\n\nThe next paragraph is narration.\n',
        encoding="utf-8")
    proc = build(src, tmp_path / "out", fake_voices, check=True)
    assert "2 episode(s) built, 0 failed" in proc.stdout
    cues = json.loads((tmp_path / "out" / "long-line.transcript.json").read_text())["segments"]
    spoken = " ".join(c["body"] for c in cues)
    assert "word49" in spoken and spoken.count("word1 ") >= 50


def test_strict_turns_warnings_into_failures(tmp_path, fake_voices):
    src = tmp_path / "src"
    src.mkdir()
    (src / "plain.txt").write_text("Plain\n\nNo byline and no quotes here. Just narration.\n", encoding="utf-8")
    relaxed = build(src, tmp_path / "a", fake_voices, check=True)
    warned = [line.strip() for line in relaxed.stdout.splitlines() if line.strip().startswith("warning:")]
    assert warned == [f"warning: {src / 'plain.txt'}: no author found (byline or front matter)",
                      f"warning: {src / 'plain.txt'}: no quoted speech found; the whole article is read by the "
                      "narrator"], relaxed.stdout
    assert (tmp_path / "a" / "plain.mp3").is_file()
    strict = build(src, tmp_path / "b", fake_voices, "--strict")
    failed = [line for line in strict.stdout.splitlines() if line.startswith("FAILED")]
    assert strict.returncode == 1 and failed == [
        f"FAILED  {src / 'plain.txt'}: no author found (byline or front matter) (--strict)"], strict.stdout
    assert not (tmp_path / "b" / "plain.mp3").exists()


@pytest.mark.parametrize("args, message", [
    (("--cast", "nope"), "unknown cast"),
    (("--bitrate", "65"), "audio.bitrate"),
    (("--base-url", "ftp://host/"), "base_url"),
])
def test_bad_options_are_one_line_errors(tmp_path, args, message):
    proc = run_cli("build", str(SEEDS), "-o", str(tmp_path / "out"), *args, check=False)
    assert proc.returncode != 0 and message in proc.stderr and "Traceback" not in proc.stderr
    assert len([line for line in proc.stderr.splitlines() if line.strip()]) == 1


def test_special_characters_survive_feed_and_id3_end_to_end(tmp_path, fake_voices):
    import subprocess

    import feedparser

    src = tmp_path / "src"
    src.mkdir()
    title = 'Café & Co: “Fish” <Chips> — it\'s "über"'
    (src / "audiocast.toml").write_text(
        '[podcast]\ntitle = "Tom & Jerry\'s <Weekly> “Reader”"\nbase_url = "http://127.0.0.1:8000/"\n', encoding="utf-8")
    (src / "cafe.md").write_text(
        f"---\ntitle: '{title.replace(chr(39), chr(39) * 2)}'\nauthor: Zoë Ångström\n---\n\n"
        '"We fry everything twice," said Zoë Ångström. The café opened in 1998 & never closed.\n',
        encoding="utf-8")
    build(src, tmp_path / "out", fake_voices, check=True)
    feed = feedparser.parse(str(tmp_path / "out" / "feed.xml"))
    assert not feed.bozo
    assert feed.feed.title == "Tom & Jerry's <Weekly> “Reader”"
    assert feed.entries[0].title == title
    out = subprocess.run(["ffprobe", "-v", "error", "-show_format", "-of", "json", str(tmp_path / "out" / "cafe.mp3")],
                         capture_output=True, text=True, check=True).stdout
    tags = json.loads(out)["format"]["tags"]
    assert tags["title"] == title and tags["artist"] == "Zoë Ångström"
    assert tags["album"] == "Tom & Jerry's <Weekly> “Reader”"


def test_a_second_build_into_the_same_folder_waits_its_turn(tmp_path, fake_voices):
    import fcntl

    src, out = tmp_path / "src", tmp_path / "out"
    src.mkdir()
    shutil.copy(SEEDS / "repair-cafe.md", src)
    (out / ".audiocast").mkdir(parents=True)
    with open(out / ".audiocast" / "build.lock", "w") as held:  # an overlapping build holds the folder
        fcntl.flock(held, fcntl.LOCK_EX)
        proc = build(src, out, fake_voices)
    assert proc.returncode == 1 and "another audiocast build" in proc.stderr and "Traceback" not in proc.stderr
    assert not (out / "repair-cafe.mp3").exists()
    build(src, out, fake_voices, check=True)  # the lock is free again
    assert (out / "repair-cafe.mp3").is_file()


def test_an_ffmpeg_without_lame_is_a_one_line_error_naming_the_episode(tmp_path, fake_voices):
    # An ffmpeg built without libmp3lame: every encode fails, while the limiter, meters and decoders work.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    real = shutil.which("ffmpeg")
    wrapper = bin_dir / "ffmpeg"
    wrapper.write_text('#!/bin/sh\nfor a in "$@"; do\n  if [ "$a" = libmp3lame ]; then\n'
                       '    echo "Unknown encoder \'libmp3lame\'" >&2; exit 1\n  fi\ndone\n'
                       f'exec {real} "$@"\n')
    wrapper.chmod(0o755)
    src, out = tmp_path / "src", tmp_path / "out"
    src.mkdir()
    shutil.copy(SEEDS / "repair-cafe.md", src)
    proc = run_cli("build", str(src), "-o", str(out), "--voices-dir", str(fake_voices), "--cast", "fake", "-j", "1",
                   env={"PATH": f"{bin_dir}:{os.environ['PATH']}"}, check=False)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stdout + proc.stderr
    failed = [line for line in proc.stdout.splitlines() if line.startswith("FAILED")]
    assert failed == [f"FAILED  {out / 'repair-cafe.mp3'}: ffmpeg could not encode the MP3: Unknown encoder 'libmp3lame'"]
    assert not (out / "repair-cafe.mp3").exists()
    assert not [p for p in out.iterdir() if p.name.startswith(".") and p.is_file()]  # no temp files left


@pytest.mark.parametrize("rate, warned", [(48000, False), (22050, True)])
def test_every_sample_rate_the_config_allows_builds_and_passes_the_check(tmp_path, fake_voices, rate, warned):
    src, out = tmp_path / "src", tmp_path / "out"
    src.mkdir()
    shutil.copy(SEEDS / "repair-cafe.md", src)
    (src / "audiocast.toml").write_text(f"[audio]\nsample_rate = {rate}\nchannels = 2\n", encoding="utf-8")
    build(src, out, fake_voices, check=True)
    report = assert_check_passes(out, warnings=("channel-owner",) + (("sample-rate",) if warned else ()))
    assert re.search(rf"ok      repair-cafe\.mp3: \d+\.\d s, {rate} Hz, 2 ch, 64 kbps, \d+ chapters", report), report
