"""Text as a newsreader would say it, and sentence splitting for synthesis.

:func:`to_speech` turns display text into the words an engine should say:
"$5.2 million" -> "five point two million dollars", "1987" -> "nineteen
eighty-seven", "example.com/news" -> "example dot com slash news", "Mr." ->
"Mister".  Numbers are spelled with num2words (American style, no "and").
The output holds no digits, URLs or abbreviations that a second pass would
change again, so running it twice does no harm.

:func:`split_sentences` cuts a paragraph into sentences without breaking at
"Mr.", "U.S.", "e.g.", initials, decimals or ellipses, and chops overlong
sentences at clause boundaries so no engine call gets a 3,000-word line.
"""

from __future__ import annotations

import re
from typing import Callable

from num2words import num2words

# --------------------------------------------------------------------------- number words


def _clean(words: str) -> str:
    """num2words output in American newsreader style: no "and", no commas."""
    return re.sub(r"\band\s+", "", words.replace(",", "")).replace("  ", " ").strip()


def cardinal(n: int | float | str) -> str:
    """Cardinal number words ("1,000" -> "one thousand", "3.25" -> "three point two five")."""
    text = str(n).replace(",", "")
    if "." in text:
        whole, frac = text.split(".", 1)
        head = _clean(num2words(int(whole or 0)))
        return f"{head} point {' '.join(_clean(num2words(int(d))) for d in frac)}"
    return _clean(num2words(int(text)))


def ordinal(n: int | str) -> str:
    """Ordinal words ("21" -> "twenty-first")."""
    return _clean(num2words(int(str(n).replace(",", "")), to="ordinal"))


def year(n: int | str) -> str:
    """A year as said aloud ("1987" -> "nineteen eighty-seven", "2008" -> "two thousand eight")."""
    value = int(n)
    if 2000 <= value <= 2009:
        return cardinal(value)
    if value % 100 == 0 and value % 1000 != 0:
        return f"{cardinal(value // 100)} hundred"
    return _clean(num2words(value, to="year"))


def _plural(words: str) -> str:
    """Plural of the last number word ("eighty" -> "eighties", "hundred" -> "hundreds")."""
    if words.endswith("y"):
        return words[:-1] + "ies"
    if words.endswith("x"):
        return words + "es"
    return words + "s"


# --------------------------------------------------------------------------- tables

_ABBREVIATIONS = {
    "Mr": "Mister", "Mrs": "Missus", "Ms": "Miz", "Messrs": "Messieurs", "Prof": "Professor",
    "Sen": "Senator", "Rep": "Representative", "Gov": "Governor", "Gen": "General", "Lt": "Lieutenant",
    "Col": "Colonel", "Capt": "Captain", "Sgt": "Sergeant", "Cmdr": "Commander", "Adm": "Admiral",
    "Rev": "Reverend", "Hon": "Honorable", "Pres": "President", "Supt": "Superintendent", "Det": "Detective",
    "Insp": "Inspector", "Gens": "Generals", "Sens": "Senators", "Reps": "Representatives",
}
_TITLE_ONLY = {"Dr": ("Doctor", "Drive"), "St": ("Saint", "Street"), "Mt": ("Mount", "Mount"), "Ft": ("Fort", "Fort")}
_PLAIN = {
    "vs.": "versus", "v.": "versus", "e.g.": "for example", "i.e.": "that is", "etc.": "et cetera",
    "approx.": "approximately", "Inc.": "Incorporated", "Corp.": "Corporation",
    "Ltd.": "Limited", "Co.": "Company", "Ave.": "Avenue", "Blvd.": "Boulevard", "Jr.": "Junior", "Sr.": "Senior",
    "Dept.": "Department", "Univ.": "University", "Assn.": "Association", "Bros.": "Brothers",
}
_MONTHS = {
    "jan": "January", "feb": "February", "mar": "March", "apr": "April", "may": "May", "jun": "June",
    "jul": "July", "aug": "August", "sep": "September", "sept": "September", "oct": "October",
    "nov": "November", "dec": "December",
}
_MONTH_NAMES = ("January|February|March|April|May|June|July|August|September|October|November|December"
                "|Jan\\.|Feb\\.|Mar\\.|Apr\\.|Jun\\.|Jul\\.|Aug\\.|Sept?\\.|Oct\\.|Nov\\.|Dec\\.")
_CURRENCIES = {"$": ("dollar", "dollars", "cent", "cents"), "£": ("pound", "pounds", "penny", "pence"),
               "€": ("euro", "euros", "cent", "cents"), "¥": ("yen", "yen", "sen", "sen"),
               "₹": ("rupee", "rupees", "paisa", "paise")}
_SCALES = {"k": "thousand", "thousand": "thousand", "m": "million", "mn": "million", "million": "million",
           "b": "billion", "bn": "billion", "billion": "billion", "t": "trillion", "tn": "trillion",
           "trillion": "trillion"}
_UNITS = {
    "km": "kilometers", "km/h": "kilometers per hour", "kph": "kilometers per hour", "mph": "miles per hour",
    "kg": "kilograms", "cm": "centimeters", "mm": "millimeters", "lb": "pounds", "lbs": "pounds", "oz": "ounces",
    "bn": "billion", "tn": "trillion", "GB": "gigabytes", "MB": "megabytes", "TB": "terabytes", "sq ft": "square feet",
}
_FRACTIONS = {"½": "one half", "¼": "one quarter", "¾": "three quarters", "⅓": "one third", "⅔": "two thirds"}
_TLDS = "com|org|net|gov|edu|io|co|uk|us|ca|au|de|fr|info|news|tv|ly|me|ai|app|dev|eu|int|mil|biz"

_URL = re.compile(r"\b(?:[Hh][Tt][Tt][Pp][Ss]?://|[Ww][Ww][Ww]\.)[^\s<>\"”’)]+"
                  rf"|\b[A-Za-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.(?:{_TLDS})\b(?:/[^\s<>\"”’)]*)?")
_EMAIL = re.compile(r"\b[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+\b")
_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"


# --------------------------------------------------------------------------- rules

def _say_url(match: re.Match) -> str:
    raw = match.group(0)
    tail = ""
    while raw and raw[-1] in ".,;:!?'’":
        tail = raw[-1] + tail
        raw = raw[:-1]
    raw = re.sub(r"^https?://", "", raw, flags=re.I).rstrip("/")
    raw = re.sub(r"[?#].*$", "", raw)  # query strings and fragments are not read out
    raw = re.sub(r"^www\.", "w w w.", raw, flags=re.I)
    names = {".": " dot ", "/": " slash ", "-": " dash ", "_": " underscore ", "@": " at ", ":": " colon ",
             "~": " tilde ", "=": " equals ", "&": " and ", "+": " plus "}
    spoken = "".join(names.get(ch, ch) for ch in raw)
    return re.sub(r"\s+", " ", spoken).strip() + tail


def _say_money(match: re.Match) -> str:
    symbol, amount, scale = match.group("sym"), match.group("amt"), (match.group("scale") or "").lower()
    one, many, sub_one, sub_many = _CURRENCIES[symbol]
    value = amount.replace(",", "")
    if scale:
        return f"{cardinal(value)} {_SCALES[scale]} {many}"
    if "." in value:
        whole, cents = value.split(".", 1)
        if len(cents) == 2:
            w, c = int(whole or 0), int(cents)
            parts = []
            if w:
                parts.append(f"{cardinal(w)} {one if w == 1 else many}")
            if c:
                parts.append(f"{cardinal(c)} {sub_one if c == 1 else sub_many}")
            return " and ".join(parts) or f"zero {many}"
        return f"{cardinal(value)} {many}"
    return f"{cardinal(value)} {one if int(value) == 1 else many}"


def _say_time(match: re.Match) -> str:
    hour, minute, suffix = int(match.group(1)), int(match.group(2)), match.group(3) or ""
    if hour > 23 or minute > 59:
        return match.group(0)
    if minute == 0:
        words = f"{cardinal(hour)}" + ("" if suffix else " o'clock")
    elif minute < 10:
        words = f"{cardinal(hour)} oh {cardinal(minute)}"
    else:
        words = f"{cardinal(hour)} {cardinal(minute)}"
    if suffix:
        words += " AM" if suffix.lower().startswith("a") else " PM"
    return words


def _say_decade(match: re.Match) -> str:
    century, decade = match.group(1), match.group(2)
    if century:
        full = int(century + decade + "0")
        if full % 1000 == 0:
            return f"{cardinal(full // 1000)} thousands"
        if full % 100 == 0:
            return f"{cardinal(full // 100)} hundreds"
        return f"{cardinal(int(century))} {_plural(cardinal(int(decade + '0')))}"
    return _plural(cardinal(int(decade + "0")))


def _say_date(match: re.Match) -> str:
    month = match.group("month").rstrip(".")
    month = _MONTHS.get(month.lower()[:4] if month.lower().startswith("sept") else month.lower()[:3], month)
    day = int(match.group("day"))
    return f"{month} {ordinal(day)}" if 1 <= day <= 31 else match.group(0)


def _spoken_date(match: re.Match, y: int, m: int, d: int) -> str:
    """"March fifth, twenty twenty-four" for a valid month and day, else the text as written."""
    if not (1 <= m <= 12 and 1 <= d <= 31):
        return match.group(0)
    month = list(dict.fromkeys(_MONTHS.values()))[m - 1]
    return f"{month} {ordinal(d)}, {year(y)}"


def _say_iso_date(match: re.Match) -> str:
    y, m, d = (int(g) for g in match.group(1, 2, 3))
    return _spoken_date(match, y, m, d)


def _say_phone(match: re.Match) -> str:
    groups = [g for g in match.groups() if g]
    return ", ".join(" ".join("zero" if d == "0" else cardinal(d) for d in group) for group in groups)


def _say_us_date(match: re.Match) -> str:
    m, d, y = (int(g) for g in match.group(1, 2, 3))
    return _spoken_date(match, y, m, d)


def _say_fraction(match: re.Match) -> str:
    num, den = int(match.group(1)), int(match.group(2))
    if num == 0 or num >= den * 3:
        return f"{cardinal(num)} out of {cardinal(den)}"  # a score, not a fraction: "7/10"
    name = "half" if den == 2 else "quarter" if den == 4 else ordinal(den)
    return f"{cardinal(num)} {name if num == 1 else _plural(name) if not name.endswith('f') else 'halves'}"


def _say_number(match: re.Match) -> str:
    text = match.group(0)
    plain = text.replace(",", "")
    if re.fullmatch(r"\d{4}", text) and 1100 <= int(text) <= 2099:
        return year(text)
    if len(plain.split(".")[0]) > 15:
        return " ".join(cardinal(d) for d in plain if d.isdigit())  # a serial number, digit by digit
    return cardinal(plain)


def _final_stop(match: re.Match) -> str:
    """Keep a sentence's full stop when an abbreviation's dot was also its end."""
    return "." if not match.string[match.end():].strip(" \"'”’)") else ""


def _abbrev(match: re.Match) -> str:
    word = match.group(1)
    if word in _ABBREVIATIONS:
        return _ABBREVIATIONS[word]
    title, place = _TITLE_ONLY[word]
    # "Dr. Jones", "St. Louis" are titles; "Main St." / "Mulholland Dr." are places.
    return title if match.group(2) else place


# Words that usually begin a sentence, for telling "the U.S. Army" from "the U.S. The ...".
_STARTERS_LIST = (
    "The", "A", "An", "He", "She", "It", "They", "We", "I", "You", "But", "And", "This", "That", "These", "Those",
    "There", "In", "On", "At", "Its", "His", "Her", "Their", "Our", "So", "Yet", "Still", "However", "Then", "When",
    "If", "As", "After", "Before", "Meanwhile", "Now", "What", "Why", "How", "Who",
)

_RULES: list[tuple[re.Pattern, str | Callable[[re.Match], str]]] = [
    (re.compile(r"[\u00a0\u2009\u202f]"), " "),
    (_EMAIL, lambda m: _say_url(m)),
    (_URL, _say_url),
    # dates and times before plain numbers
    (re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b"), _say_iso_date),
    (re.compile(r"\b(\d{1,2}):(\d{2})(?:\s*([ap]\.?\s?m\b\.?|[AP]M\b))?", re.I), _say_time),
    (re.compile(r"\b([ap])\.m\.(?=\s|$|[,;:!?)\"”’])", re.I), lambda m: m.group(1).upper() + "M"),
    (re.compile(r"\b(\d{1,2})\s?([ap])\.?m\b\.?", re.I), lambda m: f"{cardinal(m.group(1))} {m.group(2).upper()}M"),
    (re.compile(rf"\b(?P<month>{_MONTH_NAMES})\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\b(?!:|\d|,\d)"), _say_date),
    # phone numbers, digit by digit in groups: 800-273-8255, (202) 555-0143
    (re.compile(r"(?<![\w-])(?:(1)[-.\s])?(?:\((\d{3})\)\s?|(\d{3})[-.])(\d{3})[-.](\d{4})\b"), _say_phone),
    # money, percentages, ranges
    (re.compile(rf"(?P<sym>[$£€¥₹])\s?(?P<amt>{_NUM})(?:\s?(?P<scale>thousand|million|billion|trillion|mn|bn|tn|[kmbt])\b)?", re.I),
     _say_money),
    (re.compile(rf"({_NUM})\s?%"), lambda m: f"{cardinal(m.group(1))} percent"),
    (re.compile(r"\b(\d{4})\s?[–—-]\s?(\d{2})\b(?![\d%])"),
     lambda m: f"{m.group(1)} to {m.group(1)[:2]}{m.group(2)}" if int(m.group(2)) > int(m.group(1)[2:]) else m.group(0)),
    (re.compile(rf"(?<![\w-])({_NUM})\s?[–—]\s?({_NUM})(?![\w])"), r"\1 to \2"),
    (re.compile(r"(?<![\w.])(\d{4})\s?-\s?(\d{4})\b"), r"\1 to \2"),
    # decades, ordinals, fractions
    (re.compile(r"(?<![\w.,])(100|1,?000)s\b"), lambda m: "hundreds" if m.group(1) == "100" else "thousands"),
    (re.compile(r"(?<![\w.,])['‘’]?(1\d|20)?(\d)0['’]?s\b"), _say_decade),
    (re.compile(r"\b(\d+)(?:st|nd|rd|th)\b", re.I), lambda m: ordinal(m.group(1))),
    (re.compile("|".join(_FRACTIONS)), lambda m: " " + _FRACTIONS[m.group(0)]),
    (re.compile(r"\b24/7\b"), "twenty-four seven"), (re.compile(r"\b9/11\b"), "nine eleven"),
    (re.compile(r"\b50/50\b"), "fifty-fifty"),
    (re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b"), _say_us_date),
    (re.compile(r"(?<![\d/])(\d{1,2})/([2-9]|10)\b(?!/)"), _say_fraction),
    # units after numbers
    (re.compile(r"(?<=\d)\s?(" + "|".join(sorted(_UNITS, key=len, reverse=True)) + r")(?=\W|$)"),
     lambda m: " " + _UNITS[m.group(1)]),
    # abbreviations
    (re.compile(r"\b(No|Nos)\.\s?(?=\d)"), lambda m: "number " if m.group(1) == "No" else "numbers "),
    (re.compile(r"#(?=\d)"), "number "),
    (re.compile(r"\b(" + "|".join(list(_ABBREVIATIONS) + list(_TITLE_ONLY)) + r")\.(?=\s|$)(\s+(?=[A-Z]))?"),
     lambda m: _abbrev(m) + (" " if m.group(2) else _final_stop(m))),
    (re.compile(r"\b(Mr|Mrs|Ms|Dr|St)(?=\s)(\s+(?=[A-Z]))?"), lambda m: _abbrev(m) + (" " if m.group(2) else "")),
    (re.compile(r"(?<![\w.])(" + "|".join(re.escape(k) for k in _PLAIN) + r")(?=\s|$|[,;:)\"”’])"),
     lambda m: _PLAIN[m.group(1)] + _final_stop(m)),
    (re.compile(r"\b((?:[A-Z]\.){2,})(?=[^\w]|$)"), lambda m: m.group(1).replace(".", "") + _final_stop(m)),
    # initials: J. K. Rowling -> J K Rowling (but "murmured I. There" keeps its full stop)
    (re.compile(r"\b([B-HJ-Z])\.\s(?=[A-Z])(?!(?:" + "|".join(_STARTERS_LIST) + r")\b)"), r"\1 "),
    # numbers left: negative, plain, and digits glued to letters (COVID-19, MP3)
    (re.compile(rf"(?<![\w.,])[−-](?=\d)(?={_NUM})"), "minus "),
    (re.compile(rf"(?<=[A-Za-z])-?(?=\d)"), " "),
    (re.compile(r"(?<=\d)(?=[A-Za-z])"), " "),
    (re.compile(_NUM), _say_number),
    # symbols
    (re.compile(r"\s*&\s*"), " and "),
    (re.compile(r"(?<=\w)\s?\+(?=\s|$)"), " plus"),
    (re.compile(r"\s?\+\s?"), " plus "),
    (re.compile(r"\s?=\s?"), " equals "),
    (re.compile(r"°\s?([CF])\b"), lambda m: " degrees " + ("Celsius" if m.group(1) == "C" else "Fahrenheit")),
    (re.compile(r"°"), " degrees"),
    (re.compile(r"(?<!\w)#(?=\w)"), "hashtag "),
    (re.compile(r"(?<!\w)@(?=\w)"), "at "),
    (re.compile(r"\s*@\s*"), " at "),
    (re.compile(r"\band/or\b"), "and or"),
    (re.compile(r"(?<=[A-Za-z])/(?=[A-Za-z])"), " or "),
    (re.compile(r"\s*[–—]+\s*(?=[,.;:!?]|$)"), ""),
    (re.compile(r"^\s*[–—]+\s*"), ""),
    (re.compile(r"\s*(?:[–—]|\s-{1,2}\s)\s*"), ", "),
    (re.compile(r"%"), " percent"),
    (re.compile(r"[*_|<>~^]+"), " "),
    (re.compile(r",(?:\s*,)+"), ","),
    (re.compile(r"\s+([,.;:!?])"), r"\1"),
    (re.compile(r"\s{2,}"), " "),
]
_SHOUTING = re.compile(r"\b[A-Z][A-Z'’]{3,}(?:\s+[A-Z][A-Z'’]{1,})+\b")


def to_speech(text: str) -> str:
    """The words a newsreader would say for ``text`` (numbers, money, URLs, symbols spelled out).

    Deterministic; applying it to its own output changes nothing that matters.
    """
    for pattern, repl in _RULES:
        text = pattern.sub(repl, text)
    # A run of capitalised words is shouting ("BREAKING NEWS"); a lone acronym (FBI) stays for spelling.
    text = _SHOUTING.sub(lambda m: m.group(0).lower(), text)
    return text.strip()


# --------------------------------------------------------------------------- sentences

MAX_PIECE = 250  # characters; longer sentences are chopped at clause boundaries
_MIN_CLAUSE = 60  # do not chop off pieces shorter than this when a clause boundary is used

_NO_BREAK = {  # case matters: "No. 5" holds together, "he said no. Then" does not
    "Mr", "Mrs", "Ms", "Messrs", "Dr", "St", "Sen", "Sens", "Rep", "Reps", "Gov", "Gen", "Lt", "Col", "Capt", "Prof",
    "Sgt", "Cmdr", "Adm", "Rev", "Hon", "Pres", "Supt", "Det", "Insp", "Mt", "Ft", "No", "Nos", "vs", "Vs", "v",
    "e.g", "i.e", "cf", "approx", "Fig", "fig", "Vol", "vol", "pp", "ca", "Gens", "Sens",
}
_MONTH_ABBR = {"jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec"}
_STARTERS = set(_STARTERS_LIST)
_CLOSERS = "\"'”’)]»"
_OPENERS = "\"'“‘([«"


def _is_boundary(token: str, nxt: str) -> bool:
    """Whether a sentence ends after ``token`` when ``nxt`` follows."""
    core = token.rstrip(_CLOSERS)
    first = nxt.lstrip(_OPENERS)[:1]
    if not core or not first:
        return False
    if first.islower():
        return False  # '"Why?" he asked.'  /  'e.g. the'
    if core.endswith(("?", "!")):
        return True
    if core.endswith(("…", "...")) or not core.endswith("."):
        return False
    word = core[:-1].lstrip(_OPENERS)
    lower = word.lower()
    if word in _NO_BREAK:
        return False
    if len(word) == 1 and word.isupper():
        # an initial ("J. K. Rowling"), unless the next word plainly starts a sentence
        return word == "I" or nxt.lstrip(_OPENERS).rstrip(_CLOSERS + ",.;:") in _STARTERS
    if lower in _MONTH_ABBR and first.isdigit():
        return False
    if re.fullmatch(r"(?:[A-Za-z]\.)+[A-Za-z]", word):
        if word.islower() and lower not in ("a.m", "p.m"):
            return False
        if word.isupper():
            return nxt.lstrip(_OPENERS).rstrip(_CLOSERS + ",.;:") in _STARTERS or token != core
    return True


def _chop(sentence: str, limit: int = MAX_PIECE) -> list[str]:
    """Cut an overlong sentence at clause boundaries, else between words (never inside a word)."""
    pieces: list[str] = []
    rest = sentence
    while len(rest) > limit:
        window = rest[: limit + 1]
        cut = -1
        for m in re.finditer(r"(?<=[,;:])\s|\s(?=[–—]\s)|(?<=\s[–—])\s", window):
            if m.start() >= _MIN_CLAUSE:
                cut = m.start()
        if cut < 0:
            cut = window.rfind(" ")
        if cut <= 0:
            cut = rest.find(" ", limit)  # one very long token: keep it whole
            if cut < 0:
                break
        pieces.append(rest[:cut])
        rest = rest[cut + 1:]
    pieces.append(rest)
    return [p for p in pieces if p]


def split_sentences(text: str) -> list[str]:
    """Split ``text`` into sentences of at most about ``MAX_PIECE`` characters.

    Whitespace is normalised first; ``" ".join(split_sentences(t))`` equals ``" ".join(t.split())``.
    """
    tokens = text.split()
    sentences: list[str] = []
    current: list[str] = []
    for i, token in enumerate(tokens):
        current.append(token)
        if i + 1 == len(tokens) or _is_boundary(token, tokens[i + 1]):
            sentences.append(" ".join(current))
            current = []
    out: list[str] = []
    for sentence in sentences:
        out.extend(_chop(sentence) if len(sentence) > MAX_PIECE else [sentence])
    return out
