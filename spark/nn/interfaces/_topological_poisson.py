"""``TopologicalPoissonSpiker``: place coding with Poisson spike trains."""

from __future__ import annotations

from spark.core.payloads import FloatArray, SpikeArray
from spark.core.registry import register_module
from spark.nn.interfaces._base import InputInterfaceOutput, bernoulli_spikes
from spark.nn.interfaces._topological import TopologicalSpiker
from spark.nn.interfaces._tuning import TopologicalSpikerConfig

__all__ = ["TopologicalPoissonSpiker", "TopologicalPoissonSpikerConfig"]


class TopologicalPoissonSpikerConfig(TopologicalSpikerConfig):
    """Configuration of :class:`TopologicalPoissonSpiker`."""



@register_module
class TopologicalPoissonSpiker(TopologicalSpiker):
    r"""Encode each signal entry with a population of tuned units that fire Poisson spikes.

    Every scalar input :math:`x` is covered by ``resolution`` units whose preferred values
    :math:`c_j` are evenly spaced over ``[mins, maxs]`` (around a circle where ``glue`` is 1). With
    :math:`L = max - min` and :math:`d_j = (x - c_j)/L`, unit :math:`j` fires at the rate

    .. math::

        r_j = f_{max}\, a_j, \qquad a_j = \exp\!\big(-(\tau d_j)^2 / 2\big)
        \quad\text{(or } \max(0, 1 - \tau |d_j|) \text{ with ``tuning='triangular'``)}

    so ``tau`` is a dimensionless sharpness: the tuning width is :math:`L/\tau` in signal units.
    Off a circle, :math:`x` is first clipped to ``[mins, maxs]``. Discrete update: each unit spikes
    independently with probability :math:`r_j \Delta t / 1000` per step, from the module's own key.

    Args:
        signal: ``FloatArray`` of any shape and floating dtype.

    Returns:
        ``{'spikes': SpikeArray}`` of shape ``signal.shape + (resolution,)``, ``0``/``1`` in ``config.dtype``.

    Examples:
        >>> import spark, jax.numpy as jnp
        >>> spiker = spark.nn.interfaces.TopologicalPoissonSpiker(resolution=8, seed=0)
        >>> spiker(signal=spark.FloatArray(jnp.zeros((4,))))['spikes'].shape
        (4, 8)

    Reference:
        Pouget A., Dayan P. & Zemel R. (2000), Information processing with population codes,
        *Nature Reviews Neuroscience* 1, 125-132. doi:10.1038/35039062
    """

    __requires_rng__ = True  # draws its spikes from its own key every step

    config: TopologicalPoissonSpikerConfig

    def __call__(self, signal: FloatArray) -> InputInterfaceOutput:
        cfg = self.config
        rate = self.rates(signal)
        return {"spikes": SpikeArray(bernoulli_spikes(self.get_rng_keys(1), rate, cfg.dt, cfg.dtype))}
