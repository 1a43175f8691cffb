"""check.py: `audiocast check` passes a good build and names each planted fault.

The good build is made from real parts: ffmpeg audio at -19 LUFS (CBR MP3 with
an Info header), tags.write_tags (ID3v2.3, CTOC + CHAP), chapters.py,
transcript.py, state.py and feed.py.  Each fault test copies it, plants one
fault in one file (ID3 frames are edited as bytes, as a broken tool would) and
asserts the report fails naming that fault.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from lxml import etree

from audiocast.check.feed import check_output, run_check
from audiocast.config import Config, PodcastConfig
from audiocast.model import Chapter, Cue, Episode

NS = {"itunes": "http://www.itunes.com/dtds/podcast-1.0.dtd", "podcast": "https://podcastindex.org/namespace/1.0",
      "atom": "http://www.w3.org/2005/Atom", "psc": "http://podlove.org/simple-chapters"}
BASE = "http://127.0.0.1:8000/"
SLUG = "good-episode"
SECONDS = 12


# --------------------------------------------------------------------------- building a good output folder
def _audio(path: Path, extra_filter: str = "", args: tuple[str, ...] = ("-b:a", "64k"), rate: int = 44100) -> None:
    """Pink noise levelled to -19 LUFS (true peak about -4 dBTP), encoded with libmp3lame."""
    chain = "lowpass=f=4000,volume=-20dB,loudnorm=I=-19:TP=-3:LRA=7,aresample=44100"
    if extra_filter:
        chain += "," + extra_filter
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i",
                    f"anoisesrc=color=pink:duration={SECONDS}:seed=7:amplitude=0.5", "-af", chain,
                    "-ac", "1", "-ar", str(rate), "-c:a", "libmp3lame", *args, str(path)], check=True, timeout=60)


def _tag(mp3: Path, chapters, duration_ms: int, length_ms=None) -> None:
    from audiocast.publish.cover import render_cover
    from audiocast.publish.tags import TagSet, write_tags

    write_tags(mp3, TagSet(title="A Good & <Proper> Episode", artist="Jane Doe", album="The Weekly Reader",
                           date=dt.datetime(2024, 3, 1, 8, 0, tzinfo=dt.timezone.utc), comment="About it.",
                           cover=render_cover("The Weekly Reader"), length_ms=length_ms or duration_ms,
                           chapters=chapters, language="en"))


def _build_good(out: Path) -> None:
    from audiocast.publish.chapterfiles import write_chapters_file
    from audiocast.publish.feed import write_feed
    from audiocast.publish.page import write_page
    from audiocast.audio.probe import decoded_duration_ms
    from audiocast.publish.state import merge_episode, save_state
    from audiocast.publish.transcript import write_transcripts

    out.mkdir(parents=True)
    mp3 = out / f"{SLUG}.mp3"
    _audio(mp3)
    duration = decoded_duration_ms(mp3)
    chapters = (Chapter("Introduction", 0, 4000), Chapter("The Middle", 4000, 8000), Chapter("Credits", 8000, duration))
    _tag(mp3, chapters, duration)
    cues = [Cue(start, min(start + 1800, duration - 100), f"Sentence number {i + 1}.",
                "Narrator" if i % 3 else "Andrew Haigh")
            for i, start in enumerate(range(200, duration - 300, 2000))]
    transcripts = write_transcripts(cues, out, SLUG)
    chapters_json = write_chapters_file(chapters, out, SLUG)
    ep = Episode(slug=SLUG, guid="", title="A Good & <Proper> Episode", author="Jane Doe", description="About it.",
                 pub_date=dt.datetime(2024, 3, 1, 8, 0, tzinfo=dt.timezone.utc), mp3_name=mp3.name,
                 size_bytes=mp3.stat().st_size, duration_ms=duration, chapters=chapters, speakers=("Andrew Haigh",),
                 transcripts=transcripts, chapters_json=chapters_json)
    episodes = merge_episode((), ep)
    save_state(out, episodes)
    write_feed(episodes, CONFIG, out)
    write_page(episodes, CONFIG, out, cover=out / "cover.jpg")  # as a build does


CONFIG = Config(podcast=PodcastConfig(title="The Weekly Reader", base_url=BASE, author="Reader Media",
                                      owner_name="Ann", owner_email="ann@example.com"))


@pytest.fixture(scope="session")
def good(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("check-good") / "out"
    _build_good(out)
    return out


@pytest.fixture
def bad(good, tmp_path) -> Path:
    """A fresh copy of the good build to plant one fault in."""
    out = tmp_path / "out"
    shutil.copytree(good, out)
    return out


# --------------------------------------------------------------------------- planting tools
def edit_feed(out: Path, change) -> None:
    path = out / "feed.xml"
    tree = etree.parse(str(path))
    change(tree.getroot())
    tree.write(str(path), xml_declaration=True, encoding="UTF-8")


def sync_enclosure_length(out: Path) -> None:
    size = str((out / f"{SLUG}.mp3").stat().st_size)
    edit_feed(out, lambda root: root.find("channel/item/enclosure").set("length", size))


def id3_frames(mp3: Path) -> tuple[bytes, list[list], bytes]:
    """(header, [[frame id, flags, body]...], audio) of an ID3v2.3 tag, read as plain bytes."""
    data = mp3.read_bytes()
    size = (data[6] << 21) | (data[7] << 14) | (data[8] << 7) | data[9]
    pos, frames = 10, []
    while pos < 10 + size and data[pos] != 0:
        fid, length, flags = data[pos:pos + 4], int.from_bytes(data[pos + 4:pos + 8], "big"), data[pos + 8:pos + 10]
        frames.append([fid, flags, data[pos + 10:pos + 10 + length]])
        pos += 10 + length
    return data[:10], frames, data[10 + size:]


def write_id3_frames(mp3: Path, header: bytes, frames: list[list], audio: bytes) -> None:
    body = b"".join(fid + len(b).to_bytes(4, "big") + flags + b for fid, flags, b in frames)
    n = len(body)
    size = bytes([(n >> 21) & 0x7F, (n >> 14) & 0x7F, (n >> 7) & 0x7F, n & 0x7F])
    mp3.write_bytes(header[:6] + size + body + audio)


def edit_id3(out: Path, change) -> None:
    mp3 = out / f"{SLUG}.mp3"
    header, frames, audio = id3_frames(mp3)
    header, frames = change(header, frames)
    write_id3_frames(mp3, header, frames, audio)
    sync_enclosure_length(out)


def replace_audio(out: Path, **audio_args) -> None:
    """Re-encode the episode differently, re-tag it as the build did, and fix the enclosure length."""
    from audiocast.audio.probe import decoded_duration_ms

    mp3 = out / f"{SLUG}.mp3"
    _audio(mp3, **audio_args)
    duration = decoded_duration_ms(mp3)
    _tag(mp3, (Chapter("Introduction", 0, 4000), Chapter("The Middle", 4000, 8000),
               Chapter("Credits", 8000, duration)), duration)
    sync_enclosure_length(out)


def edit_json(path: Path, change) -> None:
    doc = json.loads(path.read_text(encoding="utf-8"))
    change(doc)
    path.write_text(json.dumps(doc), encoding="utf-8")


def _set_chap_end(frames, index: int, end_ms: int):
    """Rewrite the end time of the index-th CHAP frame (body: element id, NUL, start, end, offsets...)."""
    chap = [f for f in frames if f[0] == b"CHAP"][index]
    e = chap[2].index(b"\0")
    chap[2] = chap[2][:e + 5] + end_ms.to_bytes(4, "big") + chap[2][e + 9:]
    return frames


def _swap_chaps(header, frames):
    idx = [i for i, f in enumerate(frames) if f[0] == b"CHAP"]
    frames[idx[0]], frames[idx[1]] = frames[idx[1]], frames[idx[0]]
    return header, frames


def _ctoc(frames):
    return next(f for f in frames if f[0] == b"CTOC")


def _clear_ordered_flag(header, frames):
    ctoc = _ctoc(frames)
    e = ctoc[2].index(b"\0")
    ctoc[2] = ctoc[2][:e + 1] + bytes([ctoc[2][e + 1] & ~0x01]) + ctoc[2][e + 2:]  # bit 0: ordered, 1: top-level
    return header, frames


def _swap_ctoc_children(header, frames):
    ctoc = _ctoc(frames)
    body = ctoc[2]
    e = body.index(b"\0")
    count = body[e + 2]
    pos, ids = e + 3, []
    for _ in range(count):
        end = body.index(b"\0", pos)
        ids.append(body[pos:end])
        pos = end + 1
    ids[0], ids[1] = ids[1], ids[0]
    ctoc[2] = body[:e + 3] + b"".join(i + b"\0" for i in ids) + body[pos:]
    return header, frames


def _junk_cover_art(header, frames):
    apic = next(f for f in frames if f[0] == b"APIC")
    body = apic[2]
    mime_end = body.index(b"\0", 1)
    desc_end = body.index(b"\0", mime_end + 2)
    apic[2] = body[:desc_end + 1] + b"not a picture" * 50
    return header, frames


def _feed_text(path: str, value: str):
    def change(root):
        root.find(path, NS).text = value
    return change


def _drop(path: str):
    def change(root):
        el = root.find(path, NS)
        el.getparent().remove(el)
    return change


def _description(text: str):
    return _feed_text("channel/item/description", text)


def _psc_start(root):
    root.findall("channel/item/psc:chapters/psc:chapter", NS)[1].set("start", "00:00:05.000")


def _duplicate_item(root):
    import copy

    item = root.find("channel/item")
    item.addnext(copy.deepcopy(item))


def _strip_info_frame(out: Path) -> None:
    mp3 = out / f"{SLUG}.mp3"
    data = mp3.read_bytes()
    skip = 10 + ((data[6] << 21) | (data[7] << 14) | (data[8] << 7) | data[9])
    first = data.index(b"\xff\xfb", skip)
    b2 = data[first + 2]
    length = 144 * 64000 // 44100 + ((b2 >> 1) & 1)
    assert data[first + 21:first + 25] == b"Info"
    mp3.write_bytes(data[:first] + data[first + length:])
    sync_enclosure_length(out)


def _junk_in_stream(out: Path) -> None:
    mp3 = out / f"{SLUG}.mp3"
    data = mp3.read_bytes()
    mid = len(data) // 2
    mp3.write_bytes(data[:mid] + b"\x00" * 300 + data[mid:])
    sync_enclosure_length(out)


def _cmyk_cover(out: Path) -> None:
    from PIL import Image

    Image.new("CMYK", (1400, 1400), (10, 20, 30, 0)).save(out / "cover.jpg", "JPEG")


def _small_cover(out: Path) -> None:
    from PIL import Image

    Image.new("RGB", (1000, 1000), "navy").save(out / "cover.jpg", "JPEG")


def _vtt(out: Path, change) -> None:
    path = out / f"{SLUG}.vtt"
    path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8")


def _pad_audio(out: Path, seconds: int) -> None:
    """Append silence so the transcript ends ``seconds`` before the audio (the build's records kept)."""
    mp3 = out / f"{SLUG}.mp3"
    replace_audio(out, extra_filter=f"apad=pad_dur={seconds}")
    from audiocast.audio.probe import decoded_duration_ms

    duration = decoded_duration_ms(mp3)
    edit_feed(out, _feed_text("channel/item/itunes:duration", f"00:00:{duration // 1000:02d}"))
    edit_json(out / f"{SLUG}.chapters.json", lambda d: d["chapters"][-1].update(endTime=duration / 1000))


# Each fault: (name, how to plant it, the rule code the report must name, words the message must contain).
FAULTS = [
    ("enclosure length", lambda o: edit_feed(o, lambda r: r.find("channel/item/enclosure").set("length", "123")),
     "enclosure-length", "123"),
    ("enclosure type", lambda o: edit_feed(o, lambda r: r.find("channel/item/enclosure").set("type", "audio/mp3")),
     "enclosure-type", "audio/mpeg"),
    ("missing MP3", lambda o: (o / f"{SLUG}.mp3").unlink(), "enclosure-missing", "not in the output folder"),
    ("pubDate not RFC 2822", lambda o: edit_feed(o, _feed_text("channel/item/pubDate", "2024-03-01T08:00:00Z")),
     "item-date", "RFC 2822"),
    ("channel language missing", lambda o: edit_feed(o, _drop("channel/language")), "channel-required", "language"),
    ("itunes:explicit yes", lambda o: edit_feed(o, _feed_text("channel/itunes:explicit", "yes")),
     "channel-explicit", "true"),
    ("no atom:link self", lambda o: edit_feed(o, _drop("channel/atom:link")), "channel-self", "self"),
    ("no itunes:image", lambda o: edit_feed(o, _drop("channel/itunes:image")), "cover-missing", "itunes:image"),
    ("podcast:guid not a UUID", lambda o: edit_feed(o, _feed_text("channel/podcast:guid", "my-show")),
     "podcast-guid", "not a UUID"),
    ("duplicate item guid", lambda o: edit_feed(o, _duplicate_item), "item-guid", "more than one item"),
    ("feed duration wrong", lambda o: edit_feed(o, _feed_text("channel/item/itunes:duration", "00:00:30")),
     "duration-feed", "30 s"),
    ("broken feed XML", lambda o: (o / "feed.xml").write_bytes((o / "feed.xml").read_bytes()[:-40]),
     "feed-xml", "well-formed"),
    ("TLEN wrong", lambda o: replace_audio_tlen(o), "duration-tlen", "TLEN"),
    ("TLEN missing", lambda o: edit_id3(o, lambda h, f: (h, [x for x in f if x[0] != b"TLEN"])),
     "id3-frames", "TLEN"),
    ("ID3v2.4 header", lambda o: edit_id3(o, lambda h, f: (h[:3] + b"\x04" + h[4:], f)), "id3-version", "ID3v2.4"),
    ("APIC cover art is junk", lambda o: edit_id3(o, _junk_cover_art), "id3-cover", "not a readable image"),
    ("CHAP frames out of file order", lambda o: edit_id3(o, _swap_chaps), "chapters-order", "file order"),
    ("gap between ID3 chapters", lambda o: edit_id3(o, lambda h, f: (h, _set_chap_end(f, 0, 3500))),
     "chapters-continuity", "ends at 3500 ms"),
    ("last chapter ends early", lambda o: edit_id3(o, lambda h, f: (h, _set_chap_end(f, 2, 10000))),
     "duration-chapters", "10000 ms"),
    ("CTOC not ordered", lambda o: edit_id3(o, _clear_ordered_flag), "ctoc-flags", "ordered"),
    ("CTOC children out of order", lambda o: edit_id3(o, _swap_ctoc_children), "ctoc-children", "out of time order"),
    ("VBR (Xing) encoding", lambda o: replace_audio(o, args=("-q:a", "4")), "mpeg-cbr", "Xing"),
    ("no Info header", _strip_info_frame, "mpeg-info", "Info header"),
    ("junk inside the MPEG stream", _junk_in_stream, "mpeg-stream", "breaks at byte"),
    ("32 kHz audio", lambda o: replace_audio(o, rate=32000), "sample-rate", "32000"),
    ("JSON chapter title differs", lambda o: edit_json(o / f"{SLUG}.chapters.json",
                                                       lambda d: d["chapters"][1].update(title="Middle")),
     "chapters-mismatch", "'Middle'"),
    ("JSON chapters out of order", lambda o: edit_json(o / f"{SLUG}.chapters.json",
                                                       lambda d: d["chapters"].reverse()), "chapters-order", "JSON"),
    ("JSON chapters end early", lambda o: edit_json(o / f"{SLUG}.chapters.json",
                                                    lambda d: d["chapters"][-1].update(endTime=10.0)),
     "duration-chapters", "10.0 s"),
    ("JSON chapters not 1.2", lambda o: edit_json(o / f"{SLUG}.chapters.json", lambda d: d.update(version="1.0")),
     "json-chapters", "1.2"),
    ("psc:chapter start differs", lambda o: edit_feed(o, _psc_start), "chapters-mismatch", "psc:chapters"),
    ("description timestamps differ", lambda o: edit_feed(o, _description(
        "About it.\n\n00:00 Introduction\n00:05 The Middle\n00:08 Credits")), "chapters-mismatch", "description"),
    ("description without timestamps", lambda o: edit_feed(o, _description("About it.")),
     "description-chapters", "timestamps"),
    ("25 s of audio after the last cue", lambda o: _pad_audio(o, 25), "transcript-coverage", "no transcript"),
    ("SRT cue times differ from the VTT", lambda o: (o / f"{SLUG}.srt").write_text(
        (o / f"{SLUG}.srt").read_text(encoding="utf-8").replace("00:00:02,200", "00:00:02,900"), encoding="utf-8"),
     "transcript-mismatch", "disagree"),
    ("transcript file missing", lambda o: (o / f"{SLUG}.srt").unlink(), "transcript-missing", f"{SLUG}.srt"),
    ("transcript not WebVTT", lambda o: _vtt(o, lambda t: t.replace("WEBVTT", "VTT", 1)), "transcript-parse",
     "WEBVTT"),
    ("transcript cues out of order", lambda o: edit_json(o / f"{SLUG}.transcript.json",
                                                         lambda d: d["segments"].reverse()), "transcript-order",
     "time order"),
    ("cover CMYK", _cmyk_cover, "cover-type", "RGB"),
    ("cover too small", _small_cover, "cover-size", "1000×1000"),
    ("corrupt episodes.json", lambda o: (o / "episodes.json").write_text("{", encoding="utf-8"), "state",
     "episodes.json"),
    ("page chapter starts differ", lambda o: (o / "index.html").write_text((o / "index.html").read_text(
        encoding="utf-8").replace('data-chapter-start="4"', 'data-chapter-start="5"'), encoding="utf-8"),
     "page-chapters", "[0.0, 5.0, 8.0]"),
    ("episode missing from the page", lambda o: (o / "index.html").write_text((o / "index.html").read_text(
        encoding="utf-8").replace("data-episode=", "data-gone="), encoding="utf-8"), "page-episode", f"{SLUG}.mp3"),
]


def replace_audio_tlen(out: Path) -> None:
    from audiocast.audio.probe import decoded_duration_ms

    mp3 = out / f"{SLUG}.mp3"
    duration = decoded_duration_ms(mp3)
    _tag(mp3, (Chapter("Introduction", 0, 4000), Chapter("The Middle", 4000, 8000),
               Chapter("Credits", 8000, duration)), duration, length_ms=duration + 5000)
    sync_enclosure_length(out)


# --------------------------------------------------------------------------- tests
def test_a_good_build_passes_every_check(good):
    report, status = run_check(good)
    assert report.ok and status == 0, report.render()
    assert not report.warnings, report.render()
    text = report.render()
    assert text.splitlines()[-1] == "PASS: 0 error(s), 0 warning(s)"
    assert re.search(r"-19\.\d LUFS", text) and "3 chapters identical" in text


@pytest.mark.parametrize("name, plant, code, words", FAULTS, ids=[f[0] for f in FAULTS])
def test_a_planted_fault_fails_the_check_naming_it(bad, name, plant, code, words):
    plant(bad)
    report, status = run_check(bad, loudness=False)
    assert status == 1 and not report.ok
    assert code in report.codes(), report.render()
    named = [f.render() for f in report.errors if f.code == code]
    assert any(words in line for line in named), named
    assert report.render().splitlines()[-1].startswith("FAIL:")


@pytest.mark.parametrize("extra, code, words", [
    ("volume=-6dB", "loudness", "expected -19 ± 1 LUFS"),
    ("volume='if(between(t,5,5.2),2.5,1)':eval=frame", "true-peak", "dBTP"),  # a 200 ms burst, +8 dB
])
def test_loudness_faults_are_caught(bad, extra, code, words):
    replace_audio(bad, extra_filter=extra)
    report = check_output(bad)
    assert report.codes() == {code}, report.render()
    assert any(words in f.message for f in report.errors if f.code == code)


def test_an_empty_folder_fails_with_a_clear_message(tmp_path):
    report = check_output(tmp_path)
    assert not report.ok
    assert "no feed.xml" in report.render()


def test_stray_mp3_and_temp_files_are_warnings(bad):
    shutil.copy(bad / f"{SLUG}.mp3", bad / "orphan.mp3")
    (bad / ".feed.xml.abc.tmp").write_text("x")
    report = check_output(bad, loudness=False)
    assert report.ok, report.render()
    assert {f.file for f in report.warnings} == {"orphan.mp3", ".feed.xml.abc.tmp"}


def test_a_transcript_ending_10_s_early_is_a_warning(bad):
    """10 s without cues at the end may be a closing sting: a warning, not an error."""
    from audiocast.publish.transcript import write_transcripts

    write_transcripts([Cue(200, 2000, "Only this.", "Narrator")], bad, SLUG)
    report = check_output(bad, loudness=False)
    assert report.ok, report.render()
    assert {f.code for f in report.warnings} == {"transcript-coverage"}
    assert {f.file for f in report.warnings} == {f"{SLUG}.vtt", f"{SLUG}.srt", f"{SLUG}.transcript.json"}
    assert all("last cue ends at 2.0 s" in f.message for f in report.warnings)


# --------------------------------------------------------------------------- the real pipeline (fake engine)
from conftest import FAKE_CAST  # noqa: E402  (the shared fake cast)


def _pipeline_build(sources, out: Path, work: Path):
    from audiocast.pipeline import BuildOptions, build

    from conftest import ROOT

    voices = work / "voices"
    if not voices.is_dir():
        voices.mkdir(parents=True)
        shutil.copy(ROOT / "voices" / "lexicon.toml", voices / "lexicon.toml")
        (voices / "fake.toml").write_text(FAKE_CAST, encoding="utf-8")
    report = build(list(sources), out, CONFIG, BuildOptions(cast="fake", voices_dir=voices, cache_dir=work / "cache",
                                                            jobs=1))
    assert not report.failed, report.summary()
    return report


@pytest.fixture(scope="session")
def pipeline_out(tmp_path_factory) -> Path:
    """seeds/repair-cafe.md and seeds/night-ferry.html built by the pipeline with the fake engine."""
    from conftest import SEEDS

    work = tmp_path_factory.mktemp("check-pipeline")
    out = work / "out"
    _pipeline_build([SEEDS / "repair-cafe.md", SEEDS / "night-ferry.html"], out, work)
    return out


def test_check_passes_on_a_pipeline_build(pipeline_out):
    from conftest import assert_check_report

    report = check_output(pipeline_out)
    assert report.ok and not report.warnings, report.render()
    assert_check_report(report.render(), pipeline_out)  # and every check ran on both episodes


def test_rebuilding_without_an_article_keeps_its_episode(pipeline_out, tmp_path):
    """The issue's check: delete an article, rebuild, the feed keeps its episode with the same guid and pubDate."""
    from conftest import SEEDS

    out = tmp_path / "out"
    shutil.copytree(pipeline_out, out)

    def items(feed: Path) -> dict:
        root = etree.parse(str(feed)).getroot()
        return {i.find("enclosure").get("url"): (i.findtext("guid"), i.findtext("pubDate"), i.findtext("title"))
                for i in root.iter("item")}

    before = items(out / "feed.xml")
    assert len(before) == 2
    _pipeline_build([SEEDS / "repair-cafe.md"], out, pipeline_out.parent)
    assert items(out / "feed.xml") == before
    report = check_output(out, loudness=False)
    assert report.ok and not report.warnings, report.render()
