"""``TopologicalLinearSpiker``: place coding with deterministic, regular spike trains."""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np

from spark.core.payloads import FloatArray, SpikeArray
from spark.core.registry import register_module
from spark.core.specs import InputSpec
from spark.core.variables import Variable
from spark.nn.interfaces._base import InputInterfaceOutput, state_dtype
from spark.nn.interfaces._linear import integrate_and_fire
from spark.nn.interfaces._topological import TopologicalSpiker
from spark.nn.interfaces._tuning import TopologicalSpikerConfig

__all__ = ["TopologicalLinearSpiker", "TopologicalLinearSpikerConfig"]


class TopologicalLinearSpikerConfig(TopologicalSpikerConfig):
    """Configuration of :class:`TopologicalLinearSpiker`."""


@register_module
class TopologicalLinearSpiker(TopologicalSpiker):
    r"""Encode each signal entry with a population of tuned integrate-and-fire units.

    Every scalar input :math:`x` is covered by ``resolution`` units whose preferred values
    :math:`c_j` are evenly spaced over ``[mins, maxs]`` (around a circle where ``glue`` is 1). With
    :math:`L = max - min` and :math:`d_j = (x - c_j)/L`, unit :math:`j` is driven at the rate

    .. math::

        r_j = f_{max}\, a_j, \qquad a_j = \exp\!\big(-(\tau d_j)^2 / 2\big)
        \quad\text{(or } \max(0, 1 - \tau |d_j|) \text{ with ``tuning='triangular'``)}

    so ``tau`` is a dimensionless sharpness: the tuning width is :math:`L/\tau` in signal units.
    Off a circle, :math:`x` is first clipped to ``[mins, maxs]``. Each unit integrates its rate
    and spikes deterministically (phase :math:`\phi_j[0] = 0`, ``dt`` in ms):

    .. math::

        \phi_j[n] = \phi_j[n-1] + r_j[n]\,\Delta t/1000, \qquad s_j[n] = [\phi_j[n] \ge 1], \qquad
        \phi_j[n] \leftarrow \phi_j[n] - s_j[n]

    Args:
        signal: ``FloatArray`` of any shape and floating dtype.

    Returns:
        ``{'spikes': SpikeArray}`` of shape ``signal.shape + (resolution,)``, ``0``/``1`` in ``config.dtype``.

    Examples:
        >>> import spark, jax.numpy as jnp
        >>> spiker = spark.nn.interfaces.TopologicalLinearSpiker(resolution=5, max_freq=500.0, tau=4.0)
        >>> x = spark.FloatArray(jnp.array([1.0]))      # preferred values -1, -0.5, 0, 0.5, 1
        >>> spiker(signal=x)['spikes'].value
        Array([[0., 0., 0., 0., 0.]], dtype=float32)
        >>> spiker(signal=x)['spikes'].value            # the unit preferring 1.0 fires first
        Array([[0., 0., 0., 0., 1.]], dtype=float32)

    Reference:
        Pouget A., Dayan P. & Zemel R. (2000), Information processing with population codes,
        *Nature Reviews Neuroscience* 1, 125-132. doi:10.1038/35039062
    """

    config: TopologicalLinearSpikerConfig

    def build(self, input_specs: dict[str, InputSpec]) -> None:
        super().build(input_specs)
        shape = input_specs["signal"].shape + (self.config.resolution,)
        self.phase = Variable(jnp.asarray(np.zeros(shape, state_dtype(self.config.dtype))))

    def __call__(self, signal: FloatArray) -> InputInterfaceOutput:
        cfg = self.config
        rate = self.rates(signal)
        phase, spikes = integrate_and_fire(self.phase.get_value(), rate, cfg.dt, cfg.dtype)
        self.phase.set_value(phase)
        return {"spikes": SpikeArray(spikes)}
