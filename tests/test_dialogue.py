"""Speakers in fiction: one test per rule, on made-up stories (issue 15, part 3)."""

from __future__ import annotations

from pathlib import Path

from audiocast.model import Article, Section
from audiocast.understanding.segment import segment_article


def speakers(*paragraphs: str) -> list[tuple[str, str]]:
    """(speaker, text) of every quote segment of a story made of ``paragraphs``, padded to story length."""
    padding = [f'"Line {i}."' for i in range(12)]  # many untagged quote paragraphs: a conversation, not a report
    article = Article(source=Path("t.txt"), slug="t", title="T", author=None,
                      sections=(Section(None, tuple(paragraphs) + tuple(padding)),))
    got = [(s.speaker, s.text) for s in segment_article(article).segments if s.kind == "quote"]
    return got[:len(got) - len(padding)]


def test_a_titled_surname_that_is_also_a_place_word_is_a_person():
    # "Hall", "Park", "Church" head institutions in news; after "Mrs." they are somebody's surname
    got = speakers("Mrs. Hall lit the fire while Millie, her maid, laid the table in the parlour.",
                   "Mrs. Hall, nothing loath, answered his questions. \"It's a steep road, sir,\" she said.")
    assert got == [("Mrs. Hall", "It's a steep road, sir,")]


def test_the_name_right_before_the_verb_of_an_as_clause_speaks():
    got = speakers("Meg and Beth sat by the fire.",
                   'The faces brightened, but darkened again as Jo said sadly, "We have not got Father."')
    assert got == [("Jo", "We have not got Father.")]
    # "to hear X sing" names a singer of a song title, not a speaker
    from audiocast.understanding.speakers import attribution_before
    assert attribution_before("He wished he had gone to hear Fay Templeton sing ").name != "Fay Templeton"


def test_the_subject_of_a_narration_sentence_after_mr_is_the_titled_name():
    from audiocast.understanding.speakers import narration_subject
    assert narration_subject("Mr. Bennet made no answer.").name == "Mr. Bennet"
    assert narration_subject("He left. Mrs. Hall sat down.").name == "Mrs. Hall"


def test_after_a_narration_paragraph_its_subject_speaks_not_the_speaker_before_it():
    got = speakers("Tom Reed and Ann Lee sat by the fire.", '"Is it late?" asked Tom.',
                   "Ann Lee looked at the clock on the wall. She smiled.", '"Very late."')
    assert [s for s, _ in got] == ["Tom", "Ann Lee"]


def test_a_she_tag_is_never_given_to_a_man_by_turn_taking():
    got = speakers("Tom Reed came home late.", '"My dear Tom," said his wife, "you are late."',
                   "Tom Reed made no answer.", '"But it is late," returned she.')
    assert got[-1] == ("Unattributed", "But it is late,")
    from audiocast.understanding.dialogue import fitting_speaker
    gender = {"Tom": "male", "Ann": "female", "Kim": "unknown"}.get
    assert fitting_speaker("female", "Tom", ["Ann", "Tom"], gender) == "Ann"
    assert fitting_speaker("female", "Kim", ["Ann", "Tom"], gender) == "Kim"  # nothing says Kim is not a she
    assert fitting_speaker(None, "Tom", ["Ann"], gender) == "Tom"


def test_a_description_is_the_person_the_story_tied_it_to():
    got = speakers("In front of the easel sat the artist himself, Basil Hallward, with Lord Henry Wotton.",
                   '"You do not understand me, Harry," answered the artist.')
    assert got == [("Basil Hallward", "You do not understand me, Harry,")]
    got = speakers("Dr. Archie came into the room where Peter Kronborg waited for Archie.",
                   '"Sit down," said the doctor.')
    assert got == [("Archie", "Sit down,")]
    # a description the story never tied to a name keeps its own label
    got = speakers("Tom Reed walked into the inn.", '"Sit down," said the landlord.')
    assert got == [("The landlord", "Sit down,")]


def test_a_story_tags_a_line_with_any_verb_after_a_comma():
    got = speakers("Carol Milford and Tom Reed walked home.", '"I just love common workmen," glowed Carol.',
                   '"You never say so," Tom grinned.')
    assert [s for s, _ in got] == ["Carol", "Tom"]
    from audiocast.understanding.dialogue import fiction_tag
    assert fiction_tag("Amen,", " I yawned.").name == "i"
    assert fiction_tag("Yes.", " He left the room.") is None  # a full stop: narration follows, not a tag
    assert fiction_tag("Well,", " Then he walked on.") is None


def test_a_narrator_who_names_themself_speaks_under_that_name():
    got = speakers("My father's family name being Pirrip, I called myself Pip, and came to be called Pip.",
                   '"Tell us your name!" said the man. "Quick!"', '"Pip, sir," I said.')
    assert got[-1] == ("Pip", "Pip, sir,")


def test_an_interjection_or_a_single_vocative_does_not_name_the_narrator():
    got = speakers("The man seized me by the chin.", '"Quick!" said the man.', '"Yes, sir," I said.',
                   '"Now, Jack, let go!" cried his sister.', '"I will," I said.')
    assert got[1][0] == "The narrator" and got[3][0] == "The narrator"


def test_the_one_called_dear_by_name_in_a_line_is_not_its_speaker():
    from audiocast.understanding.segment import addressed
    assert addressed("But, Margaret dear, I mean we must be practical.", "Margaret")
    assert not addressed("Margaret is dear to me.", "Margaret")


def test_a_word_the_story_uses_once_is_no_antecedent_for_he_but_a_first_name_is():
    got = speakers("John Rolfe sat by the fire with me, and John Rolfe was silent.", '"She was fair," I said.',
                   '"So she was," he answered. "So she was." Locking his hands behind his head, he raised his face '
                   'to the star. "Brave and gentle," he mused.')
    assert [s for s, _ in got][1:] == ["John Rolfe"] * 3
    got = speakers("Ann Lee sat by the fire when William appeared. He was a very active lad.",
                   '"Can I have my dinner?" he cried.')
    assert got == [("William", "Can I have my dinner?")]
    # ... but not a first name an article makes a common noun
    got = speakers("Ann Lee sat by the fire. He was a tall lad with a touch of the Dane about him.",
                   '"Can I have my dinner?" he cried.')
    assert got == [("Unattributed", "Can I have my dinner?")]


def test_a_word_glued_to_a_name_at_a_sentence_start_is_not_part_of_the_name():
    got = speakers("Douglas sat by the fire, and Douglas was silent. The story came later. Poor Douglas, before "
                   'his death, sent it to me. "It is dreadful," he said.')
    assert got == [("Douglas", "It is dreadful,")]
    from audiocast.understanding.entities import Entities
    names = {m.name for m in Entities("It was late. Fifteen-year-old Jo sat down by Meg.").mentions}
    assert "Jo" in names and "Fifteen-year-old Jo" not in names
    # a name the story keeps using whole stays whole
    story = " ".join(["Ragged Dick woke late, and Dick rose."] * 3)
    assert "Ragged Dick" in {m.name for m in Entities(story).mentions}


def test_a_family_is_not_the_he_of_a_tag():
    got = speakers("Robert Rassendyll sat with his wife. Robert Rassendyll was the head of the house, as the "
                   "Rassendylls had been for generations.", '"You ought to work," she said. "You never do," he added.')
    assert [s for s, _ in got] == ["Unattributed", "Robert Rassendyll"]


def test_the_one_called_by_name_in_the_previous_line_answers_a_he_tag():
    # the last-named man (Lord Henry, who spoke) is not the "he" who answers: the one he called by name is
    story = ("Basil Hallward stood by the easel. Lord Henry lay on the divan.",
             '"It is your best work, Basil," said Lord Henry.',
             '"I shall not send it anywhere," he answered.')
    assert speakers(*story)[-1] == ("Basil Hallward", "I shall not send it anywhere,")
    # one of the other sex called by name is not the "he" who answers
    story = ("Sibyl Vane stood by the easel. Lord Henry lay on the divan. She smiled at him.",
             '"It is your best work, Sibyl," said Lord Henry.',
             '"I shall not send it anywhere," he answered.')
    assert speakers(*story)[-1][0] != "Sibyl Vane"


def test_a_tag_naming_someones_relative_is_that_relative_not_the_one_named():
    story = ("Mrs. Miller sat by the lake. Daisy Miller laughed at the courier.",
             '"We shall go to the castle," answered Daisy\'s mamma.',
             '"Not without me," said Trabb\'s boy.')
    got = speakers(*story)
    assert got[0] == ("Mrs. Miller", "We shall go to the castle,")
    assert got[1][0] == "Trabb’s boy"  # no one the story named: the phrase, never "Trabb"


def test_her_mother_is_the_mother_of_the_latest_woman_with_a_family_name():
    # Maria Lucas's mother is never named; Elizabeth Bennet's is: the "her" of "her mother" is Elizabeth
    story = ("Elizabeth Bennet sat with Mrs. Bennet in the parlour.",
             '"Where is Kitty?" asked Elizabeth.',
             "Kitty came in, and Maria Lucas followed her. Maria sat down by the door.",
             '"You are late," said her mother.')
    assert speakers(*story)[-1] == ("Mrs. Bennet", "You are late,")
