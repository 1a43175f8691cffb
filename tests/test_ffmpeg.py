"""The one door to ffmpeg (audiocast/audio/ffmpeg.py): the binary, its failures in one line, and the audition.

Real ffmpeg, real broken files, a real PATH without ffmpeg; the audition through the CLI
as a user runs it, read back with ffprobe.
"""

from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from audiocast.audio import ffmpeg, probe
from audiocast.audio.encode import encode_mp3
from audiocast.errors import AudioError
from audiocast.model import VoiceProfile
from audiocast.voice import synth
from conftest import ROOT, run_cli

PACKAGE = ROOT / "audiocast"


def ffprobe_json(path: Path) -> dict:
    """ffprobe run directly (not through the package), as a player's library would read the file."""
    out = subprocess.run(["ffprobe", "-v", "error", "-show_format", "-show_streams", "-of", "json", str(path)],
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out)


def one_line(exc: pytest.ExceptionInfo) -> str:
    message = exc.value.format_message()
    assert "\n" not in message and "Traceback" not in message, message
    return message


# --------------------------------------------------------------------------- the binary
def test_without_ffmpeg_on_path_every_use_is_one_line_saying_what_to_install(tmp_path, monkeypatch):
    wav = tmp_path / "a.wav"
    subprocess.run(["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "sine=duration=0.5", str(wav)], check=True)
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    with pytest.raises(AudioError) as exc:
        ffmpeg.require()
    assert one_line(exc) == ("ffmpeg and ffprobe not found: install ffmpeg "
                             "(`make setup` installs it; Debian/Ubuntu: apt-get install ffmpeg)")
    for use in (lambda: encode_mp3(wav, tmp_path / "a.mp3"), lambda: probe.ffprobe(wav),
                lambda: probe.decoded_duration_ms(wav),
                lambda: synth.post_process(wav, VoiceProfile(name="p", engine="fake", voice="v", tempo=1.2),
                                           tmp_path / "b.wav")):
        with pytest.raises(AudioError) as exc:
            use()
        message = one_line(exc)
        assert "not found: install ffmpeg" in message and "apt-get install ffmpeg" in message, message
    assert not (tmp_path / "a.mp3").exists() and not (tmp_path / "b.wav").exists()


def test_only_ffprobe_missing_names_only_ffprobe(tmp_path, monkeypatch):
    only = tmp_path / "bin"
    only.mkdir()
    (only / "ffmpeg").symlink_to(shutil.which("ffmpeg"))
    monkeypatch.setenv("PATH", str(only))
    ffmpeg.require("ffmpeg")
    with pytest.raises(AudioError) as exc:
        ffmpeg.require()
    assert one_line(exc).startswith("ffprobe not found: install ffmpeg")


def test_the_binary_is_the_one_found_on_path(tmp_path, monkeypatch):
    # a wrapper first on PATH is what runs (so an ffmpeg of the user's choice is honoured)
    wrapper = tmp_path / "bin" / "ffmpeg"
    wrapper.parent.mkdir()
    wrapper.write_text('#!/bin/sh\necho "wrapped ffmpeg" >&2\nexit 3\n')
    wrapper.chmod(0o755)
    monkeypatch.setenv("PATH", f"{wrapper.parent}:{os.environ['PATH']}")
    assert ffmpeg.binary("ffmpeg") == str(wrapper)
    with pytest.raises(AudioError) as exc:
        ffmpeg.run(["-i", "x.wav", "-f", "null", "-"], tmp_path / "x.mp3", "encode the MP3")
    assert one_line(exc) == f"{tmp_path / 'x.mp3'}: ffmpeg could not encode the MP3: wrapped ffmpeg"


def test_a_sting_that_is_not_wav_is_decoded_by_the_ffmpeg_the_wrapper_found(tmp_path, monkeypatch):
    # before: pydub ran ffprobe and ffmpeg itself, so without them the sting failed with "cannot decode audio
    # (FileNotFoundError: [Errno 2] No such file or directory: 'ffprobe')" and no word of what to install
    from audiocast.audio.decode import load_audio

    mp3 = tmp_path / "sting.mp3"
    wav = tmp_path / "clip.wav"
    for path, seconds in ((mp3, 1), (wav, 0.5)):
        subprocess.run(["ffmpeg", "-v", "error", "-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}",
                        str(path)], check=True)
    log = tmp_path / "ran.log"
    wrapper = tmp_path / "bin" / "ffmpeg"  # only ffmpeg on PATH, behind a wrapper that notes each run
    wrapper.parent.mkdir()
    wrapper.write_text(f'#!/bin/sh\necho "$@" >> "{log}"\nexec "{shutil.which("ffmpeg")}" "$@"\n')
    wrapper.chmod(0o755)
    monkeypatch.setenv("PATH", str(wrapper.parent))
    samples, weighted = load_audio(mp3, 24000)
    assert abs(len(samples) - 24000) < 2400 and len(weighted) == len(samples)
    assert 0.11 < float(abs(samples).max()) < 0.14  # lavfi's sine at its amplitude of 1/8, not silence
    [ran] = log.read_text().splitlines()
    assert str(mp3) in ran
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    with pytest.raises(AudioError) as exc:
        load_audio(mp3, 24000)
    assert one_line(exc) == "ffmpeg not found: install ffmpeg (`make setup` installs it; Debian/Ubuntu: apt-get install ffmpeg)"
    assert len(load_audio(wav, 24000)[0]) == 12000  # a PCM WAV needs no ffmpeg at all


# --------------------------------------------------------------------------- failures
def test_a_full_disk_under_ffmpeg_is_the_os_error_it_is_so_the_build_stops(tmp_path, monkeypatch):
    # (tests/test_adversarial.py fills a real disk; here ffmpeg's own words, as it says them on one)
    import errno

    wrapper = tmp_path / "bin" / "ffmpeg"
    wrapper.parent.mkdir()
    wrapper.write_text('#!/bin/sh\necho "Error closing file /x/.a.mp3.k2j4h5g6.mp3: No space left on device" >&2\n'
                       'exit 1\n')
    wrapper.chmod(0o755)
    monkeypatch.setenv("PATH", f"{wrapper.parent}:{os.environ['PATH']}")
    with pytest.raises(OSError) as exc:
        ffmpeg.run(["-i", "in.wav", "out.mp3"], tmp_path / "a.mp3", "encode the MP3")
    assert exc.value.errno == errno.ENOSPC and exc.value.filename == str(tmp_path / "a.mp3")


@pytest.fixture
def corrupt(tmp_path) -> Path:
    path = tmp_path / "damaged episode.mp3"
    path.write_bytes(bytes(range(256)) * 20)
    return path


def test_a_corrupt_input_is_one_line_naming_the_file_and_why(corrupt, tmp_path):
    for use, doing in ((lambda: probe.ffprobe(corrupt), "ffprobe could not read the file"),
                       (lambda: probe.decoded_duration_ms(corrupt), "ffmpeg could not decode the audio"),
                       (lambda: probe.measure_loudness(corrupt), "ffmpeg could not measure the loudness"),
                       (lambda: encode_mp3(corrupt, tmp_path / "out.mp3"), "ffmpeg could not encode the MP3")):
        with pytest.raises(AudioError) as exc:
            use()
        message = one_line(exc)
        named = tmp_path / "out.mp3" if "encode" in doing else corrupt
        assert message.startswith(f"{named}: {doing}: "), message
        reason = message.split(f"{doing}: ", 1)[1]
        # ffmpeg's own reason, without its "[mp3 @ 0x…]" prefix or the file's path said a second time
        assert "Invalid" in reason and "@ 0x" not in reason and str(corrupt) not in reason, message


def test_a_failing_filter_is_named_not_the_cascade_after_it(tmp_path):
    with pytest.raises(AudioError) as exc:
        ffmpeg.run(["-f", "lavfi", "-i", "sine=duration=0.2", "-af", "nosuchfilter=1", "-f", "wav",
                    str(tmp_path / "o.wav")], tmp_path / "o.wav", "filter")
    assert one_line(exc) == f"{tmp_path / 'o.wav'}: ffmpeg could not filter: No such filter: 'nosuchfilter'"


def test_the_check_reports_an_unreadable_episode_in_one_line(corrupt):
    from audiocast.check.report import Collector
    from audiocast.check.audio import check_mp3

    collector = Collector()
    assert check_mp3(corrupt, collector) is None
    [finding] = [f for f in collector.findings if f.code == "audio-unreadable"]
    assert "ffprobe could not read the file: Invalid" in finding.message and "\n" not in finding.message


def test_every_ffmpeg_command_line_is_built_by_the_wrapper():
    """No module but audio/ffmpeg.py writes an ffmpeg/ffprobe command line or looks the programs up itself."""
    tools = {"ffmpeg", "ffprobe"}
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path == PACKAGE / "audio" / "ffmpeg.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            argv = isinstance(node, (ast.List, ast.Tuple)) and node.elts and isinstance(node.elts[0], ast.Constant) \
                and node.elts[0].value in tools
            which = isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "which" \
                and any(isinstance(a, ast.Constant) and a.value in tools for a in node.args)
            if argv or which:
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []


# --------------------------------------------------------------------------- the audition
def test_the_audition_through_the_cli_is_a_real_mp3_of_the_line(tmp_path, fake_voices):
    # the fake engine says each letter in 65 ms and pauses 80 ms after each word: 19 letters, 4 words
    out = tmp_path / "audition.mp3"
    proc = run_cli("voices", "--voices-dir", str(fake_voices), "--say", "Welcome to the harbour",
                   "--voice", "fake-a", "-o", str(out))
    assert proc.stdout.strip() == f"wrote {out} (1.6 s)"
    info = ffprobe_json(out)
    [stream] = info["streams"]
    assert (stream["codec_name"], stream["sample_rate"], stream["channels"], stream["bit_rate"]) == \
        ("mp3", "44100", 1, "64000")
    assert 1.53 <= float(info["format"]["duration"]) <= 1.65, info["format"]["duration"]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # written through a temp file, renamed


def test_the_audition_with_the_shipped_espeak_narrator_is_speech_of_a_plausible_length(tmp_path):
    out = tmp_path / "sample.mp3"
    run_cli("voices", "--say", "Hello from audiocast, the audio edition.", "--voice", "espeak-narrator",
            "-o", str(out))
    duration = float(ffprobe_json(out)["format"]["duration"])
    assert 1.5 <= duration <= 4.5, duration  # seven words of speech


def test_a_wav_audition_is_the_clip_as_spoken_and_other_names_are_refused(tmp_path, fake_voices):
    wav = tmp_path / "audition.wav"
    run_cli("voices", "--voices-dir", str(fake_voices), "--say", "Welcome", "--voice", "fake-a", "-o", str(wav))
    [stream] = ffprobe_json(wav)["streams"]
    assert (stream["codec_name"], stream["sample_rate"]) == ("pcm_s16le", "22050")
    proc = run_cli("voices", "--voices-dir", str(fake_voices), "--say", "Welcome", "--voice", "fake-a",
                   "-o", str(tmp_path / "audition.ogg"), check=False)
    assert proc.returncode == 1 and proc.stderr.strip() == \
        f"Error: {tmp_path / 'audition.ogg'}: an audition is written as .mp3 or .wav"


def test_the_audition_without_ffmpeg_is_one_line_and_writes_nothing(tmp_path, fake_voices):
    empty = tmp_path / "bin"
    empty.mkdir()
    out = tmp_path / "audition.mp3"
    proc = run_cli("voices", "--voices-dir", str(fake_voices), "--say", "Welcome", "--voice", "fake-a",
                   "-o", str(out), env={"PATH": str(empty)}, check=False)
    assert proc.returncode == 1
    assert proc.stderr.strip() == ("Error: ffmpeg not found: install ffmpeg "
                                   "(`make setup` installs it; Debian/Ubuntu: apt-get install ffmpeg)")
    assert list(tmp_path.iterdir()) == [empty]
