"""Readers: each format, each encoding, each error, and the boilerplate clean-up."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from audiocast.errors import ReadError
from audiocast.readers import SUPPORTED_EXTENSIONS, find_articles, read_article
from audiocast.fsutil import slugify
from audiocast.readers.cleanup import is_boilerplate, parse_byline

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
BODY = (
    "The council met on Tuesday to discuss the harbour wall, which has been leaking since the storms in January.\n\n"
    "“We cannot wait another winter,” said Ana Ruiz, who chairs the harbour committee.\n"
)


def _err(path: Path) -> str:
    with pytest.raises(ReadError) as info:
        read_article(path)
    message = info.value.format_message()
    assert "\n" not in message
    assert message.startswith(str(path)), message
    return message


# --------------------------------------------------------------------------- the seed article

def test_seed_txt_reads_title_author_and_clean_body():
    article = read_article(SEEDS / "all-of-us-strangers.txt")
    assert article.title == "A Look Behind Andrew Scott and Paul Mescal in 'All of Us Strangers'"
    assert article.author == "Emell Adolphus"
    assert article.slug == "all-of-us-strangers"
    assert article.source_format == "txt"
    # The file has twelve body paragraphs between the byline and the signature.
    assert len(article.paragraphs) == 12
    assert article.paragraphs[0].startswith("The highly anticipated \"All of Us Strangers,\"")
    assert article.paragraphs[-1].startswith("\"I make no bones")
    spoken = " ".join(article.paragraphs)
    for furniture in ("READ TIME", "by Emell Adolphus", "Read These Next", "Emell Adolphus"):
        assert furniture not in spoken
    assert "–" in spoken  # typographic dashes survive for the segmenter and speech


# --------------------------------------------------------------------------- .txt

@pytest.mark.parametrize("byline", [
    "by Jane Doe", "Jane Doe READ TIME: 2 MIN.", "By Jane Doe | March 3, 2024", "Jane Doe · 5 min read",
])
def test_txt_byline_becomes_author(tmp_path, byline):
    path = tmp_path / "harbour.txt"
    path.write_text(f"Harbour Wall to Be Rebuilt\n\n{byline}\n\n{BODY}", encoding="utf-8")
    article = read_article(path)
    assert article.title == "Harbour Wall to Be Rebuilt"
    assert article.author == "Jane Doe"
    assert len(article.paragraphs) == 2
    assert "Jane Doe" not in " ".join(article.paragraphs)


def test_txt_without_byline_keeps_second_line_as_body(tmp_path):
    path = tmp_path / "harbour.txt"
    path.write_text(f"Harbour Wall to Be Rebuilt\n{BODY}", encoding="utf-8")
    article = read_article(path)
    assert article.author is None
    assert article.paragraphs[0].startswith("The council met on Tuesday")
    assert article.paragraphs[1] == "“We cannot wait another winter,” said Ana Ruiz, who chairs the harbour committee."


def test_txt_wrapped_lines_join_into_one_paragraph(tmp_path):
    path = tmp_path / "wrapped.txt"
    path.write_text("Title\n\nOne sentence that is\nwrapped over   three\nlines.\n\nSecond paragraph.", encoding="utf-8")
    assert read_article(path).paragraphs == ("One sentence that is wrapped over three lines.", "Second paragraph.")


def test_boilerplate_lines_are_not_spoken(tmp_path):
    path = tmp_path / "furniture.txt"
    path.write_text(
        "Harbour Wall to Be Rebuilt\n\nBy Jane Doe | March 3, 2024\n\nAdvertisement\n\n"
        "The council met on Tuesday. (Photo by John Smith/Getty Images) The wall has leaked since January.\n\n"
        "Photo: Mark Lee/Reuters\n\nShare this article\n\nSign up for our newsletter to get the best of the week.\n\n"
        "Related: Storm damage bill tops £2m\n\nClick here to read more.\n\n"
        "The harbour newsletter, which the committee posts to every household, first raised the alarm in 2019.\n\n"
        "Image credit: Harbour Trust\n\nREAD TIME: 3 MIN.\n\n© 2024 Coast News Ltd. All rights reserved.\n\n"
        "“We cannot wait another winter,” said Ana Ruiz.\n\nby Jane Doe\n\nRead These Next\n\n"
        "Storm damage bill tops £2m\n\nFerry timetable changes\n",
        encoding="utf-8",
    )
    article = read_article(path)
    assert article.author == "Jane Doe"
    assert article.paragraphs == (
        "The council met on Tuesday. The wall has leaked since January.",
        "The harbour newsletter, which the committee posts to every household, first raised the alarm in 2019.",
        "“We cannot wait another winter,” said Ana Ruiz.",
    )


@pytest.mark.parametrize("line", [
    "Advertisement", "Share this story", "Sign up for our daily newsletter", "Photo: A. Person/AP",
    "(Photo by Jane Roe/Getty Images)", "Photo by Jane Roe", "Follow us on Instagram", "posted on April 21, 2015, at 11:29 a.m.", "Updated 3 hours ago", "Click on text in red for notes", "Copyright © 2023 Foo", "Image courtesy of NASA", "Image credit: NASA", "Click here to subscribe", "Copyright 2023 Foo Media",
    "Related: Another story", "Read time: 4 min", "6 min read", "Tags: ferries, islands",
    "Read more", "Continue reading the main story", "View photo", "Gallery: The new ferry | 14 Photos",
    "[Harbour museum reopens its Roman rooms]", "[Read: Why the ferry was cut]", "subtitles off, selected.",
    "This is a modal window.", "\ue060\ue05cNext video starts in : 7Play", "(All photos: Harbour staff)", "Portrait by Jane Roe", "Learn More: Ten ferry facts",
])
def test_boilerplate_patterns(line):
    assert is_boilerplate(line)


@pytest.mark.parametrize("line", [
    "The newsletter was started by three students who wanted to share local news.",
    "Share prices fell 4% on Monday.",
    "Pictures by the dozen were taken that night.",
    "Read more about the harbour wall in the council's archive, where the 1820 plans are kept.",
    "[Alden: If there is a fire tonight, I will never make it down the stairs.]",
    "More than forty people came.",
    "Copyright law changed in 1998.", "Follow me, she said.",
    "Published in 1851, the novel sold only 3,000 copies.",
    "“Click here,” she said, “was the worst advice I ever got.”",
])
def test_prose_is_not_boilerplate(line):
    assert not is_boilerplate(line)


def test_parse_byline_refuses_ordinary_lines():
    assert parse_byline("By the time the ferry arrived, the harbour was empty.") is None
    assert parse_byline("Breaking News") is None
    assert parse_byline("Jane Doe and John Roe | 4 min read") == "Jane Doe and John Roe"


# --------------------------------------------------------------------------- .md

def test_markdown_seed():
    article = read_article(SEEDS / "repair-cafe.md")
    assert article.title == "A Repair Café Gives Millbrook's Broken Radios a Second Life"
    assert article.author == "Nadia Brennan"
    assert article.date == dt.datetime(2024, 3, 9, 13, 30, tzinfo=dt.timezone.utc)
    assert article.description.startswith("Every second Saturday")
    assert [s.title for s in article.sections] == [
        "A queue before the doors open", "The man with the soldering iron", "What it saves", "Next steps"]
    spoken = " ".join(article.paragraphs)
    assert "\"It's not only about the landfill,\" she said. \"It's about" in spoken
    assert "\"The Radio Amateur's Handbook\"" in spoken
    assert "#" not in spoken and "---" not in spoken


def test_markdown_markup_is_stripped(tmp_path):
    path = tmp_path / "Markup Test.markdown"
    path.write_text(
        "# Plain Title\n\nSome *emphasis*, **strong** and a [link text](https://example.com) here.\n"
        "![a photo](photo.jpg)\n\n## Things to bring\n\n- a torch\n- *spare* batteries\n- a map\n\n"
        "```python\nprint('not spoken')\n```\n\n> A quoted paragraph.\n\n#### Small heading\n\nLast `words`.\n"
        "<div>raw html</div>\n",
        encoding="utf-8",
    )
    article = read_article(path)
    assert article.title == "Plain Title"
    assert article.slug == "markup-test"
    assert article.date is None and article.author is None
    assert article.sections[0].paragraphs == ("Some emphasis, strong and a link text here.",)
    assert article.sections[1].title == "Things to bring"
    assert article.sections[1].paragraphs == (  # the subhead is read first
        "Things to bring", "a torch. spare batteries. a map.", "A quoted paragraph.", "Small heading.", "Last words.")
    assert article.quote_hints == ("A quoted paragraph.",)
    assert "not spoken" not in " ".join(article.paragraphs)


def test_markdown_front_matter_date_without_zone_is_utc(tmp_path):
    path = tmp_path / "dated.md"
    path.write_text("---\ntitle: Dated\ndate: 2024-05-01\nauthor: [Ann Lee, Bo Chan]\n---\n\nBody text here.\n",
                    encoding="utf-8")
    article = read_article(path)
    assert article.date == dt.datetime(2024, 5, 1, tzinfo=dt.timezone.utc)
    assert article.author == "Ann Lee, Bo Chan"


def test_markdown_image_and_description(tmp_path):
    (tmp_path / "cover.png").write_bytes(b"\x89PNG\r\n")
    path = tmp_path / "pic.md"
    path.write_text("---\ntitle: Pictured\ndescription: The first paragraph.\nimage: cover.png\n---\n\n"
                    "The first paragraph.\n\nThe second one.\n", encoding="utf-8")
    article = read_article(path)
    assert article.image == tmp_path / "cover.png"
    assert article.paragraphs == ("The first paragraph.", "The second one.")  # the author's text, kept
    (tmp_path / "cover.png").unlink()
    assert "front matter image not found: cover.png" in _err(path)


def test_txt_dateline_under_title_is_not_spoken(tmp_path):
    path = tmp_path / "dated.txt"
    path.write_text("Harbour Wall to Be Rebuilt\n\nMarch 3, 2024\n\n" + BODY, encoding="utf-8")
    assert read_article(path).paragraphs[0].startswith("The council met")


def test_markdown_bad_front_matter(tmp_path):
    path = tmp_path / "bad.md"
    path.write_text("---\ntitle: [unclosed\n---\n\nBody.\n", encoding="utf-8")
    assert "invalid YAML front matter" in _err(path)


# --------------------------------------------------------------------------- .html

def test_html_seed():
    article = read_article(SEEDS / "night-ferry.html")
    assert article.title == "The Last Night Ferry Across Loch Arran Makes Its Final Run"
    assert article.author == "Callum Reid"
    assert article.date is not None and article.date.date() == dt.date(2024, 10, 31)
    assert article.source_format == "html"
    assert len(article.sections) == 1 and article.sections[0].title is None
    spoken = " ".join(article.paragraphs)
    assert spoken.startswith("For 58 years, the 11:40 p.m. sailing")
    assert spoken.endswith("“Safe home, Euan,” Galbraith called down to him. “Safe home.”")
    for furniture in ("Related", "Share this", "newsletter", "©", "Read These Next", "Photo:", "Subscribe", "Sport"):
        assert furniture not in spoken
    assert any(h.startswith("“People think of it as a timetable.") for h in article.quote_hints)
    assert "a slow way of telling young people not to bother staying" in article.quote_hints


def _page(body: str, head: str = "<title>Storm Season - Coast News</title>") -> str:
    return f"<!DOCTYPE html><html><head><meta charset='utf-8'>{head}</head><body>" \
           f"<nav><a href='/'>Home</a> <a href='/news'>News</a></nav><main>{body}</main>" \
           f"<footer><p>Share this</p><p>© 2024 Coast News</p></footer></body></html>"


_PARA = ("The storm reached the coast shortly after midnight, flooding the lower streets of the old town and "
         "cutting power to more than two thousand homes along the shore road for most of the night.")


def test_html_sections_and_metadata(tmp_path):
    path = tmp_path / "storm.htm"
    ld = ('<script type="application/ld+json">{"@context": "https://schema.org", "@type": "NewsArticle", '
          '"headline": "Storm Season Arrives Early", "datePublished": "2024-09-01T07:00:00+01:00", '
          '"author": {"@type": "Person", "name": "Ruth Ames"}}</script>')
    body = (f"<article><h1>Storm Season Arrives Early</h1><p>{_PARA}</p><h2>The clean-up</h2><p>{_PARA}</p>"
            f"<p>Volunteers worked through the morning. <q>We have done this before</q>, one said.</p>"
            f"<h2>What comes next</h2><p>{_PARA}</p></article>")
    path.write_text(_page(body, head=f"<title>Storm - Coast News</title>{ld}"), encoding="utf-8")
    article = read_article(path)
    assert article.title == "Storm Season Arrives Early"
    assert article.author == "Ruth Ames"
    assert article.date == dt.datetime(2024, 9, 1, 6, 0, tzinfo=dt.timezone.utc)
    assert [s.title for s in article.sections] == [None, "The clean-up", "What comes next"]
    assert article.sections[1].paragraphs[0] == "The clean-up"  # the subhead is read at the start of its part
    assert article.sections[1].paragraphs[2] == "Volunteers worked through the morning. We have done this before, one said."
    assert article.quote_hints == ("We have done this before",)


def test_html_comments_inside_paragraphs_keep_text(tmp_path):
    path = tmp_path / "react.html"
    path.write_text(_page(f"<article><h1>Storm</h1><p>{_PARA} It was the worst <!-- -->since 1987<!-- -->, "
                          f"officials said.</p><p>{_PARA}</p></article>"), encoding="utf-8")
    assert "It was the worst since 1987, officials said." in read_article(path).paragraphs[0]


def test_html_layout_table_keeps_paragraphs(tmp_path):
    path = tmp_path / "old.html"
    cell = "".join(f"<p>{_PARA} Part {i}.</p>" for i in range(4))
    path.write_text(_page(f"<table><tr><td><h1>An Old Page</h1>Loose opening words before any paragraph. {_PARA}"
                          f"{cell}</td></tr></table>"), encoding="utf-8")
    article = read_article(path)
    assert len(article.paragraphs) == 5
    assert article.paragraphs[0] == f"Loose opening words before any paragraph. {_PARA}"
    assert article.paragraphs[-1].endswith("Part 3.")


def test_html_without_article(tmp_path):
    path = tmp_path / "nav.html"
    path.write_text("<html><head><title>Home</title></head><body><nav><a href='/'>Home</a></nav></body></html>",
                    encoding="utf-8")
    assert _err(path).endswith("no article text found")


def test_html_declared_legacy_charset(tmp_path):
    path = tmp_path / "legacy.html"
    html = _page(f"<article><h1>Caf\u00e9 owners \u201cdelighted\u201d</h1><p>{_PARA}</p><p>{_PARA}</p></article>")
    path.write_bytes(html.replace("charset='utf-8'", "charset='windows-1252'").encode("cp1252"))
    article = read_article(path)
    assert article.title == "Café owners “delighted”"
    assert article.paragraphs[0] == _PARA


# --------------------------------------------------------------------------- encodings

@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-be-bom", "cp1252"])
def test_encodings(tmp_path, encoding):
    text = "Café reopens\n\n“It’s good to be back,” said the owner of the café – again.\n"
    path = tmp_path / "cafe.txt"
    if encoding == "utf-16-be-bom":
        path.write_bytes(b"\xfe\xff" + text.encode("utf-16-be"))
    else:
        path.write_bytes(text.encode(encoding))
    article = read_article(path)
    assert article.title == "Café reopens"
    assert article.paragraphs == ("“It’s good to be back,” said the owner of the café – again.",)


def test_latin1_text(tmp_path):
    path = tmp_path / "latin.txt"
    path.write_bytes("Fête de la musique\n\nLa fête commence à huit heures, près du théâtre.\n".encode("latin-1"))
    article = read_article(path)
    assert article.title == "Fête de la musique"
    assert article.paragraphs == ("La fête commence à huit heures, près du théâtre.",)


# --------------------------------------------------------------------------- errors

def test_empty_file(tmp_path):
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    assert _err(path).endswith("empty file")
    path.write_bytes(b"  \n\n \t\n")
    assert _err(path).endswith("empty file")


def test_binary_file(tmp_path):
    path = tmp_path / "photo.md"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    assert "not a text file" in _err(path)


def test_title_only(tmp_path):
    path = tmp_path / "title.txt"
    path.write_text("Just a Title\n\n\n", encoding="utf-8")
    assert _err(path).endswith("no body text after the title")
    md = tmp_path / "title.md"
    md.write_text("---\ntitle: Only Metadata\n---\n", encoding="utf-8")
    assert _err(md).endswith("no body text after the title")


def test_title_with_only_boilerplate(tmp_path):
    path = tmp_path / "furniture.txt"
    path.write_text("Title\n\nAdvertisement\n\nShare this\n", encoding="utf-8")
    assert _err(path).endswith("no body text after the title")


def test_missing_path(tmp_path):
    path = tmp_path / "gone.txt"
    assert _err(path).endswith("no such file")
    with pytest.raises(ReadError, match="gone.txt: no such file or folder"):
        find_articles([path])


def test_unsupported_extension(tmp_path):
    path = tmp_path / "paper.pdf"
    path.write_bytes(b"%PDF-1.4")
    assert "unsupported file type '.pdf'" in _err(path)
    with pytest.raises(ReadError, match=r"paper\.pdf: unsupported file type"):
        find_articles([path])


def test_permission_error_is_a_read_error(tmp_path, monkeypatch):
    path = tmp_path / "locked.txt"
    path.write_text("Title\n\nBody.\n", encoding="utf-8")

    def deny(self):
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_bytes", deny)
    assert _err(path).endswith("permission denied")


# --------------------------------------------------------------------------- finding articles

def test_find_articles(tmp_path):
    for name in ("b.md", "a.txt", "c.HTML", ".hidden.txt", "README.md", "notes.pdf", "d.htm"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "e.txt").write_text("x", encoding="utf-8")
    found = find_articles([tmp_path, tmp_path / "sub" / "e.txt", tmp_path / "a.txt"])
    assert [p.name for p in found] == ["a.txt", "b.md", "c.HTML", "d.htm", "e.txt"]


def test_registry_and_slug():
    assert SUPPORTED_EXTENSIONS == (".htm", ".html", ".markdown", ".md", ".txt")
    assert slugify("Café Été: 2024 Review!") == "cafe-ete-2024-review"
    assert slugify("¿¿¿") == "article"


def test_html_author_from_byline_markup_not_an_account_placeholder(tmp_path):
    from audiocast.readers.html import _real_name

    body = "".join(f"<p>Paragraph {i} of the report says something long enough to be read aloud as news.</p>"
                   for i in range(6))
    page = tmp_path / "story.html"
    page.write_text(
        "<html><head><title>Flood waters recede in the valley</title><meta name='author' content='Username'></head>"
        "<body><div class='account'><span class='username'>Username</span></div><article>"
        "<h1>Flood waters recede in the valley</h1>"
        "<div class='sig'><span class='pb-byline'>By <a href='/people/jane-roe'>Jane Roe</a></span></div>"
        f"{body}</article></body></html>", encoding="utf-8")
    assert read_article(page).author == "Jane Roe"
    assert _real_name("Username") is None and _real_name("admin") is None
    assert _real_name("The Associated Press") == "The Associated Press"


# --------------------------------------------------------------------------- page junk (issue 15)
_ARTICLE_PARAS = [
    "The city council voted on Tuesday to rebuild the harbour wall before the winter storms arrive in force.",
    "“We cannot wait another winter,” said Ana Ruiz, who chairs the harbour committee and has pushed for years.",
    "The work will cost four million pounds and will be paid for from the reserve fund, officials said.",
    "Residents who live near the wall said the flooding last year had damaged dozens of homes and shops.",
    "Engineers expect the new wall to last for at least fifty years if it is maintained every spring.",
]


def test_html_player_text_and_more_news_rail_are_not_spoken(tmp_path):
    paras = "".join(f"<p>{p}</p>" for p in _ARTICLE_PARAS)
    page = tmp_path / "junk.html"
    page.write_text(
        "<html><head><title>Harbour wall to be rebuilt</title></head><body>"
        "<div class='player'><p>Unfortunately, this video is not available in your region</p>"
        "<p>Now watching</p><p>Next video starts in: 7Play</p></div>"
        f"<article><h1>Harbour wall to be rebuilt</h1><p class='byline'>By ELLA STONE March 3, 2024</p>{paras}"
        "<h2>More news</h2><p>Storm closes the bridge for a day</p><p>Mayor opens a new library</p></article>"
        "<div class='consent'><p>We use cookies to improve your experience. Accept all cookies</p></div>"
        "</body></html>", encoding="utf-8")
    article = read_article(page)
    spoken = " ".join(article.paragraphs)
    for junk in ("not available", "Now watching", "Next video", "More news", "Storm closes", "cookies"):
        assert junk not in spoken
    assert article.paragraphs[0] == _ARTICLE_PARAS[0]
    assert article.author == "ELLA STONE"


_CORE = ["The harbour wall at Kelby will be rebuilt this winter after storms cracked it in two places, the council said.",
         "Engineers found that the old harbour wall had moved by a hand's width since the spring storms.",
         "An aside: the wall was first built in 1820.",
         "Fishermen at Kelby say the cracked wall has kept boats in the harbour for most of the autumn.",
         "The council expects the rebuilt harbour wall to stand for another century, its engineers said."]
_RAIL = ["A singer who topped the charts in the 1980s with a string of ballads has died at the age of 69 in Los Angeles, "
         "his publicist said on Tuesday evening.",
         "Ministers offered a former governor the job of running the interior department, aides told reporters on Friday "
         "after a long meeting in the capital.",
         "A fitness blogger documents her cancer treatment on social media to help raise awareness among young women who "
         "may not know the early signs."]


def test_precision_pass_trims_the_page_edges_that_are_not_the_story():
    from audiocast.readers.evidence import trim_to_core
    closing = "Work on the harbour wall starts in November; boats will use the north quay until the wall is rebuilt."
    page = [(None, ["Now watching", "Next video starts in: 7 Play", *_CORE]), ("More news", [closing, *_RAIL * 3])]
    core = [(None, [_CORE[0], _CORE[1], _CORE[3], _CORE[4]])]
    # the aside between core paragraphs and the related closing paragraph stay; the player and the rail
    # (three times as long as the story, so no share of the page could tell it apart) go
    assert trim_to_core(page, core, "Harbour wall to be rebuilt") == [(None, _CORE), ("More news", [closing])]
    # a precision pass that keeps too little of the page is no evidence
    assert trim_to_core(page, [(None, [_CORE[1]])]) == page


def test_list_lines_at_the_edge_stay_when_nothing_says_they_are_junk():
    from audiocast.readers.evidence import trim_to_core
    intro = "Rebuilding the harbour wall at Kelby needs stone, lime and a crew of engineers, the council said."
    items = ["Granite blocks.", "Lime mortar.", "Oak piles.", "Two cranes."]
    page = [(None, [intro, *items, *_CORE]), ("More news", _RAIL * 3)]
    kept = trim_to_core(page, [(None, _CORE)])
    assert kept == [(None, [intro, *items, *_CORE])]


def test_a_core_that_is_most_of_the_page_takes_only_related_prose():
    from audiocast.readers.evidence import trim_to_core
    closing = "Work on the harbour wall starts in November; boats will use the north quay until the wall is rebuilt."
    page = [(None, ["Home", "Harbour", *_CORE, closing, "Share", "Contact the newsroom"])]
    assert trim_to_core(page, [(None, _CORE)]) == [(None, [*_CORE, closing])]


def test_a_slideshow_laid_out_as_one_block_inside_the_story_is_not_read():
    from audiocast.readers.evidence import trim_to_core
    teams = ["United", "Rovers", "Athletic", "Albion", "Wanderers", "City", "Town", "County", "Villa", "Forest"]
    slides = " ".join(f"{k}/40 {teams[k % 10]} go {['up', 'down'][k % 2]} after a {['late', 'early'][k % 3 % 2]} "
                      f"goal in the {['derby', 'cup', 'final', 'league'][k % 4]} on {['Saturday', 'Sunday'][k % 2]} "
                      "as fans sing loudly through the cold night." for k in range(1, 41))
    more = [f"Kelby's {w} said the harbour wall, the council's engineers and the storms of last winter were "
            f"all the town talked about in the {place}, and that the rebuilt wall would need work every spring."
            for w in ("fishermen", "shopkeepers", "residents", "teachers", "boat owners", "councillors")
            for place in ("market", "pub")]
    story = [*_CORE, *_ARTICLE_PARAS, *more]
    page = [(None, [*story[:4], slides, *story[4:]])]
    assert trim_to_core(page, [(None, [*story[:4], slides, *story[4:]])]) == [(None, story)]


def test_a_repeat_of_the_lede_above_a_rail_is_not_the_start_of_the_article():
    from audiocast.readers.evidence import trim_to_core
    lede = "The harbour wall at Kelby will be rebuilt this winter after storms cracked it in two places."
    page = [(None, [lede, *_RAIL * 3, "More", *_CORE])]
    assert trim_to_core(page, [(None, _CORE)]) == [(None, _CORE)]


def test_author_is_a_name_without_date_or_job_title():
    from audiocast.readers.cleanup import clean_author
    assert clean_author("GILLIAN MOHNEY March") == "GILLIAN MOHNEY"
    assert clean_author("By Jane Doe, Staff Writer") == "Jane Doe"
    assert clean_author("Jane Doe | March 3, 2016") == "Jane Doe"
    assert clean_author("Jane Doe and John Smith") == "Jane Doe, John Smith"
    assert clean_author("Mary March") == "Mary March"  # a surname that is also a month stays
    assert clean_author("May Lee, February") == "May Lee"  # so does a first name; a month on its own goes
    assert clean_author("By Ann Lee and Rob Stone, Staff Writers | Updated March 3, 2024") == "Ann Lee, Rob Stone"
    assert clean_author("Updated April 29, 2019 at 3:33 pm") is None
    assert clean_author("Ben Stone Games Editor") == "Ben Stone"
    assert clean_author("Ann Lee, Senior Political Reporter") == "Ann Lee"
    assert clean_author("Jane Doe, MA") == "Jane Doe"
    assert clean_author("Rob Stone Edited by Ann Lee") == "Rob Stone"  # an editor did not write it
    assert clean_author("Jane M. Doe (http://example.org/jane/)") == "Jane M. Doe"
    assert clean_author("Jane Doe22 Dec 2016") == "Jane Doe"
    for label in ("Follow Author", "Last Updated", "Our Foreign Staff"):
        assert clean_author(label) is None


def test_title_from_the_page_when_json_ld_headline_or_h1_is_not_the_articles(tmp_path):
    paras = "".join(f"<p>{p}</p>" for p in _ARTICLE_PARAS)
    ld = ('<script type="application/ld+json">{"@type": "Article", "name": "Kelby harbour", '
          '"headline": "small fishing port on the north coast"}</script>')
    page = tmp_path / "ld.html"
    page.write_text(f"<html><head><title>Kelby harbour - Encyclopedia</title>{ld}</head>"
                    f"<body><h1>Kelby harbour</h1><article>{paras}</article></body></html>", encoding="utf-8")
    assert read_article(page).title == "Kelby harbour"
    page = tmp_path / "h1.html"
    page.write_text("<html><head><title>Harbour wall will be rebuilt before the winter storms</title></head>"
                    f"<body><h1>Coastal Living Centre</h1><article>{paras}</article></body></html>", encoding="utf-8")
    assert read_article(page).title == "Harbour wall will be rebuilt before the winter storms"


def test_meta_author_keeps_the_pages_own_punctuation(tmp_path):
    paras = "".join(f"<p>{p}</p>" for p in _ARTICLE_PARAS)
    page = tmp_path / "meta.html"
    page.write_text("<html><head><title>Harbour wall to be rebuilt</title>"
                    "<meta name='author' content='Ella M. Stone (https://example.org/ella/)'></head>"
                    f"<body><article><h1>Harbour wall to be rebuilt</h1>{paras}</article></body></html>",
                    encoding="utf-8")
    assert read_article(page).author == "Ella M. Stone"


@pytest.mark.parametrize("head, url", [
    ('<link rel="canonical" href="https://news.example/storm">', "https://news.example/storm"),
    ('<meta property="og:url" content="https://news.example/og">', "https://news.example/og"),
    ('<link rel="canonical" href="javascript:alert(1)">', None),  # not a web address: left out
    ("", None),
])
def test_html_url_is_the_canonical_link(tmp_path, head, url):
    path = tmp_path / "storm.html"
    path.write_text(_page(f"<article><h1>Storm</h1><p>{_PARA}</p></article>", head=f"<title>Storm</title>{head}"),
                    encoding="utf-8")
    assert read_article(path).url == url


def test_markdown_front_matter_url_and_order(tmp_path):
    path = tmp_path / "a.md"
    path.write_text("---\ntitle: A\nurl: https://example.com/a\norder: 3\n---\n\nSome text to read aloud.\n")
    article = read_article(path)
    assert (article.url, article.order) == ("https://example.com/a", 3.0)
    path.write_text("---\ntitle: A\norder: first\n---\n\nSome text to read aloud.\n")
    with pytest.raises(ReadError, match="order must be a number"):
        read_article(path)


def test_a_text_saved_without_wrapping_has_a_paragraph_per_line(tmp_path):
    # news copied from a page: one paragraph per line, no blank lines; a tagged quote must not merge into the next
    long = "“It is a dog whistle to all Americans, especially to the young,” Rep. Gwen Moore said on Friday."
    path = tmp_path / "a.txt"
    path.write_text("Title\n\n" + long + "\n" + long.replace("Gwen Moore", "Jim Clyburn") + "\nShort last line.\n",
                    encoding="utf-8")
    assert [len(p) for p in read_article(path).sections[0].paragraphs] == [len(long), len(long) + 1, 16]
    # hard-wrapped lines (a Gutenberg book) still make one paragraph
    path.write_text("Title\n\nIt was a dark and stormy night;\nthe rain fell in torrents.\n", encoding="utf-8")
    assert read_article(path).sections[0].paragraphs == ("It was a dark and stormy night; the rain fell in torrents.",)


def test_nul_bytes_deep_inside_a_page_are_a_one_line_error(tmp_path):
    # the binary check samples the first 8 KB; a NUL further in used to escape as a UnicodeDecodeError traceback
    path = tmp_path / "page.html"
    para = "<p>" + "A perfectly ordinary sentence about the town council. " * 4 + "</p>\n"
    path.write_bytes(f"<html><head><title>T</title></head><body>{para * 60}".encode() + b"\x00 stray\x00"
                     + f"{para}</body></html>".encode())
    with pytest.raises(ReadError, match=r"page\.html.*NUL bytes inside"):
        read_article(path)
