"""``spark.nn.somas.Soma``: the base of every soma model, and the fields somas share.

A soma turns input currents into spikes and a membrane potential, one time step per call::

    soma(in_currents=CurrentArray) -> {'spikes': SpikeArray, 'potential': PotentialArray}

Shared conventions (every model follows them):

* ``units`` is the population shape; ``in_currents`` of any shape with ``prod(units)`` values is
  reshaped to ``units``.
* Units: time in ms, potentials in mV, currents in nA, resistance in MΩ (so :math:`R I` is in mV).
* State is kept in ``config.dtype`` promoted to at least ``float32`` (a ``float16`` soma still
  integrates small currents exactly); outputs are cast to ``config.dtype``.
* Inhibitory units (``inhibitory_rate`` or ``inhibitory_mask``) emit their spikes as ``-1``
  (the :class:`spark.SpikeArray` sign convention), excitatory units as ``+1``.
* Refractoriness (models with ``tau_ref``): with :math:`n_{ref} = \\mathrm{round}(\\tau_{ref}/\\Delta t)`,
  a unit that spikes at step :math:`n` is held at ``v_reset`` on steps :math:`n+1, \\dots, n+n_{ref}-1`
  and may spike again at step :math:`n + n_{ref}` at the earliest: the shortest inter-spike interval
  is :math:`\\tau_{ref}` (one step when :math:`\\tau_{ref} < \\Delta t`).
"""

from __future__ import annotations

import abc
import dataclasses as dc
import typing as tp

import jax
import jax.numpy as jnp
import numpy as np

from spark.core.arrays import device_array
from spark.core.config import Config
from spark.core.payloads import CurrentArray, PotentialArray, SparkPayload, SpikeArray
from spark.core.specs import InputSpec
from spark.core.validation import (
    NonNegativeValidator,
    PositiveValidator,
    RangeValidator,
    ShapeValidator,
    TypeValidator,
)
from spark.core.variables import Constant, Variable
from spark.nn._component import Component

__all__ = [
    "Soma",
    "SomaConfig",
    "SomaOutput",
    "LeakySomaConfig",
    "compute_dtype",
    "threshold_and_reset",
    "ExponentialSomaConfig",
    "exponential_drive",
]


def compute_dtype(dtype: tp.Any) -> np.dtype:
    """The dtype somas integrate in: ``dtype`` promoted to at least ``float32``."""
    return np.dtype(jnp.promote_types(np.dtype(dtype), jnp.float32))


class SomaOutput(tp.TypedDict):
    """Output of every soma."""

    spikes: SpikeArray
    potential: PotentialArray


def soma_field(default: tp.Any, units: str | None, description: str, *validators: tp.Any) -> tp.Any:
    """A config field with units, a description and a type check plus ``validators``."""
    meta: dict[str, tp.Any] = {"validators": [TypeValidator, *validators], "description": description}
    if units:
        meta["units"] = units
    return dc.field(default=default, metadata=meta)


class SomaConfig(Config):
    """Fields shared by every soma: the population shape and which units are inhibitory."""

    units: tuple[int, ...] = dc.field(
        default=(16,),
        metadata={
            "validators": [ShapeValidator],
            "description": "Shape of the population (number of units).",
        },
    )
    inhibitory_rate: float = soma_field(
        0.0,
        None,
        "Fraction of inhibitory units (their spikes are emitted as -1), chosen at random from the seed. "
        "Ignored when inhibitory_mask is given.",
        RangeValidator(0.0, 1.0),
    )
    inhibitory_mask: tp.Any = dc.field(
        default=None,
        metadata={
            "description": "Explicit boolean array of shape `units`, True for inhibitory units "
            "(overrides inhibitory_rate); None to draw the units from inhibitory_rate."
        },
    )

    def __post_init__(self) -> None:
        super().__post_init__()
        mask = self.inhibitory_mask
        if mask is not None and not isinstance(mask, np.ndarray):
            object.__setattr__(self, "inhibitory_mask", np.asarray(mask, dtype=bool))

    def _extra_errors(self) -> list[str]:
        errors = super()._extra_errors()
        mask = self.inhibitory_mask
        if mask is not None:
            arr = np.asarray(mask)
            if arr.dtype.kind not in "biu" or not np.all((arr == 0) | (arr == 1)):
                errors.append(
                    f"inhibitory_mask must hold booleans (True = inhibitory), got dtype {arr.dtype}"
                )
            elif tuple(arr.shape) != tuple(self.units):
                errors.append(
                    f"inhibitory_mask has shape {tuple(arr.shape)} but units={tuple(self.units)}; "
                    f"give one boolean per unit"
                )
        return errors


class LeakySomaConfig(SomaConfig):
    """Fields of the leaky integrate-and-fire family (LIF, ALIF, EIF, AdEx)."""

    tau_mem: float = soma_field(20.0, "ms", "Membrane time constant.", PositiveValidator)
    v_rest: float = soma_field(-65.0, "mV", "Resting potential (the potential the membrane leaks to).")
    v_reset: float = soma_field(
        -65.0, "mV", "Potential right after a spike and during the refractory period."
    )
    v_th: float = soma_field(-50.0, "mV", "Spike threshold: a unit spikes when its potential reaches it.")
    tau_ref: float = soma_field(
        2.0, "ms", "Absolute refractory period (shortest inter-spike interval).", NonNegativeValidator
    )
    resistance: float = soma_field(
        1.0,
        "MΩ",
        "Membrane resistance R; an input current I moves the potential towards v_rest + R I.",
        PositiveValidator,
    )

    def _extra_errors(self) -> list[str]:
        errors = super()._extra_errors()
        try:
            if not np.all(np.asarray(self.v_reset) < np.asarray(self.v_th)):
                errors.append(
                    f"v_reset must be below v_th (a reset unit would spike again at once), "
                    f"got v_reset={self.v_reset}, v_th={self.v_th}"
                )
        except (TypeError, ValueError):
            pass  # the type validators report non-numeric values
        return errors


class ExponentialSomaConfig(LeakySomaConfig):
    """The leaky fields plus the exponential spike-initiation term (shared by EIF and AdEx)."""

    v_th: float = dc.field(
        default=-30.0,
        metadata={
            "units": "mV",
            "validators": [TypeValidator],
            "description": "Spike cut-off: the upswing is stopped and a spike emitted when v reaches it.",
        },
    )
    v_T: float = dc.field(
        default=-50.0,
        metadata={
            "units": "mV",
            "validators": [TypeValidator],
            "description": "Soft threshold: where the exponential term takes over.",
        },
    )
    delta_T: float = dc.field(
        default=2.0,
        metadata={
            "units": "mV",
            "validators": [TypeValidator, PositiveValidator],
            "description": "Slope factor: sharpness of spike initiation.",
        },
    )

    def _extra_errors(self) -> list[str]:
        errors = super()._extra_errors()
        try:
            if not np.all(np.asarray(self.v_T) < np.asarray(self.v_th)):
                errors.append(
                    f"v_T (soft threshold) must be below the cut-off v_th, got v_T={self.v_T}, "
                    f"v_th={self.v_th}"
                )
        except (TypeError, ValueError):
            pass
        return errors


def exponential_drive(v: jax.Array, v_T: jax.Array, delta_T: jax.Array, v_th: jax.Array) -> jax.Array:
    """:math:`\\Delta_T e^{(v - v_T)/\\Delta_T}`, with the exponent capped at its value at ``v_th``."""
    return delta_T * jnp.exp((jnp.minimum(v, v_th) - v_T) / delta_T)


class Soma(Component):
    """Base class of the soma models (group ``'somas'``).

    Subclasses implement :meth:`_init_state` (create their :class:`spark.Variable` state, shape
    ``units``) and :meth:`_update` (one step: currents → boolean spikes and potential). The base class
    reshapes the input, applies the inhibitory signs and casts the outputs.
    """

    __catalogue_group__ = "somas"
    config: SomaConfig

    @classmethod
    def example_inputs(cls, config: SomaConfig | None = None) -> dict[str, SparkPayload]:
        config = config or cls.get_config_spec()()
        return {"in_currents": CurrentArray(jnp.zeros(tuple(config.units), np.dtype(config.dtype)))}

    # -- building -----------------------------------------------------------------------------------
    def build(self, input_specs: dict[str, InputSpec]) -> None:
        units = tuple(int(u) for u in self.config.units)
        spec = input_specs["in_currents"]
        if int(np.prod(spec.shape, dtype=np.int64)) != int(np.prod(units, dtype=np.int64)):
            raise ValueError(
                f"in_currents has shape {tuple(spec.shape)} ({int(np.prod(spec.shape))} values) but units={units} "
                f"({int(np.prod(units))} units); give one current per unit or change units"
            )
        self.units_shape = units
        self.state_dtype = compute_dtype(self.config.dtype)
        self.sign = Constant(self._signs(units))
        self._init_state(units)

    def _signs(self, units: tuple[int, ...]) -> jax.Array:
        n = int(np.prod(units))
        mask = self.config.inhibitory_mask
        if mask is not None:
            inhibitory = np.asarray(mask, dtype=bool).reshape(units)
        else:
            k = int(np.round(float(self.config.inhibitory_rate) * n))
            inhibitory = np.zeros(n, dtype=bool)
            if k > 0:
                order = self.init_rng().permutation(n)
                inhibitory[order[:k]] = True
            inhibitory = inhibitory.reshape(units)
        return device_array(np.where(inhibitory, -1.0, 1.0), self.state_dtype)

    def _constant(self, name: str) -> Constant:
        """A config field as a :class:`spark.Constant` in the state dtype (scalar or per-unit array)."""
        return Constant(self._as_array(name, getattr(self.config, name)))

    def _as_array(self, name: str, value: tp.Any) -> jax.Array:
        """``value`` as an array in the state dtype, checked to broadcast against ``units``."""
        arr = np.asarray(value, dtype=self.state_dtype)
        try:
            shape = np.broadcast_shapes(arr.shape, self.units_shape)
        except ValueError:
            shape = None
        if shape != self.units_shape:
            raise ValueError(
                f"{type(self.config).__name__}.{name} has shape {arr.shape}, which does not broadcast to "
                f"units={self.units_shape}; give a scalar or one value per unit"
            )
        return jnp.asarray(arr)

    def _constant_of(self, name: str, value: tp.Any) -> Constant:
        """A derived value (e.g. a decay factor computed from field ``name``) as a :class:`spark.Constant`."""
        return Constant(self._as_array(name, value))

    def _full_int(self, value: int) -> Variable:
        """An int32 state variable of shape ``units`` (refractory counters)."""
        return Variable(jnp.full(self.units_shape, value, jnp.int32))

    def _full(self, value: tp.Any) -> Variable:
        """A state variable of shape ``units`` filled with ``value`` (scalar or per-unit array)."""
        return Variable(jnp.broadcast_to(jnp.asarray(value, self.state_dtype), self.units_shape))

    def _refractory_steps(self) -> Constant:
        """:math:`n_{ref} = \\mathrm{round}(\\tau_{ref} / \\Delta t)` as an int32 constant (scalar or per unit)."""
        steps = np.round(np.asarray(self.config.tau_ref, dtype=np.float64) / float(self.config.dt))
        self._as_array("tau_ref", steps)  # shape check
        return Constant(jnp.asarray(steps, dtype=jnp.int32))

    def get_inhibitory_mask(self) -> jax.Array:
        """Boolean array of shape ``units``: True where the unit is inhibitory."""
        return self.sign.value < 0

    @abc.abstractmethod
    def _init_state(self, units: tuple[int, ...]) -> None:
        """Create the model's constants and state variables."""

    @abc.abstractmethod
    def _update(self, current: jax.Array) -> tuple[jax.Array, jax.Array]:
        """One step. ``current`` has shape ``units``; return (boolean spikes, potential after reset)."""

    # -- stepping -----------------------------------------------------------------------------------
    def __call__(self, in_currents: CurrentArray) -> SomaOutput:
        current = jnp.reshape(in_currents.value, self.units_shape).astype(self.state_dtype)
        spiked, potential = self._update(current)
        out_dtype = np.dtype(self.config.dtype)
        spikes = jnp.where(spiked, self.sign.value, jnp.zeros((), self.state_dtype)).astype(out_dtype)
        return {"spikes": SpikeArray(spikes), "potential": PotentialArray(potential.astype(out_dtype))}


def threshold_and_reset(
    v_free: jax.Array, counter: jax.Array, v_reset: jax.Array, threshold: jax.Array, n_ref: jax.Array
) -> tuple[jax.Array, jax.Array, jax.Array]:
    """Refractory clamp, threshold and reset shared by the leaky models.

    Args:
        v_free: the potential integrated over the step as if there were no refractoriness.
        counter: refractory counter (int32, steps).
        v_reset: reset potential. threshold: spike threshold. n_ref: refractory steps.

    Returns:
        (boolean spikes, potential after reset, new counter).
    """
    counter = jnp.maximum(counter - 1, 0)
    refractory = counter > 0
    v = jnp.where(refractory, v_reset, v_free)
    spiked = jnp.logical_and(jnp.logical_not(refractory), v >= threshold)
    v = jnp.where(spiked, v_reset, v)
    counter = jnp.where(spiked, n_ref, counter).astype(jnp.int32)
    return spiked, v, counter
