"""The web page half of ``audiocast check``: ``index.html`` against the feed it presents.

Every feed item must be on the page as a ``[data-episode]`` block whose ``<audio>`` player
points, by a relative link, to the item's MP3 in the output folder, and whose chapter starts
(``data-chapter-start``) are those of the item's JSON chapters file.  The page must be
self-contained (no script or stylesheet from elsewhere).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional
from urllib.parse import unquote, urlsplit

import lxml.html
from lxml import etree

from audiocast.check.report import Collector
from audiocast.publish.feed import NSMAP

PAGE = "index.html"
PODCAST = NSMAP["podcast"]
START_TOLERANCE_S = 0.0005


def check_page(out_dir: Path, items, c: Collector) -> None:
    """Record findings about ``out_dir/index.html`` for the feed's ``items`` in the collector ``c``."""
    path = Path(out_dir) / PAGE
    if not path.is_file():
        c.warn(PAGE, "page-missing", "no web page in the output folder (`audiocast build` writes it)")
        return
    try:
        doc = lxml.html.parse(str(path)).getroot()
    except (OSError, etree.ParserError, ValueError) as exc:
        c.error(PAGE, "page-html", f"cannot be parsed as HTML ({exc})")
        return
    if doc is None:
        c.error(PAGE, "page-html", "the page is empty")
        return
    for src in doc.xpath("//script/@src | //link[@rel='stylesheet']/@href"):
        if urlsplit(src).scheme or urlsplit(src).netloc:
            c.error(PAGE, "page-external", f"the page loads {src} from elsewhere; it must be self-contained")
    players = _players(doc, Path(out_dir), c)
    for item in items:
        enclosure = item.find("enclosure")
        if enclosure is None:
            continue  # reported by the feed checks
        name = _name(enclosure.get("url", ""))
        box = players.get(name)
        if box is None:
            c.error(PAGE, "page-episode", f"{name} is in the feed but has no player on the page")
            continue
        link = item.find(f"{{{PODCAST}}}chapters")
        expected = _chapter_starts(Path(out_dir) / _name(link.get("url", ""))) if link is not None else None
        found = [_float(v) for v in box.xpath(".//@data-chapter-start")]
        if expected is not None and (len(found) != len(expected) or any(
                f is None or abs(f - e) > START_TOLERANCE_S for f, e in zip(found, expected))):
            c.error(PAGE, "page-chapters", f"the chapters of {name} on the page start at {found}, "
                    f"but its chapters file says {expected}")
    c.ok(f"{PAGE}: {len(players)} episode(s) with players; chapter starts as in the chapters files")


def _players(doc, out_dir: Path, c: Collector) -> dict[str, object]:
    """MP3 file name -> its ``[data-episode]`` block, for players whose source is a file in ``out_dir``."""
    players = {}
    for box in doc.xpath("//*[@data-episode]"):
        slug = box.get("data-episode")
        sources = box.xpath(".//audio/@src | .//audio/source/@src")
        if not sources:
            c.error(PAGE, "page-audio", f"episode {slug!r} has no <audio> player with a source")
        for src in sources:
            parts = urlsplit(src)
            name = unquote(parts.path)
            if parts.scheme or parts.netloc or not name or "/" in name or name.startswith("."):
                c.error(PAGE, "page-audio", f"the player of {slug!r} points to {src!r}; it must be a relative "
                        "link to a file beside the page")
            elif not (out_dir / name).is_file():
                c.error(PAGE, "page-audio", f"the player of {slug!r} points to {src!r}, which is not in the "
                        "output folder")
            else:
                players[name] = box
    return players


def _name(url: str) -> str:
    return unquote(urlsplit(url).path.rsplit("/", 1)[-1])


def _chapter_starts(path: Path) -> Optional[list[float]]:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        # the table of contents: an edition's nested chapters ("toc": false) are not listed on the page
        return [float(ch["startTime"]) for ch in doc["chapters"] if ch.get("toc", True) is not False]
    except (OSError, UnicodeDecodeError, ValueError, TypeError, KeyError):
        return None  # the chapter checks report a missing or broken file


def _float(value: str) -> Optional[float]:
    try:
        return float(value)
    except ValueError:
        return None
