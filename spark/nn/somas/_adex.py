"""Adaptive exponential integrate-and-fire soma."""

from __future__ import annotations

import dataclasses as dc

import jax
import numpy as np

from spark.core.registry import register_module
from spark.core.validation import PositiveValidator, TypeValidator
from spark.nn.somas._base import ExponentialSomaConfig, Soma, exponential_drive, threshold_and_reset

__all__ = ["AdExSoma", "AdExSomaConfig"]


class AdExSomaConfig(ExponentialSomaConfig):
    """Configuration of :class:`AdExSoma`: the EIF fields plus the adaptation current."""

    a: float = dc.field(
        default=0.05,
        metadata={
            "units": "μS",
            "validators": [TypeValidator],
            "description": "Subthreshold adaptation: coupling of the adaptation current to v - v_rest.",
        },
    )
    b: float = dc.field(
        default=3.0,
        metadata={
            "units": "nA",
            "validators": [TypeValidator],
            "description": "Spike-triggered adaptation: increase of the adaptation current per spike.",
        },
    )
    tau_w: float = dc.field(
        default=300.0,
        metadata={
            "units": "ms",
            "validators": [TypeValidator, PositiveValidator],
            "description": "Time constant of the adaptation current.",
        },
    )


@register_module
class AdExSoma(Soma):
    r"""Adaptive exponential integrate-and-fire soma (AdEx).

    .. math::
        \tau_{mem} \frac{dv}{dt} &= -(v - v_{rest}) + \Delta_T e^{(v - v_T)/\Delta_T} + R\,(I - w) \\
        \tau_w \frac{dw}{dt} &= a\,(v - v_{rest}) - w \\
        v \ge v_{th} &\Rightarrow v \leftarrow v_{reset},\; w \leftarrow w + b

    Discrete update: exponential Euler for both variables (each linear part exact, the other terms
    held at their start-of-step values), with :math:`\alpha = e^{-\Delta t/\tau_{mem}}`,
    :math:`\rho = e^{-\Delta t/\tau_w}`:

    .. math::
        \tilde v_{n+1} &= v_{rest} + (v_n - v_{rest})\,\alpha
            + \big(\Delta_T e^{(v_n - v_T)/\Delta_T} + R (I_n - w_n)\big)(1 - \alpha) \\
        w_{n+1} &= \rho\, w_n + a (v_n - v_{rest})(1 - \rho) + b\, z_{n+1}

    with the refractory clamp, threshold :math:`\tilde v_{n+1} \ge v_{th}` (the cut-off) and reset of
    :class:`LIFSoma`; the exponent is capped at its value at :math:`v_{th}`.

    Args:
        in_currents: :class:`spark.CurrentArray` with ``prod(units)`` values (nA).

    Returns:
        ``{'spikes': SpikeArray, 'potential': PotentialArray}`` of shape ``units`` (potential after reset).

    Examples:
        >>> import jax.numpy as jnp, spark
        >>> soma = spark.nn.somas.AdExSoma(units=(1,))
        >>> spikes = [float(soma(in_currents=spark.CurrentArray(jnp.array([30.0])))['spikes'].value[0])
        ...           for _ in range(200)]
        >>> sum(spikes) > 0, float(soma.adaptation.value[0]) > 0
        (True, True)

    Reference:
        Brette & Gerstner, "Adaptive exponential integrate-and-fire model as an effective description
        of neuronal activity", J. Neurophysiol. 94(5), 2005, https://doi.org/10.1152/jn.00686.2005
    """

    config: AdExSomaConfig

    def _init_state(self, units: tuple[int, ...]) -> None:
        c = self.config
        dt = float(c.dt)
        decay = np.exp(-dt / np.asarray(c.tau_mem, np.float64))
        w_decay = np.exp(-dt / np.asarray(c.tau_w, np.float64))
        self.decay = self._constant_of("tau_mem", decay)
        self.one_minus_decay = self._constant_of("tau_mem", 1.0 - decay)
        self.w_decay = self._constant_of("tau_w", w_decay)
        self.w_gain = self._constant_of("a", np.asarray(c.a, np.float64) * (1.0 - w_decay))
        self.b = self._constant("b")
        self.v_rest = self._constant("v_rest")
        self.v_reset = self._constant("v_reset")
        self.v_th = self._constant("v_th")
        self.v_T = self._constant("v_T")
        self.delta_T = self._constant("delta_T")
        self.resistance = self._constant("resistance")
        self.ref_steps = self._refractory_steps()
        self.potential = self._full(c.v_rest)
        self.adaptation = self._full(0.0)
        self.refractory = self._full_int(0)

    def _update(self, current: jax.Array) -> tuple[jax.Array, jax.Array]:
        v = self.potential.value
        w = self.adaptation.value
        v_rest = self.v_rest.value
        drive = exponential_drive(v, self.v_T.value, self.delta_T.value, self.v_th.value)
        drive = drive + self.resistance.value * (current - w)
        v_free = v_rest + (v - v_rest) * self.decay.value + drive * self.one_minus_decay.value
        spiked, v_new, counter = threshold_and_reset(
            v_free, self.refractory.value, self.v_reset.value, self.v_th.value, self.ref_steps.value
        )
        self.adaptation.value = (
            w * self.w_decay.value + self.w_gain.value * (v - v_rest) + self.b.value * spiked
        )
        self.potential.value = v_new
        self.refractory.value = counter
        return spiked, v_new
