"""``SparseConductanceSynapses``: event-driven COBA synapses with a fixed number of inputs per unit."""

from __future__ import annotations

import jax.numpy as jnp

from spark.core.payloads import PotentialArray, SpikeArray
from spark.core.registry import register_module
from spark.nn.initializers import InitializerConfig
from spark.nn.synapses._base import SynapsesOutput, kernel_initializer_field
from spark.nn.synapses._conductance import ConductanceChannels, ConductanceSynapsesConfig
from spark.nn.synapses._sparse import SparseSynapses, SparseSynapsesConfig, _gather_rows, sparse_currents

__all__ = ["SparseConductanceSynapses", "SparseConductanceSynapsesConfig"]


class SparseConductanceSynapsesConfig(ConductanceSynapsesConfig, SparseSynapsesConfig):
    """Configuration of :class:`SparseConductanceSynapses`: the conductance fields and the sparse ones."""

    kernel_initializer: InitializerConfig = kernel_initializer_field(0.15)


@register_module
class SparseConductanceSynapses(ConductanceChannels, SparseSynapses):
    r"""Conductance-based synapses on sparse, fixed in-degree connectivity, driven by spike events.

    The model of :class:`ConductanceSynapses` (excitatory and inhibitory conductances that decay
    exponentially, reversal potentials :math:`E_e`, :math:`E_i`) on the connectivity of
    :class:`SparseSynapses` (each unit has :math:`K` random inputs :math:`c_{i1} \dots c_{iK}` with
    weight magnitudes :math:`w_{ik} \ge 0`, ``kernel`` of shape ``(post, K)``):

    .. math::

        g^e_i[n] = \min\big(g^e_i[n-1]\,e^{-\Delta t/\tau_e} + \textstyle\sum_k w_{ik} [s_{c_{ik}}[n]]_+,\; g_{max}\big)

    .. math::

        g^i_i[n] = \min\big(g^i_i[n-1]\,e^{-\Delta t/\tau_i} + \textstyle\sum_k w_{ik} [-s_{c_{ik}}[n]]_+,\; g_{max}\big)

    .. math::

        I_i[n] = g^e_i[n]\,(E_e - v_i[n]) + g^i_i[n]\,(E_i - v_i[n])

    The sums are computed from the spikes' side, as in :class:`SparseSynapses`: the outgoing synapses
    of this step's spiking inputs are gathered and added to the conductance of their targets, routed
    by the sign of the spike (the same event buffers, the same exact fallback when more inputs spike
    than the largest buffer holds). A step costs :math:`O(n_{active} D + n_{post})` instead of the
    :math:`O(n_{post} n_{pre})` of the dense model, which is what makes large networks with low
    rates (the COBA benchmark: 4000 units, 80 inputs each, about 1 spike per unit every 50 ms) cheap.

    Args:
        spikes: ``SpikeArray`` of any shape (flattened to ``pre``; excitatory spikes positive,
            inhibitory ones negative), or ``(post, pre)`` per-synapse spikes.
        potential: optional ``PotentialArray`` of shape ``config.units`` (mV); ``config.v_rest`` if absent.

    Returns:
        ``{'currents': CurrentArray}`` of shape ``config.units`` (a voltage drive, mV).

    Examples:
        >>> import spark, jax.numpy as jnp
        >>> syn = spark.nn.synapses.SparseConductanceSynapses(units=(2,), in_degree=3, seed=0)
        >>> syn.build_from_specs({'spikes': spark.InputSpec(spark.SpikeArray, (4,))})['currents'].shape
        (2,)
        >>> syn.get_kernel().shape, syn.conductance.value.shape
        ((2, 3), (2, 2))

    Reference:
        Brette R. et al. (2007), Simulation of networks of spiking neurons: a review of tools and
        strategies, *J. Comput. Neurosci.* 23:349-398, doi:10.1007/s10827-007-0038-6 (COBA benchmark,
        event-driven propagation).
    """

    config: SparseConductanceSynapsesConfig

    def _build_synapses(self, pre: int) -> None:
        super()._build_synapses(pre)
        self._build_conductances()

    def __call__(self, spikes: SpikeArray, potential: PotentialArray | None = None) -> SynapsesOutput:
        dtype = self.kernel.value.dtype
        if self.per_synapse:
            seen = self.kernel_pre_spikes(spikes).value.astype(dtype)
            channels = jnp.stack([jnp.maximum(seen, 0), jnp.maximum(-seen, 0)], axis=-1)
            drive = _gather_rows(self.kernel.value, channels)
        else:
            s = jnp.asarray(spikes.value, dtype).reshape(self.pre_size)
            drive = sparse_currents(
                s, self.kernel.value, self.indices.value, self.out_synapses.value,
                sizes=self.event_buffer_sizes, split_signs=True,
            )
        return {"currents": self._to_units(self._conduct(drive, potential))}
