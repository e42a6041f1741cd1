"""``TripletSTDPRule``: triplet spike-timing-dependent plasticity (Pfister & Gerstner 2006)."""

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

__all__ = ["TripletSTDPRule", "TripletSTDPRuleConfig"]


class TripletSTDPRuleConfig(LearningRuleConfig):
    """Configuration of :class:`TripletSTDPRule`.

    Defaults: the minimal all-to-all model fitted to visual-cortex data (Pfister & Gerstner 2006,
    Table 3: ``A2_plus = A3_minus = 0``, ``A3_plus = 6.5e-3``, ``A2_minus = 7.1e-3``, ``tau_y = 114`` ms;
    ``tau_x`` is unused while ``A3_minus = 0`` and defaults to the full model's 101 ms): potentiation
    needs a post-pre-post triplet, so it grows with the postsynaptic rate.
    """

    A2_plus: float = amplitude_field(0.0, "Pair potentiation amplitude (post spike after a pre spike).")
    A3_plus: float = amplitude_field(
        6.5e-3, "Triplet potentiation amplitude (scaled by the slow postsynaptic trace)."
    )
    A2_minus: float = amplitude_field(7.1e-3, "Pair depression amplitude (pre spike after a post spike).")
    A3_minus: float = amplitude_field(
        0.0, "Triplet depression amplitude (scaled by the slow presynaptic trace)."
    )
    tau_plus: float = tau_field(16.8, "Fast presynaptic trace r1 (pair potentiation window).")
    tau_minus: float = tau_field(33.7, "Fast postsynaptic trace o1 (pair depression window).")
    tau_x: float = tau_field(101.0, "Slow presynaptic trace r2 (triplet depression).")
    tau_y: float = tau_field(114.0, "Slow postsynaptic trace o2 (triplet potentiation).")


@register_module
class TripletSTDPRule(LearningRule):
    r"""Triplet STDP: pair STDP plus potentiation boosted by recent postsynaptic spikes.

    Two presynaptic traces (:math:`r_1` fast, :math:`r_2` slow) and two postsynaptic traces
    (:math:`o_1` fast, :math:`o_2` slow), all-to-all interactions. Continuous form:

    .. math::

        \frac{dr_{1,2}}{dt} = -\frac{r_{1,2}}{\tau_{+,x}} + s(t), \qquad
        \frac{do_{1,2}}{dt} = -\frac{o_{1,2}}{\tau_{-,y}} + z(t)

    .. math::

        \frac{dw_{ij}}{dt} = \eta\Big[ z_i(t)\, r_{1,j}(t)\,\big(A_2^+ + A_3^+\, o_{2,i}(t^-)\big)
                             - s_j(t)\, o_{1,i}(t)\,\big(A_2^- + A_3^-\, r_{2,j}(t^-)\big)\Big]

    Discrete update implemented: the traces decay (:math:`\hat r, \hat o`), the weights change using
    the traces before this step's spikes, then the spikes are added to every trace:

    .. math::

        W[n] = \mathrm{clip}\Big(W[n-1] + \eta\big[(z[n] \odot (A_2^+ + A_3^+ \hat o_2))\, \hat r_1^\top
               - \hat o_1\, (s[n] \odot (A_2^- + A_3^- \hat r_2))^\top\big],\; w_{min},\; w_{max}\Big)

    .. math::

        r_{1,2}[n] = \hat r_{1,2} + s[n], \qquad o_{1,2}[n] = \hat o_{1,2} + z[n]

    With :math:`A_3^\pm = 0` it reduces to pair STDP. A pre spike followed by post spikes at
    :math:`k_1` and :math:`k_2` steps gives :math:`\eta\,[A_2^+ e^{-k_1\Delta t/\tau_+} +
    e^{-k_2\Delta t/\tau_+}(A_2^+ + A_3^+ e^{-(k_2-k_1)\Delta t/\tau_y})]`: the second post spike
    potentiates more than the first (the triplet term).

    Args:
        pre_spikes: presynaptic ``SpikeArray`` (``pre`` entries, or laid out like the kernel).
        post_spikes: postsynaptic ``SpikeArray`` (``post`` entries).
        kernel: ``FloatArray`` ``(post, pre)``, the current weights.
        modulation: ignored by this rule.

    Returns:
        ``{'kernel': FloatArray}``: the updated weights, same shape and dtype.

    Examples:
        >>> import spark, jax.numpy as jnp
        >>> rule = spark.nn.learning_rules.TripletSTDPRule()
        >>> out = rule(pre_spikes=spark.SpikeArray(jnp.ones(3)), post_spikes=spark.SpikeArray(jnp.zeros(2)),
        ...            kernel=spark.FloatArray(jnp.full((2, 3), 0.5)))
        >>> out['kernel'].shape
        (2, 3)

    Reference:
        Pfister J.-P. & Gerstner W. (2006), Triplets of spikes in a model of spike timing-dependent
        plasticity, *J. Neurosci.* 26(38):9673-9682, doi:10.1523/JNEUROSCI.1425-06.2006.
    """

    config: TripletSTDPRuleConfig

    def _build_rule(self) -> None:
        cfg = self.config
        self.r1_decay, self.r2_decay = self._decay(cfg.tau_plus), self._decay(cfg.tau_x)
        self.o1_decay, self.o2_decay = self._decay(cfg.tau_minus), self._decay(cfg.tau_y)
        self.r1, self.r2 = self._trace(self.pre_shape), self._trace(self.pre_shape)
        self.o1, self.o2 = self._trace((self.post_size,)), self._trace((self.post_size,))

    def __call__(
        self,
        pre_spikes: SpikeArray,
        post_spikes: SpikeArray,
        kernel: FloatArray,
        modulation: FloatArray | None = None,
    ) -> LearningRuleOutput:
        cfg = self.config
        s, z = self._pre(pre_spikes), self._post(post_spikes)
        r1, r2 = self.r1.value * self.r1_decay.value, self.r2.value * self.r2_decay.value
        o1, o2 = self.o1.value * self.o1_decay.value, self.o2.value * self.o2_decay.value
        potentiation = self._outer(z * (cfg.A2_plus + cfg.A3_plus * o2), r1)
        depression = self._outer(o1, s * (cfg.A2_minus + cfg.A3_minus * r2))
        self.r1.value, self.r2.value = r1 + s, r2 + s
        self.o1.value, self.o2.value = o1 + z, o2 + z
        return self._apply(kernel, cfg.eta * (potentiation - depression))
