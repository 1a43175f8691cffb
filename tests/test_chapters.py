"""Chapter planning and the chapter formats (JSON chapters 1.2, Podlove Simple Chapters, timestamps)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from audiocast.audio.chapters import CREDITS_MIN_MS, MAX_CHAPTER_MS, MIN_CHAPTER_MS, plan_chapters
from audiocast.publish.chapterfiles import chapters_json, description_timestamps, psc_chapters, write_chapters_file
from audiocast.model import Article, Chapter, Script, Section, Segment
from audiocast.readers import read_article

ROOT = Path(__file__).resolve().parent.parent
INTRO_MS = 6_000


def script_of(sections: list[tuple[str | None, list[str]]]) -> Script:
    article = Article(source=Path("a.md"), slug="a", title="A Title", author="Jane Doe",
                      sections=tuple(Section(t, tuple(ps)) for t, ps in sections))
    segments = [Segment("narration", "The Show. A Title, by Jane Doe.", part="intro")]
    for si, (_, paragraphs) in enumerate(sections):
        segments += [Segment("narration", p, section=si, paragraph=pi) for pi, p in enumerate(paragraphs)]
    segments.append(Segment("narration", "This audio edition was produced with audiocast.", part="outro"))
    return Script(article=article, segments=tuple(segments))


def timeline(script: Script, lengths_ms: list[int], outro_ms: int = 8_000):
    """Marks as the stitcher reports them: intro at 0, then each body paragraph, then the outro."""
    marks = [("intro", 0, 0, 0)]
    t = INTRO_MS
    body = [(s.section, s.paragraph) for s in script.segments if s.part == "body"]
    for (section, paragraph), length in zip(body, lengths_ms, strict=True):
        marks.append(("body", section, paragraph, t))
        t += length
    if outro_ms:
        marks.append(("outro", 0, 0, t))
        t += outro_ms
    return marks, t


def assert_contiguous(chapters, duration):
    assert chapters[0].start_ms == 0
    assert chapters[-1].end_ms == duration
    assert all(a.end_ms == b.start_ms for a, b in zip(chapters, chapters[1:]))
    assert all(c.end_ms > c.start_ms for c in chapters)
    titles = [c.title.casefold() for c in chapters]
    assert len(set(titles)) == len(titles) and all(c.title.strip() for c in chapters)


def test_markdown_sections_become_chapters_and_short_lead_in_joins_the_opening():
    script = script_of([(None, ["A short lead-in."]), ("Background", ["One.", "Two."]),
                        ("The Plan", ["Three."]), ("What Comes Next", ["Four.", "Five."])])
    marks, duration = timeline(script, [10_000, 30_000, 20_000, 40_000, 25_000, 25_000])
    chapters = plan_chapters(script, marks, duration)
    assert [c.title for c in chapters] == ["Introduction", "Background", "The Plan", "What Comes Next", "Credits"]
    assert_contiguous(chapters, duration)
    starts = {m[3] for m in marks}
    assert all(c.start_ms in starts for c in chapters)  # at paragraph boundaries
    assert chapters[1].start_ms == INTRO_MS + 10_000  # the lead-in is heard in the opening chapter


def test_long_untitled_lead_in_gets_titled_chapters_of_its_own():
    lead = ["Nobody expected the river to rise that spring.", "Engineers had warned the council for years."]
    script = script_of([(None, lead), ("Aftermath", ["Then came the cleanup."])])
    marks, duration = timeline(script, [60_000, 60_000, 30_000])
    titles = [c.title for c in plan_chapters(script, marks, duration)]
    assert titles[0] == "Introduction" and titles[-2:] == ["Aftermath", "Credits"]
    assert titles[1:-2] == ["Nobody expected the river to rise", "Engineers had warned the council"]


def test_no_headings_gives_45_to_90_second_chapters_with_short_unique_titles():
    paragraphs = [f"Paragraph {n} talks about topic number {n} in some detail, then more." for n in range(20)]
    script = script_of([(None, paragraphs)])
    lengths = [17_000 + (n * 7_919) % 14_000 for n in range(20)]  # 17-31 s, uneven
    marks, duration = timeline(script, lengths)
    chapters = plan_chapters(script, marks, duration)
    assert_contiguous(chapters, duration)
    assert chapters[0].title == "Introduction" and chapters[-1].title == "Credits"
    body = chapters[1:-1]
    assert len(body) >= 4
    assert all(MIN_CHAPTER_MS <= c.end_ms - c.start_ms <= MAX_CHAPTER_MS for c in body), \
        [(c.end_ms - c.start_ms) / 1000 for c in body]
    starts = {m[3] for m in marks}
    assert all(c.start_ms in starts for c in body)
    for c in body:
        assert 2 <= len(c.title.split()) <= 6 and not c.title.endswith(("…", "...", ",")), c.title
        assert c.title.split()[-1].lower() not in {"in", "the", "about", "of", "and", "a"}


def test_titles_summarise_the_first_paragraph_and_never_repeat():
    paragraphs = ['The highly anticipated "All of Us Strangers," starring Paul Mescal, is almost here.',
                  "In an interview with Vanity Fair, Haigh shared his plans.",
                  'Haigh wouldn\'t call "All of Us Strangers" a ghost story.']
    script = script_of([(None, paragraphs)])
    marks, duration = timeline(script, [60_000, 60_000, 60_000])
    titles = [c.title for c in plan_chapters(script, marks, duration)]
    assert titles == ["Introduction", "All of Us Strangers", "In an interview with Vanity Fair",
                      "Haigh wouldn't call “All of Us Strangers”", "Credits"]


def test_curly_apostrophes_inside_words_stay_in_titles():
    script = script_of([(None, ["Let’s start by parsing that tweet, which said a lot.",
                                "The city’s ‘new’ plan works, the mayor says."])])
    marks, duration = timeline(script, [60_000, 60_000])
    titles = [c.title for c in plan_chapters(script, marks, duration)]
    assert titles[1:3] == ["Let’s start by parsing that tweet", "The city’s new plan works"]


def test_short_article_still_has_a_body_chapter_and_a_short_outro_joins_it():
    script = script_of([(None, ["Just one short paragraph here."])])
    marks, duration = timeline(script, [9_000], outro_ms=CREDITS_MIN_MS - 1)
    chapters = plan_chapters(script, marks, duration)
    assert [c.title for c in chapters] == ["Introduction", "Just one short paragraph"]
    assert_contiguous(chapters, duration)


def test_episode_without_intro_or_outro_starts_its_first_chapter_at_zero():
    script = script_of([(None, ["Alpha beta gamma delta.", "Epsilon zeta eta theta."])])
    marks, duration = timeline(script, [50_000, 50_000], outro_ms=0)
    marks = [("body", s, p, t - INTRO_MS) for _, s, p, t in marks[1:]]
    chapters = plan_chapters(script, marks, duration - INTRO_MS)
    assert [c.title for c in chapters] == ["Alpha beta gamma delta", "Epsilon zeta eta theta"]
    assert_contiguous(chapters, duration - INTRO_MS)


def test_marks_out_of_order_are_a_bug():
    script = script_of([(None, ["One.", "Two."])])
    with pytest.raises(ValueError, match=r"chapter marks are not in time order: \[0, 9000, 5000\]"):
        plan_chapters(script, [("intro", 0, 0, 0), ("body", 0, 0, 9000), ("body", 0, 1, 5000)], 20_000)


def test_seed_article_gets_at_least_three_chapters():
    article = read_article(ROOT / "seeds" / "all-of-us-strangers.txt")
    sections = [(s.title, list(s.paragraphs)) for s in article.sections]
    script = script_of(sections)
    words = [len(s.text.split()) for s in script.segments if s.part == "body"]
    marks, duration = timeline(script, [round(w / 2.6 * 1000) + 700 for w in words])  # ~155 words a minute
    chapters = plan_chapters(script, marks, duration)
    assert len(chapters) >= 3 and len(chapters) - 2 >= 2, chapters
    assert_contiguous(chapters, duration)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=200_000), min_size=1, max_size=30),
       st.booleans(), st.integers(min_value=0, max_value=20_000))
def test_any_timeline_gives_contiguous_unique_chapters(lengths, headings, outro_ms):
    paragraphs = [f"Word{i} and more words follow here." for i in range(len(lengths))]
    sections = [("Heading", paragraphs)] if headings else [(None, paragraphs)]
    script = script_of(sections)
    marks, duration = timeline(script, lengths, outro_ms=outro_ms)
    if duration == 0:
        duration = 1
    assert_contiguous(plan_chapters(script, marks, duration), duration)


# --------------------------------------------------------------------------- formats
CHAPTERS = (Chapter("Introduction", 0, 6_500), Chapter("Café & <Co> “Quotes”", 6_500, 70_250),
            Chapter("Credits", 70_250, 79_999))


def test_json_chapters_follow_the_1_2_spec(tmp_path):
    name = write_chapters_file(CHAPTERS, tmp_path, "ep", title="Ep", podcast_name="Show")
    assert name == "ep.chapters.json"
    doc = json.loads((tmp_path / name).read_text("utf-8"))
    assert doc["version"] == "1.2.0" and doc["title"] == "Ep" and doc["podcastName"] == "Show"
    chapters = doc["chapters"]
    assert all(isinstance(c["startTime"], (int, float)) and isinstance(c["title"], str) for c in chapters)
    assert [c["startTime"] for c in chapters] == [0, 6.5, 70.25]
    assert [c["endTime"] for c in chapters] == [6.5, 70.25, 79.999]
    assert chapters[1]["title"] == "Café & <Co> “Quotes”"
    assert [p.name for p in tmp_path.iterdir()] == [name]  # written atomically, nothing left over


def test_podlove_simple_chapters_times():
    assert psc_chapters(CHAPTERS) == [("00:00:00.000", "Introduction"), ("00:00:06.500", "Café & <Co> “Quotes”"),
                                      ("00:01:10.250", "Credits")]


def test_description_timestamps_short_and_long_episodes():
    assert description_timestamps(CHAPTERS).splitlines() == [
        "00:00 Introduction", "00:06 Café & <Co> “Quotes”", "01:10 Credits"]
    long = (Chapter("Introduction", 0, 10_000), Chapter("Deep dive", 10_000, 3_605_000),
            Chapter("Credits", 3_605_000, 3_700_000))
    lines = description_timestamps(long).splitlines()
    assert lines == ["00:00:00 Introduction", "00:00:10 Deep dive", "01:00:05 Credits"]
    assert all(re.fullmatch(r"\d\d:\d\d:\d\d .+", line) for line in lines)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(list("abcXYZ é,.;:!?\"“”'’-—()") + ["the ", "of ", "Tom ", "and "]),
                max_size=80).map("".join))
def test_any_paragraph_gives_a_short_clean_title(text):
    script = script_of([(None, [text or "x"])])
    marks, duration = timeline(script, [30_000])
    title = plan_chapters(script, marks, duration)[1].title
    assert title.strip() == title and title
    assert len(title.split()) <= 8 and "\x00" not in title
    assert not title.endswith(("…", "...", ",", ";", ":"))


def test_a_long_section_is_split_and_its_first_chapter_keeps_the_heading():
    # an HTML page whose only heading is its deck: one 'section' of 40 paragraphs (~13 minutes)
    paragraphs = [f"Part {n} of the long argument about the sharing economy goes on." for n in range(40)]
    script = script_of([("Disruptive companies talk a good game about sharing", paragraphs),
                        ("Coda", ["A short ending."])])
    marks, duration = timeline(script, [20_000] * 40 + [15_000])
    chapters = plan_chapters(script, marks, duration)
    assert_contiguous(chapters, duration)
    titles = [c.title for c in chapters]
    assert titles[1] == "Disruptive companies talk a good game about sharing"
    assert titles[-2:] == ["Coda", "Credits"]
    body = chapters[1:-2]
    assert len(body) >= 8 and all(MIN_CHAPTER_MS <= c.end_ms - c.start_ms <= MAX_CHAPTER_MS for c in body)
