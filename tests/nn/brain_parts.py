"""Tiny modules for brain tests (hidden from the catalogue, so the contract suite skips them)."""

from __future__ import annotations

import typing as tp

import jax
import jax.numpy as jnp

import spark

F = spark.FloatArray
S = spark.SpikeArray
CALL = "__call__"


class RelayOutput(tp.TypedDict):
    y: spark.FloatArray


class BrainTestRelayConfig(spark.nn.Config):
    gain: float = 1.0


@spark.register_module
class BrainTestRelay(spark.nn.Module):
    """``y[t] = gain * x[t]``: no state, so a chain of relays shows the brain's own latency."""

    config: BrainTestRelayConfig
    __catalogue_hidden__ = True

    def __call__(self, x: spark.FloatArray) -> RelayOutput:
        return {"y": spark.FloatArray(self.config.gain * x.value)}


class ThresholdOutput(tp.TypedDict):
    spikes: spark.SpikeArray


class BrainTestThresholdConfig(spark.nn.Config):
    level: float = 0.0


@spark.register_module
class BrainTestThreshold(spark.nn.Module):
    """``spikes = signal > level`` (float to spikes, no state)."""

    config: BrainTestThresholdConfig
    __catalogue_hidden__ = True

    def __call__(self, signal: spark.FloatArray) -> ThresholdOutput:
        return {"spikes": spark.SpikeArray((signal.value > self.config.level).astype(self.config.dtype))}


class PoolOutput(tp.TypedDict):
    out_spikes: spark.SpikeArray
    potential: spark.PotentialArray


class BrainTestPoolConfig(spark.nn.Config):
    units: int = 6
    contract: bool = True
    sign: float = 1.0
    threshold: float = 1.0
    contract_units: int = 0  # promise this many units instead of `units` (to test broken contracts)


@spark.register_module
class BrainTestPool(spark.nn.Module):
    """A leaky pool with random weights; promises its output specs (so it can sit in a cycle)."""

    config: BrainTestPoolConfig
    __catalogue_hidden__ = True

    def __init__(self, **kwargs: tp.Any):
        super().__init__(**kwargs)
        if self.config.contract:
            self.set_contract_output_specs(
                {
                    "out_spikes": spark.OutputSpec(
                        spark.SpikeArray,
                        (self.config.contract_units or self.config.units,),
                        self.config.dtype,
                    )
                }
            )

    def build(self, input_specs: dict) -> None:
        n = input_specs["in_spikes"].size
        key = self.get_rng_keys(1)
        self.w = spark.Parameter(jax.random.uniform(key, (self.config.units, n), self.config.dtype, 0.2, 1.0))
        self.v = spark.Variable(jnp.zeros((self.config.units,), self.config.dtype))

    def __call__(self, in_spikes: spark.SpikeArray) -> PoolOutput:
        x = in_spikes.value.reshape(-1).astype(self.config.dtype)
        v = 0.8 * self.v.get_value() + self.w.get_value() @ x
        fired = v > self.config.threshold
        self.v.set_value(jnp.where(fired, 0.0, v))
        spikes = self.config.sign * fired.astype(self.config.dtype)
        return {"out_spikes": spark.SpikeArray(spikes), "potential": spark.PotentialArray(v)}


def pm(origin: str, port: str) -> spark.PortMap:
    return spark.PortMap(origin=origin, port=port)


def relay(name: str, *sources: spark.PortMap, gain: float = 1.0) -> spark.ModuleSpecs:
    return spark.ModuleSpecs(
        name=name,
        module_cls=BrainTestRelay,
        config=BrainTestRelayConfig(gain=gain),
        inputs={"x": list(sources)},
    )


def threshold(name: str, *sources: spark.PortMap) -> spark.ModuleSpecs:
    return spark.ModuleSpecs(
        name=name,
        module_cls=BrainTestThreshold,
        config=BrainTestThresholdConfig(),
        inputs={"signal": list(sources)},
    )


def pool(name: str, *sources: spark.PortMap, seed: int = 0, **kwargs: tp.Any) -> spark.ModuleSpecs:
    return spark.ModuleSpecs(
        name=name,
        module_cls=BrainTestPool,
        config=BrainTestPoolConfig(seed=seed, **kwargs),
        inputs={"in_spikes": list(sources)},
    )


def out(origin: str, port: str, shape: tuple, payload: type = F, dtype: tp.Any = jnp.float32) -> dict:
    return {
        "input": pm(origin, port),
        "spec": spark.OutputSpec(payload_type=payload, shape=shape, dtype=dtype),
    }


def drive_spec(shape: tuple = (4,), dtype: tp.Any = jnp.float32) -> spark.InputSpec:
    return spark.InputSpec(payload_type=F, shape=shape, dtype=dtype)


def recurrent_config(seed: int = 0) -> spark.nn.BrainConfig:
    """drive -> th -> {pa <-> pb (pa also onto itself)}, read out from pa and pb."""
    return spark.nn.BrainConfig(
        input_map={"drive": drive_spec()},
        output_map={
            "a": out("pa", "out_spikes", (6,), S),
            "both": {
                "input": [pm("pa", "out_spikes"), pm("pb", "out_spikes")],
                "spec": spark.OutputSpec(S, (2, 6), jnp.float32),
            },
        },
        modules_map={
            "th": threshold("th", pm(CALL, "drive")),
            "pa": pool("pa", pm("th", "spikes"), pm("pa", "out_spikes"), pm("pb", "out_spikes"), seed=seed),
            "pb": pool("pb", pm("pa", "out_spikes"), seed=seed + 1, sign=-1.0, contract=False),
        },
    )
