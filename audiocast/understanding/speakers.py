"""Who speaks a quote: attribution phrases, names, genders and pronouns.

Light-weight rules, no model: a list of speech verbs with their inflections,
patterns for the attribution next to a quote ("said X", "X said", "X told Y",
"according to X", "X reports"), the name inside a noun phrase ("said Oscar
nominee Graham Broadbent" -> "Graham Broadbent"), capitalised-name mentions of
the whole document for pronoun resolution and for canonical full names
("Haigh" -> "Andrew Haigh"), and gender from titles and the pronouns that
follow a name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

from audiocast.understanding.names import person_words

# --------------------------------------------------------------------------- speech verbs
_VERBS = (
    "say tell ask reply answer cry exclaim add continue observe remark return rejoin repeat whisper shout "
    "mutter murmur scream pant write report explain note insist argue claim state declare announce warn "
    "suggest recall acknowledge admit agree concede counter respond tweet post joke laugh sigh interrupt "
    "plead demand urge predict promise vow boast complain lament quip muse wonder caution conclude proclaim "
    "assert affirm confirm deny retort snap yell roar sob stammer stutter groan growl hiss gasp whimper "
    "chuckle testify elaborate emphasize emphasise stress mention inquire enquire shriek bellow resume "
    "persist pursue interpose reason scold sneer protest object beg implore entreat cheer venture rejoice "
    "remind chide grumble grunt huff marvel pause wail weep whine write exclaim describe recount opine "
    "acknowledge reiterate blast slam charge accuse complain contend maintain tout counsel caution quote "
    "call holler bark breathe coo squeal chant"
).split()
_IRREGULAR = {"say": ["said", "says", "saying"], "tell": ["told", "tells", "telling"],
              "write": ["wrote", "written", "writes", "writing"], "cry": ["cried", "cries", "crying"],
              "reply": ["replied", "replies", "replying"], "begin": ["began", "begins"],
              "speak": ["spoke", "speaks"], "think": ["thought", "thinks"], "sing": ["sang", "sings"],
              "go on": ["went on", "goes on"], "put it": ["put it", "puts it"], "chime in": ["chimed in"],
              "point out": ["pointed out", "points out"], "bid": ["bade"]}
_DOUBLE = {"snap", "admit", "quip", "sob", "chat", "regret", "stop", "beg", "nod"}


def _forms(verb: str) -> set[str]:
    if verb in _IRREGULAR:
        return set(_IRREGULAR[verb]) | {verb}
    stem = verb[:-1] if verb.endswith("e") else verb
    past = verb + "d" if verb.endswith("e") else (verb + verb[-1] + "ed" if verb in _DOUBLE else verb + "ed")
    third = verb + "es" if verb.endswith(("s", "sh", "ch", "x")) else verb + "s"
    if verb.endswith("y") and verb[-2] not in "aeiou":
        past, third = verb[:-1] + "ied", verb[:-1] + "ies"
    ing = stem + "ing" if verb.endswith("e") else (verb + verb[-1] + "ing" if verb in _DOUBLE else verb + "ing")
    return {verb, past, third, ing}


SPEECH_VERBS: frozenset[str] = frozenset(f for v in set(_VERBS) | set(_IRREGULAR) for f in _forms(v))
SPEECH_VERB_RE = re.compile(r"\b(?:" + "|".join(sorted((re.escape(v) for v in SPEECH_VERBS), key=len,
                                                       reverse=True)) + r")\b")

# --------------------------------------------------------------------------- names
TITLES = {
    "mr": "male", "mr.": "male", "mister": "male", "sir": "male", "lord": "male", "king": "male",
    "mrs": "female", "mrs.": "female", "ms": "female", "ms.": "female", "miss": "female", "madam": "female",
    "madame": "female", "lady": "female", "queen": "female", "mme": "female", "mme.": "female",
}
NEUTRAL_TITLES = {
    "dr", "dr.", "sen", "sen.", "senator", "rep", "rep.", "representative", "gov", "gov.", "governor", "president",
    "vice", "secretary", "gen", "gen.", "general", "lt", "lt.", "col", "col.", "capt", "capt.", "captain", "sgt",
    "sgt.", "prof", "prof.", "professor", "rev", "rev.", "reverend", "judge", "justice", "mayor", "chairman",
    "chairwoman", "chair", "speaker", "leader", "director", "commissioner", "chief", "officer", "attorney",
    "ambassador", "minister", "prime", "premier", "father", "mother", "uncle", "aunt", "st", "st.", "hon", "hon.",
    "pres", "pres.", "supt", "supt.", "del", "del.", "nominee", "candidate", "former", "colonel", "major",
    "sheriff", "detective", "inspector", "pope", "prince", "princess", "duke", "duchess", "count", "countess",
    "baron", "professor", "coach", "master", "sister", "brother", "dame", "cardinal", "bishop", "deputy", "assistant",
}
# capitalised words that start sentences or name no one
STOP_WORDS = set("""a an the this that these those it its in on at by for from with of to and or but so yet
if when while as after before since because though although then there here he she they we i you his her
their our my your who what where why how which one some many most all any no not yes oh well now just also
mr mrs ms dr about into over under up down out more less than only even still again both each every such
monday tuesday wednesday thursday friday saturday sunday january february march april may june july august
september october november december today tomorrow yesterday tonight meanwhile however but later earlier
according during despite like unlike among between through without within upon across against toward
towards read related advertisement share photo would could should shall will must do did does can
chapter regarding following including considering concerning""".split())
PRONOUNS = {"he": "male", "him": "male", "his": "male", "himself": "male",
             "she": "female", "her": "female", "hers": "female", "herself": "female"}
_SUBJECT_PRONOUNS = {"he": "male", "she": "female", "they": "unknown", "i": "unknown", "we": "unknown",
                     "it": "unknown"}
_NAME_TOKEN = r"(?:(?:[A-Z]\.){2,}|[A-Z](?:[\w'’]|-(?!-))*\.?|[A-Z]\.|(?<![\w'’])(?:de|van|von|der|da|di|del|la|le|al|bin|ibn|du|y)\b)"
NAME_RUN_RE = re.compile(_NAME_TOKEN + r"(?:(?:[ \t]+|[ \t]*\n[ \t]*)" + _NAME_TOKEN + r")*")
ABBREV = {"mr", "mrs", "ms", "dr", "sen", "rep", "gov", "gen", "lt", "col", "capt", "sgt", "st", "jr", "sr",
           "prof", "rev", "hon", "pres", "supt", "del", "vs", "mt", "ft", "no", "inc", "corp", "co", "u.s",
           "d.c", "a.m", "p.m", "mme", "messrs"}
_ADVERBS = {"also", "then", "later", "once", "previously", "recently", "further", "again", "still", "now",
            "had", "has", "have", "would", "will", "was", "is", "did", "does", "once", "simply", "finally",
            "quickly", "softly", "quietly", "loudly", "angrily", "calmly", "gently", "sharply", "suddenly",
            "earlier", "often", "never", "always", "even", "just", "only", "first", "may", "might", "could",
            "should", "can", "had", "being", "been", "ever", "all", "both", "not", "repeatedly", "privately",
            "publicly", "told", "to", "very", "most", "rather", "quite", "so", "too", "thus"}
_INNER_TITLES = {"sen", "senator", "rep", "representative", "gov", "governor", "president", "secretary", "gen",
                 "general", "speaker", "leader", "minister", "chancellor", "justice", "judge", "chairman",
                 "chairwoman", "mayor", "ambassador", "director", "commissioner", "attorney", "lt", "col", "capt",
                 "sgt", "adm", "admiral", "prof", "professor", "dr", "spokesman", "spokeswoman", "nominee"}
_VERBISH = {"could", "would", "should", "might", "must", "can", "cannot", "was", "were", "is", "are", "had", "has", "have", "do", "did", "does", "been", "be", "and", "which",
            "who", "whom", "that", "here", "there", "when", "where", "then", "on", "upon", "if", "but", "as"}
_NP_END = re.compile(r"\s*(?:[,;:!?(\[—–]|(?<!\b[A-Z])(?<!\bMr)(?<!\bMrs)(?<!\bMs)(?<!\bDr)(?<!\bSt)(?<!\bSen)"
                     r"(?<!\bRep)(?<!\bGov)(?<!\bGen)(?<!\bLt)(?<!\bCol)(?<!\bCapt)(?<!\bJr)(?<!\bProf)(?<!\bRev)"
                     r"(?<!\bMme)(?<!\bDel)\.|\s-\s|\b(?:who|which|that|when|where|while|after|before|as|in|on|at|"
                     r"of|from|for|during|to|via|with|about|because|and|but|adding|before|since|if)\b)")


def sentence_end(text: str, start: int = 0, limit: Optional[int] = None) -> int:
    """Offset just past the first sentence end at or after ``start`` (len(text) if none).

    With ``limit``, only that many characters are searched (the offset of the limit is returned if none).
    """
    stop = len(text) if limit is None else min(len(text), start + limit)
    for m in re.finditer(r"[.!?…]+['’”\")\]]*(?=\s|$)", text[start:stop]):
        # the word before the mark (a bounded look-back keeps this linear on long runs of text)
        word = re.search(r"([\w.]+)[.]*$", text[max(start, start + m.start() - 40):start + m.start() + 1])
        w = word.group(1).lower().rstrip(".") if word else ""
        if m.group().startswith(".") and (w in ABBREV or (len(w) == 1 and w.isalpha())
                                          or re.fullmatch(r"(?:[a-z]\.)+[a-z]", w)  # "G.K. Butterfield"
                                          or ")" in m.group() and "(" in text[max(start, start + m.start() - 12):
                                                                             start + m.start()]):  # "(R-Fla.)"
            continue
        return start + m.end()
    return stop


def clean_name(phrase: str, after_verb: bool = False) -> Optional[str]:
    """The name in an attribution noun phrase, or the phrase itself when it names no one.

    "Oscar nominee Graham Broadbent" -> "Graham Broadbent"; "Rep. Elijah Cummings" ->
    "Elijah Cummings"; "the ad's narrator" -> "the ad's narrator"; "Mr. Trump" stays.
    """
    phrase = re.split(r"[\"“”]", phrase)[-1].replace("_", "")  # the end of an earlier quote is not a name
    phrase = re.sub(r"\([^)]*\)?", " ", phrase)
    phrase = re.sub(r"\s+", " ", phrase).strip(" ,.;:'’\"“”-–—")
    if not phrase:
        return None
    words = phrase.split()
    pron = next((i for i, w in enumerate(words) if w in ("he", "she")), None)
    if pron and words[0].lower() in STOP_WORDS and not any(w[0].isupper() for w in words[1:pron]):
        return words[pron]  # "With a stronger voice she (soon said)"
    while words and (words[-1].lower().strip(",") in _ADVERBS or re.fullmatch(r"[a-z]+ly", words[-1])):
        words.pop()
    while words and words[0].lower() in ("also", "then", "later", "and", "but", "so"):
        words.pop(0)
    if not words or len(words) > 9:
        return None
    if after_verb:
        # "said Alice very politely", "said the King a little" : the name ends the phrase
        caps = [i for i, w in enumerate(words) if w[0].isupper() and w.lower().rstrip(".") not in STOP_WORDS]
        if caps:
            words = words[:caps[-1] + 1]
    elif any(w.lower() in _VERBISH or re.fullmatch(r"[a-z]+ed", w) for w in words):
        return None  # "Alice was just beginning", "the Pigeon looked up and": a clause, not a name
    if words[-1][0].isupper() or words[-1][0].isdigit():
        runs = list(NAME_RUN_RE.finditer(" ".join(words)))
        run = runs[-1].group().split() if runs else words
        # "House Speaker Paul D. Ryan", "Italian Prime Minister Matteo Renzi": the name follows the last title
        cut = [i for i, w in enumerate(run[:-1]) if w.lower().rstrip(".") in _INNER_TITLES]
        if cut and cut[-1] + 1 < len(run):
            run = run[cut[-1] + 1:]
        # keep Mr./Mrs./Miss (they carry gender and tell Bennets apart); drop job titles
        while len(run) > 1 and run[0].lower() not in TITLES and \
                run[0].lower().rstrip(".") in {t.rstrip(".") for t in NEUTRAL_TITLES} | STOP_WORDS:
            run = run[1:]
        if run[0].lower() not in TITLES:
            run = person_words(run)  # "North Carolina’s Ada Fisher", "Republican Donald Trump"
        name = " ".join(run).rstrip("’'s").rstrip("’'") if run[-1].endswith(("'s", "’s")) else " ".join(run)
        return name.strip(" ,") or None
    if words[0].lower() in _SUBJECT_PRONOUNS or words[0].lower() in ("him", "her"):
        if len(words) == 1:
            return words[0].lower()
        if words[0].lower() != "her" or describe(" ".join(words)) is None:
            return None  # "her mother" is a description; "he then" is not a name
    if words[0].lower() not in ("the", "a", "an", "his", "her", "their", "its", "one", "another") \
            and not any(w[0].isupper() for w in words):
        return None
    return " ".join(words)


@dataclass(frozen=True)
class Attribution:
    """A speaker phrase found next to a quote: ``name`` as written (or a pronoun), and where."""

    name: str
    offset: int  # offset of the phrase in the text it was found in
    pronoun: Optional[str] = None  # "male"/"female"/"unknown" when the phrase is a pronoun


def _make(np_text: str, offset: int, after_verb: bool = False) -> Optional[Attribution]:
    name = clean_name(np_text, after_verb)
    if not name:
        return None
    low = name.lower()
    if low in _SUBJECT_PRONOUNS or low in ("him", "her"):
        return Attribution(low, offset, _SUBJECT_PRONOUNS.get(low, "female" if low == "her" else "male"))
    return Attribution(name, offset)


_DETERMINER = re.compile(r"\b(?:the|a|an|this|that|his|her|its|their|our|my|your|congressional|new|latest)\s+$", re.I)


def _verbs(clause: str):
    """Speech verbs of ``clause`` (lower-cased matches), leaving out nouns: "the report stated", "a quote"."""
    low = clause.lower()
    return (v for v in SPEECH_VERB_RE.finditer(low) if not _DETERMINER.search(low[max(0, v.start() - 20):v.start()]))


def attribution_after(after: str) -> Optional[Attribution]:
    """The speaker named in the narration right after a quote (", said X." / "X told Y." / "― X")."""
    dash = re.match(r"\s*[―—–-]+\s*((?:[A-Z][\w'’.\-]*\s*){1,5})\s*(?:$|[,(\n])", after)
    if dash:
        return _make(dash.group(1), dash.start(1))
    m = re.match(r"[\s,;:—–-]*", after)
    start = m.end()
    clause = after[start:sentence_end(after, start)]
    clause = re.split(r";|\s[—–]\s|,?\s+but\s", clause)[0]
    if not clause or clause[0] in "\"“”":
        return None
    acc = re.match(r"according to\s+", clause, re.I)
    if acc:
        tail = clause[acc.end():]
        cut = _NP_END.search(tail)
        return _make(tail[:cut.start()] if cut else tail, start + acc.end())
    verb = next(_verbs(clause[:200]), None)
    if not verb:
        return None
    head = re.sub(r"\([^)]*\)", " ", clause[:verb.start()])
    if head.strip():
        # "X said", "Haigh told Vanity Fair", "Scott Pruitt, the attorney general of Oklahoma, said"
        parts = head.split(",")
        if len(parts) == 1 and len(head.split()) > 9:
            return None
        if len(parts) > 1 and (parts[-1].strip() or len(parts[0].split()) > 6):
            return None
        return _make(parts[0], start)
    tail = clause[verb.end():]
    cut = _NP_END.search(tail, 1) if tail.strip() else None
    np_text = tail[:cut.start()] if cut else tail
    if re.match(r"\s*(?:that|to|of|about|in|on|for|with|by|it|this|so|not|how|what|why|when)\b", np_text):
        return None
    return _make(np_text, start + verb.end(), True)


_SUBJECT_RE = re.compile(r"\s*((?:(?:[Tt]he|[Aa]n?|[Hh]is|[Hh]er)\s+)?(?:[A-Z][\w'’.\-]*\s+)*[A-Z][\w'’.\-]*|"
                         r"[Hh]e|[Ss]he)\b")


def attribution_before(before: str) -> Optional[Attribution]:
    """The speaker introducing a quote in the narration before it ("Trump said:", "According to X,")."""
    clause = re.split(r"(?<=[.!?])(?<!\bMr\.)(?<!\bMrs\.)(?<!\bMs\.)(?<!\bDr\.)(?<!\bSt\.)(?<!\b[A-Z]\.)"
                      r"\s+(?=[A-Z\"“])", before.rstrip())[-1]
    off = len(before.rstrip()) - len(clause)
    acc = re.search(r"\baccording to\s+", clause, re.I)
    if acc:
        tail = clause[acc.end():]
        cut = _NP_END.search(tail)
        return _make(tail[:cut.start()] if cut else tail, off + acc.end())
    for verb in reversed(list(_verbs(clause))):
        head = re.sub(r"\([^)]*\)", " ", clause[:verb.start()])
        part = re.split(r"[,;:]|\b(?:and|but|then)\s", head)[-1]
        if SPEECH_VERB_RE.search(part.lower()):
            continue
        if part.strip():
            found = _make(part if len(part.split()) <= 8 else "", off)
            return found or _name_before_verb(part, off + len(head) - len(part)) or _chunk_subject(head, off)
        tail = clause[verb.end():]
        cut = _NP_END.search(tail, 1) if tail.strip() else None
        found = _make(tail[:cut.start()] if cut else tail, off + verb.end(), True)
        if found is None:
            # "Alice considered a little, and then said": the subject of the clause
            found = _chunk_subject(head, off)
        return found
    return None


_NAME_BEFORE_VERB = re.compile(r"(?:^|\b(?:as|when|while|till|until|whereupon|where|and|but|then|so|now)\s+)((?:(?:Mr|Mrs|Miss|Ms|Dr)\.?\s+)?[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){0,2})"
                               r"\s+(?:\w+ly\s+)?$")


def _name_before_verb(part: str, off: int) -> Optional[Attribution]:
    """The name right before the speech verb of a subordinate clause: "…darkened again as Jo said sadly,".

    Only after a conjunction ("as", "when", "and"): "to hear Fay sing “See-Saw.”" names a singer, not a speaker.
    """
    m = _NAME_BEFORE_VERB.search(part)
    if not m or m.group(1).split()[0].lower() in STOP_WORDS and not TITLES.get(m.group(1).split()[0].lower()):
        return None
    return _make(m.group(1), off + m.start(1))


_LEAD_RE = re.compile(r"\s*(?:(?:and|but|then|so|yet|till|until|when|while|as|where|now|thus|at last|at length)\s+)*",
                      re.I)


def _chunk_subject(head: str, off: int) -> Optional[Attribution]:
    """The subject of the last comma-chunk that opens with a name or he/she.

    "Mrs. Bennet, who quarrelled with no one, answered," / "Jane taking out the letter, said,"
    / "till Sir William thus began" : the speaker is the subject, past appositions and participles.
    """
    pos = 0
    chunks = []
    for piece in re.split(r"([,;:])", head):
        if piece not in ",;:":
            chunks.append((pos, piece))
        pos += len(piece)
    for start, chunk in reversed(chunks):
        lead = _LEAD_RE.match(chunk)
        rest = chunk[lead.end():]
        m = _SUBJECT_RE.match(rest)
        if not m:
            continue
        first = m.group(1).split()[0].lower()
        if first in STOP_WORDS and first not in ("he", "she", "the", "his", "her"):
            continue
        found = _make(m.group(1), off + start + lead.end() + m.start(1))
        if found is not None:
            return found
    return None


_MALE_NOUNS = set("""man gentleman boy father husband brother son uncle nephew king lord master fellow lad papa
count duke prince footman gent youth grandfather cousin-german sir""".split())
_FEMALE_NOUNS = set("""woman lady girl mother wife sister daughter aunt niece queen mistress madam hostess mamma mama
maid duchess signorina widow governess miss grandmother matron ladyship""".split())
_PERSON_NOUNS = set("""companion friend interlocutor other visitor guest host child parent stranger
cousin companion partner neighbour neighbor""".split())


def describe(phrase: str) -> Optional[tuple[Optional[str], str]]:
    """(possessor gender, person gender) of a definite description: "her mother" -> ("female", "female").

    "the young man" -> (None, "male"); "his companion" -> ("male", "unknown"); a
    phrase that is not a definite description of a person ("a spokesman") -> None.
    """
    words = re.findall(r"[a-z][\w'’-]*", phrase.lower())
    if len(words) < 2 or words[0] not in ("the", "his", "her", "this", "that", "their"):
        return None
    head = words[-1]
    gender = "male" if head in _MALE_NOUNS else "female" if head in _FEMALE_NOUNS else \
        "unknown" if head in _PERSON_NOUNS else None
    if gender is None:
        return None
    return {"his": "male", "her": "female"}.get(words[0]), gender


def narration_subject(narration: str) -> Optional[Attribution]:
    """Who the last sentence of ``narration`` is about ("Daisy gave a violent laugh." -> Daisy; "She shook her
    head." -> she): the likely speaker of an unattributed quote that follows it."""
    text = narration.rstrip()
    if not text or text[-1] not in ".!?;:,—–-":
        return None
    # not after "Mr." / "Mrs.": "Mr. Bennet made no answer." is about Mr. Bennet, not "Bennet"
    sentences = [m.start() for m in re.finditer(r"(?:^|(?<=[.!?…])(?<!\bMr\.)(?<!\bMrs\.)(?<!\bMs\.)(?<!\bDr\.)"
                                                r"(?<!\bSt\.))[\"”’')]*\s+(?=[\"“‘']?[A-Z])", text)]
    start = sentences[-1] if sentences else 0
    if len(text) - start > 400:
        return None
    return _chunk_subject(text[start:], start)


def bare(name: str) -> list[str]:
    """The words of a name without its leading titles, jobs and places ("Texas Sen. Ted Cruz" -> Ted Cruz)."""
    words = name.split()
    while len(words) > 1 and words[0].lower() in _ALL_TITLES:
        words = words[1:]
    return person_words(words) if len(words) > 2 else words


_ALL_TITLES = set(TITLES) | NEUTRAL_TITLES


def title_gender(name: str) -> Optional[str]:
    """'male'/'female' from a Mr./Mrs./Ms./Miss title at the start of ``name``."""
    first = name.split()[0].lower() if name.split() else ""
    return TITLES.get(first)
