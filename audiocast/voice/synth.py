"""Cached, verified clips from lines, synthesised in worker processes.

Each :class:`~audiocast.model.Line` becomes spoken text (``speech.to_speech``
then the lexicon) and one WAV in the clip cache (``user_cache_dir("audiocast")/clips``,
which honours ``XDG_CACHE_HOME``), keyed by engine, engine version, the
profile's sound settings, the lexicon and the spoken text.  A rebuild with
nothing changed synthesises nothing; a changed sentence re-synthesises only
that clip.  Cache entries are written to a temp file and renamed, so
concurrent workers and builds never see half a clip.

Misses are made three ways, none of which lets a clip's bytes depend on ``jobs``:
engines whose output depends on what they said before (espeak keeps oscillator
state; Piper with noise draws it from one generator per process) speak in this
process in line order; engines that are another program (flite, Festival) are
driven from up to ``jobs`` threads here (Festival: one, for its one pipe), the
work happening in their processes; the rest (Piper without noise) run in ``jobs``
worker processes, each keeping one warm engine.
"""

from __future__ import annotations

import concurrent.futures
import hashlib
import json
import multiprocessing
import os
import shutil
import tempfile
import wave
from pathlib import Path
from typing import Callable, Optional, Sequence, Union

from audiocast.audio import ffmpeg
from audiocast.voice.cliphash import intact, seal
from audiocast.voice.engines import check_wav, get_engine, loaded_engines
from audiocast.voice.engines.base import snippet
from audiocast.errors import AudioError, EngineError
from audiocast.fsutil import atomic_path
from audiocast.model import Clip, Line, VoiceProfile
from audiocast.voice.profiles import Lexicon, VoiceLibrary

# Bump when the clip-making code changes what a cached clip sounds like.
CACHE_FORMAT = "audiocast-clip-2"
FORMANT_SHARE = 0.4  # formants move this share of the pitch shift (a plausibly different vocal tract)
SILENCE_MS = 200  # clip for lines with nothing to say (punctuation only)
PARALLEL_MIN = 4  # fewer misses than this are not worth starting workers


def default_cache_dir() -> Path:
    """``user_cache_dir("audiocast")/clips`` (honours ``XDG_CACHE_HOME``)."""
    import platformdirs

    return Path(platformdirs.user_cache_dir("audiocast")) / "clips"


def spoken_text(text: str, lexicon: Lexicon) -> str:
    """What the engine is asked to say for display ``text``: speech normalisation, then the lexicon."""
    from audiocast.voice.speech import to_speech

    return lexicon.apply(to_speech(text))


def clip_key(profile: VoiceProfile, engine_version: str, lexicon_digest: str, spoken: str, history: str = "") -> str:
    """The cache key of one clip (hex sha256); ``history``: what a stateful engine said before it (see synthesize)."""
    parts = [CACHE_FORMAT, profile.engine, engine_version, list(profile.cache_key()), lexicon_digest, spoken]
    blob = json.dumps(parts + [history] if history else parts)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def synthesize(
    lines: Sequence[Line],
    lexicon: Union[Lexicon, VoiceLibrary],
    *,
    jobs: Optional[int] = None,
    cache_dir: Optional[Path] = None,
    progress: Optional[Callable[[int, int], None]] = None,
    on_ready: Optional[Callable[[Path], None]] = None,
) -> tuple[Clip, ...]:
    """One verified clip per line, in order; only cache misses are synthesised.

    ``jobs`` worker processes (default: CPU count) synthesise the misses;
    ``progress(done, total)`` is called as misses finish, ``on_ready(path)`` as soon as a
    clip's WAV is complete in the cache (hits first; lets the stitcher start on them while
    the rest are synthesised).  Raises EngineError
    when an engine is unavailable or fails on a line (naming voice and text).
    A :class:`VoiceLibrary` may be passed for ``lexicon`` (its lexicon is used).
    """
    jobs = max(1, jobs or os.cpu_count() or 1)
    planned = _plan(lines, lexicon, cache_dir)
    tasks: dict[str, tuple[str, VoiceProfile, Path]] = {}  # key -> (spoken, profile, path): misses
    for key, spoken, profile, path in planned:
        if key not in tasks and (_cached_duration(path) is None or not intact(path)):
            tasks[key] = (spoken, profile, path)
    tasks = _with_replays(planned, tasks)
    _check_engines({p.engine for _, p, _ in tasks.values()})
    if on_ready:
        for key, _, _, path in planned:
            if key not in tasks:
                on_ready(path)
    durations = _render_all(list(tasks.values()), jobs, progress, on_ready)
    clips = []
    for key, spoken, profile, path in planned:
        duration = durations.get(path)
        cached = key not in tasks
        if duration is None:
            duration = _cached_duration(path)
            if duration is None:  # removed under our feet (cache cleaned during the build)
                duration = _render((spoken, profile, path))
                cached = False
        clips.append(Clip(path=path, duration_ms=duration, text=spoken, profile=profile.name, cached=cached))
    return tuple(clips)


def _with_replays(planned, tasks: dict) -> dict:
    """The misses, plus the cached lines a stateful engine must say again first, in line order.

    A stateful engine's clip depends on everything its process said before (a fresh
    process per article: see parallel.py), so its cache key holds that history, and
    before a miss every earlier line of that engine is said again, to reach the state
    the miss was planned with.
    """
    last_miss: dict[str, int] = {}
    for index, (key, _, profile, _) in enumerate(planned):
        if key in tasks and _stateful(profile):
            last_miss[profile.engine] = index
    if not last_miss:
        return tasks
    return {key: (spoken, profile, path) for index, (key, spoken, profile, path) in enumerate(planned)
            if key in tasks or index < last_miss.get(profile.engine, -1) and _stateful(profile)}


def _stateful(profile: VoiceProfile) -> bool:
    return get_engine(profile.engine).is_stateful(profile)


def clip_paths(lines: Sequence[Line], lexicon: Union[Lexicon, VoiceLibrary], *,
               cache_dir: Optional[Path] = None) -> tuple[Path, ...]:
    """Where :func:`synthesize` will put each line's clip (cached or not), in line order."""
    return tuple(path for _, _, _, path in _plan(lines, lexicon, cache_dir))


def _plan(lines: Sequence[Line], lexicon: Union[Lexicon, VoiceLibrary], cache_dir: Optional[Path]
          ) -> list[tuple[str, str, VoiceProfile, Path]]:
    """(cache key, spoken text, profile, clip path) of every line."""
    if isinstance(lexicon, VoiceLibrary):
        lexicon = lexicon.lexicon
    cache_dir = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    versions: dict[str, str] = {}
    said: dict = {}  # stateful engine -> a running sha256 of what it said so far in this article
    planned = []
    for line in lines:
        profile = line.profile
        spoken = spoken_text(line.text, lexicon)
        if profile.engine not in versions:
            versions[profile.engine] = get_engine(profile.engine).version
        history = ""
        if _stateful(profile):
            running = said.setdefault(profile.engine, hashlib.sha256())
            history = running.hexdigest()
            running.update(json.dumps([list(profile.cache_key()), spoken]).encode("utf-8"))
        key = clip_key(profile, versions[profile.engine], lexicon.digest, spoken, history)
        planned.append((key, spoken, profile, cache_dir / key[:2] / f"{key}.wav"))
    return planned


def _check_engines(names: set[str]) -> None:
    for name in sorted(names):
        ok, why = get_engine(name).available()
        if not ok:
            raise EngineError(f"speech engine {name!r} is unavailable: {why}")


def _cached_duration(path: Path) -> Optional[int]:
    """Duration of a cached clip from its header (it was fully verified before it was cached)."""
    try:
        with wave.open(str(path), "rb") as w:
            frames, rate = w.getnframes(), w.getframerate()
    except (OSError, EOFError, wave.Error):
        return None
    return round(frames * 1000 / rate) if frames > 0 else None


def _render_all(
    tasks: list[tuple[str, VoiceProfile, Path]], jobs: int, progress: Optional[Callable[[int, int], None]],
    on_ready: Optional[Callable[[Path], None]] = None,
) -> dict[Path, int]:
    out: dict[Path, int] = {}
    total = len(tasks)

    def done(path: Path, ms: int) -> None:
        out[path] = ms
        if on_ready:
            on_ready(path)
        if progress:
            progress(len(out), total)

    # Three ways to make a clip, none of which lets a clip's bytes depend on --jobs:
    # - stateful engines (espeak; Piper with noise) here, in line order;
    # - engines that are another program (flite, festival) from threads here, in line order per engine,
    #   at most `max_threads` at once (festival: one pipe): the work happens in their processes;
    # - the rest (Piper without noise) in worker processes.
    def way(task: tuple[str, VoiceProfile, Path]) -> str:
        engine = get_engine(task[1].engine)
        if jobs == 1 or engine.is_stateful(task[1]):
            return "here"
        return engine.name if engine.external else "pool"

    ways = [way(t) for t in tasks]
    if ways.count("pool") < PARALLEL_MIN:  # not worth starting processes
        ways = ["here" if w == "pool" else w for w in ways]
    sequential = [t for t, w in zip(tasks, ways) if w == "here"]
    pooled = [t for t, w in zip(tasks, ways) if w == "pool"]
    threaded: dict[str, list[tuple[str, VoiceProfile, Path]]] = {}
    for task, w in zip(tasks, ways):
        if w not in ("here", "pool"):
            threaded.setdefault(w, []).append(task)
    executors: list[concurrent.futures.Executor] = []
    futures: dict[concurrent.futures.Future[int], tuple[str, VoiceProfile, Path]] = {}
    try:
        if pooled:
            executors.append(concurrent.futures.ProcessPoolExecutor(
                max_workers=min(jobs, len(pooled)), mp_context=_mp_context()))
            futures.update({executors[-1].submit(_render, t): t for t in pooled})
        for name, group in threaded.items():
            limit = get_engine(name).max_threads or jobs
            executors.append(concurrent.futures.ThreadPoolExecutor(
                max_workers=min(jobs, limit, len(group)), thread_name_prefix=f"audiocast-{name}"))
            futures.update({executors[-1].submit(_render, t): t for t in group})
        pending = set(futures)
        for task in sequential:  # meanwhile, here; finished clips from the others are passed on between these
            done(task[2], _render(task))
            for fut in [f for f in pending if f.done()]:
                pending.discard(fut)
                done(futures[fut][2], fut.result())
        for fut in concurrent.futures.as_completed(pending):
            done(futures[fut][2], fut.result())
    finally:
        for executor in executors:
            executor.shutdown(wait=True, cancel_futures=True)
    return out


def _mp_context() -> multiprocessing.context.BaseContext:
    # fork is cheapest (no re-import) and safe while this process runs no engine threads: espeak
    # runs synchronously here; a loaded Piper voice owns onnxruntime thread pools, which do not
    # survive fork, so then workers come from a clean forkserver.
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and not _threaded_engine_loaded():
        return multiprocessing.get_context("fork")
    if "forkserver" in methods:
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["audiocast.voice.synth", "audiocast.voice.engines.pyttsx3_engine"])
        return ctx
    return multiprocessing.get_context("spawn")


def _threaded_engine_loaded() -> bool:
    return any(engine.owns_threads() for engine in loaded_engines())


def _render(task: tuple[str, VoiceProfile, Path]) -> int:
    """Synthesise one clip into the cache (atomically); return its duration in ms."""
    spoken, profile, path = task
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(path, suffix=".wav") as tmp:
        if not any(ch.isalnum() for ch in spoken):
            _write_silence(tmp, SILENCE_MS)
            return_ms = SILENCE_MS
        else:
            engine = get_engine(profile.engine)
            if _needs_post(profile):
                raw = tmp.with_name(tmp.name + ".raw.wav")
                try:
                    engine.synthesize(spoken, profile, raw)
                    post_process(raw, profile, tmp)
                finally:
                    raw.unlink(missing_ok=True)
            else:
                engine.synthesize(spoken, profile, tmp)
            facts = check_wav(tmp, spoken) if (_needs_post(profile) or not engine.verifies) else None
            if facts is None and (_needs_post(profile) or not engine.verifies):
                raise EngineError(
                    f"{profile.engine} gave no usable audio for voice {profile.voice!r} "
                    f"(profile {profile.name!r}) on {snippet(spoken)}"
                )
            return_ms = facts.duration_ms if facts is not None else _cached_duration(tmp) or 0
    seal(path)
    return return_ms


def _write_silence(wav: Path, ms: int, rate: int = 22050) -> None:
    with wave.open(str(wav), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(b"\0\0" * (rate * ms // 1000))


def _needs_post(profile: VoiceProfile) -> bool:
    return profile.pitch_shift != 0.0 or profile.tempo != 1.0


def post_filter(profile: VoiceProfile, rate: int) -> str:
    """The ffmpeg filter for a profile's pitch shift (semitones) and tempo factor.

    ``asetrate`` moves pitch, formants and tempo together by F (formants by
    ``FORMANT_SHARE`` of the shift); rubberband then brings the pitch to the
    full shift and the tempo to ``profile.tempo`` while keeping those formants.
    """
    pitch = 2 ** (profile.pitch_shift / 12)
    formant = 2 ** (FORMANT_SHARE * profile.pitch_shift / 12)
    parts = []
    if formant != 1.0:
        parts.append(f"asetrate={rate * formant:.3f},aresample={rate}")
    parts.append(
        f"rubberband=pitch={pitch / formant:.6f}:tempo={profile.tempo / formant:.6f}"
        ":formant=preserved:pitchq=quality:transients=smooth"
    )
    return ",".join(parts)


def post_process(raw: Path, profile: VoiceProfile, out: Path) -> None:
    """Apply the profile's pitch shift and tempo to ``raw`` with ffmpeg, writing 16-bit mono ``out``."""
    with wave.open(str(raw), "rb") as w:
        rate = w.getframerate()
    ffmpeg.run(["-i", str(raw), "-af", post_filter(profile, rate), "-ac", "1", "-ar", str(rate), "-c:a", "pcm_s16le",
                "-map_metadata", "-1", "-fflags", "+bitexact", "-flags:a", "+bitexact", "-f", "wav", str(out)],
               raw, f"shift pitch/tempo for profile {profile.name!r}")


def audition(text: str, profile: VoiceProfile, lexicon: Lexicon, out: Path) -> Clip:
    """Say ``text`` with ``profile`` into ``out``: a .wav as the engine spoke it, a .mp3 as auditions are heard.

    What ``audiocast voices --say`` runs.  The clip is made as a build makes it (speech
    text, lexicon, pitch and tempo), outside the clip cache; the file is written atomically.
    """
    from audiocast.audio.encode import encode_mp3

    suffix = out.suffix.lower()
    if suffix not in (".wav", ".mp3"):
        raise AudioError("an audition is written as .mp3 or .wav", out)
    if suffix == ".mp3":
        ffmpeg.require("ffmpeg")  # before the engine speaks
    _check_engines({profile.engine})
    with tempfile.TemporaryDirectory(prefix="audiocast-audition-") as tmp:
        wav = Path(tmp) / "clip.wav"
        spoken = spoken_text(text, lexicon)
        duration = _render((spoken, profile, wav))
        with atomic_path(out, suffix=suffix) as target:
            if suffix == ".wav":
                shutil.copyfile(wav, target)
            else:
                encode_mp3(wav, target, label=out)
    return Clip(path=out, duration_ms=duration, text=spoken, profile=profile.name)
