"""``STDPRule``: pair-based spike-timing-dependent plasticity."""

from __future__ import annotations

from spark.core.payloads import FloatArray, SpikeArray
from spark.core.registry import register_module
from spark.nn.learning_rules._base import (
    LearningRule,
    LearningRuleConfig,
    LearningRuleOutput,
    amplitude_field,
    tau_field,
)

__all__ = ["STDPRule", "STDPRuleConfig"]


class STDPRuleConfig(LearningRuleConfig):
    """Configuration of :class:`STDPRule` (depression slightly stronger than potentiation by default)."""

    A_plus: float = amplitude_field(
        0.01, "Potentiation amplitude: weight change of a pre-before-post pair at 0 ms."
    )
    A_minus: float = amplitude_field(
        0.0105, "Depression amplitude: weight change of a post-before-pre pair at 0 ms."
    )
    tau_plus: float = tau_field(20.0, "Width of the potentiation window (presynaptic trace time constant).")
    tau_minus: float = tau_field(20.0, "Width of the depression window (postsynaptic trace time constant).")


@register_module
class STDPRule(LearningRule):
    r"""Pair-based STDP: pre-before-post potentiates, post-before-pre depresses.

    Learning window for a pair with :math:`\Delta t = t_{post} - t_{pre}`:

    .. math::

        \Delta w = \eta\, A_+\, e^{-\Delta t/\tau_+} \;\; (\Delta t > 0), \qquad
        \Delta w = -\eta\, A_-\, e^{\Delta t/\tau_-} \;\; (\Delta t < 0)

    implemented with all-to-all traces (every pair counts). Continuous form:

    .. math::

        \frac{dx_j}{dt} = -\frac{x_j}{\tau_+} + s_j(t), \quad
        \frac{dy_i}{dt} = -\frac{y_i}{\tau_-} + z_i(t), \quad
        \frac{dw_{ij}}{dt} = \eta\,\big(A_+\, x_j(t^-)\, z_i(t) - A_-\, y_i(t^-)\, s_j(t)\big)

    Discrete update implemented: the traces decay, the weights change using the traces *before* this
    step's spikes (so simultaneous spikes leave the weight unchanged), then the spikes are added:

    .. math::

        \hat x = x[n-1]\, e^{-\Delta t/\tau_+}, \qquad \hat y = y[n-1]\, e^{-\Delta t/\tau_-}

    .. math::

        W[n] = \mathrm{clip}\big(W[n-1] + \eta\,(A_+\, z[n]\, \hat x^\top - A_-\, \hat y\, s[n]^\top),
               \; w_{min},\; w_{max}\big)

    .. math::

        x[n] = \hat x + s[n], \qquad y[n] = \hat y + z[n]

    A pre spike at step :math:`n_0` and a post spike at :math:`n_0 + k` give exactly
    :math:`\eta A_+ e^{-k\Delta t/\tau_+}`; the reverse order gives :math:`-\eta A_- e^{-k\Delta t/\tau_-}`.

    Args:
        pre_spikes: presynaptic ``SpikeArray`` (``pre`` entries, or laid out like the kernel).
        post_spikes: postsynaptic ``SpikeArray`` (``post`` entries).
        kernel: ``FloatArray`` ``(post, pre)``, the current weights.
        modulation: ignored by this rule (see :class:`ThreeFactorRule`).

    Returns:
        ``{'kernel': FloatArray}``: the updated weights, same shape and dtype.

    Examples:
        >>> import spark, jax.numpy as jnp
        >>> rule = spark.nn.learning_rules.STDPRule(A_plus=0.1, tau_plus=10.0)
        >>> w = spark.FloatArray(jnp.array([[0.5]]))
        >>> w = rule(pre_spikes=spark.SpikeArray(jnp.ones(1)), post_spikes=spark.SpikeArray(jnp.zeros(1)),
        ...          kernel=w)['kernel']
        >>> w = rule(pre_spikes=spark.SpikeArray(jnp.zeros(1)), post_spikes=spark.SpikeArray(jnp.ones(1)),
        ...          kernel=w)['kernel']
        >>> round(float(w.value[0, 0]) - 0.5, 5)  # 0.1 * exp(-1 / 10)
        0.09048

    Reference:
        Bi G. & Poo M. (1998), Synaptic modifications in cultured hippocampal neurons, *J. Neurosci.*
        18(24):10464-10472, doi:10.1523/JNEUROSCI.18-24-10464.1998; Song S., Miller K. D. & Abbott L. F.
        (2000), Competitive Hebbian learning through spike-timing-dependent synaptic plasticity,
        *Nat. Neurosci.* 3:919-926, doi:10.1038/78829.
    """

    config: STDPRuleConfig

    def _build_rule(self) -> None:
        self.pre_decay = self._decay(self.config.tau_plus)
        self.post_decay = self._decay(self.config.tau_minus)
        self.pre_trace = self._trace(self.pre_shape)
        self.post_trace = self._trace((self.post_size,))

    def __call__(
        self,
        pre_spikes: SpikeArray,
        post_spikes: SpikeArray,
        kernel: FloatArray,
        modulation: FloatArray | None = None,
    ) -> LearningRuleOutput:
        s, z = self._pre(pre_spikes), self._post(post_spikes)
        x = self.pre_trace.value * self.pre_decay.value
        y = self.post_trace.value * self.post_decay.value
        cfg = self.config
        dw = cfg.eta * (cfg.A_plus * self._outer(z, x) - cfg.A_minus * self._outer(y, s))
        self.pre_trace.value, self.post_trace.value = x + s, y + z
        return self._apply(kernel, dw)
