"""``PopulationThreeFactorRule``: a neuromodulated rule whose postsynaptic factor is the population rate."""

from __future__ import annotations

import dataclasses as dc

import jax.numpy as jnp

from spark.core.payloads import FloatArray, SpikeArray
from spark.core.registry import register_module
from spark.core.validation import NonNegativeValidator, OneOfValidator, TypeValidator
from spark.nn.learning_rules._base import (
    LearningRule,
    LearningRuleConfig,
    LearningRuleOutput,
    eta_field,
    tau_field,
)

__all__ = ["PopulationThreeFactorRule", "PopulationThreeFactorRuleConfig"]


class PopulationThreeFactorRuleConfig(LearningRuleConfig):
    """Configuration of :class:`PopulationThreeFactorRule`."""

    eta: float = eta_field(0.01, "1/(ms·modulation)")
    tau_pre: float = tau_field(5.0, "Presynaptic trace time constant.")
    tau_e: float = tau_field(
        70.0, "Eligibility trace time constant: how long a pairing waits for modulation."
    )
    target_rate: float = dc.field(
        default=30.0,
        metadata={
            "units": "Hz",
            "validators": [TypeValidator, NonNegativeValidator],
            "description": "Set point of the postsynaptic rate: activity above it tags the active inputs "
            "positively, activity below it negatively.",
        },
    )
    post: str = dc.field(
        default="population",
        metadata={
            "validators": [OneOfValidator("population", "unit")],
            "description": "Postsynaptic factor: the mean activity of the whole population ('population', "
            "shared by every unit) or each unit's own spikes ('unit').",
        },
    )
    excitatory_only: bool = dc.field(
        default=True,
        metadata={
            "validators": [TypeValidator],
            "description": "Only synapses of excitatory inputs (spikes +1) are plastic; inhibitory inputs "
            "(spikes -1) keep their weights.",
        },
    )


@register_module
class PopulationThreeFactorRule(LearningRule):
    r"""Neuromodulated plasticity gated by how far the population fires from a set point.

    Each synapse keeps an eligibility trace :math:`e_{ij}` that pairs a presynaptic trace :math:`x_j` with
    the deviation of the postsynaptic activity from the set point :math:`\rho_0` (``target_rate``); the
    third factor :math:`M` (reward, failure, dopamine: a scalar or one value per unit) turns the tags into
    weight changes. Continuous form:

    .. math::

        \frac{dx_j}{dt} = -\frac{x_j}{\tau_{pre}} + s_j(t), \qquad
        \frac{de_{ij}}{dt} = -\frac{e_{ij}}{\tau_e} + \big(\rho_i(t) - \rho_0\big)\, x_j(t^-), \qquad
        \frac{dw_{ij}}{dt} = \eta\, M_i(t)\, e_{ij}(t)

    where :math:`\rho_i` is the mean spike train of the whole population (``post='population'``: every
    unit shares it) or unit :math:`i`'s own spike train (``post='unit'``). With a negative :math:`M` after
    a failure, inputs that were active while the population fired above its set point are weakened and
    those active while it was held below are strengthened, so a population that competes with another
    learns to lose in the situations that preceded failures. Discrete update implemented (spikes
    :math:`s` and :math:`z` as 0/1 events per step, :math:`\rho_0` in spikes per step):

    .. math::

        \hat x = x[n-1]\, e^{-\Delta t/\tau_{pre}}, \qquad x[n] = \hat x + s[n], \qquad
        r_i[n] = \begin{cases} \frac{1}{N}\sum_k z_k[n] & \text{population} \\ z_i[n] & \text{unit}
        \end{cases}

    .. math::

        E[n] = E[n-1]\, e^{-\Delta t/\tau_e} + \big(r[n] - \rho_0 \Delta t\big)\, \hat x^\top, \qquad
        W[n] = \mathrm{clip}\big(W[n-1] + \eta\,\Delta t\, M[n]\, E[n],\; w_{min},\; w_{max}\big)

    With ``excitatory_only`` the presynaptic trace counts only ``+1`` spikes, so synapses from
    inhibitory inputs never become eligible; the bounds :math:`[w_{min}, w_{max}]` apply only to the
    synapses that change, so such fixed weights may lie outside them. Without modulation the traces
    evolve but the weights do not change.

    Args:
        pre_spikes: presynaptic ``SpikeArray`` (``pre`` entries).
        post_spikes: postsynaptic ``SpikeArray`` (``post`` entries).
        kernel: ``FloatArray`` ``(post, pre)``, the current weights.
        modulation: optional ``FloatArray``: a scalar or one value per postsynaptic unit.

    Returns:
        ``{'kernel': FloatArray}``: the updated weights, same shape and dtype.

    Examples:
        >>> import spark, jax.numpy as jnp
        >>> from spark.nn.learning_rules import PopulationThreeFactorRule
        >>> rule = PopulationThreeFactorRule(eta=1.0, target_rate=0.0, tau_pre=5.0)
        >>> w = spark.FloatArray(jnp.full((2, 1), 0.5))
        >>> on, off = spark.SpikeArray(jnp.ones(1)), spark.SpikeArray(jnp.zeros(1))
        >>> w = rule(pre_spikes=on, post_spikes=spark.SpikeArray(jnp.zeros(2)), kernel=w)['kernel']
        >>> w = rule(pre_spikes=off, post_spikes=spark.SpikeArray(jnp.ones(2)), kernel=w,
        ...          modulation=spark.FloatArray(jnp.array(-0.1)))['kernel']   # failure: weaken
        >>> [round(v, 4) for v in w.value[:, 0].tolist()]    # 0.5 - 0.1 * exp(-1/5)
        [0.4181, 0.4181]

    Reference:
        Frémaux N. & Gerstner W. (2016), Neuromodulated spike-timing-dependent plasticity, and theory of
        three-factor learning rules, *Front. Neural Circuits* 9:85, doi:10.3389/fncir.2015.00085;
        Barto A. G., Sutton R. S. & Anderson C. W. (1983), Neuronlike adaptive elements that can solve
        difficult learning control problems, *IEEE Trans. SMC* 13(5):834-846, doi:10.1109/TSMC.1983.6313077.
    """

    config: PopulationThreeFactorRuleConfig

    def _build_rule(self) -> None:
        cfg = self.config
        if len(self.pre_shape) != 1:
            raise ValueError(
                f"PopulationThreeFactorRule '{self.name}': needs one spike per presynaptic input, got pre_spikes "
                f"laid out like the kernel {self.pre_shape}; use synapses without per-synapse delays"
            )
        self.pre_decay = self._decay(cfg.tau_pre)
        self.eligibility_decay = self._decay(cfg.tau_e)
        self.pre_trace = self._trace(self.pre_shape)
        self.eligibility = self._trace(self.kernel_shape)

    def __call__(
        self,
        pre_spikes: SpikeArray,
        post_spikes: SpikeArray,
        kernel: FloatArray,
        modulation: FloatArray | None = None,
    ) -> LearningRuleOutput:
        cfg = self.config
        raw = jnp.asarray(pre_spikes.value).reshape(self.pre_shape).astype(self.work_dtype)
        s = jnp.maximum(raw, 0.0) if cfg.excitatory_only else jnp.abs(raw)
        z = self._post(post_spikes)
        rate = jnp.mean(z, keepdims=True) if cfg.post == "population" else z
        deviation = rate - cfg.target_rate * cfg.dt / 1000.0
        x = self.pre_trace.value * self.pre_decay.value
        e = self.eligibility.value * self.eligibility_decay.value + deviation[:, None] * x[None, :]
        self.pre_trace.value, self.eligibility.value = x + s, e
        if modulation is None:
            return {"kernel": FloatArray(kernel.value)}
        dw = (cfg.eta * cfg.dt) * self._modulation(modulation) * e
        w = jnp.asarray(kernel.value)
        new = jnp.clip(w.astype(self.work_dtype) + dw, cfg.w_min, cfg.w_max)
        # the bounds hold the plastic synapses only: weights the rule does not move (e.g. those of
        # inhibitory inputs with excitatory_only) keep their value, whatever its size
        new = jnp.where(dw != 0, new, w.astype(self.work_dtype))
        return {"kernel": FloatArray(new.astype(w.dtype))}
