"""``out/episodes.json``: every episode ever built into an output folder.

The feed is written from this state, not from the sources of the current build,
so an article that is no longer in the sources keeps its episode (and its MP3
stays in ``out/``).  An episode keeps its guid, first publication date and
episode number for life; rebuilding a changed article updates it in place.

File format (versioned)::

    {"version": 1, "feed_guid": "<podcast:guid or null>", "episodes": [{...Episode...}, ...]}

Dates are ISO 8601 with a UTC offset.  A file that cannot be read is an error
naming it: silently starting afresh would drop episodes from the feed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import uuid
from pathlib import Path
from typing import Any, Optional, Sequence

from audiocast.errors import AudiocastError
from audiocast.fsutil import write_text_atomic
from audiocast.model import Chapter, Episode

STATE_NAME = "episodes.json"
SCHEMA_VERSION = 1
# Namespace for episode guids when no feed URL is known (a fixed, random UUID).
EPISODE_NAMESPACE = uuid.UUID("6f1f2d0e-4a8e-4c36-9d55-0d5f7a1c2b93")
# The Podcasting 2.0 namespace for podcast:guid (docs/tags/guid.md of podcast-namespace).
PODCAST_GUID_NAMESPACE = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")


class StateError(AudiocastError):
    """``episodes.json`` is unreadable or not in the expected format."""


def state_path(out_dir: Path) -> Path:
    """Where the state of ``out_dir`` lives."""
    return Path(out_dir) / STATE_NAME


# --------------------------------------------------------------------------- identifiers
def podcast_guid(feed_url: str) -> str:
    """podcast:guid for a feed URL: UUIDv5 of the URL without scheme and trailing slashes."""
    stripped = feed_url.strip()
    if "://" in stripped:
        stripped = stripped.split("://", 1)[1]
    return str(uuid.uuid5(PODCAST_GUID_NAMESPACE, stripped.rstrip("/")))


def episode_guid(slug: str, feed_url: Optional[str] = None) -> str:
    """A stable guid for the article ``slug``: the same on every rebuild into the same feed."""
    if feed_url:
        return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{feed_url}#{slug}"))
    return str(uuid.uuid5(EPISODE_NAMESPACE, slug))


# --------------------------------------------------------------------------- merging
def merge_episode(existing: Sequence[Episode], new: Episode, *, feed_url: Optional[str] = None) -> tuple[Episode, ...]:
    """``existing`` with ``new`` merged in.

    Same slug: replaced in place, keeping the old guid, first publication date
    (as ``pub_date`` and ``first_published``) and episode number.  New slug:
    appended with a guid (``new.guid`` if set, else derived from slug and feed
    URL) and the next episode number.
    """
    episodes = list(existing)
    for i, old in enumerate(episodes):
        if old.slug == new.slug:
            first = old.first_published or old.pub_date
            episodes[i] = dataclasses.replace(
                new,
                guid=old.guid or new.guid or episode_guid(new.slug, feed_url),
                pub_date=old.pub_date,
                first_published=first,
                number=old.number if old.number is not None else (new.number or _next_number(episodes)),
            )
            return tuple(episodes)
    episodes.append(dataclasses.replace(
        new,
        guid=new.guid or episode_guid(new.slug, feed_url),
        first_published=new.first_published or new.pub_date,
        number=new.number if new.number is not None else _next_number(episodes),
    ))
    return tuple(episodes)


def _next_number(episodes: Sequence[Episode]) -> int:
    return max((e.number or 0 for e in episodes), default=0) + 1


def newest_first(episodes: Sequence[Episode]) -> tuple[Episode, ...]:
    """Episodes ordered for a feed: newest publication date first (then highest number)."""
    return tuple(sorted(episodes, key=lambda e: (_aware(e.pub_date), e.number or 0), reverse=True))


# --------------------------------------------------------------------------- file
def load_state(out_dir: Path) -> tuple[Episode, ...]:
    """The episodes recorded in ``out_dir`` (empty when there is no state yet)."""
    data = _read(out_dir)
    if data is None:
        return ()
    path = state_path(out_dir)
    episodes = []
    for i, raw in enumerate(data["episodes"]):
        try:
            episodes.append(_episode_from_json(raw))
        except (KeyError, TypeError, ValueError) as exc:
            raise StateError(f"episode #{i + 1} is invalid ({type(exc).__name__}: {exc}); fix the file or restore "
                             "it (deleting it forgets episodes whose articles are gone)", path) from None
    slugs = [e.slug for e in episodes]
    if len(set(slugs)) != len(slugs):
        raise StateError("the same slug is recorded twice", path)
    return tuple(episodes)


def load_feed_guid(out_dir: Path) -> Optional[str]:
    """The podcast:guid recorded for this output folder, if any."""
    data = _read(out_dir)
    return data.get("feed_guid") if data else None


def save_state(out_dir: Path, episodes: Sequence[Episode], feed_guid: Optional[str] = None) -> Path:
    """Write ``episodes`` (and the feed guid, kept from the file when not given) atomically."""
    path = state_path(out_dir)
    if feed_guid is None and path.exists():
        try:
            feed_guid = load_feed_guid(out_dir)
        except StateError:
            feed_guid = None  # overwriting a broken file with good state is fine
    doc = {
        "version": SCHEMA_VERSION,
        "feed_guid": feed_guid,
        "episodes": [_episode_to_json(e) for e in episodes],
    }
    text = json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
    write_text_atomic(path, text, keep_same=True)  # a rebuild with nothing changed touches nothing
    return path


def remember_feed_guid(out_dir: Path, feed_url: str) -> str:
    """The podcast:guid of this output folder: the recorded one, else assigned now from ``feed_url``.

    The spec assigns a podcast its guid once, from the feed URL at that time; it
    then follows the podcast even if the URL changes.  It is recorded only when a
    state file exists (an output folder built by the pipeline).
    """
    recorded = load_feed_guid(out_dir)
    if recorded:
        return recorded
    guid = podcast_guid(feed_url)
    if state_path(out_dir).exists():
        save_state(out_dir, load_state(out_dir), feed_guid=guid)
    return guid


def _read(out_dir: Path) -> Optional[dict]:
    path = state_path(out_dir)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise StateError(f"cannot read episode state: {exc}", path) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise StateError(f"corrupt episode state (invalid JSON: {exc}); fix the file or restore it "
                         "(deleting it forgets episodes whose articles are gone)", path) from None
    if not isinstance(data, dict) or not isinstance(data.get("episodes"), list):
        raise StateError("not an audiocast episode state (expected an object with an 'episodes' list)", path)
    if data.get("version") != SCHEMA_VERSION:
        raise StateError(f"unsupported state version {data.get('version')!r} (this audiocast reads "
                         f"version {SCHEMA_VERSION})", path)
    return data


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)


def _episode_to_json(e: Episode) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in dataclasses.fields(e):
        value = getattr(e, f.name)
        if isinstance(value, dt.datetime):
            value = _aware(value).isoformat()
        elif f.name in ("chapters", "parts"):
            value = [{"title": c.title, "start_ms": c.start_ms, "end_ms": c.end_ms} for c in value]
        elif isinstance(value, tuple):
            value = [list(v) if isinstance(v, tuple) else v for v in value]
        out[f.name] = value
    return out


def _episode_from_json(raw: dict[str, Any]) -> Episode:
    if not isinstance(raw, dict):
        raise TypeError("not an object")
    known = {f.name for f in dataclasses.fields(Episode)}
    values = {k: v for k, v in raw.items() if k in known}  # fields from newer versions are ignored
    for key in ("pub_date", "first_published"):
        if values.get(key) is not None:
            values[key] = _aware(dt.datetime.fromisoformat(values[key]))
    for key in ("chapters", "parts"):
        values[key] = tuple(Chapter(title=str(c["title"]), start_ms=int(c["start_ms"]), end_ms=int(c["end_ms"]))
                            for c in values.get(key, ()))
    values["speakers"] = tuple(str(s) for s in values.get("speakers", ()))
    values["transcripts"] = tuple((str(n), str(m)) for n, m in values.get("transcripts", ()))
    for key in ("slug", "guid", "title", "mp3_name"):
        if not isinstance(values.get(key), str) or (key != "guid" and not values[key]):
            raise ValueError(f"'{key}' must be a non-empty string")
    for key in ("size_bytes", "duration_ms"):
        if not isinstance(values.get(key), int):
            raise ValueError(f"'{key}' must be a whole number")
    return Episode(**values)
