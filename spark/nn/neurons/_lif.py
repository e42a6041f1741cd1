"""LIF neuron: leaky integrate-and-fire somas behind current-based synapses."""

from __future__ import annotations

import dataclasses as dc

from spark.core.registry import register_module
from spark.nn.neurons._base import Neuron, NeuronConfig, default_synapses, nested
from spark.nn.somas import LIFSomaConfig, SomaConfig
from spark.nn.synapses import SynapsesConfig

__all__ = ["LIFNeuron", "LIFNeuronConfig"]


class LIFNeuronConfig(NeuronConfig):
    """Configuration of :class:`LIFNeuron` (defaults: LIF soma, traced synapses, no delays)."""

    soma: SomaConfig = dc.field(
        default_factory=nested(LIFSomaConfig, inhibitory_rate=0.5),
        metadata={"description": "The soma model (default: LIFSomaConfig with 50% inhibitory units)."},
    )
    synapses: SynapsesConfig = dc.field(
        default_factory=lambda: default_synapses(gain=650.0),
        metadata={"description": "The synapse model (default: TracedSynapsesConfig, fan-in scaled weights)."},
    )


@register_module
class LIFNeuron(Neuron):
    r"""A population of leaky integrate-and-fire neurons (:class:`~spark.nn.somas.LIFSoma`).

    One step, for postsynaptic neuron :math:`i` and input :math:`j` (see :class:`Neuron`):

    .. math::
        I_i[n] &= I_i[n-1]\, e^{-\Delta t/\tau_{syn}} + \sum_j w_{ij}\, s_j[n - d_{ij}] \\
        \tilde v_i[n] &= v_{rest} + (v_i[n-1] - v_{rest})\, e^{-\Delta t/\tau_{mem}}
            + R\, I_i[n]\,(1 - e^{-\Delta t/\tau_{mem}}) \\
        z_i[n] &= [\text{not refractory} \wedge \tilde v_i[n] \ge v_{th}], \qquad
        v_i[n] = v_{reset} \text{ if } z_i[n]

    (:math:`d_{ij} = 0` without delays; refractoriness as in :class:`~spark.nn.somas.LIFSoma`).
    Output spikes are :math:`\pm z_i` (:math:`-1` for the inhibitory fraction). Without adaptation a
    recurrent LIF pool whose recurrence is mostly excitatory runs up to the refractory limit, so the
    default population is balanced: half of the units are inhibitory.

    Args:
        in_spikes: :class:`spark.SpikeArray` of any shape (flattened to ``pre`` inputs).
        modulation: optional :class:`spark.FloatArray` passed to the learning rule.

    Returns:
        ``{'out_spikes': SpikeArray, 'potential': PotentialArray}`` of shape ``units``.

    Examples:
        >>> import jax.numpy as jnp, spark
        >>> pop = spark.nn.neurons.LIFNeuron(units=(8,), seed=0)
        >>> out = pop(in_spikes=spark.SpikeArray(jnp.zeros((3, 4))))
        >>> out['out_spikes'].shape, float(abs(out['out_spikes'].value).sum())
        ((8,), 0.0)

    Reference:
        Gerstner, Kistler, Naud & Paninski, *Neuronal Dynamics* (2014), ch. 1.3,
        https://neuronaldynamics.epfl.ch/online/Ch1.S3.html
    """

    config: LIFNeuronConfig
