"""What of a web page is read aloud: rules of the HTML reader, each on a made-up page (issue 15, part 4)."""

from __future__ import annotations

import pytest

from audiocast.readers import read_article

_STORY = [
    "The city council voted on Tuesday to rebuild the harbour wall before the winter storms arrive in force.",
    "Ana Ruiz, who chairs the harbour committee, said the vote ended a campaign she had led for six years.",
    "The work will cost four million pounds and will be paid for from the reserve fund, officials said.",
    "Residents who live near the wall said the flooding last year had damaged dozens of homes and shops.",
    "Engineers expect the new wall to last for at least fifty years if it is maintained every spring.",
    "The first stones will be laid in November, and the road along the harbour will close for a month.",
]


def _read(tmp_path, body: str, head: str = "") -> tuple[str, ...]:
    page = tmp_path / "page.html"
    page.write_text(f"<html><head><title>Harbour wall to be rebuilt</title>{head}</head><body>{body}</body></html>",
                    encoding="utf-8")
    return read_article(page).paragraphs


def _story(middle: str = "", after: int = 3) -> str:
    paras = [f"<p>{p}</p>" for p in _STORY]
    return f"<article><h1>Harbour wall to be rebuilt</h1>{''.join(paras[:after])}{middle}{''.join(paras[after:])}</article>"


def test_a_paragraph_that_is_only_a_link_to_another_story_is_not_read(tmp_path):
    middle = ("<p><strong><a href='/news/bridge'>MAYOR SAYS THE OLD BRIDGE WILL CLOSE FOR REPAIRS</a></strong></p>"
              "<p>SEE MORE: <a href='/news/ferry'>Ferry timetable cut for the winter months</a></p>"
              "<ul><li><a href='/a'>Ten pictures of the great storm of 1987</a></li>"
              "<li><a href='/b'>Why the tides are higher this autumn</a></li></ul>"
              "<a class='read-more' href='/news/pier'><span>Also on coastnews</span> "
              "<span>Pier reopens after a year of repairs</span></a>")
    spoken = " ".join(_read(tmp_path, _story(middle)))
    for junk in ("OLD BRIDGE", "SEE MORE", "Ferry timetable", "Ten pictures", "tides are higher", "Pier reopens"):
        assert junk not in spoken
    assert spoken.startswith(_STORY[0]) and spoken.endswith(_STORY[-1])


def test_links_that_are_part_of_the_story_stay(tmp_path):
    middle = ("<p>The full plan is <a href='/plan.pdf'>published on the council's website</a>.</p>"
              "<p>Ruiz thanked <a href='/people/lee'>Councillor Tom Lee</a> and the harbour committee for their work.</p>")
    spoken = _read(tmp_path, _story(middle))
    assert "The full plan is published on the council's website." in spoken
    assert "Ruiz thanked Councillor Tom Lee and the harbour committee for their work." in spoken


def test_a_short_link_is_a_name_and_a_linked_sentence_is_prose():
    from audiocast.readers.html import is_link_headline, linked_blocks
    import lxml.html

    tree = lxml.html.document_fromstring(
        "<div><p><a href='/shop'>Harbour Stone Supplies</a></p><p><a href='/x'>Read the council's plan here.</a></p>"
        "<p>Also on <a href='/y'>Storm closes the bridge for a day</a></p></div>")
    linked = linked_blocks(tree)
    assert not is_link_headline("Harbour Stone Supplies", linked)  # shorter than a headline: a product, a name
    assert not is_link_headline("Read the council's plan here.", linked)  # a sentence
    assert is_link_headline("Also on Storm closes the bridge for a day", linked)  # a label and another story's title
    assert not is_link_headline("Storm closes the bridge for a day, and more", linked)  # not the page's link text


def test_the_articles_own_first_paragraph_is_read_even_when_it_is_the_pages_description(tmp_path):
    head = f'<meta name="description" content="{_STORY[0]}">'
    assert _read(tmp_path, _story(), head)[0] == _STORY[0]


def test_a_teaser_above_the_article_equal_to_the_description_is_not_read_twice(tmp_path):
    teaser = "Councillors back a four million pound plan to rebuild the storm-damaged harbour wall this winter."
    head = f'<meta name="description" content="{teaser}">'
    paras = "".join(f"<p>{p}</p>" for p in _STORY)
    # the extractor's default pass keeps the deck, its precision pass does not: not the article's own text
    body = (f"<article><header><h1>Harbour wall to be rebuilt</h1><p class='standfirst'>{teaser}</p></header>"
            f"<div class='body'>{paras}</div></article>")
    assert _read(tmp_path, body, head)[0] == _STORY[0]


def test_only_links_to_other_pages_of_the_same_site_are_other_stories():
    from audiocast.readers.links import is_link_headline, linked_blocks
    import lxml.html

    tree = lxml.html.document_fromstring(
        "<div><h4><a href='#depth'>Assess how deep your content is</a></h4>"
        "<li><a href='https://bugs.example.org/1'>Ann Lee fixed the crash in the settings page</a></li>"
        "<p><a href='https://www.coastnews.example/news/9'>Storm closes the bridge for a day</a></p></div>")
    linked = linked_blocks(tree, "https://coastnews.example/news/8")
    assert not is_link_headline("Assess how deep your content is", linked)  # an anchor in this page: its own heading
    assert not is_link_headline("Ann Lee fixed the crash in the settings page", linked)  # another site's page
    assert is_link_headline("Storm closes the bridge for a day", linked)


@pytest.mark.parametrize("promo", [
    "Like this story? Share it with a friend!",
    "Have a tip? Ann Lee may be reached at ann@example.com. Follow her on Twitter @annlee.",
    "Get Harbour Monthly delivered through your letterbox every month. 12 issues for £11.99. Click here for more.",
    "There's plenty more where that came from. Sign up for The Morning Tide to get the free newsletter.",
])
def test_a_paragraph_that_mostly_asks_the_reader_to_act_is_not_read(tmp_path, promo):
    spoken = _read(tmp_path, _story(f"<p>{promo}</p>"))
    assert promo not in spoken and len(spoken) == len(_STORY)


def test_a_pitch_at_the_edge_of_the_article_goes_but_prose_that_mentions_signing_up_stays(tmp_path):
    pitch = ("Start your day with The Morning Tide, our briefing on the coast. Readers say it is the best thing in "
             "their inbox. Sign up for the free daily newsletter.")
    prose = ("More than two thousand residents signed up for the harbour newsletter after the storm, and the council "
             "said it would keep sending weekly updates until the work is finished.")
    spoken = _read(tmp_path, _story(f"<p>{prose}</p><p>{pitch}</p>", after=6))
    assert pitch not in spoken  # one sentence of three asks, but it closes the page: the publisher's pitch
    assert prose in spoken  # a sentence that reports on a newsletter does not ask anything


@pytest.mark.parametrize("credit", [
    "Reporting by Ann Lee; additional reporting by Tom Roe; Editing by Sam Hart",
    "(Reporting by Ann Lee, editing by Sam Hart.)",
])
def test_reporting_and_editing_credits_are_not_read(tmp_path, credit):
    assert credit not in _read(tmp_path, _story(f"<p>{credit}</p>", after=6))


def test_the_rest_of_a_story_split_around_an_advert_is_read(tmp_path):
    first = _STORY[:4]
    rest = ["Engineers expect the new harbour wall to last for fifty years if the council maintains it every spring.",
            "The first stones of the harbour wall will be laid in November, and the council will close the road."]
    box = "<div class='body article__body'>{}</div>"
    body = ("<article><h1>Harbour wall to be rebuilt</h1>"
            + box.format("".join(f"<p>{p}</p>" for p in first))
            + "<div class='ad'><span>Advertisement</span></div><div class='rail'><p>Most popular</p></div>"
            + box.format("<h2>What comes next</h2>" + "".join(f"<p>{p}</p>" for p in rest))
            + box.format("<p>Advertising disclosure: we may receive payment for some of the links in our pages.</p>"
                         "<p>Our journalism is independent of the companies whose products appear on this site.</p>")
            + "</article>")
    page = tmp_path / "page.html"
    page.write_text(f"<html><head><title>Harbour wall to be rebuilt</title></head><body>{body}</body></html>",
                    encoding="utf-8")
    article = read_article(page)
    assert article.paragraphs == (*first, "What comes next", *rest)  # not the disclaimer in a box of the same kind
    assert article.sections[-1].title == "What comes next"


def test_the_headline_repeated_inside_the_page_is_not_read_again(tmp_path):
    spoken = _read(tmp_path, _story("<p><strong>Harbour Wall to Be Rebuilt</strong></p>"))
    assert spoken == tuple(_STORY)


def test_a_post_the_story_quotes_is_read_without_its_link_addresses(tmp_path):
    tweet = ("<div class='social-media-embed'><blockquote class='twitter-tweet'><p lang='en'>The harbour wall is finally "
             "getting fixed, and about time too <a href='https://t.co/AbC123'>https://t.co/AbC123</a> "
             "<a href='https://twitter.com/x/photo'>pic.twitter.com/Xy9</a></p>— Kelby Fishers (@kelbyfish) "
             "<a href='https://twitter.com/kelbyfish/status/1'>November 18, 2024</a></blockquote></div>")
    spoken = " ".join(_read(tmp_path, _story(f"<p>Fishermen welcomed the news online.</p>{tweet}")))
    assert "The harbour wall is finally getting fixed, and about time too" in spoken
    assert "Kelby Fishers (@kelbyfish) November 18, 2024" in spoken
    assert "t.co" not in spoken and "pic.twitter.com" not in spoken


def test_a_subhead_is_read_at_the_start_of_its_part_and_titles_its_chapter(tmp_path):
    body = _story("<h2>What comes next</h2>", after=4)
    page = tmp_path / "page.html"
    page.write_text(f"<html><head><title>Harbour wall to be rebuilt</title></head><body>{body}</body></html>",
                    encoding="utf-8")
    article = read_article(page)
    assert [s.title for s in article.sections] == [None, "What comes next"]
    assert article.sections[1].paragraphs == ("What comes next", *_STORY[4:])
    from audiocast.understanding.segment import segment_article

    texts = [seg.text for seg in segment_article(article).segments]  # what `audiocast script --json` shows
    assert texts.count("What comes next") == 1 and texts.index("What comes next") == 4


def test_malformed_link_addresses_are_no_trouble(tmp_path):
    head = "<link rel='canonical' href='http://[::1/story'>"
    middle = "<p><a href='http://[bad/x'>Storm closes the bridge for a day and a night</a></p>"
    spoken = _read(tmp_path, _story(middle), head)  # urlsplit raises ValueError on both addresses
    assert spoken[0] == _STORY[0]


def test_a_teaser_set_inside_a_link_to_another_page_is_not_read(tmp_path):
    teaser = ("<a href='/guide/tides'><p>Spring tides are the highest of the month and come two days "
              "after a full or a new moon, when the sun and moon pull together.</p></a>")
    spoken = " ".join(_read(tmp_path, _story(middle=teaser)))
    assert "Spring tides" not in spoken
    assert _STORY[-1] in spoken
    # a paragraph that holds a link (rather than sitting inside one) is the story's own
    own = _story(middle="<p>The plan, <a href='/docs/plan'>published on the council's site</a>, runs to forty pages "
                        "and lists every street that will close.</p>")
    assert any("runs to forty pages" in p for p in _read(tmp_path, own))


def test_a_lead_set_loose_before_the_first_break_of_the_body_is_found():
    import lxml.html

    from audiocast.readers.continued import lead_before

    def page(lead: str) -> object:
        rest = " <br><br>".join(_STORY[1:])
        return lxml.html.document_fromstring(
            f"<html><body><h1>Harbour wall to be rebuilt</h1><div class='content'>{lead} <br><br>"
            f"<img src='wall.jpg'><center><em>The old wall</em></center> <br>{rest}</div></body></html>")

    # what the extractor gave: the headline and the body after the first break, not the lead before it
    extracted = ["Harbour wall to be rebuilt", *_STORY[1:]]
    lead = _STORY[0][:-1] + ", <em><a href='https://harbour.example/'>the Harbour Gazette</a></em> reported."
    assert lead_before(page(lead), extracted, "Harbour wall to be rebuilt") == (
        _STORY[0][:-1] + ", the Harbour Gazette reported.")
    assert lead_before(page(_STORY[0]), [*extracted[:1], *_STORY], "Harbour wall to be rebuilt") is None  # had it
    # a teaser cut short ("…"), a pitch, or a line about something else in that place is not the story's lead
    for junk in ("The harbour wall will be rebuilt before winter, the council said after a long vote that…",
                 "Harbour news from the council every morning: sign up for our free daily harbour newsletter today.",
                 "Our weather team expects a sunny weekend across the county with light winds and no rain at all."):
        assert lead_before(page(junk), extracted, "Harbour wall to be rebuilt") is None


def test_a_hover_card_inside_a_sentence_is_not_read_but_the_name_it_hangs_on_is(tmp_path):
    card = ("<span class='who'><a href='/people/ana-ruiz'>Ana Ruiz</a><span class='card'><img src='ruiz.jpg'>"
            "<a href='/people/ana-ruiz'>Ana Ruiz</a><a href='/news/1'>Ferry fares to rise in the new year</a> "
            "<a href='/news/2'>Lifeboat crew rescues two swimmers off the pier</a> "
            "<a href='/people/ana-ruiz'>MORE</a></span></span>")
    middle = f"<p>{card}, who chairs the harbour committee, thanked the engineers who surveyed the old wall.</p>"
    spoken = " ".join(_read(tmp_path, _story(middle)))
    assert "Ana Ruiz, who chairs the harbour committee, thanked the engineers" in spoken
    for junk in ("Ferry fares", "Lifeboat crew", "MORE"):
        assert junk not in spoken
    # a sentence that names several linked pages keeps them: the links are its words
    own = ("<p>The plan names <a href='/a'>the pier</a>, <a href='/b'>the old lighthouse</a> and <a href='/c'>the "
           "fish market</a> as the places that will close first.</p>")
    assert any("the old lighthouse and the fish market" in p for p in _read(tmp_path, _story(own)))


def test_a_dont_miss_box_late_in_the_story_does_not_end_it_when_the_story_goes_on(tmp_path):
    more = ["Ana Ruiz said the harbour committee would meet the engineers again in the spring to review the wall.",
            "The council said the harbour road would reopen in December once the first stones of the wall were laid."]
    box = ("<p><strong>DON'T MISS</strong></p><p><a href='/news/1'>Ferry fares to rise in the new year</a> "
           "[VIDEO]</p>")
    page = _story(middle=box, after=6).replace("</article>", "".join(f"<p>{p}</p>" for p in more) + "</article>")
    spoken = _read(tmp_path, page)
    assert spoken[-2:] == tuple(more)
    assert not any("DON'T MISS" in p or "Ferry fares" in p for p in spoken)
    # a box of other stories after the story's end still ends it
    others = ["Two swimmers were rescued off the pier by the lifeboat crew on Sunday evening after a long search.",
              "The county fair opens on Saturday with a record number of stalls, the organisers said this week."]
    page = _story(middle="<p>DON'T MISS</p>" + "".join(f"<p>{p}</p>" for p in others), after=6)
    assert not any("swimmers" in p or "county fair" in p for p in _read(tmp_path, page))


def test_a_subscription_offer_and_an_unrendered_shortcode_are_not_read(tmp_path):
    offer = ("<p>Get access to the county's fastest growing news service Harbour Pro for as little as 5 pounds for "
             "the first year. Use the code \"HARBOUR\". Harbour Pro gives you every council vote as it happens.</p>")
    shortcode = "<p>[button link=”/submit-story/” type=”big”] Send us YOUR harbour story[/button]</p>"
    spoken = " ".join(_read(tmp_path, _story(middle=shortcode + offer, after=6)))
    assert "Harbour Pro" not in spoken and "[button" not in spoken and "Send us" not in spoken
    assert _STORY[-1] in spoken
    # a bracketed aside of the story's own is not a shortcode
    own = "<p>[The council has since confirmed the date of the vote.]</p>"
    assert "[The council has since confirmed the date of the vote.]" in _read(tmp_path, _story(middle=own))


def test_a_subhead_that_is_the_page_description_is_not_read_but_a_real_subhead_is(tmp_path):
    dek = "The wall has flooded twice in ten years. Now the council says it will pay for a new one."
    head = f"<meta name='description' content='{dek}'>"
    body = (f"<article><header><h1>Harbour wall to be rebuilt</h1><h2 class='sub-head'>{dek}</h2></header>"
            + "".join(f"<p>{p}</p>" for p in _STORY[:3]) + "<h2>What happens next</h2>"
            + "".join(f"<p>{p}</p>" for p in _STORY[3:]) + "</article>")
    spoken = _read(tmp_path, body, head)
    assert not any("flooded twice" in p for p in spoken)
    assert "What happens next" in spoken
