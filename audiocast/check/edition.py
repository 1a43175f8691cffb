"""``audiocast check`` for audio editions: nested chapters and every article present.

An edition's ID3 tag nests its chapters: the top-level CTOC lists one CTOC per
part (opening, each article, credits), each listing the CHAP frames inside it.
Its JSON chapters list the parts, each followed by its nested chapters marked
``"toc": false``.  The parts are what the feed's psc:chapters and description
timestamps list; the CHAP frames are what ffmpeg-based players list.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

from audiocast.check.report import Collector
from audiocast.model import Chapter
from audiocast.publish.state import load_state

JOIN_TOLERANCE_MS = 1


def is_nested(id3) -> bool:
    """True when the top-level CTOC lists other CTOCs (an edition) rather than CHAP frames."""
    top = [t for t in id3.tocs if t.top_level]
    inner = {t.element_id for t in id3.tocs if not t.top_level}
    return len(top) == 1 and any(cid in inner for cid in top[0].child_ids)


def nested_parts(id3) -> tuple[Chapter, ...]:
    """The parts of a nested tag: each child CTOC of the top level, spanning its CHAP frames (in time order)."""
    if not is_nested(id3):
        return ()
    top = next(t for t in id3.tocs if t.top_level)
    tocs = {t.element_id: t for t in id3.tocs}
    chaps = {ch.element_id: ch for ch in id3.chapters}
    parts = []
    for cid in top.child_ids:
        inside = [chaps[i] for i in tocs[cid].child_ids if i in chaps] if cid in tocs else []
        if inside:
            parts.append(Chapter(tocs[cid].title or "", min(ch.start_ms for ch in inside),
                                 max(ch.end_ms for ch in inside)))
    return tuple(parts)


def check_nested_toc(name: str, id3, c: Collector) -> None:
    """Each part a titled, ordered CTOC of contiguous CHAPs; parts contiguous from 0; every CHAP in one part."""
    top = next(t for t in id3.tocs if t.top_level)
    tocs = {t.element_id: t for t in id3.tocs}
    chaps = {ch.element_id: ch for ch in id3.chapters}
    listed: list[str] = []
    for cid in top.child_ids:
        toc = tocs.get(cid)
        if toc is None:
            c.error(name, "ctoc-children", f"the top-level CTOC lists {cid!r}, which is not a CTOC of an edition part")
            continue
        if not (toc.title or "").strip():
            c.error(name, "ctoc-title", f"CTOC {cid!r} (an edition part) has no TIT2 title")
        if not toc.ordered:
            c.error(name, "ctoc-flags", f"CTOC {cid!r} lacks the 'ordered' flag")
        unknown = [i for i in toc.child_ids if i not in chaps]
        if unknown or not toc.child_ids:
            c.error(name, "ctoc-children", f"CTOC {toc.title!r} lists no chapters or chapters that do not exist: "
                    f"{', '.join(unknown)}")
        inside = [chaps[i] for i in toc.child_ids if i in chaps]
        for a, b in zip(inside, inside[1:]):
            if abs(a.end_ms - b.start_ms) > JOIN_TOLERANCE_MS:
                c.error(name, "chapters-nesting", f"in {toc.title!r}, chapter {a.title!r} ends at {a.end_ms} ms "
                        f"but the next, {b.title!r}, starts at {b.start_ms} ms")
        listed += toc.child_ids
    twice = sorted({i for i in listed if listed.count(i) > 1})
    left_out = [i for i in chaps if i not in listed]
    if twice or left_out:
        c.error(name, "ctoc-children", f"chapters in more than one part: {', '.join(twice) or 'none'}; "
                f"in none: {', '.join(left_out) or 'none'}")
    parts = nested_parts(id3)
    if parts and parts[0].start_ms != 0:
        c.error(name, "chapters-continuity", f"the first part starts at {parts[0].start_ms} ms, not 0")
    for a, b in zip(parts, parts[1:]):
        if abs(a.end_ms - b.start_ms) > JOIN_TOLERANCE_MS:
            c.error(name, "chapters-continuity", f"part {a.title!r} ends at {a.end_ms} ms but part {b.title!r} "
                    f"starts at {b.start_ms} ms")


def check_edition(mp3: Path, parts: tuple[Chapter, ...], chapters: tuple[Chapter, ...], out_dir: Path, c: Collector) -> None:
    """Every article of the recorded edition is a part of its MP3; JSON sub-chapters inside their parts."""
    try:
        record = next((e for e in load_state(out_dir) if e.mp3_name == mp3.name), None)
    except Exception:  # noqa: BLE001 - a broken episodes.json is reported by the stale-state check
        record = None
    if record is not None and record.parts:
        titles = [p.title for p in parts]
        missing = [p.title for p in record.parts if p.title not in titles]
        if missing:
            c.error(mp3.name, "edition-articles", "articles of the edition have no chapter in its MP3: "
                    + "; ".join(repr(t) for t in missing))
        elif titles != [p.title for p in record.parts]:
            c.error(mp3.name, "edition-articles", "the MP3's parts are not in the edition's order")
    if record is not None and record.chapters_json:
        _check_json_nesting(out_dir / record.chapters_json, chapters, c)
    c.ok(f"{mp3.name}: an edition of {len(parts)} parts, {len(chapters)} nested chapters")


def _check_json_nesting(path: Path, chapters: tuple[Chapter, ...], c: Collector) -> None:
    try:
        items = json.loads(path.read_text(encoding="utf-8"))["chapters"]
    except (OSError, ValueError, KeyError, TypeError):
        return  # reported by the chapter checks of the feed item
    parent: Optional[dict] = None
    nested = []
    for item in items:
        if item.get("toc", True) is not False:
            parent = item
            continue
        nested.append((round(item["startTime"] * 1000), item.get("title", "")))
        end = item.get("endTime", item["startTime"])
        if parent is None or not parent["startTime"] <= item["startTime"] <= end <= parent.get("endTime", end):
            c.error(path.name, "chapters-nesting", f"JSON chapter {item.get('title')!r} is not inside the "
                    f"chapter listed before it ({parent.get('title') if parent else 'none'!r})")
    if nested != [(ch.start_ms, ch.title) for ch in chapters]:
        c.error(path.name, "chapters-mismatch", f"the {len(nested)} nested JSON chapters (\"toc\": false) are not "
                f"the MP3's {len(chapters)} CHAP chapters")
