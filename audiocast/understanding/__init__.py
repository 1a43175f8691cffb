"""Understanding: Article → Script.

Splits an article into narration and quoted speech and works out who speaks each
quote: :mod:`.segment` (the entry point, ``segment_article``), :mod:`.quotes` (which
quoted text is direct speech), :mod:`.speakers` (attribution phrases next to a quote),
:mod:`.entities` (the article's people), :mod:`.coref` ("he said" → a person), :mod:`.organisations`
("the company said" → the company the story named),
:mod:`.names` (first names → gender), :mod:`.dialogue` (fiction's own speaker rules) and :mod:`.labels` (the
speaker labels a listener sees).

May import: ``audiocast.model``, ``audiocast.errors``, ``audiocast.config`` and itself. No audio, no files written.
"""
