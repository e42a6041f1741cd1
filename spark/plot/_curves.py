"""``spark.plot.learning_curve``: per-episode scores with their running mean."""

from __future__ import annotations

import typing as tp

import numpy as np

from spark.plot._common import as_array, new_axes

__all__ = ["learning_curve", "running_mean"]


def running_mean(values: tp.Any, window: int = 20) -> np.ndarray:
    """Trailing mean: entry ``i`` is the mean of ``values[max(0, i - window + 1) : i + 1]``."""
    x = as_array(values, "values").astype(np.float64).reshape(-1)
    if isinstance(window, bool) or not isinstance(window, int | np.integer) or window < 1:
        raise ValueError(f"spark.plot.running_mean: window must be an int >= 1, got {window!r}")
    c = np.concatenate([[0.0], np.cumsum(x)])
    idx = np.arange(1, x.size + 1)
    lo = np.maximum(0, idx - window)
    return (c[idx] - c[lo]) / (idx - lo)


def learning_curve(
    scores: tp.Any,
    ax: tp.Any = None,
    *,
    window: int = 20,
    target: float | None = None,
    label: str | None = None,
    xlabel: str = "episode",
    ylabel: str = "episode length",
    title: str | None = None,
    show_raw: bool = True,
) -> tp.Any:
    """Plot per-episode scores (faint) and their trailing ``window`` mean (bold).

    Args:
        scores: ``(E,)`` scores of one run, or ``{label: (E,)}`` for several runs (e.g. seeds; their
            lengths may differ).
        ax: axes to draw into; a new figure when ``None``.
        window: episodes in the running mean.
        target: draw a dashed horizontal line at this score (e.g. a success threshold).
        label: legend label of a single run.
        xlabel, ylabel, title: axis labels and title.
        show_raw: also draw the raw per-episode scores.

    Returns:
        The :class:`matplotlib.axes.Axes`.
    """
    runs = scores if isinstance(scores, dict) else {label: scores}
    ax = new_axes(ax, (8, 4))
    for i, (name, values) in enumerate(runs.items()):
        y = as_array(values, "scores").astype(np.float64).reshape(-1)
        x = np.arange(1, y.size + 1)
        color = f"C{i % 10}"
        if show_raw:
            ax.plot(x, y, color=color, alpha=0.25, lw=0.8)
        ax.plot(x, running_mean(y, window), color=color, lw=2, label=None if name is None else str(name))
    if target is not None:
        ax.axhline(target, color="0.3", ls="--", lw=1, label=f"target {target:g}")
    if any(name is not None for name in runs) or target is not None:
        ax.legend(loc="upper left", fontsize="small")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    return ax
