"""Score quotes and speakers on LitBank's quotation layer: 100 novel excerpts, a second novel set beside PDNC.

LitBank's ``*_brat.txt`` is tokenised one sentence per line, without paragraphs, and paragraphs are what
dialogue turns hang on; so the excerpt is cut from the book's own text (LitBank's ``original/<name>.txt``, same
commit 3e50db0 as ``../shared/evaldata/litbank_quotations``; pass its folder with ``--original``) and the gold
quote tokens are aligned to it.  Scored, through ``find_quotes`` as for PDNC:

- quote-span recall and precision (token-Jaccard >= 0.5, one-to-one, marks stripped; only up to the last
  annotated token);
- speaker accuracy over matched quotes whose gold speaker is named (the entity id "Mrs_Bennet-7" holds a
  capitalised name other than "I"/"Narrator"): right when the predicted name shares a word (minus titles);
  split by how the speaker was found (explicit tag, pronoun, continued/guess = turn-taking);
- the same, strict (closer to PDNC's exact match): every predicted word is in the gold name and the titles agree;
- turn agreement: over consecutive matched quotes in different paragraphs, whether "same speaker or not"
  agrees with the gold (what decides whether a voice changes).

    .venv/bin/python bench/litbank.py --original DIR [--errors N]
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from audiocast.understanding.segment import find_quotes  # noqa: E402
from quotes import match, name_tokens, norm_span  # noqa: E402

_CANON = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "`": "'", "—": "-", "–": "-"})


def align(tokens: list[str], text: str) -> list[tuple[int, int] | None]:
    """Character span of each token in ``text`` (None when it cannot be found close by), in order."""
    canon = text.translate(_CANON)
    spans: list[tuple[int, int] | None] = []
    pos = 0
    for tok in tokens:
        t = tok.translate(_CANON)
        while pos < len(text) and text[pos].isspace():
            pos += 1
        if canon.startswith(t, pos):
            spans.append((pos, pos + len(t)))
            pos += len(t)
            continue
        k = canon.find(t, pos, pos + 200)
        if k < 0 and t in ('"', "'"):  # "``" / "''" marks the book may not have
            spans.append(None)
            continue
        if k < 0:
            spans.append(None)
            continue
        spans.append((k, k + len(t)))
        pos = k + len(t)
    return spans


def load(tsv: Path, original: Path, name: str):
    """(excerpt text, [(span, speaker id)]) or None when the book text is missing or nothing aligns."""
    book = original / f"{name}.txt"
    if not book.is_file():
        return None
    text = book.read_text(encoding="utf-8")
    lines = (tsv / f"{name}_brat.txt").read_text(encoding="utf-8").split("\n")
    flat: list[str] = []
    where: dict[tuple[int, int], int] = {}
    for i, line in enumerate(lines):
        for j, tok in enumerate(line.split()):
            where[(i, j)] = len(flat)
            flat.append(tok)
    spans = align(flat, text)
    speakers: dict[str, str] = {}
    quotes: list[tuple[str, int, int]] = []
    for row in (tsv / f"{name}_brat.ann").read_text(encoding="utf-8").splitlines():
        f = row.split("\t")
        if f[0] == "QUOTE":
            quotes.append((f[1], where[(int(f[2]), int(f[3]))], where[(int(f[4]), int(f[5]))]))
        elif f[0] == "ATTRIB":
            speakers[f[1]] = f[2]
    gold = []
    for qid, a, b in quotes:
        s = next((spans[k] for k in range(a, b + 1) if spans[k]), None)
        e = next((spans[k] for k in range(b, a - 1, -1) if spans[k]), None)
        if s and e and qid in speakers:
            gold.append(((s[0], e[1]), speakers[qid]))
    last = max((sp[1] for sp in spans if sp), default=0)
    end = text.find("\n\n", last)
    return text[:end if end > 0 else len(text)], gold, last


def gold_name(entity: str) -> str | None:
    """"Mrs_Bennet-7" -> "Mrs Bennet"; None for an unnamed speaker ("a_girl", "I", "Narrator")."""
    name = re.sub(r"-\d+$", "", entity).replace("_", " ").strip()
    words = [w for w in name.split() if w[:1].isupper() and w not in ("I", "Narrator", "THE")]
    return name if words and name_tokens(name) else None


_HONORIFICS = {"mr", "mrs", "miss", "ms", "dr", "sir", "lady", "lord"}


def strict_match(pred: str, gold: str) -> bool:
    """Closer to PDNC's exact alias match: every word of the prediction is a word of the gold name, and their
    Mr./Mrs./Miss... agree ("Bennet" is neither "Mr Bennet" nor "Mrs Bennet"; "Fifteen-year-old Jo" is not "Jo")."""
    def words(name: str) -> list[str]:
        return re.findall(r"[a-z0-9]+", name.lower().replace("’s", "").replace("'s", "").replace("_", " "))
    p, g = words(pred), words(gold)
    if p[:1] == ["the"]:
        p = p[1:]
    title = lambda ws: next((w for w in ws if w in _HONORIFICS), None)  # noqa: E731
    return bool(p) and set(p) <= set(g) and title(p) == title(g) and bool(set(p) - _HONORIFICS)


def score(tsv: Path, original: Path, show_errors: int = 0) -> dict:
    names = sorted(p.name[:-len("_brat.ann")] for p in tsv.glob("*_brat.ann") if p.stat().st_size)
    tp = fp = fn = 0
    by_how: Counter = Counter()
    ok_how: Counter = Counter()
    strict_ok = 0
    turns = turns_ok = books = 0
    errors: list[str] = []
    for name in names:
        loaded = load(tsv, original, name)
        if loaded is None:
            continue
        books += 1
        text, gold, last = loaded
        preds = [q for q in find_quotes(text) if q.start <= last]
        pspans = [norm_span(text, q.start, q.end) for q in preds]
        gspans = [norm_span(text, s, e) for (s, e), _ in gold]
        m = match(gspans, pspans, text)
        tp += len(m)
        fp += len(pspans) - len(m)
        fn += len(gspans) - len(m)
        prev = None
        for i in sorted(m):
            q = preds[m[i]]
            entity = gold[i][1]
            gname = gold_name(entity)
            if gname:
                how = {"explicit": "explicit", "pronoun": "pronoun"}.get(q.how, "turn-taking")
                good = bool(name_tokens(q.speaker or "") & name_tokens(gname))
                by_how[how] += 1
                ok_how[how] += good
                strict_ok += strict_match(q.speaker or "", gname)
                if not good and show_errors:
                    errors.append(f"LB {name[:24]} {how}: gold={entity!r} pred={q.speaker!r} "
                                  f"{text[gspans[i][0]:gspans[i][1]][:50]!r}")
            if prev is not None and prev[0].paragraph != q.paragraph:
                turns += 1
                turns_ok += (prev[1] == entity) == (prev[0].speaker == q.speaker and q.speaker is not None)
            prev = (q, entity)
    n = sum(by_how.values())
    return {"books": books, "P": tp / (tp + fp) if tp + fp else 0.0, "R": tp / (tp + fn) if tp + fn else 0.0,
            "named": n, "named_acc": sum(ok_how.values()) / n if n else 0.0,
            "strict_acc": strict_ok / n if n else 0.0,
            "by_how": {h: (ok_how[h] / by_how[h], by_how[h]) for h in by_how},
            "turns": turns, "turn_acc": turns_ok / turns if turns else 0.0, "errors": errors}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "evaldata")
    ap.add_argument("--original", type=Path, required=True, help="LitBank's original/ folder (book texts)")
    ap.add_argument("--errors", type=int, default=0)
    ap.add_argument("--as-novel", action="store_true",
                    help="score every excerpt as the whole novel it comes from is read: in story mode "
                         "(coref.is_story), which a 2,000-word excerpt often falls short of")
    args = ap.parse_args()
    if args.as_novel:
        import audiocast.understanding.segment as segment

        segment.is_story = lambda text, paras: True
    t = time.perf_counter()
    r = score(args.data / "litbank_quotations" / "tsv", args.original, args.errors)
    print("\n".join(r["errors"][:args.errors]))
    print(f"LitBank ({r['books']} excerpts): quote P {r['P']:.3f} R {r['R']:.3f}; named-speaker accuracy "
          f"{r['named_acc']:.3f} (n {r['named']}), strict {r['strict_acc']:.3f}; " + ", ".join(f"{h} {a:.3f} (n {k})" for h, (a, k) in
                                                                 sorted(r["by_how"].items()))
          + f"; turn agreement {r['turn_acc']:.3f} (n {r['turns']}); {time.perf_counter() - t:.1f} s")


if __name__ == "__main__":
    main()
