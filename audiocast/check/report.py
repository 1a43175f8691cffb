"""``audiocast check OUT``: validate built output against the podcast and audio standards.

It reads only what a podcast app would read — ``feed.xml`` and the files it
points to — and checks them against RSS 2.0, Apple's podcast requirements, the
Podcasting 2.0 namespace (guid, chapters, transcripts, locked, person), JSON
chapters 1.2, Podlove Simple Chapters, ID3v2.3 chapters (CHAP/CTOC), MPEG audio
(CBR with an Info header) and EBU R128 loudness, and the web page ``index.html``
against the feed (``check_page.py``).  It does not trust our own
records (``episodes.json``): a planted fault in any file is found in that file.

The report lists findings (error or warning) with the file and a readable
message; any error makes ``audiocast check`` exit non-zero.
"""

from __future__ import annotations

import email.utils
import json
import re
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Optional
from urllib.parse import unquote, urlparse

from lxml import etree

from audiocast.check.audio import check_mp3
from audiocast.errors import AudiocastError

Level = Literal["error", "warning"]
NS = {"itunes": "http://www.itunes.com/dtds/podcast-1.0.dtd", "podcast": "https://podcastindex.org/namespace/1.0",
      "atom": "http://www.w3.org/2005/Atom", "psc": "http://podlove.org/simple-chapters",
      "content": "http://purl.org/rss/1.0/modules/content/"}


@dataclass(frozen=True)
class Finding:
    """One problem: how bad, in which file, what (``code`` is a stable short name of the rule)."""

    level: Level
    file: str
    code: str
    message: str

    def render(self) -> str:
        return f"{self.level.upper():7s} {self.file}: {self.message} [{self.code}]"


@dataclass(frozen=True)
class CheckReport:
    """The outcome of ``check_output``: findings plus what was checked."""

    out_dir: Path
    findings: tuple[Finding, ...]
    checked: tuple[str, ...] = ()

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.level == "error")

    @property
    def warnings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.level == "warning")

    @property
    def ok(self) -> bool:
        return not self.errors

    def codes(self) -> set[str]:
        """The rule codes that found errors (for tests and scripts)."""
        return {f.code for f in self.errors}

    def render(self) -> str:
        """A readable report: findings first, then what passed, then a verdict line."""
        lines = [f"audiocast check {self.out_dir}"]
        lines += [f"  {f.render()}" for f in sorted(self.findings, key=lambda f: (f.level != "error", f.file))]
        lines += [f"  ok      {c}" for c in self.checked]
        verdict = "PASS" if self.ok else "FAIL"
        lines.append(f"{verdict}: {len(self.errors)} error(s), {len(self.warnings)} warning(s)")
        return "\n".join(lines)


@dataclass
class Collector:
    """Accumulates findings while checking (internal; the report itself is frozen)."""

    findings: list[Finding] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)

    def error(self, file: str, code: str, message: str) -> None:
        self.findings.append(Finding("error", file, code, message))

    def warn(self, file: str, code: str, message: str) -> None:
        self.findings.append(Finding("warning", file, code, message))

    def ok(self, what: str) -> None:
        self.checked.append(what)


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
            _check_item(item, out_dir, c, seen, loudness)
        _check_strays(out_dir, items, c)
        from audiocast.check.page import check_page

        check_page(out_dir, items, c)
    return CheckReport(out_dir, tuple(c.findings), tuple(c.checked))


# --------------------------------------------------------------------------- channel
def _text(el: Optional[etree._Element]) -> str:
    return (el.text or "").strip() if el is not None else ""


def _check_channel(root, out_dir: Path, c: Collector):
    if root.tag != "rss" or root.get("version") != "2.0":
        c.error("feed.xml", "feed-rss", f"root element is <{root.tag} version={root.get('version')!r}>, "
                "expected <rss version=\"2.0\">")
    channel = root.find("channel")
    if channel is None:
        c.error("feed.xml", "feed-channel", "no <channel> element")
        return None
    for tag in ("title", "link", "description", "language"):
        if not _text(channel.find(tag)):
            c.error("feed.xml", "channel-required", f"channel <{tag}> is missing or empty")
    lang = _text(channel.find("language"))
    if lang and not re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*", lang):
        c.error("feed.xml", "channel-language", f"<language>{lang}</language> is not an ISO 639 language code")
    self_link = channel.find("atom:link[@rel='self']", NS)
    if self_link is None or not self_link.get("href", "").startswith(("http://", "https://")):
        c.error("feed.xml", "channel-self", "no atom:link rel=\"self\" with the feed's absolute URL")
    elif self_link.get("type") != "application/rss+xml":
        c.error("feed.xml", "channel-self", "atom:link rel=\"self\" must have type=\"application/rss+xml\"")
    explicit = _text(channel.find("itunes:explicit", NS))
    if explicit not in ("true", "false"):
        c.error("feed.xml", "channel-explicit", f"itunes:explicit is {explicit or 'missing'!r}; Apple requires "
                "\"true\" or \"false\"")
    category = channel.find("itunes:category", NS)
    if category is None or not category.get("text"):
        c.error("feed.xml", "channel-category", "no itunes:category with a text attribute")
    if not _text(channel.find("itunes:author", NS)):
        c.warn("feed.xml", "channel-author", "no itunes:author")
    if not _text(channel.find("itunes:owner/itunes:email", NS)):
        c.warn("feed.xml", "channel-owner", "no itunes:owner email: Apple uses it to verify ownership")
    kind = _text(channel.find("itunes:type", NS))
    if kind and kind not in ("episodic", "serial"):
        c.error("feed.xml", "channel-type", f"itunes:type {kind!r} is not episodic or serial")
    guid = _text(channel.find("podcast:guid", NS))
    if not guid:
        c.warn("feed.xml", "podcast-guid", "no podcast:guid")
    else:
        try:
            if uuid.UUID(guid).version != 5:
                c.error("feed.xml", "podcast-guid", f"podcast:guid {guid} is not a UUIDv5")
        except ValueError:
            c.error("feed.xml", "podcast-guid", f"podcast:guid {guid!r} is not a UUID")
    locked = _text(channel.find("podcast:locked", NS))
    if locked and locked not in ("yes", "no"):
        c.error("feed.xml", "podcast-locked", f"podcast:locked must be yes or no, not {locked!r}")
    build = channel.find("lastBuildDate")
    if build is not None and _rfc2822(_text(build)) is None:
        c.error("feed.xml", "feed-date", f"lastBuildDate {_text(build)!r} is not an RFC 2822 date")
    _check_cover(channel, out_dir, c)
    c.ok("channel: required tags, atom:link self, explicit, category, podcast:guid")
    return channel


def absent(path: Optional[Path]) -> str:
    """Why a file the feed names is not there: missing, or a folder in its place."""
    if path is not None and path.is_dir():
        return "is a folder where a file should be"
    return "is not in the output folder"


def local_path(url: str, out_dir: Path) -> Optional[Path]:
    """The file in ``out_dir`` that an absolute URL of the feed points to (by its last path segment)."""
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        return None
    name = unquote(parsed.path.rsplit("/", 1)[-1])
    return out_dir / name if name else None


def _check_cover(channel, out_dir: Path, c: Collector) -> None:
    image = channel.find("itunes:image", NS)
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


# --------------------------------------------------------------------------- items
def _rfc2822(text: str):
    """The datetime of an RFC 2822 date with a day name and zone, else None."""
    if not re.fullmatch(r"(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{1,2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) "
                        r"\d{4} \d{2}:\d{2}(:\d{2})? ([+-]\d{4}|GMT|UT|[ECMP][SD]T)", text.strip()):
        return None
    try:
        return email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None


def _check_order(items, c: Collector) -> None:
    dates = [_rfc2822(_text(i.find("pubDate"))) for i in items]
    known = [d for d in dates if d is not None]
    if any(a < b for a, b in zip(known, known[1:])):
        c.warn("feed.xml", "items-order", "items are not newest first")


def parse_duration(text: str) -> Optional[int]:
    """itunes:duration in ms: whole seconds, MM:SS or HH:MM:SS; None if malformed."""
    if re.fullmatch(r"\d+", text):
        return int(text) * 1000
    m = re.fullmatch(r"(?:(\d+):)?([0-5]?\d):([0-5]\d)", text)
    if not m:
        return None
    return ((int(m[1] or 0) * 60 + int(m[2])) * 60 + int(m[3])) * 1000


def _check_item(item, out_dir: Path, c: Collector, seen: set[str], loudness: bool) -> None:
    title = _text(item.find("title"))
    where = f"feed.xml item {title!r}" if title else "feed.xml item"
    if not title:
        c.error(where, "item-required", "item has no <title>")
    guid = _text(item.find("guid"))
    if not guid:
        c.error(where, "item-guid", "item has no <guid>")
    elif guid in seen:
        c.error(where, "item-guid", f"guid {guid} is used by more than one item")
    seen.add(guid)
    date = _text(item.find("pubDate"))
    if _rfc2822(date) is None:
        c.error(where, "item-date", f"pubDate {date!r} is not an RFC 2822 date" if date else "item has no pubDate")
    if not _text(item.find("description")):
        c.warn(where, "item-description", "item has no description")
    kind = _text(item.find("itunes:episodeType", NS))
    if kind and kind not in ("full", "trailer", "bonus"):
        c.error(where, "item-episode-type", f"itunes:episodeType {kind!r} is not full, trailer or bonus")
    explicit = _text(item.find("itunes:explicit", NS))
    if explicit and explicit not in ("true", "false"):
        c.error(where, "item-explicit", f"itunes:explicit {explicit!r} is not true or false")

    mp3 = _check_enclosure(item, out_dir, where, c)
    if mp3 is None:
        return
    feed_ms = None
    raw_duration = _text(item.find("itunes:duration", NS))
    if not raw_duration:
        c.error(where, "item-duration", "item has no itunes:duration")
    else:
        feed_ms = parse_duration(raw_duration)
        if feed_ms is None:
            c.error(where, "item-duration", f"itunes:duration {raw_duration!r} is not seconds or HH:MM:SS")
    from audiocast.check.feed import check_item_chapters, check_transcripts

    audio = check_mp3(mp3, c, feed_ms=feed_ms, loudness=loudness)
    if audio is not None:
        # an edition's feed chapters are its parts; its nested chapters are checked against them
        check_item_chapters(item, mp3, audio.parts or audio.chapters, out_dir, c)
        if audio.parts:
            from audiocast.check.edition import check_edition

            check_edition(mp3, audio.parts, audio.chapters, out_dir, c)
        check_transcripts(item, mp3, audio.duration_ms, out_dir, c)


def _check_enclosure(item, out_dir: Path, where: str, c: Collector) -> Optional[Path]:
    enc = item.find("enclosure")
    if enc is None:
        c.error(where, "enclosure-missing", "item has no <enclosure>")
        return None
    url, length, kind = enc.get("url", ""), enc.get("length", ""), enc.get("type", "")
    path = local_path(url, out_dir)
    if path is None:
        c.error(where, "enclosure-url", f"enclosure url {url!r} is not an absolute http(s) URL")
        return None
    if not path.is_file():
        c.error(path.name, "enclosure-missing", f"the enclosure {url} {absent(path)}")
        return None
    size = path.stat().st_size
    if not length.isdigit():
        c.error(path.name, "enclosure-length", f"enclosure length {length!r} is not a byte count")
    elif int(length) != size:
        c.error(path.name, "enclosure-length", f"enclosure length is {length} but the file has {size} bytes")
    expected = "audio/mpeg" if path.suffix.lower() == ".mp3" else None
    if kind != expected:
        c.error(path.name, "enclosure-type", f"enclosure type is {kind!r}; an MP3 must be \"audio/mpeg\"")
    return path


def _check_strays(out_dir: Path, items, c: Collector) -> None:
    listed = {(local_path(i.find("enclosure").get("url", ""), out_dir) or Path()).name
              for i in items if i.find("enclosure") is not None}
    from audiocast.publish.outfiles import is_temp

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
        from audiocast.publish.state import load_state

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


def load_json(path: Path, c: Collector, code: str):
    """Parsed JSON, or None after recording an error."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        c.error(path.name, code, f"not valid JSON ({exc})")
        return None
