"""``BrainConfig``: what a brain is made of and how its modules are wired."""

from __future__ import annotations

import dataclasses as dc
import typing as tp

from spark.core.config import BaseConfig
from spark.core.errors import ConfigError, WiringError
from spark.core.specs import InputSpec, ModuleSpecs, PortSpecs
from spark.nn._brain._wiring import as_port_maps, initialization_order, static_errors

__all__ = ["BrainConfig"]


class BrainConfig(BaseConfig):
    """Configuration of a :class:`~spark.nn.Brain`: inputs, modules and outputs.

    Args:
        input_map: ``{name: spark.InputSpec}``; the brain is called as ``brain(name=payload, ...)``.
            Modules read an input with ``spark.PortMap(origin='__call__', port=name)``.
        output_map: ``{name: {'input': spark.PortMap(origin=module, port=output), 'spec': spark.OutputSpec}}``;
            ``brain(...)`` returns ``{name: payload}`` cast to the spec's payload type, shape and dtype.
        modules_map: ``{name: spark.ModuleSpecs(name=name, module_cls=..., config=..., inputs=...)}``.
            Several port maps into one input port are flattened and concatenated in order.

    Constructing a config checks it (:meth:`validate`): port maps to missing modules, ports or inputs,
    payload-type mismatches, unconnected required inputs, empty maps, invalid module configs and cycles
    in which no module promises its output specs are all reported together.

    Example::

        config = spark.nn.BrainConfig(
            input_map={'drive': spark.InputSpec(spark.FloatArray, (4,), jnp.float16)},
            output_map={'action': {'input': spark.PortMap('integrator', 'signal'),
                                   'spec': spark.OutputSpec(spark.FloatArray, (2,), jnp.float16)}},
            modules_map={'spiker': ..., 'neurons_pool': ..., 'integrator': ...},
        )
        config.to_file('model.scfg')
        same = spark.nn.BrainConfig.from_file('model.scfg')
    """

    input_map: dict[str, InputSpec] = dc.field(
        default_factory=dict,
        metadata={"description": "Brain inputs: name -> spark.InputSpec (payload type, shape, dtype)."},
    )
    output_map: dict[str, dict] = dc.field(
        default_factory=dict,
        metadata={
            "description": "Brain outputs: name -> {'input': spark.PortMap, 'spec': spark.OutputSpec}."
        },
    )
    modules_map: dict[str, ModuleSpecs] = dc.field(
        default_factory=dict,
        metadata={"description": "Modules: name -> spark.ModuleSpecs (class, config and input port maps)."},
    )

    def __post_init__(self) -> None:
        # Accept the plain forms a file or an editor may hold; anything else is left for validate().
        if isinstance(self.input_map, dict):
            object.__setattr__(self, "input_map", {k: _as_input_spec(v) for k, v in self.input_map.items()})
        if isinstance(self.modules_map, dict):
            object.__setattr__(
                self,
                "modules_map",
                {
                    k: ModuleSpecs(**v) if isinstance(v, dict) and "module_cls" in v else v
                    for k, v in self.modules_map.items()
                },
            )
        if isinstance(self.output_map, dict):
            out = {}
            for k, v in self.output_map.items():
                if isinstance(v, dict) and isinstance(v.get("input"), dict):
                    maps = as_port_maps(v["input"])
                    v = {**v, "input": maps[0]} if maps else v
                out[k] = v
            object.__setattr__(self, "output_map", out)

    # -- validation ---------------------------------------------------------------------------------
    def _problems(self) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
        wiring, configs = static_errors(self)
        if not wiring:
            wiring.extend(self._cycle_problems())
        return wiring, configs

    def _cycle_problems(self) -> list[tuple[str, str]]:
        contracts: dict[str, tp.Any] = {}

        def contract_of(name: str) -> dict[str, PortSpecs] | None:
            # Contracts are set by a module's constructor, so ask a throw-away instance (plain Python).
            if name not in contracts:
                spec = self.modules_map[name]
                try:
                    contracts[name] = spec.module_cls(
                        config=spec.config, name=name
                    ).get_contract_output_specs()
                except Exception:
                    contracts[name] = None
            return contracts[name]

        try:
            initialization_order(self.modules_map, contract_of)
        except WiringError as exc:
            return [("modules_map", str(exc))]
        return []

    def validation_errors(self, current_path: str | None = None) -> dict[str, list[str]]:
        """Every problem of this brain config, keyed by dotted path (e.g. ``modules_map.pool.inputs.in_spikes``)."""
        out = super().validation_errors(current_path)
        prefix = f"{current_path}." if current_path else ""
        wiring, configs = self._problems()
        for path, msg in wiring + configs:
            out.setdefault(prefix + path, []).append(msg)
        return out

    def validate(
        self, is_partial: bool = False, errors: list | None = None, current_path: list[str] | None = None
    ) -> list[str] | None:
        """Check the whole brain config; collect *all* problems.

        With ``errors=None`` raise :class:`spark.WiringError` (or :class:`spark.ConfigError` when only
        module configs are invalid) listing every problem with its path; with a list, append
        ``"path: message"`` strings to it and return it.
        """
        root = ".".join(current_path or ["brain"])
        field_errors = super().validation_errors()
        wiring, configs = self._problems()
        found = [f"{root}.{p}: {m}" for p, msgs in field_errors.items() for m in msgs]
        found += [f"{root}.{p}: {m}" for p, m in wiring + configs]
        if errors is not None:
            errors.extend(found)
            return errors
        if found:
            n = len(found)
            kind = WiringError if wiring else ConfigError
            raise kind(f"BrainConfig has {n} problem{'s' if n > 1 else ''}:\n  " + "\n  ".join(found))
        return None

    # -- utilities ----------------------------------------------------------------------------------
    def refresh_seeds(self, seed: int | None = None) -> None:
        """Give every module config (at every depth) a fresh seed, in place.

        Useful to create several different brains from one config; deterministic when ``seed`` is given.
        """
        import numpy as np

        rng = np.random.default_rng(seed)
        for spec in self.modules_map.values():
            if isinstance(spec, ModuleSpecs) and isinstance(spec.config, BaseConfig):
                spec.config = spec.config.with_new_seeds(int(rng.integers(0, 2**31 - 1)))


def _as_input_spec(value: tp.Any) -> tp.Any:
    if isinstance(value, InputSpec):
        return value
    if isinstance(value, PortSpecs):
        return InputSpec(value.payload_type, value.shape, value.dtype, value.description)
    if isinstance(value, dict) and "payload_type" in value and "shape" in value:
        try:
            return InputSpec(**value)
        except TypeError:
            return value
    return value
