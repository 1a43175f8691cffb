"""The per-item half of ``audiocast check``: the item's tags, enclosure and audio, chapters in every format, transcripts.

Chapters are the ID3 CHAP frames of the MP3 (the reference), and they must be
identical in the JSON chapters file (``podcast:chapters``, JSON chapters 1.2),
in Podlove Simple Chapters (``psc:chapters``) and in the timestamps of the item
description.  Transcripts (``podcast:transcript``: WebVTT, SRT, Podcasting 2.0
JSON) must exist, parse, run in order and cover the spoken audio.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Optional

from audiocast.check.audio import TOLERANCE_MS, check_mp3
from audiocast.check.edition import check_edition
from audiocast.check.report import Collector, absent, load_json, local_path, rfc2822_date, text_of
from audiocast.model import Chapter
from audiocast.publish.feed import NSMAP

CUE_EDGE_MS = 5000  # the first cue starts within 5 s of the start, the last ends within 5 s of the end...
MUSIC_EDGE_MS = 20_000  # ...unless a sting plays there (up to 15 s): then a warning, an error only beyond 20 s
_TIMESTAMP_LINE = re.compile(
    r"^\s*[\[(]?((?:\d{1,2}:)?\d{1,2}:\d{2})(?:\.\d{1,3})?[\])]?\s*(?:[-–—:|]\s*)?(\S.*?)\s*$")


def check_item(item, out_dir: Path, c: Collector, seen: set[str], loudness: bool) -> None:
    """One feed item: its required tags, enclosure, audio, chapters and transcripts."""
    title = text_of(item.find("title"))
    where = f"feed.xml item {title!r}" if title else "feed.xml item"
    if not title:
        c.error(where, "item-required", "item has no <title>")
    guid = text_of(item.find("guid"))
    if not guid:
        c.error(where, "item-guid", "item has no <guid>")
    elif guid in seen:
        c.error(where, "item-guid", f"guid {guid} is used by more than one item")
    seen.add(guid)
    date = text_of(item.find("pubDate"))
    if rfc2822_date(date) is None:
        c.error(where, "item-date", f"pubDate {date!r} is not an RFC 2822 date" if date else "item has no pubDate")
    if not text_of(item.find("description")):
        c.warn(where, "item-description", "item has no description")
    kind = text_of(item.find("itunes:episodeType", NSMAP))
    if kind and kind not in ("full", "trailer", "bonus"):
        c.error(where, "item-episode-type", f"itunes:episodeType {kind!r} is not full, trailer or bonus")
    explicit = text_of(item.find("itunes:explicit", NSMAP))
    if explicit and explicit not in ("true", "false"):
        c.error(where, "item-explicit", f"itunes:explicit {explicit!r} is not true or false")

    mp3 = _check_enclosure(item, out_dir, where, c)
    if mp3 is None:
        return
    feed_ms = None
    raw_duration = text_of(item.find("itunes:duration", NSMAP))
    if not raw_duration:
        c.error(where, "item-duration", "item has no itunes:duration")
    else:
        feed_ms = parse_duration(raw_duration)
        if feed_ms is None:
            c.error(where, "item-duration", f"itunes:duration {raw_duration!r} is not seconds or HH:MM:SS")

    audio = check_mp3(mp3, c, feed_ms=feed_ms, loudness=loudness)
    if audio is not None:
        # an edition's feed chapters are its parts; its nested chapters are checked against them
        check_item_chapters(item, mp3, audio.parts or audio.chapters, out_dir, c)
        if audio.parts:
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


def parse_duration(text: str) -> Optional[int]:
    """itunes:duration in ms: whole seconds, MM:SS or HH:MM:SS; None if malformed."""
    if re.fullmatch(r"\d+", text):
        return int(text) * 1000
    m = re.fullmatch(r"(?:(\d+):)?([0-5]?\d):([0-5]\d)", text)
    if not m:
        return None
    return ((int(m[1] or 0) * 60 + int(m[2])) * 60 + int(m[3])) * 1000



def check_item_chapters(item, mp3: Path, reference: tuple[Chapter, ...], out_dir: Path, c: Collector) -> None:
    """JSON chapters, psc:chapters and description timestamps against the ID3 chapters."""

    ref = [(ch.start_ms, ch.title) for ch in reference]
    link = item.find("podcast:chapters", NSMAP)
    if link is None:
        c.error(mp3.name, "json-chapters", "the item has no podcast:chapters")
    else:
        path = local_path(link.get("url", ""), out_dir)
        if link.get("type") != "application/json+chapters":
            c.error(mp3.name, "json-chapters", f"podcast:chapters type is {link.get('type')!r}; "
                    "expected application/json+chapters")
        if path is None or not path.is_file():
            c.error(path.name if path else mp3.name, "json-chapters",
                    f"podcast:chapters {link.get('url')} {absent(path)}")
        else:
            doc = load_json(path, c, "json-chapters")
            if doc is not None:
                chapters = _json_chapters(doc, path.name, c)
                if chapters is not None:
                    _compare(path.name, "JSON chapters", chapters, ref, c, exact=True)
                    ends = [i["endTime"] for i in doc["chapters"] if isinstance(i.get("endTime"), (int, float))]
                    if reference and ends and abs(round(max(ends) * 1000) - reference[-1].end_ms) > 1:
                        c.error(path.name, "duration-chapters", f"the last JSON chapter ends at {max(ends)} s; "
                                f"the MP3's last chapter ends at {reference[-1].end_ms / 1000:.3f} s")

    psc = item.find("psc:chapters", NSMAP)
    if psc is None:
        c.error(mp3.name, "psc-chapters", "the item has no psc:chapters (Podlove Simple Chapters)")
    else:
        if psc.get("version") != "1.2":
            c.warn(mp3.name, "psc-chapters", f"psc:chapters version is {psc.get('version')!r}; expected 1.2")
        found = []
        for el in psc.findall("psc:chapter", NSMAP):
            start = parse_npt(el.get("start", ""))
            if start is None:
                c.error(mp3.name, "psc-chapters", f"psc:chapter start {el.get('start')!r} is not a time")
                return
            found.append((start, el.get("title", "")))
        _compare(f"feed.xml psc:chapters of {mp3.name}", "psc:chapters", found, ref, c, exact=True)

    stamps = description_timestamps(html.unescape(item.findtext("description") or ""))
    if len(ref) > 1 and not stamps:
        c.error(mp3.name, "description-chapters", "the item description lists no chapter timestamps")
    elif stamps:
        _compare(f"feed.xml description of {mp3.name}", "description timestamps", stamps, ref, c, exact=False)
    if ref:
        c.ok(f"{mp3.name}: {len(ref)} chapters identical in ID3, JSON, psc and the description")


def _json_chapters(doc, name: str, c: Collector) -> Optional[list[tuple[int, str]]]:
    if not isinstance(doc, dict) or not str(doc.get("version", "")).startswith("1.2"):
        c.error(name, "json-chapters", "not a JSON chapters 1.2 document (\"version\": \"1.2.0\" missing)")
        return None
    items = doc.get("chapters")
    if not isinstance(items, list) or not all(isinstance(i, dict) and isinstance(i.get("startTime"), (int, float))
                                              for i in items):
        c.error(name, "json-chapters", "\"chapters\" must be a list of objects with a numeric startTime")
        return None
    shown = [i for i in items if i.get("toc", True) is not False]
    for a, b in zip(shown, shown[1:]):
        if "endTime" in a and abs(a["endTime"] - b["startTime"]) > 0.0015:
            c.error(name, "chapters-continuity", f"JSON chapter {a.get('title')!r} ends at {a['endTime']} s but "
                    f"the next starts at {b['startTime']} s")
    return [(round(i["startTime"] * 1000), str(i.get("title", ""))) for i in shown]


def _compare(where: str, fmt: str, found: list[tuple[int, str]], ref: list[tuple[int, str]], c: Collector, exact: bool) -> None:
    """Order, start at 0, and equality with the ID3 chapters (to the ms, or the second for descriptions)."""
    starts = [s for s, _ in found]
    if starts != sorted(starts):
        c.error(where, "chapters-order", f"{fmt} are not in time order")
        return
    if starts and starts[0] != 0:
        c.error(where, "chapters-continuity", f"{fmt} start at {starts[0]} ms, not 0")
    if not ref:
        return
    if len(found) != len(ref):
        c.error(where, "chapters-mismatch", f"{fmt} list {len(found)} chapters; the MP3 has {len(ref)}")
        return
    for (start, title), (ref_start, ref_title) in zip(found, ref):
        close = abs(start - ref_start) <= 1 if exact else ref_start - 1000 < start <= ref_start + 500
        if not close or title.strip() != ref_title.strip():
            c.error(where, "chapters-mismatch", f"{fmt} have {title!r} at {start / 1000:.3f} s; the MP3 has "
                    f"{ref_title!r} at {ref_start / 1000:.3f} s")
            return


def parse_npt(text: str) -> Optional[int]:
    """A Normal Play Time (``HH:MM:SS.mmm``, ``MM:SS`` or seconds) in ms, or None."""
    m = re.fullmatch(r"(?:(?:(\d+):)?(\d{1,2}):)?(\d{1,2}(?:\.\d{1,3})?)", text.strip())
    if not m:
        return None
    return round(((int(m[1] or 0) * 60 + int(m[2] or 0)) * 60 + float(m[3])) * 1000)


def description_timestamps(description: str) -> list[tuple[int, str]]:
    """``(start_ms, title)`` of the last run of lines like ``00:01:05 Title`` or ``(1:05) Title``.

    Only the last run of consecutive timestamp lines counts, so a line of the
    article's own description that happens to start with a time is not a chapter.
    """
    runs: list[list[tuple[int, str]]] = [[]]
    for line in description.splitlines():
        m = _TIMESTAMP_LINE.match(line)
        if m:
            runs[-1].append((parse_npt(m[1]) or 0, m[2]))
        elif line.strip() and runs[-1]:
            runs.append([])
    return next((run for run in reversed(runs) if run), [])


def _vtt_time(text: str) -> int:
    m = re.fullmatch(r"(?:(\d+):)?(\d{2}):(\d{2})[.,](\d{3})", text.strip())
    if not m:
        raise ValueError(f"bad timestamp {text!r}")
    return ((int(m[1] or 0) * 60 + int(m[2])) * 60 + int(m[3])) * 1000 + int(m[4])


def parse_cues(text: str, kind: str) -> list[tuple[int, int, str]]:
    """(start_ms, end_ms, text) of every cue of a WebVTT, SRT or Podcasting 2.0 JSON transcript."""
    if kind == "application/json":
        import json

        doc = json.loads(text)
        return [(round(float(s["startTime"]) * 1000), round(float(s["endTime"]) * 1000), str(s.get("body", "")))
                for s in doc["segments"]]
    text = text.lstrip("\ufeff").replace("\r\n", "\n")
    if kind == "text/vtt" and not re.match(r"WEBVTT([ \t].*)?(\n|$)", text):
        raise ValueError("does not start with WEBVTT")
    cues = []
    for block in re.split(r"\n\s*\n", text.strip()):
        lines = block.split("\n")
        timing = next((i for i, line in enumerate(lines) if "-->" in line), None)
        if timing is None:
            if kind == "application/x-subrip" or not re.match(r"(WEBVTT|NOTE|STYLE|REGION)", lines[0]):
                raise ValueError(f"a block without a timing line: {lines[0][:40]!r}")
            continue
        start, end = lines[timing].split("-->")
        cues.append((_vtt_time(start), _vtt_time(end.split()[0]), " ".join(lines[timing + 1:])))
    return cues


def check_transcripts(item, mp3: Path, duration_ms: int, out_dir: Path, c: Collector) -> None:
    """Every podcast:transcript exists, parses, runs in order, covers the audio, and they all agree."""

    links = item.findall("podcast:transcript", NSMAP)
    if not links:
        c.warn(mp3.name, "transcript-missing", "the item lists no podcast:transcript")
        return
    timings: dict[str, list[tuple[int, int]]] = {}
    for link in links:
        kind = link.get("type", "")
        path = local_path(link.get("url", ""), out_dir)
        if path is None or not path.is_file():
            c.error(path.name if path else mp3.name, "transcript-missing",
                    f"podcast:transcript {link.get('url')} {absent(path)}")
            continue
        if kind not in ("text/vtt", "application/x-subrip", "application/srt", "application/json"):
            continue  # html/plain text: existence is all a standard asks
        try:
            cues = parse_cues(path.read_text(encoding="utf-8"), "application/x-subrip" if kind == "application/srt"
                              else kind)
        except (ValueError, KeyError, TypeError, UnicodeDecodeError) as exc:
            c.error(path.name, "transcript-parse", f"not a valid {kind} transcript ({exc})")
            continue
        if _check_cues(path.name, cues, duration_ms, c):
            timings[path.name] = [(s, e) for s, e, _ in cues]
    if len(set(map(tuple, timings.values()))) > 1:
        c.error(mp3.name, "transcript-mismatch", "the transcripts disagree on cue times: "
                + ", ".join(f"{n} ({len(t)} cues)" for n, t in timings.items()))
    elif timings:
        c.ok(f"{mp3.name}: {len(timings)} transcripts agree, {len(next(iter(timings.values())))} cues cover the audio")


def _check_cues(name: str, cues: list[tuple[int, int, str]], duration_ms: int, c: Collector) -> bool:
    if not cues:
        c.error(name, "transcript-parse", "the transcript has no cues")
        return False
    ok = True
    for i, (start, end, text) in enumerate(cues):
        if end < start:
            c.error(name, "transcript-order", f"cue {i + 1} ends ({end} ms) before it starts ({start} ms)")
            ok = False
            break
        if not text.strip():
            c.error(name, "transcript-parse", f"cue {i + 1} has no text")
            ok = False
            break
    if any(b[0] < a[0] for a, b in zip(cues, cues[1:])):
        c.error(name, "transcript-order", "cues are not in time order")
        ok = False
    first, last_end = cues[0][0], max(e for _, e, _ in cues)
    lead, tail = first, duration_ms - last_end
    for gap, what in ((lead, f"the first cue starts at {first / 1000:.1f} s"),
                      (tail, f"the last cue ends at {last_end / 1000:.1f} s but the audio runs "
                             f"{duration_ms / 1000:.1f} s")):
        if gap > MUSIC_EDGE_MS:
            c.error(name, "transcript-coverage", f"{what}: speech there has no transcript")
            ok = False
        elif gap > CUE_EDGE_MS:
            c.warn(name, "transcript-coverage", f"{what}: fine if music plays there, else speech is missing")
    if last_end > duration_ms + TOLERANCE_MS:
        c.error(name, "transcript-coverage", f"a cue ends at {last_end / 1000:.1f} s, after the audio's end "
                f"({duration_ms / 1000:.1f} s)")
        ok = False
    return ok
