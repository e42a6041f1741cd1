"""``OjaRule``: Hebbian plasticity with Oja's normalizing decay."""

from __future__ import annotations

import jax.numpy as jnp

from spark.core.payloads import FloatArray, SpikeArray
from spark.core.registry import register_module
from spark.nn.learning_rules._base import (
    LearningRule,
    LearningRuleConfig,
    LearningRuleOutput,
    eta_field,
    tau_field,
)

__all__ = ["OjaRule", "OjaRuleConfig"]


class OjaRuleConfig(LearningRuleConfig):
    """Configuration of :class:`OjaRule`."""

    eta: float = eta_field(1e-3, "1/ms")
    tau_pre: float = tau_field(20.0, "Time constant of the presynaptic trace (the input rate estimate).")
    tau_post: float = tau_field(20.0, "Time constant of the postsynaptic trace (the output rate estimate).")


@register_module
class OjaRule(LearningRule):
    r"""Oja's rule on spike traces: Hebbian growth with a decay that normalizes each unit's weights.

    With :math:`x_j` and :math:`y_i` the pre- and postsynaptic spike traces (rate estimates):

    .. math::

        \frac{dx_j}{dt} = -\frac{x_j}{\tau_{pre}} + s_j(t), \qquad
        \frac{dy_i}{dt} = -\frac{y_i}{\tau_{post}} + z_i(t), \qquad
        \frac{dw_{ij}}{dt} = \eta\, \big(y_i\, x_j - y_i^2\, w_{ij}\big)

    For fixed activities the weights relax to :math:`w_{ij} = x_j / y_i` (they grow below it and
    shrink above it); for a linear unit (:math:`y = W x`) the weight vector converges to the principal
    component of the input with unit norm.

    Discrete update implemented: the traces are updated, then the weight equation is integrated
    exactly over the step with the traces held constant, so the update is stable for any
    :math:`\eta` (an explicit Euler step diverges once :math:`\eta\,\Delta t\, y_i^2 > 2`):

    .. math::

        x[n] = x[n-1]\, e^{-\Delta t/\tau_{pre}} + s[n], \qquad
        y[n] = y[n-1]\, e^{-\Delta t/\tau_{post}} + z[n]

    .. math::

        \gamma_i = e^{-\eta\, \Delta t\, y_i[n]^2}, \qquad
        w_{ij}[n] = \mathrm{clip}\Big(\gamma_i\, w_{ij}[n-1] + (1 - \gamma_i)\,\frac{x_j[n]}{y_i[n]},
                    \; w_{min},\; w_{max}\Big)

    (:math:`(1-\gamma_i)/y_i \to 0` when :math:`y_i = 0`: silent units keep their weights.)

    Args:
        pre_spikes: presynaptic ``SpikeArray`` (``pre`` entries, or laid out like the kernel).
        post_spikes: postsynaptic ``SpikeArray`` (``post`` entries).
        kernel: ``FloatArray`` ``(post, pre)``, the current weights.
        modulation: ignored by this rule.

    Returns:
        ``{'kernel': FloatArray}``: the updated weights, same shape and dtype.

    Examples:
        >>> import spark, jax.numpy as jnp
        >>> rule = spark.nn.learning_rules.OjaRule(eta=0.1)
        >>> out = rule(pre_spikes=spark.SpikeArray(jnp.array([1.0, 0.0])),
        ...            post_spikes=spark.SpikeArray(jnp.array([1.0])),
        ...            kernel=spark.FloatArray(jnp.array([[0.5, 0.5]])))
        >>> [round(w, 3) for w in out['kernel'].value[0].tolist()]  # grows towards 1, decays towards 0
        [0.548, 0.452]

    Reference:
        Oja E. (1982), Simplified neuron model as a principal component analyzer, *J. Math. Biol.*
        15:267-273, doi:10.1007/BF00275687.
    """

    config: OjaRuleConfig

    def _build_rule(self) -> None:
        self.pre_decay = self._decay(self.config.tau_pre)
        self.post_decay = self._decay(self.config.tau_post)
        self.pre_trace = self._trace(self.pre_shape)
        self.post_trace = self._trace((self.post_size,))

    def __call__(
        self,
        pre_spikes: SpikeArray,
        post_spikes: SpikeArray,
        kernel: FloatArray,
        modulation: FloatArray | None = None,
    ) -> LearningRuleOutput:
        x = self.pre_trace.value * self.pre_decay.value + self._pre(pre_spikes)
        y = self.post_trace.value * self.post_decay.value + self._post(post_spikes)
        self.pre_trace.value, self.post_trace.value = x, y
        w = kernel.value.astype(self.work_dtype)
        rate = (self.config.eta * self.config.dt) * y * y
        keep = jnp.exp(-rate)[:, None]  # gamma_i
        safe_y = jnp.where(y > 0, y, jnp.ones_like(y))
        pull = jnp.where(y > 0, -jnp.expm1(-rate) / safe_y, jnp.zeros_like(y))  # (1 - gamma_i) / y_i
        target = self._outer(pull, x)
        return self._apply(kernel, keep * w + target - w)
