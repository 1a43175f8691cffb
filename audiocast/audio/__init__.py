"""Audio: Clips → EpisodeAudio.

The timeline of clips and pauses (:mod:`.timeline`), chapter planning
(:mod:`.chapters`), stitching with loudness riding (:mod:`.stitch`,
:mod:`.loudness`), and the outside audio tools: every ffmpeg and ffprobe command
line (:mod:`.ffmpeg`), LAME encoding (:mod:`.encode`) and probing (:mod:`.probe`).
Only this package imports pydub.

May import: the top-level shared modules and itself.
"""
