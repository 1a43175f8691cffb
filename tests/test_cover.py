"""cover.py: generated and configured cover art meets Apple's artwork rules."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from audiocast.config import Config, PodcastConfig
from audiocast.publish.cover import cover_bytes, ensure_cover, make_cover, render_cover
from audiocast.errors import AudiocastError


def test_generated_cover_is_a_square_rgb_jpeg_within_apple_limits(tmp_path):
    path = tmp_path / "cover.jpg"
    make_cover("The Weekly Reader: Ünïcode & <Friends> and a title long enough to wrap twice", path,
               subtitle="Articles read aloud")
    with Image.open(path) as img:
        assert (img.format, img.mode, img.size) == ("JPEG", "RGB", (1400, 1400))
        # Not a blank canvas: title text and bars make many distinct colours.
        assert len(img.getcolors(maxcolors=1_000_000)) > 50
    assert path.stat().st_size < 512 * 1024


def test_cover_is_deterministic_per_title():
    assert render_cover("Same title") == render_cover("Same title")
    assert render_cover("Same title") != render_cover("Other title")


def test_cover_bytes_gives_the_mime_type(tmp_path):
    make_cover("X", tmp_path / "c.jpg")
    data, mime = cover_bytes(tmp_path / "c.jpg")
    assert mime == "image/jpeg" and data == (tmp_path / "c.jpg").read_bytes()
    Image.new("RGB", (1400, 1400), "red").save(tmp_path / "c.png")
    assert cover_bytes(tmp_path / "c.png")[1] == "image/png"
    (tmp_path / "c.gif").write_bytes(b"GIF89a nonsense")
    with pytest.raises(AudiocastError, match="c.gif"):
        cover_bytes(tmp_path / "c.gif")


def test_ensure_cover_generates_from_the_title_without_churn(tmp_path):
    cfg = Config(podcast=PodcastConfig(title="Show"))
    path = ensure_cover(cfg, tmp_path)
    assert path == tmp_path / "cover.jpg"
    mtime = path.stat().st_mtime_ns
    assert ensure_cover(cfg, tmp_path) == path and path.stat().st_mtime_ns == mtime


def test_a_valid_configured_image_is_copied_byte_for_byte(tmp_path):
    src = tmp_path / "art.png"
    Image.new("RGB", (1600, 1600), (10, 120, 200)).save(src)
    out = tmp_path / "out"
    path = ensure_cover(Config(podcast=PodcastConfig(image=src)), out)
    assert path == out / "cover.png" and path.read_bytes() == src.read_bytes()


def test_an_invalid_configured_image_is_made_valid(tmp_path):
    src = tmp_path / "art.png"
    Image.new("RGBA", (800, 600), (200, 20, 20, 128)).save(src)
    path = ensure_cover(Config(podcast=PodcastConfig(image=src)), tmp_path / "out")
    with Image.open(path) as img:
        assert (img.format, img.mode, img.size) == ("JPEG", "RGB", (1400, 1400))
    big = tmp_path / "big.jpg"
    Image.new("RGB", (4000, 3500), "white").save(big)
    with Image.open(ensure_cover(Config(podcast=PodcastConfig(image=big)), tmp_path / "out2")) as img:
        assert img.size == (3000, 3000)


def test_an_unreadable_configured_image_is_a_config_error(tmp_path):
    src = tmp_path / "art.jpg"
    src.write_bytes(b"not an image")
    with pytest.raises(AudiocastError, match="art.jpg"):
        ensure_cover(Config(podcast=PodcastConfig(image=src)), tmp_path / "out")


def test_without_system_fonts_pillows_scalable_default_is_used(monkeypatch, tmp_path):
    import audiocast.publish.cover as cover

    monkeypatch.setattr(cover, "_FONT_DIRS", (tmp_path / "no-fonts",))
    cover._font_file.cache_clear()
    try:
        data = cover.render_cover("No Fonts Here")
    finally:
        monkeypatch.undo()
        cover._font_file.cache_clear()
    with Image.open(io.BytesIO(data)) as img:
        assert (img.format, img.size) == ("JPEG", (1400, 1400))
    assert data != cover.render_cover("No Fonts Here")  # a different font really was used
