"""Delays: every delay from 0 to max_delay delivers exactly that many steps later."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import spark
from spark.core.graph import update

D = spark.nn.delays


@jax.jit
def _scan(graph, state, spikes):
    def body(state, x):
        m = spark.merge(graph, state)
        out = m(in_spikes=spark.SpikeArray(x))["out_spikes"].value
        return spark.split(m)[1], out

    return jax.lax.scan(body, state, spikes)


def run(module, spikes) -> np.ndarray:
    """Step ``module`` through ``spikes`` (T, ...) under jit + scan; return the output spikes (T, ...)."""
    spikes = jnp.asarray(spikes, jnp.float32)
    if not module.__built__:
        module.build_from_specs(
            {"in_spikes": spark.InputSpec(spark.SpikeArray, spikes.shape[1:], spikes.dtype)}
        )
    graph, state = spark.split(module)
    state, outs = _scan(graph, state, spikes)
    update(module, state)
    return np.asarray(outs)


def shifted(train: np.ndarray, delays: np.ndarray) -> np.ndarray:
    """Reference: out[n, ..., j] = train[n - d[..., j], j] (zero before the start)."""
    steps = train.shape[0]
    n = np.arange(steps).reshape((steps,) + (1,) * delays.ndim)
    src = n - delays[None]
    cols = np.broadcast_to(np.arange(train.shape[1]), src.shape)
    return np.where(src >= 0, train[np.clip(src, 0, None), cols], 0)


def test_public_names_are_pinned():
    assert sorted(D.__all__) == sorted(
        ["Delays", "DelaysConfig", "DelaysOutput", "NDelays", "NDelaysConfig", "NMDelays", "NMDelaysConfig"]
    )
    assert issubclass(D.Delays, spark.nn.Component) and D.Delays.__catalogue_group__ == "delays"
    assert {"NDelays", "NMDelays"} <= {e["name"] for e in spark.catalogue()["groups"]["delays"]}


@pytest.mark.parametrize("max_delay", [1, 4, 7])
def test_every_delay_delivers_exactly_k_steps_later(max_delay):
    impulse = np.zeros((max_delay + 3, 1), np.float32)
    impulse[0] = 1.0
    for k in range(0, max_delay + 1):
        out = run(D.NDelays(max_delay=max_delay, delay_steps=k), impulse)
        assert np.flatnonzero(out[:, 0]).tolist() == [k], f"delay {k}"


def test_per_input_delays_on_a_random_signed_train():
    rng = np.random.default_rng(0)
    train = rng.choice([-1.0, 0.0, 1.0], size=(40, 6), p=[0.2, 0.5, 0.3]).astype(np.float32)
    module = D.NDelays(max_delay=5, seed=3)
    out = run(module, train)
    delays = np.asarray(module.get_delays())
    assert delays.shape == (6,) and delays.min() >= 1 and delays.max() <= 5
    np.testing.assert_array_equal(out, shifted(train, delays))


def test_input_shape_is_kept():
    out = run(D.NDelays(max_delay=2, delay_steps=1), np.ones((3, 2, 3), np.float32))
    assert out.shape == (3, 2, 3)
    np.testing.assert_array_equal(out[0], 0)
    np.testing.assert_array_equal(out[1:], 1)


def test_per_synapse_delays_give_a_post_by_pre_matrix():
    rng = np.random.default_rng(1)
    train = rng.choice([-1.0, 0.0, 1.0], size=(30, 5)).astype(np.float32)
    module = D.NMDelays(units=(2, 2), max_delay=4, min_delay=0, seed=5)
    out = run(module, train)
    delays = np.asarray(module.get_delays())
    assert out.shape == (30, 4, 5) and delays.shape == (4, 5)
    np.testing.assert_array_equal(out, shifted(train, delays))


@pytest.mark.parametrize("k", [0, 1, 3])
def test_per_synapse_explicit_delays(k):
    impulse = np.zeros((6, 3), np.float32)
    impulse[0] = [1.0, -1.0, 0.0]
    out = run(D.NMDelays(units=(2,), max_delay=3, delay_steps=k), impulse)
    hits = np.flatnonzero(np.abs(out).sum(axis=(1, 2)))
    assert hits.tolist() == [k]
    np.testing.assert_array_equal(out[k], [[1, -1, 0], [1, -1, 0]])


def test_drawn_delays_cover_the_range_and_follow_the_seed():
    def draw(seed):
        m = D.NMDelays(units=(20,), max_delay=6, min_delay=2, seed=seed)
        m.build_from_specs({"in_spikes": spark.InputSpec(spark.SpikeArray, (30,), jnp.float32)})
        return np.asarray(m.get_delays())

    a = draw(1)
    assert set(np.unique(a).tolist()) == {2, 3, 4, 5, 6}
    np.testing.assert_array_equal(a, draw(1))
    assert not np.array_equal(a, draw(2))


def test_reset_clears_the_buffer_and_dtype_is_kept():
    module = D.NDelays(max_delay=3, delay_steps=2, dtype=jnp.float16)
    run(module, np.ones((2, 4), np.float32))
    module.reset()
    out = [module(in_spikes=spark.SpikeArray(jnp.zeros(4, jnp.float16)))["out_spikes"] for _ in range(3)]
    assert all(o.dtype == jnp.float16 for o in out)
    assert all(float(np.abs(np.asarray(o.value, np.float32)).sum()) == 0 for o in out)
    assert isinstance(module.buffer, spark.Variable) and module.buffer.value.shape == (4, 4)


def test_jit_matches_eager():
    rng = np.random.default_rng(2)
    train = (rng.random((12, 4)) < 0.4).astype(np.float32)
    eager_module = D.NMDelays(units=(3,), max_delay=3, seed=0)
    eager = [
        np.asarray(eager_module(in_spikes=spark.SpikeArray(jnp.asarray(x)))["out_spikes"].value)
        for x in train
    ]
    np.testing.assert_array_equal(np.stack(eager), run(D.NMDelays(units=(3,), max_delay=3, seed=0), train))


def test_config_errors():
    with pytest.raises(spark.ConfigError, match="min_delay must not exceed max_delay"):
        D.NDelaysConfig(min_delay=4, max_delay=2)
    with pytest.raises(spark.ConfigError, match=r"delay_steps must lie in \[0, max_delay=3\] steps"):
        D.NDelaysConfig(max_delay=3, delay_steps=np.array([1, 5]))
    with pytest.raises(spark.ConfigError, match="'max_delay' must be positive"):
        D.NMDelaysConfig(max_delay=0)
    with pytest.raises(spark.ConfigError, match="delay_steps must be whole numbers"):
        D.NDelaysConfig(delay_steps=1.5)
    with pytest.raises(
        spark.BuildError, match=r"NDelaysConfig.delay_steps has shape \(2,\), which does not broadcast"
    ):
        D.NDelays(max_delay=3, delay_steps=np.array([1, 2]))(in_spikes=spark.SpikeArray(jnp.zeros(3)))


@pytest.mark.parametrize(
    "cfg",
    [
        D.NDelaysConfig(max_delay=4, delay_steps=np.array([1, 2, 3]), seed=1),
        D.NMDelaysConfig(units=(3,), max_delay=8, min_delay=2, dt=0.5, seed=2),
    ],
)
def test_config_file_round_trip(tmp_path, cfg):
    path = str(tmp_path / "delays.scfg")
    cfg.to_file(path)
    assert type(cfg).from_file(path) == cfg
