"""Markdown articles: YAML front matter, ``#`` title, ``##``/``###`` sections.

Parsed with markdown-it-py (CommonMark plus tables), then rendered to plain
spoken text: emphasis dropped, links keep their text, images, raw HTML and
code blocks dropped, list items and table rows become sentences.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Optional

import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token

from audiocast.errors import ReadError
from audiocast.limits import MAX_FRONT_MATTER_BYTES, MAX_YAML_ALIASES
from audiocast.model import Article
from audiocast.readers import register
from audiocast.readers.cleanup import as_sentence, collapse, make_article, parse_date
from audiocast.readers.decoding import read_text

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
_MD = MarkdownIt("commonmark").enable(["table", "strikethrough"])


@register(".md", ".markdown")
def read_markdown(path: Path) -> Article:
    """Read a Markdown article with optional YAML front matter."""
    text = read_text(path)
    meta, body = split_front_matter(text, path)
    tokens = _MD.parse(body)
    title: Optional[str] = _meta_str(meta, "title")
    sections: list[tuple[Optional[str], list[str]]] = [(None, [])]
    hints: list[str] = []
    list_items: list[str] = []
    list_depth = 0
    quote_depth = 0
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok.type == "heading_open":
            heading = collapse(render_inline(tokens[i + 1]))
            level = int(tok.tag[1])
            if level == 1 and title is None:
                title = heading
            elif level == 1 and _same(heading, title):
                pass  # the front matter's title repeated as a heading
            elif level <= 3:
                sections.append((heading, []))
            elif heading:
                sections[-1][1].append(as_sentence(heading))
            i += 3
            continue
        if tok.type in ("bullet_list_open", "ordered_list_open"):
            list_depth += 1
        elif tok.type in ("bullet_list_close", "ordered_list_close"):
            list_depth -= 1
            if list_depth == 0 and list_items:
                sections[-1][1].append(" ".join(list_items))
                list_items = []
        elif tok.type == "blockquote_open":
            quote_depth += 1
        elif tok.type == "blockquote_close":
            quote_depth -= 1
        elif tok.type == "inline" and tokens[i - 1].type == "paragraph_open":
            para = collapse(render_inline(tok))
            if para:
                if list_depth:
                    list_items.append(as_sentence(para))
                else:
                    sections[-1][1].append(para)
                    if quote_depth:
                        hints.append(para)
        elif tok.type == "tr_open":
            cells = []
            i += 1
            while tokens[i].type != "tr_close":
                if tokens[i].type == "inline":
                    cells.append(collapse(render_inline(tokens[i])))
                i += 1
            row = ", ".join(c for c in cells if c)
            if row:
                sections[-1][1].append(as_sentence(row))
        # fence, code_block, html_block, hr: not spoken
        i += 1
    if title is None:
        title = path.stem.replace("-", " ").replace("_", " ").strip().capitalize()
    image = _meta_str(meta, "image")
    image_path = None
    if image and not re.match(r"^[a-z]+://", image):
        image_path = path.parent / image
        if not image_path.is_file():
            raise ReadError(f"front matter image not found: {image}", path)
    return make_article(
        path,
        title=title,
        author=_meta_str(meta, "author") or _meta_str(meta, "authors"),
        sections=sections,
        source_format="md",
        date=parse_date(meta.get("date")),
        description=_meta_str(meta, "description") or _meta_str(meta, "summary"),
        image=image_path,
        quote_hints=hints,
        url=_meta_str(meta, "url"),
        order=_order(meta.get("order"), path),
    )


def split_front_matter(text: str, path: Path) -> tuple[dict[str, Any], str]:
    """``(metadata, body)``; a front matter block that is not a YAML mapping is a ReadError."""
    match = _FRONT_MATTER.match(text.lstrip("\ufeff"))
    if not match:
        return {}, text
    if len(match.group(1)) > MAX_FRONT_MATTER_BYTES:
        raise ReadError(f"front matter is longer than {MAX_FRONT_MATTER_BYTES:,} characters", path)
    try:
        meta = yaml.load(match.group(1), Loader=_BoundedLoader) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 2})" if mark is not None else ""
        raise ReadError(f"invalid YAML front matter{where}: {getattr(exc, 'problem', None) or exc}", path) from None
    except (ValueError, OverflowError, RecursionError) as exc:  # e.g. "date: 2024-13-45"
        raise ReadError(f"invalid value in YAML front matter: {exc}", path) from None
    if not isinstance(meta, dict):
        raise ReadError("front matter is not a YAML mapping of keys to values", path)
    return {str(k).lower(): v for k, v in meta.items()}, text[match.end():]


class _BoundedLoader(yaml.SafeLoader):
    """yaml.safe_load's loader, refusing more than MAX_YAML_ALIASES aliases (a 600-byte alias bomb is 2.8 GB)."""

    aliases = 0

    def compose_node(self, parent, index):  # type: ignore[no-untyped-def]
        if self.check_event(yaml.AliasEvent):
            self.aliases += 1
            if self.aliases > MAX_YAML_ALIASES:
                raise yaml.YAMLError(f"more than {MAX_YAML_ALIASES} aliases (*name)")
        return super().compose_node(parent, index)


def render_inline(token: Token) -> str:
    """Plain text of an inline token: markup dropped, link text kept, images dropped."""
    out: list[str] = []
    for child in token.children or ():
        if child.type in ("text", "code_inline"):
            out.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            out.append(" ")
        # image, html_inline and the *_open/*_close markers say nothing
    return "".join(out)


def _same(a: str, b: Optional[str]) -> bool:
    return b is not None and re.sub(r"\W+", "", a).casefold() == re.sub(r"\W+", "", b).casefold()



def _order(value: Any, path: Path) -> Optional[float]:
    """Front matter ``order`` (an article's place in an edition): a number, or a ReadError."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value:
        raise ReadError(f"front matter order must be a number, got {value!r}", path)
    return float(value)


def _meta_str(meta: dict[str, Any], key: str) -> Optional[str]:
    value = meta.get(key)
    if value is None:
        return None
    if isinstance(value, (list, tuple)):
        value = ", ".join(str(v) for v in value if v)
    elif isinstance(value, dict):
        value = value.get("name")
    value = collapse(str(value)) if value is not None else ""
    return value or None
