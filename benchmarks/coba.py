"""The COBA benchmark network (Vogels & Abbott 2005; Brette et al. 2007, benchmark 1) built from Spark parts.

4000 leaky integrate-and-fire neurons (3200 excitatory, 800 inhibitory), each receiving exactly 80
random inputs (64 excitatory, 16 inhibitory: fixed in-degree), exponential conductances
(:math:`\\tau_e` = 5 ms, :math:`\\tau_i` = 10 ms, :math:`E_e` = 0 mV, :math:`E_i` = -80 mV, increments
0.6 and 6.7 in units of the leak conductance), :math:`\\tau_m` = 20 ms, rest and reset -60 mV,
threshold -50 mV, 5 ms refractory period, ``dt`` = 0.1 ms, no external input: activity is
self-sustained from random initial potentials and conductances.

The Spark model is a small composite module (``LIFSoma`` + ``ConductanceSynapses``, recurrent through
last step's spikes). The floor is the same update in plain jax.numpy on the same arrays.
"""

from __future__ import annotations

import dataclasses as dc
import typing as tp

import jax
import jax.numpy as jnp
import numpy as np

import spark
import spark.sim as sim
from benchmarks._harness import Report, interleaved_medians, timed_once

N_EXC, N_INH, K_EXC, K_INH = 3200, 800, 64, 16
W_EXC, W_INH = 0.6, 6.7
DT = 0.1


class COBAConfig(spark.nn.Config):
    n_exc: int = dc.field(default=N_EXC, metadata={"description": "Excitatory neurons."})
    n_inh: int = dc.field(default=N_INH, metadata={"description": "Inhibitory neurons."})


class COBAOutput(tp.TypedDict):
    spikes: spark.SpikeArray


class COBANetwork(spark.nn.Module):
    """Recurrent E/I network of LIF somas with conductance synapses (no inputs; see module docstring)."""

    config: COBAConfig

    def build(self, input_specs: dict) -> None:
        c = self.config
        n = c.n_exc + c.n_inh
        mask = np.zeros(n, bool)
        mask[c.n_exc :] = True
        self.soma = spark.nn.somas.LIFSoma(
            units=(n,),
            tau_mem=20.0,
            v_rest=-60.0,
            v_reset=-60.0,
            v_th=-50.0,
            tau_ref=5.0,
            resistance=1.0,
            inhibitory_mask=mask,
            dt=DT,
            seed=c.seed,
        )
        self.synapses = spark.nn.synapses.ConductanceSynapses(
            units=(n,), tau_e=5.0, tau_i=10.0, E_e=0.0, E_i=-80.0, v_rest=-60.0, dt=DT, seed=c.seed
        )
        currents = self.synapses.build_from_specs(
            {
                "spikes": spark.InputSpec(spark.SpikeArray, (n,)),
                "potential": spark.InputSpec(spark.PotentialArray, (n,)),
            }
        )["currents"]
        self.soma.build_from_specs({"in_currents": currents})
        rng = np.random.default_rng(c.seed)
        kernel = np.zeros((n, n), np.float32)
        rows = np.arange(n)[:, None]
        exc = np.argsort(rng.random((n, c.n_exc)), axis=1)[:, :K_EXC]
        inh = c.n_exc + np.argsort(rng.random((n, c.n_inh)), axis=1)[:, :K_INH]
        kernel[rows, exc] = W_EXC
        kernel[rows, inh] = W_INH
        self.synapses.set_kernel(jnp.asarray(kernel))
        self.soma.potential.value = jnp.asarray(-60.0 + rng.normal(0, 5, n) - 5.0, jnp.float32)
        g = np.stack([rng.normal(0, 1.5, n) + 4.0, rng.normal(0, 12, n) + 20.0], axis=-1)
        self.synapses.conductance.value = jnp.asarray(g, jnp.float32)
        self.spikes = spark.Variable(jnp.zeros((n,), jnp.float32))

    def __call__(self) -> COBAOutput:
        currents = self.synapses(
            spikes=spark.SpikeArray(self.spikes.value),
            potential=spark.PotentialArray(self.soma.potential.value),
        )["currents"]
        out = self.soma(in_currents=currents)
        self.spikes.value = out["spikes"].value
        return {"spikes": out["spikes"]}


def build_network(seed: int = 0) -> COBANetwork:
    net = COBANetwork(seed=seed)
    net.build_from_specs({})
    return net


def floor_from(net: COBANetwork) -> tuple[dict, dict]:
    st = spark.split(net, constants_in_state=True)[1]
    p = {
        k: jnp.asarray(st[k])
        for k in (
            "synapses/kernel",
            "synapses/decay",
            "synapses/reversal",
            "soma/decay",
            "soma/gain",
            "soma/v_rest",
            "soma/v_reset",
            "soma/v_th",
            "soma/ref_steps",
            "soma/sign",
        )
    }
    s = {
        k: jnp.asarray(st[k]) for k in ("synapses/conductance", "soma/potential", "soma/refractory", "spikes")
    }
    return p, s


def floor_step(p: dict, s: dict, dense: bool = True) -> tuple[dict, jax.Array]:
    """One COBA step in plain jax.numpy (dense matrix product over both channels)."""
    spikes = s["spikes"]
    channels = jnp.stack([jnp.maximum(spikes, 0.0), jnp.maximum(-spikes, 0.0)], axis=-1)
    g = s["synapses/conductance"] * p["synapses/decay"] + p["synapses/kernel"] @ channels
    v = s["soma/potential"]
    current = jnp.sum(g * (p["synapses/reversal"] - v[:, None]), axis=-1)
    v_free = p["soma/v_rest"] + (v - p["soma/v_rest"]) * p["soma/decay"] + p["soma/gain"] * current
    counter = jnp.maximum(s["soma/refractory"] - 1, 0)
    refractory = counter > 0
    v = jnp.where(refractory, p["soma/v_reset"], v_free)
    fired = jnp.logical_and(~refractory, v >= p["soma/v_th"])
    v = jnp.where(fired, p["soma/v_reset"], v)
    counter = jnp.where(fired, p["soma/ref_steps"], counter)
    out = jnp.where(fired, p["soma/sign"], 0.0)
    return {"synapses/conductance": g, "soma/potential": v, "soma/refractory": counter, "spikes": out}, out


def bench(report: Report, steps: int, repeats: int) -> None:
    group = f"COBA 4000 LIF, dt {DT} ms"
    print(f"[{group}]", flush=True)
    t_build, net = timed_once(build_network)
    t_first, _ = timed_once(lambda: sim.run(net, None, steps=1, apply=False).state)  # trace + compile
    res = sim.run(net, None, steps=steps, apply=False)
    p, s0 = floor_from(net)
    floor = jax.jit(lambda s: jax.lax.scan(lambda c, _: floor_step(p, c), s, None, length=steps))
    spikes_floor = np.asarray(floor(s0)[1])
    spikes = np.asarray(res.outputs["spikes"].value)
    same = np.array_equal(spikes_floor, spikes)
    t = interleaved_medians(
        {
            "spark": lambda: sim.run(net, None, steps=steps, apply=False, keep_outputs=False).state,
            "floor": lambda: floor(s0),
        },
        repeats,
    )
    simulated = steps * DT / 1000.0
    rate = float(np.abs(spikes).sum() / spikes.shape[1] / simulated)
    report.add(
        group,
        "pure-JAX floor (dense)",
        t["floor"] / simulated,
        "s/sim-s",
        note="spikes identical" if same else "spikes differ from Spark",
    )
    report.add(
        group,
        "spark.sim.run",
        t["spark"] / simulated,
        "s/sim-s",
        ref="pure-JAX floor (dense)",
        target="<= 1.5x floor",
    )
    report.add(
        group,
        "firing rate (Spark run)",
        rate,
        "Hz",
        target="~20-25 Hz",
        note=f"mean over {simulated * 1000:.0f} ms from the Brette 2007 initial state",
    )
    report.add(group, "build + first sim.run (1 step)", t_build + t_first, "s")
