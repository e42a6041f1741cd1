"""``spark.nn.interfaces``: the border between spiking networks and the real-valued world.

* input interfaces (``signal: FloatArray`` → ``{'spikes': SpikeArray}``): :class:`PoissonSpiker`,
  :class:`LinearSpiker`, :class:`TopologicalPoissonSpiker`, :class:`TopologicalLinearSpiker`;
* output interfaces (``spikes: SpikeArray`` → ``{'signal': FloatArray}``): :class:`ExponentialIntegrator`;
* control interfaces (payloads → ``{'out': payload}``): :class:`Concat`, :class:`Sampler`.

Interfaces accept inputs of any floating dtype, keep their state in at least ``float32`` and emit
``config.dtype``; control interfaces keep the dtype of their inputs.
"""

from spark.nn.interfaces._base import (
    ControlInterface,
    InputInterface,
    Interface,
    OutputInterface,
    SpikerConfig,
)
from spark.nn.interfaces._concat import Concat, ConcatConfig
from spark.nn.interfaces._exponential_integrator import ExponentialIntegrator, ExponentialIntegratorConfig
from spark.nn.interfaces._linear import LinearSpiker, LinearSpikerConfig
from spark.nn.interfaces._poisson import PoissonSpiker, PoissonSpikerConfig
from spark.nn.interfaces._sampler import Sampler, SamplerConfig
from spark.nn.interfaces._topological_linear import TopologicalLinearSpiker, TopologicalLinearSpikerConfig
from spark.nn.interfaces._topological_poisson import TopologicalPoissonSpiker, TopologicalPoissonSpikerConfig
from spark.nn.interfaces._tuning import TopologicalSpikerConfig

__all__ = [
    "Interface",
    "InputInterface",
    "OutputInterface",
    "ControlInterface",
    "SpikerConfig",
    "TopologicalSpikerConfig",
    "PoissonSpiker",
    "PoissonSpikerConfig",
    "LinearSpiker",
    "LinearSpikerConfig",
    "TopologicalPoissonSpiker",
    "TopologicalPoissonSpikerConfig",
    "TopologicalLinearSpiker",
    "TopologicalLinearSpikerConfig",
    "ExponentialIntegrator",
    "ExponentialIntegratorConfig",
    "Concat",
    "ConcatConfig",
    "Sampler",
    "SamplerConfig",
]
