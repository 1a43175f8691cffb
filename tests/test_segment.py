"""Quote detection and speaker attribution: one test per rule, property tests, and the seed."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from audiocast.model import Article, Section
from audiocast.understanding.segment import find_quotes, segment_article

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "all-of-us-strangers.txt"
MARKS = "\"“”„‟«»＂"


def article(*paragraphs: str) -> Article:
    return Article(source=Path("t.txt"), slug="t", title="T", author=None,
                   sections=(Section(None, tuple(paragraphs)),))


def quotes(*paragraphs: str) -> list[tuple[str, str]]:
    """(speaker, text) of every quote segment."""
    script = segment_article(article(*paragraphs))
    return [(s.speaker, s.text) for s in script.segments if s.kind == "quote"]


def squash(text: str) -> str:
    return re.sub(r"[\s" + MARKS + "]", "", text)


# --------------------------------------------------------------------------- quote marks
def test_straight_and_curly_quotes_are_found():
    assert quotes('"We will win," Smith said.') == [("Smith", "We will win,")]
    assert quotes("“We will win,” Smith said.") == [("Smith", "We will win,")]


def test_attribution_stays_narration():
    segs = segment_article(article('"We will win," Jane Smith told the Herald.')).segments
    assert [(s.kind, s.text) for s in segs] == [("quote", "We will win,"), ("narration", "Jane Smith told the Herald.")]
    assert segs[1].speaker is None


def test_quote_split_by_attribution_gives_two_quotes_same_speaker():
    got = quotes('Mary Jones spoke first.', '"It was hard," said Mary Jones. "But we did it."')
    assert got == [("Mary Jones", "It was hard,"), ("Mary Jones", "But we did it.")]


def test_nested_single_quotes_stay_inside():
    got = quotes("“He told me ‘never again’ and left,” said Tom Reed.")
    assert got == [("Tom Reed", "He told me ‘never again’ and left,")]


def test_nested_double_quotes_stay_inside():
    got = quotes('"It comes across as “too loud” or “too shrill,” I think," said Ann Lee.')
    assert got == [("Ann Lee", "It comes across as “too loud” or “too shrill,” I think,")]


def test_quote_running_over_paragraphs_keeps_its_speaker():
    got = quotes("“The first part of my answer is long,” said Paul Green. “It goes on",
                 "“and it ends here.”")
    assert got == [("Paul Green", "The first part of my answer is long,"), ("Paul Green", "It goes on"),
                   ("Paul Green", "and it ends here.")]


def test_unclosed_quote_ends_at_its_paragraph():
    script = segment_article(article("“This never closes, said Bob Hart.", "Next paragraph is narration."))
    last = script.segments[-1]
    assert (last.kind, last.text, last.paragraph) == ("narration", "Next paragraph is narration.", 1)


# --------------------------------------------------------------------------- not speech
def test_quoted_titles_stay_narration():
    assert quotes('The highly anticipated "All of Us Strangers," starring Paul Mescal, is here.') == []
    assert quotes('Loosely adapted from the novel "Strangers," the film is his best.') == []
    assert quotes('Said Oscar nominee Graham Broadbent ("The Banshees of Inisherin") at home.') == []
    assert quotes('He wouldn\'t call "All of Us Strangers" a ghost story.') == []


def test_title_at_sentence_start_stays_narration():
    assert quotes('Critics loved it. "Meet the Press" host Chuck Todd agreed.') == []


def test_fragment_inside_narrators_sentence_stays_narration():
    assert quotes('Jones said the deal was "a disaster" for everyone.') == []
    assert quotes("Jones said the deal was “a total disaster.”") == []
    assert quotes("She still says things such as, “We are not all meant to be equal.”") == []


def test_scare_quotes_stay_narration():
    assert quotes('The so-called "experts" were wrong about the "magic" pills.') == []


# --------------------------------------------------------------------------- speakers
@pytest.mark.parametrize("para,speaker", [
    ('"Taxes will rise," said Ann Lee.', "Ann Lee"),
    ('"Taxes will rise," Ann Lee said.', "Ann Lee"),
    ('"Taxes will rise," Ann Lee told reporters on Friday.', "Ann Lee"),
    ('"Taxes will rise," according to Ann Lee.', "Ann Lee"),
    ('"Taxes will rise," the Daily Planet reports.', "Daily Planet"),
    ('"Taxes will rise," Ann Lee wrote in a memo.', "Ann Lee"),
    ('"Taxes will rise," Ann Lee added.', "Ann Lee"),
    ('"Taxes will rise," Ann Lee explained.', "Ann Lee"),
    ('"Taxes will rise," said Oscar nominee Ann Lee.', "Ann Lee"),
    ('"Taxes will rise," said Sen. Ann Lee (D-Ohio), the ranking member.', "Ann Lee"),
    ('"Taxes will rise," Ann Lee, the city treasurer, said.', "Ann Lee"),
    ('Ann Lee said: "Taxes will rise."', "Ann Lee"),
    ('"Taxes will rise" ― Ann Lee', "Ann Lee"),
    ('"Taxes will rise," said the mayor.', "The mayor"),
])
def test_attribution_patterns(para, speaker):
    assert quotes(para) == [(speaker, "Taxes will rise," if "," in para.split('"')[2][:1] else
                             re.search(r'"([^"]*)"', para).group(1))]


def test_short_name_becomes_full_name_used_earlier():
    got = quotes("Director Andrew Haigh spoke to the press.", '"It was personal," Haigh said.')
    assert got == [("Andrew Haigh", "It was personal,")]


def test_mr_title_becomes_full_name():
    got = quotes("Donald Trump held a rally.", '"We will win," Mr. Trump said.')
    assert got == [("Donald Trump", "We will win,")]


def test_pronoun_resolves_to_named_person_with_fitting_gender():
    got = quotes("Maria Lopez and her colleague Tom Baker arrived. Baker said he was tired.",
                 '"We need rest," she said.')
    assert got == [("Maria Lopez", "We need rest,")]
    got = quotes("The question drives the film for Andrew Haigh, who says he loves it.", '"I wanted it real," he said.')
    assert got == [("Andrew Haigh", "I wanted it real,")]


def test_unattributed_quote_paragraph_continues_previous_speaker():
    got = quotes('"The plan is simple," said Ann Lee.', '"We cut costs and we grow."')
    assert got == [("Ann Lee", "The plan is simple,"), ("Ann Lee", "We cut costs and we grow.")]


def test_dialogue_alternates_speakers():
    got = quotes('"Are you coming?" said Alice.', '"Not today," said the Hatter.', '"Why not?"')
    assert got[-1] == ("Alice", "Why not?")


def test_genders_from_titles_and_pronouns():
    script = segment_article(article(
        'Andrew Haigh said he was moved. "It was personal," Haigh said.',
        '"We agree," said Mrs. Costa.', '"So do we," Vanity Fair reports.'))
    assert {s.name: s.gender for s in script.speakers} == {
        "Andrew Haigh": "male", "Mrs. Costa": "female", "Vanity Fair": "unknown"}


def test_find_quotes_offsets_on_raw_text():
    text = 'Intro line.\n\n"First words," said Ann Lee.\n"Second words."\n'
    spans = find_quotes(text)
    assert [(text[q.start:q.end], q.speaker) for q in spans] == [("First words,", "Ann Lee"),
                                                                   ("Second words.", "Ann Lee")]


def test_hard_wrapped_paragraphs_are_one_paragraph():
    text = ('"This line is wrapped by the typesetter at a narrow width and\n'
            'goes on here," said Alice.\n\nNext.')
    spans = find_quotes(text)
    assert len(spans) == 1 and spans[0].speaker == "Alice"


# --------------------------------------------------------------------------- speaker rules (round 2)
def test_sentence_opening_common_word_is_not_a_name():
    got = quotes("The café was started by Marta Okafor, a teacher.",
                 "Okafor keeps a tally. Last year the café fixed 900 items, which she counts.",
                 '"It is not only about landfill," she said. "It is about people."')
    assert got == [("Marta Okafor", "It is not only about landfill,"), ("Marta Okafor", "It is about people.")]


def test_places_and_object_pronouns_do_not_take_she():
    got = quotes("Captain Moira Hale has crossed 3,000 times. She watched the lights of Port Ross slide behind her.",
                 "Hale said she would move to days. “At night the loch is yours,” she said.",
                 "“Safe home, Tom,” Hale called down to him.")
    assert [sp for sp, _ in got] == ["Moira Hale"] * 2


def test_called_and_shouted_are_speech_verbs_next_to_a_quote():
    assert quotes("Ann Lee waved.", "“Safe home!” Ann Lee called down.") == [("Ann Lee", "Safe home!")]
    assert quotes("“Run!” shouted Tom Reed.") == [("Tom Reed", "Run!")]
    # but "called" as "named" still keeps a scare quote in narration
    assert quotes("The mayor, Ann Lee, called the cut “a slow death” for the island.") == []


def test_blockquote_hint_without_marks_is_voiced_as_the_last_speaker():
    art = Article(source=Path("t.html"), slug="t", title="T", author=None,
                  sections=(Section(None, ("“We stay,” said Ann Lee, the mayor.",
                                           "We will rebuild the pier by spring.", "The council agreed.")),),
                  quote_hints=("We will rebuild the pier by spring.",))
    segs = segment_article(art).segments
    assert [(s.kind, s.speaker, s.text) for s in segs if s.paragraph == 1] == [
        ("quote", "Ann Lee", "We will rebuild the pier by spring.")]
    assert [s.kind for s in segs if s.paragraph == 2] == ["narration"]


def test_quote_paragraph_after_narration_about_someone_is_theirs():
    got = quotes("Captain Moira Hale has crossed 3,000 times. She stood on the bridge.",
                 "“People think of it as a timetable. It was a lifeline.”")
    assert got == [("Moira Hale", "People think of it as a timetable. It was a lifeline.")]
    got = quotes("Daisy Bell gave a violent laugh. “I never heard anything so stiff!”")
    assert got == [("Daisy Bell", "I never heard anything so stiff!")]


def test_unfindable_speaker_gets_a_neutral_label_never_a_word_from_the_text():
    got = quotes("Partial transcript as follows:", "“We begin now.”")
    assert got == [("Unattributed", "We begin now.")]


def test_speaker_introduced_at_the_end_of_the_previous_paragraph():
    got = quotes("After a pause, Mr. Bennet coolly observed,", '"You are all very silly."')
    assert got == [("Mr. Bennet", "You are all very silly.")]
    got = quotes("Mrs. Hill, who quarrelled with no one, answered most readily,", '"Indeed I do."')
    assert got == [("Mrs. Hill", "Indeed I do.")]
    got = quotes("The talk had stopped, till Sir William thus began.", '"What a charming evening."')
    assert got == [("Sir William", "What a charming evening.")]


def test_descriptions_resolve_to_a_named_person_of_fitting_gender():
    got = quotes('"Is he married?" asked Mr. Bennet.', '"Oh! single, my dear," replied his wife.',
                 "Mrs. Bennet was delighted.")
    assert got[1] == ("Mrs. Bennet", "Oh! single, my dear,")
    got = quotes("Daisy Miller walked by the lake with Tom Reed. He was quiet.", '"It is late," said the young man.')
    assert got == [("Tom Reed", "It is late,")]
    # an indefinite description is a new person: it stays as written
    assert quotes('"It is late," said a spokesman.') == [("A spokesman", "It is late,")]


def test_mrs_and_miss_of_one_family_are_different_people():
    got = quotes("Daisy Miller came in.", "Mrs. Miller and Miss Miller sat down.",
                 '"It is warm," said Mrs. Miller.', '"It is," said Daisy Miller.')
    assert [sp for sp, _ in got] == ["Mrs. Miller", "Daisy Miller"]


def test_news_titled_surname_still_maps_to_the_full_name():
    got = quotes("Donald Trump spoke in Ohio.", '"We will win," Mr. Trump said.')
    assert got == [("Donald Trump", "We will win,")]


def test_pronoun_skips_possessive_and_prepositional_mentions():
    got = quotes("Jane Ray watched. The news of Anna Bell's wedding made Jane Ray smile; she admired Anna Bell.",
                 "Anna Bell left. Later, Jane Ray sat down with her letters, thinking of Anna Bell's hopes.",
                 '"I am glad," said she.')
    assert got == [("Jane Ray", "I am glad,")]


def test_pronoun_is_not_the_one_spoken_to():
    got = quotes("Tom Hart met Mrs. Walker and Jane Ray at the gate. Jane Ray smiled.",
                 '"You are late," she said to Jane Ray.')
    assert got == [("Mrs. Walker", "You are late,")]


def test_same_speaker_goes_on_after_a_pronoun_tag_in_one_paragraph():
    got = quotes('"Never mind!" said the King, with relief. "Call the next witness," he added.')
    assert got == [("King", "Never mind!"), ("King", "Call the next witness,")]


def test_addressee_named_in_the_quote_answers_next():
    got = quotes("Mr. Darcy and Miss Bingley sat by the fire.", '"You observed it, Mr. Darcy," said Miss Bingley.',
                 '"Certainly not."')
    assert got[-1] == ("Mr. Darcy", "Certainly not.")


def test_job_titles_inside_a_name_run_are_dropped():
    assert quotes('"We are ready," said House Speaker Paul D. Ryan.') == [("Paul D. Ryan", "We are ready,")]
    assert quotes('"Not now," said Rep. G.K. Butterfield (D-N.C.), head of the caucus.') == [
        ("G.K. Butterfield", "Not now,")]
    assert quotes('"We disagree," Rep. John Mica (R-Fla.) said.') == [("John Mica", "We disagree,")]


def test_partial_quotes_inside_the_narrators_sentence_stay_narration():
    assert quotes('Mr. Barrett said, "we were floored."') == []
    assert quotes("The police reported “2,521 shooting incidents” in the city.") == []
    assert quotes("She wants to speak “directly to white people” and to listen.") == []
    # a quote resumed after its tag may start lower-case
    got = quotes('"And what is a book," thought Alice, "without pictures?"')
    assert got == [("Alice", "And what is a book,"), ("Alice", "without pictures?")]


def test_chanted_slogan_that_is_a_sentence_is_voiced():
    # "chant" is a verb of speaking: a whole chanted sentence after it is direct speech, like "said, ..."
    got = quotes('The marchers filled Main Street, chanting, "We want our library back."')
    assert [t for _, t in got] == ["We want our library back."]
    got = quotes('"No more cuts," the students chanted.')
    assert [t for _, t in got] == ["No more cuts,"]
    # a chanted word inside the narrator's sentence stays narration
    assert quotes('They chanted "freedom" for an hour before dispersing.') == []


def test_according_to_introduces_a_direct_quote():
    got = quotes('According to Dana Ortiz, "The budget was never balanced. We knew it."')
    assert got == [("Dana Ortiz", "The budget was never balanced. We knew it.")]
    # a partial quote inside the narrator's sentence is still narration
    assert quotes('According to Dana Ortiz, the budget was "never balanced" last year.') == []


def test_quote_opening_with_an_ellipsis_at_a_sentence_start_is_voiced():
    # the source's sentence is elided at the front, so it may start lower-case; it still stands alone
    got = quotes("Ann Lee watched the whole hearing.", '"… in the end, I think the committee got it right," Ann Lee said.')
    assert got == [("Ann Lee", "… in the end, I think the committee got it right,")]
    got = quotes('Tom Reed wrote to the board. "... and that is why we are leaving," he said.')
    assert [t for _, t in got] == ["... and that is why we are leaving,"]
    # a lower-case fragment after "said," is still the narrator's sentence
    assert quotes('Tom Reed said, "… never again" and walked out.') == []


def test_transcript_lines_are_voiced_by_their_labels_and_stage_directions_are_not():
    got = quotes("Chris Wallace interviewed Mike Pence on Sunday. Partial transcript:",
                 '"WALLACE: Let us begin.', '"(CROSSTALK.)', '"PENCE: Thank you."')
    assert "(CROSSTALK.)" not in [t for _, t in got]
    assert [sp for sp, _ in got] == ["Chris Wallace", "Mike Pence"]
    assert quotes('"OK: here is the deal," said Ann Lee.') == [("Ann Lee", "OK: here is the deal,")]
    # labels nobody introduced still count when the transcript repeats them
    got = quotes("Transcript:", '"HOST: Welcome.', '"GUEST: Thanks.', '"HOST: Why now?', '"GUEST: Because."')
    assert [sp for sp, _ in got] == ["Host", "Guest", "Host", "Guest"]


# --------------------------------------------------------------------------- properties
def assert_reassembles(paragraphs):
    script = segment_article(article(*paragraphs))
    for i, para in enumerate(paragraphs):
        joined = "".join(s.text for s in script.segments if s.paragraph == i)
        assert squash(joined) == squash(para), (para, [s.text for s in script.segments if s.paragraph == i])
    for seg in script.segments:
        assert seg.text.strip()
        assert (seg.kind == "quote") == (seg.speaker is not None)


_words = st.sampled_from(["said", "Ann", "Lee", "he", "she", "the", "deal", "was", "told", "Haigh", ",", ".",
                          "!", "?", "(", ")", "'", "‘", "’", "—", "Mr.", "according", "to", "\n", "a", "disaster"])
_marks = st.sampled_from(list(MARKS))
_para = st.lists(st.one_of(_words, _marks, st.text(max_size=6)), max_size=40).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(st.lists(_para, min_size=1, max_size=6))
def test_property_no_text_lost_or_duplicated(paragraphs):
    paragraphs = [p.replace("\n", " ") for p in paragraphs if p.strip()] or ["x"]
    assert_reassembles(paragraphs)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list(MARKS) + list("ab .,\n\n'")), max_size=200))
def test_property_find_quotes_never_crashes_and_spans_are_sane(text):
    last = -1
    for q in find_quotes(text):
        assert 0 <= q.start <= q.end <= len(text)
        assert q.open_mark >= last
        assert "\n\n" not in text[q.start:q.end].strip()
        last = q.end


def test_unclosed_quote_does_not_swallow_the_article():
    paras = ["“This quote never closes, said Bob Hart.", "Second paragraph.", "Third, with “a title” inside."]
    script = segment_article(article(*paras))
    assert [s.kind for s in script.segments if s.paragraph > 0] == ["narration", "narration"]
    assert_reassembles(paras)


# --------------------------------------------------------------------------- the seed
def seed_article() -> Article:
    from audiocast.readers import read_article

    return read_article(SEED)


def test_seed_article_quotes_and_speakers():
    script = segment_article(seed_article())
    quotes_ = [s for s in script.segments if s.kind == "quote"]
    assert len(quotes_) == 10
    assert Counter(s.speaker for s in quotes_) == {"Vanity Fair": 2, "Andrew Haigh": 6, "Graham Broadbent": 2}
    assert [s.speaker for s in quotes_][:2] == ["Vanity Fair", "Vanity Fair"]
    texts = " ".join(s.text for s in quotes_)
    for title in ("All of Us Strangers", "Strangers,", "The Banshees of Inisherin"):
        assert not any(s.text.strip(" ,") == title.strip(" ,") for s in quotes_)
    assert "he said." in [s.text for s in script.segments if s.kind == "narration"]
    assert "Haigh told Vanity Fair." in [s.text for s in script.segments]
    for seg in script.segments:
        assert "READ TIME" not in seg.text and "Read These Next" not in seg.text
        assert "Emell Adolphus" not in seg.text
    assert "Haigh told" not in texts
    assert [(s.name, s.gender) for s in script.speakers] == [
        ("Vanity Fair", "unknown"), ("Andrew Haigh", "male"), ("Graham Broadbent", "male")]
    assert_reassembles(list(seed_article().paragraphs))


def test_speaker_gender_falls_back_on_a_clearly_gendered_first_name():
    from audiocast.model import Article, Section
    from audiocast.understanding.segment import first_name_gender, segment_article

    assert first_name_gender("Graham Broadbent") == "male"
    assert first_name_gender("Sarah Harvey") == "female"
    assert first_name_gender("Vanity Fair") == "unknown"  # not a first name
    assert first_name_gender("Haigh") == "unknown"  # one word: surname or organisation
    text = '"We shot it in a week," said producer Graham Broadbent. "It was tight," said Sarah Harvey.'
    article = Article(source=Path("x.txt"), slug="x", title="T", author=None, sections=(Section(None, (text,)),))
    genders = {s.name: s.gender for s in segment_article(article).speakers}
    assert genders == {"Graham Broadbent": "male", "Sarah Harvey": "female"}


# --------------------------------------------------------------------------- salience (coref.py)
def test_he_said_goes_to_the_quoted_source_not_a_bystander():
    got = quotes('"We need the money," said Tom Reed, the mayor.',
                 "The plan was first proposed by Gary Hunt in a 2012 bill that Paul Stone signed.",
                 '"It will pay for itself," he said.')
    assert got == [("Tom Reed", "We need the money,"), ("Tom Reed", "It will pay for itself,")]


def test_pronoun_never_goes_to_a_state_or_a_group():
    got = quotes("Michigan was only doing what other states do, the court heard.",
                 '"The law is clear," he wrote.')
    assert got == [("Unattributed", "The law is clear,")]
    got = quotes("Democrats in the Senate objected.", '"We will fight this," he said.')
    assert got == [("Unattributed", "We will fight this,")]


def test_first_name_decides_gender_for_a_pronoun():
    got = quotes("Helen Park met Robert Lane on Monday.", '"It was a good talk," she said.')
    assert got == [("Helen Park", "It was a good talk,")]
    got = quotes("Helen Park met Robert Lane on Monday.", '"It was a good talk," he said.')
    assert got == [("Robert Lane", "It was a good talk,")]


def test_a_long_dialogue_follows_recency_a_report_follows_sources():
    from audiocast.understanding.coref import is_story
    from audiocast.understanding.quotes import split_paragraphs
    report = "\n\n".join(['"Yes," said Ann Lee.', "Bob Hart watched."] * 5)
    story = "\n\n".join(['"Yes," said Ann Lee.', '"No," said Bob Hart.'] * 40)
    assert not is_story(report, split_paragraphs(report))
    assert is_story(story, split_paragraphs(story))


def test_the_senator_said_goes_to_the_person_called_senator():
    got = quotes("Texas Sen. Ted Cruz spoke after Mary Hill, a local teacher, asked about taxes.",
                 '"We will cut them," the senator said.')
    assert got == [("Ted Cruz", "We will cut them,")]
    got = quotes("Ted Cruz, the Texas senator, met Mary Hill.", '"We will cut them," the senator said.')
    assert got == [("Ted Cruz", "We will cut them,")]


def test_descriptions_without_a_named_match_keep_their_own_label():
    # nobody was called a senator, and a company is not a person: no person's name is guessed (the company is
    # the one the story named: tests/test_coref.py)
    assert quotes("Mary Hill met Tom Reed.", '"No," the senator said.') == [("The senator", "No,")]
    assert quotes("Tom Reed sued Acme.", '"We disagree," the company said.') == [("Acme", "We disagree,")]


def test_untagged_turns_alternate_after_pronoun_tagged_ones():
    got = quotes("Jane Doe, the reporter, sat down with Tom Reed, the mayor, on Monday.",
                 "“Why did you run?” she asked.", "“Because I had to,” he said.",
                 "“Was it worth it?”", "“Every minute.”")
    assert [sp for sp, _ in got] == ["Jane Doe", "Tom Reed", "Jane Doe", "Tom Reed"]


def test_she_said_goes_to_the_subject_of_the_paragraph_over_an_earlier_source():
    got = quotes('"We will win this fight," said Carol White, the group\'s president.',
                 'Anna Price said supporters had been galvanized by the new law. "This is just the beginning," she said.')
    assert got == [("Carol White", "We will win this fight,"), ("Anna Price", "This is just the beginning,")]


def test_a_quote_opening_its_paragraph_belongs_to_the_subject_just_before():
    got = quotes('"Cuts hurt us," said Carl Moss, a union leader.',
                 "Gen. Norman Hale, who retired last year, made it clear he had doubts about the plan under "
                 "President Tom Reed.",
                 '"It was demoralizing," he said.')
    assert got[-1] == ("Norman Hale", "It was demoralizing,")


def test_first_name_found_after_a_job_title():
    from audiocast.understanding.names import first_name_gender
    assert first_name_gender("Ohio Party Chairman David Pepper") == "male"
    assert first_name_gender("Retired Air Force Gen. Mary Hale") == "female"


def test_the_subject_named_before_its_verb_after_a_job_title_speaks():
    got = quotes('"We will win," said Tom Reed.',
                 "Campaign chairman Paul Hart, who joined in May after a long career in Ohio, said the plan was sound. "
                 '"It works," he said.')
    assert got[-1] == ("Paul Hart", "It works,")
    assert quotes("Delegates at the U.N. cheered.", '"We agree," he said.') == [("Unattributed", "We agree,")]


def test_a_place_of_unknown_sex_is_never_the_she_who_speaks():
    got = quotes("Protests went on in Charlotte overnight.", '"Don\'t shoot him," she says.')
    assert got == [("Unattributed", "Don't shoot him,")]


def test_a_speaker_is_named_without_the_place_party_or_job_before_the_name():
    got = quotes("North Carolina’s Ada Fisher, an RNC member, said Trump would do fine. “I think he will,” she said.",
                 "“We are ready,” said Republican Christine Todd Whitman.")
    assert [s for s, _ in got] == ["Ada Fisher", "Christine Todd Whitman"]


def test_a_bare_surname_is_the_person_the_story_names_most_not_the_spouse_named_last():
    got = quotes("Hillary Clinton spoke on Monday. Hillary Clinton said the race was close.",
                 "Clinton and her husband, former President Bill Clinton, went to the wedding.",
                 "“It was fun,” Clinton said.")
    assert got[-1][0] == "Hillary Clinton"


def test_a_first_name_outweighs_stray_pronouns_of_other_people():
    got = quotes("Donald Trump met Clinton. Trump said she was wrong; she said she was not. Trump, she said, was rude.",
                 "Trump spoke again. Then she left.",
                 "“We will win,” he said.")
    assert got[-1][0] == "Donald Trump"


def test_in_a_report_he_said_after_two_speakers_is_not_handed_to_the_earlier_one():
    # news quotes the same person paragraph after paragraph; the turn-taking of fiction does not apply
    got = quotes("“It is a disgrace,” said Donald Trump.",
                 "Florent Groberg, 33, a former Army captain, disagreed with him, and he said so.",
                 "“He has zero experience,” Groberg said.",
                 "“He has no plan at all,” he said.")
    assert got[-1][0] == "Florent Groberg"


def test_a_described_speaker_is_labelled_as_a_name():
    # the label is what a listener's transcript and the cast show: "The Queen", as the book writes it in a heading
    got = quotes("The Queen turned crimson with fury, and Alice looked at the Queen.", '"Off with her head!" said the Queen.',
                 '"Who is this?" said Alice. Alice Liddell was not afraid.')
    assert got == [("The Queen", "Off with her head!"), ("Alice", "Who is this?")]


def _dialogue(*turns: str) -> list[str]:
    """A story's conversation: a tagged opening exchange, then untagged paragraphs, padded to story length."""
    lines = ["Tom Reed walked into the kitchen where Ann Lee sat by the fire."]
    lines += list(turns)
    lines += [f'"Line {i}."' for i in range(12)]  # a text with many untagged quote paragraphs is a conversation
    return [s for s, _ in quotes(*lines)]


def test_in_a_story_an_untagged_paragraph_is_the_other_one_in_the_conversation():
    got = _dialogue('"Is it late?" asked Tom.', '"Very late," said Ann.', '"Then I will go."', '"Go, then."')
    assert got[:4] == ["Tom", "Ann", "Tom", "Ann"]


def test_in_a_story_a_new_paragraph_after_one_speaker_is_someone_else_present():
    got = _dialogue('"Is it late?" asked Tom.', '"Very late."')
    assert got[:2] == ["Tom", "Ann Lee"]


def test_a_first_person_narrator_speaks_as_the_name_the_others_call_them():
    got = quotes('"I think, Watson, that you have put on weight," said Holmes.', '"Seven pounds!" I answered.',
                 '"Indeed, Watson, I should have thought more."', '"Then how do you know?" I asked.')
    assert [s for s, _ in got] == ["Holmes", "Watson", "Holmes", "Watson"]
    # nobody names the narrator: the lines are the narrator's, never a guess from the narration
    got = quotes("Holmes sat by the fire.", '"Seven pounds!" I answered.')
    assert got == [("The narrator", "Seven pounds!")]


def test_he_said_goes_to_the_subject_of_the_sentence_just_before_the_quote():
    got = quotes("“Do not tweet it,” said Paul Manafort, who ran the campaign.",
                 "Manafort politely suggested it might offend. The tweet went out. Donald Trump himself was delighted. "
                 "“The people who were offended were people we wanted to offend,” he said.")
    assert got[-1][0] == "Donald Trump"


def test_she_said_follows_the_sentence_before_back_over_a_she():
    got = quotes("“It was great,” said Novak Djokovic.",
                 "Tennis great Billie Jean King remembered Ali. She saw him fight in 1971.",
                 "“He always whispered to me,” she said.")
    assert got[-1][0] == "Billie Jean King"


def test_the_one_asked_answers():
    got = quotes("“We are ready,” said Bernie Sanders.",
                 "Last month, Scott Conroy asked Bernie Sanders whether his age was fair game.",
                 "“Sure it is,” he said.")
    assert got[-1][0] == "Bernie Sanders"


def test_a_tag_at_the_end_of_the_sentence_before_names_the_speaker():
    got = quotes("Jeff Weaver, his campaign manager, said the ads would pay off. "
                 "He should also get a boost from the win, Bernie Sanders said.",
                 "“For many voters, there was a question,” he said.")
    assert got[-1][0] == "Bernie Sanders"


def test_a_noun_that_looks_like_a_speech_verb_is_the_speaker_not_the_verb():
    assert quotes('"The changes add urgency," the report stated.') == [("The report", "The changes add urgency,")]
    got = quotes('"Even her computer was hacked," the congressional report said.')
    assert got == [("The congressional report", "Even her computer was hacked,")]


def test_a_lowercase_fragment_after_the_narrator_goes_on_is_narration():
    got = quotes('"He is a cheerleader," Trump said. Instead, "he just acts like a defeated man."',
                 '"Thank you, son," Cruz replied, adding that he thinks "children should speak with respect."',
                 '"It was his energy," Podesta added, "and that made the difference."')
    assert [t for _, t in got] == ["He is a cheerleader,", "Thank you, son,", "It was his energy,",
                                   "and that made the difference."]


def test_in_a_story_she_said_in_a_two_person_exchange_is_the_woman_of_the_two():
    got = _dialogue('"Is it late?" asked Mr. Reed.', '"Very late," said Mrs. Lee.',
                    '"Then I will go," said Mr. Reed, and Jane Ray, the maid, came in.', '"Go, then," she said.')
    assert got[:4] == ["Tom Reed", "Ann Lee", "Tom Reed", "Ann Lee"]


def test_an_inverted_tag_makes_a_source():
    got = quotes("“He is the change,” said Sean Spicer, a strategist.",
                 "Debates rarely alter a campaign, noted NBC’s Dante Chinni.",
                 "“Debates happen late in the campaign,” he wrote.")
    assert got[-1][0] == "Dante Chinni"


def test_a_quote_the_narrators_sentence_carries_on_from_is_narration():
    got = quotes('"There is a sense of calm now," and donations began to pick up again, Gilbert said.',
                 '"These groups have set the table for voters," in sharp contrast to past years, says Dana Scala.')
    assert got == []
    # the same comma with a tag, or after an introduction, is still speech
    got = quotes('"There is a sense of calm now," Gilbert said, and donations picked up.',
                 'Clinton said: "I used two accounts," but she used one.')
    assert [t for _, t in got] == ["There is a sense of calm now,", "I used two accounts,"]


def test_a_headline_with_its_byline_is_a_title_not_speech():
    got = quotes('NOW OPEN—"Pop-up art show takes on gentrification," by the Daily Post\'s Eddie Small: '
                 '"Curators of a pop-up show are determined to confront the changes."')
    assert [t for _, t in got] == ["Curators of a pop-up show are determined to confront the changes."]


def test_a_speech_verb_several_words_before_the_comma_introduces_the_quote():
    got = quotes('Sen. Ron Jones said in an op-ed before the hearing, "The department failed to act."',
                 'Rubio said that once the Senate goes on recess, "I intend to help wherever I can."')
    assert got == [("Ron Jones", "The department failed to act.")]


def test_a_speech_verb_a_long_adverbial_back_still_introduces_the_quote():
    got = quotes('Ann Reyes said in the spring, when the story about her email server broke, "I sent nothing secret."')
    assert got == [("Ann Reyes", "I sent nothing secret.")]


def test_a_capitalised_name_after_a_comma_is_a_title_even_with_the_sentences_full_stop():
    got = quotes('The singer told fans he returns this week with his acclaimed concert, "Girls, Girls, Girls."',
                 '"We have a common enemy," Burton told delegates. "Donald Trump."')
    assert [t for _, t in got] == ["We have a common enemy,", "Donald Trump."]


def test_a_date_after_by_is_no_byline():
    got = quotes('"We will have a deal," by Monday, Ann Reyes said.')
    assert [t for _, t in got] == ["We will have a deal,"]


def test_a_statement_before_a_comma_introduces_the_quote():
    got = quotes('Right after the storm, Ann Reyes issued a statement, "We will rebuild every home."')
    assert [t for _, t in got] == ["We will rebuild every home."]
