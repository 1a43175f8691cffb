"""What a capitalised name is likely to be: a person (and of which sex), a place or a group.

Used by :mod:`audiocast.understanding.entities` and :mod:`audiocast.understanding.coref` so that "he said" is never
given to "Michigan", "Democrats" or "the Senate", and "Hillary Clinton" is a "she" even
when the article never says so.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

from audiocast.model import Gender

# US states and their news abbreviations ("Lee County, Fla."): the usual non-person subjects of US news
STATES = set("""alabama alaska arizona arkansas california colorado connecticut delaware florida georgia hawaii
idaho illinois indiana iowa kansas kentucky louisiana maine maryland massachusetts michigan minnesota
mississippi missouri montana nebraska nevada ohio oklahoma oregon pennsylvania tennessee texas utah vermont
virginia washington wisconsin wyoming ala ariz ark calif colo conn del fla ga ill ind kan kans ky la md mass
mich minn miss mo mont neb nev okla ore pa tenn tex vt va wash wis wyo n.c s.c n.d s.d n.h n.j n.m n.y w.va
r.i d.c""".split()) | {"new hampshire", "new jersey", "new mexico", "new york", "north carolina", "south carolina",
                        "north dakota", "south dakota", "west virginia", "rhode island", "district of columbia",
                        "puerto rico", "nova scotia"}
# countries that US news most often makes the subject of a sentence ("North Korea said", "Russia has")
COUNTRIES = set("""afghanistan america britain canada china cuba egypt england europe france germany india iran
iraq israel italy japan jordan korea libya mexico pakistan palestine russia saudi syria turkey ukraine venezuela
vietnam yemen north korea south korea saudi arabia united states united kingdom""".split()) | {
    "north korea", "south korea", "saudi arabia", "united states", "united kingdom", "great britain"}
# head words of institutions, places and groups ("the Security Council", "Good Morning America")
GROUP_WORDS = set("""senate house congress council committee party department court administration agency
campaign church university college school association institute foundation network news times post journal
magazine press nation america states county city state government ministry office commission board bureau
union league club group company corporation inc corp co llc bank fund center centre hospital police army navy
force forces guard republic kingdom street avenue road hall square park island islands river valley mountain
hook bay beach lake coast street media tv radio television show channel times tribune herald gazette review
report reports unit team""".split())


# demonyms the suffix rule below cannot catch ("a former Spanish teacher" is no "she")
_DEMONYMS = set("""spanish english british irish scottish welsh danish swedish finnish polish turkish jewish kurdish
french dutch swiss greek thai chinese japanese vietnamese lebanese portuguese taiwanese sudanese israeli iraqi
pakistani saudi yemeni somali afghani bangladeshi kuwaiti qatari emirati omani latin""".split())
_PLACE_INSIDE = {"county", "city", "state", "party", "committee", "department", "university", "council", "house"}
_HEADLINE_WORDS = {"And", "The", "In", "Is", "To", "A", "On", "For", "With", "Isn’t", "Isn't", "Of", "At", "By"}
_PERSONAL_TITLES = {"mr", "mrs", "ms", "miss", "mme", "dr", "sir", "madame", "mister"}
_COLLECTIVE = set("""latino latina latinos latinas hispanic hispanics millennials evangelicals conservatives liberals
progressives voters supporters protesters officials critics""".split())


@functools.lru_cache(maxsize=1)
def _first_names() -> dict[str, str]:
    table = (Path(__file__).parent.parent / "data" / "first-names.tsv").read_text(encoding="utf-8")
    return dict(line.split("\t") for line in table.splitlines() if line and not line.startswith("#"))


def first_name_gender(name: str) -> Gender:
    """"male"/"female" when the name's first word is a first name that is clearly one sex in US birth records."""
    words = name.split()
    if len(words) < 2:  # a single word is as likely a surname or an organisation ("Haigh", "Reuters")
        return "unknown"
    # the first first name before the surname: "Retired Air Force Gen. Norman Ham", "Ohio Chairman David Pepper"
    for word in words[:-1]:
        sex = _first_names().get(word.lower().strip(".,"))
        if sex:
            return sex  # type: ignore[return-value]
    return "unknown"


def is_first_name(word: str) -> bool:
    return word.lower().strip(".,") in _first_names()


def person_words(words: list[str]) -> list[str]:
    """The person's own name in a capitalised run: "North Carolina’s Ada Fisher" -> "Ada Fisher", "Supreme Court
    Justice Ruth Bader Ginsburg" -> "Ruth Bader Ginsburg", "Navy SEAL Ty Woods" -> "Ty Woods".

    Words before the first first name (when the word before it is none: "Mary Ann Evans" stays) are a place, a job
    or a party, not part of the name; so is everything up to a possessive.
    """
    owner = [i for i, w in enumerate(words[:-1]) if re.search(r"[a-z]['’]s$", w)]
    if owner:
        words = words[owner[-1] + 1:]
    for k in range(1, len(words) - 1):
        if is_first_name(words[k]) and not is_first_name(words[k - 1]) and not re.fullmatch(r"[A-Z]\.?", words[k - 1]):
            return words[k:]
        if not words[k][:1].isupper():
            break
    return words


def not_a_person(name: str) -> bool:
    """A name that is a US state, an institution or a plural group ("Democrats", "Muslims"), not one person."""
    if re.fullmatch(r"(?:[A-Z]\.){1,3}[A-Z]\.?", name):
        return True  # "U.N.", "U.S."
    words = re.sub(r"['’]s?$", "", name).replace(".", " ").split()
    if not words or len(words) > 4 and any(w in _HEADLINE_WORDS for w in words[1:]):
        return True  # "Ben Carson Slams Hillary And The Media": a headline, not a name
    low = [w.lower() for w in words]
    if low[0] in _PERSONAL_TITLES and (len(words) == 2 or len(words) == 3 and is_first_name(words[1])):
        return False  # "Mrs. Hall", "Mr. Park": a title before a surname makes a person of a place word
    if " ".join(low) in STATES | COUNTRIES or name.lower().rstrip(".") in STATES or (
            len(words) > 1 and low[-1] in STATES | {"u.n", "un", "eu", "nato"} and not is_first_name(words[0])):
        return True  # "Independent Vermont", "U.N."
    if any(w in _PLACE_INSIDE for w in low[1:-1]):
        return True  # "Kent County Republican", "New York City Council"
    if low[-1] in GROUP_WORDS:  # "the Senate", "Security Council"; but "Helen Park" is a person
        return not (len(words) > 1 and is_first_name(words[0]))
    if is_first_name(words[0]):
        return False
    if low[-1] in _COLLECTIVE or len(words) == 1 and low[0] in _DEMONYMS:
        return True
    if len(words) > 1:  # "African Americans", "Chicago Sun-Times"
        return bool(re.search(r"(?:icans?|eans?|ians|times)$", low[-1]))
    # "Democrats", "Republican", "Mexican", "Muslims": demonyms and parties; "GOP", "ISIS"; "(I-Vt.)"
    return bool(re.fullmatch(r"[A-Z][a-z]+(?:icans?|ians?|eans?|crats?|ists?|lims?|atic|amic|olic)|[A-Z]{2,5}|[DRI]-[A-Z][a-z]*",
                             words[0]))
