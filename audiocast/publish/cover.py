"""Podcast cover art: a configured image made valid, or one generated from the title.

Apple Podcasts wants square artwork of 1400–3000 px, RGB, JPEG or PNG (ideally
under 512 KB).  A generated cover is deterministic: the same title gives the
same bytes, so rebuilds do not churn the output folder or the ID3 tags.
"""

from __future__ import annotations

import functools
import hashlib
import io
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING, Optional

from PIL import Image, ImageDraw, ImageFont, UnidentifiedImageError

from audiocast.errors import ConfigError
from audiocast.fsutil import write_bytes_atomic

if TYPE_CHECKING:  # pragma: no cover
    from audiocast.config import Config

SIZE = 1400
MIN_SIZE, MAX_SIZE = 1400, 3000
MIME = {"JPEG": "image/jpeg", "PNG": "image/png"}
_FONT_DIRS = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), Path.home() / ".fonts")
_BOLD = ("DejaVuSans-Bold.ttf", "LiberationSans-Bold.ttf", "FreeSansBold.ttf")
_REGULAR = ("DejaVuSans.ttf", "LiberationSans-Regular.ttf", "FreeSans.ttf")


def make_cover(title: str, path: Path, subtitle: str = "") -> None:
    """Write a 1400×1400 RGB JPEG cover showing ``title`` (and ``subtitle``) to ``path``, atomically."""
    write_bytes_atomic(path, render_cover(title, subtitle))


def render_cover(title: str, subtitle: str = "") -> bytes:
    """The JPEG bytes of a generated cover (deterministic for the same text)."""
    digest = hashlib.sha256(title.encode("utf-8")).digest()
    hue = digest[0] / 255
    background = _hsv(hue, 0.55, 0.28)
    accent = _hsv((hue + 0.08) % 1.0, 0.65, 0.85)
    img = Image.new("RGB", (SIZE, SIZE), background)
    draw = ImageDraw.Draw(img)
    margin = 120
    # A band of sound-wave bars: recognisably "audio", and seeded by the title.
    bars = 28
    bar_w = (SIZE - 2 * margin) / (bars * 1.6)
    base_y = SIZE - margin - 140
    for i in range(bars):
        h = 30 + digest[(i + 1) % len(digest)] % 150
        x0 = margin + i * bar_w * 1.6
        draw.rounded_rectangle((x0, base_y - h, x0 + bar_w, base_y), radius=bar_w / 2, fill=accent)
    draw.rectangle((margin, margin, margin + 160, margin + 14), fill=accent)

    box_w = SIZE - 2 * margin
    font, lines = _fit(title.strip() or "Podcast", _font(_BOLD), box_w, max_height=560)
    y = margin + 80
    for line in lines:
        draw.text((margin, y), line, font=font, fill=(250, 250, 245))
        y += _line_height(font)
    if subtitle.strip():
        sub_font, sub_lines = _fit(subtitle.strip(), _font(_REGULAR), box_w, max_height=200, start=72)
        y += 30
        for line in sub_lines:
            draw.text((margin, y), line, font=sub_font, fill=(225, 225, 215))
            y += _line_height(sub_font)
    small = _font(_REGULAR)(44)
    draw.text((margin, SIZE - margin - 60), "audio edition", font=small, fill=accent)
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=88, optimize=True)
    return buf.getvalue()


def cover_bytes(path: Path) -> tuple[bytes, str]:
    """The image file's bytes and MIME type (image/jpeg or image/png), for the ID3 APIC frame."""
    data = Path(path).read_bytes()
    try:
        with Image.open(io.BytesIO(data)) as img:
            fmt = img.format
    except (UnidentifiedImageError, OSError):
        fmt = None
    if fmt not in MIME:
        raise ConfigError("cover art must be a JPEG or PNG image", path)
    return data, MIME[fmt]


def ensure_cover(config: "Config", out_dir: Path) -> Path:
    """The podcast cover inside ``out_dir``: the configured image, or ``cover.jpg`` generated from the title.

    A configured image that is already valid (square JPEG/PNG, RGB, 1400–3000 px)
    is copied byte for byte; otherwise it is centre-cropped to a square, scaled
    into range and saved as ``cover.jpg``.  Files are rewritten only when their
    bytes change.
    """
    out_dir = Path(out_dir)
    configured: Optional[Path] = config.podcast.image
    if configured is None:
        target, stamp = out_dir / "cover.jpg", out_dir / ".audiocast" / "cover-title.txt"
        # rendering takes ~40 ms: skip it when the cover was generated for this very title
        if target.is_file() and stamp.is_file() and stamp.read_text(encoding="utf-8") == config.podcast.title:
            return target
        write_bytes_atomic(target, render_cover(config.podcast.title), keep_same=True)
        write_bytes_atomic(stamp, config.podcast.title.encode("utf-8"), keep_same=True)
        return target
    target, data = _valid_copy(configured, out_dir)
    write_bytes_atomic(target, data, keep_same=True)
    return target


def _valid_copy(source: Path, out_dir: Path) -> tuple[Path, bytes]:
    try:
        data = source.read_bytes()
        with Image.open(io.BytesIO(data)) as img:
            img.load()
            w, h = img.size
            if img.format in MIME and img.mode == "RGB" and w == h and MIN_SIZE <= w <= MAX_SIZE:
                ext = ".jpg" if img.format == "JPEG" else ".png"
                return out_dir / f"cover{ext}", data
            side = min(w, h)
            square = img.convert("RGB").crop(((w - side) // 2, (h - side) // 2, (w + side) // 2, (h + side) // 2))
    except (OSError, UnidentifiedImageError) as exc:
        raise ConfigError(f"podcast.image is not a readable image ({exc})", source) from None
    target_side = min(max(side, MIN_SIZE), MAX_SIZE)
    if target_side != side:
        square = square.resize((target_side, target_side), Image.Resampling.LANCZOS)
    buf = io.BytesIO()
    square.save(buf, "JPEG", quality=90, optimize=True)
    return out_dir / "cover.jpg", buf.getvalue()


# --------------------------------------------------------------------------- text layout
@functools.lru_cache(maxsize=None)
def _font_file(names: tuple[str, ...]) -> Optional[Path]:
    for folder in _FONT_DIRS:
        if folder.is_dir():
            for name in names:
                for found in sorted(folder.rglob(name)):
                    return found
    return None


def _font(names: tuple[str, ...]):
    """A scalable font factory ``size -> FreeTypeFont``: DejaVu if installed, else Pillow's own (Pillow ≥ 10)."""
    path = _font_file(names)
    if path is None:
        return lambda size: ImageFont.load_default(size=size)
    return lambda size: ImageFont.truetype(str(path), size)


def _line_height(font) -> int:
    ascent, descent = font.getmetrics()
    return int((ascent + descent) * 1.08)


def _fit(text: str, factory, max_width: int, max_height: int, start: int = 150):
    """The largest font size (and wrapped lines) that fits ``text`` into the box."""
    size = start
    while True:
        font = factory(size)
        avg = max(font.getlength("abcdefghijklmnopqrstuvwxyz") / 26, 1)
        width_chars = max(int(max_width / avg), 4)
        lines = textwrap.wrap(text, width=width_chars, break_long_words=True) or [text]
        while any(font.getlength(line) > max_width for line in lines) and width_chars > 4:
            width_chars -= 1
            lines = textwrap.wrap(text, width=width_chars, break_long_words=True)
        if (len(lines) * _line_height(font) <= max_height) or size <= 36:
            if size <= 36 and len(lines) * _line_height(font) > max_height:
                keep = max(max_height // _line_height(font), 1)
                lines = lines[:keep]
                lines[-1] = lines[-1].rstrip()[: max(width_chars - 1, 1)] + "…"
            return font, lines
        size -= 6


def _hsv(h: float, s: float, v: float) -> tuple[int, int, int]:
    import colorsys

    r, g, b = colorsys.hsv_to_rgb(h, s, v)
    return int(r * 255), int(g * 255), int(b * 255)
