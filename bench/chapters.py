"""Chapter planning time against the number of paragraphs (issue 11: it must scale ~linearly).

Plans a synthetic article of N short paragraphs (no headings: the dynamic programme and the
titles from paragraph text) with paragraph timings as the stitcher reports them, and prints
seconds, seconds per 1,000 paragraphs and the ratio to the smallest N: linear planning keeps the
per-1,000 figure flat.  Run: .venv/bin/python bench/chapters.py [N ...]
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

from audiocast.audio.chapters import plan_chapters
from audiocast.model import Article, Script, Section, Segment


def synthetic(n: int, seed: int = 11) -> tuple[Script, list, int]:
    rng = random.Random(seed)
    words = "harbour council wall storm winter repair money plan vote street market river school".split()
    paragraphs = [" ".join(rng.choice(words) for _ in range(rng.randint(4, 30))).capitalize() + "."
                  for _ in range(n)]
    article = Article(source=Path("big.txt"), slug="big", title="Big", author="A B",
                      sections=(Section(None, tuple(paragraphs)),))
    segments = [Segment("narration", "Intro.", part="intro")]
    segments += [Segment("narration", p, section=0, paragraph=i) for i, p in enumerate(paragraphs)]
    segments.append(Segment("narration", "Outro.", part="outro"))
    marks, t = [("intro", 0, 0, 0)], 6_000
    for i, p in enumerate(paragraphs):
        marks.append(("body", 0, i, t))
        t += 400 * len(p.split()) + 700
    marks.append(("outro", 0, 0, t))
    return Script(article=article, segments=tuple(segments)), marks, t + 8_000


def main(sizes: list[int]) -> None:
    base = None
    print("| paragraphs | chapters | seconds | s per 1k paragraphs | ratio to smallest (per 1k) |")
    print("|---|---|---|---|---|")
    for n in sizes:
        script, marks, duration = synthetic(n)
        t0 = time.perf_counter()
        chapters = plan_chapters(script, marks, duration)
        seconds = time.perf_counter() - t0
        per_k = seconds / n * 1000
        base = base or per_k
        print(f"| {n:,} | {len(chapters):,} | {seconds:.2f} | {per_k:.3f} | {per_k / base:.2f}× |", flush=True)


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [1_000, 8_000, 74_000])
