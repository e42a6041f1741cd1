"""Shared helpers of :mod:`spark.plot`: array coercion, axes creation, group layouts."""

from __future__ import annotations

import typing as tp

import numpy as np

__all__ = ["as_array", "as_2d", "new_axes", "group_layout", "time_axis"]


def as_array(x: tp.Any, what: str = "values") -> np.ndarray:
    """A NumPy array from a NumPy/JAX array, a Spark payload (``.value``) or a nested list."""
    value = getattr(x, "value", x)
    try:
        return np.asarray(value)
    except Exception as exc:  # pragma: no cover - exotic inputs
        raise TypeError(
            f"spark.plot: {what} must be an array or a Spark payload, got {type(x).__name__}"
        ) from exc


def as_2d(x: tp.Any, what: str) -> np.ndarray:
    """``(T, N)``: time on the first axis, every other axis flattened (a ``(T,)`` array gives ``N = 1``)."""
    arr = as_array(x, what)
    if arr.ndim == 0:
        raise ValueError(f"spark.plot: {what} must have a time axis first, got a scalar")
    return arr.reshape(arr.shape[0], -1)


def new_axes(ax: tp.Any, figsize: tuple[float, float]) -> tp.Any:
    """``ax`` itself, or the axes of a new figure (``pyplot``; headless backends such as Agg work)."""
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, ax = plt.subplots(figsize=figsize)
    return ax


def group_layout(groups: tp.Any, total: int, what: str = "groups") -> list[tuple[str, int, int]]:
    """``[(name, start, stop), ...]`` from ``{name: size}`` or ``[(name, size), ...]`` covering ``total`` rows.

    Raises ``ValueError`` when the sizes do not add up to ``total``.
    """
    if groups is None:
        return []
    items = list(groups.items()) if isinstance(groups, dict) else [tuple(g) for g in groups]
    out, start = [], 0
    for name, size in items:
        size = int(size)
        if size < 0:
            raise ValueError(f"spark.plot: {what} size of '{name}' must be >= 0, got {size}")
        out.append((str(name), start, start + size))
        start += size
    if start != total:
        sizes = ", ".join(f"{n}={b - a}" for n, a, b in out)
        raise ValueError(
            f"spark.plot: {what} sizes ({sizes}) add up to {start} but the data has {total} rows; "
            f"give one size per group so that they sum to {total}"
        )
    return out


def time_axis(steps: int, dt: float, t0: float) -> np.ndarray:
    """The time of every step: ``t0 + dt * arange(steps)``."""
    if not dt > 0:
        raise ValueError(f"spark.plot: dt must be > 0 (the step in ms), got {dt!r}")
    return t0 + dt * np.arange(steps)
