"""Build the CartPole learner brain and write it to ``spark/examples/cartpole_learner.scfg``.

Run ``python -m spark.demos.make_cartpole_learner [PATH]``. Seeds are fixed, so the file is
reproducible. The brain is the A/B competition model of the tutorials, made plastic::

    drive  -> spiker (place code, 4 x 16 units) -> A_ex, B_ex      (plastic, three-factor rule)
    A_ex -> A_in -| B_ex (strong), A_ex (weak)    B_ex -> B_in -| A_ex (strong), B_ex (weak)
    [A_ex, B_ex] -> integrator (2 outputs) -> action    (A = push left, B = push right)
    reward -> modulation of A_ex and B_ex                (-1 when the pole falls, else 0)

Every arrow between modules costs one step inside the brain. The excitatory populations are driven by
the place-coded observation and compete through the inhibitory ones; the integrator's larger output is
the action. Only the spiker -> A_ex / B_ex synapses learn (:class:`PopulationThreeFactorRule`): after a
failure (modulation -1) the inputs that were active while a population was winning lose weight onto it
and gain weight onto the population that was losing, for the few tens of milliseconds before the failure
that the eligibility traces remember.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

import spark
from spark import PortMap
from spark.nn.initializers import BlockUniformInitializerConfig
from spark.nn.learning_rules import PopulationThreeFactorRuleConfig

__all__ = ["cartpole_learner_config", "main", "DEFAULTS", "default_path"]

# Membrane potentials in mV: v_rest = v_reset = -65, v_th = -50, so a weight of 15 (nA with R = 1 MOhm)
# carries a resting neuron to threshold. The values below were tuned on CartPole-v1 (docs/showcase.md).
DEFAULTS: dict[str, float] = {
    "resolution": 16,  # spiker units per observation entry
    "max_freq": 1000.0,  # Hz, spiker peak rate
    "tuning_tau": 13.0,  # spiker sharpness: tuning width = 2 / 13 of the [-1, 1] range
    "excitatory_units": 32,
    "inhibitory_units": 16,
    "tau_mem": 5.0,  # ms
    "tau_syn": 2.0,  # ms
    "w_input": 0.75,  # mean initial spiker -> excitatory weight (drawn in [0.5, 1.5] x w_input)
    "w_max": 1.5,  # largest spiker -> excitatory weight
    "w_excite_inh": 4.5,  # mean excitatory -> own inhibitory weight (drawn in [0.5, 1.5] x)
    "w_cross": 3.0,  # inhibitory -> other excitatory population
    "w_self": 1.5,  # inhibitory -> own excitatory population
    "eta": 0.15,  # learning rate of the three-factor rule
    "tau_e": 50.0,  # ms, eligibility trace
    "target_rate": 30.0,  # Hz, set point of the population rate
    "tau_readout": 3.0,  # ms, integrator
}


def default_path() -> str:
    """Path of the shipped ``cartpole_learner.scfg``."""
    return str(Path(spark.examples.__file__).resolve().parent / "cartpole_learner.scfg")


def _soma(inhibitory: bool, p: dict) -> spark.nn.somas.LIFSomaConfig:
    return spark.nn.somas.LIFSomaConfig(
        tau_mem=p["tau_mem"],
        tau_ref=1.0,
        v_rest=-65.0,
        v_reset=-65.0,
        v_th=-50.0,
        inhibitory_rate=1.0 if inhibitory else 0.0,
    )


def _excitatory(name: str, other: str, p: dict, n_inputs: int) -> spark.ModuleSpecs:
    ni = int(p["inhibitory_units"])
    kernel = BlockUniformInitializerConfig(
        sizes=(n_inputs, ni, ni),
        lows=(0.5 * p["w_input"], p["w_cross"], p["w_self"]),
        highs=(1.5 * p["w_input"], p["w_cross"], p["w_self"]),
    )
    config = spark.nn.neurons.LIFNeuronConfig(
        units=(int(p["excitatory_units"]),),
        soma=_soma(False, p),
        synapses=spark.nn.synapses.TracedSynapsesConfig(tau_syn=p["tau_syn"], kernel_initializer=kernel),
        learning_rule=PopulationThreeFactorRuleConfig(
            eta=p["eta"],
            tau_pre=5.0,
            tau_e=p["tau_e"],
            target_rate=p["target_rate"],
            post="population",
            excitatory_only=True,
            w_min=0.0,
            w_max=p["w_max"],
        ),
    )
    return spark.ModuleSpecs(
        name=name,
        module_cls=spark.nn.neurons.LIFNeuron,
        config=config,
        inputs={
            "in_spikes": [
                PortMap(origin="spiker", port="spikes"),
                PortMap(origin=f"{other}_in", port="out_spikes"),
                PortMap(origin=f"{name[0]}_in", port="out_spikes"),
            ],
            "modulation": [PortMap(origin="__call__", port="reward")],
        },
    )


def _inhibitory(name: str, source: str, p: dict) -> spark.ModuleSpecs:
    config = spark.nn.neurons.LIFNeuronConfig(
        units=(int(p["inhibitory_units"]),),
        soma=_soma(True, p),
        synapses=spark.nn.synapses.TracedSynapsesConfig(
            tau_syn=p["tau_syn"],
            kernel_initializer=spark.nn.initializers.UniformInitializerConfig(
                low=0.5 * p["w_excite_inh"], high=1.5 * p["w_excite_inh"]
            ),
        ),
    )
    return spark.ModuleSpecs(
        name=name,
        module_cls=spark.nn.neurons.LIFNeuron,
        config=config,
        inputs={"in_spikes": [PortMap(origin=source, port="out_spikes")]},
    )


def cartpole_learner_config(seed: int = 7, **overrides: float) -> spark.nn.BrainConfig:
    """The CartPole learner as a ``BrainConfig``; ``overrides`` replace entries of :data:`DEFAULTS`."""
    unknown = sorted(set(overrides) - set(DEFAULTS))
    if unknown:
        raise TypeError(
            f"cartpole_learner_config: unknown parameter '{unknown[0]}'; known: {', '.join(DEFAULTS)}"
        )
    p = {**DEFAULTS, **overrides}
    resolution = int(p["resolution"])
    modules = {
        "spiker": spark.ModuleSpecs(
            name="spiker",
            module_cls=spark.nn.interfaces.TopologicalLinearSpiker,
            config=spark.nn.interfaces.TopologicalLinearSpikerConfig(
                glue=np.array(0),
                mins=np.array(-1.0),
                maxs=np.array(1.0),
                resolution=resolution,
                max_freq=p["max_freq"],
                tau=p["tuning_tau"],
            ),
            inputs={"signal": [PortMap(origin="__call__", port="drive")]},
        )
    }
    for me, other in (("A", "B"), ("B", "A")):
        modules[f"{me}_ex"] = _excitatory(f"{me}_ex", other, p, 4 * resolution)
        modules[f"{me}_in"] = _inhibitory(f"{me}_in", f"{me}_ex", p)
    modules["integrator"] = spark.ModuleSpecs(
        name="integrator",
        module_cls=spark.nn.interfaces.ExponentialIntegrator,
        config=spark.nn.interfaces.ExponentialIntegratorConfig(num_outputs=2, tau=p["tau_readout"]),
        inputs={
            "spikes": [PortMap(origin="A_ex", port="out_spikes"), PortMap(origin="B_ex", port="out_spikes")]
        },
    )
    config = spark.nn.BrainConfig(
        input_map={
            "drive": spark.InputSpec(payload_type=spark.FloatArray, shape=(4,), dtype=np.float32),
            "reward": spark.InputSpec(payload_type=spark.FloatArray, shape=(1,), dtype=np.float32),
        },
        output_map={
            "action": {
                "input": PortMap(origin="integrator", port="signal"),
                "spec": spark.OutputSpec(payload_type=spark.FloatArray, shape=(2,), dtype=np.float32),
            }
        },
        modules_map=modules,
    )
    config.refresh_seeds(seed)
    return config


def main(argv: list[str] | None = None) -> str:
    """Write the learner to ``argv[0]`` (default: the shipped ``cartpole_learner.scfg``); return the path."""
    args = sys.argv[1:] if argv is None else argv
    path = args[0] if args else default_path()
    cartpole_learner_config().to_file(path)
    return path


if __name__ == "__main__":  # pragma: no cover
    print(main())
