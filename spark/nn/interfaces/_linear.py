"""``LinearSpiker``: deterministic rate coding by integrate-and-fire."""

from __future__ import annotations

import functools

import jax
import jax.numpy as jnp
import numpy as np

from spark.core.payloads import FloatArray, SpikeArray
from spark.core.registry import register_module
from spark.core.specs import InputSpec
from spark.core.variables import Constant, Variable
from spark.nn.interfaces._base import (
    InputInterface,
    InputInterfaceOutput,
    SpikerConfig,
    clipped_rates,
    state_dtype,
)

__all__ = ["LinearSpiker", "LinearSpikerConfig", "integrate_and_fire"]


class LinearSpikerConfig(SpikerConfig):
    """Configuration of :class:`LinearSpiker` (``max_freq`` in Hz, ``dt`` in ms)."""


@functools.partial(jax.jit, static_argnames=("dt", "dtype"))
def integrate_and_fire(
    phase: jax.Array, rate: jax.Array, dt: float, dtype: np.dtype
) -> tuple[jax.Array, jax.Array]:
    """One step of the deterministic rate coder: ``(new_phase, spikes as dtype)``.

    ``phase`` accumulates ``rate * dt / 1000`` (rate in Hz, dt in ms); a unit spikes when its phase
    reaches one, and one is subtracted (the remainder is kept, so the long-run rate is exact).
    """
    phase = phase + rate.astype(phase.dtype) * (dt / 1000.0)
    spikes = phase >= 1.0
    return jnp.where(spikes, phase - 1.0, phase), spikes.astype(dtype)


@register_module
class LinearSpiker(InputInterface):
    r"""Encode a signal as regular spike trains whose rate is proportional to the signal.

    Each unit is a perfect (non-leaky) integrator of its rate :math:`r_i = f_{max}\,\mathrm{clip}(x_i, 0, 1)`:

    .. math::

        \frac{d\phi_i}{dt} = r_i, \qquad \phi_i \ge 1 \;\Rightarrow\; \text{spike},\ \phi_i \leftarrow \phi_i - 1

    Discrete update actually implemented (``dt`` in ms, rates in Hz), with :math:`\phi_i[0] = 0`:

    .. math::

        \phi_i[n] = \phi_i[n-1] + r_i[n]\,\Delta t/1000, \qquad
        s_i[n] = [\phi_i[n] \ge 1], \qquad \phi_i[n] \leftarrow \phi_i[n] - s_i[n]

    A constant signal ``x`` therefore spikes every ``1000 / (x * max_freq * dt)`` steps, first at
    step ``ceil(1000 / (x * max_freq * dt))`` (counting from 1). The phase is kept in at least
    ``float32`` so slow rates still add up when ``config.dtype`` is ``float16``.

    Args:
        signal: ``FloatArray`` of any shape and floating dtype; values outside ``[0, 1]`` are clipped.

    Returns:
        ``{'spikes': SpikeArray}`` of the signal's shape, ``0``/``1`` in ``config.dtype``.

    Examples:
        >>> import spark, jax.numpy as jnp
        >>> spiker = spark.nn.interfaces.LinearSpiker(max_freq=250.0)   # 0.25 spikes per ms at x = 1
        >>> x = spark.FloatArray(jnp.array([1.0, 0.5]))
        >>> [spiker(signal=x)['spikes'].value.tolist() for _ in range(4)]
        [[0.0, 0.0], [0.0, 0.0], [0.0, 0.0], [1.0, 0.0]]

    Reference:
        Gerstner W., Kistler W. M., Naud R. & Paninski L. (2014), *Neuronal Dynamics*, Cambridge
        University Press, ch. 7.1 (rate codes).
    """

    config: LinearSpikerConfig

    def build(self, input_specs: dict[str, InputSpec]) -> None:
        work = state_dtype(self.config.dtype)
        self.max_freq = Constant(jnp.asarray(self.config.max_freq, work))
        self.phase = Variable(jnp.asarray(np.zeros(input_specs["signal"].shape, work)))

    def __call__(self, signal: FloatArray) -> InputInterfaceOutput:
        rate = clipped_rates(signal.value, self.max_freq.get_value())
        phase, spikes = integrate_and_fire(self.phase.get_value(), rate, self.config.dt, self.config.dtype)
        self.phase.set_value(phase)
        return {"spikes": SpikeArray(spikes)}
