"""Production: the spoken intro/outro and the sentence lines synthesis receives."""

from __future__ import annotations

from pathlib import Path

from audiocast.config import AudioConfig, Config, PodcastConfig
from audiocast.model import Article, Casting, Script, Section, Segment, VoiceProfile
from audiocast.voice.production import lines_for, produce

NARRATOR = VoiceProfile(name="narrator", engine="pyttsx3", voice="en-us")
JANE = VoiceProfile(name="jane", engine="pyttsx3", voice="en-gb+f3")
SHOW = Config(podcast=PodcastConfig(title="The Weekly Reader"))


def _script(title="A Look Behind the Scenes", author="Emell Adolphus") -> Script:
    article = Article(source=Path("a.txt"), slug="a", title=title, author=author,
                      sections=(Section(None, ("First paragraph.", "Second paragraph.")),
                                Section("Later", ("Third paragraph.",))))
    return Script(article, (
        Segment("narration", "The film opens in London. It is quiet.", None, 0, 0),
        Segment("quote", "I loved it. Truly!", "Jane Roe", 0, 1),
        Segment("narration", "Then the lights went out.", None, 1, 0),
    ))


def test_intro_names_show_title_and_author_and_outro_gives_credits():
    script = _script()
    produced = produce(script, SHOW)
    intro, *body, outro = produced.segments
    assert tuple(body) == script.segments and produced.article is script.article
    assert (intro.kind, intro.speaker, intro.part) == ("narration", None, "intro")
    assert intro.text == "The Weekly Reader. A Look Behind the Scenes, by Emell Adolphus."
    assert (outro.kind, outro.speaker, outro.part) == ("narration", None, "outro")
    assert "This audio edition of A Look Behind the Scenes, by Emell Adolphus," in outro.text
    assert "audiocast" in outro.text and "the voices are synthetic" in outro.text
    assert "The Weekly Reader" in outro.text
    assert all(seg.part == "body" for seg in body)


def test_intro_and_outro_follow_the_config():
    script = _script()
    none = produce(script, Config(audio=AudioConfig(intro=False, outro=False)))
    assert none.segments == script.segments
    only_outro = produce(script, Config(audio=AudioConfig(intro=False)))
    assert [s.part for s in only_outro.segments] == ["body", "body", "body", "outro"]
    only_intro = produce(script, Config(audio=AudioConfig(outro=False)))
    assert [s.part for s in only_intro.segments] == ["intro", "body", "body", "body"]


def test_titles_with_their_own_punctuation_and_missing_authors_read_naturally():
    asked = produce(_script(title="Who Wins the Bridge?"), SHOW).segments[0].text
    assert asked == "The Weekly Reader. Who Wins the Bridge? By Emell Adolphus."
    anonymous = produce(_script(author=None), SHOW)
    assert anonymous.segments[0].text == "The Weekly Reader. A Look Behind the Scenes."
    assert " by " not in anonymous.segments[-1].text.split(";")[0]


def test_lines_are_sentences_read_by_each_speakers_voice():
    produced = produce(_script(), SHOW)
    casting = Casting(NARRATOR, (("Jane Roe", JANE),))
    lines = lines_for(produced, casting)
    body = [(l.segment, l.sentence, l.text, l.speaker, l.profile.name) for l in lines
            if produced.segments[l.segment].part == "body"]
    assert body == [
        (1, 0, "The film opens in London.", None, "narrator"),
        (1, 1, "It is quiet.", None, "narrator"),
        (2, 0, "I loved it.", "Jane Roe", "jane"),
        (2, 1, "Truly!", "Jane Roe", "jane"),
        (3, 0, "Then the lights went out.", None, "narrator"),
    ]
    assert lines[0].segment == 0 and lines[0].profile == NARRATOR and lines[0].speaker is None
    assert produced.segments[lines[-1].segment].part == "outro"
    assert " ".join(l.text for l in lines if l.segment == 0) == produced.segments[0].text


def test_uncast_speakers_fall_back_to_the_narrator_and_unspeakable_text_is_skipped():
    article = _script().article
    script = Script(article, (Segment("quote", "Hello there.", "Somebody Else", 0, 0),
                              Segment("narration", "—", None, 0, 1)))
    lines = lines_for(script, Casting(NARRATOR, (("Jane Roe", JANE),)))
    assert [(l.text, l.speaker, l.profile.name) for l in lines] == [("Hello there.", "Somebody Else", "narrator")]
