"""Encoding an episode in two halves at once: the joined MP3 is what one encoder would have made.

Real ffmpeg/LAME; judged by the decoded samples, ffprobe's duration and the Info frame.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest

from audiocast import encode, mp3join, probe, stitch
from audiocast.check_audio import walk_frames

RATE = 44100


def _speechlike(seconds: float, seed: int) -> np.ndarray:
    """Noise bursts (0.4-1.2 s) separated by exact-zero pauses (0.25-0.7 s), like a stitched mix."""
    rng = np.random.default_rng(seed)
    out = np.zeros(round(seconds * RATE), dtype=np.float32)
    pos = RATE // 4
    while pos < len(out) - 2 * RATE:
        n = int(rng.uniform(0.4, 1.2) * RATE)
        burst = rng.normal(0, 0.15, n) * np.hanning(n) * np.sin(np.arange(n) * 2 * np.pi * 220 / RATE)
        out[pos:pos + n] = burst
        pos += n + int(rng.uniform(0.25, 0.7) * RATE)
    length, _ = stitch._mp3_aligned(len(out), RATE)  # the stitcher pads to whole frames
    return np.concatenate([out, np.zeros(length - len(out), dtype=np.float32)])


def _decode(mp3: Path) -> np.ndarray:
    proc = subprocess.run(["ffmpeg", "-v", "error", "-i", str(mp3), "-f", "f32le", "-"], capture_output=True,
                          check=True)
    return np.frombuffer(proc.stdout, dtype="<f4").astype(np.float64)


def _encode(mix: np.ndarray, mp3: Path, split: bool, monkeypatch) -> float:
    with monkeypatch.context() as m:
        if not split:
            m.setattr(encode, "SPLIT_MIN_S", 10 ** 9)
        return encode.limit_and_encode(mix.copy(), RATE, -2.0, mp3, bitrate_kbps=64, channels=1)


@pytest.fixture(scope="module")
def mix() -> np.ndarray:
    return _speechlike(30.0, seed=4)


def test_join_rebuilds_ffmpegs_own_info_frame(tmp_path):
    mp3 = tmp_path / "one.mp3"
    encode.encode(_speechlike(6.0, seed=1), RATE, mp3, bitrate_kbps=64, channels=1)
    data = mp3.read_bytes()
    whole = mp3join.parse(data)
    for k in (1, len(whole.frame_sizes) // 2, len(whole.frame_sizes) - 1):
        split = sum(whole.frame_sizes[:k])
        first = mp3join.Mp3(whole.info_frame, whole.xing_offset, whole.audio[:split], whole.frame_sizes[:k],
                            whole.delay, 0, mp3join.crc16(whole.audio[:split]))
        second = mp3join.Mp3(whole.info_frame, whole.xing_offset, whole.audio[split:], whole.frame_sizes[k:],
                             whole.delay, whole.padding, mp3join.crc16(whole.audio[split:]))
        assert mp3join.join(first, second) == data  # frames, bytes, seek table, padding, CRCs: all as ffmpeg wrote


def test_parse_rejects_what_is_not_an_mp3():
    with pytest.raises(ValueError):
        mp3join.parse(b"RIFF" + bytes(600))


def test_halves_play_exactly_like_one_encode(mix, tmp_path, monkeypatch):
    cut = encode.split_point(mix, RATE)
    assert cut is not None and len(mix) // 4 < cut < 3 * len(mix) // 4
    one, two = tmp_path / "one.mp3", tmp_path / "two.mp3"
    loud_one = _encode(mix, one, False, monkeypatch)
    loud_two = _encode(mix, two, True, monkeypatch)
    assert loud_one == loud_two  # one limiter and meter either way
    a, b = _decode(one), _decode(two)
    assert len(a) == len(b) == len(mix)  # encoder delay and padding honoured, no gap at the seam
    assert np.array_equal(a[:cut], b[:cut])  # the first half is the same encoder on the same samples
    assert np.abs(b[cut - 3000:cut + 4000]).max() < 1e-6  # silence at the seam (below -120 dBFS)
    reference = mix.astype(np.float64)

    def snr(x: np.ndarray) -> float:
        part = slice(cut, len(mix))
        return 10 * np.log10(np.sum(reference[part] ** 2) / np.sum((x[part] - reference[part]) ** 2))

    assert abs(snr(a) - snr(b)) < 0.3  # the second encoder is as good as the continued one
    assert probe.ffprobe(one)["format"]["duration"] == probe.ffprobe(two)["format"]["duration"]
    facts = walk_frames(two.read_bytes())
    assert facts.first_tag == "Info" and facts.tag_frames == facts.frames and len(facts.bitrates) == 1


def test_no_silence_at_the_seam_falls_back_to_one_encoder(mix, tmp_path, monkeypatch):
    loud = np.where(mix == 0, np.float32(0.01), mix)  # no digital silence anywhere
    assert encode.split_point(loud, RATE) is None
    monkeypatch.setattr(encode, "split_point", lambda m, r: len(m) // 2 - 1177 + 1152 - (len(m) // 2) % 1152)
    out, reference = tmp_path / "forced.mp3", tmp_path / "reference.mp3"
    encode.limit_and_encode(loud.copy(), RATE, -2.0, out, bitrate_kbps=64, channels=1)
    monkeypatch.setattr(encode, "split_point", lambda m, r: None)
    encode.limit_and_encode(loud.copy(), RATE, -2.0, reference, bitrate_kbps=64, channels=1)
    assert out.read_bytes() == reference.read_bytes()  # the seam was not silent: encoded again, by one LAME
