"""Rockpool-style low-level API on Spark's module system.

Modules are Flax NNX modules (and so JAX pytrees) with Rockpool's interface: a ``shape``,
``evolve(input, record) -> (output, new_state, recorded)``, and the inspection methods
``parameters()``, ``state()``, ``simulation_parameters()``, ``modules()``, ``attributes_named()``,
``set_attributes()``, ``reset_state()``, ``reset_parameters()`` and ``timed()``.

Rockpool's import paths map here: ``rockpool.nn.modules`` -> ``spark.lowlevel`` (also
``spark.lowlevel.nn.modules``) and ``rockpool.parameters`` -> ``spark.lowlevel`` (also
``spark.lowlevel.parameters``).

``Rate``, ``LIF``, ``Linear`` and ``ExpSyn`` are the same classes as their ``...Jax`` counterparts.

Examples:
    >>> import numpy as np
    >>> from spark.lowlevel import Rate
    >>> mod = Rate(4)
    >>> print(mod)
    Rate with shape (4,)
    >>> mod(np.random.rand(5, mod.size_in))[0].shape
    (1, 5, 4)
"""

from spark.lowlevel._combinators import Residual, Sequential
from spark.lowlevel._expsyn import ExpSyn, ExpSynJax
from spark.lowlevel._lif import LIF, LIFJax
from spark.lowlevel._linear import Linear, LinearJax
from spark.lowlevel._module import Module
from spark.lowlevel._parameters import Constant, Parameter, SimulationParameter, State
from spark.lowlevel._rate import Rate, RateJax
from spark.lowlevel._timed import TimedModule
from spark.lowlevel._timeseries import TSContinuous, TSEvent

__all__ = [
    "Module",
    "Parameter",
    "State",
    "SimulationParameter",
    "Constant",
    "Rate",
    "RateJax",
    "LIF",
    "LIFJax",
    "Linear",
    "LinearJax",
    "ExpSyn",
    "ExpSynJax",
    "Sequential",
    "Residual",
    "TimedModule",
    "TSContinuous",
    "TSEvent",
]
