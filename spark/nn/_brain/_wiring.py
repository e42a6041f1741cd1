"""Static wiring checks and the initialization order of a brain's modules.

Everything here works on the *config*: module classes, their declared ports (from the type hints of
``__call__``) and port maps. Nothing is built and no array is created, so every error is found before
anything runs, and all of them are reported at once.
"""

from __future__ import annotations

import typing as tp

from spark.core.errors import WiringError, suggest
from spark.core.module import Module
from spark.core.payloads import SparkPayload
from spark.core.specs import ModuleSpecs, PortMap, PortSpecs

__all__ = ["BRAIN_ORIGIN", "as_port_maps", "source_name", "static_errors", "initialization_order"]

BRAIN_ORIGIN = "__call__"
"""The ``origin`` of a :class:`~spark.PortMap` that reads a brain input (``brain(drive=...)``)."""

Problems = list[tuple[str, str]]  # (dotted path in the config, message)


def as_port_maps(value: tp.Any) -> list[PortMap] | None:
    """A ``PortMap``, a dict ``{'origin', 'port'}`` or a list of them, as a list; ``None`` if malformed."""
    items = value if isinstance(value, (list, tuple)) else [value]
    out = []
    for item in items:
        if isinstance(item, dict) and set(item) == {"origin", "port"}:
            try:
                item = PortMap(**item)
            except TypeError:
                return None
        if not isinstance(item, PortMap):
            return None
        out.append(item)
    return out or None


def source_name(pm: PortMap) -> str:
    """How an error message names the producing end of a connection."""
    return f"brain input '{pm.port}'" if pm.origin == BRAIN_ORIGIN else f"'{pm.origin}.{pm.port}'"


def _is_module_class(cls: tp.Any) -> bool:
    return isinstance(cls, type) and issubclass(cls, Module)


def _known(t: tp.Any) -> bool:
    return isinstance(t, type) and issubclass(t, SparkPayload) and t is not SparkPayload


def static_errors(config: tp.Any) -> tuple[Problems, Problems]:
    """``(wiring problems, module-config problems)`` of a ``BrainConfig``, each as ``(path, message)``."""
    wiring: Problems = []
    configs: Problems = []
    inputs = config.input_map if isinstance(config.input_map, dict) else {}
    modules = config.modules_map if isinstance(config.modules_map, dict) else {}
    outputs = config.output_map if isinstance(config.output_map, dict) else {}

    # -- brain inputs -----------------------------------------------------------------------------
    if not isinstance(config.input_map, dict) or not inputs:
        wiring.append(
            (
                "input_map",
                "the brain has no inputs: input_map is empty; add at least one, e.g. "
                "input_map={'drive': spark.InputSpec(payload_type=spark.FloatArray, shape=(4,), "
                "dtype=jnp.float32)}",
            )
        )
    for name, spec in inputs.items():
        if not isinstance(spec, PortSpecs):
            wiring.append(
                (f"input_map.{name}", f"brain input '{name}' must be a spark.InputSpec, got {spec!r:.80}")
            )

    # -- modules ------------------------------------------------------------------------------------
    if not isinstance(config.modules_map, dict) or not modules:
        wiring.append(
            (
                "modules_map",
                "the brain has no modules: modules_map is empty; add spark.ModuleSpecs "
                "entries, e.g. modules_map={'spiker': spark.ModuleSpecs(name='spiker', ...)}",
            )
        )
    valid: dict[str, ModuleSpecs] = {}
    for key, spec in modules.items():
        path = f"modules_map.{key}"
        if not isinstance(spec, ModuleSpecs):
            wiring.append((path, f"modules_map['{key}'] must be a spark.ModuleSpecs, got {spec!r:.80}"))
            continue
        if key == BRAIN_ORIGIN:
            wiring.append((path, f"'{BRAIN_ORIGIN}' is reserved for brain inputs; rename the module"))
        if spec.name != key:
            wiring.append(
                (
                    path,
                    f"modules_map key '{key}' holds ModuleSpecs named '{spec.name}'; "
                    f"use the same name for both",
                )
            )
        if not _is_module_class(spec.module_cls):
            wiring.append(
                (
                    path,
                    f"module '{key}': module_cls must be a spark.nn.Module subclass, got {spec.module_cls!r}",
                )
            )
            continue
        try:
            cfg_cls = spec.module_cls.get_config_spec()
        except Exception as exc:  # a module class with no config annotation
            wiring.append((path, f"module '{key}': {exc}"))
            continue
        if not isinstance(spec.config, cfg_cls):
            wiring.append(
                (
                    f"{path}.config",
                    f"module '{key}' ({spec.module_cls.__name__}) needs a "
                    f"{cfg_cls.__name__}, got {type(spec.config).__name__}",
                )
            )
            continue
        for sub, msgs in spec.config.validation_errors().items():
            configs.extend((f"{path}.config" + (f".{sub}" if sub else ""), m) for m in msgs)
        valid[key] = spec

    def source_type(pm: PortMap, target: str, path: str) -> type | None:
        """Payload type produced by ``pm`` (``None`` if unknown); records a problem if it goes nowhere."""
        if pm.origin == BRAIN_ORIGIN:
            if pm.port not in inputs:
                wiring.append(
                    (
                        path,
                        f"{target} reads brain input '{pm.port}', which is not in input_map"
                        f"{suggest(pm.port, inputs)}; brain inputs are: {', '.join(inputs) or 'none'}",
                    )
                )
                return None
            spec = inputs[pm.port]
            return spec.payload_type if isinstance(spec, PortSpecs) else None
        if pm.origin not in modules:
            wiring.append(
                (
                    path,
                    f"{target} reads '{pm.origin}.{pm.port}', but there is no module '{pm.origin}' in "
                    f"modules_map{suggest(pm.origin, modules)}; modules are: {', '.join(modules)}",
                )
            )
            return None
        if pm.origin not in valid:
            return None
        cls = valid[pm.origin].module_cls
        outs = cls._ports()[2]
        if outs and pm.port not in outs:
            wiring.append(
                (
                    path,
                    f"{target} reads '{pm.origin}.{pm.port}', but module '{pm.origin}' "
                    f"({cls.__name__}) has no output '{pm.port}'{suggest(pm.port, outs)}; "
                    f"its outputs are: {', '.join(outs)}",
                )
            )
            return None
        return outs.get(pm.port)

    def check_sources(maps: list[PortMap], target: str, want: tp.Any, path: str) -> None:
        found = [(pm, source_type(pm, target, path)) for pm in maps]
        for pm, got in found:
            if _known(got) and _known(want) and not issubclass(got, want):
                wiring.append(
                    (
                        path,
                        f"payload type mismatch: {source_name(pm)} gives {got.__name__}, "
                        f"but {target} expects {want.__name__}",
                    )
                )
        kinds = {got for _, got in found if _known(got)}
        if len(kinds) > 1 and not _known(want):
            names = ", ".join(f"{source_name(pm)} ({got.__name__})" for pm, got in found if _known(got))
            wiring.append(
                (
                    path,
                    f"{target} concatenates different payload types: {names}; connect payloads of one type",
                )
            )

    # -- connections into modules -----------------------------------------------------------------
    for key, spec in valid.items():
        cls = spec.module_cls
        ins, optional, _ = cls._ports()
        for port, maps in spec.inputs.items():
            path = f"modules_map.{key}.inputs.{port}"
            target = f"'{key}.{port}'"
            if ins and port not in ins:
                wiring.append(
                    (
                        path,
                        f"module '{key}' ({cls.__name__}) has no input port '{port}'"
                        f"{suggest(port, ins)}; its inputs are: {', '.join(ins)}",
                    )
                )
                continue
            if not maps:
                wiring.append(
                    (path, f"input {target} has an empty list of port maps; connect it or remove it")
                )
                continue
            check_sources(list(maps), target, ins.get(port), path)
        for port in ins:
            if not optional[port] and port not in spec.inputs:
                wiring.append(
                    (
                        f"modules_map.{key}.inputs",
                        f"module '{key}' ({cls.__name__}): required input "
                        f"'{port}' is not connected; add inputs={{'{port}': [spark.PortMap(origin=..., "
                        f"port=...)]}} to its ModuleSpecs",
                    )
                )

    # -- brain outputs ------------------------------------------------------------------------------
    if not isinstance(config.output_map, dict) or not outputs:
        wiring.append(
            (
                "output_map",
                "the brain has no outputs: output_map is empty; add at least one, e.g. "
                "output_map={'action': {'input': spark.PortMap(origin='integrator', port='signal'), "
                "'spec': spark.OutputSpec(payload_type=spark.FloatArray, shape=(2,), dtype=jnp.float32)}}",
            )
        )
    for name, entry in outputs.items():
        path = f"output_map.{name}"
        if not isinstance(entry, dict) or set(entry) != {"input", "spec"}:
            wiring.append(
                (
                    path,
                    f"brain output '{name}' must be a dict {{'input': spark.PortMap(...), "
                    f"'spec': spark.OutputSpec(...)}}, got {entry!r:.80}",
                )
            )
            continue
        maps = as_port_maps(entry["input"])
        spec = entry["spec"]
        if maps is None:
            wiring.append(
                (
                    f"{path}.input",
                    f"brain output '{name}': 'input' must be a spark.PortMap (or a list "
                    f"of them), got {entry['input']!r:.80}",
                )
            )
        if not isinstance(spec, PortSpecs):
            wiring.append(
                (
                    f"{path}.spec",
                    f"brain output '{name}': 'spec' must be a spark.OutputSpec, got {spec!r:.80}",
                )
            )
        if maps is not None:
            want = spec.payload_type if isinstance(spec, PortSpecs) else None
            check_sources(maps, f"brain output '{name}'", want, f"{path}.input")
    return wiring, configs


def initialization_order(
    modules_map: dict[str, ModuleSpecs],
    contract_of: tp.Callable[[str], dict[str, PortSpecs] | None],
) -> list[str]:
    """Order in which the modules can be built.

    A module can be built once every module it reads from is built, or has promised (by a contract)
    the specs of the outputs it reads. Modules whose inputs come from built modules only are preferred,
    so contracts are used only where a cycle forces it; ties keep the order of ``modules_map``.

    Raises:
        WiringError: a cycle in which no module promises its outputs.
    """
    deps = {
        name: [(port, pm) for port, maps in spec.inputs.items() for pm in maps if pm.origin != BRAIN_ORIGIN]
        for name, spec in modules_map.items()
    }

    def promised(pm: PortMap) -> bool:
        contract = contract_of(pm.origin)
        return contract is not None and pm.port in contract

    remaining = list(modules_map)
    built: set[str] = set()
    order: list[str] = []
    while remaining:
        pick = next((m for m in remaining if all(pm.origin in built for _, pm in deps[m])), None)
        if pick is None:
            pick = next(
                (m for m in remaining if all(pm.origin in built or promised(pm) for _, pm in deps[m])), None
            )
        if pick is None:
            raise WiringError(_cycle_message(remaining, deps, built, promised, modules_map, contract_of))
        order.append(pick)
        built.add(pick)
        remaining.remove(pick)
    return order


def _cycle_message(
    remaining: list[str],
    deps: dict,
    built: set[str],
    promised: tp.Callable,
    modules_map: dict[str, ModuleSpecs],
    contract_of: tp.Callable,
) -> str:
    # Every stuck module reads an unbuilt, unpromised output of another stuck module: walking those
    # edges backwards from any stuck module must come back on itself, which gives one cycle to show.
    def blocking(m: str) -> tuple[str, PortMap]:
        return next((port, pm) for port, pm in deps[m] if pm.origin not in built and not promised(pm))

    walk: list[tuple[str, str, PortMap]] = []
    seen: dict[str, int] = {}
    node = remaining[0]
    while node not in seen:
        seen[node] = len(walk)
        port, pm = blocking(node)
        walk.append((node, port, pm))
        node = pm.origin
    cycle = list(reversed(walk[seen[node] :]))
    edges = "; ".join(f"'{pm.origin}.{pm.port}' -> '{target}.{port}'" for target, port, pm in cycle)
    first = cycle[0][2]
    reasons = []
    for origin in dict.fromkeys(pm.origin for _, _, pm in cycle):
        contract = contract_of(origin)
        cls = modules_map[origin].module_cls.__name__
        reasons.append(
            f"'{origin}' ({cls}) has no contract"
            if contract is None
            else f"'{origin}' ({cls}) promises only {', '.join(contract) or 'nothing'}"
        )
    cls = modules_map[first.origin].module_cls.__name__
    return (
        f"wiring cycle with no contract: {edges}. Every cycle needs a module that promises the specs of the "
        f"outputs it feeds back before it is built, but {'; '.join(reasons)}. Call self.set_contract_output_specs("
        f"{{'{first.port}': spark.OutputSpec(...)}}) in {cls}.__init__ (neurons do this), or break the cycle"
    )
