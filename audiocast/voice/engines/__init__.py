"""Speech engines behind one interface (see :mod:`audiocast.voice.engines.base`).

``get_engine(name)`` returns the process's single, warm instance of an engine;
engines import their libraries lazily, so a missing optional extra (Piper)
only matters when a profile uses it.
"""

from __future__ import annotations

import importlib

from audiocast.voice.engines.base import Engine, EngineVoice, check_wav
from audiocast.errors import EngineError

# name -> "module:Class", imported on first use
ENGINES: dict[str, str] = {
    "pyttsx3": "audiocast.voice.engines.pyttsx3_engine:Pyttsx3Engine",
    "piper": "audiocast.voice.engines.piper_engine:PiperEngine",
    "flite": "audiocast.voice.engines.flite_engine:FliteEngine",
    "festival": "audiocast.voice.engines.festival_engine:FestivalEngine",
    "fake": "audiocast.voice.engines.fake:FakeEngine",
}

_instances: dict[str, Engine] = {}

__all__ = ["ENGINES", "Engine", "EngineVoice", "check_wav", "engine_names", "get_engine", "loaded_engines", "reset_engines"]


def engine_names() -> tuple[str, ...]:
    """Names a profile's ``engine`` may use."""
    return tuple(ENGINES)


def get_engine(name: str) -> Engine:
    """This process's instance of engine ``name``; EngineError for an unknown name."""
    engine = _instances.get(name)
    if engine is None:
        target = ENGINES.get(name)
        if target is None:
            raise EngineError(f"unknown speech engine {name!r} (known: {', '.join(ENGINES)})")
        module, cls = target.split(":")
        engine = getattr(importlib.import_module(module), cls)()
        _instances[name] = engine
    return engine


def loaded_engines() -> list[Engine]:
    """The engines this process has made so far."""
    return list(_instances.values())


def reset_engines() -> None:
    """Forget the warm instances (tests; a new one is made on the next ``get_engine``)."""
    for engine in _instances.values():
        engine.close()
    _instances.clear()
