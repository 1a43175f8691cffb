"""The frozen records that pass between pipeline stages.

Path -> Article -> Script -> Casting -> Clips -> EpisodeAudio -> Episode -> feed

Every stage takes records from the previous stage and returns new ones; nothing
is mutated in place and there is no shared "context" object.  Times are integer
milliseconds throughout so that chapters, cues, ID3 frames and the feed agree
to the millisecond.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Optional

SegmentKind = Literal["narration", "quote"]
Gender = Literal["male", "female", "unknown"]


# --------------------------------------------------------------------------- reading
@dataclass(frozen=True)
class Section:
    """A run of paragraphs under one heading (``title`` is None before the first heading)."""

    title: Optional[str]
    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class Article:
    """What a reader understood of one source file, already cleaned of boilerplate.

    ``paragraphs`` of every section are the clean, display-ready text that will be
    spoken (before speech normalisation such as numbers to words).  ``quote_hints``
    holds text the source itself marked as quotation (HTML ``<blockquote>``/``<q>``).
    """

    source: Path
    slug: str
    title: str
    author: Optional[str]
    sections: tuple[Section, ...]
    date: Optional[_dt.datetime] = None
    description: Optional[str] = None
    image: Optional[Path] = None
    quote_hints: tuple[str, ...] = ()
    source_format: str = "txt"
    url: Optional[str] = None  # where the article is published (HTML canonical link, front matter ``url``)
    order: Optional[float] = None  # front matter ``order``: its place in an edition

    @property
    def paragraphs(self) -> tuple[str, ...]:
        """All paragraphs in reading order."""
        return tuple(p for s in self.sections for p in s.paragraphs)


# --------------------------------------------------------------------------- understanding
@dataclass(frozen=True)
class Segment:
    """One stretch of the script read by a single voice.

    ``text`` is what the article says (shown in transcripts); the speech
    normaliser turns it into what the engine is asked to say.  ``section`` and
    ``paragraph`` index into the article so chapters and pauses can be placed.
    """

    kind: SegmentKind
    text: str
    speaker: Optional[str] = None  # None for narration; a name for quotes
    section: int = 0
    paragraph: int = 0
    part: Literal["intro", "body", "outro"] = "body"  # intro/outro are added by production


@dataclass(frozen=True)
class Speaker:
    """A quoted speaker as the article presents them."""

    name: str
    gender: Gender = "unknown"


@dataclass(frozen=True)
class Script:
    """An article split into narration and voiced quotes, with its speakers."""

    article: Article
    segments: tuple[Segment, ...]
    speakers: tuple[Speaker, ...] = ()

    def speaker_names(self) -> tuple[str, ...]:
        """Speakers in order of first quote."""
        seen: list[str] = []
        for seg in self.segments:
            if seg.speaker and seg.speaker not in seen:
                seen.append(seg.speaker)
        return tuple(seen)


# --------------------------------------------------------------------------- voices
@dataclass(frozen=True)
class VoiceProfile:
    """A named, fully specified voice: engine, engine voice and its settings."""

    name: str
    engine: str  # "pyttsx3" | "piper" | "flite" | "festival" | "fake"
    voice: str  # engine voice id, model path or voice-package name
    gender: Gender = "unknown"
    rate: Optional[int] = None  # words per minute (pyttsx3)
    pitch: Optional[int] = None  # 0..99 espeak pitch (pyttsx3 / espeak)
    volume: float = 1.0
    length_scale: Optional[float] = None  # piper, flite, festival: > 1 is slower
    noise_scale: Optional[float] = None  # piper
    noise_w: Optional[float] = None  # piper
    speaker_id: Optional[int] = None  # piper multi-speaker models
    pitch_shift: float = 0.0  # semitones, applied after synthesis
    tempo: float = 1.0  # tempo factor applied after synthesis (pitch kept)
    f0_mean: Optional[float] = None  # flite: mean pitch aimed at, Hz
    wer: Optional[float] = None  # measured word error rate (bench/voices.py): ranks narrator candidates
    description: str = ""

    def cache_key(self) -> tuple:
        """Everything about the profile that changes the sound (not its name)."""
        key: tuple = (
            self.engine, self.voice, self.rate, self.pitch, self.volume, self.length_scale,
            self.noise_scale, self.noise_w, self.speaker_id, self.pitch_shift, self.tempo,
        )
        # settings added later join the key only when set, so existing clips stay cached
        return key + ((("f0_mean", self.f0_mean),) if self.f0_mean is not None else ())


@dataclass(frozen=True)
class Casting:
    """Which profile reads the narrator and each speaker of one script."""

    narrator: VoiceProfile
    speakers: tuple[tuple[str, VoiceProfile], ...] = ()

    def voice_for(self, speaker: Optional[str]) -> VoiceProfile:
        """The profile for a speaker name, or the narrator's for None/unknown."""
        if speaker is None:
            return self.narrator
        for name, profile in self.speakers:
            if name == speaker:
                return profile
        return self.narrator


# --------------------------------------------------------------------------- audio
@dataclass(frozen=True)
class Line:
    """The unit of synthesis: one sentence of one segment, with the voice that reads it.

    ``text`` is display text (what transcripts show); synth turns it into spoken
    text with ``speech.to_speech`` and the lexicon.
    """

    segment: int  # index into Script.segments
    sentence: int  # index of the sentence within the segment
    text: str
    speaker: Optional[str]  # None for the narrator
    profile: VoiceProfile


@dataclass(frozen=True)
class Clip:
    """A verified, synthesised WAV file for one piece of spoken text."""

    path: Path
    duration_ms: int
    text: str  # the text as spoken to the engine
    profile: str  # VoiceProfile.name
    cached: bool = False  # True when taken from the cache without synthesis


@dataclass(frozen=True)
class Chapter:
    """A chapter: [start_ms, end_ms) with a short title."""

    title: str
    start_ms: int
    end_ms: int


@dataclass(frozen=True)
class Cue:
    """One transcript cue: who says what, and when, on the episode timeline."""

    start_ms: int
    end_ms: int
    text: str
    speaker: str  # "Narrator" for narration


@dataclass(frozen=True)
class EpisodeAudio:
    """The encoded MP3 (in a temp place, not yet published) and its timeline."""

    mp3: Path
    duration_ms: int
    chapters: tuple[Chapter, ...]
    cues: tuple[Cue, ...]
    bitrate_kbps: int = 64
    sample_rate: int = 44100
    channels: int = 1


@dataclass(frozen=True)
class Episode:
    """A published episode: everything the feed needs about one article."""

    slug: str
    guid: str
    title: str
    author: Optional[str]
    description: str
    pub_date: _dt.datetime
    mp3_name: str  # file name inside the output folder
    size_bytes: int
    duration_ms: int
    chapters: tuple[Chapter, ...]
    speakers: tuple[str, ...] = ()
    source: Optional[str] = None  # source path as given, for the build summary
    content_hash: str = ""  # hash of the article text + build settings
    first_published: Optional[_dt.datetime] = None
    number: Optional[int] = None  # itunes:episode
    image: Optional[str] = None  # per-episode image file name in out/
    transcripts: tuple[tuple[str, str], ...] = field(default=())  # (file name, MIME type)
    chapters_json: Optional[str] = None  # file name of the JSON chapters
    # an edition's top-level chapters (opening, one per article, credits); ``chapters`` are then the nested ones
    parts: tuple[Chapter, ...] = field(default=())
