"""Synapse models: presynaptic spikes in, postsynaptic currents out (group ``'synapses'``)."""

from spark.nn.synapses._base import Synanpses, Synapses, SynapsesConfig, SynapsesOutput
from spark.nn.synapses._conductance import ConductanceSynapses, ConductanceSynapsesConfig
from spark.nn.synapses._linear import LinearSynapses, LinearSynapsesConfig
from spark.nn.synapses._sparse import SparseSynapses, SparseSynapsesConfig
from spark.nn.synapses._sparse_conductance import SparseConductanceSynapses, SparseConductanceSynapsesConfig
from spark.nn.synapses._traced import TracedSynapses, TracedSynapsesConfig

__all__ = [
    "Synapses",
    "Synanpses",
    "SynapsesConfig",
    "SynapsesOutput",
    "LinearSynapses",
    "LinearSynapsesConfig",
    "TracedSynapses",
    "TracedSynapsesConfig",
    "ConductanceSynapses",
    "ConductanceSynapsesConfig",
    "SparseSynapses",
    "SparseSynapsesConfig",
    "SparseConductanceSynapses",
    "SparseConductanceSynapsesConfig",
]
