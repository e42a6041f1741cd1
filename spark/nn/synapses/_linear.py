"""``LinearSynapses``: dense, instantaneous (delta) synapses."""

from __future__ import annotations

from spark.core.payloads import SpikeArray
from spark.core.registry import register_module
from spark.nn.synapses._base import Synapses, SynapsesConfig, SynapsesOutput

__all__ = ["LinearSynapses", "LinearSynapsesConfig"]


class LinearSynapsesConfig(SynapsesConfig):
    """Configuration of :class:`LinearSynapses` (``units``, ``kernel_initializer``, ``spike_layout``)."""


@register_module
class LinearSynapses(Synapses):
    r"""Dense delta synapses: each presynaptic spike delivers its weight as a charge.

    Continuous form, with :math:`s_j(t) = \sum_f \delta(t - t_j^f)` the spike train of input :math:`j`
    (signed: :math:`-1` for an inhibitory neuron) and :math:`w_{ij} \ge 0` the weight magnitudes
    (charges, nA·ms):

    .. math::

        I_i(t) = \sum_j w_{ij} \, s_j(t)

    Discrete update implemented (one matrix-vector product per step): a spike in step :math:`n` is a
    pulse of height :math:`1/\Delta t` lasting one step, so the charge it delivers does not depend on
    :math:`\Delta t`:

    .. math::

        I[n] = \frac{1}{\Delta t}\, W s[n], \qquad I_i[n] = \frac{1}{\Delta t}\sum_j w_{ij}\, s_j[n]

    With per-synapse spikes :math:`S_{ij}[n]` (``(post, pre)``, from per-synapse delays) the
    contraction runs row by row: :math:`I_i[n] = \frac{1}{\Delta t}\sum_j w_{ij} S_{ij}[n]`.

    Args:
        spikes: ``SpikeArray`` of any shape (flattened to ``pre``), or ``(post, pre)`` per-synapse spikes.

    Returns:
        ``{'currents': CurrentArray}`` of shape ``config.units`` in ``config.dtype``.

    Examples:
        >>> import spark, jax.numpy as jnp
        >>> syn = spark.nn.synapses.LinearSynapses(units=(2,), seed=0)
        >>> out = syn(spikes=spark.SpikeArray(jnp.array([1.0, 0.0, -1.0])))
        >>> syn.get_kernel().shape, out['currents'].shape
        ((2, 3), (2,))

    Reference:
        Gerstner W., Kistler W. M., Naud R. & Paninski L. (2014), *Neuronal Dynamics*, Cambridge
        University Press, ch. 3.1 (synaptic input as a sum of weighted spike trains).
    """

    config: LinearSynapsesConfig

    def _build_synapses(self, pre: int) -> None:
        self.kernel = self._init_kernel((self.post_size, pre))

    def __call__(self, spikes: SpikeArray) -> SynapsesOutput:
        drive = self._contract(self.kernel.value, self._spikes(spikes))
        return {"currents": self._to_units(drive * (1.0 / float(self.config.dt)))}
