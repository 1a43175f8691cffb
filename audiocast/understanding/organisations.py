"""Who "the company said" / "the campaign wrote" is in a report: the organisation the story just named.

News introduces an organisation by name ("Monsanto, which opposed the bill", "The State Department also
said …") and then quotes it by its kind ("… ,” the company tweeted", "said the agency").  Read aloud, the
label "the company" tells a listener nothing and gives every organisation of the story the same voice;
the name does both.  :func:`organisation` finds that name, or None (the description then stays):

* "the campaign" / "the camp" is the campaign of the person the story last called so ("the Trump
  campaign", "Clinton's campaign", "Sanders camp"): "the Trump campaign";
* otherwise the latest organisation-like name in the quote's paragraph or the one before, not an
  object or possessor ("the NRA's refusal", "on the Electoral College"): an
  institution ("State Department", "Illinois Board of Elections", "Wall Street Journal"), an acronym
  ("NRA"), or a name of several words with no first name and no sex ("Business Insider", "Black
  Lives Matter"); a one-word name of no sex that no full name explains ("Monsanto") only from the
  sentence right before the quote;
* never a person, a US state, a country, a party's members ("Democrats") or a place.
"""

from __future__ import annotations

import bisect
import re
from typing import Optional

from audiocast.understanding.entities import Entities
from audiocast.understanding.names import COUNTRIES, GROUP_WORDS, STATES, first_name_gender, is_first_name, \
    not_a_person
from audiocast.understanding.speakers import title_gender

# "the company", "the conservative-leaning newspaper", "the paper's editorial board"
ORGANISATION_NOUNS = set("""company corporation firm group organization organisation agency board newspaper paper
tabloid magazine outlet publication network station channel website site ministry department committee foundation
union association league coalition institute center centre council administration office bureau commission party
campaign camp team nonprofit charity university college school hospital bank airline retailer manufacturer
studio""".split())
_CAMPAIGN = {"campaign", "camp"}
WINDOW = 1200  # characters before the quote: its paragraph and the one before, in practice
LONG_WINDOW = 4000  # for a name whose head is the description's own noun ("the Illinois Board of Elections")
# "Trump campaign", "Clinton's campaign", "the Sanders camp"
_CAMPAIGN_OF = re.compile(r"(?:['’]s)?\s+(?:presidential\s+)?(?:campaign|camp)\b")
# "the Hyde Amendment", "the Affordable Care Act": names of things, not of bodies that speak
_THINGS = set("""amendment act bill law rule rules plan program programme care day week war order doctrine
convention debate primary caucus caucuses election summit award prize""".split())
_OF_NAME = re.compile(r"\s+of\s+(?:the\s+)?([A-Z][\w&'’-]*(?:\s+[A-Z][\w&'’-]*){0,3})")
# "Indian Defence Minister Manohar Parrikar": a person whose first name we do not know
_JOBS = set("""minister secretary director chairman chairwoman chair president governor senator spokesman spokeswoman
mayor judge justice general gen sen rep gov dr mr mrs ms editor chief executive ceo founder""".split())
# "its impact on the Electoral College", "a message to the NRA"
_OBJECT = re.compile(r"\b(?:of|to|with|for|from|at|in|on|about|against|by|than|like|tell|tells|telling|told|asked)"
                     r"\s+(?:the\s+)?$", re.I)
# "Democrats", "Republicans", "Latinos": members, not a body that issues statements
_MEMBERS = re.compile(r"[A-Z][a-z]+(?:ans|crats|ists|ians|inos|inas|ics)")


def organisation(ents: Entities, phrase: str, opening: int) -> Optional[str]:
    """The organisation a description such as "the company" stands for, named before offset ``opening``
    (the quote's opening mark), or None."""
    words = re.sub(r"['’]s\b", "", phrase.lower()).split()
    if len(words) < 2 or words[0] != "the" or words[-1] not in ORGANISATION_NOUNS:
        return None
    text = ents.text
    hi = bisect.bisect_left(ents.offsets, opening)
    if words[-1] in _CAMPAIGN:
        # the campaign of the person the story last tied to one, however far back
        for i in range(hi - 1, -1, -1):
            m = ents.mentions[i]
            if _CAMPAIGN_OF.match(text, m.offset + len(m.name)) and not not_a_person(m.name):
                name = ents.canonical(m.name, m.offset)
                return f"the {name.split()[-1]} campaign"
        return None
    before = text.rfind(". ", 0, max(0, max(text.rfind(". ", 0, opening), text.rfind("\n", 0, opening))))
    head = words[-1]
    # "the trade group for the Blue Cross Blue Shield plans spelled out …": a body described anew, not named
    anew = re.compile(r"\b(?:[Tt]he|[Aa]n?)\s+(?:(?!(?:the|an?|with|of|for|to|in|on|at|by|and|or|its|their)\s)"
                      r"[a-z][\w-]*\s+){1,3}" + head + r"\b(?!['’])")
    for i in range(hi - 1, bisect.bisect_left(ents.offsets, opening - LONG_WINDOW) - 1, -1):
        m = ents.mentions[i]
        if anew.search(text, m.offset, opening):
            return None
        name = _full(ents, i)
        near = m.offset >= opening - WINDOW
        if m.name.split()[-1].lower() == head and _kind(ents, name) == "institution":
            return name  # "the board" after "the Illinois Board of Elections", wherever it stood in its sentence
        if not near or i in ents.oblique or _OBJECT.search(text, max(0, m.offset - 16), m.offset):
            continue  # "the NRA's refusal", "its impact on the Electoral College": not the one who speaks
        kind = _kind(ents, name)
        if kind == "institution" or kind == "single" and m.offset > before and i not in ents.places:
            return name
    return None


def _full(ents: Entities, i: int) -> str:
    """The name of mention ``i`` as a listener should hear it: "Enter The Washington Post" -> "Washington Post",
    "Lives Matter" -> "Black Lives Matter" when the story used the longer name before."""
    m = ents.mentions[i]
    words = ents.canonical(m.name, m.offset).split()
    if "The" in words[1:]:
        words = words[words.index("The", 1) + 1:]
    if words and words[0] in ("The", "the"):
        words = words[1:]
    name = " ".join(words)
    tail = _OF_NAME.match(ents.text, m.offset + len(m.name))
    if tail and name.split()[-1].lower() in GROUP_WORDS:
        return f"{name} of {tail.group(1)}"  # "Association of Flight Attendants", "Board of Elections"
    for other in ents.mentions[:i]:
        if other.name.endswith(" " + name) and len(other.name.split()) <= len(words) + 2 \
                and _kind(ents, other.name) == "institution":
            return other.name
    return name


def _kind(ents: Entities, name: str) -> Optional[str]:
    """"institution" for a name that is surely an organisation, "single" for a one-word name that may be one
    ("Monsanto"), None for people, places and groups of people."""
    words = name.replace(".", " ").split()
    low = [w.lower() for w in words]
    if not words or " " in name and name.isupper():
        return None  # "REGIONAL WORRIES": a headline
    if " ".join(low) in STATES | COUNTRIES or low[-1] in STATES or _MEMBERS.fullmatch(words[-1]):
        return None
    if low[-1] in GROUP_WORDS and len(words) >= 3:
        return "institution"  # "Trayvon Martin Foundation", "Illinois Board of Elections"
    if title_gender(name) or first_name_gender(name) != "unknown" or ents.gender(name) != "unknown" \
            or any(w in _JOBS for w in low):
        return None
    if re.fullmatch(r"[A-Z]{2,6}", name) and name not in {"GOP", "US", "USA", "UK"}:
        return "institution"  # "NRA", "FBI", "CNN"
    if low[-1] in GROUP_WORDS and not is_first_name(words[0]):
        return "institution"  # "State Department", "Wall Street Journal", "Trayvon Martin Foundation"
    if len(words) >= 2 and not any(is_first_name(w) for w in words) and not not_a_person(name) \
            and low[-1] not in _THINGS:
        return "institution"  # "Business Insider", "Black Lives Matter"
    if len(words) == 1 and not is_first_name(name) and not not_a_person(name):
        return "single"
    return None
