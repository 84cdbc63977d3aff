"""Sendward's recognizers, one per file; ``registry.yaml`` says which are loaded."""

from __future__ import annotations

import functools
import importlib
from importlib import resources

import yaml


@functools.lru_cache(maxsize=1)
def load_recognizers() -> tuple:
    """Instances of every recognizer named in registry.yaml, in its order."""
    listing = yaml.safe_load(resources.files(__name__).joinpath("registry.yaml").read_text("utf-8"))
    recognizers = []
    for entry in listing["recognizers"]:
        module = importlib.import_module(f"{__name__}.{entry['module']}")
        recognizer = getattr(module, entry["class"])(**entry.get("params", {}))
        recognizer.load()
        recognizers.append(recognizer)
    return tuple(recognizers)
