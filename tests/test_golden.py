"""Golden outputs: seeds/ built with the fake engine at a fixed date, diffed against tests/golden/.

Any change to what a build publishes (feed, chapters, transcripts, state, the script)
shows here as a readable diff.  After a deliberate change, regenerate the copies with
``make golden`` and review the diff in git (tests/golden/README.md).
"""

from __future__ import annotations

import difflib
import os
import re
from pathlib import Path

import pytest

from audiocast import __version__
from conftest import ROOT, SEEDS, run_cli

GOLDEN = ROOT / "tests" / "golden"
EPOCH = "1700000000"  # SOURCE_DATE_EPOCH: 2023-11-14 22:13:20 UTC, stamped on lastBuildDate and undated articles
UPDATE = os.environ.get("AUDIOCAST_GOLDEN_UPDATE") == "1"  # set by `make golden`
SEED_FILES = sorted(p.name for p in SEEDS.iterdir() if p.suffix in {".txt", ".md", ".html"})
SIDECARS = (".chapters.json", ".vtt", ".srt", ".transcript.json")
NAMES = sorted(["feed.xml", "episodes.json"]
               + [Path(f).stem + ".script.json" for f in SEED_FILES]
               + [Path(f).stem + s for f in SEED_FILES for s in SIDECARS])


def _normalise(name: str, text: str, out: Path) -> str:
    """Keep out what depends on the machine, not on audiocast: MP3 sizes (lame, the cover's JPEG) and the version.

    A size is replaced only when it is the MP3's real size, so a wrong one still shows in the diff.
    """
    def size(match: re.Match) -> str:
        mp3 = out / match.group("mp3")
        real = mp3.stat().st_size if mp3.is_file() else None
        if int(match.group("n")) != real:
            return match.group(0)
        return match.string[match.start(0):match.start("n")] + "<size>" + match.string[match.end("n"):match.end(0)]

    if name == "feed.xml":
        text = text.replace(f"<generator>audiocast {__version__}</generator>",
                            "<generator>audiocast <version></generator>")
        text = re.sub(r'url="[^"]*/(?P<mp3>[^"/]+\.mp3)" length="(?P<n>\d+)"', size, text)
    elif name == "episodes.json":
        text = re.sub(r'"mp3_name": "(?P<mp3>[^"]+)",\s*"size_bytes": (?P<n>\d+)', size, text)
    return text.replace(str(ROOT) + os.sep, "")  # no absolute paths (the build runs from the checkout on seeds/)


@pytest.fixture(scope="module")
def produced(tmp_path_factory, fake_voices) -> dict[str, str]:
    """Every golden file's text from one fake-engine build of seeds/ (run from the checkout, as a user would)."""
    base = tmp_path_factory.mktemp("golden")
    out = base / "out"
    env = {"SOURCE_DATE_EPOCH": EPOCH, "XDG_CACHE_HOME": str(base / "cache")}
    voices = ("--voices-dir", str(fake_voices), "--cast", "fake")
    run_cli("build", "seeds", "-o", str(out), *voices, env=env)
    texts = {Path(f).stem + ".script.json": run_cli("script", "--json", *voices, f"seeds/{f}", env=env).stdout
             for f in SEED_FILES}
    texts.update({p.name: p.read_text("utf-8") for p in out.iterdir() if p.name in NAMES})
    return {name: _normalise(name, text, out) for name, text in texts.items()}


@pytest.mark.parametrize("name", NAMES)
def test_output_matches_the_golden_copy(produced, name):
    assert name in produced, f"the build wrote no {name}"
    golden = GOLDEN / name
    if UPDATE:
        GOLDEN.mkdir(exist_ok=True)
        golden.write_text(produced[name], encoding="utf-8")
        return
    expected = golden.read_text("utf-8") if golden.is_file() else ""
    if produced[name] != expected:
        diff = "".join(difflib.unified_diff(expected.splitlines(keepends=True),
                                            produced[name].splitlines(keepends=True),
                                            f"tests/golden/{name}", f"{name} as built now"))
        pytest.fail(f"{name} differs from tests/golden/{name}; if the change is deliberate, run `make golden` and "
                    f"commit the result.\n{diff}", pytrace=False)


def test_the_golden_folder_holds_exactly_the_golden_files():
    extra = sorted(p.name for p in GOLDEN.iterdir() if p.name not in NAMES and p.name != "README.md")
    if UPDATE:
        for name in extra:
            (GOLDEN / name).unlink()
        return
    assert not extra, f"stale golden files (no longer built): {extra}; run `make golden`"
