"""The audio edition: one episode for every article of a build, a chapter per article.

An edition is made of the same parts as any episode, so it sounds like one:

* a spoken opening (the edition's title, "in this edition" and each headline);
* every article as its own episode reads it (the same segments, the same casting:
  cast memory keeps each speaker's voice across articles and editions), each
  introduced by a short transition naming it ("Next story. <title>, by <author>.");
* closing credits naming the authors and saying the voices are synthetic.

Its chapters nest: one top-level chapter ("part") for the opening, each article
and the credits, and inside each article the chapters its own episode would have
(:func:`audiocast.audio.chapters.plan_chapters` on the article's own marks), the first
titled with the article's title.  The clips are the per-article episodes' clips
(the cache key is voice + text), so an edition built with or after them
synthesises only its opening, transitions and credits, once.

The edition is the episode ``edition-YYYY-MM-DD``: its guid follows from that
slug, so a rebuild on the same day replaces it in the feed and never duplicates it.

Building it (:func:`build_edition`) is called by the pipeline after the per-article
episodes, with their cast memory, so every speaker keeps the voice the episodes gave
them.  The edition's files are written like an episode's: new audio under a new name
(outfiles.episode_stem), listed in ``written`` until the state and feed point to them.
"""

from __future__ import annotations

import bisect
import datetime as dt
import hashlib
import json
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Optional, Sequence

from audiocast import __version__
from audiocast.audio.chapters import plan_chapters
from audiocast.config import Config, build_time
from audiocast.errors import AudiocastError
from audiocast.fsutil import atomic_path, write_text_atomic
from audiocast.model import Article, Casting, Chapter, Episode, Line, Script, Segment
from audiocast.publish.chapterfiles import chapters_json
from audiocast.voice.production import intro_text, lines_for

OPENING_TITLE = "In this edition"
CREDITS_TITLE = "Credits"
TRANSITION_PARAGRAPH = -1  # the transition before an article is a paragraph of its own, before the first


@dataclass(frozen=True)
class Story:
    """One article of the edition, understood and cast as for its own episode."""

    article: Article
    script: Script
    casting: Casting


@dataclass(frozen=True)
class Composition:
    """The edition as one script: its lines, which article each segment belongs to, where each one's sections start."""

    script: Script
    lines: tuple[Line, ...]
    offsets: tuple[int, ...]  # first section index of each story in the combined script


def edition_slug(day: dt.date) -> str:
    """The edition's slug (and so its guid and file names): one per day."""
    return f"edition-{day.isoformat()}"


def edition_title(config: Config, day: dt.date) -> str:
    """The title from the ``[edition] title`` pattern, e.g. "The Sampler — Wednesday 2 December 2026"."""
    when = dt.datetime(day.year, day.month, day.day)
    return " ".join(config.edition.title.format(show=config.podcast.title.strip(), date=when).split())


def order_key(article: Article, how: str) -> tuple:
    """Sort key of an article in the edition: ``order`` (front matter), then date, then file name."""
    name = article.source.name
    when = article.date.timestamp() if article.date else float("inf")
    if how == "name":
        return (name,)
    if how == "date":
        return (when, name)
    return (article.order is None, article.order or 0.0, when, name)


def authors_of(stories: Sequence[Story]) -> list[str]:
    """Every author once, in the order of the stories."""
    names: list[str] = []
    for story in stories:
        for name in (story.article.author or "").split(", "):
            if name.strip() and name.strip() not in names:
                names.append(name.strip())
    return names


def spoken_list(names: Sequence[str]) -> str:
    """"A", "A and B", "A, B and C"."""
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


# --------------------------------------------------------------------------- the script
def compose(stories: Sequence[Story], title: str, show: str) -> Composition:
    """The edition's script and lines: opening, each story after its transition, credits."""
    if not stories:
        raise ValueError("an edition needs at least one article")
    offsets, sections, total = [], [], 0
    for story in stories:
        offsets.append(total)
        sections.extend(story.article.sections)
        total += max(len(story.article.sections), 1 + max((s.section for s in story.script.segments), default=0))
    headlines = [intro_text("", " ".join(s.article.title.split()), s.article.author) for s in stories]
    count = "one story" if len(stories) == 1 else f"{len(stories)} stories"
    opening = [Segment(kind="narration", text=f"{title.rstrip('.')}. In this edition, {count}.", part="intro")]
    opening += [Segment(kind="narration", text=h, paragraph=i + 1, part="intro") for i, h in enumerate(headlines)]

    segments: list[Segment] = list(opening)
    groups: list[tuple[int, int, Casting]] = [(0, len(opening), stories[0].casting)]
    for k, (story, offset) in enumerate(zip(stories, offsets)):
        lead = "Our first story" if k == 0 else "And finally" if k == len(stories) - 1 else "Next story"
        start = len(segments)
        segments.append(Segment(kind="narration", text=intro_text(lead, " ".join(story.article.title.split()),
                                                                  story.article.author),
                                section=offset, paragraph=TRANSITION_PARAGRAPH))
        segments.extend(replace(seg, section=seg.section + offset, part="body") for seg in story.script.segments)
        groups.append((start, len(segments), story.casting))
    authors = authors_of(stories)
    credits = f"That was {title.rstrip('.')}."
    if authors:
        credits += f" Written by {spoken_list(authors)}."
    credits += f" Produced{' for ' + show if show else ''} with audiocast; the voices are synthetic. " \
               "Thank you for listening."
    segments.append(Segment(kind="narration", text=credits, section=max(total - 1, 0), part="outro"))
    groups.append((len(segments) - 1, len(segments), stories[0].casting))

    first = stories[0].article
    article = Article(source=Path("edition"), slug="edition", title=title, author=", ".join(authors) or None,
                      sections=tuple(sections), date=first.date)
    script = Script(article=article, segments=tuple(segments),
                    speakers=tuple(sp for s in stories for sp in s.script.speakers))
    lines: list[Line] = []
    for start, end, casting in groups:  # each part read with its own article's casting
        part = Script(article=article, segments=tuple(segments[start:end]))
        lines.extend(replace(line, segment=line.segment + start) for line in lines_for(part, casting))
    return Composition(script=script, lines=tuple(lines), offsets=tuple(offsets))


# --------------------------------------------------------------------------- chapters
class EditionPlanner:
    """Plans the edition's chapters from its paragraph marks (a ``planner`` for :class:`audiocast.audio.stitch.Stitcher`).

    The chapters are flat and contiguous (what CHAP frames and players list): the
    opening, each story's own chapters (planned as in its episode, its transition
    as the intro, the first chapter titled after the story), then the credits.
    ``first_chapters`` records, for the last plan made, where each story starts.
    """

    def __init__(self, stories: Sequence[Story], offsets: Sequence[int]) -> None:
        self._stories, self._offsets = list(stories), list(offsets)
        self.first_chapters: tuple[int, ...] = ()
        self.credits = False

    def __call__(self, script: Script, marks, duration_ms: int) -> tuple[Chapter, ...]:
        per_story: list[list] = [[] for _ in self._stories]
        credits_at: Optional[int] = None
        for part, section, paragraph, start in marks:
            if part == "outro":
                credits_at = start if credits_at is None else credits_at
            elif part == "body":
                k = bisect.bisect_right(self._offsets, section) - 1
                per_story[k].append((part, section, paragraph, start))
        starts = [m[0][3] for m in per_story]
        ends = starts[1:] + [credits_at if credits_at is not None else duration_ms]
        plan: list[tuple[str, int]] = [(OPENING_TITLE, 0)]
        firsts = []
        for story, offset, story_marks, begin, end in zip(self._stories, self._offsets, per_story, starts, ends):
            local = [("intro", 0, 0, 0) if p == TRANSITION_PARAGRAPH else (part, s - offset, p, t - begin)
                     for part, s, p, t in story_marks]
            own = plan_chapters(story.script, local, max(end - begin, 1))
            firsts.append(len(plan))
            plan.append((" ".join(story.article.title.split()), begin))
            plan.extend((c.title, c.start_ms + begin) for c in own[1:])
        if credits_at is not None:
            plan.append((CREDITS_TITLE, credits_at))
        self.first_chapters, self.credits = tuple(firsts), credits_at is not None
        bounds = [s for _, s in plan[1:]] + [duration_ms]
        return tuple(Chapter(title=t, start_ms=s, end_ms=e) for (t, s), e in zip(plan, bounds))

    def parts(self, chapters: Sequence[Chapter]) -> tuple[Chapter, ...]:
        """The top-level chapters (opening, one per story, credits) spanning the final ``chapters``."""
        firsts = list(self.first_chapters) + ([len(chapters) - 1] if self.credits else [])
        titles = [OPENING_TITLE] + [" ".join(s.article.title.split()) for s in self._stories]
        titles += [CREDITS_TITLE] if self.credits else []
        starts = [0] + firsts
        ends = firsts + [len(chapters)]
        return tuple(Chapter(title=t, start_ms=chapters[a].start_ms, end_ms=chapters[b - 1].end_ms)
                     for t, a, b in zip(titles, starts, ends))


def edition_chapters_json(parts: Sequence[Chapter], chapters: Sequence[Chapter], urls: Sequence[Optional[str]],
                          **meta: Optional[str]) -> str:
    """JSON chapters 1.2: the parts in the table of contents, every nested chapter after its part with ``toc: false``.

    ``urls``: one per part (the article's address, or None); each part's chapters carry it too.
    """
    doc = json.loads(chapters_json(parts, **meta))
    nested = json.loads(chapters_json(chapters))["chapters"]
    entries = []
    for part, entry, url in zip(parts, doc["chapters"], urls):
        entries.append(dict(entry, url=url) if url else entry)
        for chapter, sub in zip(chapters, nested):
            if part.start_ms <= chapter.start_ms < part.end_ms:
                entries.append(dict(sub, toc=False, url=url) if url else dict(sub, toc=False))
    doc["chapters"] = entries
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def story_lines(parts: Sequence[Chapter]) -> str:
    """The stories of the edition, one per line (the feed adds each one's timestamp)."""
    return "In this edition: " + "; ".join(p.title for p in parts[1:-1] if p.title != CREDITS_TITLE) + "."


def edition_digest(stories: Sequence[Story], config: Config, title: str, lexicon_digest: str) -> str:
    """A hash of everything that changes the edition's bytes: a rebuild with the same hash touches nothing."""
    payload = json.dumps({
        "version": __version__, "title": title, "lexicon": lexicon_digest,
        "config": repr((config.audio, config.pauses, config.podcast, config.edition)),
        "stories": [repr((s.article.title, s.article.author, s.article.sections, s.article.date,
                          s.article.description, s.article.url, s.casting)) for s in stories],
    }, sort_keys=True)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


# --------------------------------------------------------------------------- building
@dataclass(frozen=True)
class EditionOutcome:
    """The edition built (or found up to date) and what it took."""

    episode: Episode
    synthesized: int = 0
    cached: int = 0
    skipped: bool = False
    warnings: tuple[str, ...] = ()


def read_stories(paths: Sequence[Path], slugs: dict, config: Config, cast, memory):
    """Every readable article, cast with ``memory``, in edition order: (stories, memory, warnings)."""
    from audiocast.voice.cast import cast_script
    from audiocast.readers import read_article
    from audiocast.understanding.segment import segment_article

    stories, warnings = [], []
    for path in paths:
        try:
            article = replace(read_article(path), slug=slugs[path][0])
            script = segment_article(article)
        except AudiocastError as exc:  # already reported by its own episode, if there is one
            warnings.append(f"left out of the edition: {exc.format_message().strip().splitlines()[0]}")
            continue
        casting, memory = cast_script(script, cast, memory)
        stories.append(Story(article=article, script=script, casting=casting))
    stories.sort(key=lambda s: order_key(s.article, config.edition.order))
    return stories, memory, warnings


def build_edition(paths: Sequence[Path], slugs: dict, out_dir: Path, config: Config, *, library, cast, memory,
                  episodes: Sequence[Episode], cover, written: list, jobs: Optional[int] = None,
                  cache_dir: Optional[Path] = None, force: bool = False, day: Optional[dt.date] = None,
                  progress: Callable[[str], None] = lambda _m: None):
    """Build (or keep) the edition of ``day`` (default today) from ``paths``: (EditionOutcome, memory)."""
    day = day or dt.date.today()
    stories, memory, warnings = read_stories(paths, slugs, config, cast, memory)
    if not stories:
        raise AudiocastError("no article could be read, so there is no edition to build", out_dir)
    slug, title = edition_slug(day), edition_title(config, day)
    previous = next((e for e in episodes if e.slug == slug), None)
    digest = edition_digest(stories, config, title, library.lexicon.digest)
    if not force and previous is not None and previous.content_hash == digest and _files_present(previous, out_dir):
        progress(f"{slug}: up to date")
        return EditionOutcome(episode=previous, skipped=True, warnings=tuple(warnings)), memory

    from audiocast.audio.encode import calibrate_encoder

    calibrate_encoder(config.audio.bitrate, config.audio.sample_rate, config.audio.channels)
    from audiocast.publish.cover import cover_bytes
    from audiocast.publish.outfiles import episode_stem
    from audiocast.audio.stitch import ClipPreparer, Stitcher, mix_rate
    from audiocast.voice.synth import clip_paths, synthesize
    from audiocast.publish.tags import TagSet, write_tags
    from audiocast.publish.transcript import write_transcripts

    composition = compose(stories, title, config.podcast.title.strip())
    planner = EditionPlanner(stories, composition.offsets)
    lines = composition.lines
    progress(f"{slug}: {len(stories)} articles, {len(lines)} sentences")
    mp3_name = f"{episode_stem(slug, digest, previous)}.mp3"
    # the MP3 is published (renamed) when the block ends, after its sidecars
    with atomic_path(out_dir / mp3_name, suffix=".mp3") as tmp_mp3:
        clip_files = clip_paths(lines, library.lexicon, cache_dir=cache_dir)
        with ClipPreparer(mix_rate(config)) as preparer, \
                Stitcher(composition.script, lines, config, tmp_mp3, clip_files, preparer, label=out_dir / mp3_name,
                         planner=planner) as stitcher:
            clips = synthesize(lines, library.lexicon, jobs=jobs, cache_dir=cache_dir, on_ready=preparer.submit)
            cover_data, cover_mime = cover_bytes(cover.path())
            audio = stitcher.finish(clips)
        parts = planner.parts(audio.chapters)
        authors = ", ".join(authors_of(stories)) or config.podcast.author
        pub_date = build_time()
        description = story_lines(parts)
        write_tags(tmp_mp3, TagSet(
            title=title, artist=authors, album=config.podcast.title, date=pub_date, comment=description,
            cover=cover_data, cover_mime=cover_mime, length_ms=audio.duration_ms, chapters=audio.chapters,
            parts=parts, language=config.podcast.language, url=config.podcast.link,
        ))
        stem = mp3_name[: -len(".mp3")]
        written += [f"{stem}.vtt", f"{stem}.srt", f"{stem}.transcript.json", f"{stem}.chapters.json", mp3_name]
        transcripts = write_transcripts(audio.cues, out_dir, stem)
        urls = [None] + [s.article.url for s in stories] + [None] * (len(parts) - len(stories) - 1)
        chapters_name = f"{stem}.chapters.json"
        write_text_atomic(out_dir / chapters_name, edition_chapters_json(
            parts, audio.chapters, urls, title=title, author=authors, podcast_name=config.podcast.title,
            file_name=mp3_name))
    from audiocast.understanding.segment import UNATTRIBUTED

    speakers = tuple(dict.fromkeys(n for s in stories for n in s.script.speaker_names() if n != UNATTRIBUTED))
    episode = Episode(
        slug=slug, guid=previous.guid if previous else "", title=title, author=authors, description=description,
        pub_date=previous.pub_date if previous else pub_date, mp3_name=mp3_name,
        size_bytes=(out_dir / mp3_name).stat().st_size, duration_ms=audio.duration_ms, chapters=audio.chapters,
        speakers=speakers, source=None, content_hash=digest,
        first_published=previous.first_published if previous else pub_date,
        number=previous.number if previous else None, transcripts=tuple(transcripts), chapters_json=chapters_name,
        parts=parts,
    )
    synthesized = sum(1 for c in clips if not c.cached)
    return EditionOutcome(episode=episode, synthesized=synthesized, cached=len(clips) - synthesized,
                          warnings=tuple(warnings)), memory


def _files_present(episode: Episode, out_dir: Path) -> bool:
    from audiocast.publish.outfiles import episode_files

    mp3 = out_dir / episode.mp3_name
    return (mp3.is_file() and mp3.stat().st_size == episode.size_bytes
            and all((out_dir / name).is_file() for name in episode_files(episode)))
