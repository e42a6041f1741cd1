"""Multi-spike threshold function with a surrogate gradient.

Forward, the number of spikes emitted in one time step by a neuron whose membrane potential is ``v``
and threshold ``θ`` is

.. math::

    S = \\min\\bigl(\\max(\\lfloor v / θ \\rfloor, 0),\\ S_{max}\\bigr)

(``floor`` of the scaled potential, clipped to ``[0, max_spikes_per_dt]``). Its true derivative is zero
almost everywhere, so gradients use a *fast-sigmoid* surrogate centred on the threshold:

.. math::

    \\frac{\\partial S}{\\partial x} \\approx \\frac{1}{(1 + k\\,|x - 1|)^2}, \\qquad x = v / θ,\\ k = 5.

It is implemented with :func:`jax.custom_jvp`, so it works with forward- and reverse-mode
differentiation. Reference: F. Zenke & S. Ganguli, "SuperSpike", Neural Computation 30 (2018),
doi:10.1162/neco_a_01086.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp

__all__ = ["spike_count", "SURROGATE_SLOPE"]

SURROGATE_SLOPE = 5.0
"""Slope ``k`` of the fast-sigmoid surrogate derivative."""


@jax.custom_jvp
def spike_count(x: jax.Array, max_spikes: jax.Array) -> jax.Array:
    """Spikes per step for a potential scaled by its threshold (``x = v / θ``); see the module docstring."""
    return jnp.clip(jnp.floor(x), 0.0, max_spikes)


@spike_count.defjvp
def _spike_count_jvp(primals, tangents):
    x, max_spikes = primals
    x_dot, _ = tangents
    surrogate = 1.0 / (1.0 + SURROGATE_SLOPE * jnp.abs(x - 1.0)) ** 2
    return spike_count(x, max_spikes), surrogate * x_dot
