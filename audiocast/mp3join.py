"""Join two CBR MP3 files written by ffmpeg (libmp3lame) into one, with the Info header ffmpeg would write.

Used by the stitcher to encode an episode's two halves on two cores at once: the
halves are cut in a stretch of digital silence, so the frames at the seam encode
silence and decode to silence either way, and the second encoder starts with an
empty bit reservoir.  The joined file is the first file's Info frame, patched for
the whole stream, then every audio frame of both files.

The patched fields follow ffmpeg's mp3 muxer (libavformat/mp3enc.c, ``mp3_update_xing``):
frame count, byte count, the 100-entry seek table (LAME's "bag" algorithm), the
encoder delay (from the first file) and padding (from the second), the music
length and CRC, and the tag CRC.
"""

from __future__ import annotations

from dataclasses import dataclass

XING_SIZE = 156  # "Info" to the tag CRC, as ffmpeg writes it
TOC_SIZE = 100
NUM_BAGS = 400  # ffmpeg's XING_NUM_BAGS

_BITRATES = {  # kbps by bitrate index: MPEG-1 layer III, MPEG-2/2.5 layer III
    True: (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),
    False: (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
}
_RATES = {3: (44100, 48000, 32000), 2: (22050, 24000, 16000), 0: (11025, 12000, 8000)}


@dataclass(frozen=True)
class Mp3:
    """One ffmpeg-written MP3: its Info frame, its audio frames and the Info fields we use."""

    info_frame: bytes
    xing_offset: int  # where "Info" starts in the Info frame
    audio: bytes  # every frame after the Info frame
    frame_sizes: tuple[int, ...]
    delay: int
    padding: int
    audio_crc: int


def parse(data: bytes) -> Mp3:
    """Split an ffmpeg-written CBR MP3 (no ID3 tag) into its Info frame and audio frames; ValueError if it is not one."""
    sizes = []
    pos = 0
    while pos + 4 <= len(data):
        size = _frame_size(data[pos:pos + 4])
        if size is None or pos + size > len(data):
            raise ValueError(f"not an MPEG layer III frame at byte {pos}")
        sizes.append(size)
        pos += size
    if pos != len(data) or len(sizes) < 2:
        raise ValueError("trailing bytes or no audio frames")
    info = data[:sizes[0]]
    xing = info.find(b"Info")
    if xing < 0 or xing + XING_SIZE > len(info):
        raise ValueError("the first frame has no Info header")
    field = int.from_bytes(info[xing + 141: xing + 144], "big")
    crc = int.from_bytes(info[xing + XING_SIZE - 4: xing + XING_SIZE - 2], "big")
    return Mp3(info, xing, data[sizes[0]:], tuple(sizes[1:]), field >> 12, field & 0xFFF, crc)


def join(first: Mp3, second: Mp3) -> bytes:
    """``first`` then ``second`` as one file: the first's Info frame patched for the whole, then all audio frames."""
    sizes = first.frame_sizes + second.frame_sizes
    total = len(first.info_frame) + len(first.audio) + len(second.audio)
    frame = bytearray(first.info_frame)
    x = first.xing_offset
    frame[x + 8: x + 12] = len(sizes).to_bytes(4, "big")
    frame[x + 12: x + 16] = total.to_bytes(4, "big")
    frame[x + 16: x + 16 + TOC_SIZE] = _toc(len(first.info_frame), sizes, total)
    frame[x + 141: x + 144] = ((first.delay << 12) | second.padding).to_bytes(3, "big")
    frame[x + XING_SIZE - 8: x + XING_SIZE - 4] = total.to_bytes(4, "big")
    crc = _crc_combine(first.audio_crc, second.audio_crc, len(second.audio))
    frame[x + XING_SIZE - 4: x + XING_SIZE - 2] = crc.to_bytes(2, "big")
    frame[x + XING_SIZE - 2: x + XING_SIZE] = b"\0\0"  # ffmpeg computes the tag CRC with the field still 0
    frame[x + XING_SIZE - 2: x + XING_SIZE] = crc16(bytes(frame[:190])).to_bytes(2, "big")
    return bytes(frame) + first.audio + second.audio


def _frame_size(header: bytes) -> int | None:
    h = int.from_bytes(header, "big")
    if h >> 21 != 0x7FF or (h >> 17) & 3 != 1:  # sync, layer III
        return None
    version = (h >> 19) & 3
    bitrate_index, rate_index, padding = (h >> 12) & 15, (h >> 10) & 3, (h >> 9) & 1
    if version == 1 or bitrate_index in (0, 15) or rate_index == 3:
        return None
    mpeg1 = version == 3
    bitrate = _BITRATES[mpeg1][bitrate_index] * 1000
    rate = _RATES[version][rate_index]
    return (144 if mpeg1 else 72) * bitrate // rate + padding


def _toc(first_size: int, sizes: tuple[int, ...], total: int) -> bytes:
    """The seek table exactly as ffmpeg's muxer builds it ("bags" of frame positions, LAME's VbrTag.c)."""
    bag = [0] * NUM_BAGS
    want, seen, pos, size = 1, 0, 0, first_size
    for frame_size in sizes:
        seen += 1
        size += frame_size
        if want == seen:
            bag[pos] = size
            pos += 1
            if pos == NUM_BAGS:
                for i in range(1, NUM_BAGS, 2):
                    bag[i >> 1] = bag[i]
                want *= 2
                pos = NUM_BAGS // 2
            seen = 0
    toc = [0]
    for i in range(1, TOC_SIZE):
        toc.append(min(256 * bag[i * pos // TOC_SIZE] // total, 255))
    return bytes(toc)


# CRC-16/ARC (ffmpeg's AV_CRC_16_ANSI_LE, initial value 0): reflected polynomial 0xA001.
def _table() -> list[int]:
    table = []
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
        table.append(crc)
    return table


_TABLE = _table()


def crc16(data: bytes, crc: int = 0) -> int:
    """CRC-16/ARC of ``data``, continuing from ``crc`` (slow in Python: for short data)."""
    for byte in data:
        crc = _TABLE[(crc ^ byte) & 0xFF] ^ (crc >> 8)
    return crc


def _crc_combine(crc_a: int, crc_b: int, length_b: int) -> int:
    """CRC of A followed by B from the CRCs of A and B: the CRC is linear, so A's register is run
    through ``length_b`` zero bytes (a 16x16 bit matrix raised to that power) and B's CRC added."""
    step = [_TABLE[(1 << bit) & 0xFF] ^ ((1 << bit) >> 8) for bit in range(16)]  # one zero byte, per input bit

    def apply(matrix: list[int], vector: int) -> int:
        out = 0
        for bit in range(16):
            if vector >> bit & 1:
                out ^= matrix[bit]
        return out

    def compose(outer: list[int], inner: list[int]) -> list[int]:
        return [apply(outer, column) for column in inner]

    register, power, n = crc_a, step, length_b
    while n:
        if n & 1:
            register = apply(power, register)
        power = compose(power, power)
        n >>= 1
    return register ^ crc_b
