"""CartPole learned from failures: the full learning run of ``spark demo cartpole`` on a list of seeds.

For every seed, the shipped learner brain (``spark/examples/cartpole_learner.scfg``, re-seeded) plays
``--episodes`` episodes of gymnasium's ``CartPole-v1``, learning only from the ``-1`` it receives when
the pole falls. Reported per seed: the mean length of the last 20 episodes (success: >= 195), the first
episode at which the 20-episode running mean reached 195, the wall time and the environment steps.
Writes a figure with every seed's learning curve and a JSON file with all episode lengths.

    python -m benchmarks.cartpole_learning                   # seeds 0-4, 300 episodes, one at a time
    python -m benchmarks.cartpole_learning --jobs 2 --seeds 0 1

The seeds run one after the other by default, so each seed's time is that of one training run on the
machine; ``--jobs N`` runs N seeds in parallel processes (faster overall, slower per seed).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
WINDOW, TARGET = 20, 195.0


def run_seed(seed: int, episodes: int, k: int, baseline: int = 0) -> dict:
    """Train one seed; return its lengths and timing (and the frozen brain's mean over ``baseline`` episodes)."""
    from spark.demos import cartpole

    frozen = None
    if baseline:
        frozen = cartpole.train(baseline, seed=seed, steps_per_env_step=k, learn=False, record_last=False)
    result = cartpole.train(episodes, seed=seed, steps_per_env_step=k, record_last=False)
    lengths = np.asarray(result.lengths)
    mean = np.convolve(lengths, np.ones(WINDOW) / WINDOW, mode="valid")
    reached = np.nonzero(mean >= TARGET)[0]
    return {
        "seed": seed,
        "lengths": lengths.tolist(),
        "mean_last_20": float(lengths[-WINDOW:].mean()),
        "solved": bool(lengths[-WINDOW:].mean() >= TARGET),
        "first_episode_mean20_ge_195": int(reached[0] + WINDOW) if reached.size else None,
        "seconds": result.seconds,
        "env_steps": int(lengths.sum()),
        "frozen_mean": float(np.mean(frozen.lengths)) if frozen is not None else None,
    }


def _worker(args: tuple[int, int, int, int]) -> dict:
    return run_seed(*args)


def plot(results: list[dict], path: Path, episodes: int, k: int) -> None:
    from matplotlib.figure import Figure

    from spark.plot import learning_curve

    fig = Figure(figsize=(12, 4.5), layout="constrained")
    left, right = fig.subplots(1, 2, width_ratios=(3, 2))
    learning_curve(
        {f"seed {r['seed']}": r["lengths"] for r in results},
        left,
        window=WINDOW,
        target=TARGET,
        show_raw=False,
        ylabel=f"episode length ({WINDOW}-episode running mean)",
        title=f"CartPole-v1 from the failure signal only ({k} brain steps per env step)",
    )
    left.set_ylim(0, 520)
    left.set_xlim(0, episodes)
    for i, r in enumerate(results):
        right.plot(np.arange(1, len(r["lengths"]) + 1), r["lengths"], lw=0.6, color=f"C{i}", alpha=0.8)
    right.set_xlabel("episode")
    right.set_ylabel("episode length (raw)")
    right.set_ylim(0, 520)
    solved = sum(r["solved"] for r in results)
    right.set_title(f"{solved} of {len(results)} seeds: mean of the last {WINDOW} episodes >= {TARGET:g}")
    fig.savefig(path, dpi=110)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    parser.add_argument("--episodes", type=int, default=300)
    parser.add_argument("-k", "--steps-per-env-step", type=int, default=20, dest="k")
    parser.add_argument("--jobs", type=int, default=1, help="seeds trained in parallel processes")
    parser.add_argument(
        "--baseline",
        type=int,
        default=100,
        help="episodes played first by the same brain without learning, for comparison (0: skip)",
    )
    parser.add_argument("--out", default=str(ROOT / "docs" / "img"), help="folder of the figure and JSON")
    args = parser.parse_args(argv)

    os.environ.setdefault("JAX_PLATFORMS", "cpu")
    jobs = [(s, args.episodes, args.k, args.baseline) for s in args.seeds]
    started = time.perf_counter()
    if args.jobs > 1:
        import multiprocessing as mp

        with mp.get_context("spawn").Pool(args.jobs) as pool:
            results = []
            for r in pool.imap(_worker, jobs):
                results.append(r)
                _print_row(r)
    else:
        results = []
        for job in jobs:
            results.append(_worker(job))
            _print_row(results[-1])
    total = time.perf_counter() - started

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    plot(results, out / "cartpole_learning.png", args.episodes, args.k)
    meta = {
        "episodes": args.episodes,
        "steps_per_env_step": args.k,
        "jobs": args.jobs,
        "total_seconds": total,
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, {platform.python_version()}",
    }
    (out / "cartpole_learning.json").write_text(json.dumps({"meta": meta, "seeds": results}) + "\n")
    solved = sum(r["solved"] for r in results)
    print(
        f"{solved}/{len(results)} seeds solved (mean of the last {WINDOW} >= {TARGET:g}); total {total:.0f} s"
    )
    print(f"wrote {out / 'cartpole_learning.png'} and {out / 'cartpole_learning.json'}")
    return 0


def _print_row(r: dict) -> None:
    first = r["first_episode_mean20_ge_195"]
    frozen = f"; frozen brain: mean {r['frozen_mean']:.1f}" if r.get("frozen_mean") is not None else ""
    print(
        f"seed {r['seed']}: last-20 mean {r['mean_last_20']:6.1f}  {'solved' if r['solved'] else 'failed'}  "
        f"first mean20>=195 at episode {first if first else '-':>4}  {r['seconds']:6.1f} s  "
        f"{r['env_steps']} env steps ({r['env_steps'] / r['seconds']:.0f}/s){frozen}",
        flush=True,
    )


if __name__ == "__main__":
    sys.exit(main())
