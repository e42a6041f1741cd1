"""AdEx neuron: adaptive exponential integrate-and-fire somas behind current-based synapses."""

from __future__ import annotations

import dataclasses as dc

from spark.core.registry import register_module
from spark.nn.neurons._base import Neuron, NeuronConfig, default_synapses, nested
from spark.nn.somas import AdExSomaConfig, SomaConfig
from spark.nn.synapses import SynapsesConfig

__all__ = ["AdExNeuron", "AdExNeuronConfig"]


class AdExNeuronConfig(NeuronConfig):
    """Configuration of :class:`AdExNeuron` (defaults: AdEx soma, traced synapses, no delays)."""

    soma: SomaConfig = dc.field(
        default_factory=nested(AdExSomaConfig, inhibitory_rate=0.2),
        metadata={"description": "The soma model (default: AdExSomaConfig with 20% inhibitory units)."},
    )
    synapses: SynapsesConfig = dc.field(
        default_factory=default_synapses,
        metadata={"description": "The synapse model (default: TracedSynapsesConfig, fan-in scaled weights)."},
    )


@register_module
class AdExNeuron(Neuron):
    r"""A population of adaptive exponential integrate-and-fire neurons (:class:`~spark.nn.somas.AdExSoma`).

    One step, for postsynaptic neuron :math:`i` and input :math:`j` (see :class:`Neuron`), with
    :math:`\alpha = e^{-\Delta t/\tau_{mem}}` and :math:`\rho = e^{-\Delta t/\tau_w}`:

    .. math::
        I_i[n] &= I_i[n-1]\, e^{-\Delta t/\tau_{syn}} + \sum_j w_{ij}\, s_j[n - d_{ij}] \\
        \tilde v_i[n] &= v_{rest} + (v_i[n-1] - v_{rest})\,\alpha
            + \big(\Delta_T e^{(v_i[n-1] - v_T)/\Delta_T} + R (I_i[n] - w_i[n-1])\big)(1 - \alpha) \\
        z_i[n] &= [\text{not refractory} \wedge \tilde v_i[n] \ge v_{th}], \qquad
        v_i[n] = v_{reset} \text{ if } z_i[n] \\
        w_i[n] &= \rho\, w_i[n-1] + a (v_i[n-1] - v_{rest})(1 - \rho) + b\, z_i[n]

    Output spikes are :math:`\pm z_i` (:math:`-1` for the inhibitory fraction, 20% by default).

    Args:
        in_spikes: :class:`spark.SpikeArray` of any shape (flattened to ``pre`` inputs).
        modulation: optional :class:`spark.FloatArray` passed to the learning rule.

    Returns:
        ``{'out_spikes': SpikeArray, 'potential': PotentialArray}`` of shape ``units``.

    Examples:
        >>> import jax.numpy as jnp, spark
        >>> pop = spark.nn.neurons.AdExNeuron(units=(4,), seed=0)
        >>> pop(in_spikes=spark.SpikeArray(jnp.ones((10,))))['potential'].shape
        (4,)

    Reference:
        Brette & Gerstner, "Adaptive exponential integrate-and-fire model as an effective description
        of neuronal activity", J. Neurophysiol. 94(5), 2005, https://doi.org/10.1152/jn.00686.2005
    """

    config: AdExNeuronConfig
