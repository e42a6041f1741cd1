"""``spark.plot.raster``: a spike raster, optionally split into labelled groups of neurons."""

from __future__ import annotations

import typing as tp

import numpy as np

from spark.plot._common import as_2d, group_layout, new_axes, time_axis

__all__ = ["raster"]

IMAGE_ABOVE = 250_000
"""With ``style='auto'``, rasters with more spikes than this are drawn as an image (faster, smaller)."""


def _stack(spikes: tp.Any) -> tuple[np.ndarray, list[tuple[str, int]] | None]:
    if isinstance(spikes, dict):
        if not spikes:
            raise ValueError("spark.plot.raster: got an empty dict of spike arrays")
        arrays = {name: as_2d(s, f"spikes['{name}']") for name, s in spikes.items()}
        lengths = {name: a.shape[0] for name, a in arrays.items()}
        if len(set(lengths.values())) > 1:
            raise ValueError(
                f"spark.plot.raster: the spike arrays have different numbers of steps: {lengths}"
            )
        return np.concatenate(list(arrays.values()), axis=1), [(n, a.shape[1]) for n, a in arrays.items()]
    return as_2d(spikes, "spikes"), None


def raster(
    spikes: tp.Any,
    ax: tp.Any = None,
    *,
    dt: float = 1.0,
    t0: float = 0.0,
    groups: tp.Any = None,
    colors: tp.Sequence[str] | None = None,
    style: str = "auto",
    marker_size: float | None = None,
    title: str | None = None,
) -> tp.Any:
    """Draw a spike raster: one row per neuron, one mark per spike (``|s| > 0``; ``-1`` counts).

    Args:
        spikes: ``(T, ...)`` spikes (array or ``SpikeArray``; axes after time are flattened), or a dict
            ``{name: (T, ...)}`` drawn one block per entry, labelled by name.
        ax: axes to draw into; a new figure when ``None``.
        dt: step in ms (the x axis is ``t0 + dt * step``).
        t0: time of the first step, ms.
        groups: ``{name: size}`` or ``[(name, size), ...]`` splitting the rows into labelled blocks
            (sizes must add up to the number of neurons).
        colors: one colour per group (matplotlib colour names), cycled.
        style: ``'dots'`` (one marker per spike), ``'image'`` (a black-on-white bitmap) or ``'auto'``.
        marker_size: marker size for ``'dots'`` (default: from the number of rows).
        title: axes title.

    Returns:
        The :class:`matplotlib.axes.Axes`.
    """
    if style not in ("auto", "dots", "image"):
        raise ValueError(f"spark.plot.raster: style must be 'auto', 'dots' or 'image', got {style!r}")
    data, dict_groups = _stack(spikes)
    steps, n = data.shape
    layout = group_layout(groups if groups is not None else dict_groups, n)
    if not layout:
        layout = [("", 0, n)]
    active = np.abs(data) > 0
    times = time_axis(steps, dt, t0)
    ax = new_axes(ax, (10, 4))
    palette = list(colors) if colors else ["black"] if len(layout) == 1 else [f"C{i}" for i in range(10)]
    if style == "auto":
        style = "image" if active.sum() > IMAGE_ABOVE else "dots"
    if style == "image":
        ax.imshow(
            ~active.T,
            aspect="auto",
            cmap="gray",
            vmin=0,
            vmax=1,
            interpolation="nearest",
            origin="lower",
            extent=(times[0] - dt / 2, times[-1] + dt / 2 if steps else dt / 2, -0.5, n - 0.5),
        )
    else:
        size = marker_size if marker_size is not None else float(np.clip(400.0 / max(n, 1), 0.5, 20.0))
        for i, (_, start, stop) in enumerate(layout):
            t_idx, neuron = np.nonzero(active[:, start:stop])
            ax.scatter(
                times[t_idx],
                neuron + start,
                s=size,
                marker="|",
                color=palette[i % len(palette)],
                linewidths=0.8,
            )
        ax.set_xlim(times[0] - dt / 2 if steps else 0, times[-1] + dt / 2 if steps else 1)
        ax.set_ylim(-0.5, n - 0.5)
    if len(layout) > 1 or layout[0][0]:
        for _, start, _ in layout[1:]:
            ax.axhline(start - 0.5, color="0.6", lw=0.6, ls="--")
        ax.set_yticks([(a + b - 1) / 2 for _, a, b in layout])
        ax.set_yticklabels([name for name, _, _ in layout])
    else:
        ax.set_ylabel("neuron")
    ax.set_xlabel("time (ms)")
    if title:
        ax.set_title(title)
    return ax
