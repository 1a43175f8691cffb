"""Links to other pages of the same site set as paragraphs: another story's headline, not this story's text.

News pages drop the headlines of their other stories into the article ("SEAN SPICER
ELIMINATED FROM 'DANCING WITH THE STARS'", "SEE MORE: Hong Kong protests: …", a list
of "15 Amazing Images of Stars").  The extractor keeps them because they sit among the
paragraphs.  The page itself says what they are: the block's text is a link (bar a
label of a few words) to another page of the same site, and it reads as a headline
(no closing punctuation), not as a sentence.
"""

from __future__ import annotations

import re
from typing import Any, Optional
from urllib.parse import urlsplit

from audiocast.readers.cleanup import collapse

MAX_LABEL_WORDS = 3  # "SEE MORE:", "Also on rt.com": the words a link to another story may carry besides its title
MIN_HEADLINE_WORDS = 4  # shorter links are names in the story's own text ("Beachbody Performance Energize", "[CNET]")
MAX_BLOCK_CHARS = 300  # a longer block is prose with links in it
MAX_TEASER_CHARS = 600  # a block inside a link longer than this is a page laid out inside one link, not a teaser
_SENTENCE_END = re.compile(r"[.!?…:;][\"'”’»)\]]*$")
_LINK_BLOCKS = ("p", "li", "h2", "h3", "h4", "h5", "h6", "dd", "dt", "a")  # "a": a link laid out as a box


def loose_key(text: str) -> str:
    """Letters and digits only, case folded: the same text however the extractor spaced or punctuated it."""
    return re.sub(r"[\W_]+", "", text.casefold())


def _split(url: str):
    try:
        return urlsplit(url)
    except ValueError:  # "http://[::1/x": a malformed address is no evidence either way
        return None


def _host(url: str) -> str:
    parts = _split(url)
    host = (parts.hostname if parts else None) or ""
    return host[4:] if host.startswith("www.") else host


def same_site(href: str, site: str) -> bool:
    """True for a link to another page of the site (relative, or on the site's own host); not for an anchor in this
    page, a script or mail link, or another site (a bug tracker, a sister site)."""
    href = href.strip()
    if not href or href.startswith("#") or re.match(r"(?i)(?:javascript|mailto|tel):", href):
        return False
    parts = _split(href)
    if parts is None:
        return False
    if not parts.netloc:
        return True
    return bool(site) and _host(href) == site


def linked_blocks(tree: Any, url: Optional[str] = None) -> frozenset[str]:
    """Loose keys of the page's short blocks (paragraphs, list items, headings) whose text is a link to another page
    of the site ``url`` belongs to, bar a label of a few words."""
    site = _host(url) if url else ""
    out = set()
    for el in tree.iter(*_LINK_BLOCKS):
        links = [collapse(a.text_content()) for a in el.iter("a") if same_site(a.get("href") or "", site)]
        if not any(links):
            continue
        text = collapse(el.text_content())
        if len(text) > MAX_BLOCK_CHARS:
            continue
        rest = text
        for link in links:
            rest = rest.replace(link, " ", 1)
        if len(rest.split()) <= MAX_LABEL_WORDS and sum(map(len, links)) >= 0.5 * len(text):
            out.add(loose_key(text))
    return frozenset(out)


def link_teasers(tree: Any, url: Optional[str] = None) -> frozenset[str]:
    """Loose keys of the prose blocks a page sets inside a link to another of its pages: a sidebar's or a rail's
    teaser ("<a href=/guide/x><p>Night mode is an automatic setting ...</p></a>"), read as a whole other story's
    summary.  A story's own paragraph is never one link box (it may hold links, but not sit inside one)."""
    site = _host(url) if url else ""
    out = set()
    for a in tree.iter("a"):
        if not same_site(a.get("href") or "", site):
            continue
        for el in a.iter("p", "div", "li"):
            text = collapse(el.text_content())
            if len(text.split()) >= MIN_HEADLINE_WORDS and len(text) <= MAX_TEASER_CHARS:
                out.add(loose_key(text))
    return frozenset(out)


def is_link_headline(paragraph: str, linked: frozenset[str]) -> bool:
    """True for a paragraph that is only a link to another page of the site, set as a headline (no closing
    punctuation, at least a headline's length): another story's title."""
    return (not _SENTENCE_END.search(paragraph) and len(paragraph.split()) >= MIN_HEADLINE_WORDS
            and loose_key(paragraph) in linked)


MIN_CARD_LINKS = 3  # an inline box with this many links, and little else, inside a sentence is a hover card
MAX_CARD_OWN_SHARE = 0.2  # ... when no more than this share of its text is not link text


def drop_link_cards(tree: Any) -> None:
    """Remove, in place, the hover cards a page hides inside a sentence: an inline box in a paragraph that holds
    a list of links to other stories ("Ilhan Omar<span class=card><img>Ilhan Omar Hillicon Valley: … MORE</span>
    said"), shown on hover and never read as part of the sentence.  The sentence keeps its own words and links."""
    for box in reversed(list(tree.iter("span"))):  # the innermost first: a card, not the name it hangs on
        if box.getparent() is None or not any(anc.tag == "p" for anc in box.iterancestors()):
            continue
        links = [collapse(a.text_content()) for a in box.iter("a")]
        text = collapse(box.text_content())
        if len([t for t in links if t]) < MIN_CARD_LINKS or not text:
            continue
        own = len(text) - sum(map(len, links))
        if own <= MAX_CARD_OWN_SHARE * len(text) and len(text) < 0.8 * len(_paragraph_text(box)):
            box.drop_tree()  # keeps the box's tail: the rest of the sentence


def _paragraph_text(box: Any) -> str:
    para = next(anc for anc in box.iterancestors() if anc.tag == "p")
    return collapse(para.text_content())


_EMBED_BOX = re.compile(r"embed|social|tweet|twitter", re.I)
_URL_TEXT = re.compile(r"^(?:https?://|www\.|pic\.twitter\.com/)\S*$", re.I)


def unwrap_posts(tree: Any) -> None:
    """Make the posts a story quotes (``<blockquote class="twitter-tweet">``) plain block quotes, in place.

    The extractor drops every "social"/"embed" box, and with it a tweet the story is
    about.  The post's words and its "— Name (@handle) date" line stay; the links
    spelled as addresses ("https://t.co/…", "pic.twitter.com/…") go, as nobody wants
    them read aloud.
    """
    for post in tree.xpath("//blockquote[contains(@class, 'twitter-tweet')]"):
        for link in list(post.iter("a")):
            if _URL_TEXT.match(collapse(link.text_content())):
                link.drop_tree()
        post.attrib.pop("class", None)
        box = post.getparent()
        while box is not None and _EMBED_BOX.search(f"{box.get('class') or ''} {box.get('id') or ''}"):
            for name in ("class", "id"):
                box.attrib.pop(name, None)
            box = box.getparent()
