"""Base classes of the initializers: small configs that draw an array from a PRNG key.

An initializer is a config, so it can be the value of a config field (``kernel_initializer=...``), be
saved to a ``.scfg`` file and be edited in the graph editor. Calling ``init(key, shape, dtype)`` draws
the array.

Kernels are laid out ``(post, pre)``: rows are the targets and the **last axis is the fan-in** (the
number of inputs of one target). ``fan_in_scaling`` and the per-row operations of the sparse and
normalized initializers all act along that axis.
"""

from __future__ import annotations

import abc
import dataclasses as dc
import typing as tp

import jax
import jax.numpy as jnp
import numpy as np

from spark.core.arrays import device_array, host_rng
from spark.core.config import BaseConfig
from spark.core.validation import OneOfValidator

__all__ = ["InitializerConfig", "ScaledInitializerConfig", "fan_in_of"]

FAN_IN_SCALINGS = ("none", "sqrt", "linear")


def fan_in_of(shape: tuple[int, ...]) -> int:
    """The fan-in of an array of ``shape``: its last axis for 2-D and larger arrays, 1 otherwise."""
    shape = tuple(shape)
    return int(shape[-1]) if len(shape) >= 2 else 1


class InitializerConfig(BaseConfig, abc.ABC):
    """Base of every initializer config.

    Subclasses implement :meth:`init`; register them with ``@spark.register_initializer('name')``.
    """

    __catalogue_kind__: tp.ClassVar[str] = "initializer"

    @abc.abstractmethod
    def init(
        self, key: jax.Array, shape: tuple[int, ...], dtype: tp.Any = jnp.float32, fan_in: int | None = None
    ) -> jax.Array:
        """Draw an array.

        Args:
            key: a JAX PRNG key (the same key always gives the same array).
            shape: the array shape; for kernels ``(post, pre)``.
            dtype: a floating dtype.
            fan_in: overrides the fan-in read from ``shape`` (the sparse initializer passes the number
                of nonzero entries per row).

        Returns:
            A ``jax.Array`` of ``shape`` and ``dtype``.
        """

    def __call__(self, key: jax.Array, shape: tuple[int, ...], dtype: tp.Any = jnp.float32) -> jax.Array:
        return self.init(key, shape, dtype)

    @property
    def class_ref(self) -> type:
        """An initializer config is its own implementation."""
        return type(self)


class ScaledInitializerConfig(InitializerConfig):
    """An initializer whose values may be divided by a power of the fan-in.

    ``fan_in_scaling`` = ``'none'`` (values as drawn), ``'sqrt'`` (divided by :math:`\\sqrt{n_{in}}`) or
    ``'linear'`` (divided by :math:`n_{in}`). With ``'linear'`` the *summed* input of a target keeps the
    same mean whatever the number of inputs; with ``'sqrt'`` its fluctuations keep the same size.
    """

    fan_in_scaling: str = dc.field(
        default="none",
        metadata={
            "validators": [OneOfValidator(*FAN_IN_SCALINGS)],
            "description": "Divide the drawn values by the fan-in ('linear'), its square root ('sqrt') or "
            "nothing ('none'). The fan-in is the last axis of the shape.",
        },
    )

    @abc.abstractmethod
    def _draw(self, rng: np.random.Generator, shape: tuple[int, ...], dtype: tp.Any) -> np.ndarray:
        """Draw the unscaled values on the host."""

    def init(
        self, key: jax.Array, shape: tuple[int, ...], dtype: tp.Any = jnp.float32, fan_in: int | None = None
    ) -> jax.Array:
        shape = tuple(int(s) for s in shape)
        dtype = np.dtype(dtype)
        work = np.dtype(jnp.promote_types(dtype, jnp.float32)) if dtype.kind == "f" else np.dtype("float32")
        values = self._draw(host_rng(key), shape, work)
        n = max(int(fan_in if fan_in is not None else fan_in_of(shape)), 1)
        if self.fan_in_scaling == "sqrt":
            values = values / np.sqrt(n)
        elif self.fan_in_scaling == "linear":
            values = values / n
        return device_array(values.astype(dtype))
