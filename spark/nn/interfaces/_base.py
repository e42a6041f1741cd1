"""Abstract bases of the interfaces: the modules at the border of a spiking network.

* :class:`InputInterface` turns a real-valued signal into spikes (``signal`` → ``spikes``);
* :class:`OutputInterface` turns spikes into a real-valued signal (``spikes`` → ``signal``);
* :class:`ControlInterface` routes payloads without any dynamics (concatenate, sample, ...).

Dtype policy shared by every interface: inputs of any floating dtype are accepted (a ``float16``
observation works); internal state is kept in ``promote(config.dtype, float32)`` so slow rates and
long time constants still accumulate, and outputs are cast to ``config.dtype``. Control interfaces
do not compute, so they keep the dtype of their inputs.
"""

from __future__ import annotations

import abc
import dataclasses as dc
import functools
import typing as tp

import jax
import jax.numpy as jnp
import numpy as np

from spark.core.config import Config
from spark.core.module import Module
from spark.core.payloads import FloatArray, SparkPayload, SpikeArray
from spark.core.validation import PositiveValidator, TypeValidator

__all__ = [
    "Interface",
    "InputInterface",
    "OutputInterface",
    "ControlInterface",
    "InputInterfaceOutput",
    "OutputInterfaceOutput",
    "ControlInterfaceOutput",
    "SpikerConfig",
    "state_dtype",
    "as_numpy",
    "bernoulli_spikes",
    "clipped_rates",
]


class InputInterfaceOutput(tp.TypedDict):
    """Output of every input interface."""

    spikes: SpikeArray


class OutputInterfaceOutput(tp.TypedDict):
    """Output of every output interface."""

    signal: FloatArray


class ControlInterfaceOutput(tp.TypedDict):
    """Output of every control interface: the routed payload, of the type of its (first) input."""

    out: SparkPayload


def state_dtype(dtype: tp.Any) -> np.dtype:
    """The dtype interfaces keep their state in: ``config.dtype`` promoted to at least ``float32``."""
    return np.dtype(jnp.promote_types(np.dtype(dtype), jnp.float32))


def as_numpy(value: tp.Any) -> tp.Any:
    """Store array-valued config fields (``jnp.array(0)``) as numpy arrays; leave anything else alone."""
    if hasattr(value, "__array__") and hasattr(value, "shape") and not isinstance(value, np.ndarray):
        return np.asarray(value)
    return value


@functools.partial(jax.jit, static_argnames=("dt", "dtype"))
def bernoulli_spikes(key: jax.Array, rate: jax.Array, dt: float, dtype: np.dtype) -> jax.Array:
    """Independent spikes with probability ``rate * dt / 1000`` each (rate in Hz, dt in ms), as ``dtype``."""
    u = jax.random.uniform(key, rate.shape, dtype=rate.dtype)
    return (u < rate * (dt / 1000.0)).astype(dtype)


@jax.jit
def clipped_rates(signal: jax.Array, max_freq: jax.Array) -> jax.Array:
    """Rates (Hz) of a rate coder: ``clip(signal, 0, 1) * max_freq``, in ``max_freq``'s dtype."""
    return jnp.clip(signal.astype(max_freq.dtype), 0.0, 1.0) * max_freq


class Interface(Module):
    """Base of every interface (group ``'interfaces'`` of :func:`spark.catalogue`)."""

    __catalogue_group__ = "interfaces"

    @abc.abstractmethod
    def __call__(self, **inputs: tp.Any) -> tp.Any:  # pragma: no cover - abstract
        """One simulation step."""


class InputInterface(Interface):
    """Base of the encoders: ``__call__(signal: FloatArray) -> {'spikes': SpikeArray}``.

    Output spikes are ``0``/``1`` (an encoder's spikes are excitatory) in ``config.dtype``.
    """

    @abc.abstractmethod
    def __call__(self, signal: FloatArray) -> InputInterfaceOutput:  # pragma: no cover - abstract
        """Encode one step of ``signal`` into spikes."""


class OutputInterface(Interface):
    """Base of the decoders: ``__call__(spikes: SpikeArray) -> {'signal': FloatArray}``.

    The sign of a spike (``-1`` for an inhibitory neuron) is ignored: decoders read ``|spikes|``.
    """

    @abc.abstractmethod
    def __call__(self, spikes: SpikeArray) -> OutputInterfaceOutput:  # pragma: no cover - abstract
        """Decode one step of spikes into a signal."""


class ControlInterface(Interface):
    """Base of the routing modules: they reshape, select or join payloads and have no state."""


class SpikerConfig(Config):
    """Fields shared by the rate-coding encoders."""

    max_freq: float = dc.field(
        default=100.0,
        metadata={
            "units": "Hz",
            "validators": [TypeValidator, PositiveValidator],
            "description": "Firing rate of a unit driven by the largest signal (1.0, or the preferred value "
            "of a topological unit).",
        },
    )

    def _extra_errors(self) -> list[str]:
        errors = super()._extra_errors()
        try:
            per_step = float(np.max(np.asarray(self.max_freq))) * float(self.dt) / 1000.0
        except (TypeError, ValueError):
            return errors  # the field validators report non-numeric values
        if per_step > 1.0:
            errors.append(
                f"max_freq * dt = {self.max_freq} Hz * {self.dt} ms asks for {per_step:g} spikes per step, "
                f"but a unit fires at most once per step; use max_freq <= {1000.0 / float(self.dt):g} Hz "
                f"or a smaller dt"
            )
        return errors
