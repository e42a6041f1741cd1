"""``ThreeFactorRule``: reward- or neuromodulator-gated STDP with eligibility traces."""

from __future__ import annotations

from spark.core.payloads import FloatArray, SpikeArray
from spark.core.registry import register_module
from spark.nn.learning_rules._base import (
    LearningRule,
    LearningRuleConfig,
    LearningRuleOutput,
    amplitude_field,
    eta_field,
    tau_field,
)

__all__ = ["ThreeFactorRule", "ThreeFactorRuleConfig"]


class ThreeFactorRuleConfig(LearningRuleConfig):
    """Configuration of :class:`ThreeFactorRule`."""

    eta: float = eta_field(0.01, "1/(ms·modulation)")
    A_plus: float = amplitude_field(0.01, "Potentiation amplitude of the STDP term (pre before post).")
    A_minus: float = amplitude_field(0.0105, "Depression amplitude of the STDP term (post before pre).")
    tau_plus: float = tau_field(20.0, "Presynaptic trace time constant (potentiation window).")
    tau_minus: float = tau_field(20.0, "Postsynaptic trace time constant (depression window).")
    tau_e: float = tau_field(
        1000.0, "Eligibility trace time constant: how long a pairing waits for modulation."
    )


@register_module
class ThreeFactorRule(LearningRule):
    r"""Three-factor plasticity: STDP pairings tag synapses, a modulatory signal turns tags into changes.

    Each synapse keeps an eligibility trace :math:`e_{ij}` fed by the pair-STDP term; the weight moves
    only while the third factor :math:`M` (reward, dopamine, error: a scalar or one value per
    postsynaptic unit) is non-zero. Continuous form:

    .. math::

        \frac{de_{ij}}{dt} = -\frac{e_{ij}}{\tau_e}
            + A_+\, x_j(t^-)\, z_i(t) - A_-\, y_i(t^-)\, s_j(t), \qquad
        \frac{dw_{ij}}{dt} = \eta\, M_i(t)\, e_{ij}(t)

    with :math:`x, y` the pre/post traces of :class:`STDPRule`. Discrete update implemented:

    .. math::

        \hat x = x[n-1] e^{-\Delta t/\tau_+}, \quad \hat y = y[n-1] e^{-\Delta t/\tau_-}, \quad
        x[n] = \hat x + s[n], \quad y[n] = \hat y + z[n]

    .. math::

        E[n] = E[n-1]\, e^{-\Delta t/\tau_e} + A_+\, z[n]\, \hat x^\top - A_-\, \hat y\, s[n]^\top

    .. math::

        W[n] = \mathrm{clip}\big(W[n-1] + \eta\, \Delta t\, M[n] \odot E[n],\; w_{min},\; w_{max}\big)

    Without modulation (``modulation=None``) the traces still evolve but the weights do not change;
    the sign of :math:`M` sets the direction of the change.

    Args:
        pre_spikes: presynaptic ``SpikeArray`` (``pre`` entries, or laid out like the kernel).
        post_spikes: postsynaptic ``SpikeArray`` (``post`` entries).
        kernel: ``FloatArray`` ``(post, pre)``, the current weights.
        modulation: optional ``FloatArray``: a scalar or one value per postsynaptic unit.

    Returns:
        ``{'kernel': FloatArray}``: the updated weights, same shape and dtype.

    Examples:
        >>> import spark, jax.numpy as jnp
        >>> rule = spark.nn.learning_rules.ThreeFactorRule(A_plus=0.1, eta=1.0)
        >>> w = spark.FloatArray(jnp.array([[0.5]]))
        >>> w = rule(pre_spikes=spark.SpikeArray(jnp.ones(1)), post_spikes=spark.SpikeArray(jnp.zeros(1)),
        ...          kernel=w)['kernel']
        >>> w = rule(pre_spikes=spark.SpikeArray(jnp.zeros(1)), post_spikes=spark.SpikeArray(jnp.ones(1)),
        ...          kernel=w)['kernel']   # tagged, but no modulation yet
        >>> float(w.value[0, 0])
        0.5
        >>> w = rule(pre_spikes=spark.SpikeArray(jnp.zeros(1)), post_spikes=spark.SpikeArray(jnp.zeros(1)),
        ...          kernel=w, modulation=spark.FloatArray(jnp.array(1.0)))['kernel']
        >>> bool(w.value[0, 0] > 0.5)
        True

    Reference:
        Izhikevich E. M. (2007), Solving the distal reward problem through linkage of STDP and dopamine
        signaling, *Cereb. Cortex* 17(10):2443-2452, doi:10.1093/cercor/bhl152; Frémaux N. & Gerstner W.
        (2016), Neuromodulated spike-timing-dependent plasticity, and theory of three-factor learning
        rules, *Front. Neural Circuits* 9:85, doi:10.3389/fncir.2015.00085.
    """

    config: ThreeFactorRuleConfig

    def _build_rule(self) -> None:
        cfg = self.config
        self.pre_decay, self.post_decay = self._decay(cfg.tau_plus), self._decay(cfg.tau_minus)
        self.eligibility_decay = self._decay(cfg.tau_e)
        self.pre_trace = self._trace(self.pre_shape)
        self.post_trace = self._trace((self.post_size,))
        self.eligibility = self._trace(self.kernel_shape)

    def __call__(
        self,
        pre_spikes: SpikeArray,
        post_spikes: SpikeArray,
        kernel: FloatArray,
        modulation: FloatArray | None = None,
    ) -> LearningRuleOutput:
        cfg = self.config
        s, z = self._pre(pre_spikes), self._post(post_spikes)
        x = self.pre_trace.value * self.pre_decay.value
        y = self.post_trace.value * self.post_decay.value
        stdp = cfg.A_plus * self._outer(z, x) - cfg.A_minus * self._outer(y, s)
        e = self.eligibility.value * self.eligibility_decay.value + stdp
        self.pre_trace.value, self.post_trace.value, self.eligibility.value = x + s, y + z, e
        if modulation is None:
            return {"kernel": FloatArray(kernel.value)}
        return self._apply(kernel, (cfg.eta * cfg.dt) * self._modulation(modulation) * e)
