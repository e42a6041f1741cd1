"""Exponential integrate-and-fire soma."""

from __future__ import annotations

import jax
import numpy as np

from spark.core.registry import register_module
from spark.nn.somas._base import ExponentialSomaConfig, Soma, exponential_drive, threshold_and_reset

__all__ = ["EIFSoma", "EIFSomaConfig"]


class EIFSomaConfig(ExponentialSomaConfig):
    """Configuration of :class:`EIFSoma`."""


@register_module
class EIFSoma(Soma):
    r"""Exponential integrate-and-fire soma.

    .. math::
        \tau_{mem} \frac{dv}{dt} = -(v - v_{rest}) + \Delta_T\, e^{(v - v_T)/\Delta_T} + R I,
        \qquad v \ge v_{th} \Rightarrow v \leftarrow v_{reset}

    :math:`v_T` is the soft threshold and :math:`v_{th}` the numerical cut-off of the upswing.
    Discrete update: exponential Euler (the linear part is integrated exactly, the exponential term is
    held at its value at the start of the step), with :math:`\alpha = e^{-\Delta t/\tau_{mem}}`:

    .. math::
        \tilde v_{n+1} = v_{rest} + (v_n - v_{rest})\,\alpha
            + \big(\Delta_T e^{(v_n - v_T)/\Delta_T} + R I_n\big)(1 - \alpha)

    then the refractory clamp, threshold (:math:`\tilde v_{n+1} \ge v_{th}`) and reset of
    :class:`LIFSoma`. The exponent is capped at :math:`(v_{th} - v_T)/\Delta_T`, so the update stays
    finite in any dtype.

    Args:
        in_currents: :class:`spark.CurrentArray` with ``prod(units)`` values (nA).

    Returns:
        ``{'spikes': SpikeArray, 'potential': PotentialArray}`` of shape ``units`` (potential after reset).

    Examples:
        >>> import jax.numpy as jnp, spark
        >>> soma = spark.nn.somas.EIFSoma(units=(1,))
        >>> n = sum(float(soma(in_currents=spark.CurrentArray(jnp.array([20.0])))['spikes'].value[0])
        ...         for _ in range(100))
        >>> n > 0
        True

    Reference:
        Fourcaud-Trocmé, Hansel, van Vreeswijk & Brunel, "How spike generation mechanisms determine the
        neuronal response to fluctuating inputs", J. Neurosci. 23(37), 2003,
        https://doi.org/10.1523/JNEUROSCI.23-37-11628.2003
    """

    config: EIFSomaConfig

    def _init_state(self, units: tuple[int, ...]) -> None:
        c = self.config
        decay = np.exp(-float(c.dt) / np.asarray(c.tau_mem, np.float64))
        self.decay = self._constant_of("tau_mem", decay)
        self.one_minus_decay = self._constant_of("tau_mem", 1.0 - decay)
        self.v_rest = self._constant("v_rest")
        self.v_reset = self._constant("v_reset")
        self.v_th = self._constant("v_th")
        self.v_T = self._constant("v_T")
        self.delta_T = self._constant("delta_T")
        self.resistance = self._constant("resistance")
        self.ref_steps = self._refractory_steps()
        self.potential = self._full(c.v_rest)
        self.refractory = self._full_int(0)

    def _update(self, current: jax.Array) -> tuple[jax.Array, jax.Array]:
        v = self.potential.value
        v_rest = self.v_rest.value
        drive = exponential_drive(v, self.v_T.value, self.delta_T.value, self.v_th.value)
        drive = drive + self.resistance.value * current
        v_free = v_rest + (v - v_rest) * self.decay.value + drive * self.one_minus_decay.value
        spiked, v, counter = threshold_and_reset(
            v_free, self.refractory.value, self.v_reset.value, self.v_th.value, self.ref_steps.value
        )
        self.potential.value = v
        self.refractory.value = counter
        return spiked, v
