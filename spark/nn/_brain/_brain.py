"""``Brain``: runs a config-wired collection of modules in lock step through a cache.

Timing (one call = one step ``t``):

1. every module reads its inputs: brain inputs of step ``t`` directly, module outputs from the
   cache, which holds what the modules produced at step ``t - 1`` (zeros before the first step);
2. every module updates;
3. the cache is overwritten with the outputs of step ``t``;
4. brain outputs are read from the cache *after* the write, i.e. they are the step-``t`` outputs.

So a hop between two modules costs exactly one step, whatever the order of ``modules_map``, while
brain input -> module and module -> brain output cost none: in a chain ``input -> a -> b -> output``
the output at step ``t`` responds to the input of step ``t - 1``.
"""

from __future__ import annotations

import typing as tp

import jax
import jax.numpy as jnp
from flax import nnx

from spark.core.errors import BuildError, WiringError, suggest
from spark.core.graph import merge, split, update
from spark.core.module import Module
from spark.core.payloads import SparkPayload, SpikeArray
from spark.core.registry import register_module
from spark.core.specs import InputSpec, OutputSpec, PortMap, PortSpecs
from spark.core.variables import Variable
from spark.nn._brain._config import BrainConfig
from spark.nn._brain._plan import Plan, gather, gather_spec, output_port
from spark.nn._brain._wiring import BRAIN_ORIGIN, as_port_maps, initialization_order

__all__ = ["Brain"]


@register_module
class Brain(Module):
    """A model made of modules wired by a :class:`BrainConfig`, stepped in lock step through a cache.

    Every step each module reads its inputs from the outputs the modules produced at the previous step
    (kept in a cache of ``spark.Variable``; brain inputs arrive in the same step), all modules update,
    then the cache is overwritten. A hop between modules therefore costs exactly one step, independent of
    the order of the modules, which is what lets recurrent (even self-connected) modules be wired freely.
    Brain outputs are read after the cache write: they respond to brain inputs with the latency of the
    module hops between them (``input -> a -> output``: none; ``input -> a -> b -> output``: one step).

    Modules in a cycle are built from the output specs they promise by contract
    (``set_contract_output_specs``); all others from the actual output specs of the modules they read.

    Args:
        config: the :class:`BrainConfig`.

    Returns (``brain(**inputs)``):
        ``{output_name: payload}``, each cast to its ``OutputSpec`` (payload type, shape, dtype).

    Example::

        brain = spark.nn.Brain(config=brain_config)
        brain(drive=spark.FloatArray(jnp.zeros((4,), jnp.float16)))      # builds, runs one step
        graph, state = spark.split(brain)                                  # then step under jax.jit
    """

    config: BrainConfig
    __catalogue_group__ = "brains"
    __catalogue_hidden__ = True

    def __init__(self, config: BrainConfig | None = None, name: str | None = None, **kwargs: tp.Any):
        super().__init__(config=config, name=name, **kwargs)
        self.config.validate()
        self.modules = nnx.Dict(
            {
                key: spec.module_cls(config=spec.config, name=key)
                for key, spec in self.config.modules_map.items()
            }
        )
        self._plan: Plan | None = None

    # -- wiring -------------------------------------------------------------------------------------
    def resolve_initialization_order(self) -> list[str]:
        """Order in which the modules are built (modules in cycles use their contracts)."""
        return initialization_order(
            self.config.modules_map, lambda name: self.modules[name].get_contract_output_specs()
        )

    def build_from_specs(self, input_specs: dict[str, PortSpecs]) -> dict[str, OutputSpec]:
        """Build every module from the specs of the brain inputs; return the brain's output specs."""
        if not self.__built__:
            specs = {
                k: v if isinstance(v, InputSpec) else InputSpec(v.payload_type, v.shape, v.dtype)
                for k, v in input_specs.items()
            }
            self.build(specs)
            self._box.input_specs = specs
            self.__built__ = True
        return self.get_output_specs()

    def build(self, input_specs: dict[str, InputSpec]) -> None:
        cfg = self.config
        self._check_input_specs_against_map(input_specs)
        specs: dict[str, dict[str, PortSpecs]] = {BRAIN_ORIGIN: dict(cfg.input_map)}
        promised: dict[tuple[str, str], PortSpecs] = {}  # contracts used before their module was built
        wiring = []
        for name in self.resolve_initialization_order():
            module = self.modules[name]
            want = type(module)._ports()[0]
            ports, in_specs = [], {}
            for port, maps in cfg.modules_map[name].inputs.items():
                sources = []
                for pm in maps:
                    spec = specs.get(pm.origin, {}).get(pm.port)
                    if spec is None:  # not built yet: it sits in a cycle and promised this output
                        spec = self.modules[pm.origin].get_contract_output_specs()[pm.port]
                        promised[(pm.origin, pm.port)] = spec
                    sources.append((pm, spec))
                gathered, in_specs[port] = gather_spec(
                    port, sources, want.get(port, SparkPayload), f"'{name}.{port}'"
                )
                ports.append(gathered)
            specs[name] = module.build_from_specs(in_specs)
            wiring.append((name, tuple(ports)))
        self._check_contracts(promised, specs)

        read = {
            (pm.origin, pm.port)
            for spec in cfg.modules_map.values()
            for maps in spec.inputs.values()
            for pm in maps
        }
        outputs = []
        for out_name, entry in cfg.output_map.items():
            maps = as_port_maps(entry["input"])
            outputs.append(
                output_port(out_name, entry["spec"], [(pm, self._spec_of(specs, pm)) for pm in maps])
            )
        spikes = []
        for name in cfg.modules_map:
            port = next((p for p, s in specs[name].items() if issubclass(s.payload_type, SpikeArray)), None)
            if port is not None:
                spikes.append((name, port))
                read.add((name, port))
        cached = [(m, p) for m in cfg.modules_map for p in specs[m] if (m, p) in read]
        self.cache = nnx.Dict(
            {
                m: nnx.Dict(
                    {
                        p: Variable(jnp.zeros(specs[m][p].shape, specs[m][p].dtype))
                        for mm, p in cached
                        if mm == m
                    }
                )
                for m in dict.fromkeys(m for m, _ in cached)
            }
        )
        self._plan = Plan(
            order=tuple(name for name, _ in wiring),
            wiring=tuple(wiring),
            cached=tuple((m, p, specs[m][p].payload_type) for m, p in cached),
            outputs=tuple(outputs),
            spikes=tuple(spikes),
            inputs=tuple((k, s.payload_type, s.shape, s.dtype) for k, s in cfg.input_map.items()),
        )

    def _spec_of(self, specs: dict, pm: PortMap) -> PortSpecs:
        spec = specs.get(pm.origin, {}).get(pm.port)
        if spec is None:
            cls = type(self.modules[pm.origin]).__name__
            raise WiringError(
                f"'{pm.origin}.{pm.port}' does not exist: module '{pm.origin}' ({cls}) built the outputs "
                f"{', '.join(specs[pm.origin])}{suggest(pm.port, specs[pm.origin])}"
            )
        return spec

    def _check_contracts(self, promised: dict, specs: dict) -> None:
        for (origin, port), contract in promised.items():
            built = specs[origin].get(port)
            if built is None or (built.payload_type, built.shape, built.dtype) != (
                contract.payload_type,
                contract.shape,
                contract.dtype,
            ):
                raise WiringError(
                    f"module '{origin}' ({type(self.modules[origin]).__name__}) broke its contract for output "
                    f"'{port}': it promised {contract!r} but built {built!r}; fix its set_contract_output_specs call"
                )

    def _check_input_specs_against_map(self, input_specs: dict[str, InputSpec]) -> None:
        expected = self.config.input_map
        for name in input_specs:
            if name not in expected:
                raise TypeError(
                    f"Brain '{self.name}': unknown input '{name}'{suggest(name, expected)}; "
                    f"its inputs are: {', '.join(expected)}"
                )
        for name, spec in expected.items():
            got = input_specs.get(name)
            if got is None:
                raise TypeError(f"Brain '{self.name}': missing input '{name}' ({spec!r})")
            if not issubclass(got.payload_type, spec.payload_type):
                raise TypeError(
                    f"Brain '{self.name}': input '{name}' must be a {spec.payload_type.__name__}, "
                    f"got {got.payload_type.__name__}"
                )
            if tuple(got.shape) != spec.shape:
                raise ValueError(
                    f"Brain '{self.name}': input '{name}' must have shape {spec.shape}, got {tuple(got.shape)}"
                )

    def get_output_specs(self) -> dict[str, OutputSpec]:
        """The brain's outputs, as declared in ``output_map`` (known before building)."""
        return {
            name: OutputSpec(e["spec"].payload_type, e["spec"].shape, e["spec"].dtype)
            for name, e in self.config.output_map.items()
        }

    def step_fixed_paths(self) -> frozenset[tuple]:
        """Variables no module changes in a step (e.g. weights without a learning rule); see ``spark.split``."""
        if not self.__built__:
            return frozenset()
        if self._box.step_fixed is None:  # once per built brain: split() asks on every call
            self._box.step_fixed = frozenset(
                ("modules", name, *p) for name, module in self.modules.items() for p in module.step_fixed_paths()
            )
        return self._box.step_fixed

    # -- running ------------------------------------------------------------------------------------
    def __call__(self, **inputs: SparkPayload) -> dict[str, SparkPayload]:
        """One step: every module reads the previous step's cache (and this step's inputs), then writes it.

        Called outside ``jax.jit`` the step still runs compiled (one compilation per brain instead of one
        per operation), with the same result as inside a jitted ``run_model``; under
        ``jax.disable_jit()`` it runs operation by operation.
        """
        given = self._check_inputs(inputs, self._plan)
        if not jax.config.jax_disable_jit and not _traced(given):
            graph, state = split(self)
            if not _traced(state):
                out, state = _compiled_step(graph, state, given)
                update(self, state)
                return out
        return self._step(given)

    def _step(self, given: dict[str, SparkPayload]) -> dict[str, SparkPayload]:
        plan = self._plan
        previous = {m: {p: v.get_value() for p, v in ports.items()} for m, ports in self.cache.items()}
        types = {(m, p): t for m, p, t in plan.cached}
        produced: dict[str, dict[str, SparkPayload]] = {}
        for name, ports in plan.wiring:
            kwargs = {port.name: gather(port, previous, given, types) for port in ports}
            produced[name] = self.modules[name](**kwargs)
        for m, p, _ in plan.cached:
            self.cache[m][p].set_value(produced[m][p].value)
        current = {m: {p: v.value for p, v in out.items()} for m, out in produced.items()}
        return {port.name: gather(port, current, given, types) for port in plan.outputs}

    def _check_inputs(self, inputs: dict[str, tp.Any], plan: Plan) -> dict[str, SparkPayload]:
        names = [name for name, *_ in plan.inputs]
        unknown = [k for k in inputs if k not in names]
        if unknown:
            raise TypeError(
                f"Brain '{self.name}': unknown input '{unknown[0]}'{suggest(unknown[0], names)}; "
                f"its inputs are: {', '.join(names)}"
            )
        out = {}
        for name, ptype, shape, dtype in plan.inputs:
            if name not in inputs:
                raise TypeError(f"Brain '{self.name}': missing input '{name}'; call it as brain({name}=...)")
            value = inputs[name]
            if isinstance(value, SparkPayload) and not isinstance(value, ptype):
                raise TypeError(
                    f"Brain '{self.name}': input '{name}' must be a {ptype.__name__}, "
                    f"got {type(value).__name__}"
                )
            array = value.value if isinstance(value, SparkPayload) else jnp.asarray(value)
            if tuple(array.shape) != shape:
                raise ValueError(
                    f"Brain '{self.name}': input '{name}' must have shape {shape}, got {tuple(array.shape)}"
                )
            out[name] = ptype(array if array.dtype == dtype else array.astype(dtype))
        return out

    def get_spikes_from_cache(self) -> dict[str, SpikeArray]:
        """``{module_name: SpikeArray}`` of the last step, for every module that outputs spikes."""
        if self._plan is None:
            raise BuildError(f"Brain '{self.name}' is not built yet; call it once or build_from_specs()")
        return {m: SpikeArray(self.cache[m][p].get_value()) for m, p in self._plan.spikes}

    def reset(self) -> None:
        """Reset every module to its state right after build and clear the cache (zeros)."""
        for module in self.modules.values():
            module.reset()
        if self._plan is not None:
            for m, p, _ in self._plan.cached:
                var = self.cache[m][p]
                var.set_value(jnp.zeros_like(var.get_value()))


def _traced(tree: tp.Any) -> bool:
    return any(isinstance(x, jax.core.Tracer) for x in jax.tree_util.tree_leaves(tree))


@jax.jit
def _compiled_step(graph: tp.Any, state: dict, given: dict) -> tuple[dict, dict]:
    brain = merge(graph, state)
    out = brain._step(given)
    return out, split(brain)[1]
