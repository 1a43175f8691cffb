"""Speech normalisation (what a newsreader says) and sentence splitting."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from audiocast.voice.speech import MAX_PIECE, split_sentences, to_speech

CASES = [
    # numbers
    ("It has 1,000 seats.", "It has one thousand seats."),
    ("Up 3.25 points.", "Up three point two five points."),
    ("He came 1st and she came 21st.", "He came first and she came twenty-first."),
    ("A 40-something writer", "A forty-something writer"),
    ("It fell to -5 overnight.", "It fell to minus five overnight."),
    ("She scored 123 runs.", "She scored one hundred twenty-three runs."),
    # years, decades, ranges
    ("Yamada's 1987 novel", "Yamada's nineteen eighty-seven novel"),
    ("in 2008", "in two thousand eight"),
    ("in 2024", "in twenty twenty-four"),
    ("by 1900", "by nineteen hundred"),
    ("a man in his late 40s", "a man in his late forties"),
    ("the 1980s and the '90s", "the nineteen eighties and the nineties"),
    ("from 2010–2015", "from twenty ten to twenty fifteen"),
    ("the 1987-88 season", "the nineteen eighty-seven to nineteen eighty-eight season"),
    ("ages 10–20", "ages ten to twenty"),
    # money and percentages
    ("a $5.2 million deal", "a five point two million dollars deal"),
    ("It costs £20.", "It costs twenty pounds."),
    ("just €3", "just three euros"),
    ("$1.50 each", "one dollar and fifty cents each"),
    ("a $1 coin", "a one dollar coin"),
    ("a $3bn loss", "a three billion dollars loss"),
    ("up 12.5% on", "up twelve point five percent on"),
    # dates and times
    ("at 7:30 p.m. today", "at seven thirty PM today"),
    ("at 10:05", "at ten oh five"),
    ("at 9 a.m. sharp", "at nine AM sharp"),
    ("at 6:00 tonight", "at six o'clock tonight"),
    ("on March 3, 2024,", "on March third, twenty twenty-four,"),
    ("on Jan. 5", "on January fifth"),
    ("on 2024-01-05", "on January fifth, twenty twenty-four"),
    ("on 3/4/2024 at", "on March fourth, twenty twenty-four at"),
    ("2/3 of voters, 1/2 a loaf", "two thirds of voters, one half a loaf"),
    ("a 5km run at 30 mph", "a five kilometers run at thirty miles per hour"),
    ("on Main St.", "on Main Street."),
    # symbols
    ("Tom & Jerry", "Tom and Jerry"),
    ("the house – a portal to the past", "the house, a portal to the past"),
    ("he said — and then left", "he said, and then left"),
    ("C++ and 4+ players", "C plus plus and four plus players"),
    ("#MeToo and @jack", "hashtag MeToo and at jack"),
    ("room #4", "room number four"),
    ("and/or", "and or"),
    ("It was 30°C.", "It was thirty degrees Celsius."),
    ("Call 800-273-8255.", "Call eight zero zero, two seven three, eight two five five."),
    # URLs and emails
    ("Visit example.com/news today.", "Visit example dot com slash news today."),
    ("See https://www.bbc.co.uk/news?id=1.", "See w w w dot bbc dot co dot uk slash news."),
    ("Write to jane.doe@example.org.", "Write to jane dot doe at example dot org."),
    # abbreviations
    ("Mr. Smith met Dr. Jones", "Mister Smith met Doctor Jones"),
    ("in St. Louis on Main St. today", "in Saint Louis on Main Street today"),
    ("Sen. Warren and Gov. Newsom", "Senator Warren and Governor Newsom"),
    ("No. 1 vs. No. 2", "number one versus number two"),
    ("fruit, e.g. apples", "fruit, for example apples"),
    ("in the U.S. and the U.K.", "in the US and the UK."),
    ("J. K. Rowling", "J K Rowling"),
    ("COVID-19 tests", "COVID nineteen tests"),
    ("a 3D film on 5G phones at 10am", "a three D film on five G phones at ten AM"),
    # capitals: shouting is lowered, acronyms are left for spelling
    ("BREAKING NEWS: the FBI and NASA", "breaking news: the FBI and NASA"),
    # quotes are kept for the engines to ignore
    ("“It’s here,” she said.", "“It’s here,” she said."),
]


@pytest.mark.parametrize("text, spoken", CASES)
def test_to_speech(text, spoken):
    assert to_speech(text) == spoken


@pytest.mark.parametrize("text, spoken", CASES)
def test_to_speech_is_idempotent(text, spoken):
    assert to_speech(spoken) == spoken


def test_seed_sentence():
    text = ("\"To suddenly deal with my own past at the same time as I was telling a story about someone else "
            "dealing with their past – I'm not sure if it was foolish, emotionally or mentally,\" Haigh told Vanity Fair.")
    spoken = to_speech(text)
    assert "–" not in spoken and "past, I'm not sure" in spoken


_WORDS = st.sampled_from([
    "the", "Mr.", "Dr.", "U.S.", "e.g.", "a.m.", "p.m.", "said", "Haigh", "1987", "40s", "$5.2", "million", "£20",
    "12%", "3.5", "1,000", "–", "—", "&", "example.com/news", "No.", "7", "7:30", "1st", "2010–2015", "J.", "K.",
    "Rowling", "…", "\"Hello,\"", "“Yes.”", "it.", "What?", "Wow!", "St.", "COVID-19", "#1", "@home", "(AP)", "x+y",
])


@settings(max_examples=200, deadline=None)
@given(st.lists(_WORDS, min_size=1, max_size=40))
def test_to_speech_spells_out_digits_and_is_stable(words):
    text = " ".join(words)
    spoken = to_speech(text)
    assert not re.search(r"\d", spoken)
    assert to_speech(spoken) == spoken


# --------------------------------------------------------------------------- sentences

@pytest.mark.parametrize("text, sentences", [
    ("Mr. Smith went to Washington. He met Dr. Jones.", ["Mr. Smith went to Washington.", "He met Dr. Jones."]),
    ("J. K. Rowling wrote it. It sold.", ["J. K. Rowling wrote it.", "It sold."]),
    ("It rose 3.5 percent. Then it fell.", ["It rose 3.5 percent.", "Then it fell."]),
    ("Bring fruit, e.g. apples. Or not.", ["Bring fruit, e.g. apples.", "Or not."]),
    ("The U.S. Army left. The U.K. stayed in the U.S. The end.",
     ["The U.S. Army left.", "The U.K. stayed in the U.S.", "The end."]),
    ("We met at 7 p.m. on Friday. It was late.", ["We met at 7 p.m. on Friday.", "It was late."]),
    ("We met at 7 p.m. It was late.", ["We met at 7 p.m.", "It was late."]),
    ("Wait... what happened? Nothing.", ["Wait... what happened?", "Nothing."]),
    ("\"Why?\" he asked. \"Because.\" She left.", ["\"Why?\" he asked.", "\"Because.\"", "She left."]),
    ("“It was strange.” Then he smiled.", ["“It was strange.”", "Then he smiled."]),
    ("He said no. Then he left. No. 5 won.", ["He said no.", "Then he left.", "No. 5 won."]),
    ("On Jan. 5 it snowed.", ["On Jan. 5 it snowed."]),
])
def test_split_sentences(text, sentences):
    assert split_sentences(text) == sentences


def test_long_line_without_punctuation_is_chopped_without_loss():
    text = " ".join(f"word{i}" for i in range(3000))
    pieces = split_sentences(text)
    assert len(pieces) > 50
    assert all(len(p) <= MAX_PIECE for p in pieces)
    assert " ".join(pieces) == text


def test_long_sentence_is_chopped_at_clause_boundaries():
    clause = "the ferry crossed the loch in the dark with fourteen passengers on board"
    text = ", ".join([clause] * 8) + "."
    pieces = split_sentences(text)
    assert len(pieces) > 1
    assert all(p.endswith((",", ".")) for p in pieces)
    assert " ".join(pieces) == text


_TOKENS = st.one_of(
    st.sampled_from(["Mr.", "U.S.", "e.g.", "p.m.", "J.", "3.5", "...", "…", "it.", "Yes!", "Why?", "\"Quote.\"",
                     "–", "and,", "so;", "then:", "The", "he", "“Open", "close.”", "No.", "St."]),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=30),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_TOKENS, max_size=300), st.sampled_from([" ", "\n", "  ", "\t", " \n\n "]))
def test_split_sentences_loses_and_duplicates_nothing(tokens, sep):
    text = sep.join(tokens)
    pieces = split_sentences(text)
    assert " ".join(pieces) == " ".join(text.split())
    assert all(p and p == p.strip() for p in pieces)
    # Pieces are short unless a single unbroken token is longer than the limit.
    assert all(len(p) <= MAX_PIECE + 50 for p in pieces)
