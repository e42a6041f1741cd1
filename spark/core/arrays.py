"""Host-side helpers for building state without compiling anything.

Eager JAX operations compile a small program the first time they meet a new shape (tens to hundreds
of milliseconds each on a CPU), which adds up to seconds when a brain builds dozens of arrays. Build
code therefore draws its random numbers with NumPy and moves finished arrays to the device with
``jax.device_put``, which compiles nothing.
"""

from __future__ import annotations

import typing as tp

import jax
import numpy as np

__all__ = ["host_rng", "device_array", "device_zeros"]


def host_rng(key: tp.Any) -> np.random.Generator:
    """A NumPy generator determined by ``key``: a JAX PRNG key, an int seed or a generator."""
    if isinstance(key, np.random.Generator):
        return key
    if isinstance(key, (int, np.integer)):
        return np.random.default_rng(int(key))
    if hasattr(key, "dtype") and jax.dtypes.issubdtype(key.dtype, jax.dtypes.prng_key):
        key = jax.random.key_data(key)
    data = np.asarray(key).astype(np.uint64).ravel()
    return np.random.default_rng([int(x) for x in data])


def device_array(value: tp.Any, dtype: tp.Any = None) -> jax.Array:
    """``value`` as a device array (no compilation, unlike ``jnp.asarray`` on a new shape)."""
    if isinstance(value, jax.Array) and (dtype is None or value.dtype == np.dtype(dtype)):
        return value
    if isinstance(value, jax.core.Tracer):
        return value if dtype is None else value.astype(dtype)
    return jax.device_put(np.asarray(value, dtype=dtype))


def device_zeros(shape: tp.Any, dtype: tp.Any) -> jax.Array:
    """Zeros of ``shape`` and ``dtype`` on the device, without compiling."""
    return jax.device_put(np.zeros(shape, dtype=dtype))
