"""Spike delays: circular buffers that deliver each spike a whole number of steps later."""

from spark.nn.delays._base import Delays, DelaysConfig, DelaysOutput
from spark.nn.delays._n_delays import NDelays, NDelaysConfig
from spark.nn.delays._nm_delays import NMDelays, NMDelaysConfig

__all__ = [
    "Delays",
    "DelaysConfig",
    "DelaysOutput",
    "NDelays",
    "NDelaysConfig",
    "NMDelays",
    "NMDelaysConfig",
]
