"""Spark: spiking neural networks on JAX and Flax NNX.

The public API is re-exported here explicitly; ``tests/test_public_api.py`` pins it.
"""

from spark import (
    nn,  # noqa: E402
    validation,  # noqa: E402  (module namespace: spark.validation.TypeValidator)
)
from spark._version import __version__
from spark.core.catalogue import catalogue
from spark.core.errors import (
    BuildError,
    ConfigError,
    FileFormatError,
    RegistryError,
    SparkError,
    UnsafeFileError,
    WiringError,
)
from spark.core.graph import merge, split
from spark.core.payloads import (
    BooleanMask,
    CurrentArray,
    FloatArray,
    IntegerArray,
    PotentialArray,
    SparkPayload,
    SpikeArray,
    ValueSparkPayload,
)
from spark.core.registry import register_initializer, register_module
from spark.core.specs import InputSpec, ModuleSpecs, OutputSpec, PortMap, PortSpecs
from spark.core.variables import Constant, Parameter, SimulationParameter, Variable

__all__ = [
    "__version__",
    "nn",
    "validation",
    "catalogue",
    "split",
    "merge",
    "register_module",
    "register_initializer",
    "SparkPayload",
    "ValueSparkPayload",
    "FloatArray",
    "SpikeArray",
    "CurrentArray",
    "PotentialArray",
    "IntegerArray",
    "BooleanMask",
    "Variable",
    "Constant",
    "Parameter",
    "SimulationParameter",
    "PortSpecs",
    "InputSpec",
    "OutputSpec",
    "PortMap",
    "ModuleSpecs",
    "SparkError",
    "ConfigError",
    "WiringError",
    "BuildError",
    "FileFormatError",
    "UnsafeFileError",
    "RegistryError",
]


def __getattr__(name: str):  # lazy, optional parts
    if name == "GraphEditor":
        from spark.editor import GraphEditor

        return GraphEditor
    if name in ("lowlevel", "sim", "plot", "examples", "demos"):
        import importlib

        return importlib.import_module(f"spark.{name}")
    raise AttributeError(f"module 'spark' has no attribute '{name}'")
