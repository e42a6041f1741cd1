"""Pins the public API: an accidental removal or rename fails here."""

import importlib

import pytest

import spark

PUBLIC = {
    "spark": [
        "__version__", "nn", "validation", "catalogue", "split", "merge", "register_module",
        "register_initializer", "SparkPayload", "FloatArray", "SpikeArray", "CurrentArray", "PotentialArray",
        "IntegerArray", "BooleanMask", "Variable", "Constant", "Parameter", "SimulationParameter", "PortSpecs",
        "InputSpec", "OutputSpec", "PortMap", "ModuleSpecs", "SparkError", "ConfigError", "WiringError",
        "BuildError", "FileFormatError", "UnsafeFileError", "RegistryError", "GraphEditor",
    ],
    "spark.nn": ["Module", "Config", "BaseConfig", "Component", "Brain", "BrainConfig"],
    "spark.nn.somas": ["Soma", "LIFSoma", "ALIFSoma", "EIFSoma", "AdExSoma", "IzhikevichSoma"],
    "spark.nn.synapses": ["Synapses", "Synanpses", "LinearSynapses", "TracedSynapses", "ConductanceSynapses",
                          "SparseSynapses"],
    "spark.nn.learning_rules": ["LearningRule"],
    "spark.nn.delays": ["Delays"],
    "spark.nn.neurons": ["LIFNeuron", "LIFNeuronConfig", "ALIFNeuron", "ALIFNeuronConfig", "AdExNeuron",
                         "AdExNeuronConfig"],
    "spark.nn.interfaces": ["TopologicalLinearSpiker", "TopologicalLinearSpikerConfig", "TopologicalPoissonSpiker",
                            "PoissonSpiker", "LinearSpiker", "ExponentialIntegrator", "ExponentialIntegratorConfig"],
    "spark.validation": ["ConfigurationValidator", "TypeValidator", "PositiveValidator"],
    "spark.lowlevel": ["Module", "Parameter", "State", "SimulationParameter", "Constant", "Rate", "RateJax", "LIF",
                       "LIFJax", "Linear", "LinearJax", "ExpSynJax", "Sequential", "Residual", "TSContinuous",
                       "TSEvent"],
}


@pytest.mark.parametrize("module,names", sorted(PUBLIC.items()))
def test_public_names_exist(module, names):
    mod = importlib.import_module(module)
    missing = [n for n in names if not hasattr(mod, n)]
    assert not missing, f"{module} lost public names: {missing}"


def test_version_matches_distribution_metadata():
    from importlib.metadata import version

    assert spark.__version__ == version("spark-nnx")
