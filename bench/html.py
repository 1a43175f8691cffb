"""How well the HTML reader finds the article text, on real news pages.

Data: ``../shared/evaldata/readability_news_pages/<page>/`` (Mozilla Readability's
test fixtures: ``source.html`` the saved page, ``expected.html`` Readability's gold
article body, ``expected-metadata.json`` its title).  For each page we run
``read_article`` on a copy of ``source.html`` and compare the text that will be
spoken (section titles and paragraphs, in order) with the text of
``expected.html``.

Similarity = ``difflib.SequenceMatcher(None, ours, gold, autojunk=False).ratio()``
on the two word lists (whitespace-split tokens, case and punctuation kept).
"paras only" is the same ratio without section titles (paragraphs joined).
Targets: >= 0.90 on every page, title equal to the gold title.  Exit status 0 when met.

Usage: ``.venv/bin/python bench/html.py [DATA_DIR]``
"""

from __future__ import annotations

import sys
from pathlib import Path

# This file is named like the stdlib's ``html``: keep its folder off the import path.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import difflib  # noqa: E402
import json  # noqa: E402
import shutil  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

import lxml.html  # noqa: E402

from audiocast.errors import ReadError  # noqa: E402
from audiocast.readers import read_article  # noqa: E402

DEFAULT_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "evaldata" / "readability_news_pages"
TARGET = 0.90


def gold_words(page: Path) -> list[str]:
    """Words of Readability's expected article body (decoded as UTF-8: it has no charset)."""
    root = lxml.html.document_fromstring((page / "expected.html").read_text("utf-8"))
    return root.text_content().split()


def spoken_words(article) -> list[str]:
    """Words of what is read aloud from the body: section titles and paragraphs."""
    words: list[str] = []
    for section in article.sections:
        if section.title:
            words += section.title.split()
        for para in section.paragraphs:
            words += para.split()
    return words


def main(argv: list[str]) -> int:
    import argparse

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("data", nargs="?", type=Path, default=DEFAULT_DATA,
                    help="folder of pages, each with source.html, expected.html, expected-metadata.json")
    data = ap.parse_args(argv[1:]).data
    if not data.is_dir():
        print(f"no such folder: {data}")
        return 1
    pages = sorted(p for p in data.iterdir() if (p / "source.html").is_file())
    if not pages:
        print(f"no pages under {data}")
        return 1
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for page in pages:
            src = Path(tmp) / f"{page.name}.html"
            shutil.copyfile(page / "source.html", src)
            gold_title = json.loads((page / "expected-metadata.json").read_text("utf-8"))["title"]
            start = time.perf_counter()
            try:
                article = read_article(src)
            except ReadError as exc:
                rows.append((page.name, 0.0, False, 0, len(gold_words(page)), 0.0, f"ReadError: {exc.message}", 0.0))
                continue
            secs = time.perf_counter() - start
            ours, gold = spoken_words(article), gold_words(page)
            ratio = difflib.SequenceMatcher(None, ours, gold, autojunk=False).ratio()
            paras_only = " ".join(article.paragraphs).split()
            ratio_p = difflib.SequenceMatcher(None, paras_only, gold, autojunk=False).ratio()
            title_ok = " ".join(article.title.split()) == " ".join(gold_title.split())
            note = "" if title_ok else f"title {article.title!r} vs {gold_title!r}"
            rows.append((page.name, ratio, title_ok, len(ours), len(gold), secs, note, ratio_p))
    print(f"{'page':22} {'similarity':>10} {'paras only':>10} {'title':>6} {'words':>7} {'gold':>7} {'secs':>6}  note")
    for name, ratio, title_ok, n_ours, n_gold, secs, note, ratio_p in rows:
        flag = "" if ratio >= TARGET else "  < target"
        print(f"{name:22} {ratio:10.3f} {ratio_p:10.3f} {('yes' if title_ok else 'NO'):>6} {n_ours:7d} {n_gold:7d} "
              f"{secs:6.2f}  {note}{flag}")
    mean = sum(r[1] for r in rows) / len(rows)
    mean_p = sum(r[7] for r in rows) / len(rows)
    titles = sum(1 for r in rows if r[2])
    print(f"{'mean':22} {mean:10.3f} {mean_p:10.3f} {titles:>3}/{len(rows)}   min {min(r[1] for r in rows):.3f}; "
          f"pages >= {TARGET}: {sum(1 for r in rows if r[1] >= TARGET)}/{len(rows)}")
    print(f"time: reading all {len(rows)} pages {sum(r[5] for r in rows):.2f} s (two trafilatura passes each)")
    return 0 if all(r[1] >= TARGET and r[2] for r in rows) else 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
