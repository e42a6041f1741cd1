"""Side-by-side rows for other libraries, when they happen to be installed (never installed by us).

* ``rockpool`` 3.1.0: its ``LIFJax`` recurrent layer on the same input as the ``spark.lowlevel`` row.
* ``spark-snn`` 1.2.2 (the original Spark): it installs a top-level package also named ``spark``, so it
  cannot be imported next to this project; when its distribution is found, the row says so and points
  to running its tutorial loop in its own environment.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util

import jax.numpy as jnp
import numpy as np

from benchmarks._harness import Report, interleaved_medians


def _version(dist: str) -> str | None:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return None


def bench(report: Report, n: int, steps: int, repeats: int) -> None:
    group = f"other libraries (recurrent LIF N={n})"
    print(f"[{group}]", flush=True)
    rock = _version("rockpool")
    if rock is None or importlib.util.find_spec("rockpool") is None:
        report.add(group, "rockpool LIFJax.evolve", 0.0, "steps/s", note="rockpool not installed: skipped")
    elif rock != "3.1.0":
        report.add(
            group,
            "rockpool LIFJax.evolve",
            0.0,
            "steps/s",
            note=f"rockpool {rock} found, 3.1.0 wanted: skipped",
        )
    else:
        from rockpool.nn.modules import LIFJax as RockLIF

        from benchmarks.lowlevel_lif import make_layer

        ours = make_layer(n)
        w_rec = np.asarray(ours.w_rec.value)
        theirs = RockLIF((n, n), tau_mem=0.02, tau_syn=0.005, w_rec=w_rec, dt=1e-3, has_rec=True)
        x = jnp.asarray((np.random.default_rng(1).random((steps, n)) < 0.05).astype(np.float32) * 2.0)
        t = interleaved_medians(
            {"spark": lambda: ours.evolve(x)[0], "rockpool": lambda: theirs.evolve(x)[0]}, repeats
        )
        report.add(group, "spark.lowlevel LIFJax.evolve", steps / t["spark"], "steps/s")
        report.add(
            group,
            "rockpool 3.1.0 LIFJax.evolve",
            steps / t["rockpool"],
            "steps/s",
            ref="spark.lowlevel LIFJax.evolve",
        )
    original = _version("spark-snn")
    if original is None:
        report.add(
            group, "spark-snn (original Spark)", 0.0, "steps/s", note="spark-snn not installed: skipped"
        )
    else:
        report.add(
            group,
            "spark-snn (original Spark)",
            0.0,
            "steps/s",
            note=f"spark-snn {original} found but shares the import name 'spark'; run its tutorial "
            f"loop in a separate environment",
        )
