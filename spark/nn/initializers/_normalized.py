"""Normalized initializer: rows rescaled to a fixed sum or norm."""

from __future__ import annotations

import dataclasses as dc
import typing as tp

import jax
import jax.numpy as jnp
import numpy as np

from spark.core.arrays import device_array, host_rng
from spark.core.registry import register_initializer
from spark.core.validation import OneOfValidator, TypeValidator
from spark.nn.initializers._base import InitializerConfig
from spark.nn.initializers._uniform import UniformInitializerConfig

__all__ = ["NormalizedInitializerConfig"]

NORMS = ("sum", "l1", "l2")


@register_initializer("normalized")
class NormalizedInitializerConfig(InitializerConfig):
    """Draw from ``values``, then rescale every row so that its norm equals ``target``.

    .. math:: W_{ij} = \\mathrm{target}\\; \\frac{V_{ij}}{\\lVert V_{i\\cdot} \\rVert}, \\qquad
       \\lVert v \\rVert \\in \\Big\\{ \\sum_j v_j,\\ \\sum_j |v_j|,\\ \\sqrt{\\textstyle\\sum_j v_j^2} \\Big\\}

    for ``norm`` = ``'sum'``, ``'l1'``, ``'l2'``. Rows are taken along the last axis; a row whose norm
    is zero stays zero.

    Examples:
        >>> import jax, spark
        >>> init = spark.nn.initializers.NormalizedInitializerConfig(norm='sum', target=2.0)
        >>> w = init.init(jax.random.PRNGKey(0), (3, 10))
        >>> [round(float(s), 4) for s in w.sum(axis=1)]
        [2.0, 2.0, 2.0]
    """

    values: InitializerConfig = dc.field(
        default_factory=lambda **kw: UniformInitializerConfig(**{"low": 0.0, "high": 1.0, **kw}),
        metadata={"description": "Initializer of the values before normalization."},
    )
    norm: str = dc.field(
        default="sum",
        metadata={
            "validators": [OneOfValidator(*NORMS)],
            "description": "What is normalized: the signed sum of a row ('sum'), its L1 norm or its L2 norm.",
        },
    )
    target: float = dc.field(
        default=1.0,
        metadata={
            "validators": [TypeValidator],
            "description": "The sum or norm of every row after scaling.",
        },
    )

    def init(
        self, key: jax.Array, shape: tuple[int, ...], dtype: tp.Any = jnp.float32, fan_in: int | None = None
    ) -> jax.Array:
        work = np.dtype(jnp.promote_types(np.dtype(dtype), jnp.float32))
        v = np.asarray(self.values.init(host_rng(key), shape, work, fan_in=fan_in))
        if v.ndim == 0:
            v = v[None]
        if self.norm == "sum":
            n = np.sum(v, axis=-1, keepdims=True)
        elif self.norm == "l1":
            n = np.sum(np.abs(v), axis=-1, keepdims=True)
        else:
            n = np.sqrt(np.sum(v * v, axis=-1, keepdims=True))
        safe = np.where(n == 0, np.ones_like(n), n)
        out = np.where(n == 0, np.zeros_like(v), v * (self.target / safe))
        return device_array(out.reshape(shape).astype(dtype))
