"""Uniform initializer."""

from __future__ import annotations

import dataclasses as dc
import typing as tp

import numpy as np

from spark.core.registry import register_initializer
from spark.core.validation import TypeValidator
from spark.nn.initializers._base import ScaledInitializerConfig

__all__ = ["UniformInitializerConfig"]


@register_initializer("uniform")
class UniformInitializerConfig(ScaledInitializerConfig):
    """Entries drawn independently and uniformly from ``[low, high)``, then fan-in scaled.

    .. math:: W_{ij} \\sim \\mathcal{U}[\\mathrm{low}, \\mathrm{high}) \\,/\\, s(n_{in})

    Examples:
        >>> import jax, spark
        >>> init = spark.nn.initializers.UniformInitializerConfig(low=0.0, high=1.0)
        >>> w = init.init(jax.random.PRNGKey(0), (3, 5))
        >>> w.shape, bool((w >= 0).all() and (w < 1).all())
        ((3, 5), True)
    """

    low: float = dc.field(
        default=0.0, metadata={"validators": [TypeValidator], "description": "Lower bound (included)."}
    )
    high: float = dc.field(
        default=1.0, metadata={"validators": [TypeValidator], "description": "Upper bound (excluded)."}
    )

    def _extra_errors(self) -> list[str]:
        errors = super()._extra_errors()
        try:
            if not float(self.low) < float(self.high):
                errors.append(f"low must be smaller than high, got low={self.low}, high={self.high}")
        except (TypeError, ValueError):
            pass  # the type validators report it
        return errors

    def _draw(self, rng: np.random.Generator, shape: tuple[int, ...], dtype: tp.Any) -> np.ndarray:
        return rng.uniform(float(self.low), float(self.high), size=shape).astype(dtype)
