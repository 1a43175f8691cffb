"""ID3v2.3 tags and chapters for an episode MP3: the only module that imports mutagen.

One declarative table (:data:`FIELDS`) maps each logical tag of a :class:`TagSet`
to its ID3 frame; :func:`write_tags` and :func:`read_tags` both walk it, so a tag
added to the table round-trips without touching either function.

Chapters are CHAP frames (each with a TIT2 title) under one top-level, ordered
CTOC.  mutagen writes frames sorted by size, which scatters CHAP frames out of
time order, while ffmpeg, mpv and many players list chapters in *file* order
(mutagen issue #506).  :class:`_OrderedID3` therefore lays the frames out itself:
text frames, then the CTOC, then the CHAP frames by start time, then the picture.

ID3v2.3 has no TDRC; the date is written as TYER + TDAT + TIME directly, because
mutagen's own conversion drops TIME whenever the hour or the minute is zero.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field, fields as dc_fields
from pathlib import Path
from typing import Optional, Union

from mutagen import MutagenError
from mutagen.id3 import (
    APIC, CHAP, COMM, CTOC, ID3, TALB, TCON, TCOP, TDAT, TIME, TIT2, TLAN, TLEN, TPE1, TPUB, TYER, WOAS,
    CTOCFlags, Encoding, ID3NoHeaderError, PictureType,
)
from mutagen.id3._tags import save_frame  # the per-frame serialiser ID3._write itself uses

from audiocast.errors import AudioError
from audiocast.model import Chapter

DateLike = Union[_dt.datetime, _dt.date, str]

# ISO 639-1 (RSS/config) -> ISO 639-2/B (ID3 TLAN and COMM language fields).
_LANG3 = {
    "ar": "ara", "cs": "cze", "da": "dan", "de": "ger", "el": "gre", "en": "eng", "es": "spa", "fi": "fin",
    "fr": "fre", "he": "heb", "hi": "hin", "hu": "hun", "it": "ita", "ja": "jpn", "ko": "kor", "nl": "dut",
    "no": "nor", "pl": "pol", "pt": "por", "ro": "rum", "ru": "rus", "sv": "swe", "tr": "tur", "uk": "ukr",
    "zh": "chi",
}
_LANG2 = {v: k for k, v in _LANG3.items()}
TOC_ID = "toc"


@dataclass(frozen=True)
class TagSet:
    """Everything the episode MP3 says about itself in its ID3 tag."""

    title: str
    artist: Optional[str] = None  # the article's author (TPE1)
    album: Optional[str] = None  # the podcast's name (TALB)
    date: Optional[DateLike] = None  # publication date; stored in UTC
    comment: Optional[str] = None  # the description (COMM)
    cover: Optional[bytes] = None  # front cover image (APIC type 3)
    cover_mime: str = "image/jpeg"
    length_ms: Optional[int] = None  # TLEN
    chapters: tuple[Chapter, ...] = ()
    # an edition's top-level chapters: each becomes a child CTOC (titled) of the chapters inside it
    parts: tuple[Chapter, ...] = ()
    genre: str = "Podcast"
    language: Optional[str] = None  # ISO 639-1 ("en") as in the feed
    url: Optional[str] = None  # the podcast's web page (WOAS)
    publisher: Optional[str] = None
    copyright: Optional[str] = None


@dataclass(frozen=True)
class Field:
    """One row of the tag table: a TagSet attribute and the ID3 frame that stores it."""

    name: str
    frame: str
    kind: str  # text | language | date | comment | url | picture | length | chapters


FIELDS: tuple[Field, ...] = (
    Field("title", "TIT2", "text"),
    Field("artist", "TPE1", "text"),
    Field("album", "TALB", "text"),
    Field("date", "TYER+TDAT+TIME", "date"),
    Field("genre", "TCON", "text"),
    Field("language", "TLAN", "language"),
    Field("publisher", "TPUB", "text"),
    Field("copyright", "TCOP", "text"),
    Field("comment", "COMM", "comment"),
    Field("url", "WOAS", "url"),
    Field("length_ms", "TLEN", "length"),
    Field("chapters", "CTOC+CHAP", "chapters"),
    Field("cover", "APIC", "picture"),
)

_TEXT_FRAMES = {"TIT2": TIT2, "TPE1": TPE1, "TALB": TALB, "TCON": TCON, "TPUB": TPUB, "TCOP": TCOP}


@dataclass(frozen=True)
class ChapterFact:
    """A CHAP frame as stored in the file."""

    element_id: str
    start_ms: int
    end_ms: int
    title: Optional[str]


@dataclass(frozen=True)
class TocFact:
    """A CTOC frame as stored in the file."""

    element_id: str
    top_level: bool
    ordered: bool
    child_ids: tuple[str, ...]
    title: Optional[str]


@dataclass(frozen=True)
class Id3Facts:
    """Raw facts about an MP3's ID3v2 tag, for ``audiocast check``: nothing translated or re-ordered."""

    version: tuple[int, int]  # (3, 0) for ID3v2.3.0
    frame_ids: tuple[str, ...]  # top-level frames in file order
    tocs: tuple[TocFact, ...]
    chapters: tuple[ChapterFact, ...]  # CHAP frames in FILE order
    tlen_ms: Optional[int]
    text: tuple[tuple[str, str], ...] = field(default=())  # (frame id, text) of the text frames
    picture: Optional[tuple[str, int, int]] = None  # (mime, picture type, bytes)


class _OrderedID3(ID3):
    """An ID3 tag that writes its frames in reading order, chapters by start time (see module doc)."""

    def _write(self, config):
        def rank(frame) -> tuple:
            kind = frame.FrameID
            if kind == "APIC":
                return (3, 0, 0)
            if kind == "CHAP":
                return (2, frame.start_time, frame.end_time)
            if kind == "CTOC":
                return (1, 0, 0)
            return (0, 0, 0)

        frames = sorted(self.values(), key=lambda f: (rank(f), f.HashKey))
        return bytearray().join(save_frame(f, config=config) for f in frames)


def _encoding(*texts: Optional[str]) -> Encoding:
    """LATIN1 when every text fits, else UTF-16 (ID3v2.3 has no UTF-8)."""
    try:
        for text in texts:
            (text or "").encode("latin-1")
    except UnicodeEncodeError:
        return Encoding.UTF16
    return Encoding.LATIN1


def _utc(value: DateLike) -> tuple[int, Optional[int], Optional[int], Optional[int], Optional[int]]:
    """(year, month, day, hour, minute) in UTC from a datetime, a date or an ISO string."""
    if isinstance(value, str):
        text = value.strip()
        if len(text) == 4 and text.isdigit():
            return int(text), None, None, None, None
        try:
            value = _dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            value = _dt.date.fromisoformat(text[:10])
    if isinstance(value, _dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(_dt.timezone.utc)
        return value.year, value.month, value.day, value.hour, value.minute
    return value.year, value.month, value.day, None, None


def _chapter_frames(tags: TagSet) -> list:
    chapters = sorted(tags.chapters, key=lambda c: (c.start_ms, c.end_ms))
    ids = [f"chp{i}" for i in range(len(chapters))]
    top = ids
    frames = []
    if tags.parts:  # top-level CTOC -> one ordered CTOC per part -> the CHAPs that start inside it
        top = [f"{TOC_ID}{k}" for k in range(len(tags.parts))]
        for tid, part in zip(top, tags.parts):
            inside = [cid for cid, ch in zip(ids, chapters) if part.start_ms <= ch.start_ms < part.end_ms]
            frames.append(CTOC(element_id=tid, flags=CTOCFlags.ORDERED, child_element_ids=inside,
                               sub_frames=[TIT2(encoding=_encoding(part.title), text=[part.title])]))
    frames.insert(0, CTOC(element_id=TOC_ID, flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED, child_element_ids=top,
                          sub_frames=[TIT2(encoding=_encoding(tags.title), text=[tags.title])]))
    for cid, ch in zip(ids, chapters):
        frames.append(CHAP(element_id=cid, start_time=int(ch.start_ms), end_time=int(ch.end_ms),
                           sub_frames=[TIT2(encoding=_encoding(ch.title), text=[ch.title])]))
    return frames


def _frames_for(f: Field, value, tags: TagSet) -> list:
    """The ID3 frames that store one TagSet value (empty for a missing value)."""
    if value is None or value == "" or value == ():
        return []
    if f.kind == "text":
        return [_TEXT_FRAMES[f.frame](encoding=_encoding(value), text=[value])]
    if f.kind == "language":
        return [TLAN(encoding=Encoding.LATIN1, text=[_LANG3.get(value.lower()[:2], value)])]
    if f.kind == "length":
        return [TLEN(encoding=Encoding.LATIN1, text=[str(int(value))])]
    if f.kind == "url":
        return [WOAS(url=value)]
    if f.kind == "comment":
        lang = _LANG3.get((tags.language or "").lower()[:2], "XXX")
        return [COMM(encoding=_encoding(value), lang=lang, desc="", text=[value])]
    if f.kind == "picture":
        return [APIC(encoding=Encoding.LATIN1, mime=tags.cover_mime, type=PictureType.COVER_FRONT, desc="",
                     data=value)]
    if f.kind == "date":
        year, month, day, hour, minute = _utc(value)
        frames = [TYER(encoding=Encoding.LATIN1, text=[f"{year:04d}"])]
        if month and day:
            frames.append(TDAT(encoding=Encoding.LATIN1, text=[f"{day:02d}{month:02d}"]))
        if hour is not None and minute is not None:
            frames.append(TIME(encoding=Encoding.LATIN1, text=[f"{hour:02d}{minute:02d}"]))
        return frames
    if f.kind == "chapters":
        return _chapter_frames(tags)
    raise AssertionError(f"unknown tag kind {f.kind}")


def write_tags(mp3: Path, tags: TagSet) -> None:
    """Replace the MP3's tags with ``tags`` as ID3v2.3 (no ID3v1), chapters in time order in the file.

    The file is tagged in place: it is the MP3 being made, still under its temp name
    (``fsutil.atomic_path``/``new_temp``), published only once it is complete.
    """
    mp3 = Path(mp3)
    _check_chapters(tags.chapters + tags.parts, mp3)
    id3 = _OrderedID3()
    for f in FIELDS:
        for frame in _frames_for(f, getattr(tags, f.name), tags):
            id3.add(frame)
    if not mp3.is_file():
        raise AudioError("cannot read MP3: No such file", mp3)
    try:
        id3.save(mp3, v1=0, v2_version=3, v23_sep="/")
    except MutagenError as exc:
        raise AudioError(f"cannot write ID3 tags: {exc}", mp3) from None


def _check_chapters(chapters: tuple[Chapter, ...], mp3: Path) -> None:
    for ch in chapters:
        if not (0 <= ch.start_ms < ch.end_ms <= 0xFFFFFFFE):
            raise ValueError(f"{mp3}: invalid chapter {ch!r}")
        if not ch.title.strip():
            raise ValueError(f"{mp3}: chapter at {ch.start_ms} ms has no title")


def _load(mp3: Path, translate: bool) -> ID3:
    try:
        return ID3(mp3, translate=translate)
    except ID3NoHeaderError:
        raise AudioError("no ID3v2 tag", mp3) from None
    except (MutagenError, OSError) as exc:
        raise AudioError(f"cannot read ID3 tag: {exc}", mp3) from None


def _text(frame) -> Optional[str]:
    if frame is None or not getattr(frame, "text", None):
        return None
    return "/".join(str(t) for t in frame.text)


def _title(sub_frames) -> Optional[str]:
    return _text(sub_frames.get("TIT2")) if sub_frames is not None else None


def _read_date(id3: ID3) -> Optional[DateLike]:
    """The date from TDRC (mutagen merges TYER/TDAT/TIME into it on load), as UTC."""
    frame = id3.get("TDRC")
    if frame is None or not frame.text:
        return None
    stamp = frame.text[0]
    if stamp.month is None or stamp.day is None:
        return f"{stamp.year:04d}"
    return _dt.datetime(stamp.year, stamp.month, stamp.day, stamp.hour or 0, stamp.minute or 0, stamp.second or 0,
                        tzinfo=_dt.timezone.utc)


def read_tags(mp3: Path) -> TagSet:
    """The TagSet stored in an MP3 (chapters sorted by start time); inverse of :func:`write_tags`."""
    mp3 = Path(mp3)
    id3 = _load(mp3, translate=True)
    values: dict = {}
    for f in FIELDS:
        if f.kind == "text":
            values[f.name] = _text(id3.get(f.frame))
        elif f.kind == "language":
            lang = _text(id3.get("TLAN"))
            values[f.name] = _LANG2.get(lang, lang) if lang else None
        elif f.kind == "length":
            tlen = _text(id3.get("TLEN"))
            values[f.name] = int(tlen) if tlen and tlen.isdigit() else None
        elif f.kind == "url":
            frame = id3.get("WOAS")
            values[f.name] = frame.url if frame is not None else None
        elif f.kind == "comment":
            comms = [c for c in id3.getall("COMM") if c.desc == ""] or id3.getall("COMM")
            values[f.name] = _text(comms[0]) if comms else None
        elif f.kind == "picture":
            pics = [p for p in id3.getall("APIC") if p.type == PictureType.COVER_FRONT] or id3.getall("APIC")
            values[f.name] = pics[0].data if pics else None
            if pics:
                values["cover_mime"] = pics[0].mime
        elif f.kind == "date":
            values[f.name] = _read_date(id3)
        elif f.kind == "chapters":
            values[f.name] = tuple(sorted(
                (Chapter(title=_title(c.sub_frames) or "", start_ms=c.start_time, end_ms=c.end_time)
                 for c in id3.getall("CHAP")),
                key=lambda c: (c.start_ms, c.end_ms),
            ))
            values["parts"] = _read_parts(id3)
    known = {f.name for f in dc_fields(TagSet)}
    values = {k: v for k, v in values.items() if k in known and v is not None}
    if "title" not in values:
        values["title"] = ""
    return TagSet(**values)


def _read_parts(id3: ID3) -> tuple[Chapter, ...]:
    """An edition's top-level chapters: the child CTOCs of the top-level CTOC, each spanning its CHAPs."""
    chaps = {c.element_id: c for c in id3.getall("CHAP")}
    tocs = {t.element_id: t for t in id3.getall("CTOC")}
    top = next((t for t in tocs.values() if t.flags & CTOCFlags.TOP_LEVEL), None)
    parts = []
    for child in (tocs[i] for i in (top.child_element_ids if top else ()) if i in tocs):
        inside = [chaps[i] for i in child.child_element_ids if i in chaps]
        if inside:
            parts.append(Chapter(title=_title(child.sub_frames) or "", start_ms=min(c.start_time for c in inside),
                                 end_ms=max(c.end_time for c in inside)))
    return tuple(sorted(parts, key=lambda c: c.start_ms))


def read_id3_facts(mp3: Path) -> Id3Facts:
    """What is literally in the MP3's ID3v2 tag: version, frames and chapters in file order, CTOC flags."""
    mp3 = Path(mp3)
    id3 = _load(mp3, translate=False)
    # mutagen keeps frames in a dict filled while reading, so its order is the file's order.
    frames = list(id3.values())
    tocs = tuple(
        TocFact(element_id=t.element_id, top_level=bool(t.flags & CTOCFlags.TOP_LEVEL),
                ordered=bool(t.flags & CTOCFlags.ORDERED), child_ids=tuple(t.child_element_ids),
                title=_title(t.sub_frames))
        for t in frames if t.FrameID == "CTOC"
    )
    chapters = tuple(
        ChapterFact(element_id=c.element_id, start_ms=c.start_time, end_ms=c.end_time, title=_title(c.sub_frames))
        for c in frames if c.FrameID == "CHAP"
    )
    tlen = _text(id3.get("TLEN"))
    text = tuple((f.FrameID, _text(f) or "") for f in frames if f.FrameID.startswith("T") and hasattr(f, "text"))
    pics = id3.getall("APIC")
    picture = (pics[0].mime, int(pics[0].type), len(pics[0].data)) if pics else None
    return Id3Facts(
        version=(id3.version[1], id3.version[2]),
        frame_ids=tuple(f.FrameID for f in frames),
        tocs=tocs, chapters=chapters,
        tlen_ms=int(tlen) if tlen and tlen.strip().isdigit() else None,
        text=text, picture=picture,
    )
