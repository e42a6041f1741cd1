"""Shared base of the place-code spikers: tuning constants, input shape and rates."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from spark.core.config import BaseConfig
from spark.core.payloads import FloatArray, SparkPayload
from spark.core.specs import InputSpec
from spark.core.variables import Constant
from spark.nn.interfaces._base import InputInterface
from spark.nn.interfaces._tuning import tuned_rates, tuning_constants

__all__ = ["TopologicalSpiker"]


class TopologicalSpiker(InputInterface):
    """Base of the topological spikers: each input entry drives ``resolution`` tuned units.

    Subclasses turn :meth:`rates` (Hz, shape ``signal.shape + (resolution,)``) into spikes.
    """

    @classmethod
    def example_inputs(cls, config: BaseConfig | None = None) -> dict[str, SparkPayload]:
        dtype = getattr(config, "dtype", jnp.float32)
        return {"signal": FloatArray(jnp.asarray(np.zeros((4,), dtype)))}

    def build(self, input_specs: dict[str, InputSpec]) -> None:
        for name, value in tuning_constants(self.config, input_specs["signal"].shape).items():
            setattr(self, name, Constant(value))

    def rates(self, signal: FloatArray) -> jax.Array:
        """Firing rate of every tuned unit for this step's signal."""
        cfg = self.config
        return tuned_rates(
            signal.value,
            self.mins.get_value(),
            self.maxs.get_value(),
            self.glue.get_value(),
            self.max_freq.get_value(),
            cfg.resolution,
            float(cfg.tau),
            cfg.tuning,
        )
