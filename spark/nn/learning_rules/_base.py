"""Abstract base of the learning rules: spikes and a kernel in, an updated kernel out.

Every rule is called once per step, after the synapses and the soma::

    rule(pre_spikes=..., post_spikes=..., kernel=FloatArray(W), modulation=None) -> {'kernel': FloatArray}

Shared conventions:

* ``kernel`` is ``(post, pre)`` (the synapses' :meth:`~spark.nn.synapses.Synapses.get_kernel`).
* ``pre_spikes`` either has ``pre`` entries (any shape, flattened) or is laid out like the kernel
  (``(post, pre)``: per-synapse delayed spikes, or the ``(post, K)`` spikes of sparse synapses, see
  :meth:`~spark.nn.synapses.Synapses.kernel_pre_spikes`). ``post_spikes`` has ``post`` entries.
* A spike is a spike whatever its sign: rules read ``|s|`` (an inhibitory neuron's ``-1`` counts as
  one event); Dale's signs live in the synapses, the kernel holds magnitudes.
* Traces are :class:`spark.Variable` state in ``promote(config.dtype, float32)``, reset by
  ``reset()``; updates are outer products (broadcasting), never per-synapse Python.
* After every update the weights are clipped to ``[w_min, w_max]``; the result has the kernel's dtype.
* Event-driven rules (STDP) apply jumps per spike pairing; rate rules (Hebbian, Oja) and the
  three-factor rule integrate :math:`dw/dt`, so their step is scaled by :math:`\\Delta t`.
"""

from __future__ import annotations

import abc
import dataclasses as dc
import math
import typing as tp

import jax
import jax.numpy as jnp
import numpy as np

from spark.core.config import Config
from spark.core.payloads import FloatArray, SpikeArray
from spark.core.specs import InputSpec
from spark.core.validation import NonNegativeValidator, PositiveValidator, TypeValidator
from spark.core.variables import Constant, Variable
from spark.nn._component import Component

__all__ = [
    "LearningRule",
    "LearningRuleConfig",
    "LearningRuleOutput",
    "trace_dtype",
    "eta_field",
    "tau_field",
    "amplitude_field",
]


def trace_dtype(dtype: tp.Any) -> np.dtype:
    """The dtype of traces and weight updates: ``dtype`` promoted to at least ``float32``."""
    return np.dtype(jnp.promote_types(np.dtype(dtype), jnp.float32))


def eta_field(default: float, units: str = "1") -> tp.Any:
    """The learning-rate field ``eta`` (non-negative)."""
    return dc.field(
        default=default,
        metadata={
            "units": units,
            "validators": [TypeValidator, NonNegativeValidator],
            "description": "Learning rate: scales every weight change (0 freezes the weights).",
        },
    )


def tau_field(default: float, description: str) -> tp.Any:
    """A trace time constant (ms, positive)."""
    return dc.field(
        default=default,
        metadata={
            "units": "ms",
            "validators": [TypeValidator, PositiveValidator],
            "description": description,
        },
    )


def amplitude_field(default: float, description: str) -> tp.Any:
    """A plasticity amplitude (weight units, non-negative)."""
    return dc.field(
        default=default,
        metadata={
            "units": "weight",
            "validators": [TypeValidator, NonNegativeValidator],
            "description": description,
        },
    )


class LearningRuleOutput(tp.TypedDict):
    """Output of every learning rule."""

    kernel: FloatArray


class LearningRuleConfig(Config):
    """Fields shared by every learning rule: learning rate and weight bounds.

    The default bounds ``[0, 2]`` suit the default synapse kernels of a unit with a few hundred inputs
    (largest initial weight :math:`44/\\sqrt{n_{in}}`); scale ``w_max`` with the kernel you train.
    """

    eta: float = eta_field(1.0)
    w_min: float = dc.field(
        default=0.0,
        metadata={
            "units": "weight",
            "validators": [TypeValidator],
            "description": "Lower weight bound (0 keeps Dale's law: the kernel holds magnitudes).",
        },
    )
    w_max: float = dc.field(
        default=2.0,
        metadata={"units": "weight", "validators": [TypeValidator], "description": "Upper weight bound."},
    )

    def _extra_errors(self) -> list[str]:
        errors = super()._extra_errors()
        try:
            if not np.all(np.asarray(self.w_min) < np.asarray(self.w_max)):
                errors.append(f"w_min must be below w_max, got w_min={self.w_min}, w_max={self.w_max}")
        except (TypeError, ValueError):
            pass  # the field validators report non-numeric values
        return errors


class LearningRule(Component, abc.ABC):
    """Base of every learning rule (group ``'learning_rules'`` of :func:`spark.catalogue`).

    Subclasses implement :meth:`_build_rule` (create traces for the shapes resolved by the base) and
    ``__call__``. The base resolves ``self.pre_shape`` (``(pre,)`` or the kernel's shape),
    ``self.post_size`` and ``self.kernel_shape`` from the input specs.
    """

    __catalogue_group__ = "learning_rules"
    config: LearningRuleConfig

    # -- building -------------------------------------------------------------------------------------
    def build(self, input_specs: dict[str, InputSpec]) -> None:
        name = f"{type(self).__name__} '{self.name}'"
        kshape = tuple(input_specs["kernel"].shape)
        if len(kshape) != 2:
            raise ValueError(f"{name}: kernel must be 2-D (post, pre), got shape {kshape}")
        post, pre = kshape
        n_pre = math.prod(input_specs["pre_spikes"].shape)
        n_post = math.prod(input_specs["post_spikes"].shape)
        if n_pre == post * pre and post > 1:
            self.pre_shape = kshape
        elif n_pre == pre:
            self.pre_shape = (pre,)
        else:
            raise ValueError(
                f"{name}: pre_spikes of shape {tuple(input_specs['pre_spikes'].shape)} do not match the kernel "
                f"{kshape}; give {pre} presynaptic spikes or a {kshape} per-synapse matrix"
            )
        if n_post != post:
            raise ValueError(
                f"{name}: post_spikes of shape {tuple(input_specs['post_spikes'].shape)} ({n_post} values) do not "
                f"match the kernel {kshape}; give {post} postsynaptic spikes"
            )
        self.post_size = post
        self.kernel_shape = kshape
        if "modulation" in input_specs:
            self._check_modulation(tuple(input_specs["modulation"].shape))
        self._build_rule()

    @abc.abstractmethod
    def _build_rule(self) -> None:
        """Create the rule's traces and constants."""

    # -- helpers for subclasses -----------------------------------------------------------------------
    @property
    def work_dtype(self) -> np.dtype:
        return trace_dtype(self.config.dtype)

    def _trace(self, shape: tuple[int, ...]) -> Variable:
        return Variable(jnp.zeros(shape, self.work_dtype))

    def _decay(self, tau: tp.Any) -> Constant:
        """:math:`e^{-\\Delta t/\\tau}` as a constant (``tau`` a scalar field)."""
        return Constant(
            jnp.asarray(np.exp(-float(self.config.dt) / np.asarray(tau, np.float64)), self.work_dtype)
        )

    def _pre(self, pre_spikes: SpikeArray) -> jax.Array:
        """``|pre_spikes|`` as ``self.pre_shape`` in the work dtype."""
        return jnp.abs(jnp.asarray(pre_spikes.value)).reshape(self.pre_shape).astype(self.work_dtype)

    def _post(self, post_spikes: SpikeArray) -> jax.Array:
        """``|post_spikes|`` as ``(post,)`` in the work dtype."""
        return jnp.abs(jnp.asarray(post_spikes.value)).reshape(self.post_size).astype(self.work_dtype)

    @staticmethod
    def _outer(post: jax.Array, pre: jax.Array) -> jax.Array:
        """:math:`a_i b_j` (``pre`` 1-D) or :math:`a_i b_{ij}` (``pre`` laid out like the kernel)."""
        return post[:, None] * (pre if pre.ndim == 2 else pre[None, :])

    def _check_modulation(self, shape: tuple[int, ...]) -> None:
        size = math.prod(shape)
        if size not in (1, self.post_size):
            raise ValueError(
                f"{type(self).__name__} '{self.name}': modulation of shape {shape} must be a scalar or have one "
                f"value per postsynaptic unit ({self.post_size})"
            )

    def _modulation(self, modulation: FloatArray) -> jax.Array:
        """The modulation as a scalar or a ``(post, 1)`` column, in the work dtype."""
        value = jnp.asarray(modulation.value, self.work_dtype)
        self._check_modulation(tuple(value.shape))
        return value.reshape(()) if value.size == 1 else value.reshape(self.post_size, 1)

    def _apply(self, kernel: FloatArray, dw: jax.Array) -> LearningRuleOutput:
        """``clip(kernel + dw, w_min, w_max)`` where ``dw != 0``, in the kernel's dtype.

        Entries the rule does not change keep their value, so weights a rule never touches (e.g. the
        inhibitory columns of a concatenated input) are not pulled into ``[w_min, w_max]``.
        """
        w = jnp.asarray(kernel.value)
        moved = jnp.clip(w.astype(self.work_dtype) + dw, self.config.w_min, self.config.w_max)
        new = jnp.where(dw != 0, moved, w.astype(self.work_dtype))
        return {"kernel": FloatArray(new.astype(w.dtype))}

    @classmethod
    def example_inputs(cls, config: LearningRuleConfig | None = None) -> dict[str, tp.Any]:
        """Four inputs onto three units, mid-range weights, a few spikes."""
        dtype = getattr(config, "dtype", np.dtype("float32")) if config is not None else np.dtype("float32")
        return {
            "pre_spikes": SpikeArray(jnp.array([1, 0, -1, 0], dtype)),
            "post_spikes": SpikeArray(jnp.array([0, 1, 0], dtype)),
            "kernel": FloatArray(jnp.full((3, 4), 0.5, dtype)),
        }

    @abc.abstractmethod
    def __call__(
        self,
        pre_spikes: SpikeArray,
        post_spikes: SpikeArray,
        kernel: FloatArray,
        modulation: FloatArray | None = None,
    ) -> LearningRuleOutput:  # pragma: no cover - abstract
        """One step of plasticity."""
