"""``spark.nn.neurons.Neuron``: a population built from components.

A neuron model composes, in this order within one step,

.. math::
    s^{in} \\xrightarrow{\\text{delays}} \\tilde s \\xrightarrow{\\text{synapses}} I
    \\xrightarrow{\\text{soma}} (z, v), \\qquad W \\leftarrow \\text{learning\\_rule}(\\tilde s, z, W, m)

with the port contract::

    neuron(in_spikes=SpikeArray, modulation=FloatArray | None) -> {'out_spikes': SpikeArray,
                                                                   'potential': PotentialArray}

``in_spikes`` may have any shape (it is flattened: in a brain, several sources are concatenated);
``modulation`` is handed to the learning rule (three-factor rules). Each component is configured by a
nested config (``soma``, ``synapses``, ``delays``, ``learning_rule``), so swapping a model is swapping
a config.
"""

from __future__ import annotations

import copy
import dataclasses as dc
import typing as tp

import jax.numpy as jnp
import numpy as np

from spark.core.config import BaseConfig, Config
from spark.core.module import Module
from spark.core.payloads import FloatArray, PotentialArray, SparkPayload, SpikeArray
from spark.core.specs import InputSpec, OutputSpec
from spark.core.validation import ShapeValidator, TypeValidator
from spark.nn.delays import DelaysConfig, NDelaysConfig
from spark.nn.initializers import UniformInitializerConfig
from spark.nn.learning_rules import LearningRuleConfig
from spark.nn.somas import SomaConfig
from spark.nn.synapses import SynapsesConfig, TracedSynapsesConfig

__all__ = ["Neuron", "NeuronConfig", "NeuronOutput", "nested", "default_synapses"]

# Fields a neuron copies into every nested config: one population, one clock, one dtype.
SHARED_FIELDS = ("units", "dt", "dtype")
# Twice the mean summed weight of one neuron's inputs (see default_synapses).
DEFAULT_GAIN = 800.0


def nested(cls: type[BaseConfig], **defaults: tp.Any) -> tp.Callable[[], BaseConfig]:
    """A ``default_factory`` building ``cls(**defaults)`` for a nested config field."""
    return lambda: cls(__skip_validation__=True, **defaults)


def default_synapses(gain: float = DEFAULT_GAIN) -> SynapsesConfig:
    """Default synapses of the neuron models: traced (5 ms) currents, fan-in scaled uniform weights.

    Weights are uniform in :math:`[0, \\mathrm{gain} / n_{in})`, so the summed drive of a neuron does not
    depend on how many inputs it has (mean weight :math:`\\mathrm{gain} / 2 n_{in}`).
    """
    return TracedSynapsesConfig(
        __skip_validation__=True,
        tau_syn=5.0,
        kernel_initializer=UniformInitializerConfig(low=0.0, high=gain, fan_in_scaling="linear"),
    )


class NeuronOutput(tp.TypedDict):
    """Output of every neuron model."""

    out_spikes: SpikeArray
    potential: PotentialArray


class NeuronConfig(Config):
    """Fields shared by every neuron model.

    ``units``, ``dt`` and ``dtype`` of the neuron are copied into every nested config, so the parts
    always agree; ``seed`` seeds everything in the neuron (each part gets a seed derived from it, the
    ``seed`` fields of the nested configs are not used).
    """

    units: tuple[int, ...] = dc.field(
        default=(16,),
        metadata={
            "validators": [ShapeValidator],
            "description": "Shape of the population (number of neurons).",
        },
    )
    async_spikes: bool = dc.field(
        default=False,
        metadata={
            "validators": [TypeValidator],
            "description": "Deliver input spikes asynchronously: each presynaptic neuron's spikes arrive "
            "with their own transmission delay. True with delays=None uses NDelaysConfig() (one delay per "
            "presynaptic neuron, cheap); pass delays=NMDelaysConfig(...) for one delay per synapse.",
        },
    )
    soma: SomaConfig = dc.field(default=None, metadata={"description": "The soma model."})  # type: ignore
    synapses: SynapsesConfig = dc.field(default=None, metadata={"description": "The synapse model."})  # type: ignore
    delays: DelaysConfig | None = dc.field(
        default=None,
        metadata={"description": "Transmission delays of the input spikes; None for no delay."},
    )
    learning_rule: LearningRuleConfig | None = dc.field(
        default=None,
        metadata={"description": "Plasticity of the synaptic weights; None for fixed weights."},
    )

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.async_spikes is True and self.delays is None:
            object.__setattr__(self, "delays", NDelaysConfig(__skip_validation__=True))
        self._share()

    def _parts(self) -> tp.Iterator[tuple[str, BaseConfig]]:
        for name in ("soma", "synapses", "delays", "learning_rule"):
            child = getattr(self, name, None)
            if isinstance(child, BaseConfig):
                yield name, child

    def _share(self) -> None:
        for _, child in self._parts():
            for f in SHARED_FIELDS:
                if f in type(child)._field_names():
                    object.__setattr__(child, f, copy.deepcopy(getattr(self, f)))

    def _extra_errors(self) -> list[str]:
        errors = super()._extra_errors()
        for name, base in (("soma", SomaConfig), ("synapses", SynapsesConfig)):
            child = getattr(self, name)
            if not isinstance(child, base):
                errors.append(
                    f"{name} must be a {base.__name__} (e.g. a {name} model config), got {child!r:.60}"
                )
        for name, child in self._parts():
            for f in SHARED_FIELDS:
                if f in type(child)._field_names() and not _same(getattr(child, f), getattr(self, f)):
                    errors.append(
                        f"{name}.{f}={getattr(child, f)!r} differs from the neuron's {f}={getattr(self, f)!r}; "
                        f"set {f} on the neuron, it is shared with every part"
                    )
        return errors


def _same(a: tp.Any, b: tp.Any) -> bool:
    if isinstance(a, (tuple, list)) or isinstance(b, (tuple, list)):
        return tuple(a) == tuple(b)
    return bool(a == b)


class Neuron(Module):
    """Base class of the neuron models (group ``'neurons'``): delays → synapses → soma (+ learning).

    Concrete neuron models only choose default component configs; the wiring lives here.
    """

    __catalogue_group__ = "neurons"
    config: NeuronConfig

    def __init__(self, *, config: NeuronConfig | None = None, name: str | None = None, **kwargs: tp.Any):
        super().__init__(config=config, name=name, **kwargs)
        c = self.config
        units, dtype = tuple(int(u) for u in c.units), np.dtype(c.dtype)
        self.set_contract_output_specs(
            {
                "out_spikes": OutputSpec(SpikeArray, units, dtype),
                "potential": OutputSpec(PotentialArray, units, dtype),
            }
        )
        seeds = np.random.default_rng(int(c.seed) % (2**63)).integers(0, 2**31 - 1, size=4)
        self.soma = _make(c.soma, int(seeds[0]))
        self.synapses = _make(c.synapses, int(seeds[1]))
        self.delays = _make(c.delays, int(seeds[2])) if c.delays is not None else None
        self.learning_rule = _make(c.learning_rule, int(seeds[3])) if c.learning_rule is not None else None

    @classmethod
    def example_inputs(cls, config: NeuronConfig | None = None) -> dict[str, SparkPayload]:
        """Eight presynaptic inputs, two of them spiking."""
        dtype = np.dtype(getattr(config, "dtype", np.float32))
        return {"in_spikes": SpikeArray(jnp.array([1, 0, 0, 1, 0, 0, 0, 0], dtype))}

    # -- building -----------------------------------------------------------------------------------
    def build(self, input_specs: dict[str, InputSpec]) -> None:
        dtype = np.dtype(self.config.dtype)
        pre = int(np.prod(input_specs["in_spikes"].shape, dtype=np.int64))
        spec: InputSpec | OutputSpec = InputSpec(SpikeArray, (pre,), dtype)
        if self.delays is not None:
            spec = self.delays.build_from_specs({"in_spikes": spec})["out_spikes"]
        delayed = spec
        currents = self.synapses.build_from_specs({"spikes": delayed})["currents"]
        soma_out = self.soma.build_from_specs({"in_currents": currents})
        if self.learning_rule is not None:
            kernel = self.synapses.get_kernel()
            pre_spikes = self.synapses.kernel_pre_spikes(SpikeArray(jnp.zeros(delayed.shape, dtype)))
            specs = {
                "pre_spikes": InputSpec(SpikeArray, tuple(pre_spikes.shape), dtype),
                "post_spikes": soma_out["spikes"],
                "kernel": InputSpec(FloatArray, tuple(kernel.shape), kernel.dtype),
            }
            if "modulation" in input_specs:
                specs["modulation"] = input_specs["modulation"]
            self.learning_rule.build_from_specs(specs)

    # -- stepping -----------------------------------------------------------------------------------
    def __call__(self, in_spikes: SpikeArray, modulation: FloatArray | None = None) -> NeuronOutput:
        spikes = SpikeArray(jnp.reshape(in_spikes.value, (-1,)).astype(np.dtype(self.config.dtype)))
        if self.delays is not None:
            spikes = self.delays(in_spikes=spikes)["out_spikes"]
        currents = self.synapses(spikes=spikes)["currents"]
        out = self.soma(in_currents=currents)
        if self.learning_rule is not None:
            inputs: dict[str, SparkPayload] = {
                "pre_spikes": self.synapses.kernel_pre_spikes(spikes),
                "post_spikes": out["spikes"],
                "kernel": FloatArray(self.synapses.get_kernel()),
            }
            if modulation is not None:
                inputs["modulation"] = modulation
            self.synapses.set_kernel(self.learning_rule(**inputs)["kernel"])
        return {"out_spikes": out["spikes"], "potential": out["potential"]}


def _make(config: BaseConfig, seed: int) -> Module:
    cfg = copy.deepcopy(config)
    object.__setattr__(cfg, "seed", seed)
    return cfg.class_ref(config=cfg)
