"""``PoissonSpiker``: rate coding with independent random spikes."""

from __future__ import annotations

import jax.numpy as jnp

from spark.core.payloads import FloatArray, SpikeArray
from spark.core.registry import register_module
from spark.core.specs import InputSpec
from spark.core.variables import Constant
from spark.nn.interfaces._base import (
    InputInterface,
    InputInterfaceOutput,
    SpikerConfig,
    bernoulli_spikes,
    clipped_rates,
    state_dtype,
)

__all__ = ["PoissonSpiker", "PoissonSpikerConfig"]


class PoissonSpikerConfig(SpikerConfig):
    """Configuration of :class:`PoissonSpiker` (``max_freq`` in Hz, ``dt`` in ms)."""


@register_module
class PoissonSpiker(InputInterface):
    r"""Encode a signal as Poisson spike trains, one unit per signal entry.

    Each entry of the signal sets the rate of an inhomogeneous Poisson process:

    .. math::

        r_i(t) = f_{max} \, \mathrm{clip}(x_i(t), 0, 1)

    Discretised with step :math:`\Delta t` (ms), each unit spikes independently with probability

    .. math::

        P(s_i[n] = 1) = r_i[n] \, \Delta t / 1000

    (``max_freq * dt <= 1000`` is checked by the config, so the probability never exceeds one).
    Random numbers come from the module's own key, so a given ``seed`` replays the same spikes.

    Args:
        signal: ``FloatArray`` of any shape and floating dtype; values outside ``[0, 1]`` are clipped.

    Returns:
        ``{'spikes': SpikeArray}`` of the signal's shape, ``0``/``1`` in ``config.dtype``.

    Examples:
        >>> import spark, jax.numpy as jnp
        >>> spiker = spark.nn.interfaces.PoissonSpiker(max_freq=1000.0, seed=0)
        >>> spiker(signal=spark.FloatArray(jnp.array([0.0, 1.0])))['spikes'].value
        Array([0., 1.], dtype=float32)

    Reference:
        Dayan P. & Abbott L. F. (2001), *Theoretical Neuroscience*, MIT Press, ch. 1.4
        (the Poisson spike generator).
    """

    __requires_rng__ = True  # draws its spikes from its own key every step

    config: PoissonSpikerConfig

    def build(self, input_specs: dict[str, InputSpec]) -> None:
        self.max_freq = Constant(jnp.asarray(self.config.max_freq, state_dtype(self.config.dtype)))

    def __call__(self, signal: FloatArray) -> InputInterfaceOutput:
        rate = clipped_rates(signal.value, self.max_freq.get_value())
        return {
            "spikes": SpikeArray(
                bernoulli_spikes(self.get_rng_keys(1), rate, self.config.dt, self.config.dtype)
            )
        }
