"""ITU-R BS.1770-4 loudness of sample arrays, in process (numpy only).

The stitcher levels every clip and the whole mix with it instead of an ffmpeg
ebur128 run per clip; it matches ``ffmpeg -af ebur128`` to about 0.1 LU.
"""

from __future__ import annotations

import functools
import math

import numpy as np


def integrated_loudness(samples: np.ndarray, rate: int) -> float:
    """ITU-R BS.1770-4 integrated loudness (LUFS) of mono samples in [-1, 1]: K-weighted, gated.

    Matches ``ffmpeg -af ebur128`` on the same signal to within about 0.1 LU.
    Signals shorter than one 400 ms block are measured as a single block.  Long
    signals are filtered in chunks, so an hour of audio needs no extra hour of memory.
    """
    x = np.asarray(samples)
    step, pad = round(0.1 * rate), rate // 4
    size = min(1 << max(12, math.ceil(math.log2(len(x) + 2 * pad + 1))), 1 << 20)
    chunk = (size - 2 * pad) // step * step  # whole 100 ms steps per chunk
    response = k_response(size, rate)
    sums = []
    for start in range(0, len(x), chunk):
        # The filters' impulse responses die out within a few ms: a 250 ms lead makes
        # chunked FFT filtering equal to running the IIR filters over the whole signal.
        lead = min(pad, start)
        piece = np.asarray(x[start - lead: start + chunk], dtype=np.float64)
        filtered = np.fft.irfft(np.fft.rfft(piece, size) * response, size)
        sums.append(step_sums(filtered[lead: lead + min(chunk, len(x) - start)], step))
    return gate(np.concatenate(sums) if sums else np.zeros(0), len(x), rate)


def step_sums(y: np.ndarray, step: int) -> np.ndarray:
    """Energy (sum of squares) of every 100 ms step, the last one possibly partial."""
    full = len(y) // step
    steps = np.asarray(y[: full * step], dtype=np.float64).reshape(full, step)
    sums = np.einsum("ij,ij->i", steps, steps)
    if len(y) % step:
        tail = np.asarray(y[full * step:], dtype=np.float64)
        sums = np.append(sums, float(np.dot(tail, tail)))
    return sums


def gate(step_sums: np.ndarray, length: int, rate: int) -> float:
    """BS.1770 gating over 400 ms blocks overlapping by 75 % (four 100 ms steps each)."""
    if length == 0:
        return float("-inf")
    block = 4 * round(0.1 * rate)
    if length < block:
        z = np.array([step_sums.sum() / length])
    else:
        s = step_sums[: length // round(0.1 * rate)]
        z = (s[:-3] + s[1:-2] + s[2:-1] + s[3:]) / block
    with np.errstate(divide="ignore"):
        levels = -0.691 + 10 * np.log10(z)
    z = z[levels > -70.0]  # absolute gate
    if len(z) == 0:
        return float("-inf")
    relative = -0.691 + 10 * math.log10(z.mean()) - 10.0
    kept = z[-0.691 + 10 * np.log10(z) > relative]
    return -0.691 + 10 * math.log10(kept.mean())


@functools.lru_cache(maxsize=16)
def k_response(size: int, rate: int) -> np.ndarray:
    """Frequency response of the K-weighting filter at the rfft bins of a ``size``-point FFT."""
    f0, gain_db, q = 1681.974450955533, 3.999843853973347, 0.7071752369554196
    k = math.tan(math.pi * f0 / rate)
    vh = 10 ** (gain_db / 20)
    vb = vh ** 0.4996667741545416
    a0 = 1 + k / q + k * k
    shelf_b = ((vh + vb * k / q + k * k) / a0, 2 * (k * k - vh) / a0, (vh - vb * k / q + k * k) / a0)
    shelf_a = (1.0, 2 * (k * k - 1) / a0, (1 - k / q + k * k) / a0)
    f0, q = 38.13547087602444, 0.5003270373238773
    k = math.tan(math.pi * f0 / rate)
    a0 = 1 + k / q + k * k
    high_b = (1.0, -2.0, 1.0)
    high_a = (1.0, 2 * (k * k - 1) / a0, (1 - k / q + k * k) / a0)
    z = np.exp(-2j * np.pi * np.arange(size // 2 + 1) / size)  # z^-1 at each bin

    def biquad(b, a):
        return (b[0] + b[1] * z + b[2] * z * z) / (a[0] + a[1] * z + a[2] * z * z)

    return biquad(shelf_b, shelf_a) * biquad(high_b, high_a)


TRUE_PEAK_ALLOWANCE_DB = 0.3  # inter-sample peaks over the sample peak, for predicting the limiter


def limiter_loss_db(windows: tuple[np.ndarray, np.ndarray], gain_db: float, ceiling_db: float) -> float:
    """Roughly how much the limiter will lower the loudness of the mix gained by ``gain_db``.

    ``windows`` holds the energy and peak (dBFS) of every 10 ms of the mix.  Every
    window whose peak (plus a true-peak allowance) is over the ceiling is turned
    down by the excess; the loss is the energy-weighted mean of those gains.
    (Calibrated on espeak and Piper speech: within ~0.1 LU of what ffmpeg's
    alimiter then does.)
    """
    energy, peak_db = windows
    excess = np.maximum(peak_db + gain_db + TRUE_PEAK_ALLOWANCE_DB - ceiling_db, 0.0)
    kept = float(np.sum(energy * 10 ** (-excess / 10)))
    total = float(np.sum(energy))
    return 10 * math.log10(total / kept) if kept > 0 and total > 0 else 0.0


def peak_windows(mix: np.ndarray, rate: int) -> tuple[np.ndarray, np.ndarray]:
    """Energy and peak level (dBFS) of every 10 ms of ``mix``."""
    window = rate // 100
    count = len(mix) // window
    frames = mix[: count * window].reshape(count, window)
    energy = np.einsum("ij,ij->i", frames, frames, dtype=np.float64)
    with np.errstate(divide="ignore"):
        peak_db = 20 * np.log10(np.abs(frames).max(axis=1).astype(np.float64))
    return energy, peak_db


RIDE_STEP_DB = 0.1  # the most the gain moves from one piece to the next
RIDE_MAX_DB = 1.0  # the most it moves from where it started


class LoudnessRider:
    """Sets the gain of each piece of a mix streamed in time order so the whole lands on a loudness target.

    Every piece arrives levelled to ``nominal`` LUFS, but the gated loudness of the mix
    differs a little from its pieces' (blocks that straddle pauses; -0.2 LU on espeak,
    +0.05 LU on Piper), and that is only known once the mix is.  Like an engineer riding
    a fader, the rider starts at ``aim - nominal`` and, before each piece, steers the
    predicted loudness of the whole (what is placed so far, plus the rest at the level
    the mix has shown) back to the aim, by at most :data:`RIDE_STEP_DB` per piece and
    :data:`RIDE_MAX_DB` in all, so levels between sentences never jump.
    """

    def __init__(self, aim: float, nominal: float, rate: int) -> None:
        self.aim, self.nominal = aim, nominal
        self.start_gain = aim - nominal
        self._step = round(0.1 * rate)
        self._rate = rate
        self._gained = np.zeros(0)  # K-weighted energy per 100 ms step, as gained
        self._plain = np.zeros(0)  # the same at the nominal level (to see the mix's own offset)
        self._gain = self.start_gain

    def gain_for(self, start: int, done: float) -> float:
        """The gain (dB) for a piece placed at sample ``start``, ``done`` (0..1) of the way through the episode."""
        if start > 0 and 0 < done < 1:
            length = min(start, len(self._gained) * self._step)
            so_far = gate(self._gained, length, self._rate)
            offset = gate(self._plain, length, self._rate) - self.nominal
            if math.isfinite(so_far) and math.isfinite(offset):
                z_aim, z_so_far = 10 ** (self.aim / 10), 10 ** (so_far / 10)
                rest = (1 - done) / done  # the rest of the episode, as a multiple of what is placed
                z_rest = ((1 + rest) * z_aim - z_so_far) / rest
                wanted = (10 * math.log10(z_rest) if z_rest > 0 else -math.inf) - self.nominal - offset
                step = min(max(wanted - self._gain, -RIDE_STEP_DB), RIDE_STEP_DB)
                self._gain = min(max(self._gain + step, self.start_gain - RIDE_MAX_DB), self.start_gain + RIDE_MAX_DB)
        return self._gain

    def add(self, start: int, sums: np.ndarray, gain_db: float) -> None:
        """Record a placed piece: its K-weighted step energies at the nominal level and the gain it got."""
        at = round(start / self._step)  # within 50 ms: gating barely notices
        end = at + len(sums)
        if end > len(self._plain):
            size = max(end, 2 * len(self._plain))
            self._plain = np.concatenate([self._plain, np.zeros(size - len(self._plain))])
            self._gained = np.concatenate([self._gained, np.zeros(size - len(self._gained))])
        self._plain[at:end] += sums
        self._gained[at:end] += sums * 10 ** (gain_db / 10)

