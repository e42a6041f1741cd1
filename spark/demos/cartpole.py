"""``spark demo cartpole``: a spiking brain balances CartPole and learns from its failures.

The shipped brain (``spark/examples/cartpole_learner.scfg``, built by
:mod:`spark.demos.make_cartpole_learner`) plays gymnasium's ``CartPole-v1`` closed loop: every
environment step it sees the place-coded observation for a few brain steps, and the more active of its
two competing populations (A: push left, B: push right) chooses the action. The only learning signal is
the failure: when the pole falls the brain receives ``reward = -1`` once, which its three-factor rule
(:class:`~spark.demos.PopulationThreeFactorRule`) turns into weight changes of the synapses that were
eligible in the last few tens of milliseconds. There is no critic, no backpropagation and no reward
while the pole stays up.

    spark demo cartpole --episodes 300 --seed 1 --out cartpole-run

prints every episode's length, shows a progress bar and writes to the output folder:

* ``learning_curve.png`` — episode lengths and their 20-episode running mean;
* ``raster.png`` — spikes of every population during the last episode, the observations drawn over the
  spiker's rows, and the actions below;
* ``weights.png`` — what was learned: the input weights onto B minus those onto A, per observation;
* ``episodes.csv`` and ``summary.json`` — the numbers.

From Python: ``spark.demos.cartpole.main(['--episodes', '5'])`` or :func:`train`.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import typing as tp
from pathlib import Path

import numpy as np

__all__ = ["main", "add_cartpole_parser", "build_parser", "train", "normalise", "TrainResult", "OBS_SCALE"]

OBS_SCALE = np.array([2.4, 2.5, 0.2095, 3.5], np.float32)
"""Cart position (m), cart velocity (m/s), pole angle (rad), pole angular velocity (rad/s) mapped to ±1."""
OBS_NAMES = ("cart position", "cart velocity", "pole angle", "pole velocity")
WINDOW = 20
TARGET = 195.0


def normalise(obs: tp.Any) -> np.ndarray:
    """CartPole observation scaled by :data:`OBS_SCALE` and clipped to ``[-1, 1]``."""
    return np.clip(np.asarray(obs, np.float32) / OBS_SCALE, -1.0, 1.0)


class TrainResult(tp.NamedTuple):
    """Outcome of :func:`train`: episode lengths, wall time, the controller and the recorded episode."""

    lengths: list[int]
    seconds: float
    controller: tp.Any
    trace: tp.Any


def _configure(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    parser.add_argument("--episodes", "-n", type=int, default=150, help="episodes to play (default: 150)")
    parser.add_argument(
        "--seed",
        type=int,
        default=0,
        help="seed of the environment and of the brain's initial weights (default: 0)",
    )
    parser.add_argument(
        "--steps-per-env-step",
        "-k",
        type=int,
        default=20,
        dest="steps_per_env_step",
        help="brain steps (1 ms each) per environment step (default: 20)",
    )
    parser.add_argument(
        "--learn",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="let the failures change the weights (--no-learn: frozen brain)",
    )
    parser.add_argument(
        "--out",
        default="spark-demo-cartpole",
        metavar="DIR",
        help="folder for the figures and numbers (default: ./spark-demo-cartpole)",
    )
    parser.add_argument(
        "--model",
        default=None,
        metavar="SCFG",
        help="brain config to run (default: the shipped cartpole_learner.scfg)",
    )
    parser.add_argument(
        "--max-steps",
        type=int,
        default=None,
        help="cut episodes after this many environment steps (default: CartPole's 500)",
    )
    parser.add_argument(
        "--quiet",
        action="store_true",
        help="no progress bar and no per-episode lines (the summary is still printed)",
    )
    return parser


def build_parser(prog: str = "spark demo cartpole") -> argparse.ArgumentParser:
    """The argument parser of the CartPole demo."""
    return _configure(
        argparse.ArgumentParser(
            prog=prog,
            description="A spiking brain learns CartPole-v1 from its failures (three-factor plasticity).",
        )
    )


def add_cartpole_parser(subparsers: tp.Any) -> argparse.ArgumentParser:
    """Add the ``cartpole`` command to an ``argparse`` sub-parser collection (``args.func(args)`` runs it)."""
    parser = subparsers.add_parser(
        "cartpole",
        help="a spiking brain learns CartPole from its failures",
        description=build_parser().description,
    )
    _configure(parser)
    parser.set_defaults(func=run)
    return parser


def load_config(model: str | None, seed: int) -> tp.Any:
    """The brain config from ``model`` (default: the shipped learner), re-seeded with ``seed``."""
    import spark
    import spark.demos  # noqa: F401  (registers the demo's modules before the file is read)
    from spark.demos.make_cartpole_learner import default_path

    path = model or default_path()
    if not Path(path).exists():
        raise SystemExit(f"spark demo cartpole: model file {path!r} does not exist")
    config = spark.nn.BrainConfig.from_file(path)
    config.refresh_seeds(seed)
    return config


def make_env(max_steps: int | None = None) -> tp.Any:
    """gymnasium's ``CartPole-v1`` (an informative error when gymnasium is missing)."""
    try:
        import gymnasium as gym
    except ImportError as exc:  # pragma: no cover - depends on the installation
        raise SystemExit("spark demo cartpole needs gymnasium: pip install 'spark-nnx[gym]'") from exc
    kwargs = {} if max_steps is None else {"max_episode_steps": int(max_steps)}
    return gym.make("CartPole-v1", **kwargs)


def train(
    episodes: int,
    seed: int = 0,
    steps_per_env_step: int = 20,
    learn: bool = True,
    model: str | None = None,
    max_steps: int | None = None,
    record_last: bool = True,
    progress: bool = False,
    on_episode: tp.Callable[[int, int], None] | None = None,
) -> TrainResult:
    """Play ``episodes`` episodes of CartPole with the learner brain.

    Args:
        episodes: number of episodes.
        seed: seeds the environment (first reset) and the brain's initial weights.
        steps_per_env_step: brain steps per environment step.
        learn: deliver failures to the brain (``False`` keeps its weights).
        model: brain config file (default: the shipped learner).
        max_steps: cut episodes after this many steps (default: the environment's 500).
        record_last: record spikes, outputs and observations of the last episode (``result.trace``).
        progress: show a tqdm progress bar.
        on_episode: called as ``on_episode(index, length)`` after every episode.
    """
    from spark.demos._closed_loop import BrainController

    if episodes < 1:
        raise ValueError(f"episodes must be >= 1, got {episodes}")
    controller = BrainController(load_config(model, seed), steps_per_env_step=steps_per_env_step, learn=learn)
    env = make_env(max_steps)
    lengths: list[int] = []
    trace = None
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=episodes, unit="episode", desc="CartPole", dynamic_ncols=True)
    started = time.perf_counter()
    try:
        for i in range(episodes):
            record = record_last and i == episodes - 1
            out = controller.episode(env, normalise, seed=seed if i == 0 else None, record=record)
            if record:
                trace, length = out, out.length
            else:
                length = int(out)
            lengths.append(length)
            if on_episode is not None:
                on_episode(i, length)
            if bar is not None:
                bar.set_postfix(length=length, mean20=f"{np.mean(lengths[-WINDOW:]):.0f}")
                bar.update(1)
    finally:
        if bar is not None:
            bar.close()
        env.close()
    return TrainResult(lengths, time.perf_counter() - started, controller, trace)


def run(args: argparse.Namespace) -> int:
    """Run the demo for parsed ``args`` (see :func:`build_parser`); write the figures and numbers."""
    from spark.demos._cartpole_figures import write_figures

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    say = (lambda *_: None) if args.quiet else print
    say(
        f"spark demo cartpole: {args.episodes} episodes, seed {args.seed}, "
        f"{args.steps_per_env_step} brain steps per env step, learning {'on' if args.learn else 'off'}"
    )

    def report(i: int, length: int) -> None:
        if not args.quiet:
            from tqdm.auto import tqdm

            tqdm.write(f"episode {i + 1:4d}: {length:3d} steps")

    result = train(
        args.episodes,
        args.seed,
        args.steps_per_env_step,
        args.learn,
        args.model,
        args.max_steps,
        record_last=True,
        progress=not args.quiet,
        on_episode=report,
    )
    lengths = np.asarray(result.lengths)
    last = float(lengths[-WINDOW:].mean())
    summary = {
        "episodes": int(lengths.size),
        "seed": args.seed,
        "steps_per_env_step": args.steps_per_env_step,
        "learn": bool(args.learn),
        "mean_last_20": last,
        "best": int(lengths.max()),
        "solved": bool(lengths.size >= WINDOW and last >= TARGET),
        "seconds": round(result.seconds, 2),
        "env_steps": int(lengths.sum()),
    }
    np.savetxt(
        out / "episodes.csv",
        np.column_stack([np.arange(1, lengths.size + 1), lengths]),
        fmt="%d",
        delimiter=",",
        header="episode,length",
        comments="",
    )
    (out / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    paths = write_figures(
        out, lengths, result.trace, result.controller, args.steps_per_env_step, title=f"seed {args.seed}"
    )
    print(
        f"mean length of the last {min(WINDOW, lengths.size)} episodes: {last:.1f} "
        f"(best {lengths.max()}), {result.seconds:.1f} s"
    )
    say(f"wrote {', '.join(str(p) for p in paths)} and {out / 'episodes.csv'}, {out / 'summary.json'}")
    print(f"output folder: {out.resolve()}")
    return 0


def main(argv: tp.Sequence[str] | None = None) -> int:
    """Entry point of ``spark demo cartpole`` (``argv``: the options after ``cartpole``)."""
    return run(build_parser().parse_args(list(sys.argv[1:] if argv is None else argv)))


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
