"""``spark.nn.Module``: the base of every Spark model piece.

A module pairs logic with a typed config (``config: MyConfig`` in the class body), takes typed
keyword-only payload inputs and returns a ``TypedDict`` of payloads. It builds lazily: the first call
(or :meth:`Module.build_from_specs`) creates its state from the specs of its inputs, and its output
specs are found by shape evaluation, without running a throw-away step.
"""

from __future__ import annotations

import copy
import functools
import inspect as _inspect
import sys
import typing as tp

import jax
import jax.numpy as jnp
import numpy as np
from flax import nnx

from spark.core.config import CONFIG_TO_MODULE, BaseConfig
from spark.core.errors import BuildError, ConfigError, SparkError
from spark.core.payloads import SparkPayload
from spark.core.registry import MODULES
from spark.core.specs import InputSpec, OutputSpec, PortSpecs
from spark.core.variables import Constant, RNGKey, Variable, _ValueAccess

__all__ = ["Module", "ModuleOutput"]

ConfigT = tp.TypeVar("ConfigT", bound=BaseConfig)
InputT = tp.TypeVar("InputT")
ModuleOutput = dict[str, SparkPayload]


class _Box:
    """Static, identity-hashed holder for per-module metadata kept out of the traced state."""

    __slots__ = ("input_specs", "output_specs", "contract_specs", "reset_values", "init_draws", "step_fixed")

    def __init__(self) -> None:
        self.init_draws = 0
        self.input_specs: dict[str, InputSpec] | None = None
        self.output_specs: dict[str, OutputSpec] | None = None
        self.step_fixed: frozenset[tuple] | None = None
        self.contract_specs: dict[str, PortSpecs] | None = None
        self.reset_values: dict[str, np.ndarray] = {}

    def _key(self) -> tuple:
        def freeze(d: dict | None) -> tuple | None:
            return None if d is None else tuple(sorted(d.items()))

        return (freeze(self.input_specs), freeze(self.output_specs), freeze(self.contract_specs))

    def __eq__(self, other: object) -> bool:
        # Content equality (the reset snapshot is derived from the config and specs), so two modules
        # built alike share one compiled step under jax.jit.
        return self is other or (isinstance(other, _Box) and self._key() == other._key())

    def __hash__(self) -> int:
        return hash(self._key())

    def __deepcopy__(self, memo: dict) -> _Box:
        new = _Box()
        new.input_specs, new.output_specs = self.input_specs, self.output_specs
        new.contract_specs, new.reset_values = self.contract_specs, dict(self.reset_values)
        new.init_draws, new.step_fixed = self.init_draws, self.step_fixed
        return new


def _resolve(annotation: tp.Any, cls: type) -> tp.Any:
    if isinstance(annotation, str):
        namespace = dict(vars(sys.modules.get(cls.__module__, object())))
        namespace.update(vars(cls))
        try:
            return eval(annotation, namespace)  # annotations written by the class author, not from files
        except Exception:
            return None
    return annotation


def _hints_of(func: tp.Callable, cls: type) -> dict[str, tp.Any]:
    try:
        return tp.get_type_hints(func)
    except Exception:
        return {k: _resolve(v, cls) for k, v in getattr(func, "__annotations__", {}).items()}


class Module(nnx.Module):
    """Base class for Spark modules.

    Subclasses declare their default config with a class annotation and implement ``__call__``
    (keyword-only payload inputs, a ``TypedDict`` return) and, usually, ``build``::

        class Scale(spark.nn.Module):
            config: ScaleConfig

            def build(self, input_specs):
                self.gain = spark.Constant(jnp.full(input_specs['x'].shape, self.config.gain))

            def __call__(self, x: spark.FloatArray) -> ScaleOutput:
                return {'y': spark.FloatArray(self.gain.value * x.value)}

    A module is initialised with keyword arguments, with ``config=``, or both (keywords win).
    """

    name: str = "name"
    config: ConfigT  # type: ignore[valid-type]
    default_config: tp.ClassVar[type[BaseConfig]]
    __built__: bool = False
    __allow_cycles__: tp.ClassVar[bool] = False
    __requires_rng__: tp.ClassVar[bool] = False  # True: draws random numbers while stepping
    __catalogue_group__: tp.ClassVar[str] = "other"

    # -- class set-up -----------------------------------------------------------------------------------
    def __init_subclass__(cls, **kwargs: tp.Any) -> None:
        super().__init_subclass__(**kwargs)
        ann = cls.__dict__.get("__annotations__", {}).get("config")
        if ann is not None:
            resolved = _resolve(ann, cls)
            if isinstance(resolved, type) and issubclass(resolved, BaseConfig):
                cls.default_config = resolved
                CONFIG_TO_MODULE.setdefault(resolved, cls)
        if "__call__" in cls.__dict__ and not getattr(cls.__dict__["__call__"], "__spark_wrapped__", False):
            cls.__call__ = _wrap_call(cls.__dict__["__call__"])  # type: ignore[method-assign]
        cls._ports_cache = None

    @classmethod
    def get_config_spec(cls) -> type[BaseConfig]:
        """The default configuration class of this module."""
        try:
            return cls.default_config
        except AttributeError:
            raise ConfigError(
                f"{cls.__name__} declares no config; add `config: {cls.__name__}Config` to its class body"
            ) from None

    @classmethod
    def _ports(cls) -> tuple[dict[str, type], dict[str, bool], dict[str, type]]:
        """(input port → payload type, input port → optional, output port → payload type)."""
        if cls.__dict__.get("_ports_cache") is None:
            call = getattr(cls.__call__, "__wrapped__", cls.__call__)
            hints = _hints_of(call, cls)
            sig = _inspect.signature(call)
            inputs: dict[str, type] = {}
            optional: dict[str, bool] = {}
            for pname, p in list(sig.parameters.items())[1:]:
                if p.kind in (p.VAR_KEYWORD, p.VAR_POSITIONAL):
                    continue
                t = hints.get(pname, SparkPayload)
                if tp.get_origin(t) in (tp.Union, __import__("types").UnionType):
                    t = next((a for a in tp.get_args(t) if isinstance(a, type) and issubclass(a, SparkPayload)), t)
                inputs[pname] = t if isinstance(t, type) and issubclass(t, SparkPayload) else SparkPayload
                optional[pname] = p.default is not p.empty
            outputs: dict[str, type] = {}
            ret = hints.get("return")
            if ret is not None and tp.is_typeddict(ret):
                for oname, t in tp.get_type_hints(ret).items():
                    outputs[oname] = t if isinstance(t, type) and issubclass(t, SparkPayload) else SparkPayload
            cls._ports_cache = (inputs, optional, outputs)
        return cls._ports_cache

    @classmethod
    def example_inputs(cls, config: BaseConfig | None = None) -> dict[str, SparkPayload]:
        """Small valid inputs for this module (used by contract tests and the editor's Run panel).

        The default gives every required input a zero array of shape ``(8,)``; modules whose inputs
        need a particular shape override this.
        """
        from spark.core.payloads import FloatArray

        inputs, optional, _ = cls._ports()
        dtype = getattr(config, "dtype", np.dtype("float32")) if config is not None else np.dtype("float32")
        return {
            p: (t if t is not SparkPayload else FloatArray)(jnp.zeros((8,), dtype))
            for p, t in inputs.items() if not optional[p]
        }

    # -- construction -----------------------------------------------------------------------------------
    def __init__(self, *, config: ConfigT | None = None, name: str | None = None, **kwargs: tp.Any):
        cfg_cls = type(self).get_config_spec()
        if config is None:
            config = cfg_cls(**kwargs)
        else:
            if isinstance(config, dict):
                config = cfg_cls(**{**config, **kwargs})
            elif not isinstance(config, BaseConfig):
                raise TypeError(
                    f"{type(self).__name__}: config must be a {cfg_cls.__name__} instance or a dict, "
                    f"got {type(config).__name__}"
                )
            else:
                config = copy.deepcopy(config)
                if kwargs:
                    config.merge(kwargs)
        self.config = config
        self.name = name or MODULES.name_of(type(self)) or type(self).__name__
        self.__built__ = False
        self._box = _Box()

    # -- building ---------------------------------------------------------------------------------------
    def build(self, input_specs: dict[str, InputSpec]) -> None:
        """Create the module's state from the specs of its inputs. Override in subclasses."""

    def build_from_specs(self, input_specs: dict[str, PortSpecs]) -> dict[str, OutputSpec]:
        """Build from input specs (no data needed) and return the output specs."""
        if not self.__built__:
            specs = {k: v if isinstance(v, InputSpec) else InputSpec(v.payload_type, v.shape, v.dtype)
                     for k, v in input_specs.items()}
            self._check_input_specs(specs)
            if type(self).__requires_rng__:
                self.rng = RNGKey(_key_of(int(getattr(self.config, "seed", 0))))
            try:
                self.build(specs)
            except (TypeError, ValueError, KeyError) as exc:
                if isinstance(exc, SparkError):
                    raise
                raise BuildError(f"{type(self).__name__} '{self.name}' failed to build from {specs}: {exc}") from exc
            self._box.input_specs = specs
            self.__built__ = True
            self._snapshot()
        return self.get_output_specs()

    def _check_input_specs(self, specs: dict[str, InputSpec]) -> None:
        inputs, optional, _ = self._ports()
        for port, spec in specs.items():
            if port not in inputs and inputs:
                raise TypeError(
                    f"{type(self).__name__} '{self.name}' has no input port '{port}'; its inputs are "
                    f"{', '.join(inputs)}"
                )
            want = inputs.get(port, SparkPayload)
            if not issubclass(spec.payload_type, want):
                raise TypeError(
                    f"{type(self).__name__} '{self.name}': input '{port}' expects {want.__name__}, "
                    f"got {spec.payload_type.__name__}"
                )
        for port in inputs:
            if port not in specs and not optional[port]:
                raise TypeError(f"{type(self).__name__} '{self.name}': missing required input '{port}'")

    def _build_from_inputs(self, inputs: dict[str, tp.Any]) -> None:
        specs = {}
        for port, value in inputs.items():
            if value is None:
                continue
            if not isinstance(value, SparkPayload):
                want = self._ports()[0].get(port, SparkPayload).__name__
                raise TypeError(
                    f"{type(self).__name__} '{self.name}': input '{port}' must be a spark payload "
                    f"(e.g. spark.{want if want != 'SparkPayload' else 'FloatArray'}(array)), got {type(value).__name__}"
                )
            specs[port] = InputSpec(type(value), tuple(value.shape), value.dtype)
        self.build_from_specs(specs)

    def _snapshot(self) -> None:
        """Remember the initial value of every state variable so :meth:`reset` can restore it."""
        self._box.reset_values = {
            name: np.array(v.get_value()) for name, v in vars(self).items()
            if isinstance(v, Variable) and not isinstance(v, RNGKey) and isinstance(v.get_value(), jax.Array | np.ndarray)
        }

    def get_input_specs(self) -> dict[str, InputSpec]:
        """Specs of the inputs this module was built with."""
        if self._box.input_specs is None:
            raise BuildError(f"{type(self).__name__} '{self.name}' is not built yet; call it once or build_from_specs()")
        return dict(self._box.input_specs)

    def get_output_specs(self) -> dict[str, OutputSpec]:
        """Specs of the outputs, found by shape evaluation (no step is run)."""
        if self._box.output_specs is None:
            if not self.__built__:
                contract = self.get_contract_output_specs()
                if contract is not None:
                    return {k: OutputSpec(v.payload_type, v.shape, v.dtype) for k, v in contract.items()}
                raise BuildError(f"{type(self).__name__} '{self.name}' is not built yet; call it once or build_from_specs()")
            self._probe()
        return dict(self._box.output_specs)

    def step_fixed_paths(self) -> frozenset[tuple]:
        """Paths (relative to this module) of the variables one step leaves unchanged.

        Found once, by the same abstract evaluation of a step that gives the output specs; ``spark.split``
        keeps these values in the graph, so a jitted step never returns (copies) them. Empty before build.
        """
        if not self.__built__:
            return frozenset()
        if self._box.step_fixed is None:
            self._probe()
        return self._box.step_fixed  # type: ignore[return-value]

    def _probe(self) -> None:
        """One abstract step (``jax.eval_shape``, nothing computed): output specs and unwritten variables."""
        abstract = {k: s.payload_type(jax.ShapeDtypeStruct(s.shape, s.dtype)) for k, s in self._box.input_specs.items()}
        graph, state = nnx.split(nnx.clone(self))
        unchanged: list[frozenset[tuple]] = []

        def probe(state: tp.Any, inputs: dict) -> tp.Any:
            before = {p: v.get_value() for p, v in nnx.to_flat_state(state)}
            model = nnx.merge(graph, state)
            out = model(**inputs)
            unchanged.append(frozenset(
                p for p, v in nnx.to_flat_state(nnx.state(model))
                if isinstance(v, _ValueAccess) and not isinstance(v, Constant) and v.get_value() is before.get(p)
            ))
            return out

        out = jax.eval_shape(probe, state, abstract)
        self._box.output_specs = {
            k: OutputSpec(type(v), tuple(v.value.shape), v.value.dtype) for k, v in out.items()
        }
        self._box.step_fixed = unchanged[0]

    def set_contract_output_specs(self, contract_specs: dict[str, PortSpecs]) -> None:
        """Promise the specs of this module's outputs before it is built (lets it sit in a cycle)."""
        for k, v in contract_specs.items():
            if not isinstance(v, PortSpecs):
                raise TypeError(f"contract for output '{k}' must be a spark.PortSpecs/OutputSpec, got {v!r}")
        self._box.contract_specs = dict(contract_specs)

    def get_contract_output_specs(self) -> dict[str, PortSpecs] | None:
        """The output specs promised by :meth:`set_contract_output_specs`, if any."""
        return None if self._box.contract_specs is None else dict(self._box.contract_specs)

    # -- randomness -------------------------------------------------------------------------------------
    def get_rng_keys(self, num_keys: int) -> jax.Array | list[jax.Array]:
        """Fresh PRNG keys from the module's own key (one key if ``num_keys == 1``)."""
        if not hasattr(self, "rng"):
            if self.__built__ and not _trace_state_clean():
                raise BuildError(
                    f"{type(self).__name__} '{self.name}' draws random numbers while stepping but owns no key; "
                    f"set `__requires_rng__ = True` in its class body so the key is created at build"
                )
            self.rng = RNGKey(_key_of(int(getattr(self.config, "seed", 0))))
        keys = jax.random.split(self.rng.get_value(), num_keys + 1)
        self.rng.set_value(keys[0])
        return keys[1] if num_keys == 1 else list(keys[1:])

    def init_rng(self) -> np.random.Generator:
        """A NumPy generator for build-time draws (initial weights, delays, masks).

        Deterministic for the config's seed; each call gives a new, independent stream. Drawing on the
        host keeps building free of per-shape compilation.
        """
        self._box.init_draws += 1
        seed = int(getattr(self.config, "seed", 0))
        return np.random.default_rng([seed % (2**32), self._box.init_draws])

    # -- state ------------------------------------------------------------------------------------------
    def reset(self) -> None:
        """Restore every state variable (here and in submodules) to its value right after build."""
        for name, value in self._box.reset_values.items():
            var = getattr(self, name)
            var.set_value(jax.device_put(value))
        for child in self._submodules():
            child.reset()

    def _submodules(self) -> list[Module]:
        out = []
        for value in vars(self).values():
            if isinstance(value, Module):
                out.append(value)
            elif isinstance(value, (nnx.List, list, tuple)):
                out.extend(v for v in value if isinstance(v, Module))
            elif isinstance(value, (nnx.Dict, dict)):
                out.extend(v for v in value.values() if isinstance(v, Module))
        return out

    # -- Rockpool-style API (implemented in spark.sim) ------------------------------------------------------
    def parameters(self, family: str | tuple[str, ...] | None = None) -> dict:
        """Nested dict of parameters (``spark.Parameter`` and ``spark.Constant``), optionally by family."""
        from spark.sim import parameters

        return parameters(self, family)

    def state(self, family: str | tuple[str, ...] | None = None) -> dict:
        """Nested dict of dynamic state (``spark.Variable``)."""
        from spark.sim import state

        return state(self, family)

    def simulation_parameters(self, family: str | tuple[str, ...] | None = None) -> dict:
        """Nested dict of simulation parameters (``spark.SimulationParameter``)."""
        from spark.sim import simulation_parameters

        return simulation_parameters(self, family)

    def evolve(self, input_data: tp.Any, record: bool = False) -> tuple[tp.Any, dict, dict]:
        """Run over clocked input ``(T, N)`` or ``(B, T, N)``: ``(output, new_state, recorded)``.

        Functional: the module keeps its state. See :func:`spark.sim.evolve`.
        """
        from spark.sim import evolve

        return evolve(self, input_data, record=record)

    # -- introspection ----------------------------------------------------------------------------------
    def __repr__(self) -> str:
        state = "built" if self.__built__ else "not built"
        return f"{type(self).__name__}(name={self.name!r}, {state})"

    def inspect(self) -> str:
        """A readable summary: class, name, ports and every variable with shape and dtype."""
        inputs, _, outputs = self._ports()
        lines = [f"{type(self).__name__} '{self.name}' ({'built' if self.__built__ else 'not built'})"]
        in_specs = self._box.input_specs or {}
        lines.append("  inputs:")
        for p, t in inputs.items():
            spec = in_specs.get(p)
            lines.append(f"    {p}: {t.__name__}" + (f" {spec.shape} {spec.dtype}" if spec else ""))
        lines.append("  outputs:")
        out_specs = self._box.output_specs or {}
        for p, t in outputs.items():
            spec = out_specs.get(p)
            lines.append(f"    {p}: {t.__name__}" + (f" {spec.shape} {spec.dtype}" if spec else ""))
        if self.__built__:
            lines.append("  variables:")
            for path, var in nnx.to_flat_state(nnx.state(self)):
                val = var.get_value()
                leaves = jax.tree_util.tree_leaves(val)
                desc = ", ".join(f"{tuple(x.shape)} {x.dtype}" for x in leaves)
                lines.append(f"    {'.'.join(map(str, path))}: {type(var).__name__} {desc}")
        lines.append("  config:")
        lines.extend("    " + ln for ln in self.config.inspect(simplified=True).splitlines())
        return "\n".join(lines)

    # -- files ------------------------------------------------------------------------------------------
    def checkpoint(self, path: str, overwrite: bool = False) -> None:
        """Save config and state to one archive file (atomically)."""
        from spark.core.checkpoint import save_checkpoint

        save_checkpoint(self, path, overwrite=overwrite)

    @classmethod
    def from_checkpoint(cls, path: str, safe: bool = True) -> Module:
        """Rebuild a module saved with :meth:`checkpoint`, with identical state."""
        from spark.core.checkpoint import load_checkpoint

        return load_checkpoint(path, safe=safe, expected=cls)


def _trace_state_clean() -> bool:
    try:
        from jax._src.core import trace_state_clean
    except ImportError:  # pragma: no cover - other JAX versions
        return True
    return trace_state_clean()


def _key_of(seed: int) -> jax.Array:
    """The raw ``uint32[2]`` PRNG key of ``jax.random.PRNGKey(seed)``, built on the host (no compile)."""
    seed = seed % (2**31 - 1)
    return jax.device_put(np.array([0, seed], dtype=np.uint32))


def _wrap_call(call: tp.Callable) -> tp.Callable:
    params = [n for n, p in list(_inspect.signature(call).parameters.items())[1:]
              if p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL)]

    @functools.wraps(call)
    def __call__(self: Module, *args: tp.Any, **kwargs: tp.Any) -> tp.Any:
        if args:
            if len(args) > len(params):
                raise TypeError(f"{type(self).__name__}() takes at most {len(params)} inputs ({', '.join(params)})")
            for pname, value in zip(params, args, strict=False):
                if pname in kwargs:
                    raise TypeError(f"{type(self).__name__}(): input '{pname}' given twice")
                kwargs[pname] = value
        if not self.__built__:
            self._build_from_inputs(kwargs)
        return call(self, **kwargs)

    __call__.__spark_wrapped__ = True  # type: ignore[attr-defined]
    return __call__

