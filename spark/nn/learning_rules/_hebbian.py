"""``HebbianRule``: trace-based Hebbian plasticity."""

from __future__ import annotations

from spark.core.payloads import FloatArray, SpikeArray
from spark.core.registry import register_module
from spark.nn.learning_rules._base import (
    LearningRule,
    LearningRuleConfig,
    LearningRuleOutput,
    eta_field,
    tau_field,
)

__all__ = ["HebbianRule", "HebbianRuleConfig"]


class HebbianRuleConfig(LearningRuleConfig):
    """Configuration of :class:`HebbianRule`."""

    eta: float = eta_field(1e-3, "1/ms")
    tau_pre: float = tau_field(20.0, "Time constant of the presynaptic trace.")
    tau_post: float = tau_field(20.0, "Time constant of the postsynaptic trace.")


@register_module
class HebbianRule(LearningRule):
    r"""Hebbian plasticity on spike traces: weights grow with correlated pre- and postsynaptic activity.

    Each side low-pass filters its spikes into a trace; the weight grows with their product.
    Continuous form, with :math:`s_j` and :math:`z_i` the pre- and postsynaptic spike trains:

    .. math::

        \frac{dx_j}{dt} = -\frac{x_j}{\tau_{pre}} + s_j(t), \qquad
        \frac{dy_i}{dt} = -\frac{y_i}{\tau_{post}} + z_i(t), \qquad
        \frac{dw_{ij}}{dt} = \eta\, y_i\, x_j

    Discrete update implemented (exact trace decay, spikes added at the end of the step, then one
    outer product and a clip):

    .. math::

        x[n] = x[n-1]\, e^{-\Delta t/\tau_{pre}} + s[n], \qquad
        y[n] = y[n-1]\, e^{-\Delta t/\tau_{post}} + z[n]

    .. math::

        W[n] = \mathrm{clip}\big(W[n-1] + \eta\,\Delta t\; y[n]\, x[n]^\top,\; w_{min},\; w_{max}\big)

    Weights only grow (the bound :math:`w_{max}` stops them); pair it with a normalizing rule such as
    :class:`OjaRule` when growth must stay bounded by the activity itself.

    Args:
        pre_spikes: presynaptic ``SpikeArray`` (``pre`` entries, or laid out like the kernel).
        post_spikes: postsynaptic ``SpikeArray`` (``post`` entries).
        kernel: ``FloatArray`` ``(post, pre)``, the current weights.
        modulation: ignored by this rule.

    Returns:
        ``{'kernel': FloatArray}``: the updated weights, same shape and dtype.

    Examples:
        >>> import spark, jax.numpy as jnp
        >>> rule = spark.nn.learning_rules.HebbianRule(eta=0.1)
        >>> out = rule(pre_spikes=spark.SpikeArray(jnp.array([1.0, 0.0])),
        ...            post_spikes=spark.SpikeArray(jnp.array([1.0])),
        ...            kernel=spark.FloatArray(jnp.array([[0.5, 0.5]])))
        >>> out['kernel'].value.tolist()
        [[0.6000000238418579, 0.5]]

    Reference:
        Hebb D. O. (1949), *The Organization of Behavior*, Wiley; Gerstner W. & Kistler W. M. (2002),
        Mathematical formulations of Hebbian learning, *Biol. Cybern.* 87:404-415,
        doi:10.1007/s00422-002-0353-y.
    """

    config: HebbianRuleConfig

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
        dw = (self.config.eta * self.config.dt) * self._outer(y, x)
        return self._apply(kernel, dw)
