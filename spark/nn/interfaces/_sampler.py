"""``Sampler``: pick fixed entries of a payload."""

from __future__ import annotations

import dataclasses as dc

import jax.numpy as jnp
import numpy as np

from spark.core.config import BaseConfig, Config
from spark.core.payloads import FloatArray, SparkPayload
from spark.core.registry import register_module
from spark.core.specs import InputSpec
from spark.core.validation import NonNegativeValidator, TypeValidator
from spark.core.variables import Constant
from spark.nn.interfaces._base import ControlInterface, ControlInterfaceOutput

__all__ = ["Sampler", "SamplerConfig"]


class SamplerConfig(Config):
    """Configuration of :class:`Sampler`."""

    indices: tuple[int, ...] = dc.field(
        default=(0,),
        metadata={
            "validators": [TypeValidator, NonNegativeValidator],
            "description": "Positions to keep, in the flattened input (repeats allowed).",
        },
    )

    def __post_init__(self) -> None:
        super().__post_init__()
        value = self.indices
        if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
            value = (int(value),)
        elif isinstance(value, (list, tuple, np.ndarray)) or hasattr(value, "__array__"):
            arr = np.asarray(value)
            if arr.dtype.kind in "iu" and arr.ndim <= 1:
                value = tuple(int(i) for i in arr.reshape(-1))
        object.__setattr__(self, "indices", value)

    def _extra_errors(self) -> list[str]:
        errors = super()._extra_errors()
        if not (isinstance(self.indices, tuple) and self.indices):
            errors.append(f"indices must be a non-empty tuple of ints such as (0, 3), got {self.indices!r}")
        return errors


@register_module
class Sampler(ControlInterface):
    r"""Keep the entries ``indices`` of the flattened input: :math:`\mathrm{out}_j = \mathrm{vec}(x)_{k_j}`.

    Useful to route part of a population (e.g. its first 64 neurons) to one target. The output has
    the payload type and dtype of the input, and no state.

    Args:
        x: payload of any shape; every index must be smaller than its size (checked at build).

    Returns:
        ``{'out': payload}`` of shape ``(len(indices),)``.

    Examples:
        >>> import spark, jax.numpy as jnp
        >>> pick = spark.nn.interfaces.Sampler(indices=(3, 0))
        >>> pick(x=spark.FloatArray(jnp.arange(4.0)))['out'].value
        Array([3., 0.], dtype=float32)
    """

    config: SamplerConfig

    @classmethod
    def example_inputs(cls, config: BaseConfig | None = None) -> dict[str, SparkPayload]:
        dtype = getattr(config, "dtype", jnp.float32)
        indices = getattr(config, "indices", (0,))
        return {"x": FloatArray(jnp.asarray(np.zeros((max(8, max(indices) + 1),), dtype)))}

    def build(self, input_specs: dict[str, InputSpec]) -> None:
        size = input_specs["x"].size
        bad = [i for i in self.config.indices if i >= size]
        if bad:
            raise ValueError(
                f"indices {bad} are out of range for an input of {size} entries (shape "
                f"{input_specs['x'].shape}); allowed indices are 0..{size - 1}"
            )
        self.indices = Constant(jnp.asarray(self.config.indices, jnp.int32))

    def __call__(self, x: SparkPayload) -> ControlInterfaceOutput:
        return {"out": type(x)(jnp.ravel(x.value)[self.indices.get_value()])}
