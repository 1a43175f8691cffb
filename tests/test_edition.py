"""The audio edition (build --edition): what a player, a podcast app and `audiocast check` see.

Built with the fake cast (tone bursts) so the whole module takes seconds; the chapters,
tags, feed and transcripts do not depend on which engine speaks.
"""

from __future__ import annotations

import functools
import io
import json
import re
import shutil
import subprocess
from pathlib import Path

import feedparser
import podcastparser
import pytest
from mutagen.id3 import ID3, CTOCFlags

from tests.conftest import SEEDS, assert_check_passes, free_port, gpodder, http_server, run_cli

DAY = "2026-12-02"
TITLE = "The audiocast Sampler — Wednesday 2 December 2026"
BASE = "http://127.0.0.1:8000/"


def build(src: Path, out: Path, voices: Path, *extra: str, check: bool = True):
    return run_cli("build", str(src), "-o", str(out), "--voices-dir", str(voices), "--cast", "fake", "-j", "1",
                   "--base-url", BASE, *extra, check=check)


def ffprobe_chapters(mp3: Path) -> list[dict]:
    proc = subprocess.run(["ffprobe", "-v", "error", "-show_chapters", "-of", "json", str(mp3)],
                          capture_output=True, text=True, check=True)
    return json.loads(proc.stdout)["chapters"]


@functools.cache
def seed_titles() -> dict[str, str]:
    """Each seed article's title as `audiocast script --json` gives it."""
    titles = {}
    for path in sorted(SEEDS.iterdir()):
        if path.suffix in (".txt", ".md", ".html"):
            titles[path.name] = json.loads(run_cli("script", str(path), "--json").stdout)["title"]
    return titles


def snapshot(out: Path) -> dict[str, tuple[int, int]]:
    return {p.name: (p.stat().st_mtime_ns, p.stat().st_size) for p in out.iterdir() if p.is_file()}


@pytest.fixture(scope="module")
def edition(tmp_path_factory, fake_voices):
    """seeds/ built with --edition: (src, out, the build's stdout+stderr)."""
    base = tmp_path_factory.mktemp("edition")
    src = base / "src"
    shutil.copytree(SEEDS, src)
    out = base / "out"
    proc = build(src, out, fake_voices, "--edition", "--edition-date", DAY)
    return src, out, proc.stdout + proc.stderr


def test_the_edition_has_a_chapter_per_article_in_order_from_start_to_end(edition):
    _, out, log = edition
    mp3 = out / f"edition-{DAY}.mp3"
    assert f"built   edition-{DAY}.mp3" in log
    chapters = ffprobe_chapters(mp3)
    titles = [c["tags"]["title"] for c in chapters]
    found = {name: titles.index(title) for name, title in seed_titles().items()}  # ValueError if one is missing
    # order: front matter order (none here), then date (repair-cafe.md 2024-03-09, then night-ferry.html),
    # then file name (all-of-us-strangers.txt has no date)
    assert sorted(found, key=found.get) == ["repair-cafe.md", "night-ferry.html", "all-of-us-strangers.txt"]
    assert titles[0] == "In this edition" and titles[-1] == "Credits"
    starts = [float(c["start_time"]) for c in chapters]
    ends = [float(c["end_time"]) for c in chapters]
    assert starts[0] == 0 and starts == sorted(starts)
    assert all(abs(a - b) < 0.002 for a, b in zip(ends, starts[1:]))
    probe = subprocess.run(["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0",
                            str(mp3)], capture_output=True, text=True, check=True)
    assert abs(ends[-1] - float(probe.stdout)) < 0.1
    # each article keeps its own chapters (repair-cafe.md's ## sections) nested in the edition
    assert titles[found["repair-cafe.md"] + 1: found["repair-cafe.md"] + 5] == [
        "A queue before the doors open", "The man with the soldering iron", "What it saves", "Next steps"]


def test_mutagen_reads_a_ctoc_per_article_holding_its_chapters(edition):
    _, out, _ = edition
    tag = ID3(out / f"edition-{DAY}.mp3")
    tocs = {t.element_id: t for t in tag.getall("CTOC")}
    chaps = {c.element_id: c for c in tag.getall("CHAP")}
    (top,) = [t for t in tocs.values() if t.flags & CTOCFlags.TOP_LEVEL]
    assert top.sub_frames["TIT2"].text == [TITLE]
    parts = [tocs[cid] for cid in top.child_element_ids]  # KeyError if the top level lists a CHAP
    part_titles = [p.sub_frames["TIT2"].text[0] for p in parts]
    assert part_titles[0] == "In this edition" and part_titles[-1] == "Credits"
    assert set(part_titles[1:-1]) == set(seed_titles().values())
    listed = [cid for p in parts for cid in p.child_element_ids]
    assert sorted(listed) == sorted(chaps)  # every CHAP in exactly one part
    previous_end = 0
    for part in parts:
        inside = [chaps[cid] for cid in part.child_element_ids]
        assert inside[0].start_time == previous_end  # parts contiguous, nested chapters contiguous
        for a, b in zip(inside, inside[1:]):
            assert a.end_time == b.start_time
        previous_end = inside[-1].end_time
    # an article's part opens with a chapter titled after it
    assert all(chaps[p.child_element_ids[0]].sub_frames["TIT2"].text == p.sub_frames["TIT2"].text for p in parts)


def test_podcast_apps_see_the_edition_with_its_stories_chapters_and_transcript(edition):
    _, out, _ = edition
    raw = (out / "feed.xml").read_bytes()
    parsed = feedparser.parse(raw)
    assert parsed.bozo == 0
    (entry,) = [e for e in parsed.entries if e.title == TITLE]
    assert entry.enclosures[0].href == BASE + f"edition-{DAY}.mp3"
    for title in seed_titles().values():
        assert title in entry.summary
    pp = podcastparser.parse(BASE + "feed.xml", io.BytesIO(raw))
    (ep,) = [e for e in pp["episodes"] if e["title"] == TITLE]
    assert [c["title"] for c in ep["chapters"]][0] == "In this edition"
    assert len(ep["chapters"]) == 2 + len(seed_titles())  # psc:chapters: the stories, not the nested chapters
    assert ep["enclosures"][0]["file_size"] == (out / f"edition-{DAY}.mp3").stat().st_size
    item = next(i for i in _items(raw) if i.findtext("title") == TITLE)
    ns = {"podcast": "https://podcastindex.org/namespace/1.0"}
    assert item.find("podcast:chapters", ns).get("url") == BASE + f"edition-{DAY}.chapters.json"
    authors = [p.text for p in item.findall("podcast:person", ns) if p.get("role") == "author"]
    assert authors == ["Nadia Brennan", "Callum Reid", "Emell Adolphus"]  # each author of the edition, once
    types = {t.get("type") for t in item.findall("podcast:transcript", ns)}
    assert {"text/vtt", "application/srt", "application/json"} <= types


def _items(raw: bytes):
    from lxml import etree

    return etree.fromstring(raw).iter("item")


def test_json_chapters_list_the_stories_with_nested_chapters_hidden_from_the_toc(edition):
    _, out, _ = edition
    doc = json.loads((out / f"edition-{DAY}.chapters.json").read_text())
    shown = [c for c in doc["chapters"] if c.get("toc", True)]
    assert [c["title"] for c in shown][0] == "In this edition" and len(shown) == 2 + len(seed_titles())
    parent = None
    for chapter in doc["chapters"]:
        if chapter.get("toc", True):
            parent = chapter
        else:
            assert parent["startTime"] <= chapter["startTime"] < chapter["endTime"] <= parent["endTime"]
    assert all(a["endTime"] == b["startTime"] for a, b in zip(shown, shown[1:]))


def test_the_transcript_covers_the_whole_edition_with_its_speakers(edition):
    _, out, _ = edition
    cues = json.loads((out / f"edition-{DAY}.transcript.json").read_text())["segments"]
    per_article = sum(len(json.loads((out / f"{slug}.transcript.json").read_text())["segments"])
                      for slug in ("all-of-us-strangers", "night-ferry", "repair-cafe"))
    texts = [c["body"] for c in cues]
    assert texts[0].startswith(TITLE)
    assert any("Our first story" in t for t in texts) and any("And finally" in t for t in texts)
    assert any("the voices are synthetic" in t for t in texts)
    # every article's body, without its own intro and credits, plus the edition's opening, transitions and credits
    assert len(cues) > per_article - 2 * 3
    speakers = {c["speaker"] for c in cues}
    assert "Narrator" in speakers and len(speakers) >= 4
    vtt = (out / f"edition-{DAY}.vtt").read_text()
    assert vtt.startswith("WEBVTT") and "<v Narrator>" in vtt


def test_check_passes_and_a_second_build_synthesises_and_touches_nothing(edition, fake_voices):
    src, out, _ = edition
    report = assert_check_passes(out)
    assert re.search(rf"ok      edition-{DAY}\.mp3: an edition of 5 parts, \d+ nested chapters", report), report
    before = snapshot(out)
    again = build(src, out, fake_voices, "--edition", "--edition-date", DAY)
    assert re.search(r"^\d+ episode\(s\) built, 0 failed, 0 clips synthesised", again.stdout, re.M), again.stdout
    assert snapshot(out) == before


def test_an_edition_made_after_its_episodes_synthesises_only_what_it_adds(tmp_path, fake_voices):
    src = tmp_path / "src"
    shutil.copytree(SEEDS, src)
    build(src, tmp_path / "out", fake_voices)
    proc = build(src, tmp_path / "out", fake_voices, "--edition", "--edition-date", DAY)
    line = next(ln for ln in (proc.stdout + proc.stderr).splitlines() if ln.startswith(f"built   edition-{DAY}"))
    # the opening (title + 3 headlines), 3 transitions and the credits: nothing of the articles themselves
    synthesised = int(line.split(" clips synthesised")[0].rsplit(" ", 1)[1])
    assert 0 < synthesised <= 16, line


def test_a_rebuild_the_same_day_replaces_the_edition_and_the_next_day_adds_one(tmp_path, fake_voices):
    src, out = tmp_path / "src", tmp_path / "out"
    shutil.copytree(SEEDS, src)
    build(src, out, fake_voices, "--edition", "--edition-date", DAY)
    first = _editions(out)
    story = src / "all-of-us-strangers.txt"
    story.write_text(story.read_text() + "\nOne more sentence for the late edition.\n")
    build(src, out, fake_voices, "--edition", "--edition-date", DAY)
    second = _editions(out)
    assert len(second) == 1 and second[0]["guid"] == first[0]["guid"]
    assert second[0]["mp3_name"] != first[0]["mp3_name"]  # new audio under a new name
    assert not (out / first[0]["mp3_name"]).exists()
    build(src, out, fake_voices, "--edition", "--edition-date", "2026-12-03")
    third = _editions(out)
    assert {e["slug"] for e in third} == {f"edition-{DAY}", "edition-2026-12-03"}
    assert len({e["guid"] for e in third}) == 2
    guids = [i.findtext("guid") for i in _items((out / "feed.xml").read_bytes())]
    assert len(guids) == len(set(guids)) == 3 + 2
    assert_check_passes(out)


def _editions(out: Path) -> list[dict]:
    return [e for e in json.loads((out / "episodes.json").read_text())["episodes"] if e["slug"].startswith("edition-")]


def test_per_article_false_order_and_url_from_the_config_and_front_matter(tmp_path, fake_voices):
    src, out = tmp_path / "src", tmp_path / "out"
    src.mkdir()
    shutil.copy(SEEDS / "audiocast.toml", src)
    with (src / "audiocast.toml").open("a") as toml:
        toml.write('\n[edition]\nenabled = true\nper_article = false\ntitle = "Daily {date:%Y-%m-%d}"\n')
    for name, order in (("alpha", 2), ("beta", 1)):
        (src / f"{name}.md").write_text(
            f"---\ntitle: Story {name}\nauthor: Ann {name.title()}\norder: {order}\nurl: https://example.com/{name}\n"
            f"---\n\nThe {name} council met. \"We will open it again,\" said the mayor, Maria Lopez.\n")
    build(src, out, fake_voices, "--edition-date", DAY)
    assert sorted(p.name for p in out.glob("*.mp3")) == [f"edition-{DAY}.mp3"]
    doc = json.loads((out / f"edition-{DAY}.chapters.json").read_text())
    shown = [(c["title"], c.get("url")) for c in doc["chapters"] if c.get("toc", True)]
    assert shown == [("In this edition", None), ("Story beta", "https://example.com/beta"),
                     ("Story alpha", "https://example.com/alpha"), ("Credits", None)]
    assert doc["title"] == f"Daily {DAY}"
    cues = json.loads((out / f"edition-{DAY}.transcript.json").read_text())["segments"]
    assert any("Written by Ann Beta and Ann Alpha" in c["body"] for c in cues)
    assert_check_passes(out)


def test_check_reports_an_article_missing_from_the_edition(edition, tmp_path):
    _, built, _ = edition
    out = tmp_path / "out"
    shutil.copytree(built, out)
    state = json.loads((out / "episodes.json").read_text())
    record = next(e for e in state["episodes"] if e["slug"] == f"edition-{DAY}")
    record["parts"].insert(2, {"title": "A story that was dropped", "start_ms": 0, "end_ms": 1})
    (out / "episodes.json").write_text(json.dumps(state))
    proc = run_cli("check", str(out), check=False)
    assert proc.returncode == 1
    assert "[edition-articles]" in proc.stdout and "A story that was dropped" in proc.stdout


def test_a_bad_edition_title_pattern_is_a_one_line_config_error(tmp_path):
    (tmp_path / "audiocast.toml").write_text('[edition]\ntitle = "{show} {when}"\n')
    (tmp_path / "a.txt").write_text("Title\n\nSome text to read.\n")
    proc = run_cli("build", str(tmp_path), "-o", str(tmp_path / "out"), check=False)
    assert proc.returncode != 0 and "edition.title" in proc.stderr and "Traceback" not in proc.stderr


def test_check_reports_a_chapter_left_out_of_every_article_and_a_sub_chapter_outside_its_part(edition, tmp_path):
    _, built, _ = edition
    out = tmp_path / "out"
    shutil.copytree(built, out)
    mp3 = out / f"edition-{DAY}.mp3"
    tag = ID3(mp3)
    (top,) = [t for t in tag.getall("CTOC") if t.flags & CTOCFlags.TOP_LEVEL]
    story = next(t for t in tag.getall("CTOC") if t.element_id == top.child_element_ids[1])
    dropped = story.child_element_ids.pop()
    tag.save(mp3, v2_version=3)
    doc_path = out / f"edition-{DAY}.chapters.json"
    doc = json.loads(doc_path.read_text())
    nested = [c for c in doc["chapters"] if c.get("toc") is False]
    nested[1]["endTime"] = doc["chapters"][-1]["endTime"]  # runs past the end of its article
    doc_path.write_text(json.dumps(doc))
    proc = run_cli("check", str(out), check=False)
    assert proc.returncode == 1
    assert "[ctoc-children]" in proc.stdout and f"in none: {dropped}" in proc.stdout
    assert "[chapters-nesting]" in proc.stdout


def test_the_seed_edition_with_the_real_voices_takes_its_clips_from_the_episodes(seed_build, tmp_path):
    """The issue's check: `build seeds/ --edition`: a chapter per seed title, in the feed, check passes, twice."""
    built, _, env = seed_build
    out = tmp_path / "out"
    shutil.copytree(built, out)  # the episodes and their cast memory, with the clip cache they were built with
    proc = run_cli("build", str(SEEDS), "-o", str(out), "--base-url", BASE, "--edition", "--edition-date", DAY,
                   env=env)
    line = next(ln for ln in (proc.stdout + proc.stderr).splitlines() if ln.startswith(f"built   edition-{DAY}"))
    assert 0 < int(line.split(" clips synthesised")[0].rsplit(" ", 1)[1]) <= 16, line  # only what it adds
    titles = [c["tags"]["title"] for c in ffprobe_chapters(out / f"edition-{DAY}.mp3")]
    assert set(seed_titles().values()) <= set(titles)
    assert f'url="{BASE}edition-{DAY}.mp3"' in (out / "feed.xml").read_text()
    report = assert_check_passes(out, env=env)
    parts = rf"ok      edition-{DAY}\.mp3: an edition of {2 + len(seed_titles())} parts, \d+ nested chapters"
    assert re.search(parts, report), report
    again = run_cli("build", str(SEEDS), "-o", str(out), "--base-url", BASE, "--edition", "--edition-date", DAY,
                    env=env)
    assert re.search(r"^\d+ episode\(s\) built, 0 failed, 0 clips synthesised", again.stdout, re.M), again.stdout


@pytest.mark.skipif(shutil.which("gpo") is None, reason="gPodder's `gpo` is not installed (apt-get install gpodder)")
def test_gpodder_downloads_the_edition_byte_identical(tmp_path, fake_voices):
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    src, out = tmp_path / "src", tmp_path / "out"
    shutil.copytree(SEEDS, src)
    run_cli("build", str(src), "-o", str(out), "--voices-dir", str(fake_voices), "--cast", "fake", "-j", "1",
            "--base-url", base, "--edition", "--edition-date", DAY)
    home = tmp_path / "gpodder"
    gpo = gpodder(home)
    record = _editions(out)[0]
    with http_server(out, port):
        gpo("subscribe", base + "feed.xml")
        gpo("update")
        assert record["guid"] in gpo("episodes", "--guid")
        gpo("download", base + "feed.xml", record["guid"])
    (downloaded,) = [p for p in (home / "downloads").rglob("*.mp3")]
    assert downloaded.read_bytes() == (out / record["mp3_name"]).read_bytes()


def test_a_bad_article_fails_alone_and_the_edition_is_made_of_the_others(tmp_path, fake_voices):
    src, out = tmp_path / "src", tmp_path / "out"
    shutil.copytree(SEEDS, src)
    (src / "broken.txt").write_bytes(b"")
    proc = build(src, out, fake_voices, "--edition", "--edition-date", DAY, check=False)
    log = proc.stdout + proc.stderr
    assert proc.returncode != 0 and "FAILED" in log and "broken.txt" in log and "Traceback" not in log
    assert f"built   edition-{DAY}.mp3" in log
    doc = json.loads((out / f"edition-{DAY}.chapters.json").read_text())
    assert {c["title"] for c in doc["chapters"] if c.get("toc", True)} == {
        "In this edition", "Credits", *seed_titles().values()}


def test_an_unknown_edition_order_is_a_config_error(tmp_path):
    (tmp_path / "audiocast.toml").write_text('[edition]\norder = "random"\n')
    (tmp_path / "a.txt").write_text("Title\n\nSome text to read.\n")
    proc = run_cli("build", str(tmp_path), "-o", str(tmp_path / "out"), check=False)
    assert proc.returncode != 0 and "edition.order: expected one of order, date, name, got 'random'" in proc.stderr


def test_an_edition_file_a_killed_build_left_unpublished_is_removed(edition, tmp_path, fake_voices):
    src, built, _ = edition
    out = tmp_path / "out"
    shutil.copytree(built, out)
    for name in (f"edition-{DAY}.0badcafe.mp3", f"edition-{DAY}.0badcafe.vtt"):
        (out / name).write_bytes(b"half written")
    build(src, out, fake_voices, "--edition", "--edition-date", DAY)
    assert not list(out.glob(f"edition-{DAY}.0badcafe.*"))
    assert (out / f"edition-{DAY}.mp3").is_file()


def test_without_a_date_the_edition_is_todays(tmp_path, fake_voices):
    import datetime as dt

    src = tmp_path / "src"
    src.mkdir()
    (src / "a.txt").write_text("A Short Story\n\nThe council met. \"We will open it again,\" said the mayor, Maria Lopez.\n")
    before = dt.date.today()
    proc = build(src, tmp_path / "out", fake_voices, "--edition")
    names = {f"edition-{day}.mp3" for day in (before, dt.date.today())}  # a build across midnight is either day
    assert any((tmp_path / "out" / name).is_file() for name in names), proc.stdout + proc.stderr


def test_the_web_page_lists_the_editions_articles_as_its_chapters(edition):
    import lxml.html

    _, out, _ = edition
    page = lxml.html.parse(str(out / "index.html")).getroot()
    (block,) = page.xpath(f"//*[@data-episode='edition-{DAY}']")
    links = block.xpath(".//ol[contains(@class, 'chapters')]//a")
    titles = [a.xpath("string(span[2])") for a in links]
    assert titles[0] == "In this edition" and titles[-1] == "Credits"
    assert set(titles[1:-1]) == set(seed_titles().values())
    doc = json.loads((out / f"edition-{DAY}.chapters.json").read_text())
    assert [float(a.get("data-chapter-start")) for a in links] == [
        c["startTime"] for c in doc["chapters"] if c.get("toc", True)]
