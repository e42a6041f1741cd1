"""Learning rules: plasticity of a synapse kernel from pre/post spikes (group ``'learning_rules'``)."""

from spark.nn.learning_rules._base import LearningRule, LearningRuleConfig, LearningRuleOutput
from spark.nn.learning_rules._hebbian import HebbianRule, HebbianRuleConfig
from spark.nn.learning_rules._oja import OjaRule, OjaRuleConfig
from spark.nn.learning_rules._population_three_factor import (
    PopulationThreeFactorRule,
    PopulationThreeFactorRuleConfig,
)
from spark.nn.learning_rules._stdp import STDPRule, STDPRuleConfig
from spark.nn.learning_rules._three_factor import ThreeFactorRule, ThreeFactorRuleConfig
from spark.nn.learning_rules._triplet import TripletSTDPRule, TripletSTDPRuleConfig

__all__ = [
    "PopulationThreeFactorRule",
    "PopulationThreeFactorRuleConfig",
    "LearningRule",
    "LearningRuleConfig",
    "LearningRuleOutput",
    "HebbianRule",
    "HebbianRuleConfig",
    "OjaRule",
    "OjaRuleConfig",
    "STDPRule",
    "STDPRuleConfig",
    "TripletSTDPRule",
    "TripletSTDPRuleConfig",
    "ThreeFactorRule",
    "ThreeFactorRuleConfig",
]
