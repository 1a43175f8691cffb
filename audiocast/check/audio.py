"""The audio half of ``audiocast check``: what is inside one MP3.

Facts are read the way players and standards see them: the ID3v2 header bytes,
the MPEG frame headers themselves (Info vs Xing tag, one bitrate throughout),
ffprobe (tags, chapters in file order, attached cover), ffmpeg's decoder
(duration) and ebur128 (loudness).  The ID3 frames themselves (CHAP in file
order, CTOC flags, TLEN) come from tags.read_id3_facts: tags.py is the only
module that imports mutagen.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from audiocast.audio.probe import decoded_duration_ms, ffprobe, measure_loudness
from audiocast.check.edition import check_nested_toc, is_nested, nested_parts
from audiocast.check.report import Collector
from audiocast.errors import AudiocastError
from audiocast.model import Chapter
from audiocast.publish.tags import Id3Facts, read_id3_facts, read_tags

_BITRATES = {  # Layer III, kbps, by MPEG version
    1: (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),
    2: (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
}
_RATES = {1: (44100, 48000, 32000), 2: (22050, 24000, 16000), 25: (11025, 12000, 8000)}


@dataclass(frozen=True)
class StreamFacts:
    """What the MPEG frames say: every frame walked from the first after the ID3 tag."""

    first_tag: Optional[str]  # "Info" (CBR), "Xing" (VBR) or None
    tag_frames: Optional[int]  # frame count recorded in the Info/Xing tag
    frames: int  # audio frames (the Info/Xing frame not counted)
    bitrates: tuple[int, ...]  # distinct bitrates of the audio frames, kbps
    sample_rates: tuple[int, ...]
    channels: tuple[int, ...]  # 1 (mono) or 2
    mpeg_version: int
    problem: Optional[str] = None  # a broken stream, with the byte offset

    @property
    def duration_ms(self) -> int:
        rate = self.sample_rates[0] if self.sample_rates else 44100
        per_frame = 1152 if self.mpeg_version == 1 else 576
        return round(self.frames * per_frame * 1000 / rate)


@dataclass(frozen=True)
class Mp3Facts:
    """Everything the checker needs to know about one MP3."""

    header_version: Optional[tuple[int, int]]  # from the tag header bytes; None without an ID3v2 tag
    id3: Optional["Id3Facts"] = None  # (frames, CHAP in file order, CTOC flags, TLEN) or None
    id3_error: Optional[str] = None
    probe_chapters: tuple[Chapter, ...] = ()  # as ffprobe (and so ffmpeg-based players) lists them, in file order
    stream: Optional[StreamFacts] = None
    codec: str = ""
    sample_rate: int = 0
    channels: int = 0
    probe_duration_ms: int = 0


def id3_header(data: bytes) -> tuple[Optional[tuple[int, int]], int]:
    """(ID3v2 (major, revision), bytes to skip past the tag) from the start of a file."""
    if len(data) < 10 or data[:3] != b"ID3":
        return None, 0
    size = (data[6] & 0x7F) << 21 | (data[7] & 0x7F) << 14 | (data[8] & 0x7F) << 7 | (data[9] & 0x7F)
    footer = 10 if data[5] & 0x10 else 0
    return (data[3], data[4]), 10 + size + footer


def _frame_header(data: bytes, pos: int):
    """(version, bitrate kbps, sample rate, channels, length, side-info offset) of the frame at ``pos``, or None."""
    if pos + 4 > len(data) or data[pos] != 0xFF or (data[pos + 1] & 0xE0) != 0xE0:
        return None
    b1, b2, b3 = data[pos + 1], data[pos + 2], data[pos + 3]
    version = {3: 1, 2: 2, 0: 25}.get((b1 >> 3) & 3)
    if version is None or (b1 >> 1) & 3 != 1:  # reserved version, or not Layer III
        return None
    br_index, sr_index = b2 >> 4, (b2 >> 2) & 3
    if br_index in (0, 15) or sr_index == 3:
        return None
    bitrate = _BITRATES[1 if version == 1 else 2][br_index]
    rate = _RATES[version][sr_index]
    padding = (b2 >> 1) & 1
    channels = 1 if (b3 >> 6) == 3 else 2
    length = (144 if version == 1 else 72) * bitrate * 1000 // rate + padding
    side = (17 if channels == 1 else 32) if version == 1 else (9 if channels == 1 else 17)
    crc = 0 if b1 & 1 else 2
    return version, bitrate, rate, channels, length, 4 + crc + side


def walk_frames(data: bytes) -> StreamFacts:
    """Walk every MPEG frame after the ID3v2 tag; report the Info/Xing tag and what varies."""
    _, pos = id3_header(data)
    while pos < len(data) and data[pos] == 0:  # ID3 padding beyond the declared size
        pos += 1
    first_tag = tag_frames = None
    frames = 0
    bitrates: set[int] = set()
    rates: set[int] = set()
    chans: set[int] = set()
    version = 1
    problem = None
    first = True
    end = len(data) - (128 if data[-128:-125] == b"TAG" else 0)
    while pos < end:
        head = _frame_header(data, pos)
        if head is None:
            if first:
                problem = f"no MPEG audio frame where the audio should start (byte {pos})"
            elif end - pos > 4:
                problem = f"the MPEG stream breaks at byte {pos} of {len(data)}"
            break
        version, bitrate, rate, ch, length, side = head
        if first:
            first = False
            marker = data[pos + side:pos + side + 4]
            if marker in (b"Info", b"Xing"):
                first_tag = marker.decode()
                flags = int.from_bytes(data[pos + side + 4:pos + side + 8], "big")
                if flags & 1:
                    tag_frames = int.from_bytes(data[pos + side + 8:pos + side + 12], "big")
                pos += length
                continue
        frames += 1
        bitrates.add(bitrate)
        rates.add(rate)
        chans.add(ch)
        pos += length
    return StreamFacts(first_tag, tag_frames, frames, tuple(sorted(bitrates)), tuple(sorted(rates)),
                       tuple(sorted(chans)), version, problem)


def mp3_facts(path: Path) -> Mp3Facts:
    """Read all the facts about ``path`` (raises AudiocastError when ffprobe cannot read it)."""

    data = Path(path).read_bytes()
    version, _ = id3_header(data)
    id3, id3_error = None, None
    if version is not None:
        try:
            id3 = read_id3_facts(path)
        except AudiocastError as exc:
            id3_error = exc.format_message()
    info = ffprobe(path)
    streams = info.get("streams", [])
    audio = next((s for s in streams if s.get("codec_type") == "audio"), {})
    chapters = tuple(
        Chapter(title=(c.get("tags") or {}).get("title", ""), start_ms=round(float(c["start_time"]) * 1000),
                   end_ms=round(float(c["end_time"]) * 1000))
        for c in info.get("chapters", [])
    )
    return Mp3Facts(
        header_version=version, id3=id3, id3_error=id3_error, probe_chapters=chapters,
        stream=walk_frames(data), codec=audio.get("codec_name", ""),
        sample_rate=int(audio.get("sample_rate", 0) or 0), channels=int(audio.get("channels", 0) or 0),
        probe_duration_ms=round(float(info.get("format", {}).get("duration", 0) or 0) * 1000),
    )


# --------------------------------------------------------------------------- rules
@dataclass(frozen=True)
class AudioSummary:
    """What the item checks need from the MP3: its ID3 chapters (file order) and decoded duration."""

    chapters: tuple  # model.Chapter, in the file's order
    duration_ms: int
    parts: tuple = ()  # an edition's top-level chapters (check_edition.nested_parts), else empty


REQUIRED_FRAMES = {"TIT2": "title", "TPE1": "author", "TALB": "podcast name", "COMM": "description",
                   "APIC": "cover art", "TLEN": "length"}
LOUDNESS_TARGET = {1: -19.0, 2: -16.0}
LOUDNESS_TOLERANCE = 1.0
MAX_TRUE_PEAK = -1.0
TOLERANCE_MS = 100  # ID3 TLEN, chapters and decoded audio agree this closely (feed: 1 s, whole seconds)


def check_mp3(mp3: Path, c: Collector, *, feed_ms: Optional[int] = None, loudness: bool = True) -> Optional[AudioSummary]:
    """Check one episode MP3 against ID3v2.3, MPEG CBR, 44.1 kHz and R128 rules, recording findings in ``c``."""

    name = mp3.name
    try:
        facts = mp3_facts(mp3)
    except AudiocastError as exc:
        c.error(name, "audio-unreadable", exc.format_message())
        return None
    try:
        decoded = decoded_duration_ms(mp3)
    except AudiocastError:
        c.error(name, "audio-decode", "ffmpeg cannot decode the file from start to end (a damaged stream or "
                "cover image); durations below use ffprobe's estimate")
        decoded = facts.probe_duration_ms
    if facts.codec != "mp3":
        c.error(name, "audio-codec", f"the audio is {facts.codec or 'not audio'}, not MP3")
    _check_stream(name, facts, c)
    if facts.sample_rate == 22050:  # a rate `[audio] sample_rate` allows, but below what podcast apps recommend
        c.warn(name, "sample-rate", "sample rate is 22050 Hz; Apple Podcasts and most hosts recommend 44100 Hz")
    elif facts.sample_rate not in (44100, 48000):
        c.error(name, "sample-rate", f"sample rate is {facts.sample_rate} Hz; expected 44100 Hz (or 48000 Hz)")
    if facts.channels not in (1, 2):
        c.error(name, "channels", f"{facts.channels} channels; expected mono or stereo")

    chapters: tuple = ()
    if facts.header_version is None:
        c.error(name, "id3-version", "no ID3v2 tag")
    elif facts.header_version[0] != 3:
        c.error(name, "id3-version", f"the tag is ID3v2.{facts.header_version[0]}; players and Apple want ID3v2.3")
    if facts.id3_error:
        c.error(name, "id3-unreadable", facts.id3_error)
    if facts.id3 is not None:
        chapters = _check_id3(mp3, facts, decoded, c)

    if facts.id3 is not None and facts.id3.tlen_ms is not None and abs(facts.id3.tlen_ms - decoded) > TOLERANCE_MS:
        c.error(name, "duration-tlen", f"ID3 TLEN says {facts.id3.tlen_ms} ms but the audio decodes to {decoded} ms")
    if feed_ms is not None and abs(feed_ms - decoded) > 1000:
        c.error(name, "duration-feed", f"itunes:duration says {feed_ms // 1000} s but the audio decodes to "
                f"{decoded / 1000:.1f} s")
    if facts.stream and facts.stream.frames and abs(facts.stream.duration_ms - decoded) > 100:
        c.warn(name, "duration-frames", f"{facts.stream.frames} MPEG frames make {facts.stream.duration_ms} ms "
               f"but ffmpeg decodes {decoded} ms")

    if loudness:
        try:
            measured = measure_loudness(mp3)
        except AudiocastError as exc:
            c.error(name, "loudness", exc.format_message())
        else:
            target = LOUDNESS_TARGET.get(facts.channels, -19.0)
            layout = "mono" if facts.channels == 1 else "stereo"
            if abs(measured.integrated - target) > LOUDNESS_TOLERANCE:
                c.error(name, "loudness", f"integrated loudness is {measured.integrated:.1f} LUFS; expected "
                        f"{target:.0f} ± {LOUDNESS_TOLERANCE:.0f} LUFS for {layout}")
            if measured.true_peak > MAX_TRUE_PEAK:
                c.error(name, "true-peak", f"true peak is {measured.true_peak:.1f} dBTP; "
                        f"must be ≤ {MAX_TRUE_PEAK:.0f} dBTP")
            c.ok(f"{name}: {measured.integrated:.1f} LUFS, true peak {measured.true_peak:.1f} dBTP")
    c.ok(f"{name}: {decoded / 1000:.1f} s, {facts.sample_rate} Hz, {facts.channels} ch, "
         f"{'/'.join(map(str, facts.stream.bitrates)) if facts.stream else '?'} kbps, {len(chapters)} chapters")
    return AudioSummary(tuple(Chapter(ch.title or "", ch.start_ms, ch.end_ms) for ch in chapters), decoded,
                        parts=nested_parts(facts.id3) if facts.id3 is not None else ())


def _check_stream(name: str, facts: Mp3Facts, c: Collector) -> None:
    s = facts.stream
    if s is None:
        return
    if s.problem:
        c.error(name, "mpeg-stream", s.problem)
    if s.first_tag is None:
        c.error(name, "mpeg-info", "the first MPEG frame has no Info header (players then guess the duration)")
    elif s.first_tag == "Xing":
        c.error(name, "mpeg-cbr", "the first frame carries a Xing (VBR) header; expected Info (CBR)")
    if len(s.bitrates) > 1:
        c.error(name, "mpeg-cbr", f"frames use several bitrates ({', '.join(map(str, s.bitrates))} kbps): not CBR")
    if s.tag_frames is not None and s.tag_frames != s.frames:
        c.error(name, "mpeg-info", f"the {s.first_tag} header counts {s.tag_frames} frames but the file has {s.frames}")
    if len(s.sample_rates) > 1 or len(s.channels) > 1:
        c.error(name, "mpeg-stream", "the sample rate or channel mode changes inside the stream")


def _check_id3(mp3: Path, facts: Mp3Facts, decoded: int, c: Collector) -> tuple:
    name, id3 = mp3.name, facts.id3
    present = set(id3.frame_ids)
    missing = [f"{frame} ({what})" for frame, what in REQUIRED_FRAMES.items() if frame not in present]
    if not present & {"TYER", "TDRC"}:
        missing.append("TYER (date)")
    if missing:
        c.error(name, "id3-frames", "missing ID3 frames: " + ", ".join(missing))
    if "APIC" in present:
        _check_apic(mp3, id3, c)
    chapters = id3.chapters
    if not chapters:
        c.error(name, "chapters-missing", "no ID3 CHAP chapter frames")
        return ()
    starts = [ch.start_ms for ch in chapters]
    if starts != sorted(starts):
        c.error(name, "chapters-order", "CHAP frames are not in time order in the file (players list them "
                "in file order): " + ", ".join(f"{ch.title}@{ch.start_ms}" for ch in chapters))
    timeline = sorted(chapters, key=lambda ch: ch.start_ms)
    if timeline[0].start_ms != 0:
        c.error(name, "chapters-continuity", f"the first ID3 chapter starts at {timeline[0].start_ms} ms, not 0")
    for a, b in zip(timeline, timeline[1:]):
        if abs(a.end_ms - b.start_ms) > 1:
            c.error(name, "chapters-continuity", f"ID3 chapter {a.title!r} ends at {a.end_ms} ms but "
                    f"{b.title!r} starts at {b.start_ms} ms")
    if abs(timeline[-1].end_ms - decoded) > TOLERANCE_MS:
        c.error(name, "duration-chapters", f"the last ID3 chapter ends at {timeline[-1].end_ms} ms but the audio "
                f"decodes to {decoded} ms")
    untitled = [ch.element_id for ch in chapters if not (ch.title or "").strip()]
    if untitled:
        c.error(name, "chapters-title", f"ID3 chapters without a TIT2 title: {', '.join(untitled)}")
    _check_toc(name, id3, c)
    probe = [(p.start_ms, p.title) for p in facts.probe_chapters]
    if probe != [(ch.start_ms, ch.title or "") for ch in chapters]:
        c.warn(name, "chapters-ffprobe", "ffprobe lists the chapters differently from the CHAP frames")
    return tuple(timeline)  # the other formats are compared with the time line (file order is reported above)


def _check_apic(mp3: Path, id3, c: Collector) -> None:
    """The front cover in the APIC frame is a JPEG/PNG image matching its declared MIME type."""
    import io

    from PIL import Image, UnidentifiedImageError


    try:
        data = read_tags(mp3).cover or b""
        with Image.open(io.BytesIO(data)) as img:
            fmt = img.format
            img.verify()
    except (AudiocastError, OSError, UnidentifiedImageError, SyntaxError):
        c.error(mp3.name, "id3-cover", "the APIC cover art is not a readable image")
        return
    mime = id3.picture[0] if id3.picture else ""
    if {"JPEG": "image/jpeg", "PNG": "image/png"}.get(fmt) != mime:
        c.error(mp3.name, "id3-cover", f"the APIC cover art is {fmt} but declared as {mime!r}")


def _check_toc(name: str, id3, c: Collector) -> None:
    top = [t for t in id3.tocs if t.top_level]
    if len(top) != 1:
        c.error(name, "ctoc-flags", f"{len(top)} top-level CTOC frames (with {len(id3.tocs)} CTOC in all); "
                "expected exactly one CTOC with the top-level flag")
        return
    toc = top[0]
    if not toc.ordered:
        c.error(name, "ctoc-flags", f"CTOC {toc.element_id!r} lacks the 'ordered' flag")
    if is_nested(id3):  # an edition: a CTOC per part, each listing its chapters
        check_nested_toc(name, id3, c)
        return
    by_id = {ch.element_id: ch for ch in id3.chapters}
    unknown = [cid for cid in toc.child_ids if cid not in by_id]
    if unknown:
        c.error(name, "ctoc-children", f"CTOC lists chapters that do not exist: {', '.join(unknown)}")
    listed = [by_id[cid].start_ms for cid in toc.child_ids if cid in by_id]
    if listed != sorted(listed):
        c.error(name, "ctoc-children", "CTOC lists its chapters out of time order")
    left_out = [cid for cid in by_id if cid not in toc.child_ids]
    if left_out:
        c.error(name, "ctoc-children", f"chapters missing from the CTOC: {', '.join(left_out)}")
