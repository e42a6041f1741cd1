"""Adaptive leaky integrate-and-fire soma: every spike raises the threshold, which then relaxes."""

from __future__ import annotations

import dataclasses as dc

import jax
import numpy as np

from spark.core.registry import register_module
from spark.core.validation import NonNegativeValidator, PositiveValidator, TypeValidator
from spark.nn.somas._base import LeakySomaConfig, Soma, threshold_and_reset

__all__ = ["ALIFSoma", "ALIFSomaConfig"]


class ALIFSomaConfig(LeakySomaConfig):
    """Configuration of :class:`ALIFSoma`: the LIF fields plus the threshold adaptation."""

    tau_adapt: float = dc.field(
        default=500.0,
        metadata={
            "units": "ms",
            "validators": [TypeValidator, PositiveValidator],
            "description": "Time constant of the threshold adaptation.",
        },
    )
    beta: float = dc.field(
        default=3.0,
        metadata={
            "units": "mV",
            "validators": [TypeValidator, NonNegativeValidator],
            "description": "Threshold increase per spike (decays with tau_adapt).",
        },
    )


@register_module
class ALIFSoma(Soma):
    r"""Adaptive leaky integrate-and-fire soma (spike-triggered threshold adaptation).

    The LIF membrane of :class:`LIFSoma` with a dynamic threshold :math:`\theta = v_{th} + \beta a`;
    :math:`a` counts recent spikes and decays with :math:`\tau_{adapt}`:

    .. math::
        \tau_{mem} \frac{dv}{dt} = -(v - v_{rest}) + R I, \qquad
        \tau_{adapt} \frac{da}{dt} = -a + \tau_{adapt} \sum_k \delta(t - t_k), \qquad
        v \ge v_{th} + \beta a \Rightarrow v \leftarrow v_{reset}

    Discrete update, with :math:`\alpha = e^{-\Delta t/\tau_{mem}}`, :math:`\rho = e^{-\Delta t/\tau_{adapt}}`:

    .. math::
        \tilde v_{n+1} &= v_{rest} + (v_n - v_{rest})\,\alpha + R I_n (1 - \alpha) \\
        \theta_n &= v_{th} + \beta\, a_n \\
        z_{n+1} &= [\,\text{not refractory} \wedge \tilde v_{n+1} \ge \theta_n\,], \qquad
        v_{n+1} = v_{reset} \text{ if } z_{n+1} \\
        a_{n+1} &= \rho\, (a_n + z_{n+1})

    so :math:`k` steps after a single spike the threshold is :math:`v_{th} + \beta \rho^k =
    v_{th} + \beta e^{-k\Delta t/\tau_{adapt}}`. Refractoriness is that of :class:`LIFSoma`.

    Args:
        in_currents: :class:`spark.CurrentArray` with ``prod(units)`` values (nA).

    Returns:
        ``{'spikes': SpikeArray, 'potential': PotentialArray}`` of shape ``units`` (potential after reset).

    Examples:
        >>> import jax.numpy as jnp, spark
        >>> soma = spark.nn.somas.ALIFSoma(units=(1,), beta=5.0, tau_adapt=200.0)
        >>> out = soma(in_currents=spark.CurrentArray(jnp.array([1000.0])))
        >>> out['spikes'].value.tolist(), round(float(soma.adaptation.value[0]), 4)
        ([1.0], 0.995)

    Reference:
        Bellec, Salaj, Subramoney, Legenstein & Maass, "Long short-term memory and learning-to-learn in
        networks of spiking neurons", NeurIPS 2018, https://arxiv.org/abs/1803.09574
    """

    config: ALIFSomaConfig

    def _init_state(self, units: tuple[int, ...]) -> None:
        c = self.config
        dt = float(c.dt)
        self.decay = self._constant_of("tau_mem", np.exp(-dt / np.asarray(c.tau_mem, np.float64)))
        self.adapt_decay = self._constant_of("tau_adapt", np.exp(-dt / np.asarray(c.tau_adapt, np.float64)))
        self.v_rest = self._constant("v_rest")
        self.v_reset = self._constant("v_reset")
        self.v_th = self._constant("v_th")
        self.beta = self._constant("beta")
        self.gain = self._constant_of(
            "resistance", np.asarray(c.resistance, np.float64) * (1.0 - self.decay.value)
        )
        self.ref_steps = self._refractory_steps()
        self.potential = self._full(c.v_rest)
        self.adaptation = self._full(0.0)
        self.refractory = self._full_int(0)

    def threshold(self) -> jax.Array:
        """The current threshold :math:`v_{th} + \\beta a` of every unit (mV)."""
        return self.v_th.value + self.beta.value * self.adaptation.value

    def _update(self, current: jax.Array) -> tuple[jax.Array, jax.Array]:
        v_rest = self.v_rest.value
        v_free = v_rest + (self.potential.value - v_rest) * self.decay.value + self.gain.value * current
        spiked, v, counter = threshold_and_reset(
            v_free, self.refractory.value, self.v_reset.value, self.threshold(), self.ref_steps.value
        )
        self.potential.value = v
        self.refractory.value = counter
        self.adaptation.value = self.adapt_decay.value * (self.adaptation.value + spiked.astype(v.dtype))
        return spiked, v
