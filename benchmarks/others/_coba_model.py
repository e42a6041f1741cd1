"""The COBA network shared by the other simulators' scripts (plain NumPy: no simulator imported here).

4000 leaky integrate-and-fire neurons (3200 excitatory, 800 inhibitory), conductance-based
exponential synapses, constant drive; all quantities in ms and mV, conductances in units of the
leak conductance:

.. math::

    \\tau_m \\frac{dv}{dt} = (E_L - v) + g_e (E_e - v) + g_i (E_i - v) + I_{ext}, \\qquad
    \\tau_e \\frac{dg_e}{dt} = -g_e, \\qquad \\tau_i \\frac{dg_i}{dt} = -g_i

A spike (``v >= v_th``) resets ``v`` to ``v_reset`` and holds it there for ``t_ref``; each spike of an
excitatory (inhibitory) neuron adds ``w_e`` (``w_i``) to ``g_e`` (``g_i``) of its targets.

Connectivity (default): fixed in-degree, every neuron receives exactly 80 inputs drawn without
replacement from all 4000 neurons (64 excitatory and 16 inhibitory on average, as with connection
probability 0.02); see :func:`connectivity` for the other choices. Initial state:
``v ~ N(-55, 5)`` mV, ``g_e = g_i = 0``, nobody refractory. The same seed gives the same
connectivity and initial potentials in every script.
"""

from __future__ import annotations

import json
import sys

import numpy as np

PARAMS = dict(
    n_exc=3200,
    n_inh=800,
    k_exc=64,
    k_inh=16,
    tau_m=20.0,  # ms
    tau_e=5.0,  # ms
    tau_i=10.0,  # ms
    e_l=-60.0,  # mV, leak reversal (rest)
    v_th=-50.0,  # mV
    v_reset=-60.0,  # mV
    t_ref=5.0,  # ms
    e_e=0.0,  # mV
    e_i=-80.0,  # mV
    w_e=0.6,  # leak conductances
    w_i=6.7,  # leak conductances
    i_ext=20.0,  # mV (drive, as a potential: R * I)
    v0_mean=-55.0,  # mV
    v0_std=5.0,  # mV
    dt=0.1,  # ms
)


def connectivity(seed: int = 0, kind: str = "in80") -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``(pre_e, post_e, pre_i, post_i)``: source and target indices of every synapse.

    ``kind``: ``"in80"`` (every neuron receives exactly ``k_exc + k_inh`` = 80 inputs drawn without
    replacement from all ``n`` neurons, so 64 excitatory and 16 inhibitory on average), ``"fixed"``
    (exactly ``k_exc`` excitatory and ``k_inh`` inhibitory inputs) or ``"prob"`` (every pair connected
    with probability ``(k_exc + k_inh) / n`` = 0.02, independently). Excitatory sources are
    ``0 .. n_exc - 1``; inhibitory sources are numbered ``0 .. n_inh - 1`` within the inhibitory
    population (add ``n_exc`` for their index in the whole network).
    """
    p = PARAMS
    n = p["n_exc"] + p["n_inh"]
    if kind not in CONNECTIVITY:
        raise ValueError(f"connectivity kind {kind!r}: expected one of {sorted(CONNECTIVITY)}")
    rng = np.random.default_rng(seed)
    if kind == "in80":
        k = p["k_exc"] + p["k_inh"]
        pre = np.argpartition(rng.random((n, n)), k, axis=1)[:, :k].reshape(-1)
        post = np.repeat(np.arange(n), k)
        exc = pre < p["n_exc"]
        return (
            pre[exc].astype(np.int32),
            post[exc].astype(np.int32),
            (pre[~exc] - p["n_exc"]).astype(np.int32),
            post[~exc].astype(np.int32),
        )

    def draw(n_pre: int, k: int) -> tuple[np.ndarray, np.ndarray]:
        if kind == "prob":
            post, pre = np.nonzero(rng.random((n, n_pre)) < k / n_pre)
            return pre.astype(np.int32), post.astype(np.int32)
        pre = np.argpartition(rng.random((n, n_pre)), k, axis=1)[:, :k]
        post = np.repeat(np.arange(n), k)
        return pre.reshape(-1).astype(np.int32), post.astype(np.int32)

    pre_e, post_e = draw(p["n_exc"], p["k_exc"])
    pre_i, post_i = draw(p["n_inh"], p["k_inh"])
    return pre_e, post_e, pre_i, post_i


def initial_potential(seed: int = 0) -> np.ndarray:
    """Initial membrane potentials (mV), ``N(v0_mean, v0_std)``."""
    p = PARAMS
    rng = np.random.default_rng([seed, 1])
    return p["v0_mean"] + p["v0_std"] * rng.standard_normal(p["n_exc"] + p["n_inh"])


def emit(result: dict) -> None:
    """Print the one JSON line the caller parses (last line of stdout)."""
    sys.stdout.flush()
    print(json.dumps(result), flush=True)


CONNECTIVITY = {
    "in80": "fixed in-degree 80 from all 4000",
    "fixed": "fixed in-degree 64 E + 16 I",
    "prob": "random pairs, p = 0.02",
}
