"""ALIF neuron: adaptive-threshold somas behind current-based synapses."""

from __future__ import annotations

import dataclasses as dc

from spark.core.registry import register_module
from spark.nn.neurons._base import Neuron, NeuronConfig, default_synapses, nested
from spark.nn.somas import ALIFSomaConfig, SomaConfig
from spark.nn.synapses import SynapsesConfig

__all__ = ["ALIFNeuron", "ALIFNeuronConfig"]


class ALIFNeuronConfig(NeuronConfig):
    """Configuration of :class:`ALIFNeuron` (defaults: ALIF soma, traced synapses, no delays)."""

    soma: SomaConfig = dc.field(
        default_factory=nested(ALIFSomaConfig, inhibitory_rate=0.2),
        metadata={"description": "The soma model (default: ALIFSomaConfig with 20% inhibitory units)."},
    )
    synapses: SynapsesConfig = dc.field(
        default_factory=default_synapses,
        metadata={"description": "The synapse model (default: TracedSynapsesConfig, fan-in scaled weights)."},
    )


@register_module
class ALIFNeuron(Neuron):
    r"""A population of adaptive leaky integrate-and-fire neurons (:class:`~spark.nn.somas.ALIFSoma`).

    One step, for postsynaptic neuron :math:`i` and input :math:`j` (see :class:`Neuron`):

    .. math::
        I_i[n] &= I_i[n-1]\, e^{-\Delta t/\tau_{syn}} + \sum_j w_{ij}\, s_j[n - d_{ij}] \\
        \tilde v_i[n] &= v_{rest} + (v_i[n-1] - v_{rest})\, e^{-\Delta t/\tau_{mem}}
            + R\, I_i[n]\,(1 - e^{-\Delta t/\tau_{mem}}) \\
        z_i[n] &= [\text{not refractory} \wedge \tilde v_i[n] \ge v_{th} + \beta a_i[n-1]], \qquad
        v_i[n] = v_{reset} \text{ if } z_i[n] \\
        a_i[n] &= e^{-\Delta t/\tau_{adapt}}\, (a_i[n-1] + z_i[n])

    (:math:`d_{ij} = 0` without delays). Output spikes are :math:`\pm z_i` (:math:`-1` for the
    inhibitory fraction, 20% by default), so the population can feed itself in a brain.

    Defaults (``units``, ``dt`` and ``dtype`` apply to every part) are chosen so that a recurrent pool
    of a few hundred units driven by a few hundred 0-200 Hz inputs fires at a few to tens of Hz
    without tuning: weights are drawn uniform in :math:`[0, 2\bar w)` with :math:`\bar w \propto
    1/n_{in}`, and threshold adaptation caps the rate.

    Args:
        in_spikes: :class:`spark.SpikeArray` of any shape (flattened to ``pre`` inputs).
        modulation: optional :class:`spark.FloatArray` passed to the learning rule.

    Returns:
        ``{'out_spikes': SpikeArray, 'potential': PotentialArray}`` of shape ``units``.

    Examples:
        >>> import jax.numpy as jnp, spark
        >>> pool = spark.nn.neurons.ALIFNeuron(_s_units=(32,), seed=0)
        >>> out = pool(in_spikes=spark.SpikeArray(jnp.ones((64,))))
        >>> out['out_spikes'].shape, out['potential'].shape
        ((32,), (32,))

    Reference:
        Bellec, Salaj, Subramoney, Legenstein & Maass, "Long short-term memory and learning-to-learn in
        networks of spiking neurons", NeurIPS 2018, https://arxiv.org/abs/1803.09574
    """

    config: ALIFNeuronConfig
