"""The Run panel: simulate the edited model for ``T`` steps and return its spikes and outputs.

The brain is built with the real library, then stepped under ``jax.jit`` through the split/merge idiom::

    graph, state = spark.split(brain)
    state, outputs, spikes = step(state, inputs_t)      # jitted; model = spark.merge(graph, state)

Stimuli, the same for every brain input: ``{"kind": "constant", "value": c}``,
``{"kind": "noise", "mean": m, "std": s, "seed": k}`` (Gaussian), or ``{"kind": "file", "path": ...}``
naming a recorded ``.npy`` (shape ``(T, *input_shape)``) or ``.npz`` (one such array per input name).
"""

from __future__ import annotations

import threading
import typing as tp
from pathlib import Path

import numpy as np

__all__ = ["simulate", "stimulus_arrays", "MAX_STEPS", "MAX_EVENTS"]

MAX_STEPS = 5000
MAX_EVENTS = 400_000
_LOCK = threading.Lock()


def stimulus_arrays(
    stimulus: dict, specs: dict[str, tp.Any], steps: int, resolve: tp.Callable[[str], Path]
) -> dict:
    """One ``(steps, *shape)`` array per brain input, built from the stimulus description."""
    kind = stimulus.get("kind", "constant")
    out: dict[str, np.ndarray] = {}
    if kind == "constant":
        value = float(stimulus.get("value", 0.0))
        for name, spec in specs.items():
            out[name] = np.full((steps, *spec.shape), value, dtype=np.float32)
    elif kind == "noise":
        rng = np.random.default_rng(int(stimulus.get("seed", 0)))
        mean, std = float(stimulus.get("mean", 0.0)), float(stimulus.get("std", 1.0))
        if std < 0:
            raise ValueError(f"noise std must be >= 0, got {std}")
        for name, spec in specs.items():
            out[name] = rng.normal(mean, std, size=(steps, *spec.shape)).astype(np.float32)
    elif kind == "file":
        path = resolve(str(stimulus.get("path", "")))
        with open(path, "rb") as fh:
            loaded = np.load(fh, allow_pickle=False)
            arrays = {k: np.asarray(loaded[k]) for k in loaded.files} if hasattr(loaded, "files") else None
            single = None if arrays is not None else np.asarray(loaded)
        for name, spec in specs.items():
            data = (
                single
                if arrays is None
                else arrays.get(name, next(iter(arrays.values())) if len(arrays) == 1 else None)
            )
            if data is None:
                raise ValueError(
                    f"recording {path.name} has no array named {name!r}; it has {sorted(arrays)}"
                )
            size = int(np.prod(spec.shape, dtype=np.int64))
            if data.ndim < 1 or data.size % max(size, 1) or data.size // max(size, 1) < 1:
                raise ValueError(f"recording for input {name!r} has shape {data.shape}; expected (T, {size})")
            data = data.reshape(-1, *spec.shape)
            if len(data) < steps:
                data = np.concatenate([data, np.zeros((steps - len(data), *spec.shape), data.dtype)])
            out[name] = data[:steps].astype(np.float32)
    else:
        raise ValueError(f"stimulus kind {kind!r} is not known; use 'constant', 'noise' or 'file'")
    return out


def simulate(config: tp.Any, steps: int, stimulus: dict, resolve: tp.Callable[[str], Path]) -> dict:
    """Run ``config`` (a ``BrainConfig``) for ``steps`` steps on ``stimulus``.

    Returns ``{"steps", "spikes": [{"module", "size", "t", "i", "count"}], "outputs": {name: [[...]...]}}``;
    ``t``/``i`` list the step and flat neuron index of every spike (capped at ``MAX_EVENTS`` in all).
    """
    import jax
    import jax.numpy as jnp

    import spark

    steps = int(steps)
    if not 1 <= steps <= MAX_STEPS:
        raise ValueError(f"steps must be between 1 and {MAX_STEPS}, got {steps}")
    specs = dict(config.input_map)
    drive = stimulus_arrays(stimulus, specs, steps, resolve)
    with _LOCK:
        brain = spark.nn.Brain(config=config)

        def payloads(xs: dict) -> dict:
            return {n: specs[n].payload_type(jnp.asarray(x, dtype=specs[n].dtype)) for n, x in xs.items()}

        brain(**payloads({n: np.zeros(s.shape, np.float32) for n, s in specs.items()}))
        graph, state = spark.split(brain)

        @jax.jit
        def step(graph: tp.Any, state: tp.Any, xs: dict) -> tuple:
            model = spark.merge(graph, state)
            out = model(**payloads(xs))
            spikes = model.get_spikes_from_cache()
            _, new_state = spark.split(model)
            return new_state, {k: v.value for k, v in out.items()}, {k: v.value for k, v in spikes.items()}

        outputs: dict[str, list] = {}
        events: dict[str, tuple[list, list, int]] = {}
        for t in range(steps):
            state, out, spikes = step(graph, state, {n: drive[n][t] for n in specs})
            for name, value in out.items():
                outputs.setdefault(name, []).append(np.asarray(value, np.float32).reshape(-1))
            for name, value in spikes.items():
                flat = np.asarray(value).reshape(-1)
                ts, idx, _ = events.setdefault(name, ([], [], flat.size))
                hit = np.flatnonzero(flat)
                ts.append(np.full(hit.size, t, np.int32))
                idx.append(hit.astype(np.int32))
    result_spikes, budget = [], MAX_EVENTS
    for name, (ts, idx, size) in events.items():
        t_all = np.concatenate(ts) if ts else np.zeros(0, np.int32)
        i_all = np.concatenate(idx) if idx else np.zeros(0, np.int32)
        count = int(t_all.size)
        keep = min(count, budget)
        budget -= keep
        result_spikes.append(
            {
                "module": name,
                "size": int(size),
                "count": count,
                "t": t_all[:keep].tolist(),
                "i": i_all[:keep].tolist(),
            }
        )
    return {
        "steps": steps,
        "spikes": result_spikes,
        "outputs": {n: np.nan_to_num(np.stack(v)).tolist() for n, v in outputs.items()},
    }
