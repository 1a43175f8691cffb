"""What gets said, in which order: the spoken intro and outro, and one line per sentence.

``produce`` frames an article's script the way a produced show is framed: an
intro naming the show, the article and its author, and an outro with the
credits and a plain statement that the voices are synthetic.  ``lines_for``
turns every segment into sentence lines, the unit of synthesis, each with the
voice its speaker was cast with.  Pauses between lines are the stitcher's job
(it knows the paragraph, quote and chapter boundaries from the lines).
"""

from __future__ import annotations

import dataclasses
from typing import Optional

from audiocast.config import Config
from audiocast.model import Casting, Line, Script, Segment
from audiocast.voice.speech import split_sentences

_TERMINAL = (".", "!", "?", "…", ":", ";")


def produce(script: Script, config: Config) -> Script:
    """A new Script with an intro (part="intro") and an outro (part="outro") narration segment.

    ``config.audio.intro`` / ``config.audio.outro`` switch each one off.  The body
    segments are kept as they are, in order.
    """
    article = script.article
    show = config.podcast.title.strip()
    title = " ".join(article.title.split()) or article.slug
    author = " ".join(article.author.split()) if article.author else None

    segments: list[Segment] = []
    if config.audio.intro:
        segments.append(Segment(kind="narration", text=intro_text(show, title, author), part="intro"))
    segments.extend(script.segments)
    if config.audio.outro:
        last_section = max((s.section for s in script.segments), default=0)
        segments.append(Segment(kind="narration", text=outro_text(show, title, author),
                                section=last_section, part="outro"))
    return dataclasses.replace(script, segments=tuple(segments))


def intro_text(show: str, title: str, author: Optional[str]) -> str:
    """"The Weekly Reader. A Look Behind the Scenes, by Emell Adolphus." """
    opening = _sentence(show) + " " if show else ""
    if not author:
        return opening + _sentence(title)
    if title.endswith(_TERMINAL):  # "Who Wins? By Jane Doe." rather than "Who Wins?, by"
        return f"{opening}{title} By {author}."
    return f"{opening}{title}, by {author}."


def outro_text(show: str, title: str, author: Optional[str]) -> str:
    """Credits, and that the voices are synthetic."""
    name = title.rstrip(".") if title.endswith(".") and not title.endswith("..") else title
    byline = f", by {author}," if author else ""
    for_show = f" for {show}" if show else ""
    return (f"This audio edition of {name}{byline} was produced{for_show} with audiocast; "
            "the voices are synthetic. Thank you for listening.")


def lines_for(script: Script, casting: Casting) -> tuple[Line, ...]:
    """One Line per sentence of every segment, read by the speaker's cast voice (narration: the narrator).

    Sentences with nothing to pronounce (no letter or digit, e.g. a lone dash) are
    left out: an engine would only produce silence for them.
    """
    lines: list[Line] = []
    for index, segment in enumerate(script.segments):
        speaker = segment.speaker if segment.kind == "quote" else None
        profile = casting.voice_for(speaker)
        sentences = [s.strip() for s in split_sentences(segment.text)]
        for number, sentence in enumerate(s for s in sentences if any(ch.isalnum() for ch in s)):
            lines.append(Line(segment=index, sentence=number, text=sentence, speaker=speaker, profile=profile))
    return tuple(lines)


def _sentence(text: str) -> str:
    return text if text.endswith(_TERMINAL) else f"{text}."
