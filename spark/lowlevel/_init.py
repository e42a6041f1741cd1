"""Initialisers shared by the low-level modules (plain NumPy: constructors do no JAX tracing)."""

from __future__ import annotations

import jax
import numpy as np

__all__ = ["kaiming", "zeros", "new_rng_key"]


def kaiming(shape: tuple[int, ...]) -> np.ndarray:
    """He/Kaiming-normal weights, ``N(0, 2 / fan_in)`` with ``fan_in = shape[0]``.

    Uses NumPy's global generator, so ``np.random.seed(...)`` makes construction reproducible.
    Reference: K. He et al., "Delving deep into rectifiers", ICCV 2015, doi:10.1109/ICCV.2015.123.
    """
    fan_in = max(int(shape[0]), 1) if shape else 1
    return np.random.standard_normal(shape) * np.sqrt(2.0 / fan_in)


def zeros(shape: tuple[int, ...]) -> np.ndarray:
    """All zeros."""
    return np.zeros(shape)


def new_rng_key(seed: int | None = None) -> np.ndarray:
    """A raw JAX PRNG key (``jax.random.PRNGKey(seed)``); ``seed`` drawn from NumPy's global generator
    when ``None``. Built with NumPy for the default threefry implementation (no JAX work)."""
    if seed is None:
        seed = int(np.random.randint(0, 2**31 - 1))
    if jax.config.jax_default_prng_impl != "threefry2x32":
        return np.asarray(jax.random.PRNGKey(seed))
    seed = int(seed) % 2**64
    return np.array([seed >> 32, seed & 0xFFFFFFFF], dtype=np.uint32)
