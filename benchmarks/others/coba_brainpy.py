"""COBA network (see ``_coba_model.py``) in BrainPy on the CPU, compiled with JAX.

Run with an interpreter that has ``brainpy`` (2.x) and ``jax``::

    python benchmarks/others/coba_brainpy.py [--quick] [--duration-ms 1000] [--repeats 3]

Built from BrainPy's own parts: ``bp.dyn.LifRef`` (integrated with ``exp_auto``, BrainPy's default:
exponential Euler), one ``HalfProjAlignPostMg`` per presynaptic population with an event-driven
``EventCSRLinear`` on the shared connectivity, ``Expon`` conductances and a ``COBA`` output; the
spikes of step ``t`` reach the conductances at step ``t + 1``. The whole run is one jitted
``for_loop``; every timed run restarts from the initial state. The first run (tracing and
compilation included) is reported as ``first_run_s``; ``sim_s_per_s`` is the median of the next
``repeats`` runs per simulated second. Prints one JSON line on stdout.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

os.environ.setdefault("JAX_PLATFORMS", "cpu")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from _coba_model import CONNECTIVITY, PARAMS, connectivity, emit, initial_potential  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="short run (200 ms, 2 repeats)")
    ap.add_argument("--duration-ms", type=float, default=None, help="simulated time per run (default 1000)")
    ap.add_argument("--repeats", type=int, default=None, help="timed runs after the first (default 3)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--connectivity", choices=sorted(CONNECTIVITY), default="in80")
    args = ap.parse_args()
    duration = args.duration_ms or (200.0 if args.quick else 1000.0)
    repeats = args.repeats or (2 if args.quick else 3)

    import brainpy as bp
    import brainpy.math as bm
    import jax
    import numpy as np

    p = PARAMS
    n_exc, n = p["n_exc"], p["n_exc"] + p["n_inh"]
    bm.set_platform("cpu")
    bm.set_dt(p["dt"])
    pre_e, post_e, pre_i, post_i = connectivity(args.seed, args.connectivity)
    v0 = initial_potential(args.seed).astype(np.float32)

    class COBA(bp.DynSysGroup):
        def __init__(self) -> None:
            super().__init__()
            self.neurons = bp.dyn.LifRef(
                n,
                V_rest=p["e_l"],
                V_th=p["v_th"],
                V_reset=p["v_reset"],
                tau=p["tau_m"],
                tau_ref=p["t_ref"],
                V_initializer=bm.asarray(v0),
                method="exp_auto",
            )
            self.exc = bp.dyn.HalfProjAlignPostMg(
                comm=bp.dnn.EventCSRLinear(bp.conn.IJConn(pre_e, post_e)(n_exc, n), p["w_e"]),
                syn=bp.dyn.Expon.desc(n, tau=p["tau_e"]),
                out=bp.dyn.COBA.desc(E=p["e_e"]),
                post=self.neurons,
            )
            self.inh = bp.dyn.HalfProjAlignPostMg(
                comm=bp.dnn.EventCSRLinear(bp.conn.IJConn(pre_i, post_i)(n - n_exc, n), p["w_i"]),
                syn=bp.dyn.Expon.desc(n, tau=p["tau_i"]),
                out=bp.dyn.COBA.desc(E=p["e_i"]),
                post=self.neurons,
            )

        def update(self, drive):
            spikes = self.neurons.spike.value  # last step's spikes
            self.exc(spikes[:n_exc])
            self.inh(spikes[n_exc:])
            return bm.sum(self.neurons(drive))

    net = COBA()
    steps = int(round(duration / p["dt"]))

    @bm.jit
    def simulate(indices):
        return bm.for_loop(lambda i: net.step_run(i, p["i_ext"]), indices)

    def fresh_run() -> tuple[float, float]:
        bp.reset_state(net)
        net.neurons.V.value = bm.asarray(v0)
        indices = np.arange(steps)
        t0 = time.perf_counter()
        counts = simulate(indices)
        jax.block_until_ready(counts)
        return time.perf_counter() - t0, float(np.sum(np.asarray(counts)))

    first, spikes = fresh_run()
    times = []
    for r in range(repeats):
        t, spikes_r = fresh_run()
        times.append(t)
        print(f"brainpy run {r + 1}/{repeats}: {t:.3f} s ({spikes_r:.0f} spikes)", file=sys.stderr)
    simulated = duration / 1000.0
    emit(
        dict(
            tool="brainpy",
            version=bp.__version__,
            jax=jax.__version__,
            method="exp_auto",
            dtype=str(bm.asarray(v0).dtype),
            connectivity=CONNECTIVITY[args.connectivity],
            duration_ms=duration,
            first_run_s=first,
            run_s=statistics.median(times),
            sim_s_per_s=statistics.median(times) / simulated,
            rate_hz=spikes / n / simulated,
            same_spikes_every_run=spikes == spikes_r,
        )
    )


if __name__ == "__main__":
    main()
