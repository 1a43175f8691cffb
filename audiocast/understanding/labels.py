"""The speaker labels a listener sees: "The Queen", a first-person narrator's name, "Unattributed".

:func:`final_names` maps the speakers :func:`audiocast.understanding.segment.find_quotes` found to their labels once
the whole text is read; :func:`label` is the label a Script segment carries.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Optional

from audiocast.understanding.names import not_a_person
from audiocast.understanding.speakers import STOP_WORDS, clean_name

UNATTRIBUTED = "Unattributed"  # speaker label of a quote nobody can be found for (never a word from the text)
NARRATOR = "\x00narrator"  # internal: a first-person narrator's lines ("…," I said); shown as a name or below
_NARRATOR_LABEL = "the narrator"  # when the others never call the narrator by name


def final_names(text: str, quotes: list[tuple[int, str, Optional[str], str]]) -> dict[Optional[str], Optional[str]]:
    """{speaker: label} for the quotes of ``text``, each given as (paragraph, speech, speaker, how found)."""
    names: dict[Optional[str], Optional[str]] = dict(_with_article(text, {sp for _, _, sp, _ in quotes if sp}))
    names[NARRATOR] = _narrator_name(text, quotes) or _NARRATOR_LABEL
    return names


def _narrator_name(text: str, quotes: list[tuple[int, str, Optional[str], str]]) -> Optional[str]:
    """The first-person narrator's name: the one the others call by name in the quotes around "I said"
    ("“My dear Watson,” said Holmes."), when one name clearly leads and never speaks under its own tag."""
    if not any(speaker == NARRATOR for _, _, speaker, _ in quotes):
        return None
    speaker_of: dict[int, set[Optional[str]]] = {}
    for paragraph, _, speaker, _ in quotes:
        speaker_of.setdefault(paragraph, set()).add(speaker)
    around = {q for p, who in speaker_of.items() if NARRATOR in who for q in (p - 1, p + 1)
              if q in speaker_of and NARRATOR not in speaker_of[q]}
    votes: Counter[str] = Counter()
    for q in around:
        quoted = " ".join(speech for paragraph, speech, _, _ in quotes if paragraph == q)
        votes.update(set(_VOCATIVE.findall(quoted)))
    named = {speaker for _, _, speaker, how in quotes if how == "explicit"}
    others = " ".join(speech for _, speech, speaker, _ in quotes if speaker != NARRATOR)
    # "So, I called myself Pip", "my name is Ishmael": the narrator names themself, in the narration or their lines
    # (not "I am Dracula" in someone else's)
    selves = Counter(m.group(1) for m in _SELF_NAMED.finditer(text) if m.group(1).split()[-1]
                     not in {w for s in named if s for w in s.split()} and m.group(0) not in others)
    if selves:
        return selves.most_common(1)[0][0]
    ranked = [(n, k) for n, k in votes.most_common() if n not in named and n.split()[-1] not in
              {w for s in named if s for w in s.split()} and n.lower() not in STOP_WORDS
              and not re.search(r"(?<![\w'’])" + n.lower() + r"(?![\w'’])", text)  # "Oh", "Yes": not names
              and re.search(r"[a-z,;]\s+" + re.escape(n) + r"\b", text)]  # "Quick!": used as a name somewhere
    if ranked and ranked[0][1] >= 2 and (len(ranked) == 1 or ranked[0][1] >= 2 * ranked[1][1]):
        return ranked[0][0]
    return None


_SELF_NAMED = re.compile(r"\b(?:[Mm]y name (?:is|was)|I called myself|[Cc]all me|I am|I was called)\s+"
                         r"((?:(?:Mr|Mrs|Miss|Ms|Dr)\.?\s+)?[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?)\b(?![\w'’])")
_VOCATIVE = re.compile(r"(?:[,;!?—–]\s*|\b[Dd]ear\s+)((?:(?:Mr|Mrs|Miss|Ms|Dr)\.?\s+)?[A-Z][a-z]+)"
                       r"(?=\s*[,!?.;—–](?:\s|$)|\s*$)")


def _with_article(text: str, speakers: set[str]) -> dict[str, str]:
    """{"King": "the King"} for a speaker the text calls "the King" nearly every time (the Queen, the Mock Turtle,
    The Washington Post): that is the character's name as written.  Not a person's name ("Alice", "Trump")."""
    names = sorted((n for n in speakers if n[:1].isupper() and len(n.split()) <= 3
                    and n.split()[0].lower() not in STOP_WORDS), key=len, reverse=True)
    if not names:
        return {}
    bare: Counter[str] = Counter()
    with_the: Counter[str] = Counter()
    key = {re.sub(r"\s+", " ", n): n for n in names}
    pattern = r"(?<![\w'’-])(?:" + "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in names) + r")(?![\w'’-])"
    for m in re.finditer(pattern, text):  # one pass over the text for every speaker
        name = key.get(re.sub(r"\s+", " ", m.group()))
        if name:
            bare[name] += 1
            with_the[name] += bool(re.search(r"\b[Tt]he\s+$", text[max(0, m.start() - 5):m.start()]))
    return {n: "the " + n for n in names if with_the[n] >= 2 and with_the[n] >= 0.8 * bare[n]}


# "Ohio Gov. Kasich", "New Jersey Gov. Chris Christie", "Republicans Jolly", "Besides Clinton": words before the name
_PREFIX = re.compile(r"^(?:.*\b(?:Gov|Sen|Rep|Gen|Lt|Col|Adm|Sgt|Capt)\.\s+|(?:(?:Republicans?|Democrats?|Democratic|"
                     r"GOP|Independent|Besides|Meanwhile|Still|Also|Then|Now|Later)\s+)+)(?=[A-Z][\w'’-]+(?:\s|$))")


def news_names(speakers: set[str]) -> dict[str, str]:
    """{"Ohio Gov. Kasich": "John Kasich", "Republicans Jolly": "Jolly"} for a report's speakers: the person's name
    without the state, office or party written before it, the full name when exactly one other speaker of the
    article has that surname, so one person is one label and one voice."""
    out: dict[str, str] = {}
    for sp in speakers:
        if " of " in sp or not_a_person(sp):
            continue  # "Illinois Board of Elections", "Republican National Committee": a body, not a person
        bare = _PREFIX.sub("", clean_name(sp) or sp)
        if bare == sp or not bare or not_a_person(bare):
            continue
        fuller = {o for o in speakers if o != sp and len(o.split()) >= 2 and o.split()[-1] == bare.split()[-1]
                  and not _PREFIX.match(o)}
        out[sp] = fuller.pop() if len(fuller) == 1 and len(bare.split()) == 1 else bare
    return out


def label(speaker: Optional[str]) -> str:
    """The speaker's label as a name: "the King" is "The King" wherever the text has it at a sentence start."""
    if not speaker:
        return UNATTRIBUTED
    return speaker[0].upper() + speaker[1:]
