"""Normal (Gaussian) initializer."""

from __future__ import annotations

import dataclasses as dc
import typing as tp

import numpy as np

from spark.core.registry import register_initializer
from spark.core.validation import NonNegativeValidator, TypeValidator
from spark.nn.initializers._base import ScaledInitializerConfig

__all__ = ["NormalInitializerConfig"]


@register_initializer("normal")
class NormalInitializerConfig(ScaledInitializerConfig):
    """Entries drawn independently from a normal distribution, then fan-in scaled.

    .. math:: W_{ij} \\sim \\mathcal{N}(\\mu, \\sigma^2) \\,/\\, s(n_{in})

    Examples:
        >>> import jax, spark
        >>> init = spark.nn.initializers.NormalInitializerConfig(mean=1.0, std=0.0)
        >>> init.init(jax.random.PRNGKey(0), (2, 2)).tolist()
        [[1.0, 1.0], [1.0, 1.0]]
    """

    mean: float = dc.field(
        default=0.0, metadata={"validators": [TypeValidator], "description": "Mean of the distribution."}
    )
    std: float = dc.field(
        default=1.0,
        metadata={"validators": [TypeValidator, NonNegativeValidator], "description": "Standard deviation."},
    )

    def _draw(self, rng: np.random.Generator, shape: tuple[int, ...], dtype: tp.Any) -> np.ndarray:
        return (self.mean + self.std * rng.standard_normal(shape)).astype(dtype)
