"""WebVTT, SRT and Podcasting 2.0 JSON transcripts, parsed back as a player would."""

from __future__ import annotations

import html
import json
import re

import pytest

from audiocast.model import Cue
from audiocast.publish.transcript import to_srt, to_webvtt, write_transcripts

CUES = (
    Cue(0, 4_321, "The Show. Tom & Jerry <3, by Jane.", "Narrator"),
    Cue(4_900, 9_004, "Café “quotes” — ünïcode; a --> b is not a timing line.", "Narrator"),
    Cue(9_500, 15_250, "I said <b>no</b> & meant it.", "Dr. A & B <Lab>"),
    Cue(15_250, 20_000, "Then again, maybe.", "Dr. A & B <Lab>"),
    Cue(20_600, 3_725_999, "A very long narration that runs past the hour mark of the episode.", "Narrator"),
)
TIME = r"(\d\d):(\d\d):(\d\d)[.,](\d\d\d)"


def ms(h, m, s, milli) -> int:
    return ((int(h) * 60 + int(m)) * 60 + int(s)) * 1000 + int(milli)


def parse_vtt(text: str) -> list[tuple[int, int, str, str]]:
    """A strict little WebVTT reader: header, blank-line separated cues, one voice span each."""
    assert text.startswith("WEBVTT\n\n")
    cues = []
    for block in text.strip().split("\n\n")[1:]:
        lines = block.split("\n")
        timing = re.fullmatch(f"{TIME} --> {TIME}", lines[0])
        assert timing, block
        voice = re.fullmatch(r"<v ([^>\n]+)>(.*)</v>", "\n".join(lines[1:]), re.S)
        assert voice, block
        assert not re.search(r"[<>]", voice.group(2)) and "&" not in voice.group(2).replace("&amp;", "") \
            .replace("&lt;", "").replace("&gt;", "")
        g = timing.groups()
        cues.append((ms(*g[:4]), ms(*g[4:]), html.unescape(voice.group(1)), html.unescape(voice.group(2))))
    return cues


def parse_srt(text: str) -> list[tuple[int, int, str]]:
    cards = []
    for number, block in enumerate(text.strip().split("\n\n"), start=1):
        lines = block.split("\n")
        assert lines[0] == str(number)
        timing = re.fullmatch(f"{TIME} --> {TIME}", lines[1])
        assert timing and "," in lines[1], block
        g = timing.groups()
        cards.append((ms(*g[:4]), ms(*g[4:]), " ".join(lines[2:])))
    return cards


def test_webvtt_keeps_exact_times_speakers_and_escapes_text():
    parsed = parse_vtt(to_webvtt(CUES))
    assert parsed == [(c.start_ms, c.end_ms, c.speaker, c.text) for c in CUES]
    starts = [p[0] for p in parsed]
    assert starts == sorted(starts) and all(p[1] > p[0] for p in parsed)
    assert "01:02:05.999" in to_webvtt(CUES)  # hours past 59 minutes


def test_srt_numbers_cards_and_names_the_speaker_when_it_changes():
    cards = parse_srt(to_srt(CUES))
    assert [(a, b) for a, b, _ in cards] == [(c.start_ms, c.end_ms) for c in CUES]
    assert cards[0][2].startswith("Narrator: The Show. Tom & Jerry <3")
    assert cards[1][2].startswith("Café")  # same speaker: no prefix
    assert cards[2][2] == "Dr. A & B <Lab>: I said <b>no</b> & meant it."
    assert cards[3][2] == "Then again, maybe."
    assert cards[4][2].startswith("Narrator: A very long")
    assert all(len(line) <= 42 for line in to_srt(CUES).splitlines())


def test_write_transcripts_files_types_and_json_segments(tmp_path):
    written = write_transcripts(CUES, tmp_path, "ep")
    assert written == (("ep.vtt", "text/vtt"), ("ep.srt", "application/srt"),
                       ("ep.transcript.json", "application/json"))
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(n for n, _ in written)  # no temp files
    doc = json.loads((tmp_path / "ep.transcript.json").read_text("utf-8"))
    assert doc["version"] == "1.0.0"
    segments = doc["segments"]
    assert [(s["speaker"], s["body"]) for s in segments] == [(c.speaker, c.text) for c in CUES]
    assert [(round(s["startTime"] * 1000), round(s["endTime"] * 1000)) for s in segments] == \
        [(c.start_ms, c.end_ms) for c in CUES]
    assert all(set(s) == {"speaker", "startTime", "endTime", "body"} for s in segments)
    assert parse_vtt((tmp_path / "ep.vtt").read_text("utf-8"))[2][2] == "Dr. A & B <Lab>"


def test_cues_are_sorted_cleaned_and_never_overlap():
    messy = (Cue(5_000, 9_000, "second  \n line", "B"), Cue(0, 6_000, "first", "A"), Cue(7_000, 8_000, "  ", "A"))
    parsed = parse_vtt(to_webvtt(messy))
    assert parsed == [(0, 5_000, "A", "first"), (5_000, 9_000, "B", "second line")]


def test_no_cues_gives_a_valid_empty_file():
    assert to_webvtt(()) == "WEBVTT\n" and parse_vtt(to_webvtt(()) + "\n") == []  # the header is required
    assert to_srt(()).strip() == ""  # SRT has no header: no cards, no text


@pytest.mark.parametrize("name", ["ep.vtt", "ep.srt"])
def test_ffmpeg_reads_the_same_cue_times(tmp_path, name):
    """A real subtitle demuxer (ffmpeg's) sees every cue, at our times."""
    import subprocess

    write_transcripts(CUES, tmp_path, "ep")
    out = subprocess.run(["ffprobe", "-v", "error", "-show_packets", "-show_entries", "packet=pts,duration",
                          "-of", "csv=p=0", str(tmp_path / name)], capture_output=True, text=True, check=True).stdout
    packets = [tuple(int(x) for x in line.split(",")) for line in out.split()]
    assert packets == [(c.start_ms, c.end_ms - c.start_ms) for c in CUES]
