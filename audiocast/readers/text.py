"""Plain-text articles: first non-empty line is the title, blank lines separate paragraphs (and so does each
line of a block that was saved unwrapped, one paragraph per line).

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


_WRAP_WIDTH = 80  # a block whose lines are mostly longer than this was saved unwrapped: a paragraph per line


def _paragraphs(text: str) -> list[str]:
    """Paragraphs at blank lines; a block of mostly long lines (text saved without wrapping) has one per line."""
    out: list[str] = []
    for block in _BLANK.split(text):
        lines = [line for line in block.split("\n") if line.strip()]
        if len(lines) > 1 and sum(len(line.rstrip()) > _WRAP_WIDTH for line in lines[:-1]) * 2 >= len(lines) - 1:
            out.extend(collapse(line) for line in lines)
        else:
            out.append(collapse(block))
    return out


@register(".txt")
def read_txt(path: Path) -> Article:
    """Read a plain-text article."""
    text = read_text(path)
    first_lines = text.strip().split("\n", 1)
    title = collapse(first_lines[0]).lstrip("#").strip()
    # The title is the first line, even when the next line follows without a blank line.
    rest = first_lines[1] if len(first_lines) > 1 else ""
    blocks = [b for b in _paragraphs(rest) if b]
    author = None
    if blocks:
        # A byline may share the block with the first paragraph's lines; test its first line.
        first_line = collapse(rest.strip().split("\n", 1)[0])
        author = parse_byline(first_line)
        if author:
            remainder = rest.strip().split("\n", 1)
            blocks = [b for b in _paragraphs(remainder[1] if len(remainder) > 1 else "") if b]
    return make_article(path, title=title, author=author, sections=[(None, blocks)], source_format="txt")
