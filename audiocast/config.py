"""Typed build configuration from ``audiocast.toml``.

Looked up in the first source folder, then the working directory.  :data:`SCHEMA`
(option types from :mod:`audiocast.options`) says what every key accepts and does;
every bad key is reported at once, a line each naming file and key.  CLI flags
override the file through :func:`Config.with_overrides`, with the same checks.

Example ``audiocast.toml``::

    [podcast]
    title = "The Weekly Reader"
    author = "Jane Doe"
    base_url = "https://example.com/podcast/"
    language = "en"
    category = "News"
    explicit = false

    [audio]
    bitrate = 64
    cast = "default"

    [pauses]
    paragraph_ms = 600
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Optional

from audiocast.errors import ConfigError
from audiocast.limits import MAX_DESCRIPTION_CHARS, MAX_TITLE_CHARS, check_length
from audiocast.options import Check, Choice, FilePath, Flag, Number, Problems, Schema, Text, shown, suggest

CONFIG_NAME = "audiocast.toml"
VALID_BITRATES = (32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320)
VALID_RATES = (22050, 44100, 48000)


@dataclass(frozen=True)
class PodcastConfig:
    """Channel-level podcast metadata."""

    title: str = "audiocast audio edition"
    description: str = "Articles read aloud: an audio edition made offline with audiocast."
    link: str = "https://example.com/"
    base_url: str = "http://127.0.0.1:8000/"
    language: str = "en"
    author: str = "audiocast"
    owner_name: str = ""
    owner_email: str = ""
    image: Optional[Path] = None
    category: str = "News"
    subcategory: str = ""
    explicit: bool = False
    copyright: str = ""
    type: str = "episodic"
    locked: bool = True

    def public_url(self, name: str) -> str:
        """The public URL of a file in the output folder (``base_url`` + the quoted name)."""
        from urllib.parse import quote

        base = self.base_url
        return (base if base.endswith("/") else base + "/") + quote(name)

    @property
    def feed_url(self) -> str:
        """The public URL of the feed (its atom:link rel=self)."""
        return self.public_url(FEED_NAME)


FEED_NAME = "feed.xml"


@dataclass(frozen=True)
class PauseConfig:
    """Silence inserted by the stitcher, in milliseconds."""

    sentence_ms: int = 250
    paragraph_ms: int = 650
    quote_ms: int = 300
    chapter_ms: int = 1200


@dataclass(frozen=True)
class AudioConfig:
    """Encoding and production settings."""

    bitrate: int = 64
    sample_rate: int = 44100
    channels: int = 1
    cast: str = "default"
    intro: bool = True
    outro: bool = True
    sting: Optional[Path] = None  # sound played at start, between chapters and at the end


@dataclass(frozen=True)
class EditionConfig:
    """``[edition]``: one episode for the whole build, a chapter per article (see audiocast/edition.py)."""

    enabled: bool = False
    title: str = "{show} — {date:%A %-d %B %Y}"  # str.format with show= and date= (a datetime)
    per_article: bool = True  # also keep one episode per article
    order: str = "order"  # "order": front matter order, then date, then file name; "date"; "name"


EDITION_ORDERS = ("order", "date", "name")


@dataclass(frozen=True)
class Config:
    """The whole build configuration."""

    podcast: PodcastConfig = field(default_factory=PodcastConfig)
    audio: AudioConfig = field(default_factory=AudioConfig)
    pauses: PauseConfig = field(default_factory=PauseConfig)
    edition: EditionConfig = field(default_factory=EditionConfig)
    path: Optional[Path] = None  # the file it came from, if any

    @property
    def loudness_target(self) -> float:
        """Integrated loudness target in LUFS: -16 for stereo, -19 for mono."""
        return -16.0 if self.audio.channels == 2 else -19.0

    def with_overrides(self, **sections: dict[str, Any]) -> "Config":
        """A validated copy with some fields replaced, e.g. ``with_overrides(podcast={"base_url": u})``.

        ``None`` values are ignored so CLI options that were not given change nothing;
        given values get the same checks as the file's.
        """
        cfg = self
        problems = Problems("invalid option")
        for name, values in sections.items():
            values = {k: v for k, v in values.items() if v is not None}
            if values:
                values = SCHEMA[name].validate(values, problems, f"{name}.")
                cfg = dataclasses.replace(cfg, **{name: dataclasses.replace(getattr(cfg, name), **values)})
        problems.raise_any("the options given")
        return cfg


def _length(limit: int) -> Check:
    # each is spoken or shown: a 200 KB title took 244 s and 3 GB to speak
    return lambda value: check_length("value", value, limit)


def _absolute_url(value: str) -> Optional[str]:
    if value.startswith(("http://", "https://")):
        return None
    return f"must be an absolute http(s) URL, got {shown(value)}"


def _title_pattern(value: str) -> Optional[str]:
    try:
        if not value.format(show="Show", date=_dt.datetime(2024, 1, 1)).strip():
            return "must not be empty"
    except (KeyError, IndexError, ValueError, AttributeError) as exc:
        return f"not a pattern with {{show}} and {{date:...}} ({exc})"
    return None


_SHORT, _LONG = _length(MAX_TITLE_CHARS), _length(MAX_DESCRIPTION_CHARS)

#: Every key of ``audiocast.toml``, by section: what it accepts, its default (the dataclass's) and what it does.
SCHEMA: dict[str, Schema] = {
    "podcast": Schema({
        "title": Text("the show's name: feed, tags, page and the spoken intro", nonempty=True, check=_SHORT),
        "description": Text("the show's description (feed and page)", check=_LONG),
        "link": Text("the show's website", check=_SHORT),
        "base_url": Text("where out/ will be served; enclosure URLs start with it", check=_absolute_url),
        "language": Text("the feed's language code", check=_SHORT),
        "author": Text("the show's author (feed, tags, spoken intro)", check=_SHORT),
        "owner_name": Text("itunes:owner name", check=_SHORT),
        "owner_email": Text("itunes:owner email", check=_SHORT),
        "image": FilePath("cover art, ≥1400×1400 JPEG/PNG; generated from the title when absent"),
        "category": Text("iTunes category", check=_SHORT),
        "subcategory": Text("iTunes subcategory", check=_SHORT),
        "explicit": Flag("itunes:explicit"),
        "copyright": Text("the feed's copyright line", check=_SHORT),
        "type": Choice("itunes:type", choices=("episodic", "serial")),
        "locked": Flag("podcast:locked: no other platform may import the feed"),
    }, PodcastConfig),
    "audio": Schema({
        "bitrate": Choice("MP3 bitrate, kbps, CBR", choices=VALID_BITRATES),
        "sample_rate": Choice("Hz; 22050 works but `audiocast check` warns", choices=VALID_RATES),
        "channels": Choice("1 = mono (−19 LUFS), 2 = stereo (−16 LUFS)", choices=(1, 2),
                           expected="1 (mono) or 2 (stereo)"),
        "cast": Text("the voice cast (see `audiocast voices`)"),
        "intro": Flag("speak the show, title and author first"),
        "outro": Flag("speak credits, and that the voices are synthetic, last"),
        "sting": FilePath("a sound at the start, between chapters and at the end"),
    }, AudioConfig),
    "edition": Schema({
        "enabled": Flag("build the audio edition (as build --edition does)"),
        "title": Text("{show}: podcast.title; {date}: the edition's day (strftime codes)", check=_title_pattern),
        "per_article": Flag("false: only the edition, no single-article episodes"),
        "order": Choice("front matter order, then date, then file name; or date, or name", choices=EDITION_ORDERS),
    }, EditionConfig),
    "pauses": Schema({
        name: Number(f"silence {what}, milliseconds", low=0, high=10_000, whole=True)
        for name, what in (("sentence_ms", "between sentences"), ("paragraph_ms", "between paragraphs"),
                           ("quote_ms", "around a quote"), ("chapter_ms", "between chapters"))
    }, PauseConfig),
}


def build_time() -> _dt.datetime:
    """The time a build stamps on what it publishes: now (UTC, whole seconds), or SOURCE_DATE_EPOCH when set.

    SOURCE_DATE_EPOCH is the reproducible-builds.org convention: the feed's lastBuildDate
    and the pubDate of an undated article become fixed, so two builds give the same files.
    """
    raw = os.environ.get("SOURCE_DATE_EPOCH")
    if raw is None:
        return _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0)
    try:
        return _dt.datetime.fromtimestamp(int(raw), _dt.timezone.utc)
    except (ValueError, OverflowError, OSError):
        raise ConfigError(f"SOURCE_DATE_EPOCH={raw!r} is not a whole number of seconds since 1970") from None


def find_config(sources: Iterable[Path], cwd: Optional[Path] = None) -> Optional[Path]:
    """The config file: in the first source folder (or a file's folder), else the working directory."""
    for src in sources:
        folder = src if src.is_dir() else src.parent
        candidate = folder / CONFIG_NAME
        if candidate.is_file():
            return candidate
        break
    candidate = (cwd or Path.cwd()) / CONFIG_NAME
    return candidate if candidate.is_file() else None


def load_config(path: Optional[Path]) -> Config:
    """Read and validate ``path``; ``None`` gives the defaults.  Raises ConfigError listing every problem."""
    if path is None:
        return Config()
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read config: {exc}", path) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"invalid TOML: {exc}", path) from None
    return parse_config(raw, path)


def parse_config(raw: dict[str, Any], path: Optional[Path] = None) -> Config:
    """Validate a parsed TOML document into a :class:`Config`; one ConfigError listing every problem."""
    problems = Problems(path or CONFIG_NAME)
    base = path.parent if path else Path.cwd()
    for key in raw:
        if key not in SCHEMA:
            problems.add(f"[{key}]: unknown section{suggest(key, SCHEMA)}")
    built: dict[str, Any] = {}
    for name, schema in SCHEMA.items():
        table = raw.get(name, {})
        if not isinstance(table, dict):
            problems.add(f"[{name}]: expected a table, got {table!r}")
            continue
        built[name] = schema.record(**schema.validate(table, problems, f"{name}.", base))
    problems.raise_any(str(path or CONFIG_NAME))
    return Config(path=path, **built)
