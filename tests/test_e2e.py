"""End to end: `audiocast build seeds/` with the real engine, checked the way players and apps see it."""

from __future__ import annotations

import json
import re
import subprocess

import feedparser
import podcastparser
import pytest
from lxml import etree

from conftest import SEEDS

NS = {"itunes": "http://www.itunes.com/dtds/podcast-1.0.dtd", "podcast": "https://podcastindex.org/namespace/1.0",
      "atom": "http://www.w3.org/2005/Atom"}


def ffprobe(path):
    out = subprocess.run(["ffprobe", "-v", "error", "-show_chapters", "-show_format", "-show_streams", "-of", "json",
                          str(path)], capture_output=True, text=True, check=True).stdout
    return json.loads(out)


def seed_slugs():
    return sorted(p.stem for p in SEEDS.iterdir() if p.suffix in {".txt", ".md", ".html"})


def test_build_writes_an_episode_per_seed_and_a_feed(seed_build):
    out, proc, _ = seed_build
    assert (out / "feed.xml").is_file()
    for slug in seed_slugs():
        assert (out / f"{slug}.mp3").stat().st_size > 50_000, slug
        for suffix in (".vtt", ".srt", ".transcript.json", ".chapters.json"):
            assert (out / f"{slug}{suffix}").is_file(), slug + suffix
    assert f"\n{len(seed_slugs())} episode(s) built, 0 failed, " in proc.stdout, proc.stdout


@pytest.mark.parametrize("slug", seed_slugs())
def test_episode_is_cbr_mono_44k_with_ordered_contiguous_chapters(seed_build, slug):
    out, _, _ = seed_build
    info = ffprobe(out / f"{slug}.mp3")
    stream = info["streams"][0]
    assert info["format"]["format_name"] == "mp3"
    assert stream["sample_rate"] == "44100" and stream["channels"] == 1
    assert int(stream["bit_rate"]) == 64000
    duration = float(info["format"]["duration"])
    chapters = info["chapters"]
    assert len(chapters) >= 2
    starts = [float(c["start_time"]) for c in chapters]
    assert starts == sorted(starts) and starts[0] == 0.0
    for a, b in zip(chapters, chapters[1:]):
        assert a["end_time"] == b["start_time"]
    assert abs(float(chapters[-1]["end_time"]) - duration) < 0.1
    assert all(c["tags"]["title"].strip() for c in chapters)
    tags = info["format"]["tags"]
    for key in ("title", "artist", "album", "date", "comment"):
        assert tags.get(key), key


def test_seed_article_has_three_chapters_and_an_opening_announcement(seed_build):
    out, _, _ = seed_build
    chapters = ffprobe(out / "all-of-us-strangers.mp3")["chapters"]
    assert len(chapters) >= 3
    cues = json.loads((out / "all-of-us-strangers.transcript.json").read_text())["segments"]
    opening = " ".join(c["body"] for c in cues if c["startTime"] < float(chapters[0]["end_time"]))
    assert "All of Us Strangers" in opening and "Emell Adolphus" in opening


def test_feed_parses_and_matches_the_files(seed_build):
    out, _, _ = seed_build
    raw = (out / "feed.xml").read_bytes()
    parsed = feedparser.parse(raw)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert len(parsed.entries) == len(seed_slugs())
    pp = podcastparser.parse("http://127.0.0.1:8000/feed.xml", __import__("io").BytesIO(raw))
    for ep in pp["episodes"]:
        enclosure = ep["enclosures"][0]
        name = enclosure["url"].rsplit("/", 1)[-1]
        assert enclosure["url"].startswith("http://127.0.0.1:8000/")
        assert enclosure["file_size"] == (out / name).stat().st_size
        assert enclosure["mime_type"] == "audio/mpeg"
        duration = float(ffprobe(out / name)["format"]["duration"])
        assert abs(ep["total_time"] - duration) <= 1
    root = etree.fromstring(raw)
    assert root.find("channel/itunes:explicit", NS).text in ("true", "false")
    assert root.find("channel/atom:link[@rel='self']", NS).get("href") == "http://127.0.0.1:8000/feed.xml"
    for item in root.iterfind("channel/item"):
        stem = item.find("enclosure").get("url").rsplit("/", 1)[-1][: -len(".mp3")]
        chapters = item.find("podcast:chapters", NS)
        assert (chapters.get("url"), chapters.get("type")) == \
            (f"http://127.0.0.1:8000/{stem}.chapters.json", "application/json+chapters")
        assert json.loads((out / f"{stem}.chapters.json").read_text("utf-8"))["chapters"]
        vtt = item.find("podcast:transcript[@type='text/vtt']", NS)
        assert vtt.get("url") == f"http://127.0.0.1:8000/{stem}.vtt" and (out / f"{stem}.vtt").is_file()


def test_transcript_has_timed_cues_with_the_speakers_and_their_words(seed_build):
    """The VTT a player shows: strictly parsed, in order, inside the audio, each quote under its speaker."""
    from test_transcript import parse_vtt

    out, _, _ = seed_build
    cues = parse_vtt((out / "all-of-us-strangers.vtt").read_text("utf-8"))
    segments = json.loads((out / "all-of-us-strangers.transcript.json").read_text("utf-8"))["segments"]
    assert len(cues) == len(segments) >= 25  # one cue per spoken line of the article, intro and credits
    assert [(c[2], c[3]) for c in cues] == [(s["speaker"], s["body"]) for s in segments]
    for (start, end, _, _), (after, _, _, _) in zip(cues, cues[1:] + [(None,) * 4]):
        assert start < end and (after is None or end <= after), (start, end, after)
    duration_ms = float(ffprobe(out / "all-of-us-strangers.mp3")["format"]["duration"]) * 1000
    assert duration_ms - 15_000 < cues[-1][1] <= duration_ms + 50  # the credits run to the end
    assert cues[0][2:] == ("Narrator", "The audiocast Sampler.") and cues[0][0] < 1500
    said = {(speaker, text) for _, _, speaker, text in cues}
    for quote in (("Vanity Fair", "The plan was to redecorate the interior to resemble its old self,"),
                  ("Andrew Haigh", "But it was a really strangely cathartic experiment."),
                  ("Graham Broadbent", "What would you tell your parents about your life if you were an adult and "
                                       "they were no longer with us?")):
        assert quote in said, quote
    assert {c[2] for c in cues} == {"Narrator", "Andrew Haigh", "Graham Broadbent", "Vanity Fair"}


def test_rebuild_with_nothing_changed_synthesises_nothing(seed_build):
    from conftest import run_cli

    out, _, env = seed_build
    before = {p.name: p.read_bytes() for p in out.glob("*.mp3")}
    proc = run_cli("build", str(SEEDS), "-o", str(out), "--base-url", "http://127.0.0.1:8000/", env=env)
    assert re.search(r"^3 episode\(s\) built, 0 failed, 0 clips synthesised", proc.stdout, re.M), proc.stdout
    assert {p.name: p.read_bytes() for p in out.glob("*.mp3")} == before


def test_check_passes_on_a_fresh_build(seed_build):
    """No error, no warning, and every check ran on every episode with the counts the files hold."""
    from conftest import assert_check_passes

    out, _, env = seed_build
    report = assert_check_passes(out, env=env)
    for slug in seed_slugs():
        chapters = json.loads((out / f"{slug}.chapters.json").read_text("utf-8"))["chapters"]
        cues = json.loads((out / f"{slug}.transcript.json").read_text("utf-8"))["segments"]
        assert f"ok      {slug}.mp3: {len(chapters)} chapters identical in ID3" in report, report
        assert f"ok      {slug}.mp3: 3 transcripts agree, {len(cues)} cues cover the audio" in report, report
        lufs = float(re.search(rf"ok      {slug}\.mp3: (-\d+\.\d) LUFS", report)[1])
        assert abs(lufs + 19) <= 0.5, report  # levelled to the -19 LUFS mono target, well inside check's ± 1
    assert f"index.html: {len(seed_slugs())} episode(s) with players" in report


def test_a_listener_can_follow_the_opening_minute(seed_build):
    """pocketsphinx, as a stand-in for a listener's ear, hears the article's own words in the episode."""
    from pocketsphinx import Decoder

    out, _, _ = seed_build
    raw = subprocess.run(["ffmpeg", "-v", "error", "-i", str(out / "all-of-us-strangers.mp3"), "-t", "75",
                          "-ar", "16000", "-ac", "1", "-f", "s16le", "-"], capture_output=True, check=True).stdout
    decoder = Decoder(samprate=16000)
    decoder.start_utt()
    decoder.process_raw(raw, full_utt=True)
    decoder.end_utt()
    heard = set(decoder.hyp().hypstr.split())
    words = {"strangers", "vanity", "fair", "interview", "production", "childhood", "significant", "anticipated",
             "novel", "redecorate", "expansive", "scott"}
    assert len(words & heard) >= 6, sorted(words & heard)
