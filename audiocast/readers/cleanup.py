"""Clean-up shared by every reader: bylines, boilerplate, and building the Article.

A listener should hear the article, not the page furniture around it: read-time
badges, share buttons, newsletter prompts, photo credits, "Related:" links and
the link lists that follow "Read These Next".  The patterns here are general
(they describe kinds of furniture, not one site's wording) and only ever drop
short lines, so a real paragraph that merely mentions a newsletter survives.
"""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from pathlib import Path
from typing import Iterable, Optional, Sequence

from audiocast.errors import ReadError
from audiocast.fsutil import slugify
from audiocast.limits import MAX_AUTHOR_CHARS, MAX_DESCRIPTION_CHARS, MAX_TITLE_CHARS, check_length
from audiocast.model import Article, Section

# --------------------------------------------------------------------------- text helpers

_WS = re.compile(r"\s+")
# C0/C1 controls that are not whitespace, and the private-use code points of icon fonts (a player's play button)
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f\ue000-\uf8ff]")
_END_PUNCT = re.compile(r"[.!?…:;][\"'”’)\]]*$")


def collapse(text: str) -> str:
    """Collapse runs of whitespace (including non-breaking spaces) to one space, drop control characters and icon
    glyphs, strip."""
    return _WS.sub(" ", _CONTROL.sub("", text.replace("\u00a0", " ").replace("\u200b", ""))).strip()


def as_sentence(text: str) -> str:
    """``text`` stripped and ending in punctuation, so a heading or list item is read as a sentence ("" stays "")."""
    text = text.strip()
    if not text:
        return ""
    return text if _END_PUNCT.search(text) else text + "."


def _key(text: str) -> str:
    """A loose comparison key: letters and digits only, lowercase."""
    return re.sub(r"[\W_]+", "", unicodedata.normalize("NFKC", text).casefold())


# --------------------------------------------------------------------------- bylines

_NAME_WORD = r"(?:[A-Z][\w'’.-]*|[A-Z]\.|(?:de|da|del|der|di|du|van|von|la|le|bin|al|el|dos|das)(?=\s))"
_NAME = rf"{_NAME_WORD}(?:\s+{_NAME_WORD}){{1,4}}"
_NAMES = rf"{_NAME}(?:\s*(?:,|&|\band\b)\s*{_NAME})*"
_READ_TIME = re.compile(
    r"(?:\bread(?:ing)?\s*time\s*:?\s*(?:\d+\s*(?:-\s*\d+\s*)?)?(?:min(?:ute)?s?\.?|m)?\b\.?"
    r"|\b\d+\s*(?:-\s*\d+\s*)?min(?:ute)?s?\.?\s+read\b\.?)",
    re.I,
)
_MONTHS = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|Oct(?:ober)?"
           r"|Nov(?:ember)?|Dec(?:ember)?)\.?(?!\w)")
_DATE = re.compile(
    rf"(?:{_MONTHS}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}|\d{{1,2}}\s+{_MONTHS},?\s+\d{{4}}"
    r"|\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{2,4})(?:,?\s*(?:at\s+)?\d{1,2}:\d{2}\s*(?:[ap]\.?m\.?)?(?:\s*[A-Z]{2,4})?)?",
    re.I,
)
_BY = re.compile(rf"^(?i:(?:(?:written|words|story|text|reporting)\s+)?by\s*:?)\s+({_NAMES})$")
_BARE = re.compile(rf"^({_NAMES})$")
_SEPARATORS = re.compile(r"\s*(?:[|•·]|—|–|\bon\b|\bupdated\b|\bpublished\b)\s*", re.I)


def parse_byline(line: str) -> Optional[str]:
    """The author named by a byline line, or None if ``line`` is not a byline.

    Accepts "by Jane Doe", "By Jane Doe | March 3, 2024", "Jane Doe READ TIME: 2 MIN.",
    "Jane Doe · 5 min read".  A bare name counts only next to a read time or a date,
    so a one-line subtitle is not mistaken for an author.
    """
    text = collapse(line)
    if not text or len(text) > 160:
        return None
    without_markers = _DATE.sub(" ", _READ_TIME.sub(" ", text))
    marker = without_markers != text  # the line held a read time or a date
    parts = [p for p in _SEPARATORS.split(collapse(without_markers)) if p and p.strip(" ,.")]
    if not parts:
        return None
    head = parts[0].strip(" ,;")
    rest_ok = all(len(p.strip(" ,.;")) <= 2 for p in parts[1:])
    by = _BY.match(head)
    if by and (rest_ok or marker or len(parts) <= 3):
        return by.group(1).strip()
    bare = _BARE.match(head)
    if bare and (marker or len(parts) > 1) and rest_ok:
        return bare.group(1).strip()
    return None


# --------------------------------------------------------------------------- boilerplate

_SHORT = 200  # a line longer than this is prose, never furniture

_BOILERPLATE = [re.compile(p, re.I) for p in (
    r"^(?:advertisement|advertising|sponsored(?: content)?|story continues below(?: advertisement)?|ad)\.?$",
    r"^(?:share|tweet|email|print|save|comment|comments|copy link|pin it|whatsapp|facebook|twitter|linkedin|reddit)"
    r"(?:\s*[|•·,/]\s*(?:share|tweet|email|print|save|comment|comments|copy link|pin it|whatsapp|facebook|twitter|linkedin|reddit))*$",
    r"^share(?:\s+(?:this|the))?(?:\s+(?:article|story|post|page|link))?(?:\s+(?:on|via|with)\s+[\w ]{1,30})?\W*$",
    r"^(?:sign up|subscribe|register|join)\b.{0,120}\b(?:newsletter|inbox|updates|mailing list|alerts)\b.*$",
    r"^(?:get|receive|want)\b.{0,80}\b(?:newsletter|in your inbox|delivered to your inbox)\b.*$",
    r"^.{0,60}\bnewsletter\b.{0,60}(?:sign up|subscribe|signup|here|now|today)\W*$",
    r"^(?:follow\s+(?:us|me|[\w .]{1,30}?)\s+(?:on|at)\s+(?:twitter|x|facebook|instagram|tiktok|linkedin|threads"
    r"|bluesky|mastodon|youtube)\b|like us on facebook|follow\s+@\w+).*$",
    r"^(?:\(\s*)?(?:all\s+|top\s+|main\s+)?(?:photo|photograph|image|picture|illustration|video|graphic)s?\s*(?:credits?)?"
    r"\s*(?::|©).*$",
    r"^(?:\(\s*)?(?:(?:top|main|lead|header)\s+)?(?:photo|photograph|image|picture|illustration|video|graphic|portrait)s?"
    r"\s+(?:by|courtesy of|via)\s+[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,4}(?:\s*[/,;|]\s*[^.!?]{0,50})?\)?\.?$",
    r"^(?:\(\s*)?(?:credit|courtesy|source)\s*:.*$",
    r"^.{0,80}/\s*(?:getty images|ap|afp|reuters|shutterstock|alamy|epa|istock)\)?\.?$",
    r"^(?:click|tap)\s+(?:here|on|the|this|to|for|below|above)\b.{0,150}$",
    r"^(?:©|\(c\)\s*\d|copyright\s*(?:©|\(c\)|\d{4}|by\b)).*$",
    r"^.{0,80}\ball rights reserved\b.*$",
    r"^(?:related|see also|more|read more|also read|read also|recommended|watch|listen|learn more)\s*:.*$",
    r"^(?:tags?|topics?|filed under|categories|category)\s*:.*$",
    r"^loading(?: comments)?\W*$",
    # a CMS shortcode the page never rendered: "[button link=”…”] Send us your review[/button]"
    r"^\[(\w+)\s+\w+\s*=[^\]]*\].{0,120}\[/\1\]$",
    # an agency's credits line: "Reporting by A; additional reporting by B; Editing by C" ("X contributed to this
    # report" stays: Readability's gold for the shared pages keeps it)
    r"^\(?(?:additional |further )?(?:reporting|writing|editing|research|compiled|produced)(?: and \w+)? by\b.*$",
    # link labels and counters: "Read more", "Continue reading the main story", "View photo", "Gallery: X | 14 Photos"
    r"^(?:read|see|show|load|view) (?:more|all|less)\b.{0,20}$|^continue reading\b.{0,40}$|^more\W*$|^\d+\W*$",
    r"^(?:view|see|open|enlarge) (?:the )?(?:photos?|images?|gallery|slideshow|video|comments?)\W*$",
    r"^(?:(?:photo )?gallery|slideshow)\s*:.{0,80}\|\s*\d+\s+(?:photos|images|pictures)\W*$",
    # a bracketed headline is a link to another story ("[Read: ...]"); a bracketed sentence may be the story's own
    r"^\[(?:(?:read|related|see|also|watch|listen|more)(?: also| more)?\s*:[^\[\]]{3,120}|[^\[\].!?]{5,120})\]$",
    # a video player's menus and dialogs: "subtitles off, selected", "This is a modal window."
    r"^(?:chapters|descriptions off|subtitles off|captions off|captions settings|subtitles settings|default|"
    r"audio track|quality|speed|normal)(?:,\s*selected)?\W*$",
    r"^(?:this is a modal window|beginning of dialog window|end of dialog window|escape will cancel)\b.{0,160}$",
    r"^(?:read time|reading time)\b.*$",
    # video players and overlays: "Now watching", "Next video starts in: 7", "this video is not available"
    r"^(?:now (?:watching|playing)|up next|next video(?: starts?)?(?: in)?|watch (?:next|again|now|live|the video)"
    r"|(?:re)?play(?: video| all)?|pause|mute|unmute|skip ad|full ?screen|close|cancel|autoplay(?: on| off)?)\b"
    r"\W*(?:\d+\W*)?(?:play|s|sec|seconds)?\W*$",
    r"^.{0,40}\b(?:this|the) (?:video|content|media|clip|player)\b.{0,80}\b(?:not available|unavailable|"
    r"is loading|could not be loaded|failed to load|not supported)\b.*$",
    # consent banners and paywall prompts
    r"^.{0,60}\b(?:we|this (?:site|website)|our (?:site|website|partners)) uses? cookies\b.*$",
    r"^(?:accept|reject|manage|allow)(?: all)? (?:cookies|preferences|choices|consent)\b.*$",
    r"^(?:already (?:a subscriber|have an account)|subscribe (?:now|today)|log ?in|sign ?in|create (?:a free )?account)"
    r"\b.{0,80}$",
)]

_DATELINE = re.compile(r"^(?:posted|published|updated|last updated|first published)\b\s*(?:on|at)?\s*:?", re.I)
_AGO = re.compile(r"\b\d+\s+(?:seconds?|minutes?|mins?|hours?|hrs?|days?|weeks?)\s+ago\b", re.I)
_CUT_MARKERS = re.compile(
    r"^(?:read these next|read next|up next|what to read next|related(?: articles?| stories| posts| content| reading| coverage)?"
    r"|more (?:from|on|in|stories|like this|to read)\b.*|recommended(?: for you| stories| reading)?|you (?:might|may) also like"
    r"|most (?:popular|read|viewed)|trending(?: now| stories)?|popular (?:now|stories)|comments?|leave a (?:comment|reply)"
    r"|join the conversation|featured slide shows?|related videos?|keep reading|further reading"
    r"|more (?:news|headlines|videos|coverage|top stories)|top (?:stories|headlines)|latest (?:news|stories|headlines)"
    r"|around the web|from (?:our|the) partners|editors[’']? picks|most shared|don[’']t miss"
    r"|(?:other|more|latest|recent|popular|top|related) (?:[\w-]+ ){0,2}(?:stories|columns|articles|news|posts|headlines"
    r"|videos|reads|features|galleries))\W*$",
    re.I,
)
_INLINE_CREDIT = re.compile(
    r"\s*\((?:photos?|images?|pictured|credit|illustration)\b[^()]{0,120}\)|\s*\([^()]{0,80}/\s*(?:getty images|ap|afp|reuters|shutterstock)\)",
    re.I,
)


def is_boilerplate(line: str) -> bool:
    """True for a short line that is page furniture, not article text."""
    text = collapse(line)
    if not text:
        return True
    if len(text) > _SHORT:
        return False
    core = text.strip(" *_#>-–—•·|")
    if not core:
        return True
    if _READ_TIME.fullmatch(core) or _READ_TIME.sub("", core).strip(" .:|") == "":
        return True
    dateline = _DATELINE.match(core)
    if dateline and not _AGO.sub("", _DATE.sub("", core[dateline.end():])).strip(" ,.|·•-–—:"):
        return True  # "Posted on April 21, 2015, at 11:29 a.m.", "Updated 3 hours ago"
    return any(p.match(core) for p in _BOILERPLATE)


# A sentence that asks the reader to do something on the page or elsewhere: subscribe, follow, click, share, write in.
_CALL_TO_ACTION = re.compile(
    r"^(?:sign up|subscribe|register|join|get)\b.{0,100}\b(?:newsletters?|inbox|e-?mail updates|alerts)\b"
    r"|\b(?:sign(?:ing)? up|subscrib(?:e|ing))\b.{0,100}\bnewsletters?\b|\bnewsletters?\b.{0,60}\b(?:sign up|subscribe)\b"
    r"|\b(?:click(?:ing)? (?:here|below|the link)|tap here)\b|\bshare (?:it|this(?: story| article| post)?) with\b"
    r"|\blike this (?:story|article|post)\?|^have a (?:news )?tip\?|\b(?:may|can) be reached at\b"
    r"|\bdelivered (?:to|through|straight to) your (?:inbox|letterbox|door)\b|^(?:download|get) (?:the|our) (?:free )?app\b"
    r"|^(?:get|unlock) (?:full |unlimited )?access to\b.{0,100}\b(?:for (?:as little as|just|only)|subscri|membership)"
    r"|^use (?:the )?(?:promo |coupon |discount )?code\b"
    r"|^follow (?:us|me|him|her|them|[\w.'’ ]{1,50}?) on (?:twitter|x|facebook|instagram|tiktok|linkedin|threads"
    r"|bluesky|mastodon|youtube)\b",
    re.I,
)
_SENTENCE_SPLIT = re.compile(r"(?<=[.!?…])[\"'”’)]*\s+")
MAX_PROMO_WORDS = 80  # a longer paragraph is the article's own prose even if it asks something of the reader


def promotion_share(paragraph: str) -> float:
    """The share of a short paragraph's sentences that call the reader to act ("Sign up for our newsletter.",
    "Follow her on Twitter @x."); 0 for a paragraph longer than a promotion."""
    if len(paragraph.split()) > MAX_PROMO_WORDS:
        return 0.0
    sentences = [t for t in _SENTENCE_SPLIT.split(paragraph) if t.strip()]
    return sum(1 for t in sentences if _CALL_TO_ACTION.search(t)) / max(1, len(sentences))


def is_cut_marker(line: str) -> bool:
    """True for a heading such as "Read These Next" that starts the trailing link list."""
    text = collapse(line).strip(" *_#>:-–—•·|")
    return len(text) <= 60 and bool(_CUT_MARKERS.match(text))


def strip_inline_credits(text: str) -> str:
    """Remove parenthesised photo credits inside a paragraph ("(Photo by X/Getty Images)")."""
    return collapse(_INLINE_CREDIT.sub("", text))


# --------------------------------------------------------------------------- building articles

def clean_sections(
    sections: Sequence[tuple[Optional[str], Sequence[str]]],
    *,
    title: str,
    author: Optional[str],
    description: Optional[str] = None,
    dek: Optional[str] = None,
) -> tuple[tuple[Section, ...], Optional[str]]:
    """Drop boilerplate, bylines, repeated titles and trailing link lists.

    ``description``: a leading paragraph equal to it is a teaser; ``dek``: a subhead equal to it is the page's
    summary set under the headline (``<h2 class="sub-head">``), not the title of a part.

    Returns the clean sections (empty ones removed) and the author, which a byline
    found among the first paragraphs may supply.
    """
    flat: list[tuple[int, str]] = [(i, p) for i, (_, paras) in enumerate(sections) for p in paras]
    total = len(flat)
    cut_at = total
    for pos, (_, para) in enumerate(flat):
        # A marker in the last part of the article ends it; earlier it is a box in the middle.
        if is_cut_marker(para) and pos >= total * 0.6:
            cut_at = pos
            break
    heading_cut = _heading_cut(sections, flat[:cut_at])
    kept: dict[int, list[str]] = {i: [] for i in range(len(sections))}
    skip_links = False
    seen_text = False
    for pos, (sec, para) in enumerate(flat[:cut_at]):
        if heading_cut is not None and sec >= heading_cut:
            break
        text = strip_inline_credits(para)
        if not text:
            continue
        if is_cut_marker(text):
            skip_links = True  # a "Related" box mid-article: skip it and its short link lines
            continue
        if skip_links:
            if len(text) < 120 and not re.search(r"[.!?…][\"'”’)]*$", text):
                continue
            skip_links = False
        if _key(text) == _key(title):
            continue  # the headline again (the intro says it), wherever the page repeats it
        if not seen_text:
            if _key(text) == _key(description or "") or (author and _key(text) == _key(author)):
                continue
            if len(text) < 60 and not _DATE.sub("", text).strip(" ,.|·•-–—"):
                continue  # a bare dateline under the title
            found = parse_byline(text)
            if found:
                author = author or found
                continue
        if is_boilerplate(text) or promotion_share(text) >= 0.5:
            continue
        if author and _is_signature(text, author):
            continue
        seen_text = True
        kept[sec].append(text)
    _drop_edge_promotions(kept)
    # A trailing "by Jane Doe" signature is not spoken (whoever it names).
    for sec in reversed(range(len(sections))):
        while kept[sec] and len(kept[sec][-1]) < 80 and parse_byline(kept[sec][-1]) and kept[sec][-1].lower().startswith("by"):
            kept[sec].pop()
        if kept[sec]:
            break
    out = []
    for i, (heading, _) in enumerate(sections):
        heading = collapse(heading) if heading else None
        if heading and (is_boilerplate(heading) or is_cut_marker(heading) or _key(heading) == _key(dek or "")):
            heading = None
        if kept[i]:
            # a subhead is read where a reader sees it, at the start of its part (it also titles the chapter)
            lead = [heading] if heading and _key(kept[i][0]) != _key(heading) else []
            out.append(Section(heading, tuple(lead + kept[i])))
    return tuple(out), author


EDGE_PARAGRAPHS = 2  # how many paragraphs at each end of an article a publisher's promotion takes


def _drop_edge_promotions(kept: dict[int, list[str]]) -> None:
    """Drop the paragraphs at either end of the article that ask the reader to act at all ("Start your day with X.
    … Sign up for the free daily newsletter."): at the edges a pitch is the publisher's, not the story's."""
    for end in (0, -1):
        for _ in range(EDGE_PARAGRAPHS):
            secs = [sec for sec in sorted(kept, reverse=end == -1) if kept[sec]]
            if len(secs) < 1 or sum(len(v) for v in kept.values()) <= 1:
                return
            paras = kept[secs[0]]
            if promotion_share(paras[end]) == 0:
                break
            paras.pop(end)


def _heading_cut(sections: Sequence[tuple[Optional[str], Sequence[str]]], flat) -> Optional[int]:
    """Index of the first section whose heading is a cut marker in the article's last part."""
    seen = 0
    total = max(1, len(flat))
    for i, (heading, paras) in enumerate(sections):
        if heading and is_cut_marker(heading) and seen >= total * 0.6:
            return i
        seen += len(paras)
    return None


def _is_signature(text: str, author: str) -> bool:
    byline = parse_byline(text)
    return bool(byline) and _key(byline) == _key(author)


def make_article(
    path: Path,
    *,
    title: str,
    author: Optional[str],
    sections: Sequence[tuple[Optional[str], Sequence[str]]],
    source_format: str,
    date: Optional[_dt.datetime] = None,
    description: Optional[str] = None,
    image: Optional[Path] = None,
    quote_hints: Iterable[str] = (),
    drop_standfirst: bool = False,
    empty_message: str = "no body text after the title",
    url: Optional[str] = None,
    order: Optional[float] = None,
) -> Article:
    """Clean ``sections`` and build the :class:`Article`; ReadError if no body text is left.

    ``drop_standfirst``: a leading paragraph equal to ``description`` is a page's teaser
    repeated above the article (HTML), not the author's own first paragraph.
    """
    title = collapse(title)
    if not title:
        raise ReadError("no title found", path)
    for what, value, limit in (("title", title, MAX_TITLE_CHARS), ("author", author, MAX_AUTHOR_CHARS),
                               ("description", description, MAX_DESCRIPTION_CHARS)):
        too_long = check_length(what, value, limit)
        if too_long:
            raise ReadError(too_long, path)
    clean, author = clean_sections(sections, title=title, author=author,
                                   description=description if drop_standfirst else None, dek=description)
    if not clean:
        raise ReadError(empty_message, path)
    hints = tuple(dict.fromkeys(h for h in (collapse(q) for q in quote_hints) if h))
    return Article(
        source=Path(path),
        slug=slugify(Path(path).stem),
        title=title,
        author=clean_author(author),
        sections=clean,
        date=date,
        description=collapse(description) if description else None,
        image=image,
        quote_hints=hints,
        source_format=source_format,
        url=url if url and re.match(r"^https?://\S+$", url) and len(url) <= MAX_TITLE_CHARS else None,
        order=order,
    )


def clean_author(author: Optional[str]) -> Optional[str]:
    """The names in a byline, comma-separated: no "By", dates, "Updated", job titles, links, editors or labels.

    "By Jane Doe and John Roe, Staff Writers | Updated March 3, 2024" -> "Jane Doe, John Roe";
    "Rob Stone Edited by Ann Lee" -> "Rob Stone" (an editor did not write the piece).
    """
    if not author:
        return None
    text = _ROLE_BY.sub("", collapse(author))
    text = re.sub(r"(?<=[^\W\d_])(?=\d)", " ", _LINK.sub(" ", text))  # "Jane Doe22 Dec 2016"
    names: list[str] = []
    for part in re.split(r"\s*(?:;|,|\||\band\b|&|\bwith\b)\s*", _DATE.sub("", text), flags=re.I):
        part = re.sub(r"^(?:(?:written|words|story|text|reporting)\s+)?by\s*:?\s+", "", part, flags=re.I).strip(" ,|:")
        part = _name_only(part)
        if part and _key(part) not in {_key(n) for n in names}:
            names.append(part)
    return ", ".join(names) or None


# "Edited by", "Photos by": whoever follows did not write the piece
_ROLE_BY = re.compile(r"\s*\b(?:edited|photo(?:graph)?s?|pictures|illustrations?|graphics|videos?|design|translated|"
                      r"reviewed|fact[- ]checked|compiled|produced|additional reporting)\s+by\b.*$", re.I)
_LINK = re.compile(r"\((?:[^()]*(?:https?:|www\.|@|/)[^()]*)\)|https?://\S+|www\.\S+|(?<!\w)@\w+")
_JOB_WORDS = re.compile(r"(?:staff|writer|reporter|correspondent|editor|columnist|contributor|producer|journalist|analyst"
                        r"|anchor|host|bureau|chief|senior|news|desk|team|photographer|critic|blogger|director|"
                        r"president|founder|ceo|manager|intern|fellow)s?", re.I)
# what goes before a job title: "Senior Political Reporter", "Games Editor", "Contributing Writer"
_BEAT_WORDS = re.compile(r"(?:contributing|associate|assistant|deputy|executive|managing|special|staff|senior|chief|lead"
                         r"|political|politics|business|technology|tech|science|health|games|gaming|sports?|culture|arts?"
                         r"|entertainment|travel|food|fashion|music|film|tv|media|foreign|national|international|metro"
                         r"|local|world|economics|economy|finance|legal|education|environment|climate|energy|opinion"
                         r"|video|digital|investigative|data|visual|features|lifestyle|books|global|white|house|and|&)",
                         re.I)
_CREDENTIAL = re.compile(r"(?:ma|ms|msc|ba|bsc|md|ph\.?d\.?|rn|mph|mba|jd|dds|pharmd|cpa|esq\.?|mbbs|frcp)", re.I)
# what a byline box says where no name is: "Follow Author", "Last Updated", "Author"
_LABEL_WORDS = re.compile(r"(?:by|author|authors|follow|written|posted|published|updated|last|share|view|profile|more"
                          r"|articles|stories|from|the|our|about|contact|email|bio|all|see|admin|edited)", re.I)
_DATE_WORDS = re.compile(rf"(?:\s+(?:{_MONTHS}|(?:mon|tues|wednes|thurs|fri|satur|sun)day|updated|published|posted"
                         r"|\d{1,2}:\d{2}|\d{1,4}(?:st|nd|rd|th)?|at|on|am|pm|a\.m\.|p\.m\.|[A-Z]{2,3}T))+\W*$", re.I)


def _name_only(part: str) -> Optional[str]:
    """A byline part without a glued date ("GILLIAN MOHNEY March") or job title ("Games Editor"); None if no name."""
    part = re.split(r"\s+[-–—]\s+", part)[0].strip(" ,|:")  # "Jane Doe - Senior Reporter"
    words = [w for w in part.split() if not re.search(r"\d", w)]  # a name has no digits
    while len(words) > 2 and _DATE_WORDS.fullmatch(" " + words[-1]):
        words.pop()
    while len(words) > 1 and _CREDENTIAL.fullmatch(words[-1]):
        words.pop()  # "Jane Doe PhD"
    # a job title after a name: cut from its first word ("Ben Stone Games Editor", "Ann Lee Senior Reporter")
    for k in range(2, len(words)):
        if _JOB_WORDS.fullmatch(words[k].strip(".,")):
            start = k
            while start > 2 and _BEAT_WORDS.fullmatch(words[start - 1]):
                start -= 1
            words = words[:start]
            break
    if not words or all(_DATE_WORDS.fullmatch(" " + w) or _CREDENTIAL.fullmatch(w) for w in words):
        return None  # "February", "MA": the tail of a byline split at a comma
    if all(_JOB_WORDS.fullmatch(w) or _BEAT_WORDS.fullmatch(w) or _LABEL_WORDS.fullmatch(w) for w in words):
        return None  # "Staff Writer", "Games Editor", "Follow Author", "Last Updated"
    return " ".join(words)


def parse_date(value: object) -> Optional[_dt.datetime]:
    """A timezone-aware datetime (UTC when none given) from a date, datetime or ISO string."""
    if value is None or value == "":
        return None
    if isinstance(value, _dt.datetime):
        result = value
    elif isinstance(value, _dt.date):
        result = _dt.datetime(value.year, value.month, value.day)
    else:
        text = str(value).strip().replace("Z", "+00:00")
        try:
            result = _dt.datetime.fromisoformat(text)
        except ValueError:
            for fmt in ("%B %d, %Y", "%b %d, %Y", "%d %B %Y", "%Y/%m/%d", "%a, %d %b %Y %H:%M:%S %z"):
                try:
                    result = _dt.datetime.strptime(text, fmt)
                    break
                except ValueError:
                    continue
            else:
                return None
    if result.tzinfo is None:
        result = result.replace(tzinfo=_dt.timezone.utc)
    return result
