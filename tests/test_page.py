"""page.py: out/index.html as a browser would parse it (lxml.html), from real sidecar files."""

from __future__ import annotations

import json
import re
import time

import lxml.html
import pytest

from audiocast.publish.chapterfiles import write_chapters_file
from audiocast.model import Cue
from audiocast.publish.transcript import write_transcripts
from test_feed import config, episode

HOSTILE = '<img src=x onerror="alert(1)"> </script><script>alert(2)</script> & "quotes"'


def _cues(speaker: str) -> list[Cue]:
    return [Cue(300, 900, "Welcome to the show.", "Narrator"), Cue(950, 1500, HOSTILE, speaker),
            Cue(1520, 1990, "Back to the narrator.", "Narrator")]


@pytest.fixture
def page(tmp_path):
    """Two episodes with chapters and transcripts (hostile text in the older one) and the page written for them."""
    from audiocast.publish.page import write_page

    out = tmp_path / "out"
    old = episode(out, "older-one", day=1, title=f"Old {HOSTILE}", description=f"First para {HOSTILE}\n\nSecond para",
                  author=HOSTILE)
    new = episode(out, "newer-one", day=2, seconds=2.5)
    for ep, speaker in ((old, HOSTILE), (new, "Andrew Haigh")):
        write_chapters_file(ep.chapters, out, ep.slug)
        write_transcripts(_cues(speaker), out, ep.slug)
    (out / "cover.jpg").write_bytes(b"not read by the page")
    cfg = config(language="en-GB")
    path = write_page((old, new), cfg, out, cover=out / "cover.jpg")
    return out, path, (old, new), cfg


def test_episodes_newest_first_with_player_meta_chapters_and_transcript(page):
    out, path, (old, new), cfg = page
    doc = lxml.html.parse(str(path)).getroot()
    assert doc.get("lang") == "en-GB"
    boxes = doc.xpath(".//*[@data-episode]")
    assert [b.get("data-episode") for b in boxes] == ["newer-one", "older-one"]
    for box, ep in zip(boxes, (new, old)):
        audio = box.xpath(".//audio")
        assert len(audio) == 1 and audio[0].get("src") == ep.mp3_name and audio[0].get("controls") is not None
        assert box.xpath(".//h2")[0].text_content() == ep.title
        meta = box.xpath(".//*[@class='meta']")[0].text_content()
        assert ("1 January 2024" if ep is old else "2 January 2024") in meta and ep.author in meta
        assert ("0 min" not in meta) and ("2 s" in meta or "3 s" in meta)
        chapters = json.loads((out / f"{ep.slug}.chapters.json").read_text())["chapters"]
        starts = [el.get("data-chapter-start") for el in box.xpath(".//*[@data-chapter-start]")]
        assert starts == [json.dumps(c["startTime"]) for c in chapters]
        titles = [el.text_content() for el in box.xpath(".//*[@data-chapter-start]")]
        assert all(c["title"] in t for c, t in zip(chapters, titles))
    assert doc.xpath(".//link[@rel='alternate']")[0].get("href") == "feed.xml"
    assert doc.xpath(".//*[@data-feed-url]")[0].get("value") == cfg.podcast.feed_url


def test_transcript_cues_follow_the_vtt_timeline_with_speakers(page):
    out, path, _, _ = page
    doc = lxml.html.parse(str(path)).getroot()
    box = doc.xpath(".//*[@data-episode='newer-one']")[0]
    cues = box.xpath(".//*[@data-cue-start]")
    vtt = (out / "newer-one.vtt").read_text()
    timed = re.findall(r"^(\d\d):(\d\d):(\d\d)\.(\d{3}) --> .*\n<v ([^>]*)>", vtt, re.M)
    assert len(cues) == len(timed) == 3
    for cue, (h, m, s, ms, speaker) in zip(cues, timed):
        assert float(cue.get("data-cue-start")) == pytest.approx(int(h) * 3600 + int(m) * 60 + int(s) + int(ms) / 1000)
        assert cue.xpath(".//*[@class='speaker']")[0].text_content() == speaker
    assert "Andrew Haigh" in cues[1].text_content()


def test_article_text_stays_text(page):
    _, path, (old, _), _ = page
    raw = path.read_text(encoding="utf-8")
    doc = lxml.html.fromstring(raw)
    assert [img.get("src") for img in doc.iter("img")] == ["cover.jpg"]  # only the cover; no <img onerror>
    scripts = list(doc.iter("script"))
    assert len(scripts) == 1 and scripts[0].get("src") is None and "alert(" not in scripts[0].text
    assert not any(k.startswith("on") for el in doc.iter() for k in el.attrib)
    box = doc.xpath(".//*[@data-episode='older-one']")[0]
    assert HOSTILE in box.xpath(".//h2")[0].text_content()
    assert HOSTILE in box.xpath(".//*[@data-cue-start]//*[@class='speaker']")[1].text_content()
    assert HOSTILE in box.xpath(".//*[@data-cue-start]//*[@class='text']")[1].text_content()
    assert "<img src=x" not in raw and "<script>alert" not in raw


def test_self_contained_with_relative_links(page):
    _, path, _, _ = page
    doc = lxml.html.parse(str(path)).getroot()
    for el in doc.iter():
        for attr in ("src", "href"):
            value = el.get(attr)
            if value is not None:
                assert not re.match(r"^([a-z][a-z0-9+.-]*:|//)", value, re.I) or value == "data:,", value
    assert not doc.xpath(".//link[@rel='stylesheet']") and doc.xpath(".//style")
    links = [a.get("href") for a in doc.xpath(".//*[@data-chapter-start]")]
    assert all(re.fullmatch(r"(newer|older)-one\.mp3#t=[0-9.]+", h) for h in links), links


def test_unchanged_page_is_not_rewritten_and_missing_sidecars_are_tolerated(page):
    from audiocast.publish.page import write_page

    out, path, episodes, cfg = page
    stamp = path.stat().st_mtime_ns
    time.sleep(0.01)
    write_page(episodes, cfg, out, cover=out / "cover.jpg")
    assert path.stat().st_mtime_ns == stamp
    (out / "older-one.transcript.json").unlink()
    (out / "older-one.chapters.json").write_text("{not json")
    write_page(episodes, cfg, out, cover=out / "cover.jpg")
    box = lxml.html.parse(str(path)).getroot().xpath(".//*[@data-episode='older-one']")[0]
    assert box.xpath(".//audio") and not box.xpath(".//*[@data-cue-start]")
    assert len(box.xpath(".//*[@data-chapter-start]")) == len(episodes[0].chapters)  # from the episode record
    assert not list(out.glob(".index.html.*"))


def test_check_finds_a_page_that_disagrees_with_the_feed(page):
    from lxml import etree

    from audiocast.check.report import Collector
    from audiocast.check.page import check_page
    from audiocast.publish.feed import write_feed

    out, path, episodes, cfg = page
    write_feed(episodes, cfg, out, cover=out / "cover.jpg")
    items = etree.parse(str(out / "feed.xml")).getroot().findall("channel/item")
    good = path.read_text(encoding="utf-8")

    def codes(html: str | None) -> set[str]:
        if html is None:
            path.unlink()
        else:
            path.write_text(html, encoding="utf-8")
        c = Collector()
        check_page(out, items, c)
        return {f.code for f in c.findings}

    assert codes(good) == set()
    assert 'data-chapter-start="0.666"' in good
    assert codes(good.replace('data-chapter-start="0.666"', 'data-chapter-start="0.9"')) == {"page-chapters"}
    assert codes(good.replace('src="older-one.mp3"', 'src="gone.mp3"')) == {"page-audio", "page-episode"}
    assert codes(good.replace('src="older-one.mp3"', 'src="https://cdn.example/older-one.mp3"')) == {
        "page-audio", "page-episode"}
    assert codes(good.replace('data-episode="newer-one"', 'data-other="newer-one"')) == {"page-episode"}
    assert codes(good.replace("</head>", '<script src="https://cdn.example/x.js"></script></head>')) == {
        "page-external"}
    assert codes(None) == {"page-missing"}
