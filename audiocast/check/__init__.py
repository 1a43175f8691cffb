"""Check: ``audiocast check OUT`` reads what a podcast app or a browser would read and reports findings.

The report and its rules for the feed (:mod:`.report`), the episodes' audio and
tags (:mod:`.audio`), the edition (:mod:`.edition`), the feed's items
(:mod:`.feed`) and the web page (:mod:`.page`).

May import: the top-level shared modules, ``audiocast.audio``, ``audiocast.publish`` and itself.
"""
