"""``spark.demos``: runnable demonstrations, led by a spiking brain that learns CartPole.

* :mod:`spark.demos.cartpole` — ``spark demo cartpole``: the shipped learner brain
  (``spark/examples/cartpole_learner.scfg``) balances gymnasium's ``CartPole-v1`` closed loop and learns
  from the failure signal alone, through :class:`PopulationThreeFactorRule`.
* :mod:`spark.demos.make_cartpole_learner` — builds that brain's config.

Importing this package registers the modules the demos use (the learning rule and the block
initializer), so their config files load anywhere; gymnasium is only imported by the CartPole demo.
"""

from spark.nn.initializers import BlockUniformInitializerConfig
from spark.nn.learning_rules import PopulationThreeFactorRule, PopulationThreeFactorRuleConfig

__all__ = ["PopulationThreeFactorRule", "PopulationThreeFactorRuleConfig", "BlockUniformInitializerConfig"]
