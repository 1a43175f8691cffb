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

Usage: ``.venv/bin/python bench/html.py [DATA_DIR ...] [--pages DIR ...] [--quiet]``

A broader dev set that is not stored here: Mozilla Readability's ~130 test pages
(``git clone https://github.com/mozilla/readability``, then
``--pages readability/test/test-pages``).  Many of them are synthetic parser tests
(a few words, titles from Dublin Core): read their numbers as a check of generality,
not as a target.
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
    """Words of what is read aloud from the body: the paragraphs (a section's title is read as its first one)."""
    return " ".join(article.paragraphs).split()


def paragraph_words(article) -> list[str]:
    """The same without the section titles."""
    words: list[str] = []
    for section in article.sections:
        paras = section.paragraphs
        if section.title and paras and paras[0] == section.title:
            paras = paras[1:]
        for para in paras:
            words += para.split()
    return words


def score_page(page: Path, tmp: Path) -> tuple:
    """(name, similarity, title equal, our words, gold words, seconds, note, paragraphs-only similarity)."""
    src = tmp / f"{page.name}.html"
    shutil.copyfile(page / "source.html", src)
    gold_title = json.loads((page / "expected-metadata.json").read_text("utf-8"))["title"] or ""
    start = time.perf_counter()
    try:
        article = read_article(src)
    except ReadError as exc:
        return (page.name, 0.0, False, 0, len(gold_words(page)), time.perf_counter() - start,
                f"ReadError: {exc.message}", 0.0)
    secs = time.perf_counter() - start
    ours, gold = spoken_words(article), gold_words(page)
    ratio = difflib.SequenceMatcher(None, ours, gold, autojunk=False).ratio()
    paras_only = paragraph_words(article)
    ratio_p = difflib.SequenceMatcher(None, paras_only, gold, autojunk=False).ratio()
    title_ok = " ".join(article.title.split()) == " ".join(gold_title.split())
    note = "" if title_ok else f"title {article.title!r} vs {gold_title!r}"
    return (page.name, ratio, title_ok, len(ours), len(gold), secs, note, ratio_p)


def report(data: Path, quiet: bool) -> bool:
    """Score every page under ``data``, print the table (or only the summary), and say whether targets are met."""
    pages = sorted(p for p in data.iterdir() if (p / "source.html").is_file() and (p / "expected.html").is_file())
    if not pages:
        print(f"no pages under {data}")
        return False
    with tempfile.TemporaryDirectory() as tmp:
        rows = [score_page(page, Path(tmp)) for page in pages]
    print(f"== {data} ({len(rows)} pages)")
    if not quiet:
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
    total = sum(r[5] for r in rows)
    print(f"time: reading all {len(rows)} pages {total:.2f} s, {total / len(rows):.2f} s a page "
          f"(slowest {max(r[5] for r in rows):.2f} s; two trafilatura passes each)")
    return all(r[1] >= TARGET and r[2] for r in rows)


def main(argv: list[str]) -> int:
    import argparse

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("data", nargs="*", type=Path,
                    help="folders of pages, each page a folder with source.html, expected.html, expected-metadata.json "
                         f"(default: {DEFAULT_DATA}); each folder is scored and summed up on its own")
    ap.add_argument("--pages", action="append", type=Path, default=[], metavar="DIR",
                    help="one more folder of pages (e.g. a checkout of mozilla/readability's test/test-pages, "
                         "kept outside the repository); may be repeated")
    ap.add_argument("--quiet", action="store_true", help="print only each folder's summary")
    args = ap.parse_args(argv[1:])
    folders = [*args.data, *args.pages] or [DEFAULT_DATA]
    for data in folders:
        if not data.is_dir():
            print(f"no such folder: {data}")
            return 1
    met = [report(data, args.quiet) for data in folders]
    return 0 if all(met) else 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
