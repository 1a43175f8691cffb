"""The people of one document: name mentions, canonical full names, genders and pronoun resolution.

:func:`find_mentions` finds capitalised name runs (sentence-opening common words,
function words and places cut out); :class:`Entities` maps short names to the
full name used earlier ("Haigh" -> "Andrew Haigh"), votes each name's gender from
titles and the pronouns that follow it, and finds the most recent fitting person
for a "he"/"she".
"""

from __future__ import annotations

import bisect
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Optional

from audiocast.understanding.names import first_name_gender, is_first_name, not_a_person
from audiocast.understanding.speakers import (ABBREV, NAME_RUN_RE, NEUTRAL_TITLES, PRONOUNS, STOP_WORDS, SPEECH_VERB_RE,
                                              TITLES, bare, sentence_end, title_gender)

@dataclass(frozen=True)
class Mention:
    """A capitalised name in the document (titles kept) at ``offset``."""

    offset: int
    name: str


# a capitalised word, "O'Malley" and "McConnell" whole (else they count as "O'" and "Mc" and look sentence-only)
_CAPITALISED = r"(?:(?:Mac|[A-Z][a-z]|[A-Z]['’])(?=[A-Z][a-z]))?[A-Z][a-z'’\-]*"


def find_mentions(text: str, stripped: Optional[dict] = None) -> list[Mention]:
    """Capitalised name runs of ``text``: function words, common words and sentence breaks cut out.

    With ``stripped`` (stories), a word glued to the front of a rare run is cut ("Poor Douglas" -> "Douglas") and
    ``stripped`` gets {"Poor Douglas": "Douglas", offset of "Douglas": offset of "Poor"}.
    """
    lower = Counter(re.findall(r"(?<![\w'’])[a-z][a-z'’\-]*", text))
    upper = Counter(re.findall(r"(?<![\w'’])" + _CAPITALISED, text))

    # capitalised words seen somewhere other than at a sentence start ("by Marta Okafor" vs "Last year")
    inner = Counter(t.group(1) for t in re.finditer(r"(?<![.!?:\n\"“‘'(])[ \t]+(" + _CAPITALISED + ")", text)
                    if not re.search(r"[.!?][\"”’')]*[ \t]*$", text[max(0, t.start() - 3):t.start() + 1]))

    def common(word: str) -> bool:
        w = word.rstrip(".")
        return w.lower() in STOP_WORDS or lower[w.lower()] > max(1, upper[w] // 2) or not w[:1].isupper()

    def sentence_word(off: int, word: str) -> bool:
        """A capitalised word that only ever opens sentences ("Last year", "Next") is not a name."""
        w = re.sub(r"['’]s$", "", word.rstrip(".,"))
        verb = re.match(r"\s+(?:\w+ly\s+)?(\w+)", text[off + len(word):off + len(word) + 30])
        if verb and SPEECH_VERB_RE.fullmatch(verb.group(1)):
            return False  # "Alice said" : a name
        return not inner[w] and bool(re.search(r"(?:^|[.!?…][\"”’')]*\s+|\n\s*)[\"“‘']?$", text[max(0, off - 4):off]))

    counts: dict[str, int] = {}

    def count(words: list[str]) -> int:
        key = " ".join(words)
        if key not in counts:
            counts[key] = len(re.findall(r"(?<![\w'’-])" + r"\s+".join(map(re.escape, words)) + r"(?![\w'’-])", text))
        return counts[key]

    def glued(run: list[tuple[int, str]]) -> bool:
        """A sentence-opening word stuck to a name: "Poor Douglas", "Presently Tom", "Fifteen-year-old Jo": a rare
        run whose rest the text uses alone; not a name the story keeps using whole ("Ragged Dick")."""
        w = run[0][1].rstrip(".,")
        if re.search(r"-year-old$", w):
            return True
        if not w[1:].islower() or w.lower() in TITLES or w.lower() in NEUTRAL_TITLES or is_first_name(w):
            return False
        words = [t.rstrip(".,") for _, t in run]
        whole = count(words)
        return whole <= 2 and (lower[w.lower()] > 0 or count(words[1:]) - whole >= 2)

    out: list[Mention] = []
    for m in NAME_RUN_RE.finditer(text):
        toks = [(t.start() + m.start(), t.group()) for t in re.finditer(r"\S+", m.group())]
        runs: list[list[tuple[int, str]]] = [[]]
        for off, tok in toks:
            runs[-1].append((off, tok))
            stem = tok.rstrip(".").lower()
            if tok.endswith(".") and stem not in ABBREV and len(stem) > 1:
                runs.append([])  # a sentence ends inside the run ("Caterpillar. The ...")
        for run in runs:
            while run and common(run[0][1]) and run[0][1].lower().rstrip(".") not in TITLES:
                run = run[1:]
            whole, begin = " ".join(t for _, t in run), run[0][0] if run else 0
            while stripped is not None and len(run) > 1 and glued(run):
                run = run[1:]
            if stripped is not None and len(whole) > len(" ".join(t for _, t in run)) > 0:
                stripped[whole.rstrip(".,")] = " ".join(t for _, t in run).rstrip(".,")
                stripped[run[0][0]] = begin  # where the sentence-opening run began (a subject position)
            while run and (not run[-1][1][:1].isupper() or run[-1][1].lower().rstrip(".") in STOP_WORDS):
                run = run[:-1]
            if not run or len(run) == 1 and sentence_word(*run[0]):
                continue
            words = [w for _, w in run]
            words[-1] = re.sub(r"['’]s$", "", words[-1])
            if words[-1].lower().rstrip(".") not in ABBREV:
                words[-1] = words[-1].rstrip(".")
            name = " ".join(words)
            if name and len(name) > 1 and not (len(words) == 1 and words[0].lower() in TITLES):
                out.append(Mention(run[0][0], name))
    return out


_KIN_FEMALE = {"wife", "mother", "daughter", "sister", "widow", "fiancee", "fiancée", "girlfriend", "grandmother"}
_KIN_APPOSITION = re.compile(r"\b(?:[Hh]is|[Hh]er|[A-Z][\w'’-]*['’]s)\s+(?:(?:eldest|oldest|youngest|late|former|new)\s+)?"
                             r"(wife|husband|mother|father|daughter|son|sister|brother|widow|fiancee|fiancée|girlfriend|"
                             r"boyfriend|grandmother|grandfather),\s+([A-Z][a-z]+(?:\s+[A-Z][\w'’-]+)?),")


class Entities:
    """Names of one document: canonical full names, genders and pronoun resolution."""

    def __init__(self, text: str, story_votes: bool = True):
        self.text = text
        self.story_votes = story_votes  # a quote's own "she said" votes the gender of the name before it
        self.story = False  # a long dialogue-led text (fiction): "he said" follows recency, see coref.is_story
        self.stripped: dict = {}
        # a story's sentence-opening "Poor Douglas" is Douglas; news keeps its runs as written
        self.mentions = find_mentions(text, self.stripped if story_votes else None)
        self.offsets = [m.offset for m in self.mentions]
        self.full: dict[str, list[tuple[int, str]]] = defaultdict(list)  # last word -> [(offset, full name)]
        self.count: Counter[str] = Counter()
        for m in self.mentions:
            words = bare(m.name)
            if len(words) >= 2 and not title_gender(m.name):
                self.full[words[-1]].append((m.offset, " ".join(words)))
                self.count[" ".join(words)] += 1
        self.alone = Counter(m.name for m in self.mentions if " " not in m.name)
        self.first_titled: dict[str, int] = {}
        for m in self.mentions:
            if title_gender(m.name):
                self.first_titled.setdefault(m.name, m.offset)
        self.family: dict[str, set[str]] = defaultdict(set)  # surname -> titles seen (mr, mrs, miss...)
        for t in self.first_titled:
            self.family[bare(t)[-1]].add(t.split()[0].lower().rstrip("."))
        self._first_seen: Optional[dict[str, int]] = None
        self._once: Optional[set[str]] = None
        self._families: Optional[set[str]] = None
        self._names: Optional[set[str]] = None
        self.votes: dict[str, Counter] = defaultdict(Counter)
        self._vote_pronouns()
        # "his wife, Jane,", "Her father, Brad, 39,", "Trump's daughter, Ivanka Trump,": its sex from the kin noun
        self.kin = {m.group(2): ("female" if m.group(1).lower() in _KIN_FEMALE else "male")
                    for m in _KIN_APPOSITION.finditer(text)} if not story_votes else {}

    def _subject(self, offset: int) -> bool:
        """A mention that opens a sentence or clause: the likely antecedent of a later he/she."""
        offset = self.stripped.get(offset, offset)  # "Poor Douglas, before his death": Douglas is the subject
        return bool(re.search(r"(?:^|[.!?:;,\n\"“”]|\band)\s*$", self.text[max(0, offset - 6):offset]))

    def _vote_pronouns(self) -> None:
        """A he/she right after a name (same or next sentence, no other name between) votes its gender."""
        self.subjects = {i for i, m in enumerate(self.mentions) if self._subject(m.offset)}
        # a name seen after "in/at/from/near..." and never opening a clause is a place, not a he or she
        loc: Counter[str] = Counter()
        subj: Counter[str] = Counter()
        names = [self.canonical(m.name, m.offset) for m in self.mentions]
        for i, m in enumerate(self.mentions):
            if re.search(r"\b(?:in|at|from|into|across|near|toward|towards|via|outside)\s+(?:the\s+)?$",
                         self.text[max(0, m.offset - 12):m.offset]):
                loc[names[i]] += 1
            elif i in self.subjects:
                subj[names[i]] += 1
        self.places = {i for i, n in enumerate(names) if loc[n] and not subj[n]}
        # "Jane's being happy", "to Jane", "with Jane": not the one a later "she" is about
        self.oblique = {i for i, m in enumerate(self.mentions)
                        if re.match(r"['’]s\b", self.text[m.offset + len(m.name):m.offset + len(m.name) + 3])
                        or re.search(r"\b(?:of|to|with|for|from|at|in|on|upon|about|than|like|towards?|around|through|inside|"
                                     r"behind|near|across|among|against)\s+$",
                                     self.text[max(0, m.offset - 10):m.offset])}
        for idx, m in enumerate(self.mentions):
            g = title_gender(m.name)
            if g:
                self.votes[self.canonical(m.name, m.offset)][g] += 3
            # a sentence's subject reaches past the names its own clause merely objects to ("Groberg, 33, opened
            # up to Decode DC about his decision"); any other name stops at the next name
            nxt = idx + 1
            if idx in self.subjects and idx not in self.oblique:
                while nxt < len(self.offsets) and nxt in self.oblique:
                    nxt += 1
            stop = self.offsets[nxt] if nxt < len(self.offsets) else len(self.text)
            end = sentence_end(self.text, sentence_end(self.text, m.offset + len(m.name), 600), 600)
            window = self.text[m.offset + len(m.name):min(stop, end)]
            if not self.story_votes:
                # '… said Trump would do fine. “…,” she said.': the tag of a quote is what is being resolved
                window = re.split(r"[\"“”]", window, maxsplit=1)[0]
            # the first subject pronoun after a name is nearly always that person; objects ("told her") are not
            # "her" counts only as a possessive ("her colleague"), not as an object ("told her the truth")
            p = re.search(r"\b(he|she)\b", window, re.I) or re.search(
                r"\b(his|himself|herself|her(?=\s+(?!(?:the|a|an|to|that|and|or|in|on|at|with|for|from|of|by|"
                r"as|so|if|but|up|out|down|off|again|away|back|all|again|not|this|what|how|why)\b)[a-z]))\b",
                window, re.I)
            if p:
                weight = 2 if p.group(1).lower() in ("he", "she") else 1
                self.votes[self.canonical(m.name, m.offset)][PRONOUNS[p.group(1).lower()]] += weight
        # a bare surname takes the gender of its titled forms when they agree ("Darcy" <- "Mr. Darcy")
        titled: dict[str, set[str]] = defaultdict(set)
        for name in self.first_titled:
            titled[bare(name)[-1]].add(title_gender(name) or "")
        self.surname_gender = {k: next(iter(v)) for k, v in titled.items() if len(v) == 1}
        self._gender_cache: dict[str, str] = {}

    def canonical(self, name: str, offset: int) -> str:
        """Full name for a short one used at ``offset``: "Haigh" -> "Andrew Haigh" when used earlier."""
        name = self.stripped.get(name, name)  # "Poor Douglas, before his death," is Douglas
        words = bare(name)
        if len(words) != 1:
            return " ".join(words) if not title_gender(name) else self._titled(name, words, offset)
        if title_gender(name):
            return self._titled(name, words, offset)
        # "from London Lydia came": two names side by side, not a full name (its first word stands alone often)
        cands = [(off, full) for off, full in self.full.get(words[0], [])
                 if self.alone[full.split()[0]] <= max(2, 2 * self.count[full])]
        before = [full for off, full in cands if off < offset]
        if before:
            # "Clinton" after "Hillary Clinton ... her husband, Bill Clinton": the one the text names most
            # (the latest on a tie), not merely the latest
            latest = {full: k for k, full in enumerate(before)}
            return max(latest, key=lambda full: (self.count[full], latest[full]))
        return cands[0][1] if cands else words[0]

    def _titled(self, name: str, words: list[str], offset: int) -> str:
        """"Mr. Trump" -> "Donald Trump" only when one earlier full name of that surname clearly dominates."""
        fulls = Counter(full for off, full in self.full.get(words[-1], []) if off < offset)
        if not fulls or len(self.family.get(words[-1], ())) > 1 or self.first_titled.get(name, offset) < min(
                off for off, _ in self.full[words[-1]]):
            # "Mrs. Bennet" used before any "Elizabeth Bennet", or a family (Mr., Mrs. and Miss Miller):
            # her own person, not a short form of a full name
            return name
        ranked = fulls.most_common()
        if len(ranked) == 1 or ranked[0][1] >= 2 * ranked[1][1]:
            return ranked[0][0]
        return name

    def is_name(self, name: str) -> bool:
        """Whether a one-word name is used as a name in the narration ("Partial transcript:" is not)."""
        if " " in name or not name[:1].isupper():
            return True
        if self._names is None:
            self._names = {m.name for m in self.mentions} | {w for m in self.mentions for w in bare(m.name)}
        if name.lower() in STOP_WORDS or "_" in name:
            return False
        # "the King" is a name here; "Presently" / "Partial transcript" at a sentence start are common words
        return name in self._names or name.lower() in TITLES

    def known(self, name: str, offset: int) -> bool:
        """Whether ``name`` (canonical) is mentioned in the narration before ``offset``."""
        if self._first_seen is None:
            self._first_seen = {}
            for m in self.mentions:
                self._first_seen.setdefault(self.canonical(m.name, m.offset), m.offset)
        return self._first_seen.get(name, offset) < offset

    def relative(self, owner: str, gender: str) -> Optional[str]:
        """"Mrs. Bennet" for the wife/mother of "Mr. Bennet" or "Elizabeth (Bennet)": a titled name sharing the surname."""
        words = bare(owner)
        surname = words[-1] if len(words) > 1 or title_gender(owner) else next(
            (full.split()[-1] for fulls in self.full.values() for _, full in fulls
             if full.split()[0] == words[0]), None)
        if not surname:
            return None
        for title in (("Mrs.", "Mrs") if gender == "female" else ("Mr.", "Mr")):
            if f"{title} {surname}" in self.first_titled and f"{title} {surname}" != owner:
                return f"{title} {surname}"
        return None

    def gender(self, name: str) -> str:
        """'male', 'female' or 'unknown' from titles and pronoun votes."""
        g = title_gender(name)
        if g:
            return g
        if name not in self._gender_cache:
            v = self.votes.get(name, Counter())
            total = v["male"] + v["female"]
            g = "unknown"
            if total and max(v["male"], v["female"]) >= 0.7 * total:
                g = "male" if v["male"] > v["female"] else "female"
            words = name.split()
            first = first_name_gender(name)
            if first != "unknown" and not (total >= 8 and v[first] < 0.2 * total):
                g = first  # "Hillary Clinton": the first name outweighs a few stray pronouns of other people
            elif first == "unknown" and len(words) >= 2 and total < 8 and not self.story_votes \
                    and len({full for _, full in self.full.get(words[-1], [])
                             if not name.endswith(" " + full) and not full.endswith(" " + name)}) > 1:
                g = "unknown"  # "Ivanka Trump" in her father's story: the few "he"s after her name are his
            if g == "unknown":
                g = self.kin.get(name, "unknown")
            if g == "unknown" and len(words) == 1:
                g = self.surname_gender.get(words[0], "unknown")
            if g == "unknown" and len(words) == 1 and self.story_votes:
                # a story calls its people by first name ("Lydia", "Tom"); news by surname ("Carson")
                g = first_name_gender(f"{words[0]} X")
            self._gender_cache[name] = g
        return self._gender_cache[name]

    def passing(self, name: str, speakers: set[str] = frozenset()) -> bool:
        """A family ("the Rassendylls"), or a one-word name a story mentions once and nobody quotes: a word in
        passing ("“So do I.” Locking his hands…", the "Coach and Horses"), not a character a "he"/"the man"
        stands for.  A first name ("William appeared at half-past twelve.") is a person however often it is used,
        unless an article makes it a common noun ("a touch of the Dane about him")."""
        if self._once is None:
            seen = Counter(self.canonical(m.name, m.offset) for m in self.mentions)
            article = {self.canonical(m.name, m.offset) for m in self.mentions
                       if re.search(r"\b(?:the|a|an)\s+$", self.text[max(0, m.offset - 5):m.offset])}
            self._once = {n for n, k in seen.items() if k == 1 and " " not in n
                          and (not is_first_name(n) or n in article)}
        return name in self._once and name not in speakers or self._family(name)

    def _family(self, name: str) -> bool:
        """"the Rassendylls", "the Bennets": a family (the plural of a name the story also uses), not one person."""
        if self._families is None:
            named = {self.canonical(m.name, m.offset) for m in self.mentions}
            surnames = named | {n.split()[-1] for n in named}
            self._families = {n for n in named if n.endswith("s") and " " not in n and n[:-1] in surnames
                              and re.search(r"\bthe\s+" + re.escape(n) + r"\b", self.text)}
        return name in self._families

    def recent(self, offset: int, gender: str, speakers: set[str] = frozenset(), limit: int = 3000,
               exclude: frozenset[str] = frozenset()) -> Optional[str]:
        """The most recent name before ``offset`` whose gender fits (known gender first).

        Without a known gender, only someone already quoted (in ``speakers``) will do;
        names in ``exclude`` (the addressee, the possessor in "her mother") are passed over.
        """
        i = bisect.bisect_left(self.offsets, offset) - 1
        fallback = loose = None
        while i >= 0 and self.offsets[i] >= offset - limit:
            name = self.canonical(self.mentions[i].name, self.offsets[i])
            if name in exclude or i in self.places or not self.is_name(name) or not_a_person(name) \
                    or self.story and self.passing(name, speakers):
                i -= 1
                continue
            g = self.gender(name)
            if g == gender or gender == "unknown" and g != "unknown":
                if i not in self.oblique and (i in self.subjects or name in speakers):
                    return name
                loose = loose or name
            if g == "unknown" and fallback is None and name in speakers:
                fallback = name
            i -= 1
        return fallback or loose
