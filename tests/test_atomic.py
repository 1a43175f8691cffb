"""One atomic-write helper (audiocast/fsutil.py) for every file a build writes, the MP3 included."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from audiocast import fsutil
from audiocast.publish.outfiles import is_temp
from conftest import SEEDS, run_cli


def snapshot(*folders: Path) -> dict[str, tuple[int, int, int]]:
    """Every file below ``folders``: (inode, mtime, size), so a rewrite with the same bytes still shows."""
    return {str(p): (p.stat().st_ino, p.stat().st_mtime_ns, p.stat().st_size)
            for folder in folders for p in folder.rglob("*") if p.is_file()}


def test_every_file_of_a_build_and_its_cache_is_published_by_the_helper_once(tmp_path, fake_voices, monkeypatch):
    from audiocast.config import load_config
    from audiocast.pipeline import BuildOptions, build

    published: list[tuple[Path, Path]] = []
    real = fsutil.publish

    def recording(tmp, target):
        published.append((Path(tmp), Path(target)))
        real(tmp, target)

    monkeypatch.setattr(fsutil, "publish", recording)
    src, out, cache = tmp_path / "src", tmp_path / "out", tmp_path / "cache"
    src.mkdir()
    for name in ("repair-cafe.md", "night-ferry.html"):
        (src / name).write_bytes((SEEDS / name).read_bytes())
    config = tmp_path / "audiocast.toml"
    config.write_text("[edition]\nenabled = true\n", encoding="utf-8")  # the edition's MP3 too
    report = build([src], out, load_config(config),
                   BuildOptions(cast="fake", jobs=1, voices_dir=fake_voices, cache_dir=cache))
    assert not report.failed and len([r for r in report.results if r.episode]) == 3
    targets = [target for _, target in published]
    files = [p for p in [*out.rglob("*"), *cache.rglob("*")] if p.is_file() and p.name != "build.lock"]
    assert sorted(files) == sorted(set(targets)), "every file came through fsutil.publish, nothing else did"
    assert len([t for t in targets if t.suffix == ".mp3"]) == 3
    for tmp, target in published:  # a temp file beside its target, never a temp file of a temp file
        assert tmp.parent == target.parent and tmp.name.startswith(f".{target.name}.") and is_temp(tmp.name)
        assert not is_temp(target.name), target
        assert target.stat().st_mode & 0o777 == 0o644
    assert not [p for p in out.iterdir() if p.name.startswith(".") and p.is_file()]


def test_a_cached_rebuild_rewrites_nothing_in_out_or_the_cache(tmp_path, fake_voices):
    src, out, cache = tmp_path / "src", tmp_path / "out", tmp_path / "cache"
    src.mkdir()
    (src / "repair-cafe.md").write_bytes((SEEDS / "repair-cafe.md").read_bytes())
    args = ["build", str(src), "-o", str(out), "--voices-dir", str(fake_voices), "--cast", "fake", "-j", "1",
            "--cache-dir", str(cache)]
    run_cli(*args)
    before = snapshot(out, cache)
    assert any(name.endswith("cast-memory.json") for name in before) and any(n.endswith(".mp3") for n in before)
    proc = run_cli(*args)
    assert "0 clips synthesised" in proc.stdout
    assert snapshot(out, cache) == before


def test_keep_same_leaves_an_identical_file_alone_and_replaces_a_planted_link(tmp_path):
    target = tmp_path / "feed.xml"
    assert fsutil.write_bytes_atomic(target, b"<rss/>", keep_same=True)
    stamp = snapshot(tmp_path)
    assert not fsutil.write_bytes_atomic(target, b"<rss/>", keep_same=True)
    assert snapshot(tmp_path) == stamp
    victim = tmp_path / "victim.txt"
    victim.write_bytes(b"<rss/>")  # the same bytes behind a link: still not ours, so replaced
    target.unlink()
    target.symlink_to(victim)
    assert fsutil.write_bytes_atomic(target, b"<rss/>", keep_same=True)
    assert not target.is_symlink() and target.read_bytes() == b"<rss/>" and victim.read_bytes() == b"<rss/>"
    assert oct(target.stat().st_mode & 0o777) == oct(0o644)


def test_a_failed_write_leaves_the_old_file_and_no_temp(tmp_path):
    target = tmp_path / "episodes.json"
    target.write_text("old")
    with pytest.raises(RuntimeError):
        with fsutil.atomic_path(target, suffix=".json") as tmp:
            tmp.write_text("half")
            raise RuntimeError("killed mid-write")
    assert target.read_text() == "old" and os.listdir(tmp_path) == ["episodes.json"]
    temp = fsutil.new_temp(target, suffix=".mp3")  # the two halves: made here, published elsewhere
    assert is_temp(temp.name) and temp.read_bytes() == b""
    temp.write_text("new")
    fsutil.publish(temp, target)
    assert target.read_text() == "new" and os.listdir(tmp_path) == ["episodes.json"]
