"""Plain-text articles: first non-empty line is the title, blank lines separate paragraphs.

An optional byline right after the title ("by Jane Doe", "Jane Doe READ TIME: 2 MIN.",
"By Jane Doe | March 3, 2024") becomes the author.
"""

from __future__ import annotations

import re
from pathlib import Path

from audiocast.model import Article
from audiocast.readers import register
from audiocast.readers.cleanup import collapse, make_article, parse_byline
from audiocast.readers.decoding import read_text

_BLANK = re.compile(r"\n\s*\n")


@register(".txt")
def read_txt(path: Path) -> Article:
    """Read a plain-text article."""
    text = read_text(path)
    first_lines = text.strip().split("\n", 1)
    title = collapse(first_lines[0]).lstrip("#").strip()
    # The title is the first line, even when the next line follows without a blank line.
    rest = first_lines[1] if len(first_lines) > 1 else ""
    blocks = [collapse(b) for b in _BLANK.split(rest)]
    blocks = [b for b in blocks if b]
    author = None
    if blocks:
        # A byline may share the block with the first paragraph's lines; test its first line.
        first_line = collapse(rest.strip().split("\n", 1)[0])
        author = parse_byline(first_line)
        if author:
            remainder = rest.strip().split("\n", 1)
            blocks = [collapse(b) for b in _BLANK.split(remainder[1] if len(remainder) > 1 else "")]
            blocks = [b for b in blocks if b]
    return make_article(path, title=title, author=author, sections=[(None, blocks)], source_format="txt")
