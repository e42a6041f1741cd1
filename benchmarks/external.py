"""Side-by-side rows for other simulators, measured in the same run as Spark's own rows.

* **COBA 4000** (``benchmarks/others/_coba_model.py``): Brian2 (C++ standalone, one thread) and BrainPy
  (jit, CPU) next to Spark's COBA (:func:`benchmarks.coba.spark_coba_seconds_per_sim_second`), in
  seconds per simulated second, with the firing rate each tool produced.
* **Recurrent LIF layer** (the ``lowlevel`` suite's layer): Rockpool's ``LIFJax`` next to
  ``spark.lowlevel.LIFJax`` at each size, in steps per second, and the bytes of the buffers one
  compiled ``evolve`` needs (arguments + outputs + temporaries, from XLA's ``memory_analysis``).
* **spark-snn** 1.2.2 (the original Spark): shares the import name ``spark``, so only through its own
  interpreter.

None of these libraries is a dependency. A tool is used when it is importable here (Rockpool only: the
others run their script in a separate process anyway), or when an environment variable names a Python
interpreter that has it: ``SPARK_BENCH_BRIAN2_PYTHON``, ``SPARK_BENCH_BRAINPY_PYTHON``,
``SPARK_BENCH_ROCKPOOL_PYTHON``, ``SPARK_BENCH_SPARKSNN_PYTHON``. The scripts in ``benchmarks/others``
print one JSON line; a tool that is missing, fails or times out gets a row saying why.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import typing as tp

import jax
import jax.numpy as jnp
import numpy as np

from benchmarks._harness import Report, interleaved_medians, median_seconds

OTHERS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "others")
ENV = {
    "brian2": "SPARK_BENCH_BRIAN2_PYTHON",
    "brainpy": "SPARK_BENCH_BRAINPY_PYTHON",
    "rockpool": "SPARK_BENCH_ROCKPOOL_PYTHON",
    "spark-snn": "SPARK_BENCH_SPARKSNN_PYTHON",
}
TIMEOUT_S = float(os.environ.get("SPARK_BENCH_EXTERNAL_TIMEOUT", "900"))


def _version(dist: str) -> str | None:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return None


def _missing(tool: str, extra: str = "") -> str:
    return f"not installed: set {ENV[tool]}=/path/to/python (an environment with {tool}{extra})"


def run_script(python: str, script: str, args: tp.Sequence[str]) -> tuple[dict | None, str]:
    """Run ``benchmarks/others/<script>`` with ``python``; return ``(parsed last JSON line, "")`` or
    ``(None, why it failed)``."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env.setdefault("JAX_PLATFORMS", "cpu")
    cmd = [python, os.path.join(OTHERS, script), *args]
    print(f"  running {' '.join(cmd)}", flush=True)
    try:
        done = subprocess.run(
            cmd, capture_output=True, text=True, timeout=TIMEOUT_S, env=env, cwd=OTHERS, check=False
        )
    except FileNotFoundError:
        return None, f"skipped: interpreter {python!r} not found"
    except subprocess.TimeoutExpired:
        return None, f"skipped: {script} ran past {TIMEOUT_S:.0f} s"
    lines = [ln for ln in done.stdout.splitlines() if ln.startswith("{")]
    if done.returncode != 0 or not lines:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return None, f"skipped: {script} failed (exit {done.returncode}): {last[:160]}"
    return json.loads(lines[-1]), ""


# --------------------------------------------------------------------------------------------- COBA


def _tool_row(report: Report, group: str, result: tuple[dict | None, str], name: str, extra: str) -> str:
    """Add one simulator's COBA row (or why it is missing); return the row's name."""
    out, why = result
    if out is None:
        name = name.replace("{version} ", "")
        report.add(group, name, 0.0, "s/sim-s", note=why)
        return name
    name = name.format(**out)
    note = f"{out['rate_hz']:.1f} Hz; {out['method']}, {out['dtype']}; " + extra.format(**out)
    report.add(group, name, out["sim_s_per_s"], "s/sim-s", note=note)
    return name


def bench_coba(report: Report, duration_ms: float, repeats: int) -> None:
    group = "COBA 4000 vs other simulators"
    print(f"[{group}]", flush=True)
    try:
        from benchmarks.coba import spark_coba_seconds_per_sim_second
    except ImportError:
        spark_coba_seconds_per_sim_second = None
    tools = {"brian2": "coba_brian2.py", "brainpy": "coba_brainpy.py"}
    args = ["--duration-ms", str(duration_ms), "--repeats", str(repeats)]
    spark_runs: list[tuple[float, float]] = []
    if spark_coba_seconds_per_sim_second is not None:  # Spark before and after the others: same load
        spark_runs.append(spark_coba_seconds_per_sim_second(duration_ms, max(1, repeats // 2)))
    results = {}
    for tool, script in tools.items():
        python = os.environ.get(ENV[tool])
        results[tool] = run_script(python, script, args) if python else (None, _missing(tool))
    if spark_coba_seconds_per_sim_second is not None:
        spark_runs.append(spark_coba_seconds_per_sim_second(duration_ms, max(1, repeats - repeats // 2)))

    b2_name = _tool_row(
        report, group, results["brian2"], "Brian2 {version} C++ standalone, 1 thread",
        "code generation + compile {build_s:.1f} s (not included)",
    )
    bp_name = _tool_row(
        report, group, results["brainpy"], "BrainPy {version} (jit, CPU)",
        "first run with compilation {first_run_s:.1f} s (not included)",
    )
    if not spark_runs:
        report.add(
            group,
            "spark.sim.run",
            0.0,
            "s/sim-s",
            note="skipped: benchmarks.coba has no spark_coba_seconds_per_sim_second",
        )
        return
    spark = statistics.mean(s for s, _ in spark_runs)
    rate = statistics.mean(r for _, r in spark_runs)
    report.add(
        group,
        "spark.sim.run vs Brian2",
        spark,
        "s/sim-s",
        ref=b2_name,
        target="<= 2x Brian2 standalone",
        note=f"{rate:.1f} Hz; measured before and after the other tools",
    )
    report.add(group, "spark.sim.run vs BrainPy", spark, "s/sim-s", ref=bp_name, target="< 1.00 (faster)")


# ---------------------------------------------------------------------------------- recurrent LIF


def lif_input(n: int, steps: int) -> jax.Array:
    """The ``lowlevel`` suite's input: 2.0 with probability 0.05, else 0 (``default_rng(1)``)."""
    return jnp.asarray((np.random.default_rng(1).random((steps, n)) < 0.05).astype(np.float32) * 2.0)


def xla_bytes(fn: tp.Callable, *args: tp.Any) -> int | None:
    """Bytes of the buffers of ``jax.jit(fn)(*args)``: arguments + outputs + temporaries - aliased."""
    m = jax.jit(fn).lower(*args).compile().memory_analysis()
    if m is None:
        return None
    return int(
        m.argument_size_in_bytes + m.output_size_in_bytes + m.temp_size_in_bytes - m.alias_size_in_bytes
    )


def _mib(b: int | None) -> float:
    return 0.0 if b is None else b / 2**20


def bench_lif(report: Report, sizes: tp.Sequence[int], steps: int, repeats: int) -> None:
    from benchmarks.lowlevel_lif import make_layer

    rock_version = _version("rockpool")
    in_process = rock_version is not None and importlib.util.find_spec("rockpool") is not None
    python = os.environ.get(ENV["rockpool"])
    remote: dict[int, dict] = {}
    why = ""
    if not in_process and python:
        spark_before = {
            n: _spark_lif(make_layer(n), lif_input(n, steps), max(1, repeats // 2)) for n in sizes
        }
        args = ["--sizes", *map(str, sizes), "--steps", str(steps), "--repeats", str(repeats)]
        out, why = run_script(python, "lif_rockpool.py", args)
        if out is not None:
            rock_version = out["version"]
            remote = {r["n"]: r for r in out["sizes"]}
    elif not in_process:
        why = _missing("rockpool", " 3.1.0")
    for n in sizes:
        group = f"spark.lowlevel vs rockpool LIFJax N={n}"
        print(f"[{group}]", flush=True)
        layer, x = make_layer(n), lif_input(n, steps)
        ours_bytes = xla_bytes(lambda m, inp: m.evolve(inp), layer, x)
        if in_process:
            theirs_res, ours = _rockpool_in_process(layer, x, repeats)
            how = "interleaved in one process"
        elif n in remote:
            after = _spark_lif(layer, x, max(1, repeats - repeats // 2))
            ours = statistics.mean((spark_before[n], after))
            theirs_res = remote[n]
            how = "Spark timed before and after the Rockpool process"
        else:
            ours = _spark_lif(layer, x, repeats)
            theirs_res, how = None, ""
        spark_name = "spark.lowlevel LIFJax.evolve"
        report.add(group, spark_name, ours, "steps/s", note=how)
        name = f"rockpool {rock_version or ''} LIFJax".replace("  ", " ")
        if theirs_res is None:
            report.add(group, f"{name}, jax.jit", 0.0, "steps/s", note=why)
            report.add(group, "XLA buffers of one evolve: spark", _mib(ours_bytes), "MiB")
            continue
        version_note = "" if rock_version == "3.1.0" else f"rockpool {rock_version}, 3.1.0 wanted"
        report.add(
            group,
            f"{name}, jax.jit",
            theirs_res["jit_steps_per_s"],
            "steps/s",
            ref=spark_name,
            target=">= 1.00 (Spark as fast)",
            note=version_note
            or "same work per step; spikes differ (Rockpool 3.1.0 has no 1 - alpha input gain)",
        )
        report.add(
            group,
            f"{name}.evolve as called",
            theirs_res["evolve_steps_per_s"],
            "steps/s",
            ref=spark_name,
            note="not compiled as a whole",
        )
        report.add(group, "XLA buffers of one evolve: spark", _mib(ours_bytes), "MiB")
        report.add(
            group,
            "XLA buffers of one evolve: rockpool",
            _mib(theirs_res["xla_bytes"]),
            "MiB",
            ref="XLA buffers of one evolve: spark",
            target=">= 1.00 (Spark smaller)",
            note="arguments + outputs + temporaries of the compiled call",
        )


def _rockpool_in_process(layer: tp.Any, x: jax.Array, repeats: int) -> tuple[dict, float]:
    """Rockpool imported here: time it interleaved with ``layer``; return its results and Spark's rate."""
    from rockpool.nn.modules import LIFJax as RockLIF

    steps, n = x.shape
    theirs = RockLIF(
        (n, n), tau_mem=0.02, tau_syn=0.005, w_rec=np.asarray(layer.w_rec.value), dt=1e-3, has_rec=True
    )
    call = jax.jit(lambda m, inp: m(inp))
    t = interleaved_medians(
        {
            "spark": lambda: layer.evolve(x)[0],
            "evolve": lambda: theirs.evolve(x)[0],
            "jit": lambda: call(theirs, x)[0],
        },
        repeats,
    )
    res = dict(
        evolve_steps_per_s=steps / t["evolve"],
        jit_steps_per_s=steps / t["jit"],
        xla_bytes=xla_bytes(lambda m, inp: m(inp), theirs, x),
    )
    return res, steps / t["spark"]


def _spark_lif(layer: tp.Any, x: jax.Array, repeats: int) -> float:
    return x.shape[0] / median_seconds(lambda: layer.evolve(x)[0], repeats)


# ------------------------------------------------------------------------------------- spark-snn


def bench_sparksnn(report: Report, quick: bool = False) -> None:
    """The tutorial brain timed by one script under this project and under the original Spark."""
    group = "seed-002 brain N=256 vs original Spark (spark-snn 1.2.2)"
    print(f"[{group}]", flush=True)
    args = ["--quick"] if quick else []
    ours, why = run_script(sys.executable, "seed_tutorial.py", [*args, "--stdp"])
    if ours is None:
        report.add(group, "this project, tutorial brain + STDP", 0.0, "steps/s", note=why)
        return
    name = f"{ours['library']} + STDP"
    report.add(group, f"{name}: fused (lax.scan)", ours["fused_steps_per_s"], "steps/s")
    report.add(group, f"{name}: tutorial loop", ours["loop_steps_per_s"], "steps/s")
    report.add(group, f"{name}: build + first call", ours["build_s"], "s", target="< 2 s")
    python = os.environ.get(ENV["spark-snn"])
    if python:
        theirs, why = run_script(python, "seed_tutorial.py", args)
    else:
        found = _version("spark-snn")
        theirs, why = None, (
            (f"spark-snn {found} found here but it shares the import name 'spark'; " if found else "not installed; ")
            + f"set {ENV['spark-snn']}=/path/to/python3.12 with spark-snn 1.2.2 (it needs Python >= 3.12 and "
            "jax 0.11.1)"
        )
    if theirs is None:
        report.add(group, "spark-snn 1.2.2 (defaults)", 0.0, "steps/s", note=why)
        return
    label = f"{theirs['library']} (defaults)"
    report.add(group, f"{label}: fused (lax.scan)", theirs["fused_steps_per_s"], "steps/s",
               ref=f"{name}: fused (lax.scan)", target=">= 10x slower (this project 10x faster)")
    report.add(group, f"{label}: tutorial loop", theirs["loop_steps_per_s"], "steps/s",
               ref=f"{name}: tutorial loop")
    report.add(group, f"{label}: build + first call", theirs["build_s"], "s")


def bench(
    report: Report,
    n: int | tp.Sequence[int],
    steps: int,
    repeats: int,
    *,
    coba_duration_ms: float = 200.0,
    coba_repeats: int | None = None,
) -> None:
    """All external rows: COBA against Brian2/BrainPy, the LIF layer against Rockpool, spark-snn.

    ``n``: LIF layer size(s); ``steps``/``repeats``: LIF evolve length and timed repeats;
    ``coba_duration_ms``/``coba_repeats``: simulated time per COBA run and timed runs per tool.
    """
    sizes = (n,) if isinstance(n, int) else tuple(n)
    bench_coba(report, coba_duration_ms, coba_repeats or max(2, repeats - 2))
    bench_lif(report, sizes, steps, repeats)
    bench_sparksnn(report, quick=coba_duration_ms < 500)
    sys.stdout.flush()
