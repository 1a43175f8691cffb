"""HTML article pages: main-text extraction with trafilatura, metadata from the page.

trafilatura finds the article among navigation, ads and comments and gives its
structure (paragraphs, h2/h3 headings, lists, quotes).  Title, author and date
come from the page's JSON-LD (schema.org ``NewsArticle``), then trafilatura's
metadata (og:/twitter:/meta tags, ``<title>``).  ``<blockquote>`` and ``<q>``
text becomes the article's quote hints.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Iterator, Optional

import lxml.html
from lxml import etree

from audiocast.errors import ReadError
from audiocast.limits import MAX_JSON_DEPTH, json_depth
from audiocast.model import Article
from audiocast.readers import register
from audiocast.readers.cleanup import as_sentence, collapse, make_article, parse_date
from audiocast.readers.decoding import decode, declared_html_charset, read_bytes
from audiocast.readers.continued import continuation, lead_before
from audiocast.readers.evidence import trim_to_core, unmark_boxes
from audiocast.readers.links import (drop_link_cards, is_link_headline, link_teasers, linked_blocks, loose_key,
                                     unwrap_posts)

_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
_LONG_HEADING = 120  # a "heading" longer than this is a paragraph set in large type


@register(".html", ".htm")
def read_html(path: Path) -> Article:
    """Read the main article of an HTML page."""
    data = read_bytes(path)
    text = decode(data, path, declared=declared_html_charset(data))
    try:
        tree = lxml.html.document_fromstring(_XML_DECL.sub("", text, count=1))
    except (etree.ParserError, ValueError):
        raise ReadError("not an HTML page (cannot be parsed)", path) from None
    if _depth(tree) >= MAX_HTML_DEPTH:  # libxml2 stops nesting there and drops what lies deeper
        raise ReadError(f"the page nests elements {MAX_HTML_DEPTH} or more levels deep; text below that is lost "
                        "to the HTML parser", path)
    # React pages put <!-- --> between text runs; trafilatura would drop the text after them.
    etree.strip_tags(tree, etree.Comment)
    ld = _json_ld_article(tree)
    unwrap_posts(tree)
    drop_link_cards(tree)
    hints = [_text(el) for el in tree.xpath("//blockquote | //q")]
    page_title = collapse(tree.findtext(".//title") or "")
    doc, strict = _extract(tree)
    if doc is None or doc.body is None or not collapse(doc.text or ""):
        raise ReadError("no article text found", path)
    url = _canonical(tree, ld)
    linked = linked_blocks(tree, url)
    sections = _sections(doc.body, linked)
    h1s = [_text(h) for h in tree.xpath("//h1")]
    title = _choose_title(ld, collapse(doc.title or ""), page_title, h1s, sections)
    core: list[str] = []
    if strict is not None and strict.body is not None:
        core_sections = _sections(strict.body)
        core = [p for _, paras in core_sections for p in paras]
        sections = trim_to_core(sections, core_sections, title)
    teasers = link_teasers(tree, url)
    sections = [(heading, [p for p in paras if not is_link_headline(p, linked) and loose_key(p) not in teasers])
                for heading, paras in sections]
    sections += continuation(tree, [p for _, paras in sections for p in paras], title)
    sections = unmark_boxes(sections, title)
    lead = lead_before(tree, [p for _, paras in sections for p in paras], title)
    if lead:
        sections[0:0] = [(None, [lead])]  # equal to the description, it is dropped as a teaser like any other lead
    words = sum(len(p.split()) for _, paras in sections for p in paras)
    if words < MIN_ARTICLE_WORDS:
        # what is left of a page with no article is menu links ("Home"), not something to read aloud
        raise ReadError("no article text found", path)
    if not title:
        first_h1 = tree.xpath("//h1")
        title = _text(first_h1[0]) if first_h1 else ""
    if not title:
        raise ReadError("no title found (no <title>, <h1> or og:title)", path)
    author = (_ld_author(ld.get("author")) or _meta_author(tree) or _real_name(collapse(doc.author or ""))
              or _byline_markup(tree) or None)
    date = parse_date(_ld_str(ld.get("datePublished")) or doc.date)
    description = _ld_str(ld.get("description")) or collapse(doc.description or "") or None
    # A lead paragraph equal to the page's description is a teaser above the article, unless the precision pass
    # read it as part of the article (many sites make the article's own first paragraph the description).
    teaser = not (description and any(_key(p) == _key(description) for p in core))
    return make_article(
        path, title=title, author=author, sections=sections, source_format="html",
        date=date, description=description, quote_hints=[h for h in hints if h], drop_standfirst=teaser,
        empty_message="no article text found", url=url,
    )


def _choose_title(ld: dict, extracted: str, page_title: str, h1s: list[str], sections) -> str:
    """The headline: JSON-LD's, else the extractor's, else ``<title>`` -- unless the page itself says otherwise.

    Two mistakes are caught by evidence from the page: a JSON-LD headline that no other
    source repeats while JSON-LD's name is the page's ``<h1>`` (a one-line description
    put in "headline"), and an extracted title taken from an ``<h1>`` that names a section
    of the site ("Allergies Health Center") while ``<title>`` is what the article is about.
    """
    headline, name = _ld_str(ld.get("headline")), _ld_str(ld.get("name"))
    h1_keys = {_key(h) for h in h1s}
    if headline and name and _key(name) in h1_keys and not any(
            _key(headline) in k for k in (_key(page_title), _key(extracted), *h1_keys)):
        return name
    if headline or name:
        return headline or name or ""
    if extracted and page_title and _key(extracted) in h1_keys and _key(extracted) not in _key(page_title):
        body = [p for _, paras in sections for p in paras]
        if _coverage(page_title, body) >= 0.67 and _coverage(extracted, body) < 0.34:
            return page_title
    return extracted or page_title


def _key(text: str) -> str:
    return re.sub(r"[\W_]+", "", text.casefold())


def _coverage(title: str, body: list[str]) -> float:
    """The share of a title's words (of four letters or more) that the article's text uses."""
    title_words = {w for w in re.findall(r"[^\W\d_]{4,}", title.casefold())}
    if not title_words:
        return 0.0
    body_words = set(re.findall(r"[^\W\d_]{4,}", " ".join(body).casefold()))
    return len(title_words & body_words) / len(title_words)


def _canonical(tree, ld: dict) -> Optional[str]:
    """Where the page is published: ``<link rel="canonical">``, else og:url, else the JSON-LD url."""
    for found in (tree.xpath("//link[@rel='canonical']/@href"), tree.xpath("//meta[@property='og:url']/@content")):
        if found and str(found[0]).strip():
            return str(found[0]).strip()
    return _ld_str(ld.get("url"))


MIN_ARTICLE_WORDS = 12
MAX_HTML_DEPTH = 256  # libxml2's nesting limit


def _depth(tree: Any) -> int:
    """How deep elements nest (in one pass)."""
    depth = deepest = 0
    for event, _ in etree.iterwalk(tree, events=("start", "end")):
        depth += 1 if event == "start" else -1
        deepest = max(deepest, depth)
    return deepest


def _extract(tree: Any) -> tuple[Any, Any]:
    """trafilatura's Document for the page (a recall-oriented pass for short pages) and its precision pass.

    The precision pass is only used as evidence of where the article starts and ends
    (:func:`trim_to_core`); the text itself comes from the first pass.
    """
    import trafilatura  # imported on first use: it costs ~0.1 s, which a .txt-only build need not pay

    options = dict(with_metadata=True, include_comments=False, include_tables=True, include_images=False)
    doc = trafilatura.bare_extraction(_copy(tree), **options)
    if doc is None or not collapse(getattr(doc, "text", "") or ""):
        return trafilatura.bare_extraction(_copy(tree), favor_recall=True, **options), None
    # the precision pass is read for its paragraphs only: without metadata it skips the page-wide date search
    strict = trafilatura.bare_extraction(_copy(tree), favor_precision=True, **{**options, "with_metadata": False})
    return doc, strict


def _copy(tree: Any) -> Any:
    # trafilatura prunes the tree it is given; keep ours intact for the second pass.
    return lxml.html.document_fromstring(lxml.html.tostring(tree, encoding="unicode"))


_BLOCKS = {"p", "head", "list", "quote", "table", "div"}
_INLINE = {"hi", "ref", "lb", "span", "del", "a", "b", "i", "em", "strong"}


def _sections(body: Any, linked: frozenset[str] = frozenset()) -> list[tuple[Optional[str], list[str]]]:
    """Trafilatura's XML body as (heading, paragraphs) sections; lists of links to other pages (``linked``) left out."""
    sections: list[tuple[Optional[str], list[str]]] = [(None, [])]
    _walk_blocks(body, sections, linked)
    return sections


def _walk_blocks(parent: Any, sections: list[tuple[Optional[str], list[str]]], linked: frozenset[str]) -> None:
    """Append the blocks under ``parent``; loose text between them becomes paragraphs too."""
    loose: list[str] = [parent.text or ""]

    def flush() -> None:
        text = collapse("".join(loose))
        if text:
            sections[-1][1].append(text)
        loose.clear()

    for el in parent:
        tag = el.tag
        if tag in _INLINE:
            loose.append(_text(el) if tag != "lb" else " ")
            loose.append(el.tail or "")
            continue
        flush()
        if tag == "head":
            heading = _text(el)
            level = (el.get("rend") or "h2").lower()
            if heading and level in ("h2", "h3") and len(heading) <= _LONG_HEADING:
                sections.append((heading, []))
            elif heading:
                sections[-1][1].append(heading)  # h1 (the title, dropped later) or h4+ lines
        elif tag == "list":
            raw = [t for t in (_text(item) for item in el.iter("item")) if t]
            items = [as_sentence(t) for t in raw]
            if len(raw) >= 2 and all(is_link_headline(t, linked) for t in raw):
                pass  # a list of other stories' headlines
            elif items:
                sections[-1][1].append(" ".join(items))
        elif tag == "table":
            for row in el.iter("row"):
                cells = list(row.iter("cell"))
                if any(child.tag in _BLOCKS for cell in cells for child in cell):
                    for cell in cells:  # a layout table holding the article itself
                        _walk_blocks(cell, sections, linked)
                    continue
                line = ", ".join(c for c in (_text(cell) for cell in cells) if c)
                if line:
                    sections[-1][1].append(as_sentence(line))
        elif tag in ("quote", "div") and any(child.tag in _BLOCKS for child in el):
            _walk_blocks(el, sections, linked)
        elif tag not in ("graphic", "image"):
            para = _text(el)
            if para:
                sections[-1][1].append(para)
        loose.append(el.tail or "")
    flush()


def _text(el: Any) -> str:
    """Text of an element with line breaks as spaces, whitespace collapsed."""
    parts: list[str] = []
    for node in el.iter():
        if node.tag in ("lb", "br"):
            parts.append(" ")
        elif node is not el and isinstance(node.tag, str) and node.tag in ("p", "div", "li", "item", "cell"):
            parts.append(" ")
        if node.text and isinstance(node.tag, str):
            parts.append(node.text)
        if node is not el and node.tail:
            parts.append(node.tail)
    return collapse("".join(parts))



# --------------------------------------------------------------------------- JSON-LD

_ARTICLE_TYPES = re.compile(r"(Article|BlogPosting|Posting|Report)$")


def _json_ld_article(tree: Any) -> dict[str, Any]:
    """The first schema.org Article-like object in the page's JSON-LD, or {}; too deeply nested JSON-LD is removed."""
    for script in tree.xpath('//script[@type="application/ld+json"]'):
        raw = (script.text or "").strip()
        raw = re.sub(r"^\s*(?://\s*)?<!\[CDATA\[|(?://\s*)?\]\]>\s*$", "", raw).strip()
        raw = re.sub(r"^<!--|-->$", "", raw).strip()
        if json_depth(raw) > MAX_JSON_DEPTH:  # would overflow the JSON parsers (ours and the extractor's)
            script.getparent().remove(script)
            continue
        try:
            data = json.loads(raw, strict=False)
        except (ValueError, RecursionError):
            continue
        for obj in _walk(data):
            types = obj.get("@type")
            types = types if isinstance(types, list) else [types]
            if any(isinstance(t, str) and _ARTICLE_TYPES.search(t) for t in types):
                return obj
    return {}


def _walk(data: Any) -> Iterator[dict[str, Any]]:
    if isinstance(data, dict):
        yield data
        for value in data.values():
            if isinstance(value, (dict, list)):
                yield from _walk(value)
    elif isinstance(data, list):
        for item in data:
            yield from _walk(item)


def _ld_str(value: Any) -> Optional[str]:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("name") or value.get("@value")
    if not isinstance(value, str):
        return None
    text = collapse(lxml.html.fromstring(f"<p>{value}</p>").text_content()) if "&" in value or "<" in value else collapse(value)
    return text or None


# What a page's account widget says where an author's name would be ("Username" on a Washington Post page).
_PLACEHOLDER_AUTHORS = frozenset("username user admin administrator author anonymous unknown guest webmaster root "
                                 "login account".split())


def _real_name(author: str) -> Optional[str]:
    """``author`` unless it is an account placeholder rather than a person's or an outlet's name."""
    return None if not author or author.lower().strip(" .:") in _PLACEHOLDER_AUTHORS else author


# in order of trust: Dublin Core's creator names a person more often than "author", which some sites fill with their name
_AUTHOR_META = ("dc:creator", "dc.creator", "dcterm:creator", "dcterms.creator", "author", "byl", "parsely-author",
                "sailthru.author", "article:author")


def _meta_author(tree: Any) -> Optional[str]:
    """The author as the page's own ``<meta name="author">`` (or a like name) gives it; the extractor's copy drops
    its punctuation ("Bradley M Kuhn http; Ebb Org" for "Bradley M. Kuhn (http://ebb.org/bkuhn/)")."""
    found: dict[str, str] = {}
    for meta in tree.xpath("//meta[@content and (@name or @property)]"):
        value = collapse(meta.get("content") or "")
        if not value or re.match(r"^(?:https?:|www\.)", value) or not _real_name(value):
            continue
        for key in f"{meta.get('name') or ''} {meta.get('property') or ''}".lower().split():
            found.setdefault(key, value)
    return next((found[key] for key in _AUTHOR_META if key in found), None)


def _byline_markup(tree: Any) -> Optional[str]:
    """The author named by the page's own byline markup: ``rel="author"``, ``itemprop="author"`` or a "byline" class."""
    from audiocast.readers.cleanup import parse_byline

    for el in tree.xpath('//*[@rel="author" or @itemprop="author" or contains(@class, "byline")]'):
        text = _text(el)
        name = parse_byline(text) or (parse_byline(f"By {text}") if text and len(text) < 60 else None)
        if name and _real_name(name):
            return name
    return None


def _ld_author(value: Any) -> Optional[str]:
    values = value if isinstance(value, list) else [value]
    names = [n for n in (_ld_str(v) for v in values if v) if n]
    return ", ".join(dict.fromkeys(names)) or None
