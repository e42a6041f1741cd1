"""One delay per synapse: a (post, pre) matrix of delayed spikes."""

from __future__ import annotations

import dataclasses as dc

import jax
import jax.numpy as jnp
import numpy as np

from spark.core.payloads import SparkPayload, SpikeArray
from spark.core.registry import register_module
from spark.core.validation import ShapeValidator
from spark.nn.delays._base import Delays, DelaysConfig

__all__ = ["NMDelays", "NMDelaysConfig"]


class NMDelaysConfig(DelaysConfig):
    """Configuration of :class:`NMDelays`: the delay fields plus the postsynaptic ``units``."""

    units: tuple[int, ...] = dc.field(
        default=(8,),
        metadata={
            "validators": [ShapeValidator],
            "description": "Shape of the postsynaptic population (one delay per (post, pre) pair).",
        },
    )


@register_module
class NMDelays(Delays):
    r"""One transmission delay per synapse: each target sees a presynaptic spike at its own time.

    With :math:`d_{ij} \in \{0, \dots, D\}` the delay (steps) of the synapse from input :math:`j` onto
    postsynaptic unit :math:`i` (``N = prod(units)`` of them) and :math:`D` = ``max_delay``:

    .. math:: Y_{ij}(t) = s_j(t - d_{ij}\,\Delta t) \qquad\text{i.e.}\qquad Y_{ij}[n] = s_j[n - d_{ij}]

    Implemented with a circular buffer of :math:`D + 1` rows of presynaptic spikes (memory
    :math:`(D+1) \times` ``pre``, not per synapse) and a gather of shape ``(N, pre)`` per step:
    :math:`Y_{ij}[n] = B[(p_n - d_{ij}) \bmod (D+1),\, j]`.

    The output is the ``(N, pre)`` **per-synapse spike matrix**: synapses contract it row by row with
    their ``(post, pre)`` kernel, :math:`I_i = \sum_j w_{ij} Y_{ij}` (``spike_layout='per_synapse'``).

    Args:
        in_spikes: :class:`spark.SpikeArray` of any shape (flattened; ``pre = prod(shape)``).

    Returns:
        ``{'out_spikes': SpikeArray}`` of shape ``(prod(units), pre)``, in ``config.dtype``; signs kept.

    Examples:
        >>> import jax.numpy as jnp, numpy as np, spark
        >>> d = spark.nn.delays.NMDelays(units=(2,), max_delay=2, delay_steps=np.array([[1], [2]]))
        >>> [d(in_spikes=spark.SpikeArray(jnp.array([float(n == 0)])))['out_spikes'].value[:, 0].tolist()
        ...  for n in range(3)]
        [[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]]

    Reference:
        Izhikevich, "Polychronization: computation with spikes", Neural Comput. 18(2), 2006,
        https://doi.org/10.1162/089976606775093882
    """

    config: NMDelaysConfig

    @classmethod
    def example_inputs(cls, config: NMDelaysConfig | None = None) -> dict[str, SparkPayload]:
        dtype = np.dtype(getattr(config, "dtype", np.float32))
        return {"in_spikes": SpikeArray(jnp.array([1, 0, -1, 0], dtype))}

    def _delay_shape(self, pre: int) -> tuple[int, ...]:
        return (int(np.prod(self.config.units, dtype=np.int64)), pre)

    def _read(self, buffer: jax.Array, slot: jax.Array) -> jax.Array:
        length = buffer.shape[0]
        rows = (slot - self.delays.value) % length
        return buffer[rows, jnp.arange(self.pre_size)[None, :]]
