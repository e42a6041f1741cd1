"""Constant initializer."""

from __future__ import annotations

import dataclasses as dc
import typing as tp

import numpy as np

from spark.core.registry import register_initializer
from spark.core.validation import TypeValidator
from spark.nn.initializers._base import ScaledInitializerConfig

__all__ = ["ConstantInitializerConfig"]


@register_initializer("constant")
class ConstantInitializerConfig(ScaledInitializerConfig):
    """Every entry equals ``value`` (divided by the fan-in scaling, if any).

    .. math:: W_{ij} = c \\,/\\, s(n_{in}), \\qquad s \\in \\{1, \\sqrt{n_{in}}, n_{in}\\}

    Examples:
        >>> import jax, spark
        >>> init = spark.nn.initializers.ConstantInitializerConfig(value=2.0, fan_in_scaling='linear')
        >>> init.init(jax.random.PRNGKey(0), (2, 4)).tolist()
        [[0.5, 0.5, 0.5, 0.5], [0.5, 0.5, 0.5, 0.5]]
    """

    value: float = dc.field(
        default=0.0,
        metadata={"validators": [TypeValidator], "description": "The value of every entry."},
    )

    def _draw(self, rng: np.random.Generator, shape: tuple[int, ...], dtype: tp.Any) -> np.ndarray:
        return np.full(shape, self.value, dtype)
