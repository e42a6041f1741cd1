"""Port specifications and the small records a brain is wired from."""

from __future__ import annotations

import dataclasses as dc
import typing as tp

import jax.numpy as jnp
import numpy as np

from spark.core.payloads import SparkPayload

__all__ = ["PortSpecs", "InputSpec", "OutputSpec", "PortMap", "ModuleSpecs", "normalize_dtype", "normalize_shape"]


def normalize_dtype(dtype: tp.Any) -> np.dtype:
    """Turn ``jnp.float16``, ``'float16'`` or ``np.dtype('float16')`` into a ``np.dtype``."""
    try:
        return np.dtype(dtype)
    except TypeError:
        raise TypeError(f"dtype {dtype!r} is not a valid array dtype (e.g. jnp.float32, 'float16')") from None


def normalize_shape(shape: tp.Any) -> tuple[int, ...]:
    """Turn an int or a sequence of ints into a tuple of non-negative ints."""
    if isinstance(shape, (int, np.integer)):
        shape = (int(shape),)
    try:
        out = tuple(int(s) for s in shape)
    except TypeError:
        raise TypeError(f"shape {shape!r} must be an int or a sequence of ints, e.g. (4,)") from None
    if any(s < 0 for s in out):
        raise ValueError(f"shape {out} has a negative dimension")
    return out


@dc.dataclass(frozen=True, eq=True)
class PortSpecs:
    """What flows through a port: payload type, shape and dtype.

    Args:
        payload_type: the :class:`~spark.SparkPayload` subclass carried by the port.
        shape: the array shape, without any batch or time axis.
        dtype: the array dtype.
        description: free text shown in the editor and in ``inspect()``.
    """

    payload_type: type[SparkPayload]
    shape: tuple[int, ...]
    dtype: tp.Any = dc.field(default=jnp.float32)
    description: str | None = None

    def __post_init__(self) -> None:
        if not (isinstance(self.payload_type, type) and issubclass(self.payload_type, SparkPayload)):
            raise TypeError(
                f"{type(self).__name__}: payload_type must be a spark.SparkPayload subclass "
                f"(e.g. spark.FloatArray), got {self.payload_type!r}"
            )
        object.__setattr__(self, "shape", normalize_shape(self.shape))
        object.__setattr__(self, "dtype", normalize_dtype(self.dtype))

    @property
    def size(self) -> int:
        return int(np.prod(self.shape, dtype=np.int64))

    def zeros(self) -> SparkPayload:
        """A payload of zeros matching this spec."""
        return self.payload_type(jnp.zeros(self.shape, self.dtype))

    def matches(self, payload: tp.Any) -> bool:
        return (
            isinstance(payload, self.payload_type)
            and tuple(payload.shape) == self.shape
            and np.dtype(payload.dtype) == self.dtype
        )

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.payload_type.__name__}, shape={self.shape}, dtype={self.dtype.name})"


@dc.dataclass(frozen=True, eq=True, repr=False)
class InputSpec(PortSpecs):
    """Specification of an input port (of a module or of a brain)."""

    is_optional: bool = False


@dc.dataclass(frozen=True, eq=True, repr=False)
class OutputSpec(PortSpecs):
    """Specification of an output port (of a module or of a brain)."""


@dc.dataclass(frozen=True, eq=True)
class PortMap:
    """One connection: the output ``port`` of module ``origin`` (``'__call__'`` for brain inputs)."""

    origin: str
    port: str

    def __post_init__(self) -> None:
        for f in ("origin", "port"):
            v = getattr(self, f)
            if not isinstance(v, str) or not v:
                raise TypeError(f"PortMap.{f} must be a non-empty string, got {v!r}")

    def __str__(self) -> str:
        return f"{self.origin}.{self.port}"


@dc.dataclass(eq=True)
class ModuleSpecs:
    """How a brain builds one module: its name, class, config and where each input comes from.

    Args:
        name: the module's name inside the brain (unique).
        module_cls: a :class:`spark.nn.Module` subclass (registered, to be saved to a file).
        config: the module's config; ``None`` means the class's default config.
        inputs: for each input port of the module, the list of :class:`PortMap` feeding it. Several
            maps into one port are concatenated (flattened) in order.
    """

    name: str
    module_cls: type
    config: tp.Any = None
    inputs: dict[str, list[PortMap]] = dc.field(default_factory=dict)

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name:
            raise TypeError(f"ModuleSpecs.name must be a non-empty string, got {self.name!r}")
        if not isinstance(self.module_cls, type):
            raise TypeError(f"ModuleSpecs '{self.name}': module_cls must be a class, got {self.module_cls!r}")
        if self.config is None:
            default = getattr(self.module_cls, "default_config", None)
            if default is not None:
                self.config = default()
        inputs: dict[str, list[PortMap]] = {}
        for port, maps in dict(self.inputs).items():
            if isinstance(maps, (PortMap, dict)):
                maps = [maps]
            inputs[port] = [m if isinstance(m, PortMap) else PortMap(**m) for m in maps]
        self.inputs = inputs
