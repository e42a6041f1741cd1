"""Sparse initializer: a fixed number of nonzero entries per row."""

from __future__ import annotations

import dataclasses as dc
import typing as tp

import jax
import jax.numpy as jnp
import numpy as np

from spark.core.arrays import device_array, host_rng
from spark.core.registry import register_initializer
from spark.core.validation import RangeValidator, TypeValidator
from spark.nn.initializers._base import InitializerConfig, fan_in_of
from spark.nn.initializers._uniform import UniformInitializerConfig

__all__ = ["SparseInitializerConfig"]


@register_initializer("sparse")
class SparseInitializerConfig(InitializerConfig):
    """Keep exactly :math:`k = \\mathrm{round}(\\rho\\, n_{in})` random entries per row; zero the rest.

    Every row (target) gets the same number of inputs, chosen uniformly without replacement along the
    last axis; the kept entries are drawn from ``values``. Fan-in scaling of ``values`` uses :math:`k`,
    the number of inputs actually connected.

    .. math:: W_{ij} = M_{ij}\\, V_{ij}, \\qquad M_{ij} \\in \\{0, 1\\},\\ \\sum_j M_{ij} = k

    Examples:
        >>> import jax, spark
        >>> init = spark.nn.initializers.SparseInitializerConfig(density=0.25)
        >>> w = init.init(jax.random.PRNGKey(0), (3, 8))
        >>> (w != 0).sum(axis=1).tolist()
        [2, 2, 2]
    """

    density: float = dc.field(
        default=0.1,
        metadata={
            "validators": [TypeValidator, RangeValidator(0.0, 1.0)],
            "description": "Fraction of the entries of each row that are nonzero.",
        },
    )
    values: InitializerConfig = dc.field(
        default_factory=lambda **kw: UniformInitializerConfig(**{"low": 0.0, "high": 1.0, **kw}),
        metadata={"description": "Initializer of the nonzero entries."},
    )

    def init(
        self, key: jax.Array, shape: tuple[int, ...], dtype: tp.Any = jnp.float32, fan_in: int | None = None
    ) -> jax.Array:
        shape = tuple(int(s) for s in shape)
        n_in = int(fan_in if fan_in is not None else fan_in_of(shape))
        width = shape[-1] if shape else 1
        k = int(np.round(float(self.density) * width))
        rng = host_rng(key)
        # rank of a uniform draw along the last axis: the k smallest are kept
        ranks = np.argsort(np.argsort(rng.uniform(size=shape), axis=-1), axis=-1)
        mask = ranks < k
        scaled_fan_in = max(int(np.round(float(self.density) * n_in)), 1)
        values = np.asarray(self.values.init(rng, shape, dtype, fan_in=scaled_fan_in))
        return device_array(np.where(mask, values, np.zeros((), values.dtype)).astype(dtype))
