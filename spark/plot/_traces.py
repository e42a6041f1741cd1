"""``spark.plot.traces`` (continuous signals over time) and ``spark.plot.rates`` (population rates)."""

from __future__ import annotations

import typing as tp

import numpy as np

from spark.plot._common import as_2d, group_layout, new_axes, time_axis

__all__ = ["traces", "rates", "population_rates"]


def traces(
    values: tp.Any,
    ax: tp.Any = None,
    *,
    dt: float = 1.0,
    t0: float = 0.0,
    labels: tp.Sequence[str] | None = None,
    offset: float = 0.0,
    ylabel: str | None = None,
    title: str | None = None,
    **line_kwargs: tp.Any,
) -> tp.Any:
    """Plot signals over time (potentials, integrator outputs, observations, ...).

    Args:
        values: ``(T,)`` or ``(T, ...)`` (one line per entry after time), or a dict ``{label: (T, ...)}``.
        ax: axes to draw into; a new figure when ``None``.
        dt: step in ms; t0: time of the first step.
        labels: one label per line (a legend is drawn when labels are known).
        offset: vertical shift between consecutive lines (0 overlays them).
        ylabel, title: axis label and title.
        **line_kwargs: passed to ``ax.plot`` (``lw``, ``alpha``, ...).

    Returns:
        The :class:`matplotlib.axes.Axes`.
    """
    if isinstance(values, dict):
        columns, names = [], []
        for name, v in values.items():
            arr = as_2d(v, f"values['{name}']")
            columns.append(arr)
            names += [str(name)] if arr.shape[1] == 1 else [f"{name}[{i}]" for i in range(arr.shape[1])]
        if len({c.shape[0] for c in columns}) > 1:
            raise ValueError("spark.plot.traces: the signals have different numbers of steps")
        data = np.concatenate(columns, axis=1)
        labels = labels if labels is not None else names
    else:
        data = as_2d(values, "values")
    if labels is not None and len(labels) != data.shape[1]:
        raise ValueError(f"spark.plot.traces: got {len(labels)} labels for {data.shape[1]} signals")
    t = time_axis(data.shape[0], dt, t0)
    ax = new_axes(ax, (10, 3))
    for i in range(data.shape[1]):
        ax.plot(t, data[:, i] + i * offset, label=None if labels is None else labels[i], **line_kwargs)
    if labels is not None:
        ax.legend(loc="upper right", fontsize="small", ncol=min(4, len(labels)))
    ax.set_xlabel("time (ms)")
    if ylabel:
        ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    return ax


def population_rates(
    spikes: tp.Any, dt: float = 1.0, window: float = 10.0, groups: tp.Any = None
) -> dict[str, np.ndarray]:
    """Population firing rates in Hz, ``{group: (T,)}``, smoothed with a centred box of ``window`` ms.

    The rate of a group at step ``n`` is the mean over its neurons of ``|s|`` divided by ``dt`` (in s),
    averaged over the steps of the window.
    """
    data = np.abs(as_2d(spikes, "spikes")).astype(np.float64)
    if not window >= dt:
        raise ValueError(f"spark.plot.rates: window must be at least one step (dt={dt} ms), got {window!r}")
    layout = group_layout(groups, data.shape[1]) or [("all", 0, data.shape[1])]
    width = max(1, int(round(window / dt)))
    kernel = np.ones(width) / width
    out = {}
    for name, start, stop in layout:
        inst = data[:, start:stop].mean(axis=1) * (1000.0 / dt) if stop > start else np.zeros(data.shape[0])
        out[name] = np.convolve(inst, kernel, mode="same")
    return out


def rates(
    spikes: tp.Any,
    dt: float = 1.0,
    ax: tp.Any = None,
    *,
    window: float = 10.0,
    groups: tp.Any = None,
    t0: float = 0.0,
    title: str | None = None,
) -> tp.Any:
    """Plot the population rate (Hz) of ``spikes`` ``(T, ...)``, one line per group.

    Args:
        spikes: ``(T, ...)`` spikes (array or ``SpikeArray``).
        dt: step in ms.
        ax: axes to draw into; a new figure when ``None``.
        window: smoothing window (ms, centred box).
        groups: ``{name: size}`` or ``[(name, size), ...]`` splitting the neurons (default: one group).
        t0: time of the first step; title: axes title.

    Returns:
        The :class:`matplotlib.axes.Axes`.
    """
    curves = population_rates(spikes, dt, window, groups)
    ax = traces(curves, ax, dt=dt, t0=t0, labels=list(curves) if groups is not None else None, title=title)
    ax.set_ylabel("rate (Hz)")
    return ax
