"""``spark.nn``: modules, configs, components, neurons, interfaces and brains."""

from spark.core.config import BaseConfig, Config
from spark.core.module import Module
from spark.nn import delays, initializers, interfaces, learning_rules, neurons, somas, synapses  # noqa: E402,I001
from spark.nn._component import Component

__all__ = [
    "Module",
    "Config",
    "BaseConfig",
    "Component",
    "initializers",
    "somas",
    "synapses",
    "learning_rules",
    "delays",
    "neurons",
    "interfaces",
]

try:  # the brain is added by spark/nn/brain.py
    from spark.nn.brain import Brain, BrainConfig  # noqa: F401

    __all__ += ["Brain", "BrainConfig"]
except ImportError:  # pragma: no cover - during development only
    pass
