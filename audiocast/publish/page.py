"""``out/index.html``: the show's web page, with a player, chapters and the transcript of every episode.

Built as an lxml element tree (never string templates), so every title, description,
speaker name and transcript line from an article is text, whatever it holds.  The page
is self-contained: its stylesheet and script (``audiocast/web/``) are inlined and every
link is relative, so it works from any static host under any path.  Without JavaScript
it is still a readable page with working players; chapter and cue links then open the
MP3 at their time (a media fragment, ``#t=``).  The script adds in-page seeking and
marks the current transcript line (see ``web/page.js``).

Hooks for tests and for styling: each episode's container has ``data-episode="<slug>"``,
each chapter link ``data-chapter-start`` (the ``startTime`` of ``<slug>.chapters.json``,
as written there), each transcript cue ``data-cue-start`` (seconds, as in
``<slug>.transcript.json``, the same timeline as the WebVTT file).
"""

from __future__ import annotations

import datetime as dt
import json
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Optional, Sequence
from urllib.parse import quote

from lxml import etree
from lxml.html import builder as E

from audiocast.fsutil import write_bytes_atomic
from audiocast.model import Episode
from audiocast.publish.state import newest_first

if TYPE_CHECKING:  # pragma: no cover
    from audiocast.config import Config

PAGE_NAME = "index.html"
DOCTYPE = "<!DOCTYPE html>"


def write_page(episodes: Sequence[Episode], config: "Config", out_dir: Path, cover: Optional[Path] = None) -> Path:
    """Write ``out_dir/index.html`` atomically (only when it changed) and return its path.

    Chapters and transcripts are read from each episode's sidecar files in ``out_dir``;
    an episode whose files are missing is listed with its player and without them.
    """
    out_dir = Path(out_dir)
    target = out_dir / PAGE_NAME
    data = render_page(episodes, config, out_dir, cover)
    write_bytes_atomic(target, data, keep_same=True)
    return target


def render_page(episodes: Sequence[Episode], config: "Config", out_dir: Path, cover: Optional[Path] = None) -> bytes:
    """The page as UTF-8 bytes."""
    p = config.podcast
    head = E.HEAD(
        E.META(charset="utf-8"),
        E.META(name="viewport", content="width=device-width, initial-scale=1"),
        E.TITLE(p.title),
        E.META(name="description", content=p.description),
        E.LINK(rel="alternate", type="application/rss+xml", title=p.title, href="feed.xml"),
        # an icon link, so the browser does not ask for a /favicon.ico that is not there
        E.LINK(rel="icon", href=_href(cover.name) if cover is not None else "data:,"),
        E.STYLE(_asset("page.css")),
    )
    show = E.HEADER(E.CLASS("show"))
    if cover is not None:
        show.append(E.IMG(src=_href(cover.name), alt=f"Cover of {p.title}", width="144", height="144"))
    show.append(E.DIV(
        E.H1(p.title),
        E.P(p.description),
        E.DIV(
            E.CLASS("subscribe"),
            E.A("Subscribe (RSS)", E.CLASS("rss"), href="feed.xml", type="application/rss+xml"),
            E.INPUT(id="feed-url", type="url", readonly="readonly", value=p.feed_url, size="40",
                    **{"data-feed-url": "", "aria-label": "Feed URL to paste into a podcast app"}),
            E.BUTTON("Copy", E.CLASS("copy"), type="button", hidden="hidden"),
        ),
    ))
    ordered = newest_first(episodes)
    main = E.MAIN(*(_episode(ep, config, out_dir) for ep in ordered))
    if not ordered:
        main.append(E.P("No episodes yet."))
    footer = E.FOOTER(E.P(f"{len(ordered)} episode{'s' if len(ordered) != 1 else ''}. Read aloud by synthetic "
                          "voices; made offline with audiocast."))
    body = E.BODY(show, main, footer, E.SCRIPT(_asset("page.js")))
    html = E.HTML(head, body, lang=p.language)
    return etree.tostring(html, encoding="utf-8", method="html", doctype=DOCTYPE, pretty_print=True)


def _episode(ep: Episode, config: "Config", out_dir: Path) -> etree._Element:
    slug = ep.slug
    heading_id = f"title-{slug}"
    author = ep.author or config.podcast.author
    meta = E.P(
        E.CLASS("meta"),
        E.SPAN(E.TIME(_long_date(ep.pub_date), datetime=_aware(ep.pub_date).isoformat())),
        E.SPAN(E.TIME(_duration(ep.duration_ms), datetime=_iso_duration(ep.duration_ms))),
        E.SPAN(f"by {author}"),
    )
    audio = E.AUDIO(
        "Your browser cannot play this episode here: ",
        E.A("download the MP3", href=_href(ep.mp3_name)), ".",
        controls="controls", preload="metadata", src=_href(ep.mp3_name),
    )
    box = E.ARTICLE(E.CLASS("episode"), E.H2(ep.title, id=heading_id), meta, id=f"episode-{slug}",
                    **{"data-episode": slug, "aria-labelledby": heading_id})
    for para in (ep.description or "").split("\n\n"):
        if para.strip():
            box.append(E.P(para.strip()))
    box.append(audio)
    box.append(_files(ep))
    chapters = _chapters(ep, out_dir)
    if chapters:
        box.append(E.H3("Chapters"))
        box.append(E.OL(E.CLASS("chapters"), *(
            E.LI(E.A(E.SPAN(_clock(start), E.CLASS("time")), E.SPAN(title),
                     href=f"{_href(ep.mp3_name)}#t={_number(start)}", **{"data-chapter-start": _number(start)}))
            for start, title in chapters
        )))
    cues = _cues(ep, out_dir)
    if cues:
        box.append(E.H3("Transcript", id=f"transcript-{slug}"))
        items = []
        previous = None
        for start, speaker, text in cues:
            li = E.LI(E.A(_clock(start), E.CLASS("time"), href=f"{_href(ep.mp3_name)}#t={_number(start)}",
                          **{"aria-label": f"Play from {_clock(start)}"}),
                      E.SPAN(speaker, E.CLASS("speaker")), E.SPAN(text, E.CLASS("text")),
                      **{"data-cue-start": _number(start)})
            if speaker == previous:
                li.set("class", "same")
            previous = speaker
            items.append(li)
        box.append(E.OL(E.CLASS("transcript"), *items, **{"aria-labelledby": f"transcript-{slug}"}))
        box.append(E.BUTTON("Back to the current line", E.CLASS("follow"), type="button", hidden="hidden"))
    return box


def _files(ep: Episode) -> etree._Element:
    links = [E.A("MP3", href=_href(ep.mp3_name), download="")]
    labels = {"text/vtt": "WebVTT", "application/srt": "SRT", "application/x-subrip": "SRT",
              "application/json": "JSON transcript"}
    links += [E.A(labels.get(mime, name), href=_href(name)) for name, mime in ep.transcripts]
    if ep.chapters_json:
        links.append(E.A("JSON chapters", href=_href(ep.chapters_json)))
    p = E.P(E.CLASS("files"), "Files: ", links[0])
    for link in links[1:]:
        p[-1].tail = " · "
        p.append(link)
    return p


def _chapters(ep: Episode, out_dir: Path) -> list[tuple[float, str]]:
    """(start in seconds as in the chapters file, title); from the episode record if the file is unreadable."""
    if ep.chapters_json:
        doc = _load_json(out_dir / ep.chapters_json)
        try:
            return [(c["startTime"], str(c.get("title", ""))) for c in doc["chapters"]
                    if isinstance(c["startTime"], (int, float)) and c.get("toc", True) is not False]
        except (TypeError, KeyError):
            pass
    return [(c.start_ms / 1000, c.title) for c in sorted(ep.parts or ep.chapters, key=lambda c: c.start_ms)]


def _cues(ep: Episode, out_dir: Path) -> list[tuple[float, str, str]]:
    """(start, speaker, text) from the episode's Podcasting 2.0 JSON transcript (written with the VTT)."""
    for name, mime in ep.transcripts:
        if name.endswith(".json") and mime == "application/json":
            doc = _load_json(out_dir / name)
            try:
                return [(s["startTime"], str(s.get("speaker") or "Narrator"), str(s["body"]))
                        for s in doc["segments"] if isinstance(s["startTime"], (int, float))]
            except (TypeError, KeyError):
                return []
    return []


def _load_json(path: Path):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None


def _asset(name: str) -> str:
    return (resources.files("audiocast.publish") / "web" / name).read_text(encoding="utf-8")


def _href(name: str) -> str:
    """A relative URL for a file in the output folder (every character that could change its meaning quoted)."""
    return quote(name, safe="")


def _number(seconds: float) -> str:
    """Seconds exactly as JSON writes them (``12``, ``65.2``), so a page value equals the file's."""
    return json.dumps(seconds)


def _clock(seconds: float) -> str:
    total = int(seconds)
    h, rest = divmod(total, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def _duration(ms: int) -> str:
    total = round(ms / 1000)
    h, rest = divmod(total, 3600)
    m, s = divmod(rest, 60)
    if h:
        return f"{h} h {m:02d} min"
    return f"{m} min {s:02d} s" if m else f"{s} s"


def _iso_duration(ms: int) -> str:
    total = round(ms / 1000)
    h, rest = divmod(total, 3600)
    m, s = divmod(rest, 60)
    return "PT" + (f"{h}H" if h else "") + (f"{m}M" if m else "") + f"{s}S"


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)


def _long_date(value: dt.datetime) -> str:
    months = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
              "November", "December")
    return f"{value.day} {months[value.month - 1]} {value.year}"
