"""``TimedModule``: evolve a module over time series instead of clocked arrays (``Module.timed()``)."""

from __future__ import annotations

from typing import Any

import jax
import numpy as np

from spark.lowlevel._timeseries import TSContinuous, TSEvent, _num_steps

__all__ = ["TimedModule"]


def _module_dt(module) -> float | None:
    # dt is stored as float32: read it back with float32 precision (0.001, not 0.0010000000474974513)
    values = {
        float(f"{float(np.asarray(v)):.7g}") for v in jax.tree_util.tree_leaves(module.attributes_named("dt"))
    }
    if len(values) > 1:
        raise ValueError(
            f"{module.full_name}: submodules use different dt values {sorted(values)}; pass dt to timed()"
        )
    return values.pop() if values else None


class TimedModule:
    """A module wrapped to take and return time series; it keeps its own clock ``t``.

    Each call rasterises the input with step ``dt`` over ``[t, t_stop)`` (``t_stop`` from the input, or
    ``t + duration``), evolves the wrapped module (which keeps its state between calls) and advances
    ``t``. Outputs are a :class:`TSEvent` when the module's output is spiking, a :class:`TSContinuous`
    otherwise; recorded signals come back as :class:`TSContinuous` (first batch element, channels
    flattened). Attribute access falls through to the wrapped module.

    Args:
        module: the :class:`Module` to wrap.
        dt: time step; taken from the module's ``dt`` simulation parameter(s) when ``None``.
        t_start: initial time of the clock.

    Examples:
        >>> import numpy as np
        >>> from spark.lowlevel import RateJax, TSContinuous
        >>> tmod = RateJax(2, bias=1.0).timed()
        >>> out, _, _ = tmod(TSContinuous.from_clocked(np.zeros((5, 2)), dt=1e-3))
        >>> type(out).__name__, out.samples.shape, tmod.t
        ('TSContinuous', (5, 2), 0.005)
    """

    def __init__(self, module, dt: float | None = None, t_start: float = 0.0):
        self.module = module
        self.dt = _module_dt(module) if dt is None else float(dt)
        if self.dt is None:
            raise ValueError(f"{module.full_name}: has no dt simulation parameter; give timed(dt=...)")
        self.t_start = float(t_start)
        self.t = self.t_start

    def __getattr__(self, name: str) -> Any:
        if name == "module":  # not yet set (e.g. during unpickling)
            raise AttributeError(name)
        return getattr(self.module, name)

    def __repr__(self) -> str:
        return f"TimedModule(dt={self.dt}) around {self.module!r}"

    def reset_time(self) -> None:
        """Set the clock back to ``t_start``."""
        self.t = self.t_start

    def reset_state(self) -> None:
        """Reset the wrapped module's state and the clock."""
        self.module.reset_state()
        self.reset_time()

    def _raster(self, ts_input, duration: float | None) -> np.ndarray:
        if ts_input is None:
            if duration is None:
                raise ValueError("TimedModule: give an input time series or a duration")
            return np.zeros((_num_steps(self.t, self.t + duration, self.dt), self.module.size_in))
        t_stop = ts_input.t_stop if duration is None else self.t + duration
        if isinstance(ts_input, TSEvent):
            return ts_input.raster(self.dt, self.t, t_stop).astype(np.float32)
        if isinstance(ts_input, TSContinuous):
            return ts_input.raster(self.dt, self.t, t_stop)
        raise TypeError(
            f"TimedModule: input must be a TSContinuous or TSEvent, got {type(ts_input).__name__}"
        )

    def __call__(self, ts_input=None, duration: float | None = None, record: bool = False):
        """Evolve over ``ts_input``; returns ``(output series, new_state, recorded series)``."""
        clocked = self._raster(ts_input, duration)
        output, new_state, recorded = self.module(clocked, record)
        first = np.asarray(output)[0]
        t0 = self.t
        if self.module.spiking_output:
            ts_out = TSEvent.from_raster(first, self.dt, t0, name="output")
        else:
            ts_out = TSContinuous.from_clocked(first, self.dt, t0, name="output")

        def to_series(value):
            array = np.asarray(value)[0]
            return TSContinuous.from_clocked(array.reshape(array.shape[0], -1), self.dt, t0)

        ts_record = jax.tree_util.tree_map(to_series, recorded) if record else {}
        self.t = t0 + self.dt * clocked.shape[0]
        return ts_out, new_state, ts_record
