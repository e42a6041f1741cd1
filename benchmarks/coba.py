"""The COBA benchmark network (Vogels & Abbott 2005; Brette et al. 2007, benchmark 1) built from Spark parts.

4000 leaky integrate-and-fire neurons (3200 excitatory, 800 inhibitory), each receiving 80 random
inputs (fixed in-degree, drawn from all 4000 neurons: 64 excitatory and 16 inhibitory on average),
exponential conductances (:math:`\\tau_e` = 5 ms, :math:`\\tau_i` = 10 ms, :math:`E_e` = 0 mV,
:math:`E_i` = -80 mV, increments 0.6 and 6.7 in units of the leak conductance),
:math:`\\tau_m` = 20 ms, leak reversal and reset -60 mV, threshold -50 mV, 5 ms refractory period, a
constant drive :math:`I_{ext}` = 20 mV (in the voltage units of the soma: ``R I``), ``dt`` = 0.1 ms,
initial potentials :math:`\\mathcal{N}(-55, 5^2)` mV and conductances 0:

.. math::

    \\tau_m \\frac{dv}{dt} = E_L - v + g_e (E_e - v) + g_i (E_i - v) + I_{ext}

The Spark model is a small composite module (``LIFSoma`` + event-driven ``SparseConductanceSynapses``,
recurrent through last step's spikes). The floor is the same update in plain ``jax.numpy`` on the
same arrays, written as a JAX user would: ``jnp.nonzero`` over the spikes, a gather of their outgoing
synapses, ``segment_sum`` onto the targets.
"""

from __future__ import annotations

import dataclasses as dc
import time
import typing as tp

import jax
import jax.numpy as jnp
import numpy as np

import spark
import spark.sim as sim
from benchmarks._harness import Report, interleaved_medians, timed_once

N_EXC, N_INH, IN_DEGREE = 3200, 800, 80
W_EXC, W_INH = 0.6, 6.7
I_EXT = 20.0
V0_MEAN, V0_STD = -55.0, 5.0
DT = 0.1
MAX_EVENTS = 400  # event buffer of the floor: 10% of the neurons spiking in one step


class COBAConfig(spark.nn.Config):
    n_exc: int = dc.field(default=N_EXC, metadata={"description": "Excitatory neurons."})
    n_inh: int = dc.field(default=N_INH, metadata={"description": "Inhibitory neurons."})
    i_ext: float = dc.field(default=I_EXT, metadata={"units": "mV", "description": "Constant drive R I."})


class COBAOutput(tp.TypedDict):
    spikes: spark.SpikeArray


class COBANetwork(spark.nn.Module):
    """Recurrent E/I network of LIF somas with event-driven conductance synapses (see module docstring)."""

    config: COBAConfig

    def build(self, input_specs: dict) -> None:
        c = self.config
        n = c.n_exc + c.n_inh
        mask = np.zeros(n, bool)
        mask[c.n_exc :] = True
        self.soma = spark.nn.somas.LIFSoma(
            units=(n,), tau_mem=20.0, v_rest=-60.0, v_reset=-60.0, v_th=-50.0, tau_ref=5.0,
            resistance=1.0, inhibitory_mask=mask, dt=DT, seed=c.seed,
        )
        self.synapses = spark.nn.synapses.SparseConductanceSynapses(
            units=(n,), in_degree=IN_DEGREE, tau_e=5.0, tau_i=10.0, E_e=0.0, E_i=-80.0, v_rest=-60.0,
            dt=DT, seed=c.seed,
        )
        currents = self.synapses.build_from_specs(
            {
                "spikes": spark.InputSpec(spark.SpikeArray, (n,)),
                "potential": spark.InputSpec(spark.PotentialArray, (n,)),
            }
        )["currents"]
        self.soma.build_from_specs({"in_currents": currents})
        pre_is_inh = mask[np.asarray(self.synapses.indices.value)]
        self.synapses.set_kernel(jnp.asarray(np.where(pre_is_inh, W_INH, W_EXC), jnp.float32))
        rng = np.random.default_rng(c.seed)
        self.soma.potential.value = jnp.asarray(rng.normal(V0_MEAN, V0_STD, n), jnp.float32)
        self.i_ext = spark.Constant(jnp.asarray(c.i_ext, jnp.float32))
        self.spikes = spark.Variable(jnp.zeros((n,), jnp.float32))

    def __call__(self) -> COBAOutput:
        currents = self.synapses(
            spikes=spark.SpikeArray(self.spikes.value),
            potential=spark.PotentialArray(self.soma.potential.value),
        )["currents"]
        drive = spark.CurrentArray(currents.value + self.i_ext.value)
        out = self.soma(in_currents=drive)
        self.spikes.value = out["spikes"].value
        return {"spikes": out["spikes"]}


def build_network(seed: int = 0) -> COBANetwork:
    net = COBANetwork(seed=seed)
    net.build_from_specs({})
    return net


def floor_from(net: COBANetwork) -> tuple[dict, dict]:
    st = spark.split(net, constants_in_state=True)[1]
    names = ("synapses/kernel", "synapses/indices", "synapses/decay", "synapses/reversal", "soma/decay",
             "soma/gain", "soma/v_rest", "soma/v_reset", "soma/v_th", "soma/ref_steps", "soma/sign", "i_ext",
             "synapses/out_synapses")
    p = {k.replace("synapses/out_", "out_"): jnp.asarray(st[k]) for k in names}
    s = {k: jnp.asarray(st[k]) for k in ("synapses/conductance", "soma/potential", "soma/refractory", "spikes")}
    return p, s


def floor_step(p: dict, s: dict) -> tuple[dict, jax.Array]:
    """One COBA step in plain jax.numpy, event-driven: the outgoing synapses of this step's spikes.

    ``jnp.nonzero`` collects up to ``MAX_EVENTS`` spiking neurons; their outgoing synapses (a
    pre-major table of flat synapse ids and targets) are added to the conductance of their targets
    by the sign of the spike. A step with more spikes than that gathers every synapse instead (exact either way).
    """
    n, k = p["synapses/kernel"].shape
    spikes = s["spikes"]

    def events(spikes: jax.Array) -> jax.Array:
        active = jnp.nonzero(spikes != 0, size=MAX_EVENTS, fill_value=n)[0]
        rows = p["out_synapses"][active]  # (events, 2, D): synapse ids, targets (padding: id 0, target n)
        w = p["synapses/kernel"].reshape(-1)[rows[:, 0]]
        sign = spikes.at[active].get(mode="fill", fill_value=0.0)[:, None]
        target = (2 * rows[:, 1] + (sign < 0)).reshape(-1)  # padding lands past 2 n: dropped
        return jax.ops.segment_sum((w * jnp.abs(sign)).reshape(-1), target, num_segments=2 * n).reshape(n, 2)

    def every_synapse(spikes: jax.Array) -> jax.Array:
        seen = spikes[p["synapses/indices"]]
        w = p["synapses/kernel"]
        return jnp.stack([jnp.sum(w * jnp.maximum(seen, 0.0), 1), jnp.sum(w * jnp.maximum(-seen, 0.0), 1)], -1)

    drive = jax.lax.cond(jnp.sum(spikes != 0) <= MAX_EVENTS, events, every_synapse, spikes)
    g = s["synapses/conductance"] * p["synapses/decay"] + drive
    v = s["soma/potential"]
    current = jnp.sum(g * (p["synapses/reversal"] - v[:, None]), axis=-1) + p["i_ext"]
    v_free = p["soma/v_rest"] + (v - p["soma/v_rest"]) * p["soma/decay"] + p["soma/gain"] * current
    counter = jnp.maximum(s["soma/refractory"] - 1, 0)
    refractory = counter > 0
    v = jnp.where(refractory, p["soma/v_reset"], v_free)
    fired = jnp.logical_and(~refractory, v >= p["soma/v_th"])
    v = jnp.where(fired, p["soma/v_reset"], v)
    counter = jnp.where(fired, p["soma/ref_steps"], counter)
    out = jnp.where(fired, p["soma/sign"], 0.0)
    return {"synapses/conductance": g, "soma/potential": v, "soma/refractory": counter, "spikes": out}, out


def spark_coba_seconds_per_sim_second(duration_ms: float, repeats: int = 3) -> tuple[float, float]:
    """(seconds per simulated second, mean rate in Hz) of Spark's COBA run, compilation excluded."""
    steps = int(round(duration_ms / DT))
    net = build_network()
    res = sim.run(net, None, steps=steps, apply=False)  # gives the spikes
    spikes = np.asarray(res.outputs["spikes"].value)
    jax.block_until_ready(sim.run(net, None, steps=steps, apply=False, keep_outputs=False).state)  # compiles
    times = []
    for _ in range(max(1, repeats)):
        t0 = time.perf_counter()
        jax.block_until_ready(sim.run(net, None, steps=steps, apply=False, keep_outputs=False).state)
        times.append(time.perf_counter() - t0)
    simulated = steps * DT / 1000.0
    return float(np.median(times)) / simulated, float(np.abs(spikes).sum() / spikes.shape[1] / simulated)


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
    # sums over the same synapses in another order: spikes agree until a rounding difference first
    # flips a threshold crossing, after which the (chaotic) network diverges
    differ = np.flatnonzero(np.any(spikes_floor != spikes, axis=1))
    same = f"spikes identical for the first {differ[0] if differ.size else steps} of {steps} steps"
    t = interleaved_medians(
        {
            "spark": lambda: sim.run(net, None, steps=steps, apply=False, keep_outputs=False).state,
            "floor": lambda: floor(s0),
        },
        repeats,
    )
    simulated = steps * DT / 1000.0
    rate = float(np.abs(spikes).sum() / spikes.shape[1] / simulated)
    rate_floor = float(np.abs(spikes_floor).sum() / spikes_floor.shape[1] / simulated)
    report.add(group, "pure-JAX floor (event-driven)", t["floor"] / simulated, "s/sim-s", note=same)
    report.add(
        group,
        "spark.sim.run (event-driven synapses)",
        t["spark"] / simulated,
        "s/sim-s",
        ref="pure-JAX floor (event-driven)",
        target="<= 1.5x floor",
    )
    report.add(
        group,
        "firing rate (Spark run)",
        rate,
        "Hz",
        target="~20-25 Hz",
        note=f"mean over {simulated * 1000:.0f} ms; floor run {rate_floor:.1f} Hz",
    )
    report.add(group, "build + first sim.run (1 step)", t_build + t_first, "s")
