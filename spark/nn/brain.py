"""Brains: modules wired by a config and stepped together through a cache.

``spark.nn.BrainConfig`` describes the inputs, modules and outputs; ``spark.nn.Brain`` builds and runs
them. See :class:`Brain` for the timing of a step (one step of latency per module hop).
"""

from spark.nn._brain._brain import Brain
from spark.nn._brain._config import BrainConfig
from spark.nn._brain._wiring import BRAIN_ORIGIN

__all__ = ["Brain", "BrainConfig", "BRAIN_ORIGIN"]
