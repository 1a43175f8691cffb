"""Fiction's own speaker rules, applied after :func:`audiocast.understanding.segment.find_quotes` has guessed.

A novel tags many lines with a bare "she said" / "returned he" that names nobody resolvable (the person was
named only inside an earlier quote, or by a description); the turn-taking guess that then fills them in must at
least be of the tag's sex.  These rules apply to stories (:func:`audiocast.understanding.coref.is_story`).
"""

from __future__ import annotations

from typing import Callable, Optional

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
