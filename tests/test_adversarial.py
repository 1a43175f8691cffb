"""Issue 11, "dependable every day": each fault injected for real (files, kills, symlinks, a full disk)."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from conftest import run_cli

ARTICLE = """{title}

by Ada Writer

The council met on Tuesday. "We will open the {title} again," said the mayor, Maria Lopez.

Residents were pleased. "It took long enough," said John Smith, who lives nearby.
"""


def build(src, out, fake_voices, *extra, check=False):
    return run_cli("build", str(src), "-o", str(out), "--voices-dir", str(fake_voices), "--cast", "fake", "-j", "1",
                   *extra, check=check)


def feed_items(out: Path) -> list[dict]:
    root = ET.parse(out / "feed.xml").getroot()
    return [{"title": item.findtext("title"), "guid": item.findtext("guid"),
             "url": item.find("enclosure").get("url"), "length": int(item.find("enclosure").get("length"))}
            for item in root.iter("item")]


def state(out: Path) -> dict[str, dict]:
    return {e["slug"]: e for e in json.loads((out / "episodes.json").read_text())["episodes"]}


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# --------------------------------------------------------------------------- 1. every article keeps its episode
def test_names_that_slugify_alike_keep_one_episode_each_and_stable_slugs(tmp_path, fake_voices):
    src, out = tmp_path / "src", tmp_path / "out"
    src.mkdir()
    names = {"cafe.txt": "Corner Cafe", "café.txt": "Accent Cafe", "cafe.md": "Markdown Cafe",
             "日本.txt": "Japan Notes", "中文.txt": "Chinese Notes"}
    for name, title in list(names.items())[:4]:
        write(src / name, ("# " if name.endswith(".md") else "") + ARTICLE.format(title=title))
    proc = build(src, out, fake_voices)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    first = state(out)
    assert len(first) == 4 and len(feed_items(out)) == 4
    assert {e["title"] for e in first.values()} == {names[n] for n in list(names)[:4]}
    assert "cafe" in first and first["cafe"]["source"].endswith("cafe.md")  # exact names first, then by name
    assert "riben" in first  # transliterated, not "article"
    assert proc.stdout.count("is already used by") == 2  # never silent
    # every enclosure is its own article's audio: distinct URLs, each file present with the stated length
    items = feed_items(out)
    assert len({i["url"] for i in items}) == 4 and len({i["guid"] for i in items}) == 4
    for item in items:
        assert (out / item["url"].rsplit("/", 1)[1]).stat().st_size == item["length"]

    # adding a fifth file (and rebuilding everything) renames nothing and moves no guid
    write(src / "中文.txt", ARTICLE.format(title=names["中文.txt"]))
    assert build(src, out, fake_voices, "--force").returncode == 0
    second = state(out)
    assert len(second) == 5 and len(feed_items(out)) == 5
    for slug, ep in first.items():
        assert (second[slug]["source"], second[slug]["guid"], second[slug]["title"]) == \
               (ep["source"], ep["guid"], ep["title"])
    assert "zhongwen" in second
