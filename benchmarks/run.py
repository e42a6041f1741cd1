"""Run Spark's benchmarks and print one table: ``python -m benchmarks [--quick] [--only NAME ...]``.

(``python benchmarks/run.py ...`` works too.)

Every speed is compared with a reference measured in the same run (a hand-written pure-JAX floor,
a trivial jitted function, or the memory-bandwidth bound); see ``benchmarks/README.md``.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time

if __package__ in (None, ""):  # run as a script: make the repository root importable
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

SUITES = ("seed", "lowlevel", "coba", "synapses", "external")


def _settings(quick: bool) -> dict:
    if quick:
        return dict(
            sizes=(256,),
            steps={256: 500},
            repeats=3,
            lif_sizes=(256,),
            lif_steps=1000,
            coba_steps=1000,
            syn_steps=100,
        )
    return dict(
        sizes=(256, 1024, 4096),
        steps={256: 5000, 1024: 1000, 4096: 40},
        repeats=5,
        lif_sizes=(256, 1024, 4096),
        lif_steps=2000,
        coba_steps=10000,  # one simulated second
        syn_steps=300,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes and short runs (about a minute)")
    parser.add_argument("--only", nargs="+", choices=SUITES, help="run only these suites")
    args = parser.parse_args(argv)
    os.environ.setdefault("JAX_PLATFORMS", "cpu")

    import jax

    from benchmarks import coba, external, lowlevel_lif, seed_brain, synapses
    from benchmarks._harness import Report

    s = _settings(args.quick)
    suites = args.only or SUITES
    report = Report()
    started = time.perf_counter()
    print(
        f"Spark benchmarks ({'quick' if args.quick else 'full'}): jax {jax.__version__}, "
        f"devices {jax.devices()}, {os.cpu_count()} CPUs, python {platform.python_version()}",
        flush=True,
    )
    if "seed" in suites:
        seed_brain.bench(report, s["sizes"], s["steps"], s["repeats"])
    if "lowlevel" in suites:
        lowlevel_lif.bench(report, s["lif_sizes"], s["lif_steps"], s["repeats"])
    if "coba" in suites:
        coba.bench(report, s["coba_steps"], max(2, s["repeats"] - 2))
    if "synapses" in suites:
        synapses.bench(report, s["syn_steps"], s["repeats"])
    if "external" in suites:
        external.bench(
            report, s["lif_sizes"], s["lif_steps"], s["repeats"], coba_duration_ms=s["coba_steps"] * coba.DT
        )
    print()
    print(report.table())
    print(
        f"\n'x ref' = time / reference time (rates: reference rate / rate); medians of interleaved repeats. "
        f"Total {time.perf_counter() - started:.0f} s."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
