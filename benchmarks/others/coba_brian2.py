"""COBA network (see ``_coba_model.py``) in Brian2, C++ standalone (default) or runtime mode.

Run with an interpreter that has Brian2 and a C++ compiler::

    python benchmarks/others/coba_brian2.py [--quick] [--duration-ms 1000] [--repeats 3]
        [--mode cpp_standalone|runtime] [--method euler|exponential_euler] [--dtype float64|float32]

Prints progress on stderr and one JSON line on stdout. Standalone mode generates and compiles the
project once (``build_s``, of which ``compile_s`` is the ``make`` step), then runs the binary
``repeats`` times; ``sim_s_per_s`` is the median network run time measured inside the binary
(Brian2's ``last_run_time``: no process start, no file loading) per simulated second. Single
threaded (``openmp_threads = 0``). Runtime mode times ``run`` after a 1 ms warm-up run that compiles
the code objects.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from _coba_model import CONNECTIVITY, PARAMS, connectivity, emit, initial_potential  # noqa: E402


def build_network(b2, method: str, seed: int, conn: str):
    p = PARAMS
    ms, mV = b2.ms, b2.mV
    n = p["n_exc"] + p["n_inh"]
    namespace = dict(
        tau_m=p["tau_m"] * ms,
        tau_e=p["tau_e"] * ms,
        tau_i=p["tau_i"] * ms,
        E_L=p["e_l"] * mV,
        E_e=p["e_e"] * mV,
        E_i=p["e_i"] * mV,
        I_ext=p["i_ext"] * mV,
        v_th=p["v_th"] * mV,
        v_reset=p["v_reset"] * mV,
        w_e=p["w_e"],
        w_i=p["w_i"],
    )
    eqs = """
    dv/dt = (E_L - v + g_e * (E_e - v) + g_i * (E_i - v) + I_ext) / tau_m : volt (unless refractory)
    dg_e/dt = -g_e / tau_e : 1
    dg_i/dt = -g_i / tau_i : 1
    """
    group = b2.NeuronGroup(
        n,
        eqs,
        threshold="v >= v_th",
        reset="v = v_reset",
        refractory=p["t_ref"] * ms,
        method=method,
        namespace=namespace,
    )
    pre_e, post_e, pre_i, post_i = connectivity(seed, conn)
    exc = b2.Synapses(group[: p["n_exc"]], group, on_pre="g_e += w_e", namespace=namespace)
    exc.connect(i=pre_e, j=post_e)
    inh = b2.Synapses(group[p["n_exc"] :], group, on_pre="g_i += w_i", namespace=namespace)
    inh.connect(i=pre_i, j=post_i)
    group.v = initial_potential(seed) * mV
    group.g_e = 0.0
    group.g_i = 0.0
    counter = b2.SpikeMonitor(group, record=False)
    return b2.Network(group, exc, inh, counter), counter


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="short run (200 ms, 2 repeats)")
    ap.add_argument("--duration-ms", type=float, default=None, help="simulated time per run (default 1000)")
    ap.add_argument("--repeats", type=int, default=None, help="timed runs (default 3)")
    ap.add_argument("--mode", choices=("cpp_standalone", "runtime"), default="cpp_standalone")
    ap.add_argument("--method", default="euler", help="Brian2 integration method (default euler)")
    ap.add_argument("--dtype", choices=("float64", "float32"), default="float64")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--connectivity", choices=sorted(CONNECTIVITY), default="in80")
    args = ap.parse_args()
    duration = args.duration_ms or (200.0 if args.quick else 1000.0)
    repeats = args.repeats or (2 if args.quick else 3)

    import brian2 as b2
    import numpy as np

    b2.prefs.core.default_float_dtype = getattr(np, args.dtype)
    b2.defaultclock.dt = PARAMS["dt"] * b2.ms
    result: dict = dict(
        tool="brian2",
        version=b2.__version__,
        mode=args.mode,
        method=args.method,
        dtype=args.dtype,
        threads=1,
        duration_ms=duration,
        connectivity=CONNECTIVITY[args.connectivity],
    )
    simulated = duration / 1000.0
    if args.mode == "cpp_standalone":
        with tempfile.TemporaryDirectory(prefix="coba_brian2_") as tmp:
            b2.set_device("cpp_standalone", directory=tmp, build_on_run=False)
            b2.prefs.devices.cpp_standalone.openmp_threads = 0
            net, counter = build_network(b2, args.method, args.seed, args.connectivity)
            net.run(duration * b2.ms)
            t0 = time.perf_counter()
            b2.device.build(directory=tmp, compile=True, run=False, with_output=False)
            result["build_s"] = time.perf_counter() - t0
            result["compile_s"] = b2.device.timers["compile"]["make"]
            times, wall = [], []
            for r in range(repeats):
                t0 = time.perf_counter()
                b2.device.run(directory=tmp, with_output=False)
                wall.append(time.perf_counter() - t0)
                times.append(b2.device._last_run_time)
                print(f"brian2 standalone run {r + 1}/{repeats}: {times[-1]:.3f} s", file=sys.stderr)
            spikes = int(counter.num_spikes)
            result["binary_wall_s"] = statistics.median(wall)
    else:
        b2.prefs.codegen.target = "cython"
        net, counter = build_network(b2, args.method, args.seed, args.connectivity)
        net.store("initial")
        t0 = time.perf_counter()
        net.run(1 * b2.ms)  # code generation and compilation
        result["build_s"] = time.perf_counter() - t0
        times = []
        spikes = 0
        for r in range(repeats):
            net.restore("initial")  # state, monitor and clock as before the warm-up run
            t0 = time.perf_counter()
            net.run(duration * b2.ms)
            times.append(time.perf_counter() - t0)
            spikes = int(counter.num_spikes)
            print(f"brian2 runtime run {r + 1}/{repeats}: {times[-1]:.3f} s", file=sys.stderr)
    n = PARAMS["n_exc"] + PARAMS["n_inh"]
    result["run_s"] = statistics.median(times)
    result["sim_s_per_s"] = result["run_s"] / simulated
    result["rate_hz"] = spikes / n / simulated
    emit(result)


if __name__ == "__main__":
    main()
