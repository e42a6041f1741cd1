"""``spark run MODEL.scfg``: simulate a saved brain, record chosen signals to ``.npz``, plot a raster.

    spark run model.scfg --steps 1000 --input noise --record action --record 'A_ex/soma/potential'

What it does:

1. loads the :class:`spark.nn.BrainConfig` from ``MODEL.scfg`` and builds the brain;
2. feeds every brain input with ``--input``: ``constant`` (every entry ``--value``), ``noise`` (Gaussian,
   mean ``--value``, standard deviation ``--std``, seeded by ``--seed``; Bernoulli spikes of probability
   ``--std`` for spike inputs) or a ``FILE`` (``.npy`` for a brain with one input, ``.npz`` with one array
   per input name; each array ``(T, *shape)`` or ``shape`` for a constant);
3. runs ``--steps`` steps in one compiled loop (:func:`spark.sim.run`) with a progress bar;
4. writes the recorded signals (``--record``, repeatable: output ports, state keys or glob patterns;
   default: every brain output and the spikes of every module) to ``OUT/<model>.npz`` (compressed), and a
   raster of every spiking module to ``OUT/<model>_raster.png``.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import typing as tp
from pathlib import Path

import numpy as np

__all__ = ["main", "add_run_parser", "build_parser", "run_model"]

INPUT_KINDS = ("constant", "noise")


def _configure(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    parser.add_argument("model", help="brain config file (.scfg), e.g. one saved by the graph editor")
    parser.add_argument(
        "--steps", "-T", type=int, default=1000, help="number of steps to run (default: 1000)"
    )
    parser.add_argument(
        "--input",
        default="constant",
        metavar="constant|noise|FILE",
        help="how every brain input is fed: 'constant', 'noise', or a .npy/.npz file (default: constant)",
    )
    parser.add_argument("--value", type=float, default=0.0, help="constant value / noise mean (default: 0)")
    parser.add_argument("--std", type=float, default=0.5, help="noise standard deviation (default: 0.5)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the noise input (default: 0)")
    parser.add_argument(
        "--record",
        action="append",
        default=None,
        metavar="NAME",
        help="output port, state key or glob pattern to record (repeatable; default: every output and "
        "every module's spikes)",
    )
    parser.add_argument("--decimate", type=int, default=1, help="keep one record sample every N steps")
    parser.add_argument(
        "--out", default=None, metavar="DIR", help="output folder (default: ./spark-run-<model>)"
    )
    parser.add_argument("--no-plot", action="store_true", help="do not write the raster PNG")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    return parser


def build_parser(prog: str = "spark run") -> argparse.ArgumentParser:
    """The argument parser of ``spark run``."""
    return _configure(
        argparse.ArgumentParser(
            prog=prog,
            description="Simulate a saved brain (.scfg): record chosen signals to a compressed .npz and "
            "plot a spike raster.",
        )
    )


def add_run_parser(subparsers: tp.Any) -> argparse.ArgumentParser:
    """Add the ``run`` command to an ``argparse`` sub-parser collection; dispatch with ``main``."""
    parser = subparsers.add_parser(
        "run",
        help="simulate a saved brain (.scfg), record ports, plot a raster",
        description=build_parser().description,
    )
    _configure(parser)
    parser.set_defaults(func=lambda args: _run(args))
    return parser


# -- inputs -----------------------------------------------------------------------------------------
def _load_file(path: str, names: list[str]) -> dict[str, np.ndarray]:
    if not os.path.exists(path):
        raise SystemExit(
            f"spark run: --input {path!r} is neither 'constant', 'noise' nor an existing .npy/.npz file"
        )
    if path.endswith(".npz"):
        with np.load(path) as data:
            arrays = {k: np.asarray(data[k]) for k in data.files}
        missing = [n for n in names if n not in arrays]
        if missing:
            raise SystemExit(
                f"spark run: {path} has no array for input '{missing[0]}'; it holds {', '.join(arrays) or 'nothing'} "
                f"(name one array per brain input: {', '.join(names)})"
            )
        return {n: arrays[n] for n in names}
    if path.endswith(".npy"):
        if len(names) != 1:
            raise SystemExit(
                f"spark run: a .npy file feeds a brain with one input, this one has {len(names)} "
                f"({', '.join(names)}); use a .npz with one array per input"
            )
        return {names[0]: np.load(path)}
    raise SystemExit(f"spark run: --input file must be .npy or .npz, got {path!r}")


def make_inputs(
    brain: tp.Any, kind: str, steps: int, value: float = 0.0, std: float = 0.5, seed: int = 0
) -> dict:
    """``{input: (T, *shape) array}`` for every input of ``brain`` (see the module docstring)."""
    import spark

    specs = dict(brain.config.input_map)
    rng = np.random.default_rng(seed)
    out: dict[str, tp.Any] = {}
    if kind in INPUT_KINDS:
        for name, spec in specs.items():
            shape = (steps, *tuple(spec.shape))
            dtype = np.dtype(spec.dtype)
            is_spikes = issubclass(spec.payload_type, spark.SpikeArray)
            if kind == "constant":
                arr = np.full(shape, value, dtype)
            elif is_spikes:
                arr = (rng.random(shape) < std).astype(dtype)
            else:
                arr = (value + std * rng.standard_normal(shape)).astype(dtype)
            out[name] = spec.payload_type(arr)
        return out
    arrays = _load_file(kind, list(specs))
    for name, spec in specs.items():
        arr = np.asarray(arrays[name])
        shape = tuple(spec.shape)
        if arr.shape == shape:
            arr = np.broadcast_to(arr, (steps, *shape))
        elif arr.shape[1:] != shape or arr.shape[0] < steps:
            raise SystemExit(
                f"spark run: input '{name}' from {kind} has shape {arr.shape}; expected {shape} (constant) or "
                f"(T, {', '.join(map(str, shape))}) with T >= --steps ({steps})"
            )
        out[name] = spec.payload_type(np.ascontiguousarray(arr[:steps]).astype(np.dtype(spec.dtype)))
    return out


def spike_keys(brain: tp.Any) -> dict[str, str]:
    """``{module_name: state key}`` of the cached spikes of every module of a built brain."""
    import spark

    keys = {}
    for module_name, ports in brain.cache.items():
        outputs = brain.modules[module_name].get_output_specs()
        for port in ports:
            spec = outputs.get(port)
            if spec is not None and issubclass(spec.payload_type, spark.SpikeArray):
                keys[module_name] = f"cache/{module_name}/{port}"
                break
    return keys


def _brain_dt(brain: tp.Any) -> float:
    for module in brain.modules.values():
        dt = getattr(module.config, "dt", None)
        if dt is not None:
            return float(dt)
    return 1.0


# -- running ----------------------------------------------------------------------------------------
def run_model(
    model: str,
    steps: int = 1000,
    input_kind: str = "constant",
    *,
    value: float = 0.0,
    std: float = 0.5,
    seed: int = 0,
    record: list[str] | None = None,
    decimate: int = 1,
    out_dir: str | None = None,
    plot: bool = True,
    progress: bool = True,
) -> dict[str, str]:
    """Run ``model`` (an ``.scfg`` path) and write the records (and raster); return ``{'npz': ..., 'png': ...}``."""
    import spark
    import spark.demos  # noqa: F401  (registers the demo modules, so their brains load too)

    if steps < 1:
        raise SystemExit(f"spark run: --steps must be >= 1, got {steps}")
    if not os.path.exists(model):
        raise SystemExit(f"spark run: model file {model!r} does not exist")
    config = spark.nn.BrainConfig.from_file(model)
    brain = spark.nn.Brain(config=config)
    brain.build_from_specs(dict(config.input_map))
    inputs = make_inputs(brain, input_kind, steps, value, std, seed)
    spikes = spike_keys(brain)
    chosen = list(record) if record else list(config.output_map) + list(spikes.values())
    wanted = list(dict.fromkeys(chosen + (list(spikes.values()) if plot else [])))
    started = time.perf_counter()
    result = spark.sim.run(
        brain, inputs, steps=steps, record=wanted, decimate=decimate, keep_outputs=False, progress=progress
    )
    elapsed = time.perf_counter() - started
    records = result.records

    stem = Path(model).stem
    folder = Path(out_dir if out_dir is not None else f"spark-run-{stem}")
    folder.mkdir(parents=True, exist_ok=True)
    kept = _expand(chosen, records)
    npz_path = folder / f"{stem}.npz"
    np.savez_compressed(npz_path, **{k: records[k] for k in kept}, record_steps=result.record_steps)
    paths = {"npz": str(npz_path)}
    if plot and spikes:
        png_path = folder / f"{stem}_raster.png"
        _raster_png(
            {m: records[k] for m, k in spikes.items()},
            _brain_dt(brain) * decimate,
            png_path,
            f"{stem}: {steps} steps, input {Path(input_kind).name}",
        )
        paths["png"] = str(png_path)
    print(f"spark run: {steps} steps of {stem} in {elapsed:.2f} s")
    for k in kept:
        print(f"  recorded {k}: shape {records[k].shape}")
    for path in paths.values():
        print(f"  wrote {path}")
    return paths


def _expand(chosen: list[str], records: dict[str, np.ndarray]) -> list[str]:
    """The record names produced by the requested names (patterns expand to several state keys)."""
    import fnmatch

    kept = []
    for name in chosen:
        base = name.partition(":")[2] if name.startswith(("output:", "state:")) else name
        hits = [
            k
            for k in records
            if k == base or fnmatch.fnmatchcase(k, base) or fnmatch.fnmatchcase(k, "*/" + base)
        ]
        kept.extend(k for k in hits if k not in kept)
    return kept


def _raster_png(spikes: dict[str, np.ndarray], dt: float, path: Path, title: str) -> None:
    from matplotlib.figure import Figure

    from spark.plot import raster

    fig = Figure(figsize=(11, 5), layout="constrained")
    raster(spikes, fig.add_subplot(), dt=dt, title=title)
    fig.savefig(path, dpi=110)


def _run(args: argparse.Namespace) -> int:
    run_model(
        args.model,
        args.steps,
        args.input,
        value=args.value,
        std=args.std,
        seed=args.seed,
        record=args.record,
        decimate=args.decimate,
        out_dir=args.out,
        plot=not args.no_plot,
        progress=not args.quiet,
    )
    return 0


def main(argv: tp.Sequence[str] | None = None) -> int:
    """Entry point of ``spark run`` (``argv`` without the command name)."""
    args = build_parser().parse_args(list(sys.argv[1:] if argv is None else argv))
    return _run(args)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
