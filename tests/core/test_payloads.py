import jax
import jax.numpy as jnp
import numpy as np
import pytest

import spark


@pytest.mark.parametrize(
    "cls",
    [spark.FloatArray, spark.SpikeArray, spark.CurrentArray, spark.PotentialArray, spark.IntegerArray, spark.BooleanMask],
)
def test_payload_type_survives_jit_and_tree_ops(cls):
    x = cls(jnp.ones((3,), jnp.float16))
    y = jax.jit(lambda p: p)(x)
    assert type(y) is cls and y.dtype == jnp.float16 and y.shape == (3,)
    z = jax.tree_util.tree_map(lambda a: a * 2, x)
    assert type(z) is cls and np.all(np.asarray(z.value) == 2)


def test_payload_arithmetic_returns_arrays_and_unwraps():
    a, b = spark.FloatArray(jnp.arange(3.0)), spark.FloatArray(jnp.ones(3))
    assert np.allclose(a + b, [1, 2, 3])
    assert np.allclose(2 * a, [0, 2, 4])
    assert np.allclose(spark.FloatArray(a).value, a.value)  # wrapping a payload unwraps it


def test_spike_sign_convention():
    s = spark.SpikeArray(jnp.array([1.0, -1.0, 0.0]))
    assert np.array_equal(np.asarray(s.spikes), [1, 1, 0])
    assert np.array_equal(np.asarray(s.inhibition_mask), [False, True, False])


def test_unknown_payload_name_suggests():
    from spark.core.payloads import payload_type_by_name

    with pytest.raises(spark.RegistryError, match="did you mean 'SpikeArray'"):
        payload_type_by_name("SpikeAray")


def test_specs_validate_arguments():
    spec = spark.InputSpec(payload_type=spark.FloatArray, shape=4, dtype=jnp.float16)
    assert spec.shape == (4,) and spec.dtype == np.dtype("float16")
    with pytest.raises(TypeError, match="payload_type must be a spark.SparkPayload subclass"):
        spark.OutputSpec(payload_type=int, shape=(2,), dtype=jnp.float32)
    with pytest.raises(TypeError, match="PortMap.port must be a non-empty string"):
        spark.PortMap(origin="a", port="")
