"""Initializers: configs that draw arrays (weights, delays) from a PRNG key.

Use one as the value of a config field, e.g.
``kernel_initializer=spark.nn.initializers.UniformInitializerConfig(low=0, high=1, fan_in_scaling='linear')``.
"""

from spark.nn.initializers._base import InitializerConfig, ScaledInitializerConfig, fan_in_of
from spark.nn.initializers._block_uniform import BlockUniformInitializerConfig
from spark.nn.initializers._constant import ConstantInitializerConfig
from spark.nn.initializers._normal import NormalInitializerConfig
from spark.nn.initializers._normalized import NormalizedInitializerConfig
from spark.nn.initializers._sparse import SparseInitializerConfig
from spark.nn.initializers._uniform import UniformInitializerConfig

__all__ = [
    "BlockUniformInitializerConfig",
    "InitializerConfig",
    "ScaledInitializerConfig",
    "ConstantInitializerConfig",
    "UniformInitializerConfig",
    "NormalInitializerConfig",
    "SparseInitializerConfig",
    "NormalizedInitializerConfig",
    "fan_in_of",
]
