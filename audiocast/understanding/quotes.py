"""Finding quoted speech: paragraphs, quote marks, and direct speech versus titles.

Works on raw text with character offsets so the same code serves articles and
the benchmark corpora.  Three steps:

1. :func:`split_paragraphs` cuts a document at blank lines (hard-wrapped lines
   inside a block are one paragraph) or, for unwrapped text, at single newlines;
2. :func:`scan_pieces` pairs straight and curly double quote marks inside each
   paragraph, deciding a mark's direction from its neighbours (curly glyphs are
   often typed the wrong way round), keeping nested quotes inside, running a quote
   on into the next paragraph when that paragraph opens with a mark again, and
   ending an unclosed quote at its paragraph end;
3. :func:`is_direct` tells direct speech (a quote that stands as its own
   sentence, or is introduced/followed by an attribution) from titles, scare
   quotes and fragments embedded in the narrator's sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

from audiocast.understanding.speakers import SPEECH_VERB_RE, attribution_after, sentence_end

DOUBLE_QUOTES = '"“”„‟«»＂'
_OPENING_GLYPHS = "“„‟«"
_CLOSING_GLYPHS = "”»"
# characters after which a mark opens / before which a mark closes
_OPEN_CONTEXT = "([{—–-/:;" + DOUBLE_QUOTES + "‘'"
_CLOSE_CONTEXT = ".,;:!?)]}—–-…" + DOUBLE_QUOTES + "’'"
_WRAP_WIDTH = 80  # lines at most this long inside a block are a hard-wrapped paragraph


@dataclass(frozen=True)
class Piece:
    """One quoted stretch inside one paragraph (offsets into the document).

    ``open_mark``/``close_mark`` are the mark positions (``close_mark`` is None
    when the quote runs to the paragraph end); ``start``/``end`` bound the text
    between them.  ``continued`` means the piece repeats the opening mark of a
    quote that ran over from the previous paragraph; ``runs_on`` that it goes on
    into the next one.
    """

    open_mark: int
    start: int
    end: int
    close_mark: Optional[int]
    paragraph: int
    continued: bool = False
    runs_on: bool = False


def split_paragraphs(text: str) -> list[tuple[int, int]]:
    """(start, end) of every non-empty paragraph, whitespace trimmed."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for block in re.split(r"(\n[ \t\r]*\n)", text):
        if block.strip() and not re.fullmatch(r"\n[ \t\r]*\n", block):
            lines = [(m.start() + pos, m.end() + pos) for m in re.finditer(r"[^\n]+", block)
                     if m.group().strip()]
            wrapped = len(lines) > 1 and max(e - s for s, e in lines[:-1]) <= _WRAP_WIDTH
            for s, e in ([(lines[0][0], lines[-1][1])] if wrapped else lines):
                s += len(text[s:e]) - len(text[s:e].lstrip())
                e -= len(text[s:e]) - len(text[s:e].rstrip())
                if e > s:
                    spans.append((s, e))
        pos += len(block)
    return spans


def _direction(text: str, i: int, lo: int, hi: int) -> Optional[str]:
    """'open', 'close' or None (undecided) for the quote mark at ``i``."""
    prev = text[i - 1] if i > lo else " "
    nxt = text[i + 1] if i + 1 < hi else " "
    can_open = not nxt.isspace() and (prev.isspace() or prev in _OPEN_CONTEXT)
    can_close = not prev.isspace() and (nxt.isspace() or nxt in _CLOSE_CONTEXT)
    if can_open and not can_close:
        return "open"
    if can_close and not can_open:
        return "close"
    if text[i] in _OPENING_GLYPHS:
        return "open"
    if text[i] in _CLOSING_GLYPHS:
        return "close"
    return None


def _starts_with_open(text: str, lo: int, hi: int) -> bool:
    return lo < hi and text[lo] in DOUBLE_QUOTES and _direction(text, lo, lo, hi) != "close" \
        or (lo < hi and text[lo] in _CLOSING_GLYPHS and lo + 1 < hi and not text[lo + 1].isspace())


def scan_pieces(text: str, paragraphs: list[tuple[int, int]]) -> list[Piece]:
    """All quoted pieces of ``text``, paragraph by paragraph, nested quotes kept inside."""
    pieces: list[Piece] = []
    carried = False  # the previous paragraph's quote runs on into this one
    for p, (lo, hi) in enumerate(paragraphs):
        depth, opened, continued = 0, -1, False
        first_open = True
        for i in range(lo, hi):
            if text[i] not in DOUBLE_QUOTES:
                continue
            d = _direction(text, i, lo, hi)
            if depth == 0:
                leading = not text[lo:i].strip()
                if d == "close" and not leading:
                    continue  # a stray closing mark
                depth, opened = 1, i
                continued = carried and first_open and leading
                first_open = False
            elif d == "open":
                depth += 1
            elif d == "close" or d is None:
                depth -= 1
                if depth == 0:
                    pieces.append(Piece(opened, opened + 1, i, i, p, continued))
        carried = False
        if depth > 0:
            runs_on = p + 1 < len(paragraphs) and _starts_with_open(text, *paragraphs[p + 1])
            pieces.append(Piece(opened, opened + 1, hi, None, p, continued, runs_on))
            carried = runs_on
    return [pc for pc in pieces if text[pc.start:pc.end].strip()]


# --------------------------------------------------------------------------- direct speech
_SMALL_WORDS = {"a", "an", "the", "of", "and", "or", "in", "on", "at", "to", "for", "with", "by", "from",
                "de", "la", "le", "du", "vs", "vs.", "&", "is", "as", "but", "nor", "into", "over", "up"}
_NOT_INTRO = re.compile(r"\b(?:that|to|as|if|whether|than|like|such as|called|calls|dubbed|titled|named|"
                        r"labeled|labelled|termed|about|of)\s*[,:]?\s*$", re.I)
_SENTENCE_END_BEFORE = re.compile(r"(?:^|[.!?…:;—–]|[.!?,]['’]?[" + DOUBLE_QUOTES + r"]|\s[-–—])\s*$")


def _title_like(content: str, full_stop: bool = False) -> bool:
    """Short text with every main word capitalised and no sentence-ending mark: a title or a name.

    ``full_stop``: a final full stop may be the narrator's, ending the sentence around the title
    ('his concert, "Girls, Girls, Girls."').
    """
    words = content.strip().rstrip(",").split()
    end = r"[!?…]" if full_stop and len(words) > 1 else r"[.!?…]"
    if not words or len(words) > 7 or re.search(end + r"['’]?\s*$", content.strip()):
        return False
    main = [w for w in words if w.lower() not in _SMALL_WORDS]
    return bool(main) and all(w[0].isupper() or w[0].isdigit() for w in main)


def intro_attribution(before: str, reach: int = 12) -> bool:
    """True when the narration just before a quote introduces it ("Trump said:", "He says").

    ``reach``: how many words back the speech verb may stand when a comma leads into the quote.
    """
    clause = re.split(r"[.!?;]\s", before)[-1]
    if _NOT_INTRO.search(clause):
        return False
    tail = clause.rstrip()
    if tail.endswith(":"):
        return True
    if re.search(r"\baccording to\s+[^,;:]{1,60},$", tail, re.I):
        return True  # 'According to Limbaugh, "If it was left up to her, ..."'
    if re.search(r"\b(?:statement|tweet|post|e-?mail|letter|message|memo|speech|remarks)s?,$", tail, re.I):
        return True  # 'Trump issued a statement, "Last night, our nation was attacked."'
    # 'Johnson said in an op-ed before the hearing, "The State Department ..."': the verb may be several words back,
    # but not when a that-clause follows it ('Rubio said that once the Senate goes on recess, "I intend ..."')
    words = tail.rstrip(",").split()[-reach:]
    verbs = [k for k, w in enumerate(words) if SPEECH_VERB_RE.fullmatch(w.strip(",").lower())]
    if not verbs or "that" in (w.lower() for w in words[verbs[-1] + 1:]):
        return False
    return tail.endswith(",") or verbs[-1] == len(words) - 1


def paragraph_intro(para: str) -> Optional[str]:
    """The introducing clause when a narration paragraph leads into a quote in the next one.

    "Mr. Bennet coolly observed," / "...and said to her--" / "Sir William thus began." /
    "He wrote:" : returns the text to look for the speaker in, else None.
    """
    tail = para.rstrip()
    if tail.endswith(":"):
        return tail
    if re.search(r"(?:--|[—–,])$", tail):
        tail = re.sub(r"(?:--|[—–])$", ",", tail)
        return tail if intro_attribution(tail) else None
    last = re.search(r"(\w+)\.$", tail)
    if last and SPEECH_VERB_RE.fullmatch(last.group(1).lower()):
        return tail
    return None




# '“Trump's hidden tax plan,” by Jane Doe:' is a work's title with its byline ('“…,” by Monday, he said' is not)
_BYLINE_AFTER = re.compile(r"[,\s]*by\s+(?:the\s+)?(?!(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day|January|February|March"
                           r"|April|May|June|July|August|September|October|November|December|Christmas|Easter)[A-Z]")


def _narration_goes_on(content: str, after: str) -> bool:
    """'“There's a sense of stability now,” and donations began to pick up': the comma ties the quote to a clause
    of the narrator's own sentence (when nothing introduced the quote, it is a fragment of that sentence)."""
    comma = bool(re.search(r",['’)\]]*$", content)) or after.startswith(",")
    return comma and bool(re.match(r",?\s+(?:and|but|in|as|while|which|who|adding|noting|even)\b", after))


def stage_direction(content: str) -> bool:
    """A wholly parenthesised text such as "(CROSSTALK)" or "(laughter.)": read by the narrator, not voiced."""
    return bool(re.fullmatch(r"\s*[(\[][^()\[\]]*[)\]]\.?\s*", content))


def is_direct(text: str, piece: Piece, para: tuple[int, int], prev_direct: Optional[Piece]) -> bool:
    """Whether ``piece`` is voiced direct speech rather than a title, scare quote or fragment.

    ``prev_direct`` is the previous direct piece of the same paragraph (a quote
    interrupted by its attribution goes on with a second piece).
    """
    lo, hi = para
    content = text[piece.start:piece.end].strip()
    words = content.split()
    if not words or not any(ch.isalnum() for ch in content):
        return False
    # only the narration near the mark matters; a bounded window keeps long paragraphs linear
    before = text[lo:piece.open_mark] if piece.open_mark - lo <= 400 else "x" + text[piece.open_mark - 400:piece.open_mark]
    after_end = piece.close_mark + 1 if piece.close_mark is not None else hi
    after = text[after_end:min(hi, after_end + 400)]
    if before.rstrip().endswith(("(", "[")) or re.fullmatch(r"\(.*\)\.?", content):
        return False  # parenthetical: a title or a gloss
    ends_sentence = bool(re.search(r"[.,!?…—–:;-]['’)\]]*$", content)) or piece.close_mark is None
    # an attribution only counts when punctuation ties it to the quote ("Meet the Press" host X said: a title)
    attributed_after = attribution_after(after) is not None and (ends_sentence or bool(re.match(r"\s*[,―—–-]", after)))
    introduced = intro_attribution(before)
    starts = bool(_SENTENCE_END_BEFORE.search(before)) or introduced or piece.continued
    if not starts and prev_direct is not None:
        # "A," she said, "b." : the second piece resumes after the attribution
        between = text[(prev_direct.close_mark or prev_direct.end) + 1:piece.open_mark]
        starts = bool(SPEECH_VERB_RE.search(between.lower())) and before.rstrip().endswith(",")
    if not starts:
        return False
    first = content.lstrip("…. [(‘'-—–")[:1]
    resumes = re.search(r"[,!?—–-][" + DOUBLE_QUOTES + r"]\s*([^" + DOUBLE_QUOTES + r"]{1,80})[,:;]\s*$", before)
    resumes = bool(resumes and SPEECH_VERB_RE.search(resumes.group(1).lower()))  # '"a," thought Alice, "b"'
    # '"… overall, I think he won," X concluded.': an elided sentence start, standing where a sentence begins
    elided = bool(re.match(r"(?:…|\.\.\.)", content)) and bool(_SENTENCE_END_BEFORE.search(before))
    if prev_direct is not None and first.islower():
        # '"A," Podesta added, "and b."' goes on; '"A," Trump said. Instead, "he acts…"' or '"A," Cruz replied,
        # adding that he thinks "children should…"' is a fragment worked into the narration
        between = text[(prev_direct.close_mark or prev_direct.end) + 1:piece.open_mark]
        narration = re.sub(r"\([^()]*\)", "", between).rstrip()
        resumes = sentence_end(narration) >= len(narration) - 1 \
            and bool(re.search(r"[,;:—–-]\s*$", between)) \
            or bool(re.match(r"(?:--|[—–])", content))  # '"…extremely--" … so she went on, "--likely to win."'
    if first.islower() and not (piece.continued or resumes or elided or before.rstrip().endswith(":")):
        return False  # 'Barrett said, "we were floored."': a partial quote worked into the narrator's sentence
    stands_alone = bool(re.match(r"\s*(?:$|[" + DOUBLE_QUOTES + r"(\[]|[-–—]?\s*[A-Z0-9])", after))
    if not (ends_sentence or attributed_after or stands_alone or introduced):
        return False
    if not (ends_sentence or attributed_after) and re.match(r"\s+[a-z]", after):
        return False  # 'reported “2,521 shooting incidents” in the city': the narrator's sentence goes on
    if _BYLINE_AFTER.match(after) or (_narration_goes_on(content, after) and not (
            attributed_after or introduced or prev_direct is not None)):
        return False
    # a title after a comma ('his concert, "Girls, Girls, Girls."') is only speech right after a speech verb
    if _title_like(content, full_stop=before.rstrip().endswith(",")) and not (
            attributed_after or before.rstrip().endswith(":") or intro_attribution(before, 5)):
        return False
    if len(words) == 1 and not (attributed_after or introduced) and not re.search(r"[.!?]$", content):
        return False
    return True
