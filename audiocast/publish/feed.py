"""``out/feed.xml``: RSS 2.0 with the iTunes, Podcasting 2.0, Atom, Podlove and content namespaces.

Built as an element tree with lxml (never string templates), so every title and
description is escaped correctly whatever it holds.  The feed lists every episode
in the output folder's state (see state.py), newest first; enclosure lengths are
read from the files on disk.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import html
from pathlib import Path
from typing import TYPE_CHECKING, Optional, Sequence

from lxml import etree
from lxml.html import builder as H

from audiocast import __version__
from audiocast.config import FEED_NAME, build_time
from audiocast.errors import AudiocastError
from audiocast.fsutil import read_own, write_bytes_atomic
from audiocast.model import Episode
from audiocast.publish.chapterfiles import JSON_CHAPTERS_MIME, description_timestamps, psc_chapters
from audiocast.publish.cover import ensure_cover
from audiocast.publish.state import newest_first, remember_feed_guid

if TYPE_CHECKING:  # pragma: no cover
    from audiocast.config import Config

ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd"
PODCAST = "https://podcastindex.org/namespace/1.0"
ATOM = "http://www.w3.org/2005/Atom"
PSC = "http://podlove.org/simple-chapters"
CONTENT = "http://purl.org/rss/1.0/modules/content/"
NSMAP = {"itunes": ITUNES, "podcast": PODCAST, "atom": ATOM, "psc": PSC, "content": CONTENT}
CAPTION_TYPES = {"text/vtt", "application/x-subrip", "application/srt"}


def write_feed(episodes: Sequence[Episode], config: "Config", out_dir: Path,
               build_date: Optional[dt.datetime] = None, cover: Optional[Path] = None) -> Path:
    """Write ``out_dir/feed.xml`` atomically for ``episodes`` and return its path.

    Every episode's MP3 must exist in ``out_dir`` (its enclosure length is the
    file's size).  ``cover`` is the podcast cover in ``out_dir`` as returned by
    ``cover.ensure_cover`` (called here when not given).  The feed's podcast:guid is
    remembered in the output folder's state the first time (see state.py).
    """
    out_dir = Path(out_dir)
    cover = cover if cover is not None else ensure_cover(config, out_dir)
    guid = remember_feed_guid(out_dir, config.podcast.feed_url)
    target = out_dir / FEED_NAME
    old = read_own(target) if build_date is None else None  # read once: its date, then whether it changed
    previous = _build_date(old) if old is not None else None
    root = build_feed(episodes, config, out_dir, cover, guid, previous or build_date)
    data = _serialize(root)
    if previous is not None and old == data:
        return target  # nothing changed since the last build: keep the file and its lastBuildDate
    if previous is not None:
        root.find("channel/lastBuildDate").text = rfc2822(build_time())
        data = _serialize(root)
    write_bytes_atomic(target, data)
    return target


def _serialize(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _build_date(feed: bytes) -> Optional[dt.datetime]:
    try:
        text = etree.fromstring(feed, etree.XMLParser(resolve_entities=False, no_network=True)).findtext(
            "channel/lastBuildDate")
        return email.utils.parsedate_to_datetime(text) if text else None
    except (etree.XMLSyntaxError, TypeError, ValueError):
        return None


def build_feed(episodes: Sequence[Episode], config: "Config", out_dir: Path, cover: Path, guid: str,
               build_date: Optional[dt.datetime] = None) -> etree._Element:
    """The feed as an lxml element (``<rss>``), writing nothing: enclosure lengths are the sizes of the MP3s in
    ``out_dir``, ``cover`` is the cover file there, ``guid`` the feed's podcast:guid, ``build_date`` its
    lastBuildDate (default now)."""
    p = config.podcast
    rss = etree.Element("rss", nsmap=NSMAP, version="2.0")
    ch = _sub(rss, "channel")
    _sub(ch, "title", p.title)
    _sub(ch, "link", p.link)
    _sub(ch, "description", p.description)
    _sub(ch, "language", p.language)
    if p.copyright:
        _sub(ch, "copyright", p.copyright)
    _sub(ch, "generator", f"audiocast {__version__}")
    _sub(ch, "lastBuildDate", rfc2822(build_date or build_time()))
    _sub(ch, f"{{{ATOM}}}link", href=config.podcast.feed_url, rel="self", type="application/rss+xml")

    cover_url = config.podcast.public_url(cover.name)
    image = _sub(ch, "image")
    _sub(image, "url", cover_url)
    _sub(image, "title", p.title)
    _sub(image, "link", p.link)
    _sub(ch, f"{{{ITUNES}}}image", href=cover_url)
    _sub(ch, f"{{{ITUNES}}}author", p.author)
    _sub(ch, f"{{{ITUNES}}}summary", p.description)
    if p.owner_name or p.owner_email:
        owner = _sub(ch, f"{{{ITUNES}}}owner")
        _sub(owner, f"{{{ITUNES}}}name", p.owner_name or p.author)
        if p.owner_email:
            _sub(owner, f"{{{ITUNES}}}email", p.owner_email)
    category = _sub(ch, f"{{{ITUNES}}}category", text=p.category)
    if p.subcategory:
        _sub(category, f"{{{ITUNES}}}category", text=p.subcategory)
    _sub(ch, f"{{{ITUNES}}}explicit", "true" if p.explicit else "false")
    _sub(ch, f"{{{ITUNES}}}type", p.type)
    _sub(ch, f"{{{PODCAST}}}guid", guid)
    locked = _sub(ch, f"{{{PODCAST}}}locked", "yes" if p.locked else "no")
    if p.owner_email:
        locked.set("owner", p.owner_email)
    _sub(ch, f"{{{PODCAST}}}medium", "podcast")

    for ep in newest_first(episodes):
        _item(ch, ep, config, out_dir)
    return rss


def _item(ch: etree._Element, ep: Episode, config: "Config", out_dir: Path) -> None:
    p = config.podcast
    mp3 = out_dir / ep.mp3_name
    try:
        size = mp3.stat().st_size
    except FileNotFoundError:
        raise AudiocastError(f"episode '{ep.slug}' is in the feed state but its MP3 is missing; rebuild "
                             "its article or remove it from episodes.json", mp3) from None
    item = _sub(ch, "item")
    _sub(item, "title", ep.title)
    toc = ep.parts or ep.chapters  # an edition lists its stories (the chapters nested in them are in the MP3, JSON)
    timestamps = description_timestamps(toc) if toc else ""
    # Clients render <description> as HTML: article text is escaped to stay text (an "<img onerror=...>" in an
    # article must not become an element in a listener's app).
    _sub(item, "description", html.escape("\n\n".join(t for t in (ep.description, timestamps) if t), quote=False))
    _sub(item, f"{{{CONTENT}}}encoded", _html_notes(_xml_safe(ep.description), _xml_safe(timestamps)))
    _sub(item, "guid", ep.guid, isPermaLink="false")
    _sub(item, "pubDate", rfc2822(ep.pub_date))
    _sub(item, "enclosure", url=config.podcast.public_url(ep.mp3_name), length=str(size), type="audio/mpeg")
    _sub(item, f"{{{ITUNES}}}title", ep.title)
    _sub(item, f"{{{ITUNES}}}duration", itunes_duration(ep.duration_ms))
    if ep.number is not None:
        _sub(item, f"{{{ITUNES}}}episode", str(ep.number))
    _sub(item, f"{{{ITUNES}}}episodeType", "full")
    _sub(item, f"{{{ITUNES}}}author", ep.author or p.author)
    _sub(item, f"{{{ITUNES}}}explicit", "true" if p.explicit else "false")
    if ep.image:
        _sub(item, f"{{{ITUNES}}}image", href=config.podcast.public_url(ep.image))
    if ep.chapters_json:
        _sub(item, f"{{{PODCAST}}}chapters", url=config.podcast.public_url(ep.chapters_json),
             type=JSON_CHAPTERS_MIME)
    for name, mime in ep.transcripts:
        attrs = {"url": config.podcast.public_url(name), "type": mime, "language": p.language}
        if mime in CAPTION_TYPES:
            attrs["rel"] = "captions"
        _sub(item, f"{{{PODCAST}}}transcript", **attrs)
    # Podcast Taxonomy: an "Author" (group "Writing") wrote text now read verbatim on air; an edition has several.
    authors = (ep.author.split(", ") if ep.parts else [ep.author]) if ep.author else []
    for author in authors:
        _sub(item, f"{{{PODCAST}}}person", author, role="author", group="writing")
    for speaker in ep.speakers:
        if speaker not in authors:
            _sub(item, f"{{{PODCAST}}}person", speaker, role="guest", group="cast")
    if toc:
        psc = _sub(item, f"{{{PSC}}}chapters", version="1.2")
        for start, title in psc_chapters(toc):
            _sub(psc, f"{{{PSC}}}chapter", start=start, title=title)


def _html_notes(description: str, timestamps: str) -> str:
    """Show notes as a small HTML fragment (paragraphs; chapter timestamps one per line)."""
    parts = [H.P(para) for para in description.split("\n\n") if para.strip()]
    if timestamps:
        lines = timestamps.strip().splitlines()
        p = H.P()
        for i, line in enumerate(lines):
            if i:
                etree.SubElement(p, "br").tail = line
            else:
                p.text = line
        parts.append(p)
    return "".join(etree.tostring(part, encoding="unicode", method="html") for part in parts)


def _sub(parent: etree._Element, tag: str, value: Optional[str] = None, /, **attrs: str) -> etree._Element:
    """A child element with text ``value`` and attributes ``attrs`` (the names are XML's own)."""
    el = etree.SubElement(parent, tag, {k: _xml_safe(v) for k, v in attrs.items()})
    if value is not None:
        el.text = _xml_safe(value)
    return el


def _xml_safe(text: str) -> str:
    """Drop characters XML 1.0 cannot hold (control characters from messy sources)."""
    return "".join(c for c in text if c in "\t\n\r" or (" " <= c <= "\ud7ff") or ("\ue000" <= c <= "\ufffd")
                   or c >= "\U00010000")


def rfc2822(value: dt.datetime) -> str:
    """An RFC 2822 date as RSS wants it (naive datetimes are taken as UTC)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return email.utils.format_datetime(value)


def itunes_duration(duration_ms: int) -> str:
    """HH:MM:SS, rounded to the nearest second."""
    total = round(duration_ms / 1000)
    h, rest = divmod(total, 3600)
    m, s = divmod(rest, 60)
    return f"{h:02d}:{m:02d}:{s:02d}"
