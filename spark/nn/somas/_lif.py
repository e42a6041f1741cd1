"""Leaky integrate-and-fire soma with an absolute refractory period."""

from __future__ import annotations

import jax
import numpy as np

from spark.core.registry import register_module
from spark.nn.somas._base import LeakySomaConfig, Soma, threshold_and_reset

__all__ = ["LIFSoma", "LIFSomaConfig"]


class LIFSomaConfig(LeakySomaConfig):
    """Configuration of :class:`LIFSoma` (fields: see :class:`LeakySomaConfig` and :class:`SomaConfig`)."""


@register_module
class LIFSoma(Soma):
    r"""Leaky integrate-and-fire soma with an absolute refractory period.

    Continuous model, with a spike and reset when :math:`v` reaches :math:`v_{th}`:

    .. math::
        \tau_{mem} \frac{dv}{dt} = -(v - v_{rest}) + R\, I(t), \qquad
        v \ge v_{th} \Rightarrow v \leftarrow v_{reset}

    Discrete update (exact for a current held constant over the step), with
    :math:`\alpha = e^{-\Delta t / \tau_{mem}}` and :math:`n_{ref} = \mathrm{round}(\tau_{ref}/\Delta t)`:

    .. math::
        \tilde v_{n+1} &= v_{rest} + (v_n - v_{rest})\,\alpha + R\, I_n (1 - \alpha) \\
        c' &= \max(c_n - 1, 0), \quad \text{refractory} \iff c' > 0
              \;\Rightarrow\; \tilde v_{n+1} \leftarrow v_{reset} \\
        z_{n+1} &= [\,c' = 0 \;\wedge\; \tilde v_{n+1} \ge v_{th}\,] \\
        v_{n+1} &= z_{n+1}\, v_{reset} + (1 - z_{n+1})\, \tilde v_{n+1}, \qquad
        c_{n+1} = z_{n+1}\, n_{ref} + (1 - z_{n+1})\, c'

    From rest under a constant current, the first spike comes at the first step after
    :math:`t^* = -\tau_{mem} \ln\!\big(1 - (v_{th} - v_{rest}) / (R I)\big)`. The shortest
    inter-spike interval is :math:`\tau_{ref}`.

    Args:
        in_currents: :class:`spark.CurrentArray` with ``prod(units)`` values (nA).

    Returns:
        ``{'spikes': SpikeArray, 'potential': PotentialArray}``, shape ``units``; spikes are ``+1``
        (``-1`` for inhibitory units); the potential (mV) is after reset.

    Examples:
        >>> import jax.numpy as jnp, spark
        >>> soma = spark.nn.somas.LIFSoma(units=(2,), dt=1.0)
        >>> out = soma(in_currents=spark.CurrentArray(jnp.array([0.0, 1000.0])))
        >>> out['spikes'].value.tolist()
        [0.0, 1.0]

    Reference:
        Lapicque (1907); Gerstner, Kistler, Naud & Paninski, *Neuronal Dynamics* (2014), ch. 1.3,
        https://neuronaldynamics.epfl.ch/online/Ch1.S3.html
    """

    config: LIFSomaConfig

    def _init_state(self, units: tuple[int, ...]) -> None:
        c = self.config
        self.decay = self._constant_of("tau_mem", np.exp(-float(c.dt) / np.asarray(c.tau_mem, np.float64)))
        self.v_rest = self._constant("v_rest")
        self.v_reset = self._constant("v_reset")
        self.v_th = self._constant("v_th")
        self.gain = self._constant_of(
            "resistance", np.asarray(c.resistance, np.float64) * (1.0 - self.decay.value)
        )
        self.ref_steps = self._refractory_steps()
        self.potential = self._full(c.v_rest)
        self.refractory = self._full_int(0)

    def _update(self, current: jax.Array) -> tuple[jax.Array, jax.Array]:
        v_rest = self.v_rest.value
        v_free = v_rest + (self.potential.value - v_rest) * self.decay.value + self.gain.value * current
        spiked, v, counter = threshold_and_reset(
            v_free, self.refractory.value, self.v_reset.value, self.v_th.value, self.ref_steps.value
        )
        self.potential.value = v
        self.refractory.value = counter
        return spiked, v
