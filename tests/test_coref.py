"""Who "he said" / "the senator said" is in a news report (understanding/coref.py): one test per rule, made-up text."""

from __future__ import annotations

from pathlib import Path

from audiocast.model import Article, Section
from audiocast.understanding.segment import segment_article


def speakers(*paragraphs: str) -> list[str]:
    """The speaker of every quote segment of an article made of ``paragraphs``."""
    art = Article(source=Path("t.txt"), slug="t", title="T", author=None, sections=(Section(None, paragraphs),))
    return [s.speaker for s in segment_article(art).segments if s.kind == "quote"]


OPENER = "“We will win,” said Paul Grant, the campaign chairman."
HER_OPENER = "“We will win,” said Paula Grant, the campaign chairwoman."


def test_a_surname_like_omalley_or_mcdowell_opening_a_paragraph_is_a_name():
    # "O'Malley" and "McDowell" used to count as "O'" and "Mc", so at a paragraph's start they looked like
    # words that only ever open sentences, though the story also uses them inside a sentence
    for name in ("O'Malley", "McDowell"):
        got = speakers(OPENER, f"Three candidates came: Paul Grant, Martin {name} and Alan Burke.",
                       f"{name}, the former mayor of the city, stressed his record on schools.",
                       "“I know it is a tough fight,” he said.")
        assert got[-1] == f"Martin {name}"


def test_the_subject_of_an_irregular_verb_is_the_topic():
    # "took" ends in neither -ed nor -s
    got = speakers(OPENER, "Grant met Rooney in Ohio.",
                   "Rooney took a different tack, continuing with his call for unity.",
                   "“You have to unite people,” he said.")
    assert got[-1] == "Rooney"


def test_said_x_would_makes_x_the_subject_of_what_was_said_not_a_source():
    got = speakers(OPENER, "Brian Moss, the county chairman, for example, said Tom Kent continued to hurt the party "
                   "by attacking Sen. Kelly Avery, who faces a tough race. “It has not gone well,” he said.")
    assert got[-1] == "Brian Moss"


def test_a_title_abbreviation_does_not_end_the_sentence_before_a_quote():
    got = speakers(OPENER, "Brian Moss said Grant was wrong to attack Gov. Kelly Avery in her own state. "
                   "“It has not gone well,” he said.")
    assert got[-1] == "Brian Moss"


def test_to_x_comma_gives_the_view_of_x():
    got = speakers(HER_OPENER,
                   "To Montclair professor Brigid Hale, the candidate's stare seemed to reflect sadness.",
                   "“It really looked like heartbreak,” she said.")
    assert got[-1] == "Brigid Hale"
    got = speakers(HER_OPENER, "For Gloria Dunn, a retiree, the calls are a way to set an example.",
                   "“It matters to me,” she said.")
    assert got[-1] == "Gloria Dunn"


def test_a_spokesman_is_the_subject_not_the_one_he_speaks_for():
    got = speakers("“The Senate will act,” said Mitch Hale, the majority leader.",
                   "Hale spokesman Don Stewart would not say when the Senate will vote.",
                   "“I have no announcements,” he said.")
    assert got[-1] == "Don Stewart"


def test_an_apposition_may_hold_abbreviations():
    got = speakers("“We will win,” said Tom Kent.",
                   "Joe Madden, a D.C.-based radio host, recalled that before Iowa, Tom Kent wasn't taken seriously.",
                   "“I am certain that is how folks looked at it,” he said.")
    assert got[-1] == "Joe Madden"


def test_an_unknown_sex_subject_is_not_a_she_when_a_woman_acts_in_the_same_sentence():
    got = speakers(OPENER, "Grant met Rossi in Ohio.",
                   "Rossi held a rally Saturday while Karen Hill hosted an event Monday, during which she thanked "
                   "the volunteers. “They are the heart of this,” she said.")
    assert got[-1] == "Karen Hill"
    # a name used as a modifier ("a Rossi presidency") does not act
    got = speakers(OPENER, "Grant met Hollis in Paris.",
                   "Hollis denounced the remarks and warned of what a Rossi presidency would bring.",
                   "“It will have consequences,” he said.")
    assert got[-1] == "Hollis"


def test_a_partial_quote_ending_the_sentence_before_does_not_make_a_run():
    got = speakers(OPENER, "Grant sent Cole.",
                   "Filling in for Grant at the event where Alan Burke appeared, Cole landed a dig at "
                   "“my dear friend Paul.”",
                   "“I took the money but it did not affect me?” he said.")
    assert got[-1] == "Cole"


def test_the_candidate_said_is_the_subject_just_before_when_nobody_was_called_so():
    got = speakers("“We will build it,” Tom Kent said on Monday.",
                   "Kent answered questions about the plan after an event in Iowa.",
                   "“There should be a lot of systems,” the businessman replied.")
    assert got[-1] == "Tom Kent"
    got = speakers("“We need change,” said Tom Kent.",
                   "Kent spoke after Mary Hill at the forum. “It is a disaster,” the candidate said.")
    assert got[-1] == "Tom Kent"


def test_a_role_that_is_often_never_named_keeps_its_label():
    got = speakers("“We need change,” said Tom Kent.",
                   "A Republican committee aide blasted the statement.",
                   "“Their announcement is politics,” the aide said.")
    assert got[-1] == "The aide"


def test_the_president_is_not_the_vice_president():
    got = speakers("Vice President Joe Biden and Mary Hill spoke at the rally.",
                   "“I feel he is running against Obama and me,” the former president said.")
    assert got[-1] != "Joe Biden"


def test_a_pronoun_after_a_connective_opens_a_he_sentence_too():
    got = speakers(HER_OPENER, "Debra Kemp, the organist at the church Grant attends, remembered when it had a cross.",
                   "Now, she said, the two congregations don't mix much. “We don't go over there,” she said.")
    assert got[-1] == "Debra Kemp"


def test_a_person_introduced_with_an_apposition_in_the_sentence_before_speaks():
    got = speakers(OPENER, "No one writes songs for the campaign, which is something that concerns Henry Cole, "
                   "president of the county caucus.",
                   "“No one is writing songs for us,” he said.")
    assert got[-1] == "Henry Cole"


def test_a_first_name_of_the_other_sex_is_never_the_pronoun():
    # the bare "Clinton"s of Hillary's story vote "she" for the canonical "Bill Clinton"; "Bill" still rules him out
    got = speakers("Betsy Eberly is a former Spanish teacher.", "“She will win,” Bill Clinton said.",
                   " ".join(["Clinton said she would win."] * 8),
                   "It has been a defining friendship for Eberly.", "“It has been part of my life,” she said.")
    assert got[-1] == "Betsy Eberly"


def test_a_demonym_is_not_a_person():
    from audiocast.understanding.names import not_a_person
    assert not_a_person("Spanish") and not_a_person("Israeli") and not not_a_person("Parrish")


def test_the_company_said_is_the_organisation_the_story_named():
    # "the company" read aloud tells a listener nothing; the name does, and gives the firm one voice
    got = speakers(OPENER, "Local employers spoke up too, among them Brellco, which opposed the plan.",
                   "“We call on other businesses to join us,” the company said.",
                   "“We will not stop,” said Brellco.")
    assert got[1:] == ["Brellco", "Brellco"]
    got = speakers(OPENER, "The Harbor Gazette called on Grant to drop out, citing the NRA’s ads.",
                   "“He needs to stop blaming everyone else,” the conservative-leaning newspaper wrote.")
    assert got[-1] == "Harbor Gazette"  # not the NRA: a possessor is not the one who speaks


def test_the_board_said_finds_the_board_even_as_an_object_and_keeps_its_full_name():
    got = speakers(OPENER, "Grant got a favorable decision from the Ohio Board of Elections on Monday.",
                   "Two objectors had challenged his bid, and a hearing officer heard them last week.",
                   "“The candidate may appear on the ballot,” the board said.")
    assert got[-1] == "Ohio Board of Elections"


def test_an_organisation_described_anew_or_never_named_keeps_the_description():
    got = speakers(OPENER, "Vexa Group threatened to leave the market. Just this week, the trade group for the "
                   "regional plans spelled out its concerns.", "“The risk pool is out of balance,” the group wrote.")
    assert got[-1] == "The group"
    got = speakers(OPENER, "Grant met voters in Ohio.", "“We are proud of the work,” the company said.")
    assert got[-1] == "The company"  # Ohio is a state, Grant a person


def test_the_campaign_said_is_the_campaign_of_the_person_named_with_it():
    got = speakers(OPENER, "The Trump campaign pushed back on Tuesday.",
                   "“The claims are false,” the campaign said.")
    assert got[-1] == "The Trump campaign"


def test_a_description_opening_the_sentence_before_its_quote_is_the_subject_before():
    # "The minority leader said flatly: “…”" used to be read as a name ("The minority leader")
    got = speakers(OPENER, "“It is close,” Tom Reed said on Monday. Still, Reed would not say whether he would rather "
                   "face Grant.",
                   "The minority leader said flatly: “I don’t think it matters.”")
    assert got[-1] == "Tom Reed"


def test_any_role_but_an_aide_or_spokesman_is_the_named_subject_before():
    got = speakers(OPENER, "Mark Dunn said the party would lose in November.",
                   "“If he wins the nomination,” the investor said, “that is even worse.”")
    assert got[-1] == "Mark Dunn"
    got = speakers(OPENER, "Mark Dunn said the party would lose in November.",
                   "“It is over,” the aide said.")
    assert got[-1] == "The aide"


def test_the_one_asked_is_not_the_moderator_and_an_unnamed_judge_is_nobody_else():
    got = speakers(OPENER, "Grant was asked a question about taxes.",
                   "“Many argue that taxes are too high,” the moderator said.")
    assert got[-1] == "The moderator"
    got = speakers(OPENER, "The judge rubbed his chin. Grant had said it all.",
                   "“Everything you said has overlapped,” the judge said.")
    assert got[-1] == "The judge"


def test_a_first_name_given_as_a_kin_apposition_is_a_person_of_that_sex():
    # "his wife, Jane," : no surname and no pronoun vote, but the kin noun says who she is
    got = speakers(OPENER, "Mary Hill spoke first. On Tuesday, his wife, Jane, called for an open primary.",
                   "“Shutting people out is not smart,” she said.")
    assert got[-1] == "Jane"


def test_a_family_name_shared_with_a_man_does_not_make_a_woman_of_unknown_first_name_a_he():
    # the "he"s after "Zorya Kress" are her father's; her first name is in no table, so she is of unknown sex
    got = speakers(OPENER, "Peter Kress spoke in Ohio. Zorya Kress praised Peter Kress, and he thanked the crowd.",
                   "Zorya Kress stood by him, and he waved. Tom Reed said the plan discriminates against fathers.",
                   "In a newspaper essay, Zorya Kress acknowledged the problem. “The number has doubled,” she wrote.")
    assert got[-1] == "Zorya Kress"


def test_a_speaker_is_one_person_under_one_name_without_state_office_or_party():
    # "Ohio Gov. Kasich" and "John Kasich" are one person: one label, one voice; "Republicans Jolly" is Jolly
    got = speakers("“We will win,” said John Kasich.", "“It is close,” said Ohio Gov. Kasich.",
                   "“Not so,” said Republicans Jolly.", "“We disagree,” said the Republican National Committee.")
    assert got == ["John Kasich", "John Kasich", "Jolly", "Republican National Committee"]
