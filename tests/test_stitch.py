"""The stitcher on real espeak-ng clips, judged by what ffprobe/ffmpeg see in the MP3.

Clips are made with ``espeak-ng -w`` in two voices at very different amplitudes
(to prove levelling) and padded with silence (to prove trimming).
"""

from __future__ import annotations

import os
import re
import subprocess
import time
import wave
from pathlib import Path

import numpy as np
import pytest

from audiocast.audio import probe
from audiocast.config import AudioConfig, Config, PauseConfig, PodcastConfig
from audiocast.errors import AudioError
from audiocast.model import Article, Casting, Clip, Script, Section, Segment, VoiceProfile
from audiocast.voice.production import lines_for, produce
from audiocast.audio import stitch as stitch_module
from audiocast.audio.loudness import RIDE_MAX_DB, RIDE_STEP_DB, LoudnessRider, gate, integrated_loudness
from audiocast.audio.encode import encode_mp3
from audiocast.audio.stitch import ClipPreparer, Stitcher, mix_rate, stitch
from audiocast.fsutil import new_temp, publish

PAUSES = PauseConfig(sentence_ms=200, paragraph_ms=900, quote_ms=450, chapter_ms=1600)
PAD_BEFORE_MS, PAD_AFTER_MS = 400, 700  # engine-like silence around every clip
NARRATOR = VoiceProfile(name="narrator", engine="pyttsx3", voice="en-us")
QUOTE = VoiceProfile(name="quoted", engine="pyttsx3", voice="en-gb+f3")
AMPLITUDE = {"narrator": 200, "quoted": 30}  # espeak -a: about 16 dB apart

ARTICLE = Article(
    source=Path("bridge.md"), slug="bridge", title="A Bridge Too Near", author="Emell Adolphus",
    sections=(
        Section("The vote", ("The council met on Tuesday to discuss the new bridge. Residents packed the hall.",
                             "The mayor spoke first. Nobody expected the vote to be this close, she said.")),
        Section("The morning after", ("It was a long night for everyone involved.",
                                      "The order was signed at nine, and the works begin in spring.")),
    ),
)
SEGMENTS = (
    Segment("narration", ARTICLE.sections[0].paragraphs[0], None, 0, 0),
    Segment("narration", "The mayor spoke first.", None, 0, 1),
    Segment("quote", "Nobody expected the vote to be this close.", "Jane Roe", 0, 1),
    Segment("quote", "It was a long night for everyone involved.", "Jane Roe", 1, 0),
    Segment("narration", ARTICLE.sections[1].paragraphs[1], None, 1, 1),
)


def _config(**audio) -> Config:
    return Config(podcast=PodcastConfig(title="The Weekly Reader"), audio=AudioConfig(**audio), pauses=PAUSES)


def _espeak(text: str, profile: VoiceProfile, path: Path, pad=(PAD_BEFORE_MS, PAD_AFTER_MS)) -> Path:
    raw = path.with_suffix(".raw.wav")
    subprocess.run(["espeak-ng", "-v", profile.voice, "-a", str(AMPLITUDE[profile.name]), "-w", str(raw), text],
                   check=True, capture_output=True)
    with wave.open(str(raw)) as w:
        params, frames = w.getparams(), w.readframes(w.getnframes())
    rate, width = params.framerate, params.sampwidth
    silence = lambda ms: b"\0" * (rate * ms // 1000 * width)  # noqa: E731
    with wave.open(str(path), "wb") as w:
        w.setparams(params)
        w.writeframes(silence(pad[0]) + frames + silence(pad[1]))
    return path


def _tone_wav(path: Path, seconds=0.6, freq=660.0, amplitude=0.5, rate=22050) -> Path:
    t = np.arange(int(seconds * rate)) / rate
    data = (amplitude * np.sin(2 * np.pi * freq * t) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1), w.setsampwidth(2), w.setframerate(rate)
        w.writeframes(data.tobytes())
    return path


def _silences(mp3: Path, noise_db=-50, min_s=0.1) -> list[tuple[int, int]]:
    """(start_ms, end_ms) of every silence ffmpeg's silencedetect finds in the file."""
    err = subprocess.run(["ffmpeg", "-hide_banner", "-nostats", "-i", str(mp3), "-af",
                          f"silencedetect=noise={noise_db}dB:d={min_s}", "-f", "null", "-"],
                         capture_output=True, text=True).stderr
    starts = [float(x) for x in re.findall(r"silence_start: (-?[\d.]+)", err)]
    ends = [float(x) for x in re.findall(r"silence_end: ([\d.]+)", err)]
    ends += [float("inf")] * (len(starts) - len(ends))
    return [(round(s * 1000), round(e * 1000) if e != float("inf") else 10**9) for s, e in zip(starts, ends)]


def _build(tmp: Path, config: Config):
    script = produce(Script(ARTICLE, SEGMENTS), config)
    casting = Casting(NARRATOR, (("Jane Roe", QUOTE),))
    lines = lines_for(script, casting)
    clips = [Clip(_espeak(line.text, line.profile, tmp / f"{i:02d}.wav"), 0, line.text, line.profile.name)
             for i, line in enumerate(lines)]
    audio = stitch(script, lines, clips, config, tmp / "episode.mp3")
    return script, lines, clips, audio


@pytest.fixture(scope="module")
def episode(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("stitch")
    script, lines, clips, audio = _build(tmp, _config())
    return script, lines, clips, audio, _silences(audio.mp3)


def test_mp3_is_cbr_44k_mono_64k_with_info_header(episode):
    audio = episode[3]
    info = probe.ffprobe(audio.mp3)
    stream = info["streams"][0]
    assert info["format"]["format_name"] == "mp3"
    assert (stream["codec_name"], stream["sample_rate"], stream["channels"]) == ("mp3", "44100", 1)
    assert stream["bit_rate"] == "64000"
    head = audio.mp3.read_bytes()[:2048]
    assert head[0] == 0xFF and head[1] & 0xE0 == 0xE0, "file starts with an MPEG frame"
    assert b"Info" in head[:200] and b"Xing" not in head[:200], "CBR files carry an Info (not Xing) header"
    assert (audio.bitrate_kbps, audio.sample_rate, audio.channels) == (64, 44100, 1)


def test_duration_matches_ffprobe_and_decoded_audio(episode):
    audio = episode[3]
    probed = round(float(probe.ffprobe(audio.mp3)["format"]["duration"]) * 1000)
    assert abs(probed - audio.duration_ms) <= 30
    assert abs(probe.decoded_duration_ms(audio.mp3) - audio.duration_ms) <= 30


def test_loudness_meets_the_mono_target_without_clipping(episode):
    loud = probe.measure_loudness(episode[3].mp3)
    assert -19.5 <= loud.integrated <= -18.5, loud
    assert loud.true_peak <= -1.0, loud


def test_every_speaker_within_one_lu_of_the_narrator(episode):
    _, lines, clips, audio, _ = episode
    raw = {c.profile: probe.measure_loudness(c.path).integrated for c in clips}
    assert raw["narrator"] - raw["quoted"] > 6, "the input voices really differ (else this test proves nothing)"
    spans: dict[str, list[tuple[int, int]]] = {}
    for cue in audio.cues:
        if spans.get(cue.speaker) and cue.start_ms - spans[cue.speaker][-1][1] < 1000:
            spans[cue.speaker][-1] = (spans[cue.speaker][-1][0], cue.end_ms)  # join a run of one voice
        else:
            spans.setdefault(cue.speaker, []).append((cue.start_ms, cue.end_ms))
    assert set(spans) == {"Narrator", "Jane Roe"}
    narrator = probe.measure_loudness(audio.mp3, *max(spans["Narrator"], key=lambda s: s[1] - s[0])).integrated
    for start, end in spans["Jane Roe"]:
        quoted = probe.measure_loudness(audio.mp3, start, end).integrated
        assert abs(quoted - narrator) <= 1.0, (quoted, narrator)


def test_cues_start_where_the_words_start(episode):
    _, lines, _, audio, silences = episode
    assert [c.text for c in audio.cues] == [line.text for line in lines]
    assert audio.cues[0].speaker == "Narrator" and "Jane Roe" in {c.speaker for c in audio.cues}
    onsets = [end for _, end in silences]
    for cue in audio.cues:
        nearest = min(onsets, key=lambda t: abs(t - cue.start_ms))
        assert abs(nearest - cue.start_ms) <= 50, (cue, nearest)
    sounds = [(a[1], b[0]) for a, b in zip(silences, silences[1:])]
    for start, end in sounds:  # every stretch of speech lies inside a cue: the cues hold all the words
        assert any(c.start_ms - 50 <= start and end <= c.end_ms + 60 for c in audio.cues), (start, end)


def test_pauses_follow_the_config_and_engine_silence_is_trimmed(episode):
    script, lines, _, audio, silences = episode
    chapter_starts = {c.start_ms for c in audio.chapters[1:]}
    seen = set()
    for i in range(1, len(lines)):
        before, after = audio.cues[i - 1], audio.cues[i]
        gap = next((e - s for s, e in silences if before.end_ms - 60 <= s and e <= after.start_ms + 60), None)
        assert gap is not None, f"no pause found between {before.text!r} and {after.text!r}"
        prev, cur = script.segments[lines[i - 1].segment], script.segments[lines[i].segment]
        if any(before.end_ms < t < after.start_ms for t in chapter_starts):
            kind, expected = "chapter", PAUSES.chapter_ms
        elif (prev.part, prev.section, prev.paragraph) != (cur.part, cur.section, cur.paragraph):
            kind, expected = "paragraph", PAUSES.paragraph_ms
        elif lines[i - 1].speaker != lines[i].speaker:
            kind, expected = "quote", PAUSES.quote_ms
        else:
            kind, expected = "sentence", PAUSES.sentence_ms
        seen.add(kind)
        # The clips' own 1.1 s of padding is gone: what is left is the configured pause.
        assert expected - 20 <= gap <= expected + 120, (kind, gap, before.text, after.text)
    assert seen == {"chapter", "paragraph", "quote", "sentence"}


def test_chapters_are_contiguous_and_start_in_the_chapter_pauses(episode):
    _, _, _, audio, silences = episode
    chapters = audio.chapters
    assert [c.title for c in chapters] == ["Introduction", "The vote", "The morning after", "Credits"]
    assert chapters[0].start_ms == 0 and chapters[-1].end_ms == audio.duration_ms
    assert all(a.end_ms == b.start_ms and a.start_ms < a.end_ms for a, b in zip(chapters, chapters[1:]))
    for chapter in chapters[1:]:
        assert any(s <= chapter.start_ms <= e and e - s >= PAUSES.chapter_ms - 20 for s, e in silences), chapter
        first_cue = next(c for c in audio.cues if c.start_ms > chapter.start_ms)
        assert first_cue.start_ms - chapter.start_ms <= PAUSES.chapter_ms


def test_intro_and_outro_are_spoken(episode):
    script, lines, _, audio, _ = episode
    assert script.segments[0].part == "intro" and script.segments[-1].part == "outro"
    spoken = " ".join(c.text for c in audio.cues)
    assert spoken.startswith("The Weekly Reader. A Bridge Too Near, by Emell Adolphus.")
    assert "voices are synthetic" in audio.cues[-1].text or "voices are synthetic" in audio.cues[-2].text


def test_stereo_with_sting_at_start_between_chapters_and_end(tmp_path):
    sting = _tone_wav(tmp_path / "sting.wav")
    config = _config(channels=2, sting=sting, intro=False, outro=False)
    _, _, _, audio = _build(tmp_path, config)
    info = probe.ffprobe(audio.mp3)["streams"][0]
    assert (info["channels"], info["sample_rate"], info["bit_rate"]) == (2, "44100", "64000")
    loud = probe.measure_loudness(audio.mp3)
    assert -16.5 <= loud.integrated <= -15.5 and loud.true_peak <= -1.0, loud
    assert [c.title for c in audio.chapters] == ["The vote", "The morning after"]
    # The sting opens the episode, opens the second chapter and closes the episode, below the voices.
    speech = probe.measure_loudness(audio.mp3, audio.cues[0].start_ms, audio.cues[1].end_ms).integrated
    for start in (0, audio.chapters[1].start_ms):
        tone = probe.measure_loudness(audio.mp3, start, start + 550).integrated
        assert speech - 9 <= tone <= speech - 3, (start, tone, speech)
    tail = probe.measure_loudness(audio.mp3, audio.cues[-1].end_ms + 200, audio.duration_ms).integrated
    assert speech - 9 <= tail <= speech - 3
    assert audio.cues[0].start_ms >= 600 + PAUSES.chapter_ms // 2 - 20


def test_integrated_loudness_agrees_with_ffmpeg(tmp_path):
    wav = _espeak("Loudness is measured the way ffmpeg measures it.", NARRATOR, tmp_path / "m.wav", pad=(0, 0))
    with wave.open(str(wav)) as w:
        rate = w.getframerate()
        samples = np.frombuffer(w.readframes(w.getnframes()), "<i2") / 32768.0
    assert abs(integrated_loudness(samples, rate) - probe.measure_loudness(wav).integrated) <= 0.15


def test_encode_mp3_for_auditions(tmp_path):
    wav = _espeak("A voice audition.", QUOTE, tmp_path / "a.wav", pad=(0, 0))
    mp3 = encode_mp3(wav, tmp_path / "a.mp3")
    stream = probe.ffprobe(mp3)["streams"][0]
    assert (stream["codec_name"], stream["sample_rate"], stream["channels"], stream["bit_rate"]) == \
        ("mp3", "44100", 1, "64000")
    assert abs(probe.decoded_duration_ms(mp3) - probe.decoded_duration_ms(wav)) <= 30


def test_undecodable_or_silent_clips_are_audio_errors_naming_the_file(tmp_path):
    script = produce(Script(ARTICLE, SEGMENTS[:1]), _config(intro=False, outro=False))
    lines = lines_for(script, Casting(NARRATOR))
    good = [Clip(_espeak(l.text, NARRATOR, tmp_path / f"{i}.wav"), 0, l.text, "narrator") for i, l in enumerate(lines)]
    bogus = tmp_path / "bogus.wav"
    bogus.write_text("not audio at all")
    silent = tmp_path / "silent.wav"
    with wave.open(str(silent), "wb") as w:
        w.setnchannels(1), w.setsampwidth(2), w.setframerate(22050)
        w.writeframes(b"\0" * 44100)
    for bad in (bogus, silent):
        clips = [Clip(bad, 0, lines[0].text, "narrator"), *good[1:]]
        with pytest.raises(AudioError) as err:
            stitch(script, lines, clips, _config(), tmp_path / "x.mp3")
        assert str(bad) in err.value.format_message()
    assert not (tmp_path / "x.mp3").exists()


def test_clips_of_any_rate_and_channel_count_keep_their_timing(tmp_path):
    config = _config(intro=False, outro=False)
    script = produce(Script(ARTICLE, SEGMENTS[:1]), config)
    lines = lines_for(script, Casting(NARRATOR))
    sources, converted = [], []
    for i, (line, (rate, channels)) in enumerate(zip(lines, [(16000, 1), (48000, 2)])):
        source = _espeak(line.text, NARRATOR, tmp_path / f"src{i}.wav")
        other = tmp_path / f"clip{i}.wav"
        subprocess.run(["ffmpeg", "-loglevel", "error", "-y", "-i", str(source), "-ar", str(rate), "-ac", str(channels),
                        "-c:a", "pcm_s16le", str(other)], check=True)
        sources.append(Clip(source, 0, line.text, "narrator"))
        converted.append(Clip(other, 0, line.text, "narrator"))
    reference = stitch(script, lines, sources, config, tmp_path / "reference.mp3")
    mixed = stitch(script, lines, converted, config, tmp_path / "mixed.mp3")
    assert probe.ffprobe(mixed.mp3)["streams"][0]["sample_rate"] == "44100"
    for ours, theirs in zip(mixed.cues, reference.cues):
        assert abs(ours.start_ms - theirs.start_ms) <= 15 and abs(ours.end_ms - theirs.end_ms) <= 15, (ours, theirs)
    assert abs(mixed.duration_ms - reference.duration_ms) <= 30


def _clips(tmp: Path, config: Config):
    script = produce(Script(ARTICLE, SEGMENTS), config)
    lines = lines_for(script, Casting(NARRATOR, (("Jane Roe", QUOTE),)))
    clips = [Clip(_espeak(line.text, line.profile, tmp / f"{i:02d}.wav"), 0, line.text, line.profile.name)
             for i, line in enumerate(lines)]
    return script, lines, clips


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a running process, from /proc (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def test_encoding_starts_before_the_last_clip_is_ready_and_timing_does_not_change_the_bytes(tmp_path):
    config = _config()
    script, lines, clips = _clips(tmp_path, config)
    at_once = stitch(script, lines, clips, config, tmp_path / "at-once.mp3")
    target = tmp_path / "streamed.mp3"
    temp = new_temp(target, suffix=".mp3")  # as the pipeline does: the stitcher writes it, the caller publishes it
    with ClipPreparer(mix_rate(config)) as preparer, \
            Stitcher(script, lines, config, temp, [c.path for c in clips], preparer, label=target) as stitcher:
        for clip in clips[:-1]:
            preparer.submit(clip.path)
        partial = list(tmp_path.glob(".streamed.mp3.*"))
        assert partial == [temp], "the MP3 is written into the caller's temp file, not into one of its own"
        deadline = time.monotonic() + 20
        while stitcher._encoder is None and time.monotonic() < deadline:
            time.sleep(0.01)
        lame = stitcher._encoder._encoder.pid  # the LAME process (the limiter feeds it)
        while _cpu_seconds(lame) < 0.05 and time.monotonic() < deadline:
            time.sleep(0.02)
        # LAME has been encoding while the last clip is still "being synthesised"
        assert _cpu_seconds(lame) >= 0.05
        assert not (tmp_path / "streamed.mp3").exists()
        preparer.submit(clips[-1].path)
        streamed = stitcher.finish(clips)
    publish(temp, target)
    assert target.read_bytes() == at_once.mp3.read_bytes()
    assert (streamed.chapters, streamed.cues, streamed.duration_ms) == (at_once.chapters, at_once.cues, at_once.duration_ms)
    assert not list(tmp_path.glob(".streamed.mp3.*"))


def _one_core(script, lines, clips, config, mp3: Path):
    """The --jobs 1 way: every clip complete first, then the mix asks for them; limiter and LAME in one process."""
    with ClipPreparer(mix_rate(config), threads=1) as preparer, \
            Stitcher(script, lines, config, mp3, [c.path for c in clips], preparer, cores=1) as stitcher:
        assert stitcher._encoder._encoder is None, "one ffmpeg process limits and encodes"
        return stitcher.finish()


@pytest.mark.parametrize("channels", [1, 2])
def test_one_core_gives_the_bytes_of_the_streamed_two_process_encoder(tmp_path, channels):
    config = _config(channels=channels)
    script, lines, clips = _clips(tmp_path, config)
    two = stitch(script, lines, clips, config, tmp_path / "two.mp3")
    one = _one_core(script, lines, clips, config, tmp_path / "one.mp3")
    assert one.mp3.read_bytes() == two.mp3.read_bytes()
    assert (one.chapters, one.cues, one.duration_ms) == (two.chapters, two.cues, two.duration_ms)
    assert probe.ffprobe(one.mp3)["streams"][0]["channels"] == channels


def test_an_episode_encoded_again_on_one_core_gives_the_same_bytes(tmp_path, monkeypatch):
    monkeypatch.setattr(stitch_module, "LoudnessRider", lambda aim, nominal, rate: LoudnessRider(aim - 1.5, nominal, rate))
    processes = []
    real = stitch_module.limit_and_encode
    monkeypatch.setattr(stitch_module, "limit_and_encode",
                        lambda *a, **k: processes.append(k["processes"]) or real(*a, **k))
    config = _config()
    script, lines, clips = _clips(tmp_path, config)
    two = stitch(script, lines, clips, config, tmp_path / "two.mp3")
    one = _one_core(script, lines, clips, config, tmp_path / "one.mp3")
    assert 2 in processes and 1 in processes, "both missed the aim and were encoded again, each its own way"
    assert one.mp3.read_bytes() == two.mp3.read_bytes()


def test_a_stitch_left_unfinished_leaves_no_file(tmp_path):
    config = _config()
    script, lines, clips = _clips(tmp_path, config)
    target = tmp_path / "stopped.mp3"
    target.write_bytes(b"")  # the caller's temp file (fsutil.new_temp), which the encoder writes into
    with ClipPreparer(mix_rate(config)) as preparer, \
            Stitcher(script, lines, config, target, [c.path for c in clips], preparer):
        preparer.submit(clips[0].path)  # then synthesis "fails": the block is left without finish()
    assert not list(tmp_path.glob("*stopped.mp3*"))


def test_a_missed_loudness_is_encoded_again_until_on_target(tmp_path, monkeypatch):
    # A rider that aims 1.5 LU low stands for any misprediction: the stitcher must notice (ebur128 on the
    # limited signal) and encode again with a corrected gain.
    monkeypatch.setattr(stitch_module, "LoudnessRider", lambda aim, nominal, rate: LoudnessRider(aim - 1.5, nominal, rate))
    passes = []
    real = stitch_module.limit_and_encode
    monkeypatch.setattr(stitch_module, "limit_and_encode", lambda *a, **k: passes.append(1) or real(*a, **k))
    config = _config()
    script, lines, clips = _clips(tmp_path, config)
    audio = stitch(script, lines, clips, config, tmp_path / "again.mp3")
    assert passes, "the first, streamed pass missed the target, so the episode was encoded again"
    loud = probe.measure_loudness(audio.mp3)
    assert -19.5 <= loud.integrated <= -18.5 and loud.true_peak <= -1.0, loud


def test_the_loudness_rider_steers_the_whole_onto_the_aim_in_small_steps():
    rate = 44100
    step = round(0.1 * rate)
    rng = np.random.default_rng(7)
    mean_gain = {}
    for offset in (0.0, 0.6, -0.6):  # how much louder the mix is than its pieces (the gating's doing)
        rider = LoudnessRider(aim=-18.5, nominal=-23.0, rate=rate)
        pieces, gains, pos = 120, [], 0
        total = pieces * 40 * step
        for _ in range(pieces):
            sums = 10 ** ((-23.0 + offset + 0.691) / 10) * step * np.exp(rng.normal(0, 0.3, 30))
            gain = rider.gain_for(pos, pos / total)
            rider.add(pos, sums, gain)
            gains.append(gain)
            pos += 40 * step  # 3 s of speech, 1 s of pause
        assert gains[0] == 4.5, "it starts where every piece at its nominal level would land on the aim"
        assert all(abs(b - a) <= RIDE_STEP_DB + 1e-9 for a, b in zip(gains, gains[1:]))
        assert all(abs(g - gains[0]) <= RIDE_MAX_DB + 1e-9 for g in gains)
        assert abs(gate(rider._gained, pos, rate) - -18.5) <= 0.1, offset
        mean_gain[offset] = float(np.mean(gains))
    assert 1.0 <= mean_gain[-0.6] - mean_gain[0.6] <= 1.4


def test_voices_are_mixed_at_their_own_rate_and_leave_no_images_above_it(episode, tmp_path):
    # espeak-ng speaks at 22.05 kHz: the mix stays there and the limiter's resampler makes the 44.1 kHz MP3.
    assert mix_rate(_config()) == 22050
    assert mix_rate(_config(sting=_tone_wav(tmp_path / "s.wav"))) == 44100  # music keeps the full rate
    assert mix_rate(_config(sample_rate=32000)) == 16000
    decoded = subprocess.run(["ffmpeg", "-v", "error", "-i", str(episode[3].mp3), "-f", "f32le", "-ac", "1", "-"],
                             capture_output=True, check=True).stdout
    x = np.frombuffer(decoded, "<f4").astype(np.float64)
    power = np.abs(np.fft.rfft(x)) ** 2
    freq = np.fft.rfftfreq(len(x), 1 / 44100)
    share = power[(freq >= 12_000) & (freq < 20_000)].sum() / power.sum()
    # a resampler's images of the speech would show up here: -102 dB with soxr (and with the FFT resampling of
    # old), -73 dB with ffmpeg's default swr
    assert 10 * np.log10(share) < -90, 10 * np.log10(share)
