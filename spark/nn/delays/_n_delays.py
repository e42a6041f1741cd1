"""One delay per presynaptic neuron."""

from __future__ import annotations

import jax
import jax.numpy as jnp

from spark.core.registry import register_module
from spark.nn.delays._base import Delays, DelaysConfig

__all__ = ["NDelays", "NDelaysConfig"]


class NDelaysConfig(DelaysConfig):
    """Configuration of :class:`NDelays` (``max_delay``, ``min_delay``, ``delay_steps``)."""


@register_module
class NDelays(Delays):
    r"""One transmission delay per presynaptic neuron: all its synapses see its spike at the same time.

    With :math:`d_j \in \{0, \dots, D\}` the delay (steps) of input :math:`j` and :math:`D` =
    ``max_delay``, the output is

    .. math:: y_j(t) = s_j(t - d_j\,\Delta t) \qquad\text{i.e.}\qquad y_j[n] = s_j[n - d_j]

    (zero before the first spikes arrive). Implemented with a circular buffer :math:`B` of
    :math:`D + 1` rows and a write pointer :math:`p`:
    :math:`p_{n} = (p_{n-1} + 1) \bmod (D+1)`, :math:`B[p_n] = s[n]`,
    :math:`y_j[n] = B[(p_n - d_j) \bmod (D+1),\, j]`.

    Args:
        in_spikes: :class:`spark.SpikeArray` of any shape (flattened; ``pre = prod(shape)``).

    Returns:
        ``{'out_spikes': SpikeArray}`` of the input's shape, in ``config.dtype``; signs are kept.

    Examples:
        >>> import jax.numpy as jnp, spark
        >>> d = spark.nn.delays.NDelays(max_delay=3, delay_steps=2)
        >>> [d(in_spikes=spark.SpikeArray(jnp.array([float(n == 0)])))['out_spikes'].value.tolist()
        ...  for n in range(4)]
        [[0.0], [0.0], [1.0], [0.0]]

    Reference:
        Izhikevich, "Polychronization: computation with spikes", Neural Comput. 18(2), 2006,
        https://doi.org/10.1162/089976606775093882
    """

    config: NDelaysConfig

    def _delay_shape(self, pre: int) -> tuple[int, ...]:
        return (pre,)

    def _read(self, buffer: jax.Array, slot: jax.Array) -> jax.Array:
        length = buffer.shape[0]
        rows = (slot - self.delays.value) % length
        out = buffer[rows, jnp.arange(self.pre_size)]
        return out.reshape(self.in_shape)
