"""Jobs: rendering an article's episode (synthesise → stitch → encode → tag) wherever it runs.

:mod:`.render` is one article's job, the same in this process, in a local worker
process (:mod:`.parallel`) or on a Dask worker (:mod:`.distributed`).

May import: every stage package and the top-level shared modules; only
``audiocast.pipeline`` and ``audiocast.edition`` import it.
"""
