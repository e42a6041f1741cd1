"""``BlockUniformInitializerConfig``: a kernel whose input columns come in blocks with their own ranges."""

from __future__ import annotations

import dataclasses as dc
import typing as tp

import jax
import jax.numpy as jnp
import numpy as np

from spark.core.arrays import device_array, host_rng
from spark.core.registry import register_initializer
from spark.core.validation import TypeValidator
from spark.nn.initializers._base import InitializerConfig

__all__ = ["BlockUniformInitializerConfig"]


@register_initializer("block_uniform")
class BlockUniformInitializerConfig(InitializerConfig):
    """Uniform weights drawn block by block along the fan-in (last) axis.

    A neuron whose input concatenates several sources (in a brain: the ``in_spikes`` port maps in order)
    gets one weight range per source: columns ``[c_k, c_k + sizes[k])`` are drawn from
    :math:`\\mathcal{U}[\\mathrm{lows}_k, \\mathrm{highs}_k]` (a constant where they are equal).

    .. math:: W_{ij} \\sim \\mathcal{U}[l_k, h_k] \\quad \\text{for } c_k \\le j < c_k + n_k

    Examples:
        >>> import jax
        >>> from spark.nn.initializers import BlockUniformInitializerConfig
        >>> init = BlockUniformInitializerConfig(sizes=(3, 2), lows=(0.0, 2.0), highs=(1.0, 2.0))
        >>> w = init.init(jax.random.PRNGKey(0), (4, 5))
        >>> bool((w[:, :3] < 1).all()), w[:, 3:].tolist() == [[2.0, 2.0]] * 4
        (True, True)
    """

    sizes: tuple[int, ...] = dc.field(
        default=(1,),
        metadata={
            "validators": [TypeValidator],
            "description": "Number of input columns of each block, in order.",
        },
    )
    lows: tuple[float, ...] = dc.field(
        default=(0.0,),
        metadata={"validators": [TypeValidator], "description": "Lower bound of each block's weights."},
    )
    highs: tuple[float, ...] = dc.field(
        default=(1.0,),
        metadata={"validators": [TypeValidator], "description": "Upper bound of each block's weights."},
    )

    def _extra_errors(self) -> list[str]:
        errors = super()._extra_errors()
        n = len(self.sizes)
        if len(self.lows) != n or len(self.highs) != n:
            errors.append(
                f"sizes, lows and highs must have one entry per block, got {n} sizes, {len(self.lows)} lows "
                f"and {len(self.highs)} highs"
            )
            return errors
        if any(int(s) < 0 for s in self.sizes):
            errors.append(f"sizes must be >= 0, got {tuple(self.sizes)}")
        bad = [k for k in range(n) if float(self.lows[k]) > float(self.highs[k])]
        if bad:
            errors.append(
                f"lows must not exceed highs, block {bad[0]} has low={self.lows[bad[0]]} > "
                f"high={self.highs[bad[0]]}"
            )
        return errors

    def init(
        self, key: jax.Array, shape: tuple[int, ...], dtype: tp.Any = jnp.float32, fan_in: int | None = None
    ) -> jax.Array:
        shape = tuple(int(s) for s in shape)
        width = shape[-1] if shape else 1
        sizes = [int(s) for s in self.sizes]
        if sum(sizes) != width:
            raise ValueError(
                f"BlockUniformInitializerConfig: the blocks cover {sum(sizes)} inputs ({'+'.join(map(str, sizes))}) "
                f"but the kernel {shape} has {width}; give one block size per source so that they add up to {width}"
            )
        lows = np.repeat(np.asarray(self.lows, np.float32), sizes)
        highs = np.repeat(np.asarray(self.highs, np.float32), sizes)
        u = host_rng(key).uniform(0.0, 1.0, size=shape).astype(np.float32)
        return device_array((lows + (highs - lows) * u).astype(np.dtype(dtype)))
