"""The HTML reader on an independent article-extraction benchmark, scored by the benchmark's own scorer.

Data: a checkout (or the bare git mirror) of scrapinghub/article-extraction-benchmark, named on the command
line and never copied into this repo: ``html/<id>.html.gz`` (181 saved pages), ``ground-truth.json`` (each
page's ``articleBody``) and ``evaluate.py`` (4-token shingle P/R per page, averaged over pages, F1 of the
means).  From a bare git directory the three are unpacked with ``git archive`` into a temp folder.

Ours: each page goes through what ``audiocast script --json`` runs before casting (``read_article`` on a temp
``<id>.html``, then ``segment_article``); its segment texts joined by newlines are the article body.  A page our
reader refuses (``ReadError``: the command exits non-zero) scores an empty body.  ``--via-cli N`` runs the real
command on the first N pages and checks it gives the same text.

Baselines, in the same process: trafilatura as the benchmark runs it (``extract(html, include_comments=False)``,
page text in) and its precision and recall modes.

The 181 pages may be a held-out set, so they are split by a fixed rule: first hex digit of the page id 0-7 =
develop, 8-f = check.  Rules are developed on the develop half only; ``--worst`` lists develop pages only.

Usage: ``.venv/bin/python bench/extraction.py REPO [--no-baselines] [--worst N] [--via-cli N] [--half H]``
"""

from __future__ import annotations

import sys
from pathlib import Path

# bench/html.py is named like the stdlib's ``html`` (which trafilatura imports): keep this folder off the path.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import argparse  # noqa: E402
import gzip  # noqa: E402
import importlib.util  # noqa: E402
import json  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from typing import Callable  # noqa: E402

from audiocast.errors import ReadError  # noqa: E402
from audiocast.readers import read_article  # noqa: E402
from audiocast.understanding.segment import segment_article  # noqa: E402

HALVES = {"develop": "01234567", "check": "89abcdef"}
TARGET = 0.965


def unpack(repo: Path, into: Path) -> Path:
    """The folder holding ``html/``, ``ground-truth.json`` and ``evaluate.py``: ``repo`` itself or an unpacked copy."""
    if (repo / "ground-truth.json").is_file():
        return repo
    archive = subprocess.run(["git", "-C", str(repo), "archive", "HEAD", "html", "ground-truth.json", "evaluate.py"],
                             capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


def load_scorer(root: Path):
    spec = importlib.util.spec_from_file_location("aeb_evaluate", root / "evaluate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def ours(html: str, page_id: str, tmp: Path) -> str:
    path = tmp / f"{page_id}.html"
    path.write_text(html, "utf-8")
    try:
        script = segment_article(read_article(path))
    except ReadError:
        return ""
    return "\n".join(seg.text for seg in script.segments)


def via_cli(html: str, page_id: str, tmp: Path) -> str:
    path = tmp / f"{page_id}.html"
    path.write_text(html, "utf-8")
    run = subprocess.run([str(Path(sys.executable).with_name("audiocast")), "script", "--json", str(path)],
                         capture_output=True, text=True, cwd=tmp)
    if run.returncode:
        return ""
    return "\n".join(seg["text"] for seg in json.loads(run.stdout)["segments"])


def trafilatura_runs() -> dict[str, Callable[[str], str]]:
    import trafilatura

    return {
        "trafilatura": lambda html: trafilatura.extract(html, include_comments=False) or "",
        "traf. precision": lambda html: trafilatura.extract(html, include_comments=False, favor_precision=True) or "",
        "traf. recall": lambda html: trafilatura.extract(html, include_comments=False, favor_recall=True) or "",
    }


def half_of(page_id: str) -> str:
    return next(name for name, digits in HALVES.items() if page_id[0].lower() in digits)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("repo", type=Path, help="article-extraction-benchmark checkout or bare git directory")
    parser.add_argument("--no-baselines", action="store_true", help="skip the trafilatura runs")
    parser.add_argument("--worst", type=int, default=0, help="list the N develop pages where ours scores lowest")
    parser.add_argument("--via-cli", type=int, default=0, help="check N pages through `audiocast script --json`")
    parser.add_argument("--half", choices=("develop", "check", "all"), default="all")
    parser.add_argument("--dump", type=Path, help="write our develop-half bodies to this JSON file")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="aeb-") as tmp_name:
        tmp = Path(tmp_name)
        (tmp / "data").mkdir()
        (tmp / "pages").mkdir()
        root = unpack(args.repo, tmp / "data")
        scorer = load_scorer(root)
        truth = scorer.load_json(root / "ground-truth.json")
        ids = sorted(truth)
        if args.half != "all":
            ids = [i for i in ids if half_of(i) == args.half]
        pages = {i: gzip.open(root / "html" / f"{i}.html.gz", "rt", encoding="utf8").read() for i in ids}

        systems: dict[str, Callable[[str, str], str]] = {"audiocast": lambda html, i: ours(html, i, tmp / "pages")}
        if not args.no_baselines:
            systems.update({name: (lambda f: lambda html, i: f(html))(f) for name, f in trafilatura_runs().items()})
        bodies: dict[str, dict[str, str]] = {}
        seconds: dict[str, float] = {}
        for name, run in systems.items():
            start = time.perf_counter()
            bodies[name] = {i: run(pages[i], i) for i in ids}
            seconds[name] = time.perf_counter() - start

        if args.via_cli:
            for i in ids[:args.via_cli]:
                same = via_cli(pages[i], i, tmp / "pages") == bodies["audiocast"][i]
                print(f"via `audiocast script --json`: {i[:12]} {'same text' if same else 'DIFFERENT TEXT'}")

        groups = [(h, [i for i in ids if half_of(i) == h]) for h in HALVES] + [("all", ids)]
        print(f"{'system':<16} {'half':<8} {'pages':>5}  {'F1':>6} {'P':>6} {'R':>6}  {'s/page':>6}")
        for name in systems:
            for half, members in groups:
                if not members:
                    continue
                metrics = scorer.evaluate({i: truth[i] for i in members},
                                          {i: {"articleBody": bodies[name][i]} for i in members}, n_bootstrap=0)
                print(f"{name:<16} {half:<8} {len(members):>5}  {metrics['f1']:.4f} {metrics['precision']:.4f} "
                      f"{metrics['recall']:.4f}  {seconds[name] / len(ids):6.3f}")
        print(f"target: F1 >= {TARGET} on the check half")

        develop = [i for i in ids if half_of(i) == "develop"]
        if args.worst:
            rows = []
            for i in develop:
                tp, fp, fn = scorer.string_shingle_matching(truth[i]["articleBody"], bodies["audiocast"][i])
                row = [i[:12], scorer.precision_score(tp, fp, fn), scorer.recall_score(tp, fp, fn)]
                for name in systems:
                    if name != "audiocast":
                        t = scorer.string_shingle_matching(truth[i]["articleBody"], bodies[name][i])
                        row.append(2 * t[0] / max(1e-9, 2 * t[0] + t[1] + t[2]))
                rows.append(row)
            rows.sort(key=lambda r: 2 * r[1] * r[2] / max(1e-9, r[1] + r[2]))
            print("\nworst develop pages: id, P, R (ours), then F1 of each baseline")
            for row in rows[:args.worst]:
                print("  ".join([row[0]] + [f"{x:.3f}" for x in row[1:]]))
        if args.dump:
            args.dump.write_text(json.dumps({i: bodies["audiocast"][i] for i in develop}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
