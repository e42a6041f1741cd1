"""``RateJax``: leaky rate neurons with a rectified output, integrated by forward Euler."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import jax
import jax.numpy as jnp

from spark.lowlevel._init import kaiming, new_rng_key, zeros
from spark.lowlevel._module import Module, broadcast_batch
from spark.lowlevel._parameters import Parameter, SimulationParameter, State

__all__ = ["RateJax", "Rate"]

_ACTIVATIONS: dict[str, Callable] = {"relu": jax.nn.relu, "tanh": jnp.tanh, "sigmoid": jax.nn.sigmoid}


class RateJax(Module):
    r"""Leaky rate neurons, :math:`y = \phi(x - \theta)` with :math:`\phi = \mathrm{relu}` by default.

    Continuous dynamics of the internal state :math:`x` for input :math:`u`:

    .. math::

        \tau \dot x = -x + b + u(t) + \phi(x - \theta) W_{rec} + \sigma \xi(t)

    Discrete update implemented (forward Euler, :math:`\lambda = dt / \tau` computed once per call):

    .. math::

        r_t &= \phi(x_{t-1} - \theta)\, W_{rec} \\
        x_t &= x_{t-1} + \lambda \odot (-x_{t-1} + b + u_t + r_t + \sigma \xi_t) \\
        y_t &= \phi(x_t - \theta)

    The recurrent term exists only with ``has_rec=True`` (or ``w_rec`` given); the noise term
    (:math:`\xi_t \sim \mathcal N(0,1)`) only when ``noise_std > 0`` at construction, and then the module
    owns an ``rng_key`` state. Forward Euler is stable for ``dt < 2 tau``.

    Args:
        shape: ``N`` (or ``(N, N)``).
        tau: time constant(s) in seconds, shape ``(N,)`` (scalar broadcast).
        bias: constant input, shape ``(N,)``.
        threshold: activation threshold :math:`\theta`, shape ``(N,)``.
        has_rec: add recurrent weights ``w_rec`` of shape ``(N, N)``.
        w_rec: initial recurrent weights (implies ``has_rec=True``).
        weight_init_func: ``f(shape)`` for ``w_rec`` when not given (Kaiming normal).
        activation_func: ``"relu"`` (default), ``"tanh"``, ``"sigmoid"`` or a JAX-traceable callable.
        noise_std: :math:`\sigma`, standard deviation of the input noise; ``0`` disables it.
        dt: time step in seconds.
        rng_seed: seed of the noise key (drawn from NumPy's global generator when ``None``).

    State: ``x (N,)`` (+ ``rng_key`` with noise). Recorded with ``record=True``: ``x`` (+ ``rec_input``).

    Examples:
        >>> import numpy as np
        >>> from spark.lowlevel import RateJax
        >>> mod = RateJax(3, tau=0.01, bias=1.0)
        >>> y, state, _ = mod(np.zeros((2, 3)))
        >>> np.asarray(state["x"], dtype=float).round(4).tolist()  # x_t = 0.9 x_{t-1} + 0.1
        [0.19, 0.19, 0.19]
    """

    def __init__(
        self,
        shape,
        tau=0.02,
        bias=0.0,
        threshold=0.0,
        has_rec: bool = False,
        w_rec=None,
        weight_init_func=kaiming,
        activation_func: str | Callable = "relu",
        noise_std: float = 0.0,
        dt: float = 1e-3,
        rng_seed: int | None = None,
        spiking_input: bool = False,
        spiking_output: bool = False,
        *args,
        **kwargs,
    ):
        shape = (shape,) if isinstance(shape, int) else tuple(shape)
        if not 1 <= len(shape) <= 2 or shape[0] != shape[-1]:
            raise ValueError(f"RateJax: shape must be N or (N, N), got {shape}")
        super().__init__(shape, spiking_input, spiking_output, *args, **kwargs)
        n = shape[-1]
        if isinstance(activation_func, str):
            if activation_func not in _ACTIVATIONS:
                raise ValueError(
                    f"RateJax: unknown activation_func {activation_func!r}; use one of "
                    f"{sorted(_ACTIVATIONS)} or a callable"
                )
            activation_func = _ACTIVATIONS[activation_func]
        self._activation = activation_func
        self._has_rec = bool(has_rec or w_rec is not None)
        self._noisy = float(noise_std) != 0.0

        self.tau = Parameter(tau, family="taus", shape=(n,))
        self.bias = Parameter(bias, family="bias", shape=(n,))
        self.threshold = Parameter(threshold, family="thresholds", shape=(n,))
        if self._has_rec:
            self.w_rec = Parameter(w_rec, family="weights", init_func=weight_init_func, shape=(n, n))

        self.dt = SimulationParameter(dt)
        self.noise_std = SimulationParameter(noise_std)

        self.x = State(shape=(n,), init_func=zeros)
        if self._noisy:
            self.rng_key = State(new_rng_key(rng_seed))

    def evolve(self, input_data, record: bool = False, *args, **kwargs):
        """Evolve over ``(T, N)`` or ``(B, T, N)`` input; returns ``(output, new_state, recorded)``."""
        self._check_batch(input_data, ("x",))
        params = {k: getattr(self, k)[...] for k in ("tau", "bias", "threshold", "dt", "noise_std")}
        if self._has_rec:
            params["w_rec"] = self.w_rec[...]
        if self._noisy:
            params["rng_key"] = self.rng_key[...]
        return _evolve(params, self.x[...], input_data, phi=self._activation, record=bool(record))


@partial(jax.jit, static_argnames=("phi", "record"))
def _evolve(params: dict, x0, input_data, *, phi: Callable, record: bool):
    """The compiled update: arrays in, arrays out (shared by every module of the same configuration)."""
    n = params["tau"].shape[0]
    u, states, batched = broadcast_batch(input_data, {"x": x0}, {"x": (n,)})
    lam = params["dt"] / params["tau"]
    keep = 1.0 - lam
    lam_bias = lam * params["bias"]
    threshold = params["threshold"]
    us = jnp.swapaxes(u, 0, 1)  # time-major (T, B, N)
    new_state = {}
    if "rng_key" in params:
        key, sub = jax.random.split(params["rng_key"])
        us = us + params["noise_std"] * jax.random.normal(sub, us.shape, us.dtype)
        new_state["rng_key"] = key
    w_rec = params.get("w_rec")

    def step(x, u_t):
        out = {}
        if w_rec is not None:
            r = phi(x - threshold) @ w_rec
            u_t = u_t + r
            if record:
                out["rec_input"] = r
        x = keep * x + lam * u_t + lam_bias
        out["y"] = phi(x - threshold)
        if record:
            out["x"] = x
        return x, out

    x, ys = jax.lax.scan(step, states["x"], us)
    ys = {k: jnp.swapaxes(v, 0, 1) for k, v in ys.items()}
    new_state["x"] = x if batched else x[0]
    output = ys.pop("y")
    return output, new_state, (ys if record else {})


class Rate(RateJax):
    """Same implementation as :class:`RateJax` under Rockpool's backend-neutral name (no separate NumPy backend)."""
