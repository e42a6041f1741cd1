"""Build the A/B competition model and write it to ``example_ab_model.scfg``.

Run ``python -m spark.examples.make_example_ab_model [PATH]`` (default: next to this file). Seeds are
fixed, so the file is reproducible and every load of it gives the same brain.

Wiring (every arrow is one step of latency inside the brain)::

    drive -> spiker -> A_ex <-> A_ex (self)      A_ex -> A_in -| B_ex
                    -> B_ex <-> B_ex (self)      B_ex -> B_in -| A_ex
    [A_ex, B_ex] -> integrator (num_outputs=2) -> action
"""

from __future__ import annotations

import sys

import jax.numpy as jnp

import spark
from spark import PortMap

__all__ = ["ab_model_config", "main", "EXCITATORY_UNITS", "INHIBITORY_UNITS"]

EXCITATORY_UNITS = 128
INHIBITORY_UNITS = 64
# Summed synaptic gain of each population (twice the mean total weight onto one neuron, in nA; the
# weights are fan-in scaled). The excitatory populations need enough drive from the sparse place code of
# the spiker to fire; the inhibitory ones, which hear only their own excitatory population, need less.
# With these values A and B fire at a few percent per step and their rates are anti-correlated.
EXCITATORY_GAIN = 800.0
INHIBITORY_GAIN = 200.0


def _population(name: str, units: int, inhibitory: bool, sources: list[PortMap]) -> spark.ModuleSpecs:
    # Inhibitory units emit their spikes as -1, which the downstream synapses read as inhibition.
    config = spark.nn.neurons.ALIFNeuronConfig(
        _s_units=(units,),
        soma__inhibitory_rate=1.0 if inhibitory else 0.0,
        synapses__kernel_initializer__high=INHIBITORY_GAIN if inhibitory else EXCITATORY_GAIN,
    )
    return spark.ModuleSpecs(
        name=name, module_cls=spark.nn.neurons.ALIFNeuron, config=config, inputs={"in_spikes": sources}
    )


def ab_model_config(seed: int = 4) -> spark.nn.BrainConfig:
    """The A/B competition model of the graph-editor tutorial, as a ``BrainConfig``."""
    spiker = spark.ModuleSpecs(
        name="spiker",
        module_cls=spark.nn.interfaces.TopologicalLinearSpiker,
        config=spark.nn.interfaces.TopologicalLinearSpikerConfig(
            glue=jnp.array(0),
            mins=jnp.array(-1),
            maxs=jnp.array(1),
            resolution=128,
            max_freq=200.0,
            tau=30.0,
        ),
        inputs={"signal": [PortMap(origin="__call__", port="drive")]},
    )
    modules = {"spiker": spiker}
    for me, other in (("A", "B"), ("B", "A")):
        modules[f"{me}_ex"] = _population(
            f"{me}_ex",
            EXCITATORY_UNITS,
            False,
            [
                PortMap(origin="spiker", port="spikes"),
                PortMap(origin=f"{me}_ex", port="out_spikes"),
                PortMap(origin=f"{other}_in", port="out_spikes"),
            ],
        )
        modules[f"{me}_in"] = _population(
            f"{me}_in",
            INHIBITORY_UNITS,
            True,
            [
                PortMap(origin=f"{me}_ex", port="out_spikes"),
            ],
        )
    modules["integrator"] = spark.ModuleSpecs(
        name="integrator",
        module_cls=spark.nn.interfaces.ExponentialIntegrator,
        config=spark.nn.interfaces.ExponentialIntegratorConfig(num_outputs=2),
        inputs={
            "spikes": [PortMap(origin="A_ex", port="out_spikes"), PortMap(origin="B_ex", port="out_spikes")]
        },
    )
    config = spark.nn.BrainConfig(
        input_map={"drive": spark.InputSpec(payload_type=spark.FloatArray, shape=(4,), dtype=jnp.float16)},
        output_map={
            "action": {
                "input": PortMap(origin="integrator", port="signal"),
                "spec": spark.OutputSpec(payload_type=spark.FloatArray, shape=(2,), dtype=jnp.float16),
            }
        },
        modules_map=modules,
    )
    config.refresh_seeds(seed)  # every seed field, at every depth, derived from `seed`: a reproducible file
    return config


def main(argv: list[str] | None = None) -> str:
    """Write the model to ``argv[0]`` (default: the shipped ``example_ab_model.scfg``); return the path."""
    from spark.examples import example_ab_model_path

    args = sys.argv[1:] if argv is None else argv
    path = args[0] if args else example_ab_model_path()
    ab_model_config().to_file(path)
    return path


if __name__ == "__main__":  # pragma: no cover
    print(main())
