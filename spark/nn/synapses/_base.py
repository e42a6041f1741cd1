"""Abstract base of the synapse models: presynaptic spikes in, postsynaptic currents out.

Every synapse model takes ``spikes`` (a :class:`~spark.SpikeArray`) and returns
``{'currents': CurrentArray}`` of shape ``config.units``. Conventions shared by all models:

* **Kernel layout** ``(post, pre)``: row ``i`` holds the weights onto postsynaptic unit ``i``. Dense
  models store the full matrix; :class:`~spark.nn.synapses.SparseSynapses` stores ``(post, K)``
  weights next to ``(post, K)`` presynaptic indices. Read and write it with :meth:`Synapses.get_kernel`
  and :meth:`Synapses.set_kernel` (how a learning rule changes it).
* **Dale's law**: kernel entries are non-negative *magnitudes*; the sign of a presynaptic spike
  (``+1`` excitatory, ``-1`` inhibitory) decides whether it excites or inhibits.
* **Spike layout** (``config.spike_layout``): ``'presynaptic'`` spikes of any shape are flattened,
  ``pre = prod(shape)``; ``'per_synapse'`` spikes are a ``(post, pre)`` matrix (one delayed copy of the
  spike per synapse, as per-synapse delays produce) contracted row by row with the kernel. ``'auto'``
  picks ``'per_synapse'`` when the input is 2-D and its first axis has ``prod(units)`` entries
  (``prod(units) > 1``), ``'presynaptic'`` otherwise.
* **Dtypes**: the kernel and the output currents use ``config.dtype``; state that integrates over
  time (currents, conductances) is kept in ``promote(config.dtype, float32)``.
"""

from __future__ import annotations

import abc
import dataclasses as dc
import math
import typing as tp

import jax
import jax.numpy as jnp
import numpy as np

from spark.core.arrays import device_array
from spark.core.config import Config
from spark.core.payloads import CurrentArray, FloatArray, SpikeArray
from spark.core.specs import InputSpec
from spark.core.validation import OneOfValidator, ShapeValidator
from spark.core.variables import Parameter
from spark.nn._component import Component
from spark.nn.initializers import InitializerConfig, UniformInitializerConfig

__all__ = [
    "Synapses",
    "Synanpses",
    "SynapsesConfig",
    "SynapsesOutput",
    "SPIKE_LAYOUTS",
    "state_dtype",
    "uniform_fan_in_initializer",
    "kernel_initializer_field",
]

SPIKE_LAYOUTS = ("auto", "presynaptic", "per_synapse")


def state_dtype(dtype: tp.Any) -> np.dtype:
    """The dtype synapses integrate their state in: ``dtype`` promoted to at least ``float32``."""
    return np.dtype(jnp.promote_types(np.dtype(dtype), jnp.float32))


def uniform_fan_in_initializer(high: float) -> tp.Callable[[], InitializerConfig]:
    """A default-factory: magnitudes uniform in ``[0, high / sqrt(fan_in))`` (mean ``high / 2 / sqrt(fan_in)``)."""

    def factory() -> InitializerConfig:
        return UniformInitializerConfig(low=0.0, high=float(high), fan_in_scaling="sqrt")

    return factory


def kernel_initializer_field(high: float) -> tp.Any:
    """The ``kernel_initializer`` config field, defaulting to :func:`uniform_fan_in_initializer`."""
    return dc.field(
        default_factory=uniform_fan_in_initializer(high),
        metadata={
            "description": "Initializer of the weight magnitudes (a spark.nn.initializers config); the "
            "kernel is (post, pre) and its last axis is the fan-in. Default: uniform in "
            f"[0, {high:g} / sqrt(fan_in)).",
        },
    )


class SynapsesOutput(tp.TypedDict):
    """Output of every synapse model."""

    currents: CurrentArray


class SynapsesConfig(Config):
    r"""Fields shared by every synapse model.

    Default weights are uniform magnitudes in :math:`[0, h/\sqrt{n_{in}})`, with :math:`h` chosen per
    model against the default LIF soma (``v_rest = -65`` mV, ``v_th = -50`` mV, ``tau_mem = 20`` ms,
    ``R = 1`` MΩ, ``dt = 1`` ms). A unit receiving 512 Poisson inputs plus a 256-unit recurrent pool at
    10 Hz (:math:`n_{in} = 768`) then fires at about 0 / 20 / 40 Hz when the 512 inputs fire at
    20 / 35 / 50 Hz (``LinearSynapses`` and ``SparseSynapses``: :math:`h = 44`; ``TracedSynapses``:
    :math:`h = 8.8` for ``tau_syn = 5`` ms; ``ConductanceSynapses``: :math:`h = 0.15`). Inhibitory
    (negative) spikes pull the rate down; with the :math:`1/\sqrt{n_{in}}` scaling, the mean drive grows
    as :math:`\sqrt{n_{in}}`.
    """

    units: tuple[int, ...] = dc.field(
        default=(16,),
        metadata={
            "validators": [ShapeValidator],
            "description": "Shape of the postsynaptic population; the output currents have this shape.",
        },
    )
    spike_layout: str = dc.field(
        default="auto",
        metadata={
            "validators": [OneOfValidator(*SPIKE_LAYOUTS)],
            "description": "How input spikes map onto synapses: 'presynaptic' (any shape, flattened), "
            "'per_synapse' ((post, pre) matrix of delayed spikes) or 'auto' (per_synapse when the input "
            "is 2-D with prod(units) rows).",
        },
    )
    kernel_initializer: InitializerConfig = kernel_initializer_field(44.0)

    def _extra_errors(self) -> list[str]:
        errors = super()._extra_errors()
        if not isinstance(self.kernel_initializer, InitializerConfig):
            errors.append(
                f"kernel_initializer must be an initializer config such as "
                f"spark.nn.initializers.UniformInitializerConfig(low=0.0, high=1.0), got "
                f"{self.kernel_initializer!r:.60}"
            )
        return errors


class Synapses(Component, abc.ABC):
    """Base of every synapse model (group ``'synapses'`` of :func:`spark.catalogue`).

    Subclasses implement :meth:`_build_synapses` (create the kernel and any state once the number of
    presynaptic inputs is known) and ``__call__(spikes) -> {'currents': CurrentArray}``.
    """

    __catalogue_group__ = "synapses"
    config: SynapsesConfig

    # -- shapes -------------------------------------------------------------------------------------
    @property
    def post_size(self) -> int:
        """Number of postsynaptic units, ``prod(config.units)``."""
        return int(np.prod(self.config.units, dtype=np.int64))

    def _layout_of(self, shape: tuple[int, ...]) -> tuple[bool, int]:
        """``(per_synapse, pre)`` for an input of ``shape`` under ``config.spike_layout``."""
        post = self.post_size
        layout = self.config.spike_layout
        if layout == "auto":
            layout = "per_synapse" if len(shape) == 2 and shape[0] == post and post > 1 else "presynaptic"
        if layout == "per_synapse":
            if len(shape) != 2 or shape[0] != post:
                raise ValueError(
                    f"{type(self).__name__} '{self.name}': spike_layout='per_synapse' needs spikes of shape "
                    f"(post, pre) = ({post}, n), got {tuple(shape)}; use spike_layout='presynaptic' for a "
                    f"population's spikes"
                )
            return True, int(shape[1])
        return False, int(math.prod(shape))

    def build(self, input_specs: dict[str, InputSpec]) -> None:
        spec = input_specs["spikes"]
        per_synapse, pre = self._layout_of(tuple(spec.shape))
        if pre < 1:
            raise ValueError(f"{type(self).__name__} '{self.name}': spikes of shape {spec.shape} are empty")
        self.per_synapse = per_synapse
        self.pre_size = pre
        self._build_synapses(pre)

    @abc.abstractmethod
    def _build_synapses(self, pre: int) -> None:
        """Create the kernel (``self.kernel``) and the model's state for ``pre`` inputs."""

    # -- weights --------------------------------------------------------------------------------------
    def _init_kernel(self, shape: tuple[int, ...], key: jax.Array | None = None) -> Parameter:
        """Draw the initial kernel of ``shape`` from ``config.kernel_initializer`` (fan-in: last axis)."""
        init = self.config.kernel_initializer
        if not hasattr(init, "init"):
            raise TypeError(
                f"{type(self).__name__} '{self.name}': kernel_initializer must be an initializer config "
                f"(e.g. spark.nn.initializers.UniformInitializerConfig()), got {init!r}"
            )
        dtype = np.dtype(self.config.dtype)
        values = init.init(self.init_rng() if key is None else key, tuple(shape), dtype)
        return Parameter(device_array(values, dtype))

    def get_kernel(self) -> jax.Array:
        """The weights: ``(post, pre)`` for dense models, ``(post, K)`` for sparse ones."""
        return self.kernel.value

    def set_kernel(self, kernel: jax.Array | FloatArray) -> None:
        """Replace the weights (same shape as :meth:`get_kernel`; cast to ``config.dtype``)."""
        value = kernel.value if isinstance(kernel, FloatArray) else kernel
        want = tuple(self.kernel.value.shape)
        if tuple(jnp.shape(value)) != want:
            raise ValueError(
                f"{type(self).__name__} '{self.name}': set_kernel expects shape {want}, got "
                f"{tuple(jnp.shape(value))}"
            )
        self.kernel.value = jnp.asarray(value, self.kernel.value.dtype)

    def kernel_pre_spikes(self, spikes: SpikeArray) -> SpikeArray:
        """Presynaptic spikes laid out for a learning rule acting on :meth:`get_kernel`.

        Dense models return the flattened spikes ``(pre,)`` (or the ``(post, pre)`` per-synapse matrix
        unchanged); sparse models return the ``(post, K)`` spikes seen by each synapse.
        """
        value = jnp.asarray(spikes.value)
        if self.per_synapse:
            return SpikeArray(value.reshape(self.post_size, self.pre_size))
        return SpikeArray(value.reshape(self.pre_size))

    # -- helpers for subclasses -----------------------------------------------------------------------
    def _spikes(self, spikes: SpikeArray) -> jax.Array:
        """Input spikes as ``(pre,)`` or ``(post, pre)``, in the kernel's dtype."""
        return self.kernel_pre_spikes(spikes).value.astype(self.kernel.value.dtype)

    def _contract(self, kernel: jax.Array, s: jax.Array) -> jax.Array:
        """:math:`\\sum_j w_{ij} s_j`: a matrix product, or a row-wise contraction for per-synapse input.

        ``s`` may carry a trailing channel axis (``(pre, c)`` or ``(post, pre, c)``).
        """
        acc = state_dtype(kernel.dtype)  # accumulate float16 products in float32
        if self.per_synapse:
            return jnp.einsum("ij,ij...->i...", kernel, s, preferred_element_type=acc)
        return jax.lax.dot_general(kernel, s, (((1,), (0,)), ((), ())), preferred_element_type=acc)

    def _to_units(self, x: jax.Array) -> CurrentArray:
        return CurrentArray(x.reshape(self.config.units).astype(self.config.dtype))

    @classmethod
    def example_inputs(cls, config: SynapsesConfig | None = None) -> dict[str, SpikeArray]:
        """Eight presynaptic units, two of which spike (one excitatory, one inhibitory)."""
        dtype = getattr(config, "dtype", np.dtype("float32")) if config is not None else np.dtype("float32")
        return {"spikes": SpikeArray(jnp.array([1, 0, 0, -1, 0, 0, 0, 0], dtype))}

    @abc.abstractmethod
    def __call__(self, spikes: SpikeArray) -> SynapsesOutput:  # pragma: no cover - abstract
        """One step: presynaptic spikes to postsynaptic currents."""


Synanpses = Synapses  # the spelling used by the original documentation
