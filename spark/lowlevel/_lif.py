"""``LIFJax``: current-based leaky integrate-and-fire neurons with exponential synapses."""

from __future__ import annotations

from functools import partial

import jax
import jax.numpy as jnp

from spark.lowlevel._init import kaiming, new_rng_key, zeros
from spark.lowlevel._module import Module, broadcast_batch
from spark.lowlevel._parameters import Parameter, SimulationParameter, State
from spark.lowlevel._surrogate import spike_count

__all__ = ["LIFJax", "LIF"]


class LIFJax(Module):
    r"""Leaky integrate-and-fire neurons with several exponential synapses each, on JAX.

    Each of the ``N_out`` neurons owns ``n_syn = N_in / N_out`` synapses; input channel
    ``c = n * n_syn + s`` drives synapse ``s`` of neuron ``n``. Continuous dynamics, with input spike
    trains :math:`X` added instantaneously to the synaptic currents:

    .. math::

        \tau_{syn} \dot I_{syn} = -I_{syn} + X(t) + S(t) W_{rec}, \qquad
        \tau_{mem} \dot V = -V + \textstyle\sum_s I_{syn,s} + b,

    and a neuron spikes when :math:`V \ge \theta`, after which :math:`\theta` is subtracted per spike.

    Discrete update implemented (exact exponential decay, input held constant over a step), with
    :math:`\alpha = e^{-dt/\tau_{mem}}`, :math:`\beta = e^{-dt/\tau_{syn}}` computed once per call:

    .. math::

        I_t &= \beta \odot I_{t-1} + X_t + \mathrm{reshape}(S_{t-1} W_{rec}) \\
        V_t &= \alpha \odot V_{t-1} + (1-\alpha) \odot (\textstyle\sum_s I_{t,s} + b) + \sigma \xi_t \\
        S_t &= \min\bigl(\max(\lfloor V_t / \theta \rfloor, 0), S_{max}\bigr) \\
        V_t &\leftarrow V_t - S_t\,\theta

    where :math:`\xi_t \sim \mathcal N(0, 1)` (only when ``noise_std > 0`` at construction) and the
    recurrent term exists only when ``has_rec=True``; a feed-forward layer has no ``w_rec`` and does no
    recurrent work. The spike count uses a fast-sigmoid surrogate gradient
    (:func:`spark.lowlevel._surrogate.spike_count`). The time loop is a :func:`jax.lax.scan` whose body
    holds only the update above; decay factors are computed before it.

    Args:
        shape: ``N`` (one synapse per neuron) or ``(N_in, N_out)`` with ``N_in`` a multiple of ``N_out``.
        tau_mem: membrane time constant(s) in seconds, shape ``(N_out,)`` (scalar broadcast).
        tau_syn: synaptic time constant(s) in seconds, shape ``(N_out, n_syn)``.
        bias: constant input current, shape ``(N_out,)``.
        threshold: firing threshold(s), shape ``(N_out,)``.
        has_rec: add recurrent weights ``w_rec`` of shape ``(N_out, N_in)``.
        w_rec: initial recurrent weights (implies ``has_rec=True``).
        weight_init_func: ``f(shape)`` for ``w_rec`` when not given (Kaiming normal).
        noise_std: standard deviation :math:`\sigma` of the membrane noise per step; ``0`` disables
            noise and the module then owns no PRNG key.
        dt: time step in seconds.
        max_spikes_per_dt: :math:`S_{max}`, the most spikes a neuron emits in one step.
        rng_seed: seed of the noise key (drawn from NumPy's global generator when ``None``).

    State: ``spikes (N_out,)``, ``isyn (N_out, n_syn)``, ``vmem (N_out,)`` (+ ``rng_key`` with noise).
    Recorded with ``record=True``: ``spikes``, ``isyn``, ``vmem`` (+ ``irec``), each ``(B, T, ...)``.

    Examples:
        >>> import numpy as np
        >>> from spark.lowlevel import LIFJax
        >>> mod = LIFJax((4, 2), tau_mem=0.02, tau_syn=0.01)
        >>> spikes, state, _ = mod(np.ones((10, 4)))
        >>> spikes.shape, state["isyn"].shape
        ((1, 10, 2), (2, 2))

    Reference: W. Gerstner et al., *Neuronal Dynamics* (2014), ch. 1 and 5, doi:10.1017/CBO9781107447615.
    """

    def __init__(
        self,
        shape,
        tau_mem=0.02,
        tau_syn=0.05,
        bias=0.0,
        threshold=1.0,
        has_rec: bool = False,
        w_rec=None,
        weight_init_func=kaiming,
        noise_std: float = 0.0,
        dt: float = 1e-3,
        max_spikes_per_dt: float = 2.0**16,
        rng_seed: int | None = None,
        spiking_input: bool = False,
        spiking_output: bool = True,
        *args,
        **kwargs,
    ):
        shape = (shape, shape) if isinstance(shape, int) else tuple(shape)
        if len(shape) == 1:
            shape = (shape[0], shape[0])
        if len(shape) != 2 or shape[1] < 1 or shape[0] % shape[1]:
            raise ValueError(
                f"LIFJax: shape must be N or (N_in, N_out) with N_in a multiple of N_out, got {shape}"
            )
        super().__init__(shape, spiking_input, spiking_output, *args, **kwargs)
        n_in, n_out = shape
        self._n_syn = n_in // n_out
        self._has_rec = bool(has_rec or w_rec is not None)
        self._noisy = float(noise_std) != 0.0

        self.tau_mem = Parameter(tau_mem, family="taus", shape=(n_out,))
        self.tau_syn = Parameter(tau_syn, family="taus", shape=(n_out, self._n_syn))
        self.bias = Parameter(bias, family="bias", shape=(n_out,))
        self.threshold = Parameter(threshold, family="thresholds", shape=(n_out,))
        if self._has_rec:
            self.w_rec = Parameter(w_rec, family="weights", init_func=weight_init_func, shape=(n_out, n_in))

        self.dt = SimulationParameter(dt)
        self.noise_std = SimulationParameter(noise_std)
        self.max_spikes_per_dt = SimulationParameter(max_spikes_per_dt)

        self.spikes = State(shape=(n_out,), init_func=zeros)
        self.isyn = State(shape=(n_out, self._n_syn), init_func=zeros)
        self.vmem = State(shape=(n_out,), init_func=zeros)
        if self._noisy:
            self.rng_key = State(new_rng_key(rng_seed))

    def evolve(self, input_data, record: bool = False, *args, **kwargs):
        """Evolve over ``(T, N_in)`` or ``(B, T, N_in)`` input; returns ``(spikes, new_state, recorded)``."""
        self._check_batch(input_data, _STATES)
        params = {k: getattr(self, k)[...] for k in _VALUES}
        if self._has_rec:
            params["w_rec"] = self.w_rec[...]
        if self._noisy:
            params["rng_key"] = self.rng_key[...]
        states = {k: getattr(self, k)[...] for k in _STATES}
        return _evolve(params, states, input_data, n_syn=self._n_syn, record=bool(record))


_STATES = ("spikes", "isyn", "vmem")
_VALUES = ("tau_mem", "tau_syn", "bias", "threshold", "dt", "noise_std", "max_spikes_per_dt")


@partial(jax.jit, static_argnames=("n_syn", "record"))
def _evolve(params: dict, states: dict, input_data, *, n_syn: int, record: bool):
    """The compiled update: arrays in, arrays out (shared by every module of the same configuration)."""
    n_out = params["tau_mem"].shape[0]
    bases = {"spikes": (n_out,), "isyn": (n_out, n_syn), "vmem": (n_out,)}
    x, states, batched = broadcast_batch(input_data, states, bases)
    n_b, n_t, _ = x.shape
    dt = params["dt"]
    alpha = jnp.exp(-dt / params["tau_mem"])
    beta = jnp.exp(-dt / params["tau_syn"])
    gain = 1.0 - alpha
    gain_bias = gain * params["bias"]
    threshold = params["threshold"]
    inv_threshold = 1.0 / threshold
    max_spikes = params["max_spikes_per_dt"]
    squeeze = n_syn == 1  # one synapse per neuron: work on (B, N) and skip the synapse sum

    xs = jnp.swapaxes(x, 0, 1)  # time-major (T, B, N_in)
    isyn = states["isyn"]
    if squeeze:
        beta, isyn = beta[:, 0], isyn[..., 0]
    else:
        xs = xs.reshape(n_t, n_b, n_out, n_syn)
    scan_xs = {"x": xs}
    new_state = {}
    if "rng_key" in params:
        key, sub = jax.random.split(params["rng_key"])
        scan_xs["noise"] = params["noise_std"] * jax.random.normal(sub, (n_t, n_b, n_out), x.dtype)
        new_state["rng_key"] = key
    w_rec = params.get("w_rec")

    def step(carry, inp):
        i, v, s = carry
        i = beta * i + inp["x"]
        if w_rec is not None:
            irec = s @ w_rec
            irec = irec if squeeze else irec.reshape(n_b, n_out, n_syn)
            i = i + irec
        v = alpha * v + gain * (i if squeeze else i.sum(-1)) + gain_bias
        if "noise" in inp:
            v = v + inp["noise"]
        s = spike_count(v * inv_threshold, max_spikes)
        v = v - s * threshold
        out = {"spikes": s}
        if record:
            out.update(isyn=i, vmem=v)
            if w_rec is not None:
                out["irec"] = irec
        return (i, v, s if w_rec is not None else None), out

    init = (isyn, states["vmem"], states["spikes"] if w_rec is not None else None)
    (isyn, vmem, _), ys = jax.lax.scan(step, init, scan_xs)
    spikes = ys["spikes"][-1] if n_t else states["spikes"]
    ys = {k: jnp.swapaxes(y, 0, 1) for k, y in ys.items()}  # back to (B, T, ...)
    if squeeze:
        isyn = isyn[..., None]
        for k in ("isyn", "irec"):
            if k in ys:
                ys[k] = ys[k][..., None]
    final = {"spikes": spikes, "isyn": isyn, "vmem": vmem}
    if not batched:
        final = {k: v[0] for k, v in final.items()}
    new_state.update(final)
    return ys["spikes"], new_state, (ys if record else {})


class LIF(LIFJax):
    """Same implementation as :class:`LIFJax` under Rockpool's backend-neutral name (no separate NumPy backend)."""
