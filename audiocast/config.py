"""Typed build configuration from ``audiocast.toml``.

Looked up in the first source folder, then the working directory.  Every bad
field is reported at once (file and key named), the way MkDocs reports config
errors.  CLI flags override the file through :func:`Config.with_overrides`.

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
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Optional

from audiocast.errors import ConfigError

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
        for name, values in sections.items():
            values = {k: v for k, v in values.items() if v is not None}
            if values:
                cfg = dataclasses.replace(cfg, **{name: dataclasses.replace(getattr(cfg, name), **values)})
        if cfg is not self:
            problems = _semantic_problems({"audio": cfg.audio, "podcast": cfg.podcast, "pauses": cfg.pauses,
                                           "edition": cfg.edition})
            if problems:
                raise ConfigError("invalid option: " + "; ".join(problems))
        return cfg


_SECTIONS = {"podcast": PodcastConfig, "audio": AudioConfig, "pauses": PauseConfig, "edition": EditionConfig}


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
    """Validate a parsed TOML document into a :class:`Config`."""
    problems: list[str] = []
    built: dict[str, Any] = {}
    base = path.parent if path else Path.cwd()
    for key in raw:
        if key not in _SECTIONS:
            problems.append(f"[{key}]: unknown section (expected one of {', '.join(_SECTIONS)})")
    for name, cls in _SECTIONS.items():
        table = raw.get(name, {})
        if not isinstance(table, dict):
            problems.append(f"{name}: must be a table")
            continue
        values: dict[str, Any] = {}
        fields = {f.name: f for f in dataclasses.fields(cls)}
        for key, value in table.items():
            f = fields.get(key)
            if f is None:
                problems.append(f"{name}.{key}: unknown key")
                continue
            ok, converted = _convert(value, f.type, base)
            if not ok:
                problems.append(f"{name}.{key}: expected {_describe(f.type)}, got {value!r}")
                continue
            values[key] = converted
        try:
            built[name] = cls(**values)
        except TypeError as exc:  # pragma: no cover - fields are checked above
            problems.append(f"{name}: {exc}")
    if not problems:
        problems.extend(_semantic_problems(built))
    if problems:
        where = str(path) if path else CONFIG_NAME
        raise ConfigError(f"{len(problems)} problem(s): " + "; ".join(problems), where)
    return Config(path=path, **built)


def _semantic_problems(built: dict[str, Any]) -> list[str]:
    problems = []
    audio: AudioConfig = built["audio"]
    podcast: PodcastConfig = built["podcast"]
    pauses: PauseConfig = built["pauses"]
    if audio.bitrate not in VALID_BITRATES:
        problems.append(f"audio.bitrate: {audio.bitrate} is not an MP3 bitrate ({', '.join(map(str, VALID_BITRATES))})")
    if audio.sample_rate not in VALID_RATES:
        problems.append(f"audio.sample_rate: must be one of {VALID_RATES}")
    if audio.channels not in (1, 2):
        problems.append("audio.channels: must be 1 (mono) or 2 (stereo)")
    for key, path in (("audio.sting", audio.sting), ("podcast.image", podcast.image)):
        if path is not None and not path.is_file():  # a folder or /dev/zero is not an image or a sound
            problems.append(f"{key}: {'not a regular file' if path.exists() else 'no such file'} {path}")
    from audiocast.limits import MAX_DESCRIPTION_CHARS, MAX_TITLE_CHARS, check_length

    for f in dataclasses.fields(podcast):
        value = getattr(podcast, f.name)
        if isinstance(value, str):  # each is spoken or shown: a 200 KB title took 244 s and 3 GB to speak
            limit = MAX_DESCRIPTION_CHARS if f.name == "description" else MAX_TITLE_CHARS
            too_long = check_length(f"value of podcast.{f.name}", value, limit)
            if too_long:
                problems.append(f"podcast.{f.name}: {too_long}")
    if podcast.type not in ("episodic", "serial"):
        problems.append("podcast.type: must be 'episodic' or 'serial'")
    if not podcast.base_url.startswith(("http://", "https://")):
        problems.append("podcast.base_url: must be an absolute http(s) URL")
    if not podcast.title.strip():
        problems.append("podcast.title: must not be empty")
    for f in dataclasses.fields(pauses):
        if not 0 <= getattr(pauses, f.name) <= 10_000:
            problems.append(f"pauses.{f.name}: must be between 0 and 10000 ms")
    edition: EditionConfig = built.get("edition", EditionConfig())
    if edition.order not in EDITION_ORDERS:
        problems.append(f"edition.order: must be one of {', '.join(EDITION_ORDERS)}")
    try:
        if not edition.title.format(show="Show", date=_dt.datetime(2024, 1, 1)).strip():
            problems.append("edition.title: must not be empty")
    except (KeyError, IndexError, ValueError, AttributeError) as exc:
        problems.append(f"edition.title: not a pattern with {{show}} and {{date:...}} ({exc})")
    return problems


def _convert(value: Any, annotation: str, base: Path) -> tuple[bool, Any]:
    kind = str(annotation).replace("Optional[", "").rstrip("]")
    if kind == "bool":
        return isinstance(value, bool), value
    if kind == "int":
        return isinstance(value, int) and not isinstance(value, bool), value
    if kind == "str":
        return isinstance(value, str), value
    if kind == "Path":
        if not isinstance(value, str):
            return False, value
        p = Path(value).expanduser()
        return True, p if p.is_absolute() else base / p
    return False, value  # pragma: no cover


def _describe(annotation: str) -> str:
    kind = str(annotation).replace("Optional[", "").rstrip("]")
    return {"bool": "true or false", "int": "a whole number", "str": "a string", "Path": "a file path"}[kind]
