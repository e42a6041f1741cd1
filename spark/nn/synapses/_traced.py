"""``TracedSynapses``: current-based synapses with an exponentially decaying current."""

from __future__ import annotations

import dataclasses as dc

import jax.numpy as jnp
import numpy as np

from spark.core.payloads import SpikeArray
from spark.core.registry import register_module
from spark.core.validation import PositiveValidator, TypeValidator
from spark.core.variables import Constant, Variable
from spark.nn.initializers import InitializerConfig
from spark.nn.synapses._base import (
    Synapses,
    SynapsesConfig,
    SynapsesOutput,
    kernel_initializer_field,
    state_dtype,
)

__all__ = ["TracedSynapses", "TracedSynapsesConfig"]


class TracedSynapsesConfig(SynapsesConfig):
    """Configuration of :class:`TracedSynapses`."""

    tau_syn: float = dc.field(
        default=5.0,
        metadata={
            "units": "ms",
            "validators": [TypeValidator, PositiveValidator],
            "description": "Decay time constant of the synaptic current (a scalar or one per postsynaptic unit).",
        },
    )
    kernel_initializer: InitializerConfig = kernel_initializer_field(8.8)


@register_module
class TracedSynapses(Synapses):
    r"""Current-based synapses whose current jumps at each spike and decays exponentially.

    Continuous form, with :math:`s_j(t) = \sum_f \delta(t - t_j^f)` the (signed) spike train of
    input :math:`j` and :math:`w_{ij} \ge 0` the weight magnitudes:

    .. math::

        \frac{dI_i}{dt} = -\frac{I_i}{\tau_{syn}} + \sum_j w_{ij}\, s_j(t)

    Discrete update implemented (exact between spikes, spikes arriving at the end of the step):

    .. math::

        I_i[n] = I_i[n-1]\, e^{-\Delta t / \tau_{syn}} + \sum_j w_{ij}\, s_j[n]

    so a single spike produces :math:`I_i[n_0 + k] = w_{ij} e^{-k \Delta t/\tau_{syn}}` and carries a
    total charge of about :math:`w_{ij}\tau_{syn}`. The current is state (``self.current``), reset by
    ``reset()``.

    Args:
        spikes: ``SpikeArray`` of any shape (flattened to ``pre``), or ``(post, pre)`` per-synapse spikes.

    Returns:
        ``{'currents': CurrentArray}`` of shape ``config.units`` in ``config.dtype``.

    Examples:
        >>> import spark, jax.numpy as jnp
        >>> syn = spark.nn.synapses.TracedSynapses(units=(1,), tau_syn=10.0, seed=0)
        >>> first = syn(spikes=spark.SpikeArray(jnp.ones(1)))['currents'].value
        >>> later = syn(spikes=spark.SpikeArray(jnp.zeros(1)))['currents'].value
        >>> round(float(later[0] / first[0]), 4)  # exp(-1 / 10)
        0.9048

    Reference:
        Dayan P. & Abbott L. F. (2001), *Theoretical Neuroscience*, MIT Press, ch. 5.8 (synaptic
        conductances with exponential decay); Rotter S. & Diesmann M. (1999), Exact digital simulation
        of time-invariant linear systems, *Biol. Cybern.* 81:381-402, doi:10.1007/s004220050570.
    """

    config: TracedSynapsesConfig

    def _build_synapses(self, pre: int) -> None:
        work = state_dtype(self.config.dtype)
        self.kernel = self._init_kernel((self.post_size, pre))
        tau = np.broadcast_to(np.asarray(self.config.tau_syn, dtype=np.float64), self.config.units)
        self.decay = Constant(jnp.asarray(np.exp(-float(self.config.dt) / tau).reshape(-1), work))
        self.current = Variable(jnp.zeros((self.post_size,), work))

    def __call__(self, spikes: SpikeArray) -> SynapsesOutput:
        drive = self._contract(self.kernel.value, self._spikes(spikes))
        current = self.current.value * self.decay.value + drive.astype(self.current.value.dtype)
        self.current.value = current
        return {"currents": self._to_units(current)}
