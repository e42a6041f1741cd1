"""Neuron models: config sharing, composition, learning, dtypes, jit == eager, seeds and files."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import spark

N = spark.nn.neurons
NEURONS = [N.LIFNeuron, N.ALIFNeuron, N.AdExNeuron]


def spike_train(steps=10, pre=12, seed=0, dtype=np.float32):
    rng = np.random.default_rng(seed)
    return [spark.SpikeArray(jnp.asarray((rng.random(pre) < 0.5).astype(dtype))) for _ in range(steps)]


def test_public_names_are_pinned():
    assert sorted(N.__all__) == sorted(
        [
            "Neuron",
            "NeuronConfig",
            "NeuronOutput",
            "LIFNeuron",
            "LIFNeuronConfig",
            "ALIFNeuron",
            "ALIFNeuronConfig",
            "AdExNeuron",
            "AdExNeuronConfig",
        ]
    )
    assert N.Neuron.__catalogue_group__ == "neurons"
    entries = {e["name"]: e for e in spark.catalogue()["groups"]["neurons"]}
    assert {c.__name__ for c in NEURONS} <= set(entries)
    assert entries["ALIFNeuron"]["inputs"]["modulation"]["optional"] is True
    assert set(entries["ALIFNeuron"]["outputs"]) == {"out_spikes", "potential"}


def test_seed_002_config_shares_units_and_turns_on_presynaptic_delays():
    cfg = N.ALIFNeuronConfig(_s_units=(256,), _s_async_spikes=True)
    assert cfg.units == (256,) and cfg.async_spikes is True
    assert isinstance(cfg.delays, spark.nn.delays.NDelaysConfig)
    per_synapse = N.ALIFNeuronConfig(async_spikes=True, delays=spark.nn.delays.NMDelaysConfig())
    assert isinstance(per_synapse.delays, spark.nn.delays.NMDelaysConfig)
    assert cfg.soma.units == cfg.synapses.units == (256,)
    pool = N.ALIFNeuron(config=cfg)
    specs = pool.get_output_specs()  # the contract, before any build: the pool can feed itself
    assert specs["out_spikes"] == spark.OutputSpec(spark.SpikeArray, (256,), jnp.float32)
    assert specs["potential"] == spark.OutputSpec(spark.PotentialArray, (256,), jnp.float32)


def test_neuron_fields_reach_every_part():
    cfg = N.LIFNeuronConfig(units=(5,), dt=0.5, dtype=jnp.float16, delays=spark.nn.delays.NDelaysConfig())
    for part in (cfg.soma, cfg.synapses):
        assert part.units == (5,) and part.dt == 0.5 and part.dtype == np.float16
    assert cfg.delays.dt == 0.5 and cfg.delays.dtype == np.float16


def test_config_errors():
    cfg = N.ALIFNeuronConfig(units=(4,))
    with pytest.raises(spark.ConfigError, match=r"soma.units=\(3,\) differs from the neuron's units=\(4,\)"):
        cfg.merge({"soma__units": (3,)})
    with pytest.raises(spark.ConfigError, match="'tau_mem' must be positive"):
        N.ALIFNeuronConfig(soma__tau_mem=-1.0)
    with pytest.raises(spark.ConfigError, match="shared key '_s_tau_mme' matches no field"):
        N.ALIFNeuronConfig(_s_tau_mme=3.0)


def test_build_creates_every_variable_and_flattens_inputs():
    pool = N.ALIFNeuron(units=(3,), delays=spark.nn.delays.NMDelaysConfig(),
                        learning_rule=spark.nn.learning_rules.STDPRuleConfig())
    out = pool.build_from_specs({"in_spikes": spark.InputSpec(spark.SpikeArray, (2, 4), jnp.float32)})
    assert out["out_spikes"].shape == (3,)
    keys = set(spark.split(pool, constants_in_state=True)[1])
    assert {"soma/potential", "soma/adaptation", "synapses/kernel", "delays/buffer", "delays/delays"} <= keys
    assert pool.synapses.get_kernel().shape == (3, 8)
    assert pool.delays(in_spikes=spark.SpikeArray(jnp.zeros(8)))["out_spikes"].shape == (3, 8)


def test_composition_equals_the_parts_chained_by_hand():
    pool = N.ALIFNeuron(units=(4,), delays=spark.nn.delays.NMDelaysConfig(), seed=11)
    inputs = spike_train(steps=15, pre=6)
    outs = [pool(in_spikes=x) for x in inputs]
    delays = spark.nn.delays.NMDelays(config=pool.delays.config)
    synapses = type(pool.synapses)(config=pool.synapses.config)
    soma = type(pool.soma)(config=pool.soma.config)
    for x, ref in zip(inputs, outs, strict=True):
        d = delays(in_spikes=x)["out_spikes"]
        out = soma(in_currents=synapses(spikes=d)["currents"])
        np.testing.assert_array_equal(np.asarray(out["spikes"].value), np.asarray(ref["out_spikes"].value))
        np.testing.assert_allclose(
            np.asarray(out["potential"].value), np.asarray(ref["potential"].value), rtol=1e-6
        )


def test_learning_rule_gets_the_modulation():
    rule = spark.nn.learning_rules.ThreeFactorRuleConfig(eta=1.0)
    pool = N.LIFNeuron(units=(3,), learning_rule=rule, seed=0, soma__v_th=-64.9)  # fires on any input
    inputs = spike_train(steps=5, pre=4)
    pool(in_spikes=inputs[0], modulation=spark.FloatArray(jnp.array(0.0)))
    k0 = np.asarray(pool.synapses.get_kernel())
    for x in inputs[1:]:
        pool(in_spikes=x, modulation=spark.FloatArray(jnp.array(0.0)))
    np.testing.assert_array_equal(np.asarray(pool.synapses.get_kernel()), k0)  # no modulation, no change
    for x in inputs:
        pool(in_spikes=x, modulation=spark.FloatArray(jnp.array(1.0)))
    assert not np.array_equal(np.asarray(pool.synapses.get_kernel()), k0)


@jax.jit
def _step(graph, state, x):
    m = spark.merge(graph, state)
    out = m(in_spikes=x)
    return out, spark.split(m)[1]


@pytest.mark.parametrize("cls", NEURONS)
def test_jit_matches_eager_and_same_seed_same_spikes(cls):
    inputs = spike_train()
    kw = dict(units=(5,), async_spikes=True, seed=4, synapses__kernel_initializer__high=600.0)
    eager = [cls(**kw)]
    eager_out = [eager[0](in_spikes=x) for x in inputs]
    module = cls(**kw)
    module.build_from_specs({"in_spikes": spark.InputSpec(spark.SpikeArray, (12,), jnp.float32)})
    graph, state = spark.split(module)
    total = 0.0
    for x, ref in zip(inputs, eager_out, strict=True):
        out, state = _step(graph, state, x)
        np.testing.assert_array_equal(
            np.asarray(out["out_spikes"].value), np.asarray(ref["out_spikes"].value)
        )
        np.testing.assert_allclose(
            np.asarray(out["potential"].value), np.asarray(ref["potential"].value), rtol=1e-5, atol=1e-4
        )
        total += float(np.abs(np.asarray(out["out_spikes"].value)).sum())
    assert total > 0
    other = cls(**{**kw, "seed": 5})
    other.build_from_specs({"in_spikes": spark.InputSpec(spark.SpikeArray, (12,), jnp.float32)})
    assert not np.array_equal(
        np.asarray(other.synapses.get_kernel()), np.asarray(module.synapses.get_kernel())
    )


@pytest.mark.parametrize("cls", NEURONS)
def test_float16_neuron(cls):
    pool = cls(
        units=(6,), dtype=jnp.float16, async_spikes=True, seed=0, synapses__kernel_initializer__high=600.0
    )
    outs = [pool(in_spikes=x) for x in spike_train(dtype=np.float16)]
    assert all(o["out_spikes"].dtype == jnp.float16 and o["potential"].dtype == jnp.float16 for o in outs)
    assert all(np.all(np.isfinite(np.asarray(o["potential"].value, np.float32))) for o in outs)
    assert sum(float(np.abs(np.asarray(o["out_spikes"].value, np.float32)).sum()) for o in outs) > 0


def test_float32_neuron_accepts_float16_spikes():
    out = N.ALIFNeuron(units=(2,))(in_spikes=spark.SpikeArray(jnp.ones((3,), jnp.float16)))
    assert out["out_spikes"].dtype == jnp.float32


@pytest.mark.parametrize(
    "cfg",
    [
        N.ALIFNeuronConfig(_s_units=(256,), _s_async_spikes=True, seed=1),
        N.LIFNeuronConfig(
            units=(4,),
            delays=spark.nn.delays.NDelaysConfig(max_delay=3),
            dt=0.5,
            seed=2,
            learning_rule=spark.nn.learning_rules.STDPRuleConfig(),
        ),
        N.AdExNeuronConfig(units=(3,), soma__b=0.5, synapses__kernel_initializer__high=10.0, seed=3),
    ],
)
def test_config_file_round_trip(tmp_path, cfg):
    path = str(tmp_path / "neuron.scfg")
    cfg.to_file(path)
    back = type(cfg).from_file(path)
    assert back == cfg and back.diff(cfg) == {}


def test_checkpoint_round_trip(tmp_path):
    pool = N.ALIFNeuron(units=(4,), async_spikes=True, seed=9)
    for x in spike_train(steps=3, pre=5):
        pool(in_spikes=x)
    path = str(tmp_path / "pool.ckpt")
    pool.checkpoint(path)
    back = N.ALIFNeuron.from_checkpoint(path)
    a, b = spark.split(pool)[1], spark.split(back)[1]
    assert set(a) == set(b)
    for k in a:
        np.testing.assert_array_equal(np.asarray(a[k]), np.asarray(b[k]))
