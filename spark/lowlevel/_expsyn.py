"""``ExpSynJax``: exponential synaptic filters, one per channel."""

from __future__ import annotations

import jax
import jax.numpy as jnp

from spark.lowlevel._init import zeros
from spark.lowlevel._module import Module, broadcast_batch
from spark.lowlevel._parameters import Parameter, SimulationParameter, State

__all__ = ["ExpSynJax", "ExpSyn"]


class ExpSynJax(Module):
    r"""Exponential synapses: each input channel is low-pass filtered by its own current :math:`I`.

    Continuous dynamics, input events :math:`X` added instantaneously:
    :math:`\tau \dot I = -I + X(t)`. Discrete update implemented (exact decay,
    :math:`\beta = e^{-dt/\tau}` computed once per call):

    .. math::

        I_t = \beta \odot I_{t-1} + X_t, \qquad y_t = I_t

    Args:
        shape: ``N`` (channels in = channels out).
        tau: synaptic time constant(s) in seconds, shape ``(N,)`` (scalar broadcast).
        dt: time step in seconds.

    State: ``isyn (N,)``. Recorded with ``record=True``: nothing beyond the output (``{}``).

    Examples:
        >>> import numpy as np
        >>> from spark.lowlevel import ExpSynJax
        >>> syn = ExpSynJax(1, tau=0.001 / np.log(2))  # beta = 1/2
        >>> np.asarray(syn(np.array([[1.0], [0.0], [0.0]]))[0], dtype=float).ravel().round(6).tolist()
        [1.0, 0.5, 0.25]
    """

    def __init__(
        self,
        shape,
        tau=0.05,
        dt: float = 1e-3,
        spiking_input: bool = True,
        spiking_output: bool = False,
        *args,
        **kwargs,
    ):
        shape = (shape,) if isinstance(shape, int) else tuple(shape)
        if not 1 <= len(shape) <= 2 or shape[0] != shape[-1]:
            raise ValueError(f"ExpSynJax: shape must be N (or (N, N)), got {shape}")
        super().__init__(shape, spiking_input, spiking_output, *args, **kwargs)
        n = shape[-1]
        self.tau = Parameter(tau, family="taus", shape=(n,))
        self.dt = SimulationParameter(dt)
        self.isyn = State(shape=(n,), init_func=zeros)

    def evolve(self, input_data, record: bool = False, *args, **kwargs):
        """Filter ``(T, N)`` or ``(B, T, N)`` input; returns ``(currents, new_state, {})``."""
        self._check_batch(input_data, ("isyn",))
        return _evolve(self.tau[...], self.dt[...], self.isyn[...], input_data)


@jax.jit
def _evolve(tau, dt, isyn, input_data):
    x, states, batched = broadcast_batch(input_data, {"isyn": isyn}, {"isyn": tau.shape})
    beta = jnp.exp(-dt / tau)

    def step(i, x_t):
        i = beta * i + x_t
        return i, i

    isyn, ys = jax.lax.scan(step, states["isyn"], jnp.swapaxes(x, 0, 1))
    return jnp.swapaxes(ys, 0, 1), {"isyn": isyn if batched else isyn[0]}, {}


class ExpSyn(ExpSynJax):
    """Same implementation as :class:`ExpSynJax` under Rockpool's backend-neutral name (no separate NumPy backend)."""
