"""The Rockpool-style API of every :class:`spark.nn.Module` (a brain included), as plain functions.

``spark.nn.Module`` delegates its ``parameters()``, ``state()``, ``simulation_parameters()`` and
``evolve()`` methods here:

=============================  ===============================================================
``parameters(m, family)``      weights and fixed model values (``spark.Parameter``, ``spark.Constant``)
``state(m, family)``           dynamic state (``spark.Variable``: potentials, traces, PRNG keys)
``simulation_parameters(m)``   simulation settings (``spark.SimulationParameter``: ``dt``, ...)
``evolve(m, x, record)``       ``(output, new_state, recorded)`` over clocked input ``(T, N)`` or ``(B, T, N)``
=============================  ===============================================================

Each query returns a nested ``dict`` keyed by attribute name, restricted to variables whose ``family``
metadata matches when ``family`` is given.

``evolve`` is functional: the module is not changed (except that an unbuilt module is built). A 2-D
input ``(T, N)`` is one batch; a 3-D input ``(B, T, N)`` runs ``B`` copies from the module's current
state. Outputs and recorded signals always have shape ``(B, T, ...)``; ``new_state`` keeps the state's
own shape after a 2-D input and gains a leading ``B`` axis after a 3-D one.
"""

from __future__ import annotations

import typing as tp

import jax.numpy as jnp
import numpy as np
from flax import nnx

from spark.core import introspection
from spark.core.graph import split
from spark.core.payloads import SparkPayload
from spark.core.specs import InputSpec
from spark.core.variables import Constant, Parameter, SimulationParameter, Variable

__all__ = ["parameters", "state", "simulation_parameters", "evolve"]


def _nested(module: tp.Any, keep: tp.Callable[[nnx.Variable], bool], family: introspection.Family) -> dict:
    out: dict = {}
    for path, var in introspection.iter_variables(module, None, family):
        if not keep(var):
            continue
        level = out
        for key in path[:-1]:
            level = level.setdefault(key, {})
        level[path[-1]] = var.get_value()
    return out


def parameters(module: tp.Any, family: introspection.Family = None) -> dict:
    """Nested dict of the module's parameters: ``spark.Parameter`` and ``spark.Constant`` variables."""
    return _nested(
        module,
        lambda v: isinstance(v, Parameter | Constant) and not isinstance(v, SimulationParameter),
        family,
    )


def state(module: tp.Any, family: introspection.Family = None) -> dict:
    """Nested dict of the module's dynamic state (``spark.Variable``, PRNG keys included)."""
    return _nested(module, lambda v: isinstance(v, Variable), family)


def simulation_parameters(module: tp.Any, family: introspection.Family = None) -> dict:
    """Nested dict of the module's simulation parameters (``spark.SimulationParameter``, e.g. ``dt``)."""
    return _nested(module, lambda v: isinstance(v, SimulationParameter), family)


def _owner(module: tp.Any) -> str:
    return f"{type(module).__name__} '{getattr(module, 'name', '?')}'"


def _input_ports(module: tp.Any) -> tuple[list[str], dict[str, InputSpec] | None]:
    """(required ports in order, input specs when built)."""
    specs = module.get_input_specs() if getattr(module, "__built__", False) else None
    ports, optional, _ = type(module)._ports()
    required = [p for p in ports if not optional[p]]
    if not required and specs is not None:
        required = [p for p, s in specs.items() if not getattr(s, "is_optional", False)]
    return required, specs


def _to_dict(module: tp.Any, data: tp.Any) -> dict[str, tp.Any]:
    if isinstance(data, tp.Mapping):
        return dict(data)
    required, _ = _input_ports(module)
    if len(required) != 1:
        raise ValueError(
            f"{_owner(module)}.evolve: a bare array can feed only a module with one required input; this one has "
            f"{required or 'none'}; pass a dict {{port: array}}"
        )
    return {required[0]: data}


def _batched(module: tp.Any, inputs: dict[str, tp.Any]) -> bool:
    _, specs = _input_ports(module)
    verdicts = set()
    for port, x in inputs.items():
        ndim = np.ndim(x.value if isinstance(x, SparkPayload) else x)
        if specs is not None and port in specs:
            base = len(specs[port].shape)
            if ndim not in (base + 1, base + 2):
                raise ValueError(
                    f"{_owner(module)}.evolve: input {port!r} has {ndim} dimensions; expected (T, *{specs[port].shape}) "
                    f"or (B, T, *{specs[port].shape})"
                )
            verdicts.add(ndim == base + 2)
        else:
            if ndim not in (2, 3):
                raise ValueError(
                    f"{_owner(module)}.evolve: input {port!r} must be (T, N) or (B, T, N), got {ndim} dims"
                )
            verdicts.add(ndim == 3)
    if len(verdicts) > 1:
        raise ValueError(f"{_owner(module)}.evolve: some inputs are batched (B, T, ...) and others are not")
    return verdicts.pop() if verdicts else False


def _nest(paths: dict[str, tuple], flat: dict[str, tp.Any]) -> dict:
    out: dict = {}
    for k, v in flat.items():
        level = out
        path = paths[k]
        for key in path[:-1]:
            level = level.setdefault(key, {})
        level[path[-1]] = v
    return out


def evolve(module: tp.Any, input: tp.Any, record: bool = False) -> tuple[tp.Any, dict, dict]:  # noqa: A002
    """Evolve ``module`` over clocked input without changing it: ``(output, new_state, recorded)``.

    Args:
        module: a :class:`spark.nn.Module` or brain (built or not).
        input: ``(T, N)`` or ``(B, T, N)`` array (or payload) for a module with one required input, or a
            dict ``{port: array}``.
        record: also return every dynamic state variable over time.

    Returns:
        ``output``: ``(B, T, ...)`` array for a module with one output port, else a dict of them;
        ``new_state``: nested dict of the final dynamic state (and of any parameter the run changed);
        ``recorded``: ``{}`` or a nested dict of ``(B, T, ...)`` arrays.
    """
    from spark.sim._batch import Batch
    from spark.sim._run import Simulator, dynamic_keys

    inputs = _to_dict(module, input)
    batched = _batched(module, inputs)
    if not getattr(module, "__built__", False):
        first = {}
        for port, x in inputs.items():
            arr = x.value if isinstance(x, SparkPayload) else jnp.asarray(x)
            row = arr[0, 0] if batched else arr[0]
            cls = type(x) if isinstance(x, SparkPayload) else None
            if cls is None:
                from spark.sim._inputs import _port_type

                cls = _port_type(module, port, None)
            first[port] = InputSpec(cls, tuple(row.shape), row.dtype)
        module.build_from_specs(first)
    if not batched:
        inputs = {
            p: (type(x)(x.value[None]) if isinstance(x, SparkPayload) else np.asarray(x)[None])
            for p, x in inputs.items()
        }
    size = int(np.shape(next(iter(inputs.values())))[0]) if inputs else 1
    graph, _ = split(module, fixed_in_state=True)
    dyn = dynamic_keys(graph)
    target = Batch.broadcast(module, size)
    result = Simulator(target, record=dyn if record else None).run(inputs, apply=False)

    changed = set(result.changed_keys)
    paths = dict(zip(graph.keys(), graph.paths, strict=False))
    final = {}
    for k in dict.fromkeys([*dyn, *result.changed_keys]):
        v = result.state[k]
        if batched:
            final[k] = v if k in changed else jnp.broadcast_to(v, (size, *np.shape(v)))
        else:
            final[k] = v[0] if k in changed else v
    outputs = {p: np.asarray(v.value) for p, v in result.outputs.items()}
    output = next(iter(outputs.values())) if len(outputs) == 1 else outputs
    recorded = _nest(paths, result.records) if record else {}
    return output, _nest(paths, final), recorded
