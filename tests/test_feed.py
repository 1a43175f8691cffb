"""feed.py: the RSS feed as podcast apps read it (feedparser, podcastparser, gPodder) and as XML."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import html
import io
import shutil
import subprocess
import time
import uuid
from pathlib import Path

import feedparser
import podcastparser
import pytest
from lxml import etree

from audiocast.config import Config, PodcastConfig
from audiocast.errors import AudiocastError
from audiocast.model import Chapter, Episode
from tests.conftest import free_port, gpodder, http_server

NS = {"itunes": "http://www.itunes.com/dtds/podcast-1.0.dtd", "podcast": "https://podcastindex.org/namespace/1.0",
      "atom": "http://www.w3.org/2005/Atom", "psc": "http://podlove.org/simple-chapters",
      "content": "http://purl.org/rss/1.0/modules/content/"}
BASE = "http://127.0.0.1:8000/"
SPECIAL = "Tom & Jerry's <\"Best\"> Café — naïve 日本 ✓"


# --------------------------------------------------------------------------- helpers (also used by test_state/check)
def make_mp3(path: Path, seconds: float = 2.0, freq: int = 440) -> Path:
    """A real CBR 64 kbps mono 44.1 kHz MP3 (ffmpeg, sine tone)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", f"sine=frequency={freq}:duration={seconds}",
         "-ac", "1", "-ar", "44100", "-c:a", "libmp3lame", "-b:a", "64k", str(path)],
        check=True, timeout=60,
    )
    return path


def chapters_for(duration_ms: int, n: int = 3) -> tuple[Chapter, ...]:
    step = duration_ms // n
    bounds = [i * step for i in range(n)] + [duration_ms]
    return tuple(Chapter(f"Part {i + 1}", bounds[i], bounds[i + 1]) for i in range(n))


def episode(out: Path, slug: str, *, title: str = "", day: int = 1, seconds: float = 2.0, author: str = "Jane Doe",
            speakers: tuple[str, ...] = ("Andrew Haigh",), description: str = "What it is about.",
            guid: str = "", number=None, freq: int = 440) -> Episode:
    """An Episode whose MP3 exists in ``out`` (sidecar files are named, not written)."""
    mp3 = make_mp3(out / f"{slug}.mp3", seconds, freq)
    duration_ms = int(seconds * 1000)
    when = dt.datetime(2024, 1, day, 9, 30, tzinfo=dt.timezone.utc)
    return Episode(
        slug=slug, guid=guid, title=title or slug.replace("-", " ").title(), author=author, description=description,
        pub_date=when, mp3_name=mp3.name, size_bytes=mp3.stat().st_size, duration_ms=duration_ms,
        chapters=chapters_for(duration_ms), speakers=speakers, source=f"seeds/{slug}.txt",
        first_published=when, number=number,
        transcripts=((f"{slug}.vtt", "text/vtt"), (f"{slug}.srt", "application/x-subrip"),
                     (f"{slug}.transcript.json", "application/json")),
        chapters_json=f"{slug}.chapters.json",
    )


def config(**podcast) -> Config:
    values = {"title": "The Weekly Reader", "base_url": BASE, "author": "Reader Media", "owner_name": "Ann Owner",
              "owner_email": "ann@example.com", "category": "News", "subcategory": "Daily News", **podcast}
    return Config(podcast=PodcastConfig(**values))


@pytest.fixture
def built(tmp_path):
    """Two episodes (second newer) written with write_feed: (out, episodes, feed bytes)."""
    from audiocast.publish.feed import write_feed
    from audiocast.publish.state import merge_episode

    out = tmp_path / "out"
    episodes: tuple[Episode, ...] = ()
    episodes = merge_episode(episodes, episode(out, "older", day=1, seconds=2.0))
    episodes = merge_episode(episodes, episode(out, "newer", day=5, seconds=3.0, freq=660,
                                               speakers=("Andrew Haigh", "Graham Broadbent")))
    path = write_feed(episodes, config(), out)
    assert path == out / "feed.xml"
    return out, episodes, path.read_bytes()


# --------------------------------------------------------------------------- parsers
def test_feedparser_and_podcastparser_read_the_feed(built):
    out, episodes, raw = built
    parsed = feedparser.parse(raw)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.feed.title == "The Weekly Reader"
    assert [e.title for e in parsed.entries] == ["Newer", "Older"]
    pp = podcastparser.parse(BASE + "feed.xml", io.BytesIO(raw))
    assert pp["title"] == "The Weekly Reader"
    assert len(pp["episodes"]) == 2
    for ep in pp["episodes"]:
        (enc,) = ep["enclosures"]
        name = enc["url"].rsplit("/", 1)[-1]
        assert enc["url"] == BASE + name
        assert enc["file_size"] == (out / name).stat().st_size > 10_000
        assert enc["mime_type"] == "audio/mpeg"
    assert {ep["total_time"] for ep in pp["episodes"]} == {2, 3}
    # podcastparser reads psc:chapters (whole seconds)
    assert pp["episodes"][0]["chapters"] == [{"start": 0, "title": "Part 1"}, {"start": 1, "title": "Part 2"},
                                             {"start": 2, "title": "Part 3"}]
    assert pp["cover_url"] == BASE + "cover.jpg"


def test_items_are_newest_first_with_rfc2822_dates_and_stable_guids(built):
    out, episodes, raw = built
    root = etree.fromstring(raw)
    items = root.findall("channel/item")
    assert [i.findtext("title") for i in items] == ["Newer", "Older"]
    assert [i.findtext("pubDate") for i in items] == ["Fri, 05 Jan 2024 09:30:00 +0000",
                                                      "Mon, 01 Jan 2024 09:30:00 +0000"]
    guids = [i.find("guid") for i in items]
    assert all(g.get("isPermaLink") == "false" and uuid.UUID(g.text) for g in guids)
    assert len({g.text for g in guids}) == 2
    assert [i.findtext("itunes:episode", namespaces=NS) for i in items] == ["2", "1"]
    assert [i.findtext("itunes:episodeType", namespaces=NS) for i in items] == ["full", "full"]
    assert [i.findtext("itunes:duration", namespaces=NS) for i in items] == ["00:00:03", "00:00:02"]


def test_channel_tags_in_the_xml(built):
    out, _, raw = built
    ch = etree.fromstring(raw).find("channel")
    assert ch.findtext("itunes:explicit", namespaces=NS) == "false"
    assert ch.findtext("itunes:type", namespaces=NS) == "episodic"
    assert ch.find("atom:link", NS).attrib == {"href": BASE + "feed.xml", "rel": "self",
                                               "type": "application/rss+xml"}
    # podcast:guid: UUIDv5 of the feed URL without scheme and trailing slash, computed independently here.
    expected = uuid.uuid5(uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6"), "127.0.0.1:8000/feed.xml")
    assert ch.findtext("podcast:guid", namespaces=NS) == str(expected)
    locked = ch.find("podcast:locked", NS)
    assert (locked.text, locked.get("owner")) == ("yes", "ann@example.com")
    owner = ch.find("itunes:owner", NS)
    assert owner.findtext("itunes:name", namespaces=NS) == "Ann Owner"
    assert owner.findtext("itunes:email", namespaces=NS) == "ann@example.com"
    cat = ch.find("itunes:category", NS)
    assert cat.get("text") == "News" and cat.find("itunes:category", NS).get("text") == "Daily News"
    href = ch.find("itunes:image", NS).get("href")
    assert href == BASE + "cover.jpg" == ch.findtext("image/url")
    from PIL import Image

    with Image.open(out / "cover.jpg") as img:
        assert img.size == (1400, 1400) and img.format == "JPEG" and img.mode == "RGB"


def test_podcast_guid_matches_the_spec_examples():
    from audiocast.publish.state import podcast_guid

    assert podcast_guid("https://mp3s.nashownotes.com/pc20rss.xml") == "917393e3-1b1e-5cef-ace4-edaa54e1f810"
    assert podcast_guid("https://podnews.net/rss/") == "9b024349-ccf0-5f69-a609-6b82873eab3c"


def test_item_chapters_transcripts_people_and_enclosure(built):
    out, episodes, raw = built
    newer = etree.fromstring(raw).find("channel/item")
    enc = newer.find("enclosure")
    assert enc.attrib == {"url": BASE + "newer.mp3", "length": str((out / "newer.mp3").stat().st_size),
                          "type": "audio/mpeg"}
    chapters = newer.find("podcast:chapters", NS)
    assert chapters.attrib == {"url": BASE + "newer.chapters.json", "type": "application/json+chapters"}
    transcripts = {t.get("type"): t.attrib for t in newer.findall("podcast:transcript", NS)}
    assert transcripts["text/vtt"] == {"url": BASE + "newer.vtt", "type": "text/vtt", "language": "en",
                                       "rel": "captions"}
    assert transcripts["application/x-subrip"]["rel"] == "captions"
    assert transcripts["application/json"]["url"] == BASE + "newer.transcript.json"
    assert "rel" not in transcripts["application/json"]
    people = [(p.text, p.get("role"), p.get("group")) for p in newer.findall("podcast:person", NS)]
    assert people == [("Jane Doe", "author", "writing"), ("Andrew Haigh", "guest", "cast"),
                      ("Graham Broadbent", "guest", "cast")]
    psc = newer.find("psc:chapters", NS)
    assert psc.get("version") == "1.2"
    assert [(c.get("start"), c.get("title")) for c in psc] == [
        ("00:00:00.000", "Part 1"), ("00:00:01.000", "Part 2"), ("00:00:02.000", "Part 3")]
    description = newer.findtext("description")
    assert description.startswith("What it is about.")
    from audiocast.publish.chapterfiles import description_timestamps

    assert description.endswith(description_timestamps(episodes[1].chapters))
    assert "Part 3" in newer.findtext("content:encoded", namespaces=NS)


def test_special_characters_round_trip(tmp_path):
    from audiocast.publish.feed import write_feed

    out = tmp_path / "out"
    ep = episode(out, "special", title=SPECIAL, description=f"About {SPECIAL}\x0b.", author="Zoë <O'Brien>",
                 speakers=("Ana & \"Bo\"",))
    raw = write_feed([ep], config(title=SPECIAL, description=SPECIAL, author=SPECIAL), out).read_bytes()
    parsed = feedparser.parse(raw)
    assert parsed.bozo == 0
    assert parsed.feed.title == SPECIAL
    assert parsed.entries[0].title == SPECIAL
    # the description is HTML to clients: article text arrives escaped, and reads back as the text itself
    assert html.unescape(parsed.entries[0].summary).startswith(f"About {SPECIAL}.")  # the control character dropped
    root = etree.fromstring(raw)
    item = root.find("channel/item")
    assert item.findtext("title") == SPECIAL
    assert root.findtext("channel/title") == SPECIAL
    assert [p.text for p in item.findall("podcast:person", NS)] == ["Zoë <O'Brien>", "Ana & \"Bo\""]
    pp = podcastparser.parse(BASE + "feed.xml", io.BytesIO(raw))
    assert pp["episodes"][0]["title"] == SPECIAL
    assert b"&amp;" in raw and b"&lt;" in raw  # escaped by lxml, not mangled


def test_explicit_unlocked_feed_without_owner(tmp_path):
    from audiocast.publish.feed import write_feed

    out = tmp_path / "out"
    ep = episode(out, "one")
    raw = write_feed([ep], config(explicit=True, locked=False, owner_name="", owner_email="", subcategory=""),
                     out).read_bytes()
    ch = etree.fromstring(raw).find("channel")
    assert ch.findtext("itunes:explicit", namespaces=NS) == "true"
    assert ch.find("item/itunes:explicit", NS).text == "true"
    locked = ch.find("podcast:locked", NS)
    assert locked.text == "no" and locked.get("owner") is None
    assert ch.find("itunes:owner", NS) is None
    assert ch.find("itunes:category/itunes:category", NS) is None
    assert feedparser.parse(raw).bozo == 0


def test_a_missing_mp3_is_an_error_naming_it(tmp_path):
    from audiocast.publish.feed import write_feed

    out = tmp_path / "out"
    ep = episode(out, "gone")
    (out / "gone.mp3").unlink()
    with pytest.raises(AudiocastError, match="gone.mp3"):
        write_feed([ep], config(), out)
    assert not (out / "feed.xml").exists()


def test_enclosure_length_is_read_from_disk_not_the_record(tmp_path):
    from audiocast.publish.feed import write_feed

    out = tmp_path / "out"
    ep = dataclasses.replace(episode(out, "one"), size_bytes=1)
    root = etree.fromstring(write_feed([ep], config(), out).read_bytes())
    assert root.find("channel/item/enclosure").get("length") == str((out / "one.mp3").stat().st_size)


# --------------------------------------------------------------------------- gPodder
@pytest.mark.skipif(shutil.which("gpo") is None, reason="gPodder's `gpo` is not installed (apt-get install gpodder)")
def test_gpodder_subscribes_updates_and_downloads_byte_identical_episodes(tmp_path):
    from audiocast.publish.feed import write_feed
    from audiocast.publish.state import merge_episode

    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    out = tmp_path / "out"
    episodes: tuple[Episode, ...] = ()
    for i, slug in enumerate(("first-one", "second-one")):
        episodes = merge_episode(episodes, episode(out, slug, day=i + 1, seconds=2 + i, freq=300 + 200 * i))
    write_feed(episodes, config(base_url=base), out)

    home = tmp_path / "gpodder"
    gpo = gpodder(home)
    with http_server(out, port):
        gpo("subscribe", base + "feed.xml")
        gpo("update")
        listing = gpo("episodes", "--guid")
        for ep in episodes:
            assert ep.guid in listing, listing
        gpo("download")
        for ep in episodes:  # gPodder marks older episodes as old on subscribe: fetch those by guid
            gpo("download", base + "feed.xml", ep.guid)

    def digest(p: Path) -> str:
        return hashlib.sha256(p.read_bytes()).hexdigest()

    downloaded = sorted(digest(p) for p in (home / "downloads").rglob("*.mp3"))
    assert downloaded == sorted(digest(out / ep.mp3_name) for ep in episodes)


def test_the_previous_feed_is_read_once(tmp_path):
    # before: parsed for its lastBuildDate, then read again to compare: twice its size read from disk
    from audiocast.publish.feed import write_feed

    out = tmp_path / "out"
    first = episode(out, "first")
    episodes = [first]
    for i in range(1, 150):  # a long feed, so its size stands out from anything else read
        shutil.copyfile(out / first.mp3_name, out / f"ep-{i}.mp3")
        episodes.append(dataclasses.replace(first, slug=f"ep-{i}", mp3_name=f"ep-{i}.mp3", guid=f"guid-{i}",
                                            title=f"Episode {i} " + "of a long title " * 8))
    feed = write_feed(episodes, config(), out)
    write_feed(episodes, config(), out)  # warm: anything read once per process is read now

    def read_so_far() -> int:
        return int(Path("/proc/self/io").read_text().split("rchar:")[1].split()[0])

    before = read_so_far()
    write_feed(episodes, config(), out)
    read = read_so_far() - before
    size = feed.stat().st_size
    assert size > 200_000
    assert size <= read < 1.5 * size, (read, size)


def test_a_fifo_planted_as_the_feed_is_replaced_not_read(tmp_path, built):
    # before: lxml opened it to read the last build date, and the build waited for a writer forever
    import os
    import threading

    from audiocast.publish.feed import write_feed

    out, episodes, raw = built
    (out / "feed.xml").unlink()
    os.mkfifo(out / "feed.xml")
    worker = threading.Thread(target=write_feed, args=(episodes, config(), out), daemon=True)
    worker.start()
    worker.join(30)
    assert not worker.is_alive(), "write_feed waited on the FIFO"
    assert (out / "feed.xml").is_file() and b"<rss" in (out / "feed.xml").read_bytes()


def test_an_unchanged_feed_is_not_rewritten_and_a_changed_one_is(built):
    from audiocast.publish.feed import write_feed

    out, episodes, raw = built
    feed = out / "feed.xml"
    stamp = feed.stat().st_mtime_ns
    time.sleep(0.01)
    assert write_feed(episodes, config(), out) == feed
    assert feed.read_bytes() == raw and feed.stat().st_mtime_ns == stamp
    changed = (dataclasses.replace(episodes[0], title="Retitled"), episodes[1])
    write_feed(changed, config(), out)
    assert b"Retitled" in feed.read_bytes()
