"""Audio files into sample arrays: a PCM WAV read directly, anything else decoded by ffmpeg through audio/ffmpeg.py.

The only module that imports pydub.  pydub would look for ffmpeg and ffprobe on its own
to decode a non-WAV clip or sting; here it only ever parses WAV bytes, so a missing or
failing ffmpeg is audio/ffmpeg.py's one-line error like every other use of it.
"""

from __future__ import annotations

import math
import warnings
from pathlib import Path

import numpy as np

from audiocast.audio import ffmpeg
from audiocast.audio.loudness import k_response
from audiocast.errors import AudioError

with warnings.catch_warnings():  # "Couldn't find ffmpeg or avconv": pydub is never asked to run it
    warnings.simplefilter("ignore", RuntimeWarning)
    from pydub import AudioSegment
    from pydub.audio_segment import fix_wav_headers


def load_audio(path: Path, rate: int) -> tuple[np.ndarray, np.ndarray]:
    """Mono samples of any audio file (:func:`_segment`), at ``rate``, and the same K-weighted.

    Both come from one spectrum: the clip is zero-padded to a fast FFT length
    (a power of two times the smallest length that maps to a whole number of
    output samples, plus room for the filter's decay), its spectrum truncated or
    zero-extended to the new rate (band-limited resampling) and, for the second
    signal, multiplied by the K-weighting response.
    """
    segment = _segment(path).set_channels(1)
    full_scale = np.float32(1 << (8 * segment.sample_width - 1))
    # single precision: twice as fast, and its rounding (~-140 dB) is far below the 16-bit clips' own
    x = np.array(segment.get_array_of_samples(), dtype=np.float32) / full_scale
    src = segment.frame_rate
    n_out = round(len(x) * rate / src)
    if n_out == 0:
        raise AudioError("audio file is empty", path)
    base = src // math.gcd(src, rate)
    size = base << max(0, math.ceil(math.log2((len(x) + src // 20) / base)))
    size_out = size * rate // src
    spectrum = np.fft.rfft(x, size)
    if src == rate:  # already at the mix rate (espeak-ng, Piper): only the K-weighted copy is computed
        samples = x
        out = spectrum.astype(np.complex64, copy=False)
    else:
        out = np.zeros(size_out // 2 + 1, dtype=np.complex64)
        keep = min(len(spectrum), len(out))
        out[:keep] = spectrum[:keep] * np.float32(size_out / size)
        samples = np.fft.irfft(out, size_out)[:n_out]
    weighted = np.fft.irfft(out * k_response(size_out, rate).astype(np.complex64), size_out)[:n_out]
    return samples, weighted


def _segment(path: Path) -> AudioSegment:
    """The audio of ``path``: a PCM WAV read directly, anything else decoded by ffmpeg through audio/ffmpeg.py."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise AudioError("audio file not found", path) from None
    if path.suffix.lower() == ".wav":
        try:
            return AudioSegment(data=data)
        except Exception:  # noqa: BLE001 - not a WAV pydub reads (float, a wrong name): ffmpeg may still read it
            pass
    wav = bytearray(ffmpeg.decode_wav(path))
    try:
        fix_wav_headers(wav)
        return AudioSegment(data=bytes(wav))
    except Exception as exc:  # noqa: BLE001 - pydub raises CouldntDecodeError, wave.Error, IndexError...
        raise AudioError(f"cannot decode audio ({type(exc).__name__}: {exc})".strip(), path) from None
