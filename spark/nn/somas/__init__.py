"""Soma models: input currents → spikes and membrane potential.

All somas share the port contract ``soma(in_currents=CurrentArray) -> {'spikes', 'potential'}``, the
units (ms, mV, nA, MΩ) and the inhibitory sign convention described in :class:`Soma`.
"""

from spark.nn.somas._adex import AdExSoma, AdExSomaConfig
from spark.nn.somas._alif import ALIFSoma, ALIFSomaConfig
from spark.nn.somas._base import ExponentialSomaConfig, LeakySomaConfig, Soma, SomaConfig, SomaOutput
from spark.nn.somas._eif import EIFSoma, EIFSomaConfig
from spark.nn.somas._izhikevich import IzhikevichSoma, IzhikevichSomaConfig
from spark.nn.somas._lif import LIFSoma, LIFSomaConfig

__all__ = [
    "Soma",
    "SomaConfig",
    "SomaOutput",
    "LeakySomaConfig",
    "ExponentialSomaConfig",
    "LIFSoma",
    "LIFSomaConfig",
    "ALIFSoma",
    "ALIFSomaConfig",
    "EIFSoma",
    "EIFSomaConfig",
    "AdExSoma",
    "AdExSomaConfig",
    "IzhikevichSoma",
    "IzhikevichSomaConfig",
]
