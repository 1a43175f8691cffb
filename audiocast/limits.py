"""Bounds on what one article may hold, so a hostile or broken file fails alone with a clear error.

Each limit is documented in the README ("Guarantees"); exceeding one is a ReadError naming the file.
"""

from __future__ import annotations

MAX_ARTICLE_BYTES = 32 * 1024 * 1024  # a 20 MB article (about 3 million words) still builds
MAX_FRONT_MATTER_BYTES = 64 * 1024
MAX_YAML_ALIASES = 32  # front matter rarely uses any; a "billion laughs" needs many
MAX_JSON_DEPTH = 64  # JSON-LD nested deeper is ignored (real pages nest fewer than 10 levels)
MAX_TITLE_CHARS = 1_000
MAX_AUTHOR_CHARS = 1_000
MAX_DESCRIPTION_CHARS = 10_000


def json_depth(text: str) -> int:
    """The deepest bracket nesting in JSON ``text`` (brackets inside strings are skipped)."""
    depth = deepest = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth -= 1
    return deepest


def check_length(what: str, value: str | None, limit: int) -> str | None:
    """``None`` or a one-line reason when ``value`` is longer than ``limit`` characters."""
    if value is not None and len(value) > limit:
        return f"the {what} is {len(value):,} characters long (limit {limit:,})"
    return None
