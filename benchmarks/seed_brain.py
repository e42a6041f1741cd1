"""The brain of the 'Brains' tutorial (seed 002), in Spark and as a hand-written pure-JAX floor.

Model: a ``TopologicalLinearSpiker`` (4 signals x 128 units) feeds a recurrent pool of ``N`` ALIF
neurons (``async_spikes=True`` delays, traced synapses, optional STDP), read out by a 2-output
``ExponentialIntegrator``; modules talk through the brain's one-step cache.

:func:`floor_step` is the same computation written directly in ``jax.numpy`` on the arrays of a built
brain (same weights, delays and constants, same discretisation, same one-step latency between
modules), so the two produce the same spikes and the floor measures the work itself, without Spark.
"""

from __future__ import annotations

import typing as tp

import jax
import jax.numpy as jnp
import numpy as np

import spark
import spark.sim as sim
from benchmarks._harness import Report, interleaved_medians, timed_once

RESOLUTION = 128


def brain_config(units: int = 256, plastic: bool = False, seed: int = 0) -> spark.nn.BrainConfig:
    """The tutorial's CartPole brain with ``units`` ALIF neurons (STDP on the pool when ``plastic``)."""
    rule = spark.nn.learning_rules.STDPRuleConfig() if plastic else None
    modules_map = {
        "spiker": spark.ModuleSpecs(
            name="spiker",
            module_cls=spark.nn.interfaces.TopologicalLinearSpiker,
            config=spark.nn.interfaces.TopologicalLinearSpikerConfig(
                glue=jnp.array(0),
                mins=jnp.array(-1),
                maxs=jnp.array(1),
                resolution=RESOLUTION,
                max_freq=200.0,
                tau=30.0,
                seed=seed,
            ),
            inputs={"signal": [spark.PortMap(origin="__call__", port="drive")]},
        ),
        "neurons_pool": spark.ModuleSpecs(
            name="neurons_pool",
            module_cls=spark.nn.neurons.ALIFNeuron,
            inputs={
                "in_spikes": [
                    spark.PortMap(origin="spiker", port="spikes"),
                    spark.PortMap(origin="neurons_pool", port="out_spikes"),
                ]
            },
            config=spark.nn.neurons.ALIFNeuronConfig(
                _s_units=(units,), _s_async_spikes=True, learning_rule=rule, seed=seed + 1
            ),
        ),
        "integrator": spark.ModuleSpecs(
            name="integrator",
            module_cls=spark.nn.interfaces.ExponentialIntegrator,
            inputs={"spikes": [spark.PortMap(origin="neurons_pool", port="out_spikes")]},
            config=spark.nn.interfaces.ExponentialIntegratorConfig(num_outputs=2, seed=seed + 2),
        ),
    }
    input_map = {"drive": spark.InputSpec(payload_type=spark.FloatArray, shape=(4,), dtype=jnp.float16)}
    output_map = {
        "action": {
            "input": spark.PortMap(origin="integrator", port="signal"),
            "spec": spark.OutputSpec(payload_type=spark.FloatArray, shape=(2,), dtype=jnp.float16),
        }
    }
    return spark.nn.BrainConfig(input_map=input_map, output_map=output_map, modules_map=modules_map)


def build_brain(units: int, plastic: bool, seed: int = 0) -> tp.Any:
    brain = spark.nn.Brain(config=brain_config(units, plastic, seed))
    brain(drive=spark.FloatArray(jnp.zeros((4,), jnp.float16)))
    return brain


def drive(steps: int, seed: int = 0) -> np.ndarray:
    """A slowly varying 4-d observation in [-1, 1], like CartPole's, as float16."""
    t = np.arange(steps)[:, None]
    phases = np.random.default_rng(seed).uniform(0, 2 * np.pi, 4)
    return np.sin(2 * np.pi * t / 400.0 * np.array([1.0, 0.7, 1.3, 0.5]) + phases).astype(np.float16)


# -- the pure-JAX floor -------------------------------------------------------------------------------
def floor_from_brain(brain: tp.Any) -> tuple[dict, dict]:
    """(constants, initial state) of the floor, read from a built brain's state."""
    st = {k: jnp.asarray(v) for k, v in spark.split(brain, constants_in_state=True)[1].items()}
    cfg = brain.config.modules_map
    pool_cfg = cfg["neurons_pool"].config
    m = "modules/"
    p = {
        "mins": st[m + "spiker/mins"],
        "maxs": st[m + "spiker/maxs"],
        "max_freq": st[m + "spiker/max_freq"],
        "tau_tuning": float(cfg["spiker"].config.tau),
        "dt": float(cfg["spiker"].config.dt),
        "delays": st[m + "neurons_pool/delays/delays"],
        "syn_decay": st[m + "neurons_pool/synapses/decay"],
        "v_rest": st[m + "neurons_pool/soma/v_rest"],
        "v_reset": st[m + "neurons_pool/soma/v_reset"],
        "v_th": st[m + "neurons_pool/soma/v_th"],
        "beta": st[m + "neurons_pool/soma/beta"],
        "decay": st[m + "neurons_pool/soma/decay"],
        "adapt_decay": st[m + "neurons_pool/soma/adapt_decay"],
        "gain": st[m + "neurons_pool/soma/gain"],
        "ref_steps": st[m + "neurons_pool/soma/ref_steps"],
        "sign": st[m + "neurons_pool/soma/sign"],
        "i_decay": st[m + "integrator/decay"],
        "i_gain": st[m + "integrator/gain"],
        "delay_read": "gather",
    }
    s = {
        "phase": st[m + "spiker/phase"],
        "c_spiker": st["cache/spiker/spikes"],
        "c_pool": st["cache/neurons_pool/out_spikes"],
        "buffer": st[m + "neurons_pool/delays/buffer"],
        "pointer": st[m + "neurons_pool/delays/pointer"],
        "current": st[m + "neurons_pool/synapses/current"],
        "v": st[m + "neurons_pool/soma/potential"],
        "a": st[m + "neurons_pool/soma/adaptation"],
        "refr": st[m + "neurons_pool/soma/refractory"],
        "y": st[m + "integrator/output"],
    }
    rule = pool_cfg.learning_rule
    kernel = st[m + "neurons_pool/synapses/kernel"]
    if rule is None:
        p["kernel"] = kernel  # fixed weights: a constant of the loop
    else:
        s["kernel"] = kernel
        p.update(
            pre_decay=st[m + "neurons_pool/learning_rule/pre_decay"],
            post_decay=st[m + "neurons_pool/learning_rule/post_decay"],
            eta=float(rule.eta),
            A_plus=float(rule.A_plus),
            A_minus=float(rule.A_minus),
            w_min=float(rule.w_min),
            w_max=float(rule.w_max),
        )
        s.update(
            pre_trace=st[m + "neurons_pool/learning_rule/pre_trace"],
            post_trace=st[m + "neurons_pool/learning_rule/post_trace"],
        )
    return p, s


def read_delayed(buffer: jax.Array, slot: jax.Array, delays: jax.Array, how: str) -> jax.Array:
    """Delayed spikes ``buffer[(slot - delays) % L, j]`` as float32: ``(pre,)`` or ``(post, pre)``.

    ``delays`` holds one delay per presynaptic input (``(pre,)``) or per synapse (``(post, pre)``).
    ``'gather'`` indexes the buffer directly (what the delay components do); ``'select'`` builds the
    same values from one select per delay value (``L`` is small), which XLA fuses into one elementwise
    pass, several times faster on CPU than a generic gather of a ``(post, pre)`` table.
    """
    length, n_pre = buffer.shape
    if how == "gather":
        return buffer[(slot - delays) % length, jnp.arange(n_pre)].astype(jnp.float32)
    out = jnp.zeros(delays.shape, jnp.float32)
    for d in range(length):
        row = jax.lax.dynamic_index_in_dim(buffer, (slot - d) % length, keepdims=False).astype(jnp.float32)
        out = jnp.where(delays == d, row, out)
    return out


def floor_step(p: dict, s: dict, x: jax.Array) -> tuple[dict, jax.Array]:
    """One step of the seed-002 brain in plain jax.numpy. Returns (new state, action)."""
    f32 = jnp.float32
    # spiker: gaussian place code over [mins, maxs], deterministic integrate-and-fire
    mins, maxs = p["mins"], p["maxs"]
    xc = jnp.clip(x.astype(f32), mins, maxs)
    span = (maxs - mins)[..., None]
    centres = mins[..., None] + ((maxs - mins) / (RESOLUTION - 1))[..., None] * jnp.arange(
        RESOLUTION, dtype=f32
    )
    d = (xc[..., None] - centres) / span
    rate = jnp.exp(-0.5 * (p["tau_tuning"] * d) ** 2) * p["max_freq"][..., None]
    phase = s["phase"] + rate * (p["dt"] / 1000.0)
    fired = phase >= 1.0
    phase = jnp.where(fired, phase - 1.0, phase)
    # pool: inputs are last step's spikes of the spiker and of the pool itself
    pre = jnp.concatenate([s["c_spiker"].reshape(-1), s["c_pool"]]).astype(f32)
    length, n_pre = s["buffer"].shape
    slot = (s["pointer"] + 1) % length
    buffer = jax.lax.dynamic_update_slice(s["buffer"], pre.astype(jnp.int8)[None], (slot, 0))
    delayed = read_delayed(buffer, slot, p["delays"], p["delay_read"])
    kernel = s["kernel"] if "kernel" in s else p["kernel"]
    if delayed.ndim == 2:  # per-synapse delays: contract row by row
        drive = jnp.einsum("ij,ij->i", kernel, delayed)
    else:
        drive = kernel @ delayed
    current = s["current"] * p["syn_decay"] + drive
    v_free = p["v_rest"] + (s["v"] - p["v_rest"]) * p["decay"] + p["gain"] * current
    counter = jnp.maximum(s["refr"] - 1, 0)
    refractory = counter > 0
    v = jnp.where(refractory, p["v_reset"], v_free)
    spiked = jnp.logical_and(~refractory, v >= p["v_th"] + p["beta"] * s["a"])
    v = jnp.where(spiked, p["v_reset"], v)
    counter = jnp.where(spiked, p["ref_steps"], counter)
    a = p["adapt_decay"] * (s["a"] + spiked.astype(f32))
    out_spikes = jnp.where(spiked, p["sign"], 0.0)
    new = dict(s, phase=phase, buffer=buffer, pointer=slot, current=current, v=v, refr=counter, a=a)
    if "pre_trace" in s:  # pair STDP with the delayed spikes the synapses see
        pre_s, post_s = jnp.abs(delayed), spiked.astype(f32)
        xt = s["pre_trace"] * p["pre_decay"]
        yt = s["post_trace"] * p["post_decay"]
        dw = p["eta"] * (
            p["A_plus"] * post_s[:, None] * xt - p["A_minus"] * yt[:, None] * pre_s
        )  # broadcasts
        new["kernel"] = jnp.clip(kernel + dw, p["w_min"], p["w_max"])
        new["pre_trace"], new["post_trace"] = xt + pre_s, yt + post_s
    # integrator reads last step's pool spikes
    mean = jnp.abs(s["c_pool"]).reshape(2, -1).mean(axis=1)
    y = s["y"] * p["i_decay"] + (1.0 - p["i_decay"]) * p["i_gain"] * mean
    new.update(
        y=y,
        c_spiker=fired.astype(s["c_spiker"].dtype).reshape(s["c_spiker"].shape),
        c_pool=out_spikes.astype(s["c_pool"].dtype),
    )
    return new, y.astype(jnp.float16)


def _split_params(p: dict) -> tuple[dict, dict]:
    arrays = {k: v for k, v in p.items() if isinstance(v, jax.Array)}
    return arrays, {k: v for k, v in p.items() if k not in arrays}


def floor_fused(p: dict) -> tp.Callable:
    """``run(state, xs) -> (state, actions)``: the floor's steps in one ``lax.scan``.

    The arrays of ``p`` are arguments of the compiled function (not compile-time constants), as the
    state of a Spark module is.
    """
    arrays, static = _split_params(p)
    run = jax.jit(lambda a, s, xs: jax.lax.scan(lambda c, x: floor_step({**a, **static}, c, x), s, xs))
    return lambda s, xs: run(arrays, s, xs)


def floor_stepper(p: dict) -> tp.Callable:
    """``step(state, x) -> (state, action)``: one jitted floor step (arrays of ``p`` as arguments)."""
    arrays, static = _split_params(p)
    step = jax.jit(lambda a, s, x: floor_step({**a, **static}, s, x))
    return lambda s, x: step(arrays, s, x)


# -- the benchmark ------------------------------------------------------------------------------------
@jax.jit
def run_model(graph, state, x):
    """The tutorial's per-step function."""
    model = spark.merge(graph, state)
    out = model(drive=x)
    _, state = spark.split(model)
    return out, state


def _loop(step: tp.Callable, state: tp.Any, xs: list) -> tp.Any:
    """Call ``state = step(state, x)`` for every ``x``; the per-step pattern of the tutorial."""
    for x in xs:
        state = step(state, x)
    return state


def bench(report: Report, sizes: tp.Sequence[int], steps: dict[int, int], repeats: int) -> None:
    for units in sizes:
        for plastic in (False, True):
            bench_one(report, units, plastic, steps[units], repeats)


def bench_one(report: Report, units: int, plastic: bool, n_steps: int, repeats: int) -> None:
    """All rows of one (size, plasticity) group."""
    group = f"seed-002 brain N={units} {'STDP' if plastic else 'fixed w'}"
    print(f"[{group}]", flush=True)
    trivial = jax.jit(lambda x: x + 1)
    t_build, brain = timed_once(lambda: build_brain(units, plastic))
    xs = drive(n_steps)
    inputs = {"drive": xs}
    t_compile, _ = timed_once(lambda: sim.run(brain, {"drive": xs[:1]}, apply=False).state)  # trace + compile
    res = sim.run(brain, inputs, apply=False)
    p, s0 = floor_from_brain(brain)
    fused = floor_fused(p)
    per_synapse = np.ndim(p["delays"]) == 2
    fused_select = floor_fused(dict(p, delay_read="select"))
    xs_dev = jnp.asarray(xs)
    spark_actions = np.asarray(res.outputs["action"].value)
    same = np.array_equal(np.asarray(fused(s0, xs_dev)[1]), spark_actions)
    same_sel = per_synapse and np.array_equal(np.asarray(fused_select(s0, xs_dev)[1]), spark_actions)
    graph, state = spark.split(brain)
    payloads = [spark.FloatArray(jnp.asarray(x)) for x in xs]
    jstep = floor_stepper(p)
    raw = [jnp.asarray(x) for x in xs]
    stepper = sim.Stepper(build_brain(units, plastic))
    simulator = sim.Simulator(brain)
    simulator.run(inputs, apply=False)
    t = interleaved_medians(
        {
            "fused": lambda: sim.run(brain, inputs, apply=False).state,
            "simulator": lambda: simulator.run(inputs, apply=False).state,
            "floor": lambda: fused(s0, xs_dev),
            **({"floor_select": lambda: fused_select(s0, xs_dev)} if per_synapse else {}),
            "loop": lambda: _loop(lambda st, x: run_model(graph, st, x)[1], state, payloads),
            "stepper": lambda: [stepper(drive=x) for x in payloads][-1],
            "floor_loop": lambda: _loop(lambda st, x: jstep(st, x)[0], s0, raw),
            "trivial": lambda: [trivial(x) for x in raw][-1],
        },
        repeats,
    )
    floor_name = "pure-JAX floor, fused (lax.scan)"
    report.add(
        group,
        floor_name,
        n_steps / t["floor"],
        "steps/s",
        note="outputs identical to Spark" if same else "outputs differ from Spark",
    )
    target = ">= 16k steps/s, <= 1.5x floor" if (units == 256 and plastic) else "<= 1.5x floor"
    report.add(group, "spark.sim.run (fused)", n_steps / t["fused"], "steps/s", ref=floor_name, target=target)
    report.add(
        group,
        "spark.sim.Simulator.run (fused, reused)",
        n_steps / t["simulator"],
        "steps/s",
        ref=floor_name,
        target=target,
        note="compile once, run many: no graph walk per run",
    )
    if per_synapse:  # what a gather-free read of the per-synapse delay table would gain
        report.add(
            group,
            "floor with select-based delay read",
            n_steps / t["floor_select"],
            "steps/s",
            ref=floor_name,
            note=("identical outputs" if same_sel else "outputs differ")
            + "; headroom if NMDelays avoided the gather",
        )
    report.add(group, "pure-JAX floor, per-step loop", n_steps / t["floor_loop"], "steps/s")
    report.add(
        group,
        "tutorial loop: jit run_model",
        n_steps / t["loop"],
        "steps/s",
        ref="pure-JAX floor, per-step loop",
        target="<= 1.25x floor loop",
    )
    report.add(
        group,
        "spark.sim.Stepper, per-step loop",
        n_steps / t["stepper"],
        "steps/s",
        ref="pure-JAX floor, per-step loop",
        target="<= 1.25x floor loop",
    )
    report.add(
        group,
        "trivial jitted fn, per-step loop",
        n_steps / t["trivial"],
        "steps/s",
        note="dispatch floor of any per-step loop",
    )
    report.add(group, "build (construct + build)", t_build, "s")
    report.add(group, "first sim.run (trace + compile, 1 step)", t_compile, "s")
    report.add(group, "build + first compile", t_build + t_compile, "s", target="< 2 s")
