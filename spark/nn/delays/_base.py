"""``spark.nn.delays.Delays``: the base of the spike-delay components.

A delay component is a circular buffer of the last ``max_delay + 1`` steps of presynaptic spikes::

    delays(in_spikes=SpikeArray) -> {'out_spikes': SpikeArray}

Delays are integers counted in **steps** (a delay of :math:`k` steps is :math:`k\\,\\Delta t` ms): a
spike given at step :math:`n` through a synapse of delay :math:`k` comes out at step :math:`n + k`,
for every :math:`0 \\le k \\le` ``max_delay`` (:math:`k = 0` passes spikes through in the same step).
Spike signs (``-1`` for inhibitory neurons) are kept.
"""

from __future__ import annotations

import abc
import dataclasses as dc
import typing as tp

import jax
import jax.numpy as jnp
import numpy as np

from spark.core.arrays import device_array, device_zeros
from spark.core.config import Config
from spark.core.payloads import SparkPayload, SpikeArray
from spark.core.specs import InputSpec
from spark.core.validation import NonNegativeValidator, PositiveValidator, TypeValidator
from spark.core.variables import Constant, Variable
from spark.nn._component import Component

__all__ = ["Delays", "DelaysConfig", "DelaysOutput"]


class DelaysOutput(tp.TypedDict):
    """Output of every delay component."""

    out_spikes: SpikeArray


class DelaysConfig(Config):
    """Fields shared by the delay components."""

    max_delay: int = dc.field(
        default=5,
        metadata={
            "units": "steps",
            "validators": [TypeValidator, PositiveValidator],
            "description": "Longest delay; the buffer holds max_delay + 1 steps of spikes.",
        },
    )
    min_delay: int = dc.field(
        default=1,
        metadata={
            "units": "steps",
            "validators": [TypeValidator, NonNegativeValidator],
            "description": "Shortest delay drawn when `delay_steps` is None.",
        },
    )
    delay_steps: tp.Any = dc.field(
        default=None,
        metadata={
            "units": "steps",
            "description": "Explicit delays (an int or an integer array broadcastable to the delay "
            "shape); None draws them uniformly from [min_delay, max_delay] with the seed.",
        },
    )

    def __post_init__(self) -> None:
        super().__post_init__()
        d = self.delay_steps
        if d is not None and not isinstance(d, (int, np.integer, np.ndarray)):
            object.__setattr__(self, "delay_steps", np.asarray(d))

    def _extra_errors(self) -> list[str]:
        errors = super()._extra_errors()
        try:
            lo, hi = int(self.min_delay), int(self.max_delay)
        except (TypeError, ValueError):
            return errors
        if lo > hi:
            errors.append(f"min_delay must not exceed max_delay, got min_delay={lo}, max_delay={hi}")
        if self.delay_steps is not None:
            arr = np.asarray(self.delay_steps)
            if arr.dtype.kind not in "iu" and not (arr.dtype.kind == "f" and np.all(arr == np.round(arr))):
                errors.append(f"delay_steps must be whole numbers of steps, got {self.delay_steps!r:.60}")
            elif arr.size and (arr.min() < 0 or arr.max() > hi):
                errors.append(
                    f"delay_steps must lie in [0, max_delay={hi}] steps, got values in [{arr.min()}, {arr.max()}]; "
                    f"raise max_delay or shorten the delays"
                )
        return errors


class Delays(Component):
    """Base class of the delay components (group ``'delays'``).

    Subclasses give the shape of their delay table (:meth:`_delay_shape`) and how the output is read
    from the buffer (:meth:`_read`).
    """

    __catalogue_group__ = "delays"
    config: DelaysConfig

    @classmethod
    def example_inputs(cls, config: DelaysConfig | None = None) -> dict[str, SparkPayload]:
        dtype = np.dtype(getattr(config, "dtype", np.float32))
        return {"in_spikes": SpikeArray(jnp.array([1, 0, -1, 0, 0, 1, 0, 0], dtype))}

    def build(self, input_specs: dict[str, InputSpec]) -> None:
        spec = input_specs["in_spikes"]
        self.in_shape = tuple(int(s) for s in spec.shape)
        pre = int(np.prod(self.in_shape, dtype=np.int64))
        if pre < 1:
            raise ValueError(f"in_spikes of shape {spec.shape} is empty")
        self.pre_size = pre
        shape = self._delay_shape(pre)
        self.delays = Constant(device_array(self._make_delays(shape), np.int32))
        length = int(self.config.max_delay) + 1
        self.buffer = Variable(device_zeros((length, pre), np.int8))
        self.pointer = Variable(device_zeros((), np.int32))

    def _make_delays(self, shape: tuple[int, ...]) -> np.ndarray:
        c = self.config
        if c.delay_steps is not None:
            arr = np.asarray(c.delay_steps)
            try:
                return np.broadcast_to(np.round(arr).astype(np.int32), shape)
            except ValueError:
                raise ValueError(
                    f"{type(c).__name__}.delay_steps has shape {arr.shape}, which does not broadcast to the delay "
                    f"shape {shape}; give an int or one delay per {'synapse' if len(shape) == 2 else 'input'}"
                ) from None
        return self.init_rng().integers(int(c.min_delay), int(c.max_delay) + 1, size=shape, dtype=np.int32)

    def get_delays(self) -> jax.Array:
        """The delay of every input (or synapse), in steps."""
        return self.delays.value

    def _push(self, in_spikes: SpikeArray) -> tuple[jax.Array, jax.Array]:
        """Write this step's spikes into the buffer; return (buffer, slot index of this step)."""
        length = self.buffer.value.shape[0]
        slot = (self.pointer.value + 1) % length
        row = jnp.reshape(in_spikes.value, (1, self.pre_size)).astype(jnp.int8)
        buffer = jax.lax.dynamic_update_slice(self.buffer.value, row, (slot, jnp.zeros((), slot.dtype)))
        self.buffer.value = buffer
        self.pointer.value = slot
        return buffer, slot

    @abc.abstractmethod
    def _delay_shape(self, pre: int) -> tuple[int, ...]:
        """Shape of the delay table for ``pre`` inputs."""

    @abc.abstractmethod
    def _read(self, buffer: jax.Array, slot: jax.Array) -> jax.Array:
        """The delayed spikes (int8) given the buffer and the slot written this step."""

    def __call__(self, in_spikes: SpikeArray) -> DelaysOutput:
        buffer, slot = self._push(in_spikes)
        out = self._read(buffer, slot).astype(np.dtype(self.config.dtype))
        return {"out_spikes": SpikeArray(out)}
