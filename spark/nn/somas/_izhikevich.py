"""Izhikevich soma: quadratic membrane with a recovery variable."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from spark.core.registry import register_module
from spark.core.validation import PositiveValidator
from spark.nn.somas._base import Soma, SomaConfig, soma_field

__all__ = ["IzhikevichSoma", "IzhikevichSomaConfig"]


class IzhikevichSomaConfig(SomaConfig):
    """Configuration of :class:`IzhikevichSoma`; the defaults are the *regular spiking* cell."""

    a: float = soma_field(0.02, "1/ms", "Recovery rate of u.", PositiveValidator)
    b: float = soma_field(0.2, None, "Sensitivity of u to the membrane potential.")
    v_reset: float = soma_field(
        -65.0, "mV", "Reset potential after a spike (c in Izhikevich's notation); also the initial potential."
    )
    d: float = soma_field(8.0, None, "Increase of u per spike.")
    v_th: float = soma_field(30.0, "mV", "Spike peak: a spike is emitted and v reset when v reaches it.")
    resistance: float = soma_field(
        1.0, "MΩ", "Input gain R: the current enters the equation as R I.", PositiveValidator
    )

    def _extra_errors(self) -> list[str]:
        errors = super()._extra_errors()
        try:
            if not np.all(np.asarray(self.v_reset) < np.asarray(self.v_th)):
                errors.append(f"v_reset must be below v_th, got v_reset={self.v_reset}, v_th={self.v_th}")
        except (TypeError, ValueError):
            pass
        return errors


@register_module
class IzhikevichSoma(Soma):
    r"""Izhikevich soma: a quadratic membrane with a recovery variable :math:`u`.

    .. math::
        \frac{dv}{dt} &= 0.04\, v^2 + 5 v + 140 - u + R I \\
        \frac{du}{dt} &= a\,(b v - u) \\
        v \ge v_{th} &\Rightarrow v \leftarrow v_{reset},\; u \leftarrow u + d

    (:math:`v` in mV, :math:`t` in ms). Discrete update: forward Euler, as in the original model
    (use :math:`\Delta t \le 0.5` ms for quantitative work):

    .. math::
        \tilde v_{n+1} &= v_n + \Delta t\,(0.04 v_n^2 + 5 v_n + 140 - u_n + R I_n) \\
        z_{n+1} &= [\tilde v_{n+1} \ge v_{th}], \qquad v_{n+1} = v_{reset} \text{ if } z_{n+1}
            \text{ else } \tilde v_{n+1} \\
        u_{n+1} &= u_n + \Delta t\, a (b v_n - u_n) + d\, z_{n+1}

    The state starts at :math:`v = v_{reset}`, :math:`u = b\, v_{reset}`. No refractory period: the
    reset and :math:`u` shape the firing pattern (``a, b, v_reset, d`` select regular spiking,
    bursting, fast spiking, ...).

    Args:
        in_currents: :class:`spark.CurrentArray` with ``prod(units)`` values.

    Returns:
        ``{'spikes': SpikeArray, 'potential': PotentialArray}`` of shape ``units`` (potential after reset).

    Examples:
        >>> import jax.numpy as jnp, spark
        >>> soma = spark.nn.somas.IzhikevichSoma(units=(1,), dt=0.5)
        >>> n = sum(float(soma(in_currents=spark.CurrentArray(jnp.array([10.0])))['spikes'].value[0])
        ...         for _ in range(400))
        >>> n > 0
        True

    Reference:
        Izhikevich, "Simple model of spiking neurons", IEEE Trans. Neural Netw. 14(6), 2003,
        https://doi.org/10.1109/TNN.2003.820440
    """

    config: IzhikevichSomaConfig

    def _init_state(self, units: tuple[int, ...]) -> None:
        c = self.config
        self.dt = self._constant_of("dt", float(c.dt))
        self.a = self._constant("a")
        self.b = self._constant("b")
        self.v_reset = self._constant("v_reset")
        self.d = self._constant("d")
        self.v_th = self._constant("v_th")
        self.resistance = self._constant("resistance")
        self.potential = self._full(self._as_array("v_reset", c.v_reset))
        self.recovery = self._full(self._as_array("b", c.b) * self._as_array("v_reset", c.v_reset))

    def _update(self, current: jax.Array) -> tuple[jax.Array, jax.Array]:
        v, u, dt = self.potential.value, self.recovery.value, self.dt.value
        dv = 0.04 * v * v + 5.0 * v + 140.0 - u + self.resistance.value * current
        v_free = v + dt * dv
        spiked = v_free >= self.v_th.value
        v_new = jnp.where(spiked, self.v_reset.value, v_free)
        self.recovery.value = u + dt * self.a.value * (self.b.value * v - u) + self.d.value * spiked
        self.potential.value = v_new
        return spiked, v_new
