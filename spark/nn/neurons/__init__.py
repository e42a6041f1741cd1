"""Neuron models: populations composed of delays, synapses, a soma and an optional learning rule."""

from spark.nn.neurons._adex import AdExNeuron, AdExNeuronConfig
from spark.nn.neurons._alif import ALIFNeuron, ALIFNeuronConfig
from spark.nn.neurons._base import Neuron, NeuronConfig, NeuronOutput
from spark.nn.neurons._lif import LIFNeuron, LIFNeuronConfig

__all__ = [
    "Neuron",
    "NeuronConfig",
    "NeuronOutput",
    "LIFNeuron",
    "LIFNeuronConfig",
    "ALIFNeuron",
    "ALIFNeuronConfig",
    "AdExNeuron",
    "AdExNeuronConfig",
]
