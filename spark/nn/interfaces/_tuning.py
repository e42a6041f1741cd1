"""Place (population) coding shared by the topological spikers: tuning curves over a range."""

from __future__ import annotations

import dataclasses as dc
import functools

import jax
import jax.numpy as jnp
import numpy as np

from spark.core.validation import OneOfValidator, PositiveValidator, RangeValidator, TypeValidator
from spark.nn.interfaces._base import SpikerConfig, as_numpy, state_dtype

__all__ = ["TopologicalSpikerConfig", "place_code", "preferred_values", "tuned_rates", "tuning_constants"]

_ARRAY_FIELDS = ("glue", "mins", "maxs")


class TopologicalSpikerConfig(SpikerConfig):
    """Fields shared by the topological (place-code) spikers.

    ``glue``, ``mins`` and ``maxs`` may be scalars or arrays that broadcast against the signal, so
    every entry of the signal can have its own range.
    """

    glue: int = dc.field(
        default=0,
        metadata={
            "valid_types": bool,
            "validators": [TypeValidator, RangeValidator(0, 1)],
            "description": "Per input, 1 glues the ends of [mins, maxs] into a circle (for angles: a value "
            "near maxs also excites the units near mins); 0 keeps a line whose ends are clipped.",
        },
    )
    mins: float = dc.field(
        default=-1.0,
        metadata={
            "validators": [TypeValidator],
            "description": "Lower end of the encoded range (scalar or one value per input).",
        },
    )
    maxs: float = dc.field(
        default=1.0,
        metadata={
            "validators": [TypeValidator],
            "description": "Upper end of the encoded range (scalar or one value per input).",
        },
    )
    resolution: int = dc.field(
        default=32,
        metadata={
            "validators": [TypeValidator, PositiveValidator],
            "description": "Units per input; their preferred values are evenly spaced over the range.",
        },
    )
    tau: float = dc.field(
        default=30.0,
        metadata={
            "validators": [TypeValidator, PositiveValidator],
            "description": "Tuning sharpness (a scalar): a unit's tuning width is (maxs - mins) / tau (the standard "
            "deviation of a gaussian curve, the half-width of a triangular one). Larger is narrower.",
        },
    )
    tuning: str = dc.field(
        default="gaussian",
        metadata={
            "validators": [OneOfValidator("gaussian", "triangular")],
            "description": "Shape of the tuning curve.",
        },
    )

    def __post_init__(self) -> None:
        super().__post_init__()
        for name in _ARRAY_FIELDS:
            object.__setattr__(self, name, as_numpy(getattr(self, name)))

    def _extra_errors(self) -> list[str]:
        errors = super()._extra_errors()
        try:
            lo, hi = np.broadcast_arrays(np.asarray(self.mins, float), np.asarray(self.maxs, float))
        except (TypeError, ValueError) as exc:
            return errors + [f"mins {self.mins!r} and maxs {self.maxs!r} must broadcast together ({exc})"]
        if not np.all(hi > lo):
            errors.append(
                f"maxs must be greater than mins for every input, got mins={self.mins!r}, maxs={self.maxs!r}"
            )
        return errors


def preferred_values(mins: jnp.ndarray, maxs: jnp.ndarray, glue: jnp.ndarray, resolution: int) -> jnp.ndarray:
    """Preferred value of each unit, shape ``broadcast(mins, maxs, glue).shape + (resolution,)``.

    On a line the ``resolution`` values span ``[mins, maxs]`` ends included; on a circle (``glue``)
    they split ``[mins, maxs)`` into equal arcs, since ``maxs`` and ``mins`` are the same point.
    """
    j = jnp.arange(resolution, dtype=mins.dtype)
    line_step = (maxs - mins) / max(resolution - 1, 1)
    circle_step = (maxs - mins) / resolution
    step = jnp.where(glue != 0, circle_step, line_step)
    centre = mins + 0.5 * (maxs - mins)
    line_start = centre if resolution == 1 else mins
    start = jnp.where(glue != 0, mins, line_start)
    return start[..., None] + step[..., None] * j


@functools.partial(jax.jit, static_argnames=("resolution", "tau", "tuning"))
def place_code(
    x: jnp.ndarray,
    mins: jnp.ndarray,
    maxs: jnp.ndarray,
    glue: jnp.ndarray,
    resolution: int,
    tau: float,
    tuning: str,
) -> jnp.ndarray:
    """Activation in ``[0, 1]`` of every unit: shape ``x.shape + (resolution,)``.

    With range :math:`L = max - min`, preferred values :math:`c_j` and the distance
    :math:`d_j = (x - c_j)/L` (taken around the circle where ``glue``), the activation is
    :math:`\\exp(-(\\tau d_j)^2/2)` (gaussian) or :math:`\\max(0, 1 - \\tau |d_j|)` (triangular).
    """
    x = x.astype(mins.dtype)
    mins, maxs, glue = (jnp.broadcast_to(a, x.shape) for a in (mins, maxs, glue))
    x = jnp.where(glue != 0, x, jnp.clip(x, mins, maxs))
    span = (maxs - mins)[..., None]
    centres = preferred_values(mins, maxs, glue, resolution)
    d = (x[..., None] - centres) / span
    d = jnp.where(glue[..., None] != 0, d - jnp.round(d), d)  # shortest way around the circle
    if tuning == "triangular":
        return jnp.maximum(0.0, 1.0 - tau * jnp.abs(d))
    return jnp.exp(-0.5 * (tau * d) ** 2)


def tuning_constants(config: TopologicalSpikerConfig, shape: tuple[int, ...]) -> dict[str, jnp.ndarray]:
    """``mins``, ``maxs``, ``glue`` and ``max_freq`` broadcast to the signal's ``shape``.

    Raises a ``ValueError`` naming the field when a per-input value does not fit the signal.
    """
    work = state_dtype(config.dtype)
    out = {}
    for name, dtype in (("mins", work), ("maxs", work), ("glue", np.int32), ("max_freq", work)):
        value = np.asarray(getattr(config, name))
        try:
            out[name] = jnp.asarray(np.broadcast_to(value.astype(dtype), shape))
        except ValueError:
            raise ValueError(
                f"{type(config).__name__}.{name} has shape {value.shape}, which does not broadcast to the "
                f"signal shape {shape}; give one value per input or a scalar"
            ) from None
    return out


@functools.partial(jax.jit, static_argnames=("resolution", "tau", "tuning"))
def tuned_rates(
    x: jax.Array,
    mins: jax.Array,
    maxs: jax.Array,
    glue: jax.Array,
    max_freq: jax.Array,
    resolution: int,
    tau: float,
    tuning: str,
) -> jax.Array:
    """Rates (Hz) of the topological units: ``place_code(...) * max_freq``, shape ``x.shape + (resolution,)``."""
    return place_code(x, mins, maxs, glue, resolution, tau, tuning) * max_freq[..., None]
