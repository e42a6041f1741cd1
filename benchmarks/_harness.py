"""Timing and reporting helpers shared by the benchmarks.

Every benchmark produces :class:`Row` s; rows of one group are compared with the group's reference row,
measured in the same process right before or after, so machine load affects both alike. Times are
medians over repeats, after a warm-up call (compilation is reported separately, never mixed in).
"""

from __future__ import annotations

import dataclasses as dc
import gc
import statistics
import time
import typing as tp

import jax

__all__ = ["Row", "Report", "median_seconds", "interleaved_medians", "timed_once"]


@dc.dataclass
class Row:
    """One measured line of the table.

    ``value`` is a rate (``unit`` ends with ``/s``: higher is better) or a duration (``s``, lower is
    better). ``ref`` names the row of the same group this one is compared with.
    """

    group: str
    name: str
    value: float
    unit: str
    ref: str | None = None
    note: str = ""
    target: str = ""

    @property
    def is_rate(self) -> bool:
        return self.unit.endswith("/s")


def timed_once(fn: tp.Callable[[], tp.Any]) -> tuple[float, tp.Any]:
    """Seconds taken by one call of ``fn``, waiting for the JAX arrays it returns (JAX runs asynchronously:
    return the arrays, e.g. a run's ``.state``, not an object holding them)."""
    t0 = time.perf_counter()
    out = fn()
    jax.block_until_ready(out)
    return time.perf_counter() - t0, out


def median_seconds(fn: tp.Callable[[], tp.Any], repeats: int, warmup: int = 1) -> float:
    """Median wall time of ``fn()`` over ``repeats`` calls after ``warmup`` untimed calls."""
    for _ in range(warmup):
        jax.block_until_ready(fn())
    times = []
    for _ in range(repeats):
        gc.collect()
        times.append(timed_once(fn)[0])
    return statistics.median(times)


def interleaved_medians(
    fns: dict[str, tp.Callable[[], tp.Any]], repeats: int, warmup: int = 1
) -> dict[str, float]:
    """Median wall time of each ``fn`` over ``repeats`` rounds; every round times each ``fn`` once in turn.

    Interleaving makes slow drifts of the machine's load hit every variant alike, which keeps the
    ratios between them meaningful on a busy machine.
    """
    for fn in fns.values():
        for _ in range(warmup):
            jax.block_until_ready(fn())
    times: dict[str, list[float]] = {k: [] for k in fns}
    for _ in range(repeats):
        for k, fn in fns.items():
            gc.collect()
            times[k].append(timed_once(fn)[0])
    return {k: statistics.median(v) for k, v in times.items()}


class Report:
    """Collects rows and prints them as a table with ratios against each group's reference."""

    def __init__(self) -> None:
        self.rows: list[Row] = []

    def add(self, *args: tp.Any, **kwargs: tp.Any) -> Row:
        row = Row(*args, **kwargs)
        self.rows.append(row)
        print(f"  {row.group} | {row.name}: {_fmt(row.value)} {row.unit}", flush=True)
        return row

    def ratio(self, row: Row) -> float | None:
        """How many times slower than its reference (``1.00`` = as fast; ``< 1`` = faster)."""
        if row.ref is None:
            return None
        ref = next((r for r in self.rows if r.group == row.group and r.name == row.ref), None)
        if ref is None or not ref.value or not row.value:
            return None
        return ref.value / row.value if row.is_rate else row.value / ref.value

    def table(self) -> str:
        header = ("group", "variant", "value", "unit", "x ref (slower)", "reference", "target", "note")
        lines = [header]
        for r in self.rows:
            ratio = self.ratio(r)
            lines.append(
                (
                    r.group,
                    r.name,
                    _fmt(r.value),
                    r.unit,
                    "" if ratio is None else f"{ratio:.2f}",
                    r.ref or "",
                    r.target,
                    r.note,
                )
            )
        widths = [max(len(str(line[i])) for line in lines) for i in range(len(header))]
        out = []
        for i, line in enumerate(lines):
            out.append(" | ".join(str(c).ljust(w) for c, w in zip(line, widths, strict=False)).rstrip())
            if i == 0:
                out.append("-+-".join("-" * w for w in widths))
        return "\n".join(out)


def _fmt(x: float) -> str:
    if x == 0:
        return "0"
    if abs(x) >= 100:
        return f"{x:,.0f}"
    if abs(x) >= 1:
        return f"{x:.2f}"
    return f"{x:.3g}"
