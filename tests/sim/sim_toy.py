"""A tiny, self-contained spiking module for the simulation-engine tests.

``ToyLIF`` has every kind of state the engine must handle: a fixed input kernel (frozen), a plastic
recurrent kernel (carried when ``plastic``), potentials and spikes (carried), a PRNG key used for noise
(carried), a constant decay and a simulation parameter ``dt`` (frozen).
"""

from __future__ import annotations

import dataclasses as dc
import typing as tp

import jax
import jax.numpy as jnp
import numpy as np

import spark


class ToyLIFConfig(spark.nn.Config):
    units: int = dc.field(default=6, metadata={"description": "number of neurons"})
    tau: float = dc.field(default=5.0, metadata={"units": "ms", "description": "membrane time constant"})
    noise: float = dc.field(default=0.0, metadata={"description": "noise amplitude"})
    plastic: bool = dc.field(default=True, metadata={"description": "Hebbian recurrent weights"})


class ToyLIFOutput(tp.TypedDict):
    spikes: spark.SpikeArray
    potential: spark.PotentialArray


class ToyLIF(spark.nn.Module):
    config: ToyLIFConfig

    def build(self, input_specs):
        n_in = int(np.prod(input_specs["drive"].shape))
        n = self.config.units
        k_in, k_rec = self.get_rng_keys(2)
        self.w_in = spark.Parameter(jax.random.uniform(k_in, (n, n_in), minval=0.0, maxval=2.0))
        self.w_rec = spark.Parameter(0.1 * jax.random.normal(k_rec, (n, n)))
        self.decay = spark.Constant(jnp.float32(np.exp(-self.config.dt / self.config.tau)))
        self.dt = spark.SimulationParameter(jnp.float32(self.config.dt))
        self.v = spark.Variable(jnp.zeros((n,), jnp.float32))
        self.s = spark.Variable(jnp.zeros((n,), jnp.float32))

    def __call__(self, drive: spark.FloatArray) -> ToyLIFOutput:
        i = self.w_in.value @ drive.value.reshape(-1) + self.w_rec.value @ self.s.value
        if self.config.noise:  # the PRNG is slow to compile: only the tests that need it pay for it
            i = i + self.config.noise * jax.random.normal(self.get_rng_keys(1), self.v.value.shape)
        v = self.decay.value * self.v.value + (1 - self.decay.value) * i * 4.0
        s = (v > 1.0).astype(jnp.float32)
        self.v.value = jnp.where(s > 0, 0.0, v)
        self.s.value = s
        if self.config.plastic:
            self.w_rec.value = self.w_rec.value + 1e-3 * self.dt.value * (
                jnp.outer(s, s) - 0.1 * self.w_rec.value
            )
        return {"spikes": spark.SpikeArray(s), "potential": spark.PotentialArray(self.v.value)}


def make_toy(seed: int = 0, n_in: int = 3, **kw: tp.Any) -> ToyLIF:
    m = ToyLIF(seed=seed, **kw)
    m.build_from_specs({"drive": spark.InputSpec(spark.FloatArray, (n_in,), jnp.float32)})
    return m


def drive(T: int = 20, n_in: int = 3, seed: int = 1, batch: int | None = None) -> np.ndarray:
    rng = np.random.default_rng(seed)
    shape = (T, n_in) if batch is None else (batch, T, n_in)
    return rng.uniform(0, 1, shape).astype(np.float32)


def step_by_step(module: ToyLIF, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The tutorial's loop: a jitted single step, called from Python."""

    @jax.jit
    def run_model(graph, state, x):
        model = spark.merge(graph, state)
        out = model(drive=x)
        _, state = spark.split(model)
        return out, state

    graph, state = spark.split(module)
    spikes, pots = [], []
    for t in range(x.shape[0]):
        out, state = run_model(graph, state, spark.FloatArray(jnp.asarray(x[t])))
        spikes.append(np.asarray(out["spikes"].value))
        pots.append(np.asarray(out["potential"].value))
    spark.core.graph.update(module, state)
    return np.stack(spikes), np.stack(pots)
