"""Time series: ``TSContinuous`` (sampled signals) and ``TSEvent`` (spike events).

Both are plain NumPy containers used at the edges of a simulation (see :meth:`Module.timed`): they
convert to and from the clocked arrays that modules evolve over. Times are in seconds.

Rasterisation convention (both classes): a raster with step ``dt`` starting at ``t_start`` has
``T = ceil((t_stop - t_start) / dt)`` rows; row ``k`` covers ``[t_start + k dt, t_start + (k+1) dt)``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["TSContinuous", "TSEvent"]

_DECIMALS = 9  # times within 1e-9 dt of a bin edge count as on the edge


def _num_steps(t_start: float, t_stop: float, dt: float) -> int:
    if dt <= 0:
        raise ValueError(f"dt must be > 0, got {dt}")
    return int(np.ceil(np.round((t_stop - t_start) / dt, _DECIMALS)))


def _bins(times: np.ndarray, t_start: float, dt: float) -> np.ndarray:
    return np.floor(np.round((times - t_start) / dt, _DECIMALS)).astype(int)


class TSContinuous:
    """A multi-channel signal sampled at given times, interpolated in between.

    Args:
        times: sample times, shape ``(T,)``, non-decreasing.
        samples: values, shape ``(T,)`` or ``(T, N)``.
        t_start: start of the series (default ``times[0]``).
        t_stop: end of the series (default ``times[-1]``, or one ``dt`` after it for clocked series).
        name: a label used by :meth:`plot`.

    Examples:
        >>> import numpy as np
        >>> ts = TSContinuous.from_clocked(np.arange(4.0), dt=0.5)
        >>> ts.t_stop, ts.dt, ts(0.75).tolist()
        (2.0, 0.5, [[1.5]])
    """

    def __init__(self, times=None, samples=None, t_start=None, t_stop=None, name: str = "", dt=None):
        times = np.zeros(0) if times is None else np.asarray(times, dtype=float).ravel()
        samples = np.zeros((len(times), 0)) if samples is None else np.asarray(samples, dtype=float)
        if samples.ndim == 1:
            samples = samples[:, None]
        if samples.ndim != 2 or samples.shape[0] != times.shape[0]:
            raise ValueError(
                f"TSContinuous: samples must have shape (T,) or (T, N) with T = len(times) = {len(times)}, "
                f"got {samples.shape}"
            )
        if np.any(np.diff(times) < 0):
            raise ValueError("TSContinuous: times must be non-decreasing")
        self.times, self.samples, self.name = times, samples, name
        self._dt = None if dt is None else float(dt)
        default_stop = times[-1] + (self._dt or 0.0) if len(times) else 0.0
        if t_start is None:
            t_start = times[0] if len(times) else 0.0
        self.t_start = float(t_start)
        self.t_stop = float(default_stop if t_stop is None else t_stop)
        if self.t_stop < self.t_start:
            raise ValueError(f"TSContinuous: t_stop ({self.t_stop}) is before t_start ({self.t_start})")

    @classmethod
    def from_clocked(cls, samples, dt: float, t_start: float = 0.0, name: str = "") -> TSContinuous:
        """A series from regularly sampled data: row ``k`` is the value at ``t_start + k dt``."""
        samples = np.asarray(samples, dtype=float)
        times = t_start + dt * np.arange(samples.shape[0])
        return cls(times, samples, t_start=t_start, t_stop=t_start + dt * samples.shape[0], name=name, dt=dt)

    @property
    def dt(self) -> float | None:
        """Sampling step: the one given to :meth:`from_clocked`, else the median gap between samples."""
        if self._dt is not None:
            return self._dt
        return float(np.median(np.diff(self.times))) if len(self.times) > 1 else None

    @property
    def num_channels(self) -> int:
        return self.samples.shape[1]

    @property
    def duration(self) -> float:
        return self.t_stop - self.t_start

    def __len__(self) -> int:
        return len(self.times)

    def __repr__(self) -> str:
        return (
            f"TSContinuous '{self.name}' from {self.t_start} to {self.t_stop}: {len(self)} samples, "
            f"{self.num_channels} channels"
        )

    def __call__(self, times, kind: str = "linear") -> np.ndarray:
        """Values at ``times`` (shape ``(len(times), N)``): ``"linear"`` interpolation or ``"previous"``
        (sample-and-hold). Times outside ``[times[0], times[-1]]`` take the nearest end value."""
        t = np.atleast_1d(np.asarray(times, dtype=float))
        if len(self.times) == 0:
            raise ValueError("TSContinuous: cannot sample an empty series")
        if kind == "linear":
            return np.stack([np.interp(t, self.times, ch) for ch in self.samples.T], axis=-1)
        if kind == "previous":
            tolerance = 1e-9 * (self.dt or 1.0)  # a time computed as t0 + k dt still hits sample k
            idx = np.clip(np.searchsorted(self.times, t + tolerance, "right") - 1, 0, None)
            return self.samples[idx]
        raise ValueError(f"TSContinuous: unknown kind {kind!r}; use 'linear' or 'previous'")

    def resample(self, times=None, dt: float | None = None, kind: str = "linear") -> TSContinuous:
        """A new series sampled at ``times`` (or every ``dt`` from ``t_start``)."""
        if (times is None) == (dt is None):
            raise ValueError("TSContinuous.resample: give exactly one of `times` or `dt`")
        if dt is not None:
            return TSContinuous.from_clocked(self.raster(dt, kind=kind), dt, self.t_start, self.name)
        times = np.asarray(times, dtype=float)
        return TSContinuous(times, self(times, kind), name=self.name)

    def raster(
        self, dt: float, t_start: float | None = None, t_stop: float | None = None, kind: str = "previous"
    ) -> np.ndarray:
        """Clocked samples ``(T, N)`` at ``t_start + k dt`` (sample-and-hold by default)."""
        t0 = self.t_start if t_start is None else t_start
        t1 = self.t_stop if t_stop is None else t_stop
        return self(t0 + dt * np.arange(_num_steps(t0, t1, dt)), kind)

    def plot(self, ax=None, **kwargs) -> Any:
        """Plot every channel against time with Matplotlib; returns the lines."""
        import matplotlib.pyplot as plt

        ax = plt.gca() if ax is None else ax
        lines = ax.plot(self.times, self.samples, **kwargs)
        ax.set_xlabel("time (s)")
        if self.name:
            ax.set_title(self.name)
        return lines


class TSEvent:
    """Events (spikes) at given times on given channels.

    Args:
        times: event times, shape ``(E,)``.
        channels: channel of each event, shape ``(E,)`` (default: all on channel 0).
        t_start: start of the series (default ``0`` or the first event, whichever is earlier).
        t_stop: end of the series (default just after the last event).
        num_channels: number of channels (default ``max(channels) + 1``).
        name: a label used by :meth:`plot`.

    Examples:
        >>> ev = TSEvent([0.0, 0.0015, 0.0031], [0, 1, 1], t_stop=0.004)
        >>> ev.raster(0.001).tolist()
        [[1, 0], [0, 1], [0, 0], [0, 1]]
    """

    def __init__(
        self, times=None, channels=None, t_start=None, t_stop=None, num_channels=None, name: str = ""
    ):
        times = np.zeros(0) if times is None else np.asarray(times, dtype=float).ravel()
        channels = np.zeros(len(times), int) if channels is None else np.asarray(channels, dtype=int).ravel()
        if channels.shape != times.shape:
            raise ValueError(
                f"TSEvent: channels must have one entry per event ({len(times)}), got {channels.shape[0]}"
            )
        if np.any(channels < 0):
            raise ValueError("TSEvent: channels must be >= 0")
        order = np.argsort(times, kind="stable")
        self.times, self.channels, self.name = times[order], channels[order], name
        inferred = int(channels.max()) + 1 if len(channels) else 0
        self.num_channels = inferred if num_channels is None else int(num_channels)
        if self.num_channels < inferred:
            raise ValueError(
                f"TSEvent: num_channels={num_channels} but an event is on channel {inferred - 1}"
            )
        first = float(self.times[0]) if len(times) else 0.0
        self.t_start = min(0.0, first) if t_start is None else float(t_start)
        last = float(self.times[-1]) if len(times) else self.t_start
        self.t_stop = float(np.nextafter(last, np.inf)) if t_stop is None else float(t_stop)
        if len(times) and (self.times[0] < self.t_start or self.times[-1] >= self.t_stop):
            raise ValueError(
                f"TSEvent: events must lie in [t_start, t_stop) = [{self.t_start}, {self.t_stop})"
            )

    @classmethod
    def from_raster(cls, raster, dt: float, t_start: float = 0.0, name: str = "") -> TSEvent:
        """Events from a ``(T, N)`` array of spike counts: ``raster[k, n]`` events at ``t_start + k dt``."""
        counts = np.asarray(raster)
        if counts.ndim != 2:
            raise ValueError(f"TSEvent.from_raster: raster must be (T, N), got shape {counts.shape}")
        counts = np.rint(counts).astype(int).clip(0)
        steps, chans = np.nonzero(counts)
        reps = counts[steps, chans]
        times = t_start + dt * np.repeat(steps, reps)
        return cls(
            times, np.repeat(chans, reps), t_start, t_start + dt * counts.shape[0], counts.shape[1], name
        )

    @property
    def duration(self) -> float:
        return self.t_stop - self.t_start

    def __len__(self) -> int:
        return len(self.times)

    def __repr__(self) -> str:
        return (
            f"TSEvent '{self.name}' from {self.t_start} to {self.t_stop}: {len(self)} events, "
            f"{self.num_channels} channels"
        )

    def raster(
        self, dt: float, t_start: float | None = None, t_stop: float | None = None, add_events: bool = True
    ) -> np.ndarray:
        """``(T, num_channels)`` counts of events per time bin (booleans when ``add_events=False``)."""
        t0 = self.t_start if t_start is None else t_start
        t1 = self.t_stop if t_stop is None else t_stop
        n_steps = _num_steps(t0, t1, dt)
        bins = _bins(self.times, t0, dt)
        keep = (bins >= 0) & (bins < n_steps)
        out = np.zeros((n_steps, self.num_channels), dtype=int)
        np.add.at(out, (bins[keep], self.channels[keep]), 1)
        return out if add_events else out > 0

    def plot(self, ax=None, **kwargs) -> Any:
        """Raster plot (time vs channel) with Matplotlib; returns the scatter collection."""
        import matplotlib.pyplot as plt

        ax = plt.gca() if ax is None else ax
        kwargs.setdefault("marker", "|")
        artist = ax.scatter(self.times, self.channels, **kwargs)
        ax.set_xlabel("time (s)")
        ax.set_ylabel("channel")
        if self.name:
            ax.set_title(self.name)
        return artist
