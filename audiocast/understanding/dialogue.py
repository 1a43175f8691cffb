"""Fiction's own speaker rules: tags with any verb, the sex of a pronoun tag, descriptions that stand for a person.

A novel tags many lines with a bare "she said" / "returned he" that names nobody resolvable (the person was
named only inside an earlier quote, or by a description); the turn-taking guess that then fills them in must at
least be of the tag's sex.  These rules apply to stories (:func:`audiocast.understanding.coref.is_story`).
"""

from __future__ import annotations

import bisect
import re
from typing import Callable, Optional

from audiocast.understanding.entities import Entities
from audiocast.understanding.names import not_a_person
from audiocast.understanding.speakers import STOP_WORDS, Attribution, describe

TURNS_BACK = 12  # quote paragraphs looked back for a speaker of the tag's sex


def fitting_speaker(pronoun: Optional[str], guess: Optional[str], earlier: list[Optional[str]],
                    gender: Callable[[str], str]) -> Optional[str]:
    """The speaker of a quote tagged ``pronoun`` ("male"/"female") when turn-taking guessed ``guess``.

    '“My dear Mr. Bennet,” said his lady. / Mr. Bennet replied that he had not. / “But it is,” returned she':
    the narration's subject (Mr. Bennet) is a he, so not the one who "returned she".  The guess stands unless its
    known sex contradicts the tag; then the latest of ``earlier`` (speakers of the quote paragraphs before,
    oldest first) of the tag's sex speaks, else nobody (unattributed rather than a wrong name).
    """
    if pronoun not in ("male", "female") or guess is None or gender(guess) in (pronoun, "unknown"):
        return guess
    return next((sp for sp in reversed(earlier[-TURNS_BACK:]) if sp and gender(sp) == pronoun), None)


def answering(pronoun: str, guess: Optional[str], callee: Optional[str], gender: Callable[[str], str]) -> Optional[str]:
    """The speaker of a he/she-tagged line that opens its paragraph right after another speaker's line.

    '“It is your best work, Basil,” said Lord Henry. / “I shall not send it anywhere,” he answered': the one
    the previous line called by name answers, when that one is of the tag's sex; else ``guess`` stands.
    """
    return callee if callee and gender(callee) == pronoun else guess


_OWNED = re.compile(r"(?:['’]s|['’]?\s+s)\s+((?:[a-z]+\s+){0,2}?([a-z]+))\b")
_KIN = {"mother", "mamma", "mama", "father", "papa", "wife", "husband", "brother"}  # who share the surname


def owned_person(ents: Entities, name: str, at: int) -> Optional[str]:
    """The speaker of '“…,” answered Daisy’s mamma': not Daisy but her mother, or None when the tag is no such
    phrase.

    Kin who share the surname are the titled relative the story names ("Mrs. Miller"); anyone else stays the
    phrase ("Daisy’s maid"), a label for someone the story has not named.
    """
    where = ents.text.find(name, at, at + 40 + len(name))
    m = _OWNED.match(ents.text, where + len(name), where + len(name) + 40) if where >= 0 else None
    if m is None or describe("her " + m.group(2)) is None:
        return None
    gender = describe("her " + m.group(2))[1]
    owner = ents.canonical(name, at)
    kin = ents.relative(owner, gender) if m.group(2) in _KIN and gender in ("male", "female") else None
    return kin or f"{name}’s {m.group(1)}"


# "the doctor" is the one the story calls "Dr. Archie"; "the parson", "Parson Tringham"
_ROLE_TITLES = {
    "doctor": ("dr", "doctor"), "captain": ("capt", "captain"), "colonel": ("col", "colonel"), "major": ("major",),
    "general": ("gen", "general"), "professor": ("prof", "professor"), "parson": ("parson", "rev", "reverend"),
    "vicar": ("vicar", "rev", "reverend"), "rector": ("rector", "rev", "reverend"), "judge": ("judge",),
    "sergeant": ("sergeant", "sgt"), "lieutenant": ("lieutenant", "lt"), "inspector": ("inspector",),
    "squire": ("squire",), "count": ("count",), "countess": ("countess",), "baron": ("baron",),
    "baroness": ("baroness",), "duke": ("duke",), "duchess": ("duchess",), "prince": ("prince",),
    "princess": ("princess",), "marquis": ("marquis",), "abbé": ("abbé",), "nurse": ("nurse",),
    "governor": ("governor", "gov"), "admiral": ("admiral", "adm"), "father": (), "mother": (),
}
LOOK_BACK = 20000  # characters of the story searched for the one the description stands for


def role_name(ents: Entities, phrase: str, at: int) -> Optional[str]:
    """The named person a story's description stands for, when the story has tied the two together, or None.

    "said the doctor" after "Dr. Archie"; "answered the artist" after "…was sitting the artist himself, Basil
    Hallward,"; "the old man" after "Gabriel Oak, the old man,". The latest such person before ``at`` wins.
    """
    words = re.findall(r"[\w'’-]+", phrase.lower())
    if len(words) < 2 or words[0] != "the":
        return None
    head = re.escape(words[-1])
    titles = _ROLE_TITLES.get(words[-1], ())
    after = re.compile(r"\s*,\s*(?:the|a|an)\s+(?:[\w'’-]+\s+){0,3}?" + head + r"\b")
    before = re.compile(r"\bthe\s+(?:[\w'’-]+\s+){0,3}?" + head + r"(?:\s+(?:himself|herself))?\s*,\s*$")
    text = ents.text
    i = bisect.bisect_left(ents.offsets, at) - 1
    while i >= 0 and ents.offsets[i] >= at - LOOK_BACK:
        m = ents.mentions[i]
        i -= 1
        name = ents.canonical(m.name, m.offset)
        if not ents.is_name(name) or not_a_person(name):
            continue
        end = m.offset + len(m.name)
        title = re.search(r"([A-Za-z]+)\.?\s+$", text[max(0, m.offset - 16):m.offset])  # "Dr. " before "Archie"
        if m.name.split()[0].lower().rstrip(".") in titles or (title and title.group(1).lower() in titles) \
                or after.match(text, end, end + 80) or before.search(text, max(0, m.offset - 80), m.offset):
            return name
    return None


_WHO = r"(I|he|she|(?:(?:Mr|Mrs|Miss|Ms|Dr)\.?\s+)?[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){0,2})"
_TAG_SUBJECT_FIRST = re.compile(r"\s*" + _WHO + r"\s+(?:\w+ly\s+)?([a-z]{3,}ed)\b")
_TAG_VERB_FIRST = re.compile(r"\s*([a-z]{3,}ed)\s+" + _WHO + r"(?=[\s,.;:!?]|$)")
_NOT_TAG_VERBS = {"used", "seemed", "appeared", "wanted", "needed", "tried", "happened", "started"}


def fiction_tag(speech: str, after: str) -> Optional[Attribution]:
    """The speaker of a story's quote whose tag uses a verb of no speech ("“Amen,” I yawned.", "“…,” he
    grinned", "“I just love workmen,” glowed Carol."), or None.

    Only when the quote ends in a comma (or "!"/"?" followed by a lower-case tag): the sentence goes on into its
    tag, which is how fiction attributes a line; "“Yes.” He left the room." is narration, not a tag.
    """
    speech = speech.rstrip()
    first = re.match(r"\s*(\S)", after)
    if not speech or not first or not (speech.endswith(",") or speech[-1] in "!?" and first.group(1).islower()
                                       or first.group(1) == "I" and speech[-1] in "!?"):
        return None
    m = _TAG_SUBJECT_FIRST.match(after)
    k, v = 1, 2
    if m is None:
        m, k, v = _TAG_VERB_FIRST.match(after), 2, 1
    if m is None or m.group(v) in _NOT_TAG_VERBS or m.group(k).split()[0].lower() in STOP_WORDS - {"i", "he", "she"}:
        return None
    who = m.group(k)
    if who.lower() in ("i", "he", "she"):
        return Attribution(who.lower(), m.start(k), {"i": "unknown", "he": "male", "she": "female"}[who.lower()])
    return Attribution(who, m.start(k))
