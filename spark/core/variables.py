"""Variable kinds: what a value *is* decides how Spark treats it.

=========================  =========================================================  ==========================
kind                       holds                                                      listed by
=========================  =========================================================  ==========================
:class:`Variable`          dynamic state: potentials, traces, refractory counters     ``state()``
:class:`Parameter`         trainable parameters: weights, biases (learning may move)  ``parameters()``
:class:`Constant`          fixed values that never change during a run                ``parameters()`` (frozen)
:class:`SimulationParameter`  simulation settings such as ``dt``                      ``simulation_parameters()``
=========================  =========================================================  ==========================

All kinds are Flax NNX variables, so ``spark.split`` separates them from the static graph and
``jax.jit`` sees them as leaves.
"""

from __future__ import annotations

from flax import nnx

__all__ = ["Variable", "Parameter", "Constant", "SimulationParameter", "RNGKey"]


class _ValueAccess:
    """``var.value`` reads and writes the wrapped value (Spark keeps this spelling stable)."""

    @property
    def value(self):  # type: ignore[override]
        return self.get_value()

    @value.setter
    def value(self, new):  # type: ignore[override]
        self.set_value(new)


class Variable(_ValueAccess, nnx.Variable):
    """Dynamic state of a module: it changes from one step to the next and ``reset()`` restores it."""


class Parameter(_ValueAccess, nnx.Param):
    """A trainable parameter (weights, biases, time constants you want gradients for)."""


class Constant(_ValueAccess, nnx.Variable):
    """A value fixed for the module's lifetime (masks, precomputed decay factors)."""


class SimulationParameter(Constant):
    """A setting of the simulation rather than of the model, such as the time step ``dt``."""


class RNGKey(Variable):
    """A JAX PRNG key owned by a module; advanced every time the module draws random numbers."""
