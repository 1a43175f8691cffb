"""Voice: Script → Casting → Lines → Clips.

Voice profiles, casts and the lexicon (:mod:`.profiles`), who gets which voice
(:mod:`.cast`), how a script is spoken — pauses, emphasis, speech text
(:mod:`.production`, :mod:`.speech`), and synthesis with its clip cache
(:mod:`.synth`, :mod:`.cliphash`) through one module per engine in :mod:`.engines`.

May import: the top-level shared modules, ``audiocast.audio.ffmpeg`` (pitch and tempo),
``audiocast.audio.encode`` (the audition's MP3) and itself.
"""
