"""PolNeAR direct-quote gold rebuilt from the BRAT ``.ann`` files, a diagnostic beside the derived file's gold.

``gold_direct_quotes_<split>.jsonl`` (the gold the held-out score uses) loses real direct quotes in three ways:

- a relation whose content the annotator cut into spans so that no span holds both marks
  (``“He unites the party. | He checks our boxes,” Viguerie adds``) is not in the file at all: the derivation
  looked for a ``“…”`` inside each span;
- a quote interrupted by its tag that the annotator gave as a second argument (``E7 … Content:T29 Content2:T33``)
  keeps only its first piece: ``Content2`` arguments were not read;
- a record flagged ``is_pure_direct_quote`` is scored by its ``quoted_segments``, which miss a straight-quoted
  piece whose marks fall in different spans.

:func:`records` reads the primary annotator's file (the first alphabetically, as the derived file does) and
returns every relation with all its content arguments, in the derived file's field names, so
``bench/quotes.py``'s ``direct_pieces`` applies to it unchanged.
"""

from __future__ import annotations

from pathlib import Path


def _spans(field: str) -> list[list[int]]:
    """'Content 788 833;834 892' -> [[788, 833], [834, 892]]."""
    return [[int(a), int(b)] for a, b in (part.split() for part in field.split(" ", 1)[1].split(";"))]


def records(data: Path, split: str, article: str) -> list[dict]:
    """Every attribution relation of the primary annotator of ``article`` (content, source and cue spans)."""
    anns = sorted((data / "polnear" / split / "attributions").glob(f"{article}_*.ann"))
    if not anns:
        return []
    spans: dict[str, list[list[int]]] = {}
    relations: list[list[tuple[str, str]]] = []
    for line in anns[0].read_text(encoding="utf-8").splitlines():
        cols = line.split("\t")
        if len(cols) < 2:
            continue
        if cols[0].startswith("T"):
            spans[cols[0]] = _spans(cols[1])
        elif cols[0].startswith("E"):
            relations.append([tuple(arg.split(":", 1)) for arg in cols[1].split()[1:]])
    out = []
    for args in relations:
        rec: dict[str, list[list[int]]] = {"content_spans": [], "source_spans": [], "cue_spans": []}
        for role, tid in args:
            key = {"Content": "content_spans", "Source": "source_spans", "Cue": "cue_spans"}.get(role.rstrip("0123456789"))
            if key and tid in spans:
                rec[key] += spans[tid]
        if rec["content_spans"]:
            rec["content_spans"].sort()
            out.append(rec)
    return out
