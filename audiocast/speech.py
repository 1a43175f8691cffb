"""Text as a newsreader would say it (TEMPORARY placeholder, being replaced)."""

from __future__ import annotations

import re


def to_speech(text: str) -> str:
    """The words an engine should say for ``text``."""
    return text


def split_sentences(text: str) -> list[str]:
    """Split ``text`` into sentences (placeholder)."""
    return [s for s in re.split(r"(?<=[.!?])\s+", text.strip()) if s]
