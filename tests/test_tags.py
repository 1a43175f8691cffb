"""ID3v2.3 tags and chapters on a real MP3, checked the way players see them (ffprobe)."""

from __future__ import annotations

import datetime as dt
import io
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from audiocast.publish.chapterfiles import chapters_json, description_timestamps, psc_chapters
from audiocast.errors import AudioError
from audiocast.model import Chapter
from audiocast.audio.probe import decoded_duration_ms
from audiocast.publish.tags import TagSet, read_id3_facts, read_tags, write_tags

SPECIAL = "Café & Co: “Quotes” — ünïcode <b> \"dq\" 'sq' 東京"
# Titles of very different lengths: mutagen alone would write these CHAP frames sorted by size.
TITLES = ("Introduction", "A rather long chapter title that goes on and on", "Q", SPECIAL, "Mid-size title",
          "Credits")


def ffprobe_json(path: Path) -> dict:
    out = subprocess.run(["ffprobe", "-v", "error", "-show_chapters", "-show_format", "-of", "json", str(path)],
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out)


@pytest.fixture(scope="module")
def clean_mp3(tmp_path_factory) -> Path:
    """A real 20 s CBR mono MP3 as the stitcher makes them (ffmpeg leaves its own ID3v2.4 tag)."""
    path = tmp_path_factory.mktemp("mp3") / "sine.mp3"
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "sine=f=440:d=20", "-ac", "1",
                    "-ar", "44100", "-b:a", "64k", str(path)], check=True)
    return path


@pytest.fixture
def mp3(clean_mp3, tmp_path) -> Path:
    path = tmp_path / "episode.mp3"
    shutil.copy(clean_mp3, path)
    return path


def jpeg(size=(64, 64), fmt="JPEG") -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buf, fmt)
    return buf.getvalue()


def duration_of(path: Path) -> int:
    return round(float(ffprobe_json(path)["format"]["duration"]) * 1000)


def chapters_for(duration_ms: int, titles=TITLES) -> tuple[Chapter, ...]:
    step = duration_ms // len(titles)
    starts = [i * step for i in range(len(titles))]
    ends = starts[1:] + [duration_ms]
    return tuple(Chapter(t, s, e) for t, s, e in zip(titles, starts, ends))


def tagset(duration_ms: int, **kw) -> TagSet:
    base = dict(title=SPECIAL, artist="Émile Zola & Friends", album="The <Weekly> Reader", comment=SPECIAL,
                date=dt.datetime(2024, 3, 5, 10, 0, 0, tzinfo=dt.timezone(dt.timedelta(hours=2))),
                cover=jpeg(), cover_mime="image/jpeg", length_ms=duration_ms, chapters=chapters_for(duration_ms),
                language="en", url="https://example.com/podcast/")
    base.update(kw)
    return TagSet(**base)


def test_chapters_are_in_time_order_in_the_file_as_ffprobe_lists_them(mp3):
    duration = duration_of(mp3)
    tags = tagset(duration)
    write_tags(mp3, tags)

    listed = ffprobe_json(mp3)["chapters"]
    assert [c["tags"]["title"] for c in listed] == list(TITLES)
    starts = [c["start"] for c in listed]
    assert starts == sorted(starts) and starts[0] == 0
    assert all(a["end"] == b["start"] for a, b in zip(listed, listed[1:]))  # contiguous
    assert all(c["end"] > c["start"] for c in listed)
    assert listed[-1]["end"] == duration == duration_of(mp3)
    assert abs(decoded_duration_ms(mp3) - duration) < 60  # the audio itself was not touched

    facts = read_id3_facts(mp3)
    assert [c.title for c in facts.chapters] == list(TITLES)
    assert [c.start_ms for c in facts.chapters] == [c.start_ms for c in tags.chapters]
    (toc,) = facts.tocs
    assert toc.top_level and toc.ordered and toc.title == SPECIAL
    assert toc.child_ids == tuple(c.element_id for c in facts.chapters)
    assert facts.tlen_ms == duration


def test_plain_mutagen_scrambles_chapter_order_and_the_facts_show_it(mp3):
    """The pitfall our writer avoids: mutagen sorts frames by size; read_id3_facts reports file order."""
    from mutagen.id3 import CHAP, CTOC, ID3, TIT2, CTOCFlags

    chapters = chapters_for(duration_of(mp3))
    id3 = ID3()
    id3.add(CTOC(element_id="toc", flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED,
                 child_element_ids=[f"c{i}" for i in range(len(chapters))]))
    for i, ch in enumerate(chapters):
        id3.add(CHAP(element_id=f"c{i}", start_time=ch.start_ms, end_time=ch.end_ms,
                     sub_frames=[TIT2(encoding=1, text=[ch.title])]))
    id3.save(mp3, v2_version=3)
    file_order = [c.start_ms for c in read_id3_facts(mp3).chapters]
    assert file_order != sorted(file_order)
    assert [c["start"] for c in ffprobe_json(mp3)["chapters"]] == file_order

    write_tags(mp3, tagset(duration_of(mp3)))  # ours puts them right, replacing the old tag whole
    assert [c["start"] for c in ffprobe_json(mp3)["chapters"]] == [c.start_ms for c in chapters]


def test_id3v23_with_every_tag_a_player_shows(mp3):
    duration = duration_of(mp3)
    write_tags(mp3, tagset(duration))
    assert mp3.read_bytes()[:5] == b"ID3\x03\x00"
    fmt = ffprobe_json(mp3)["format"]["tags"]
    assert fmt["title"] == SPECIAL
    assert fmt["artist"] == "Émile Zola & Friends"
    assert fmt["album"] == "The <Weekly> Reader"
    assert fmt["comment"] == SPECIAL
    assert fmt["genre"] == "Podcast"
    assert fmt["date"] == "2024-03-05 08:00"  # TYER+TDAT+TIME, in UTC
    assert fmt["TLEN"] == str(duration)
    facts = read_id3_facts(mp3)
    assert facts.version == (3, 0)
    assert {"TIT2", "TPE1", "TALB", "TYER", "TDAT", "TIME", "COMM", "APIC", "TLEN", "TCON", "CTOC", "CHAP"} \
        <= set(facts.frame_ids)
    assert "TDRC" not in facts.frame_ids  # not a v2.3 frame
    assert facts.picture is not None and facts.picture[:2] == ("image/jpeg", 3)


def test_round_trip_through_read_tags(mp3):
    duration = duration_of(mp3)
    cover = jpeg(fmt="PNG")
    written = tagset(duration, cover=cover, cover_mime="image/png", publisher="Pub & Co",
                     copyright="© 2024 Ünïcode")
    write_tags(mp3, written)
    back = read_tags(mp3)
    assert back == written  # aware datetimes compare by instant
    assert back.date.tzinfo is not None and back.date.hour == 8


@pytest.mark.parametrize("date, shown", [
    (dt.datetime(2023, 12, 31, 0, 0, tzinfo=dt.timezone.utc), "2023-12-31 00:00"),  # mutagen alone drops TIME
    (dt.datetime(2023, 7, 1, 14, 0, tzinfo=dt.timezone.utc), "2023-07-01 14:00"),
    (dt.date(2022, 2, 3), "2022-02-03"),
    ("2021-06-07T09:30:00+00:00", "2021-06-07 09:30"),
    ("2020", "2020"),
])
def test_dates_survive_id3v23(mp3, date, shown):
    write_tags(mp3, TagSet(title="t", date=date))
    assert ffprobe_json(mp3)["format"]["tags"]["date"] == shown
    back = read_tags(mp3).date
    assert (back if isinstance(back, str) else back.strftime("%Y-%m-%d %H:%M")).startswith(shown)


def test_chapters_are_identical_in_every_format(mp3):
    duration = duration_of(mp3)
    chapters = chapters_for(duration, titles=("Introduction", "Plan & <Design>", "Überblick", "Credits"))
    write_tags(mp3, tagset(duration, chapters=chapters))
    id3 = [(c["start"], c["tags"]["title"]) for c in ffprobe_json(mp3)["chapters"]]
    from_json = [(round(c["startTime"] * 1000), c["title"]) for c in json.loads(chapters_json(chapters))["chapters"]]
    psc = psc_chapters(chapters)
    lines = description_timestamps(chapters).splitlines()
    assert id3 == from_json == [(c.start_ms, c.title) for c in chapters]
    assert [t for _, t in psc] == [t for _, t in id3]
    assert [line.split(" ", 1)[1] for line in lines] == [t for _, t in id3]


def test_retagging_replaces_and_keeps_audio(mp3):
    duration = duration_of(mp3)
    write_tags(mp3, tagset(duration))
    write_tags(mp3, tagset(duration, title="Second", chapters=chapters_for(duration, ("One", "Two"))))
    probe = ffprobe_json(mp3)
    assert probe["format"]["tags"]["title"] == "Second"
    assert [c["tags"]["title"] for c in probe["chapters"]] == ["One", "Two"]
    assert abs(decoded_duration_ms(mp3) - duration) < 60
    assert not [p for p in mp3.parent.iterdir() if p.name.startswith(".")]  # no temp files left


def test_bad_input_names_the_file(tmp_path, mp3):
    missing = tmp_path / "missing.mp3"
    with pytest.raises(AudioError, match="missing.mp3"):
        write_tags(missing, TagSet(title="x"))
    untagged = tmp_path / "untagged.mp3"
    subprocess.run(["ffmpeg", "-v", "error", "-i", str(mp3), "-map_metadata", "-1", "-id3v2_version", "0",
                    "-c", "copy", str(untagged)], check=True)
    with pytest.raises(AudioError, match="untagged.mp3: no ID3v2 tag"):
        read_tags(untagged)
    with pytest.raises(ValueError):
        write_tags(mp3, TagSet(title="x", chapters=(Chapter("bad", 500, 500),)))


def test_an_editions_parts_are_titled_ctocs_nesting_their_chapters(mp3):
    from audiocast.check.edition import nested_parts

    duration = duration_of(mp3)
    chapters = chapters_for(duration)  # six chapters: the opening, two articles of two chapters each, credits
    b = [c.start_ms for c in chapters] + [duration]
    parts = (Chapter("In this edition", 0, b[1]), Chapter("First story", b[1], b[3]),
             Chapter("Second “story”", b[3], b[5]), Chapter("Credits", b[5], duration))
    write_tags(mp3, tagset(duration, chapters=chapters, parts=parts))
    facts = read_id3_facts(mp3)
    (top,) = [t for t in facts.tocs if t.top_level]
    tocs = {t.element_id: t for t in facts.tocs}
    assert [tocs[cid].title for cid in top.child_ids] == [p.title for p in parts]
    assert [len(tocs[cid].child_ids) for cid in top.child_ids] == [1, 2, 2, 1]
    assert all(tocs[cid].ordered and not tocs[cid].top_level for cid in top.child_ids)
    assert read_tags(mp3).parts == parts == nested_parts(facts)
    # players that list CHAP frames still see every chapter, in order
    assert [c["tags"]["title"] for c in ffprobe_json(mp3)["chapters"]] == list(TITLES)


def test_an_episode_without_parts_keeps_one_flat_ctoc(mp3):
    duration = duration_of(mp3)
    write_tags(mp3, tagset(duration))
    facts = read_id3_facts(mp3)
    (toc,) = facts.tocs
    assert toc.top_level and toc.child_ids == tuple(c.element_id for c in facts.chapters)
    assert read_tags(mp3).parts == ()
