"""A recurrent ``LIFJax`` layer of Rockpool, on the same parameters and input as ``benchmarks/lowlevel_lif.py``.

Run with an interpreter that has ``rockpool`` (3.1.0) and ``jax``::

    python benchmarks/others/lif_rockpool.py [--quick] [--sizes 256 1024 4096] [--steps 2000] [--repeats 5]

Layer: ``N`` neurons, ``tau_mem`` = 20 ms, ``tau_syn`` = 5 ms, ``dt`` = 1 ms, threshold 1, bias 0,
recurrent weights ``N(0, 1/sqrt(N))`` drawn with ``numpy.random.default_rng(0)``; input ``(T, N)``: 2.0
where ``default_rng(1).random((T, N)) < 0.05``, else 0. Prints one JSON line on stdout, per size:

* ``evolve_steps_per_s``: ``module.evolve(x)`` as called (Rockpool does not compile it as a whole);
* ``jit_steps_per_s``: ``jax.jit`` of the module call (Rockpool's recommended way to run fast);
* ``xla_bytes``: bytes of the buffers the compiled call needs (arguments + outputs + temporaries,
  XLA's ``memory_analysis``), the same measure the Spark side reports;
* ``first_call_s``: construction + first jitted call (tracing and compilation).

Medians over ``repeats`` calls after one warm-up call; the two ways are interleaved.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time

os.environ.setdefault("JAX_PLATFORMS", "cpu")


def layer_inputs(n: int, steps: int):
    import numpy as np

    rng = np.random.default_rng(0)
    w_rec = rng.normal(0.0, 1.0 / np.sqrt(n), (n, n)).astype(np.float32)
    x = (np.random.default_rng(1).random((steps, n)) < 0.05).astype(np.float32) * 2.0
    return w_rec, x


def xla_bytes(compiled) -> int | None:
    m = compiled.memory_analysis()
    if m is None:
        return None
    return int(
        m.argument_size_in_bytes + m.output_size_in_bytes + m.temp_size_in_bytes - m.alias_size_in_bytes
    )


def bench_size(n: int, steps: int, repeats: int) -> dict:
    import jax
    import jax.numpy as jnp
    from rockpool.nn.modules import LIFJax

    w_rec, x_np = layer_inputs(n, steps)
    x = jnp.asarray(x_np)
    t0 = time.perf_counter()
    mod = LIFJax((n, n), tau_mem=0.02, tau_syn=0.005, w_rec=w_rec, dt=1e-3, has_rec=True)
    call = jax.jit(lambda m, inp: m(inp))
    jax.block_until_ready(call(mod, x)[0])
    first = time.perf_counter() - t0
    compiled = call.lower(mod, x).compile()
    fns = {"evolve": lambda: mod.evolve(x)[0], "jit": lambda: call(mod, x)[0]}
    for fn in fns.values():
        jax.block_until_ready(fn())
    times: dict = {k: [] for k in fns}
    for _ in range(repeats):
        for k, fn in fns.items():
            t = time.perf_counter()
            jax.block_until_ready(fn())
            times[k].append(time.perf_counter() - t)
    same = bool(jnp.array_equal(mod.evolve(x)[0], call(mod, x)[0]))
    out = mod.evolve(x)[0]
    return dict(
        n=n,
        steps=steps,
        evolve_steps_per_s=steps / statistics.median(times["evolve"]),
        jit_steps_per_s=steps / statistics.median(times["jit"]),
        xla_bytes=xla_bytes(compiled),
        first_call_s=first,
        spikes=float(jnp.sum(out)),
        evolve_equals_jit=same,
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="N = 256 only, 1000 steps, 3 repeats")
    ap.add_argument("--sizes", type=int, nargs="+", default=None)
    ap.add_argument("--steps", type=int, default=None)
    ap.add_argument("--repeats", type=int, default=None)
    args = ap.parse_args()
    sizes = args.sizes or ((256,) if args.quick else (256, 1024, 4096))
    steps = args.steps or (1000 if args.quick else 2000)
    repeats = args.repeats or (3 if args.quick else 5)

    import jax
    import rockpool

    results = []
    for n in sizes:
        results.append(bench_size(n, steps, repeats))
        print(f"rockpool LIFJax N={n}: {results[-1]}", file=sys.stderr, flush=True)
    print(
        json.dumps(dict(tool="rockpool", version=rockpool.__version__, jax=jax.__version__, sizes=results)),
        flush=True,
    )


if __name__ == "__main__":
    main()
