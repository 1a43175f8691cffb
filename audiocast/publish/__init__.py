"""Publish: Episode → the files in ``out/`` and how they are served.

ID3 tags and chapters (:mod:`.tags`, the only importer of mutagen), transcripts
(:mod:`.transcript`), the cover (:mod:`.cover`), the build's records
(:mod:`.state`, :mod:`.outfiles`, :mod:`.slugs`), the podcast feed (:mod:`.feed`),
the web page (:mod:`.page`, with ``web/``) and ``audiocast serve`` (:mod:`.serve`).

May import: the top-level shared modules, ``audiocast.audio`` and itself.
"""
