"""``audiocast check OUT``: validate built output against the podcast and audio standards.

It reads only what a podcast app would read — ``feed.xml`` and the files it
points to — and checks them against RSS 2.0, Apple's podcast requirements, the
Podcasting 2.0 namespace (guid, chapters, transcripts, locked, person), JSON
chapters 1.2, Podlove Simple Chapters, ID3v2.3 chapters (CHAP/CTOC), MPEG audio
(CBR with an Info header) and EBU R128 loudness, and the web page ``index.html``
against the feed (:mod:`.page`).  It does not trust our own
records (``episodes.json``): a planted fault in any file is found in that file.

The report lists findings (error or warning) with the file and a readable
message; any error makes ``audiocast check`` exit non-zero.
"""

from __future__ import annotations

import re
import uuid
from pathlib import Path

from lxml import etree

from audiocast.check.items import check_item
from audiocast.check.page import check_page
from audiocast.check.report import CheckReport, Collector, absent, local_path, rfc2822_date, text_of
from audiocast.errors import AudiocastError
from audiocast.publish.feed import NSMAP
from audiocast.publish.outfiles import is_temp
from audiocast.publish.state import load_state


def run_check(out_dir: Path, *, loudness: bool = True) -> tuple[CheckReport, int]:
    """The report for ``out_dir`` and the exit status for the CLI (0 when there is no error)."""
    report = check_output(out_dir, loudness=loudness)
    return report, 0 if report.ok else 1


def check_output(out_dir: Path, *, loudness: bool = True) -> CheckReport:
    """Validate ``out_dir`` (feed.xml and everything it references); ``loudness=False`` skips ebur128."""
    out_dir = Path(out_dir)
    c = Collector()
    feed = out_dir / "feed.xml"
    if not feed.is_file():
        c.error("feed.xml", "feed-missing", "feed.xml is a folder where the feed file should be" if feed.is_dir()
                else "no feed.xml in the output folder (run `audiocast build` first)")
        return CheckReport(out_dir, tuple(c.findings))
    try:
        parser = etree.XMLParser(resolve_entities=False, no_network=True)
        root = etree.parse(str(feed), parser).getroot()
    except etree.XMLSyntaxError as exc:
        c.error("feed.xml", "feed-xml", f"not well-formed XML: {exc}")
        return CheckReport(out_dir, tuple(c.findings))
    channel = _check_channel(root, out_dir, c)
    if channel is not None:
        items = channel.findall("item")
        if not items:
            c.warn("feed.xml", "feed-empty", "the feed has no episodes")
        _check_order(items, c)
        seen: set[str] = set()
        for item in items:
            check_item(item, out_dir, c, seen, loudness)
        _check_strays(out_dir, items, c)
        check_page(out_dir, items, c)
    return CheckReport(out_dir, tuple(c.findings), tuple(c.checked))


def _check_channel(root, out_dir: Path, c: Collector):
    if root.tag != "rss" or root.get("version") != "2.0":
        c.error("feed.xml", "feed-rss", f"root element is <{root.tag} version={root.get('version')!r}>, "
                "expected <rss version=\"2.0\">")
    channel = root.find("channel")
    if channel is None:
        c.error("feed.xml", "feed-channel", "no <channel> element")
        return None
    for tag in ("title", "link", "description", "language"):
        if not text_of(channel.find(tag)):
            c.error("feed.xml", "channel-required", f"channel <{tag}> is missing or empty")
    lang = text_of(channel.find("language"))
    if lang and not re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*", lang):
        c.error("feed.xml", "channel-language", f"<language>{lang}</language> is not an ISO 639 language code")
    self_link = channel.find("atom:link[@rel='self']", NSMAP)
    if self_link is None or not self_link.get("href", "").startswith(("http://", "https://")):
        c.error("feed.xml", "channel-self", "no atom:link rel=\"self\" with the feed's absolute URL")
    elif self_link.get("type") != "application/rss+xml":
        c.error("feed.xml", "channel-self", "atom:link rel=\"self\" must have type=\"application/rss+xml\"")
    explicit = text_of(channel.find("itunes:explicit", NSMAP))
    if explicit not in ("true", "false"):
        c.error("feed.xml", "channel-explicit", f"itunes:explicit is {explicit or 'missing'!r}; Apple requires "
                "\"true\" or \"false\"")
    category = channel.find("itunes:category", NSMAP)
    if category is None or not category.get("text"):
        c.error("feed.xml", "channel-category", "no itunes:category with a text attribute")
    if not text_of(channel.find("itunes:author", NSMAP)):
        c.warn("feed.xml", "channel-author", "no itunes:author")
    if not text_of(channel.find("itunes:owner/itunes:email", NSMAP)):
        c.warn("feed.xml", "channel-owner", "no itunes:owner email: Apple uses it to verify ownership")
    kind = text_of(channel.find("itunes:type", NSMAP))
    if kind and kind not in ("episodic", "serial"):
        c.error("feed.xml", "channel-type", f"itunes:type {kind!r} is not episodic or serial")
    guid = text_of(channel.find("podcast:guid", NSMAP))
    if not guid:
        c.warn("feed.xml", "podcast-guid", "no podcast:guid")
    else:
        try:
            if uuid.UUID(guid).version != 5:
                c.error("feed.xml", "podcast-guid", f"podcast:guid {guid} is not a UUIDv5")
        except ValueError:
            c.error("feed.xml", "podcast-guid", f"podcast:guid {guid!r} is not a UUID")
    locked = text_of(channel.find("podcast:locked", NSMAP))
    if locked and locked not in ("yes", "no"):
        c.error("feed.xml", "podcast-locked", f"podcast:locked must be yes or no, not {locked!r}")
    build = channel.find("lastBuildDate")
    if build is not None and rfc2822_date(text_of(build)) is None:
        c.error("feed.xml", "feed-date", f"lastBuildDate {text_of(build)!r} is not an RFC 2822 date")
    _check_cover(channel, out_dir, c)
    c.ok("channel: required tags, atom:link self, explicit, category, podcast:guid")
    return channel


def _check_cover(channel, out_dir: Path, c: Collector) -> None:
    image = channel.find("itunes:image", NSMAP)
    href = image.get("href", "") if image is not None else ""
    path = local_path(href, out_dir)
    if path is None:
        c.error("feed.xml", "cover-missing", "no itunes:image with an absolute http(s) href")
        return
    if not path.is_file():
        c.error(path.name, "cover-missing", f"itunes:image {href} {absent(path)}")
        return
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as img:
            fmt, mode, (w, h) = img.format, img.mode, img.size
    except (OSError, UnidentifiedImageError):
        c.error(path.name, "cover-type", "the cover is not a readable image")
        return
    if fmt not in ("JPEG", "PNG"):
        c.error(path.name, "cover-type", f"the cover is {fmt}; Apple accepts JPEG or PNG")
    if mode != "RGB":
        c.error(path.name, "cover-type", f"the cover's colour mode is {mode}; Apple requires RGB")
    if w != h or not 1400 <= w <= 3000:
        c.error(path.name, "cover-size", f"the cover is {w}×{h}; Apple requires a square of 1400–3000 px")
    if path.stat().st_size > 512 * 1024:
        c.warn(path.name, "cover-bytes", f"the cover is {path.stat().st_size // 1024} KB; keep it under 512 KB")
    c.ok(f"cover {path.name}: {fmt} {mode} {w}×{h}")


def _check_order(items, c: Collector) -> None:
    dates = [rfc2822_date(text_of(i.find("pubDate"))) for i in items]
    known = [d for d in dates if d is not None]
    if any(a < b for a, b in zip(known, known[1:])):
        c.warn("feed.xml", "items-order", "items are not newest first")


def _check_strays(out_dir: Path, items, c: Collector) -> None:
    listed = {(local_path(i.find("enclosure").get("url", ""), out_dir) or Path()).name
              for i in items if i.find("enclosure") is not None}
    for mp3 in sorted(out_dir.glob("*.mp3")):
        if mp3.name not in listed:
            c.warn(mp3.name, "stray-file", "this MP3 is not in the feed")
    for folder in (out_dir, out_dir / ".audiocast"):
        for tmp in sorted(folder.glob(".*")) if folder.is_dir() else ():
            if is_temp(tmp.name) or tmp.suffix in (".tmp", ".mp3"):
                c.warn(str(tmp.relative_to(out_dir)), "stray-file",
                       "a temp file left by an interrupted build (safe to delete; the next build removes it)")
    state = out_dir / "episodes.json"
    if state.is_file():
        try:
            episodes = load_state(out_dir)
        except AudiocastError as exc:
            c.error(state.name, "state", exc.format_message())
            return
        for ep in episodes:
            mp3 = out_dir / ep.mp3_name
            if not mp3.is_file():
                c.error(state.name, "state-stale", f"episode '{ep.slug}': {ep.mp3_name} {absent(mp3)}")
            elif mp3.stat().st_size != ep.size_bytes:
                c.error(state.name, "state-stale", f"episode '{ep.slug}' records {ep.size_bytes} bytes but "
                        f"{ep.mp3_name} has {mp3.stat().st_size}: rebuild with --force")
