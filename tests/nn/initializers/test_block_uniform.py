"""BlockUniformInitializerConfig: one uniform range per block of input columns."""

import jax
import numpy as np
import pytest

import spark
from spark.nn.initializers import BlockUniformInitializerConfig


def test_each_block_is_drawn_in_its_range_and_constant_blocks_are_exact():
    init = BlockUniformInitializerConfig(sizes=(5, 2, 3), lows=(0.0, 2.0, -1.0), highs=(1.0, 2.0, -0.5))
    w = np.asarray(init.init(jax.random.PRNGKey(0), (4, 10)))
    assert w.shape == (4, 10)
    assert ((w[:, :5] >= 0) & (w[:, :5] <= 1)).all() and w[:, :5].std() > 0
    np.testing.assert_array_equal(w[:, 5:7], 2.0)
    assert ((w[:, 7:] >= -1) & (w[:, 7:] <= -0.5)).all()


def test_same_key_same_kernel():
    init = BlockUniformInitializerConfig(sizes=(3,), lows=(0.0,), highs=(1.0,))
    a = init.init(jax.random.PRNGKey(3), (2, 3))
    b = init.init(jax.random.PRNGKey(3), (2, 3))
    np.testing.assert_array_equal(np.asarray(a), np.asarray(b))


def test_errors_say_what_is_allowed():
    with pytest.raises(ValueError, match=r"cover 3 inputs \(1\+2\) but the kernel \(2, 4\) has 4"):
        BlockUniformInitializerConfig(sizes=(1, 2), lows=(0, 0), highs=(1, 1)).init(
            jax.random.PRNGKey(0), (2, 4)
        )
    with pytest.raises(spark.ConfigError, match="one entry per block"):
        BlockUniformInitializerConfig(sizes=(1, 2), lows=(0,), highs=(1, 1))
    with pytest.raises(spark.ConfigError, match="lows must not exceed highs"):
        BlockUniformInitializerConfig(sizes=(1,), lows=(2.0,), highs=(1.0,))
