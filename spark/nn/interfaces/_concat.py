"""``Concat``: join several payloads into one flat payload."""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np

from spark.core.config import BaseConfig, Config
from spark.core.payloads import FloatArray, SparkPayload
from spark.core.registry import register_module
from spark.nn.interfaces._base import ControlInterface, ControlInterfaceOutput

__all__ = ["Concat", "ConcatConfig"]


class ConcatConfig(Config):
    """Configuration of :class:`Concat` (no fields of its own)."""


@register_module
class Concat(ControlInterface):
    r"""Flatten and concatenate up to four payloads, in the order ``a, b, c, d``.

    A module's ports are fixed, so ``Concat`` has two required inputs (``a``, ``b``) and two
    optional ones (``c``, ``d``); chain several ``Concat`` for more. (A brain already concatenates
    several port maps wired into one input port, so ``Concat`` is mostly useful in plain code and to
    make a join explicit in a diagram.)

    .. math::

        \mathrm{out} = [\,\mathrm{vec}(a),\ \mathrm{vec}(b),\ \mathrm{vec}(c),\ \mathrm{vec}(d)\,]

    The result has the payload type of ``a`` and the promoted dtype of the inputs (a control module
    does not compute, so ``config.dtype`` is not applied). It has no state.

    Args:
        a, b: payloads of any shape.
        c, d: optional further payloads.

    Returns:
        ``{'out': payload}`` of shape ``(a.size + b.size + ...,)``.

    Examples:
        >>> import spark, jax.numpy as jnp
        >>> cat = spark.nn.interfaces.Concat()
        >>> out = cat(a=spark.SpikeArray(jnp.ones((2, 2))), b=spark.SpikeArray(jnp.zeros(3)))['out']
        >>> type(out).__name__, out.shape
        ('SpikeArray', (7,))
    """

    config: ConcatConfig

    @classmethod
    def example_inputs(cls, config: BaseConfig | None = None) -> dict[str, SparkPayload]:
        dtype = getattr(config, "dtype", jnp.float32)
        return {
            "a": FloatArray(jnp.asarray(np.zeros((3,), dtype))),
            "b": FloatArray(jnp.asarray(np.zeros((2, 2), dtype))),
        }

    def __call__(
        self, a: SparkPayload, b: SparkPayload, c: SparkPayload | None = None, d: SparkPayload | None = None
    ) -> ControlInterfaceOutput:
        parts = [p.value for p in (a, b, c, d) if p is not None]
        dtype = jnp.result_type(*parts)
        out = jnp.concatenate([jnp.ravel(p).astype(dtype) for p in parts])
        return {"out": type(a)(out)}
