"""Figures of the CartPole demo: learning curve, raster with observations and actions, learned weights."""

from __future__ import annotations

import typing as tp
from pathlib import Path

import numpy as np

__all__ = ["write_figures", "raster_figure", "weights_figure", "curve_figure"]

OBS_NAMES = ("cart position", "cart velocity", "pole angle", "pole velocity")
ORDER = ("spiker", "A_ex", "A_in", "B_ex", "B_in")
COLORS = {"spiker": "0.55", "A_ex": "tab:blue", "A_in": "tab:cyan", "B_ex": "tab:orange", "B_in": "tab:red"}
PLOT_ENV_STEPS = 150


def _figure(size: tuple[float, float], **kwargs: tp.Any) -> tp.Any:
    from matplotlib.figure import Figure

    return Figure(figsize=size, layout="constrained", **kwargs)


def curve_figure(lengths: np.ndarray, title: str = "") -> tp.Any:
    """Episode lengths with their 20-episode running mean and the 195 target."""
    from spark.plot import learning_curve

    fig = _figure((8, 4))
    ax = learning_curve(
        np.asarray(lengths),
        fig.add_subplot(),
        window=20,
        target=195,
        label="running mean (20)",
        title="CartPole-v1 learned from failures only" + (f" ({title})" if title else ""),
    )
    ax.set_ylim(0, 520)
    return fig


def raster_figure(trace: tp.Any, k: int, title: str = "", max_env_steps: int = PLOT_ENV_STEPS) -> tp.Any:
    """Raster of every population over (the end of) an episode, observations overlaid, actions below."""
    from spark.plot import raster, traces

    n_env = trace.length
    first = max(0, n_env - max_env_steps)
    lo, hi = first * k, n_env * k
    names = [m for m in ORDER if m in trace.spikes] + [m for m in trace.spikes if m not in ORDER]
    spikes = {m: trace.spikes[m][lo:hi] for m in names}
    fig = _figure((12, 7.5))
    top, bottom = fig.subplots(2, 1, sharex=True, height_ratios=(4, 1))
    raster(
        spikes,
        top,
        dt=1.0,
        t0=float(lo),
        colors=[COLORS.get(m, f"C{i}") for i, m in enumerate(names)],
        title=(
            f"last {n_env - first} of {n_env} environment steps ({k} brain steps each)"
            + (", ending in failure" if trace.failed else "")
            + (f", {title}" if title else "")
        ),
    )
    # observations over the spiker's rows: entry d is coded by rows 16 d ... 16 d + 15 (its preferred values
    # run from -1 to 1), so the line passes through the units that fire
    if "spiker" in spikes:
        res = spikes["spiker"].shape[1] // len(OBS_NAMES)
        t_env = np.arange(first, n_env) * k + k / 2
        for d, name in enumerate(OBS_NAMES):
            row = d * res + (trace.observations[first:, d] + 1.0) / 2.0 * (res - 1)
            top.plot(t_env, row, lw=1.3, color="black", alpha=0.85)
            top.text(
                t_env[0],
                d * res + res - 1.5,
                f" {name}",
                fontsize="small",
                va="top",
                color="black",
                bbox={"facecolor": "white", "alpha": 0.7, "lw": 0, "pad": 1},
            )
    if trace.failed:
        top.axvline(hi, color="red", lw=1.5, ls="--")
    top.set_xlabel("")
    readout = trace.readout[lo:hi]
    traces(
        {"A (left)": readout[:, 0], "B (right)": readout[:, 1]},
        bottom,
        dt=1.0,
        t0=float(lo),
        lw=0.8,
        ylabel="readout",
    )
    for line, name in zip(bottom.get_lines(), ("A_ex", "B_ex"), strict=True):
        line.set_color(COLORS[name])
    bottom.legend(loc="upper left", fontsize="small", ncol=2)
    actions = np.repeat(trace.actions[first:], k).astype(float)
    twin = bottom.twinx()
    twin.step(
        lo + np.arange(actions.size), actions, where="post", color="k", lw=0.8, alpha=0.6, label="action"
    )
    twin.set_yticks([0, 1], ["left", "right"])
    twin.set_ylim(-0.2, 1.2)
    bottom.set_xlabel("time (ms)")
    return fig


def weights_figure(controller: tp.Any, title: str = "") -> tp.Any:
    """Mean input weight onto B minus onto A for every spiker unit: the learned push-right preference."""
    wa, wb = controller.weights("A_ex"), controller.weights("B_ex")
    spiker = controller.brain.config.modules_map.get("spiker")
    res = int(getattr(getattr(spiker, "config", None), "resolution", 0) or 0)
    if res <= 0 or 4 * res > wa.shape[1]:
        res = wa.shape[1] // 4
    pref = (wb[:, : 4 * res].mean(0) - wa[:, : 4 * res].mean(0)).reshape(4, res)
    centres = np.linspace(-1.0, 1.0, res)
    fig = _figure((8, 4))
    ax = fig.add_subplot()
    for d, name in enumerate(OBS_NAMES):
        ax.plot(centres, pref[d], marker="o", ms=3, label=name, color=f"C{d}")
    ax.axhline(0.0, color="0.5", lw=0.8)
    ax.set_xlabel("preferred value of the spiker unit (observation scaled to [-1, 1])")
    ax.set_ylabel("mean weight onto B - onto A")
    ax.set_title("learned preference for pushing right" + (f" ({title})" if title else ""))
    ax.legend(fontsize="small")
    return fig


def write_figures(
    out: Path, lengths: np.ndarray, trace: tp.Any, controller: tp.Any, k: int, title: str = ""
) -> list[Path]:
    """Write ``learning_curve.png``, ``raster.png`` (when an episode was recorded) and ``weights.png``."""
    out = Path(out)
    paths = []
    figures = [("learning_curve.png", curve_figure(lengths, title))]
    if trace is not None and trace.length > 0:
        figures.append(("raster.png", raster_figure(trace, k, title)))
    figures.append(("weights.png", weights_figure(controller, title)))
    for name, fig in figures:
        path = out / name
        fig.savefig(path, dpi=110)
        paths.append(path)
    return paths
