"""Narration, quotes and speakers: Article -> Script.

:func:`find_quotes` works on raw text (a whole document, paragraphs separated
by newlines) and returns the voiced quotes with character offsets and speakers;
:func:`segment_article` joins an article's paragraphs, runs it and cuts every
paragraph into narration and quote segments.  The rules live in
:mod:`audiocast.understanding.quotes` (which quoted text is direct speech),
:mod:`audiocast.understanding.speakers` (attribution phrases next to a quote),
:mod:`audiocast.understanding.entities` (the document's people: full names, genders, pronouns) and
:mod:`audiocast.understanding.coref` (in a report, which person "he said" / "the senator said" stands for).
Speaker order of preference: an attribution next to the quote, a pronoun or a
description ("said her mother") resolved to a person, the same paragraph's
speaker, the person named by the previous paragraph's lead-in ("Mr. Bennet
observed,"), the person the quote's own narration is about, turn-taking in a
dialogue, and finally the neutral label :data:`UNATTRIBUTED`.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from audiocast.model import Article, Gender, Script, Segment, Speaker
from audiocast.understanding.coref import is_story, nominal, salient
from audiocast.understanding.dialogue import answering, fiction_tag, fitting_speaker, owned_person, role_name
from audiocast.understanding.entities import Entities
from audiocast.understanding.labels import NARRATOR, UNATTRIBUTED, final_names, label, news_names
from audiocast.understanding.names import first_name_gender
from audiocast.understanding.organisations import organisation
from audiocast.understanding.quotes import (DOUBLE_QUOTES, Piece, intro_attribution, is_direct, paragraph_intro, scan_pieces,
                              split_paragraphs, stage_direction)
from audiocast.understanding.speakers import (Attribution, attribution_after, attribution_before, describe,
                                narration_subject, title_gender)



@dataclass(frozen=True)
class QuoteSpan:
    """A voiced quote: ``text[start:end]`` is the speech (marks excluded).

    ``open_mark``/``close_mark`` are the offsets of its marks (``close_mark`` None
    when the quote ran to the paragraph end); ``how`` tells how the speaker was
    found: "explicit" (named next to the quote), "pronoun", "continued" (an
    earlier quote's speaker goes on) or "guess".
    """

    start: int
    end: int
    speaker: Optional[str]
    paragraph: int
    open_mark: int
    close_mark: Optional[int]
    how: str = "explicit"


@dataclass
class _Found:
    piece: Piece
    attribution: Optional[Attribution] = None
    speaker: Optional[str] = None
    how: str = "guess"


def _direct_pieces(text: str, paras: list[tuple[int, int]]) -> list[Piece]:
    pieces = scan_pieces(text, paras)
    direct: list[Piece] = []
    prev_in_para: Optional[Piece] = None
    last_direct_runs_on = False
    for pc in pieces:
        if prev_in_para is not None and prev_in_para.paragraph != pc.paragraph:
            prev_in_para = None
        if pc.continued:
            ok = (last_direct_runs_on and not stage_direction(text[pc.start:pc.end])
                  or is_direct(text, pc, paras[pc.paragraph], None))
        else:
            ok = is_direct(text, pc, paras[pc.paragraph], prev_in_para)
        if ok:
            direct.append(pc)
            prev_in_para = pc
        last_direct_runs_on = ok and pc.runs_on
    return direct


def _after_text(text: str, pc: Piece, nxt: Optional[Piece], para: tuple[int, int]) -> str:
    start = pc.close_mark + 1 if pc.close_mark is not None else pc.end
    stop = nxt.open_mark if nxt is not None and nxt.paragraph == pc.paragraph else para[1]
    return text[start:stop]


def _resolve(ents: Entities, att: Attribution, at: int, dialogue: Optional[tuple[str, str]],
             speakers: set[str], last: Optional[str] = None, opening: Optional[int] = None) -> Optional[str]:
    """A speaker name for an attribution found at offset ``at``."""
    if att.pronoun is None:
        if att.name[0].isupper() and (ents.story or not re.match(r"The\s+[a-z]", att.name)):
            # (a report's "The minority leader said:" opening a sentence is a description, not a name)
            owned = owned_person(ents, att.name, at) if ents.story else None  # "said Daisy’s mamma"
            return owned or (ents.canonical(att.name, at) if ents.is_name(att.name) else None)
        found = _described(ents, att.name, at, dialogue, speakers)
        if found is None and not ents.story:
            found = nominal(ents, att.name, at, speakers, last, opening) or \
                organisation(ents, att.name, at if opening is None else min(at, opening))
        if found is None and ents.story:
            found = role_name(ents, att.name, at)  # "said the doctor": the one the story calls "Dr. Archie"
        return found or att.name
    if att.pronoun not in ("male", "female"):
        return None
    # "she said to Mrs. Walker", "he told Randolph": the one spoken to is not the speaker
    to = _ADDRESSEE_RE.match(ents.text, at)
    exclude = frozenset({ents.canonical(to.group(1), at)}) if to else frozenset()
    if ents.story:
        name = ents.recent(at, att.pronoun, speakers, exclude=exclude)
    else:
        name = salient(ents, at, att.pronoun, speakers, exclude=exclude, last=last, opening=opening)
    fits = (att.pronoun, "unknown") if ents.story else (att.pronoun,)  # a report names bystanders of any gender
    if ents.story and dialogue and name not in dialogue and ents.gender(dialogue[0]) == att.pronoun \
            and ents.gender(dialogue[1]) != att.pronoun:
        return dialogue[0]  # in a two-person exchange, "she said" is the one of the two who is a she
    if ents.story and dialogue and name == dialogue[1] and ents.gender(dialogue[0]) in fits:
        # in an exchange, "he said" in a new paragraph is rarely the one who just spoke
        return dialogue[0]
    return name


_ADDRESSEE_RE = re.compile(r"(?:(?:[Hh]e|[Ss]he)\s+)?(?:\w+ly\s+)?(?:said|says|cried|replied|added|answered|"
                           r"whispered|called|continued|observed)?\s*(?:(?:he|she)\s+)?(?:to|told|tells|asked|asks)"
                           r"\s+((?:(?:Mr|Mrs|Miss|Ms|Dr)\.?\s+)?[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)?)")
_LABEL_RE = re.compile(r"\s*([A-Z][A-Z.'’\-]+(?: [A-Z][A-Z.'’\-]+){0,3}):\s")
_KIN = {"wife", "husband", "mother", "father", "mamma", "mama", "papa"}


def _described(ents: Entities, phrase: str, at: int, dialogue: Optional[tuple[str, str]],
               speakers: set[str]) -> Optional[str]:
    """A named person for "said her mother" / "the young girl" / "his companion", when one fits.

    The possessor ("her") is the most recent person of that gender; the one described
    is the most recent other person whose gender fits the noun.
    """
    desc = describe(phrase)
    if desc is None:
        return None
    owner_gender, gender = desc
    exclude: frozenset[str] = frozenset()
    if owner_gender:
        owner = ents.recent(at, owner_gender, speakers)
        exclude = frozenset({owner}) if owner else exclude
        if owner and phrase.split()[-1].lower() in _KIN:
            kin = ents.relative(owner, gender)
            tried = {owner}
            while kin is None and ents.story and len(tried) < 3:
                # "said her mother" after "Lizzy" (no surname known): the next one of her sex who has a family
                other = ents.recent(at, owner_gender, speakers, exclude=frozenset(tried))
                if other is None:
                    break
                tried.add(other)
                kin = ents.relative(other, gender)
            if kin:
                return kin
    if gender == "unknown":
        # "his companion", "the other": in an exchange, the one who is not the owner / not the last speaker
        if dialogue:
            if owner_gender:
                return dialogue[1] if dialogue[0] in exclude else dialogue[0] if dialogue[1] in exclude else None
            return dialogue[0]
    found = ents.recent(at, gender, speakers, exclude=exclude)
    return found if found is not None and (gender != "unknown" or found in speakers) else None


def find_quotes(text: str) -> list[QuoteSpan]:
    """Every voiced direct quote in ``text`` with its speaker (None when nobody can be named)."""
    paras = split_paragraphs(text)
    direct = _direct_pieces(text, paras)
    story = is_story(text, paras)
    ents = Entities(_blank_quotes(text, direct), story_votes=story)
    ents.story = story
    found = [_Found(pc) for pc in direct]
    by_para: dict[int, list[_Found]] = {}
    for f in found:
        by_para.setdefault(f.piece.paragraph, []).append(f)
    labels = Counter(m.group(1) for m in (_LABEL_RE.match(text, pc.start, pc.end) for pc in direct) if m)
    last_speakers: list[tuple[int, Optional[str]]] = []  # (paragraph, speaker) of quote paragraphs
    seen: set[str] = set()
    for p in sorted(by_para):
        group = by_para[p]
        lo, hi = paras[p]
        prev_close = lo
        for k, f in enumerate(group):
            pc = f.piece
            nxt = group[k + 1].piece if k + 1 < len(group) else None
            after = _after_text(text, pc, nxt, paras[p])
            att = attribution_after(after)
            if att is None and story:
                att = fiction_tag(text[pc.start:pc.end], after)  # '“Amen,” I yawned.'
            if att is not None:
                f.attribution = att
                base = (pc.close_mark + 1) if pc.close_mark is not None else pc.end
                f.attribution = Attribution(att.name, base + att.offset, att.pronoun)
            elif k == 0 or group[k - 1].attribution is None or group[k - 1].attribution.offset < prev_close:
                before = text[prev_close:pc.open_mark]
                if intro_attribution(before):
                    att = attribution_before(before)
                    if att is not None:
                        f.attribution = Attribution(att.name, prev_close + att.offset, att.pronoun)
            prev_close = (pc.close_mark + 1) if pc.close_mark is not None else pc.end
        dialogue = None
        if (len(last_speakers) >= 2 and last_speakers[-1][0] == p - 1 and last_speakers[-2][0] == p - 2
                and None not in (last_speakers[-1][1], last_speakers[-2][1])
                and last_speakers[-1][1] != last_speakers[-2][1]):
            dialogue = (last_speakers[-2][1], last_speakers[-1][1])
        starts_para = not text[lo:group[0].piece.open_mark].strip()
        named: Optional[str] = None  # the speaker named earlier in this paragraph
        for k, f in enumerate(group):
            if f.attribution is not None:
                pron = f.attribution.pronoun
                if f.attribution.name == "i" and not re.search(r"\bI\s+quote\W*$", text[:f.piece.open_mark][-30:]):
                    # '“Pip, sir,” I said': the first-person narrator (not "Trump said, and I quote, …")
                    f.speaker, f.how = NARRATOR, "explicit"
                    continue
                if pron is not None and named and ents.gender(named) in (pron, "unknown"):
                    # '"A," said the King. "B," he added.': the same speaker goes on
                    f.speaker, f.how = named, "pronoun"
                    continue
                run = last_speakers[-1][1] if last_speakers and last_speakers[-1][0] >= p - 1 else None
                f.speaker = _resolve(ents, f.attribution, f.attribution.offset,
                                     dialogue if starts_para else None, seen, run, f.piece.open_mark)
                if ents.story and pron in ("male", "female") and starts_para and k == 0 and run \
                        and last_speakers[-1][0] == p - 1:
                    f.speaker = answering(pron, f.speaker, _callee(text, paras[p - 1], run, ents), ents.gender)
                f.how = "explicit" if pron is None else "pronoun"
                if pron is None and f.speaker:
                    named = f.speaker
        # pieces without their own attribution share their neighbour's ("A," she said. "B.")
        for k, f in enumerate(group):
            if f.speaker is None and f.attribution is None:
                donor = next((g for g in reversed(group[:k]) if g.speaker), None) or \
                    next((g for g in group[k + 1:] if g.speaker), None)
                if donor:
                    f.speaker, f.how = donor.speaker, donor.how
        # "he said" with no fitting "he" in sight stays unattributed rather than take a guess's name
        open_ = [f for f in group if f.speaker is None and not (
            f.attribution is not None and f.attribution.pronoun in ("male", "female") and not ents.story)]
        if open_:
            guess, how = _unattributed(text, paras, p, group[0].piece, last_speakers, ents, dialogue, seen)
            for f in open_:
                f.speaker, f.how = guess, how
                if ents.story and f.attribution is not None:  # '“But it is,” returned she': not a he
                    f.speaker = fitting_speaker(f.attribution.pronoun, guess, [sp for _, sp in last_speakers],
                                                ents.gender)
        for f in group:
            label = _LABEL_RE.match(text, f.piece.start, f.piece.end)
            if label:  # a transcript line: "PENCE: Well, look, ..."
                name = ents.canonical(" ".join(w.capitalize() for w in label.group(1).split()), f.piece.start)
                if ents.known(name, f.piece.start) or labels[label.group(1)] > 1:  # "OK: here..." is no label
                    f.speaker, f.how = name, "explicit"
        _not_the_addressee(text, group, ents, dialogue, seen)
        last_speakers.append((p, group[-1].speaker))
        seen.update(f.speaker for f in group if f.speaker)
    names = final_names(text, [(f.piece.paragraph, text[f.piece.start:f.piece.end], f.speaker, f.how)
                               for f in found])
    if not ents.story:
        names.update(news_names({f.speaker for f in found if f.speaker and f.speaker != NARRATOR}))
    return [QuoteSpan(f.piece.start, f.piece.end, names.get(f.speaker, f.speaker), f.piece.paragraph,
                      f.piece.open_mark, f.piece.close_mark, f.how) for f in found]


def addressed(speech: str, name: str) -> bool:
    """True when ``speech`` calls ``name`` by name ("Safe home, Euan," / "My dear Mr. Bennet") as its addressee."""
    words = [w for w in name.replace(".", "").split() if len(w) > 2 and w[0].isupper()]
    return any(re.search(r"(?:^|[,;!?—–]\s*|\b[Dd]ear\s+|\b(?:Mr|Mrs|Miss|Ms)\.?\s+)" + re.escape(w)
                         + r"(?:\s+dear(?:est)?)?\s*(?:[,!?.;—–]|$)", speech.strip()) for w in words)  # "Margaret dear,"


def _not_the_addressee(text: str, group: list[_Found], ents: Entities, dialogue: Optional[tuple[str, str]],
                       seen: set[str]) -> None:
    """A guessed speaker who is spoken to by name in the quote is the listener: pick the other one."""
    for f in group:
        if f.how == "explicit" or not f.speaker or not addressed(text[f.piece.start:f.piece.end], f.speaker):
            continue
        other = None
        if dialogue and f.speaker in dialogue:
            other = dialogue[0] if dialogue[1] == f.speaker else dialogue[1]
        elif f.attribution is not None and f.attribution.pronoun in ("male", "female"):
            other = ents.recent(f.attribution.offset, f.attribution.pronoun, seen, exclude=frozenset({f.speaker}))
        if other and not addressed(text[f.piece.start:f.piece.end], other):
            f.speaker = other


def _unattributed(text: str, paras: list[tuple[int, int]], p: int, first: Piece,
                  last: list[tuple[int, Optional[str]]], ents: Entities,
                  dialogue: Optional[tuple[str, str]], seen: set[str]) -> tuple[Optional[str], str]:
    """Speaker of a paragraph's quotes that carry no attribution of their own."""
    prev = last[-1] if last else None
    if first.continued and prev and prev[0] == p - 1:
        return prev[1], "continued"
    lo = paras[p][0]
    if text[lo:first.open_mark].strip():
        # "Daisy gave a violent laugh. “I never heard anything so stiff!”": the narration's subject speaks
        who = _subject_of(text, lo, first.open_mark, ents, seen)
        if who:
            return who, "guess"
    elif p > 0:
        prev_text = paragraph_intro(text[paras[p - 1][0]:paras[p - 1][1]])
        if prev_text is not None and prev_text.endswith(".") and prev and prev[0] == p - 1:
            prev_text = None  # '“Because I had to,” he said.' tags its own quote, not the next paragraph's
        if prev_text is not None:
            att = attribution_before(prev_text)
            if att is not None:
                how = "explicit" if att.pronoun is None else "pronoun"
                return _resolve(ents, att, paras[p - 1][0] + att.offset, None, seen), how
        if prev and prev[0] == p - 1:
            # the one the last speaker called by name answers ("Certainly, Mr. Darcy," said she. / "Not at all.")
            callee = _callee(text, paras[p - 1], prev[1], ents)
            if callee:
                return callee, "continued"
            if dialogue:
                return dialogue[0], "continued"
            if ents.story:
                # a new paragraph is a new speaker: the other one in the conversation, else someone else present
                partner = next((sp for q, sp in reversed(last[:-1]) if q >= p - 12 and sp and sp != prev[1]), None)
                if partner:
                    return partner, "continued"
                other = ents.recent(lo, "unknown", seen, exclude=_forms_of(ents, prev[1], lo))
                # someone a he or a she: not a place the narration happened to name ("Vevey")
                return (other if other and ents.gender(other) != "unknown" else None), "guess"
            return prev[1], "continued"
    if prev and prev[0] >= p - 2 and not ents.story:
        return prev[1], "continued"
    if p > 0 and not text[lo:first.open_mark].strip() and not (prev and prev[0] == p - 1):
        # a quote paragraph after narration about someone ("She stood on the bridge..."); in a story this comes
        # before the speaker of the quote paragraph before it ("…known as Tuppence. She pounced at once. / “Tommy…”")
        who = _subject_of(text, *paras[p - 1], ents, seen)
        if who:
            return who, "guess"
    if prev and prev[0] >= p - 2:
        return prev[1], "continued"
    return None, "guess"


def _forms_of(ents: Entities, name: Optional[str], at: int) -> frozenset[str]:
    """``name`` and the other names the text gives that person before ``at`` ("Tom" and "Tom Reed")."""
    if not name:
        return frozenset()
    first = name.split()[0]
    return frozenset({name} | {n for n in (ents.canonical(m.name, m.offset) for m in ents.mentions if m.offset < at)
                               if n.split()[0] == first and not title_gender(n)})


def _callee(text: str, para: tuple[int, int], speaker: Optional[str], ents: Entities) -> Optional[str]:
    """A person the previous quote paragraph addresses by name (not its own speaker)."""
    quoted = " ".join(m.group(1) for m in re.finditer(r"[\"“]([^\"“”]*)[\"”]?", text[para[0]:para[1]]))
    for m in re.finditer(r"(?:^|[,;!?—–]\s*|\b[Dd]ear\s+)((?:(?:Mr|Mrs|Miss|Ms|Dr)\.?\s+)?[A-Z][a-z]+)"
                         r"(?=(?:\s+dear(?:est)?)?\s*[,!?.;—–](?:\s|$)|\s*$)", quoted):
        name = ents.canonical(m.group(1), para[0])
        fuller = [n for n in _forms_of(ents, name, para[0]) if n != name]
        if len(fuller) == 1 and not ents.known(name, para[0]):
            name = fuller[0]  # "Basil," is the Basil Hallward the narration named
        if name != speaker and name.split()[-1] not in (speaker or "").split() and ents.known(name, para[0]):
            return name
    return None


def _subject_of(text: str, lo: int, hi: int, ents: Entities, seen: set[str]) -> Optional[str]:
    """The person the narration ``text[lo:hi]`` ends on, resolved to a name (None when unsure)."""
    att = narration_subject(text[lo:hi])
    if att is None:
        return None
    if att.pronoun is None and not att.name[0].isupper():
        return _described(ents, att.name, lo + att.offset, None, seen)
    if att.pronoun is None and (att.name.split()[0].lower() in ("the", "a", "an", "his", "her", "its")
                                or not ents.is_name(att.name.split()[0])):
        return None
    who = _resolve(ents, att, lo + att.offset + 1, None, seen)
    return None if who and ents.story and ents.passing(who, seen) else who  # "as the Rassendylls had been."


def _blank_quotes(text: str, pieces: list[Piece]) -> str:
    """``text`` with the speech of direct quotes blanked out (names inside quotes are not antecedents)."""
    chars = list(text)
    for pc in pieces:
        for i in range(pc.start, pc.end):
            if not chars[i].isspace():
                chars[i] = "x"
    return "".join(chars)


# --------------------------------------------------------------------------- Article -> Script
_PUNCT_ONLY = re.compile(r"[\W_]*")


def segment_article(article: Article) -> Script:
    """Split every paragraph of ``article`` into narration and quote segments, with speakers.

    Quote segments hold the speech without its marks; narration keeps
    everything else, so a paragraph's segments put together give back the
    paragraph (bar those marks and whitespace).
    """
    texts: list[str] = []
    where: list[tuple[int, int, int]] = []  # (section, paragraph, offset in doc)
    pos = 0
    hints = {_plain(h) for h in article.quote_hints}
    for s, section in enumerate(article.sections):
        for i, para in enumerate(section.paragraphs):
            flat = re.sub(r"\s*\n\s*", " ", para)  # a reader's paragraph is one paragraph
            if _plain(flat) in hints and not any(c in DOUBLE_QUOTES for c in flat):
                flat = f"“{flat}”"  # a <blockquote> without marks is still someone's words
            where.append((s, i, pos))
            texts.append(flat)
            pos += len(flat) + 2
    doc = "\n\n".join(texts)
    quotes = find_quotes(doc)
    segments: list[Segment] = []
    qi = 0
    for (s, i, off), para in zip(where, texts):
        end = off + len(para)
        pieces: list[tuple[str, str, Optional[str]]] = []
        cursor = off
        while qi < len(quotes) and quotes[qi].open_mark < end:
            q = quotes[qi]
            stop = q.close_mark + 1 if q.close_mark is not None else q.end
            pieces.append(("narration", doc[cursor:q.open_mark], None))
            pieces.append(("quote", doc[q.start:q.end], label(q.speaker)))
            cursor = stop
            qi += 1
        pieces.append(("narration", doc[cursor:end], None))
        segments.extend(_merge(pieces, s, i))
    speakers = _speakers(doc, segments, quotes)
    return Script(article=article, segments=tuple(segments), speakers=speakers)


def _plain(text: str) -> str:
    return " ".join(text.strip().strip(DOUBLE_QUOTES).split())


def _merge(pieces: list[tuple[str, str, Optional[str]]], section: int, paragraph: int) -> list[Segment]:
    """Segments of one paragraph: strip, glue punctuation-only narration to its neighbour, merge narration."""
    out: list[list] = []
    for kind, text, speaker in pieces:
        text = text.strip()
        if kind == "quote":
            text = text.strip(DOUBLE_QUOTES + " ")
        if not text:
            continue
        if kind == "narration" and _PUNCT_ONLY.fullmatch(text) and out:
            out[-1][1] = f"{out[-1][1]}{text}"
            continue
        if out and out[-1][0] == "narration" and kind == "narration":
            out[-1][1] = f"{out[-1][1]} {text}"
            continue
        if out and out[-1][0] == "narration" and _PUNCT_ONLY.fullmatch(out[-1][1]):
            text = f"{out.pop()[1]} {text}"
        out.append([kind, text, speaker])
    return [Segment(kind=k, text=t, speaker=sp, section=section, paragraph=paragraph) for k, t, sp in out]


def _speakers(doc: str, segments: list[Segment], quotes: list[QuoteSpan]) -> tuple[Speaker, ...]:
    ents = Entities(doc)
    order: list[str] = []
    for seg in segments:
        if seg.speaker and seg.speaker not in order:
            order.append(seg.speaker)
    pronoun_votes: dict[str, set[str]] = {}
    for q in quotes:
        if q.how == "pronoun" and q.speaker:
            after = doc[(q.close_mark or q.end):(q.close_mark or q.end) + 40]
            m = re.search(r"\b(he|she)\b", after, re.I)
            if m:
                pronoun_votes.setdefault(q.speaker, set()).add("male" if m.group(1).lower() == "he" else "female")
    result = []
    for name in order:
        g = title_gender(name) or ents.gender(name)
        votes = pronoun_votes.get(name, set())
        if g == "unknown" and len(votes) == 1:
            g = next(iter(votes))
        if g == "unknown":  # the article never says: fall back on what the first name usually means
            g = first_name_gender(name)
        result.append(Speaker(name, g))
    return tuple(result)
