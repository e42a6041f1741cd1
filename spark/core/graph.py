"""``spark.split`` and ``spark.merge``: a module as a graph plus a flat dict of the arrays a step changes.

``graph, state = spark.split(module)`` gives ``graph``, the module's structure together with every
value a step of the module never changes, and ``state``, a flat ``{'path/to/var': value}`` dict of
the variables its steps rewrite (potentials, traces, caches, plastic weights). ``spark.merge(graph,
state)`` rebuilds a module; inside ``jax.jit`` this is how a step is written::

    @jax.jit
    def run_model(graph, state, x):
        model = spark.merge(graph, state)
        out = model(drive=x)
        _, state = spark.split(model)
        return out, state

What goes where:

* values of :class:`spark.Constant` variables (decay factors, masks, delays) live in the graph's
  static part, so a jitted step neither receives nor returns them;
* variables a module's step leaves untouched (the weights of a synapse without a learning rule, for
  example) are the graph's *array leaves*: a jitted step receives them as inputs but never returns
  them, so a large fixed weight matrix is never copied from one step to the next. Which variables a
  step writes is found once, when the module is built, by an abstract evaluation of the step;
* everything else is in ``state``.

The split is stable inside ``jax.jit``: values that entered through ``state`` go back to ``state``,
values that entered through ``graph`` go back to the graph, and a graph value the step did change
after all (a weight edited inside the jitted function) moves to ``state`` rather than being lost;
``merge`` lets a ``state`` entry take precedence over the graph's copy of the same variable.

``split(module, constants_in_state=True)`` puts every variable in ``state`` (batches of differently
seeded copies, checkpoints, gradients with respect to every parameter);
``split(module, fixed_in_state=True)`` does so for all but the constants.
"""

from __future__ import annotations

import typing as tp

import jax
from flax import nnx

from spark.core.variables import Constant

__all__ = ["SparkGraph", "split", "merge", "state_of", "update"]

_MARK = "_spark_from_graph"  # set on variables that merge() filled from a traced graph leaf


class _Static:
    """The hashable part of a :class:`SparkGraph`: structure, variable kinds and constants."""

    __slots__ = ("graphdef", "paths", "variables", "const_paths", "const_variables", "constants",
                 "fixed_paths", "fixed_variables", "_hash")

    def __init__(self, graphdef: tp.Any, paths: tuple, variables: tuple, const_paths: tuple,
                 const_variables: tuple, constants: tuple, fixed_paths: tuple, fixed_variables: tuple):
        self.graphdef = graphdef
        self.paths = paths
        self.variables = variables  # value-free templates: kind and metadata of each variable
        self.const_paths = const_paths
        self.const_variables = const_variables
        self.constants = constants
        self.fixed_paths = fixed_paths
        self.fixed_variables = fixed_variables
        self._hash = hash((graphdef, paths, const_paths, fixed_paths))

    def __hash__(self) -> int:
        return self._hash

    def __eq__(self, other: object) -> bool:
        return self is other or (
            isinstance(other, _Static) and self._hash == other._hash
            and self.paths == other.paths and self.const_paths == other.const_paths
            and self.fixed_paths == other.fixed_paths
            and len(self.constants) == len(other.constants)
            and all(a is b for a, b in zip(self.constants, other.constants, strict=True))
            and self.graphdef == other.graphdef
        )


class SparkGraph:
    """The part of a split module that a step does not change.

    A pytree whose leaves are the values of the variables the module's step leaves untouched
    (``fixed``); everything else in it is static (compared by hash, constants by identity).
    ``keys()``/``paths``/``variables`` describe the entries of the matching state dict, in order;
    ``fixed_keys()``/``fixed`` the variables held by the graph itself.
    """

    __slots__ = ("static", "fixed")

    def __init__(self, static: _Static, fixed: tuple[tp.Any, ...] = ()):
        self.static = static
        self.fixed = fixed

    graphdef = property(lambda self: self.static.graphdef)
    paths = property(lambda self: self.static.paths)
    variables = property(lambda self: self.static.variables)
    const_paths = property(lambda self: self.static.const_paths)
    constants = property(lambda self: self.static.constants)
    fixed_paths = property(lambda self: self.static.fixed_paths)

    def __hash__(self) -> int:
        return self.static._hash

    def __eq__(self, other: object) -> bool:
        return self is other or (
            isinstance(other, SparkGraph) and self.static == other.static
            and len(self.fixed) == len(other.fixed) and all(a is b for a, b in zip(self.fixed, other.fixed, strict=True))
        )

    def __repr__(self) -> str:
        s = self.static
        return (f"SparkGraph({len(s.paths)} state variables, {len(s.fixed_paths)} fixed variables, "
                f"{len(s.const_paths)} constants)")

    def keys(self) -> list[str]:
        """The keys of the matching state dict, in order."""
        return [_key(p) for p in self.static.paths]

    def fixed_keys(self) -> list[str]:
        """The keys of the variables held by the graph (a step leaves them unchanged), in order."""
        return [_key(p) for p in self.static.fixed_paths]


jax.tree_util.register_pytree_node(SparkGraph, lambda g: (g.fixed, g.static), lambda s, f: SparkGraph(s, tuple(f)))


def _key(path: tuple) -> str:
    return "/".join(str(p) for p in path)


def _template(v: nnx.Variable) -> nnx.Variable:
    return v.replace(value=None) if hasattr(v, "replace") else v


_STATIC_CACHE: dict[tp.Any, _Static] = {}


def _is_tracer(x: tp.Any) -> bool:
    return any(isinstance(leaf, jax.core.Tracer) for leaf in jax.tree_util.tree_leaves(x))


def _step_fixed(module: nnx.Module) -> frozenset:
    """Paths a step of ``module`` never writes; empty when that cannot be worked out.

    Holding fewer values in the graph is always correct (it only costs copies), so a module whose
    step cannot be evaluated abstractly simply keeps everything in the state.
    """
    fn = getattr(module, "step_fixed_paths", None)
    if not callable(fn):
        return frozenset()
    try:
        return fn()
    except Exception:  # noqa: BLE001 - an optimisation must never make split fail
        return frozenset()


def split(module: nnx.Module, *, constants_in_state: bool = False,
          fixed_in_state: bool | None = None) -> tuple[SparkGraph, dict[str, tp.Any]]:
    """Split ``module`` into ``(graph, state)``; ``state`` is a flat dict of the values a step changes.

    Args:
        module: a built Spark module (or any Flax NNX module: then every variable is in ``state``).
        constants_in_state: put every variable in ``state``, :class:`spark.Constant` values included.
        fixed_in_state: put the variables a step leaves unchanged (fixed weights) in ``state`` too
            (default: the value of ``constants_in_state``).
    """
    if getattr(module, "__built__", True) is False and hasattr(module, "build_from_specs"):
        from spark.core.errors import BuildError

        raise BuildError(
            f"{type(module).__name__} '{getattr(module, 'name', '?')}' is not built yet; call it once (or "
            f"build_from_specs) before spark.split, so every variable exists"
        )
    if fixed_in_state is None:
        fixed_in_state = constants_in_state
    graphdef, nstate = nnx.split(module)
    flat = list(nnx.to_flat_state(nstate))
    step_fixed = frozenset() if fixed_in_state else _step_fixed(module)
    dynamic, held, const = [], [], []
    for p, v in flat:
        value = v.get_value()
        traced = _is_tracer(value)
        if not constants_in_state and isinstance(v, Constant) and not traced:
            const.append((p, v))
        elif not fixed_in_state and (
            (getattr(v, _MARK, None) is value) if traced else (p in step_fixed)
        ):
            held.append((p, v))
        else:
            dynamic.append((p, v))
    state = {_key(p): v.get_value() for p, v in dynamic}
    fixed = tuple(v.get_value() for _, v in held)
    paths, fixed_paths = tuple(p for p, _ in dynamic), tuple(p for p, _ in held)
    const_paths = tuple(p for p, _ in const)
    constants = tuple(v.get_value() for _, v in const)
    tracing = _is_tracer(state) or _is_tracer(fixed)
    cache_key = (graphdef, paths, const_paths, fixed_paths, tuple(id(c) for c in constants))
    static = None if tracing else _STATIC_CACHE.get(cache_key)
    if static is None:
        static = _Static(graphdef, paths, tuple(_template(v) for _, v in dynamic), const_paths,
                         tuple(_template(v) for _, v in const), constants, fixed_paths,
                         tuple(_template(v) for _, v in held))
        if not tracing:
            if len(_STATIC_CACHE) > 256:
                _STATIC_CACHE.clear()
            _STATIC_CACHE[cache_key] = static
    return SparkGraph(static, fixed), state


def _flat(graph: SparkGraph, state: dict[str, tp.Any]) -> list[tuple[tuple, nnx.Variable]]:
    s = graph.static
    try:
        flat = [(p, t.replace(value=state[_key(p)])) for p, t in zip(s.paths, s.variables, strict=True)]
    except KeyError as exc:
        raise KeyError(f"spark.merge: state has no entry {exc}; pass the state returned by spark.split") from None
    for p, t, value in zip(s.fixed_paths, s.fixed_variables, graph.fixed, strict=True):
        key = _key(p)
        if key in state:  # a state entry wins over the graph's copy (a fixed value that changed)
            flat.append((p, t.replace(value=state[key])))
            continue
        var = t.replace(value=value)
        if isinstance(value, jax.core.Tracer) and hasattr(var, "__dict__"):
            object.__setattr__(var, _MARK, value)  # lets split() send it back to the graph
        flat.append((p, var))
    flat += [(p, t.replace(value=c)) for p, t, c in zip(s.const_paths, s.const_variables, s.constants, strict=True)]
    return flat


def merge(graph: SparkGraph, state: dict[str, tp.Any]) -> tp.Any:
    """Rebuild the module from :func:`split`'s output (a fresh copy; the input is not mutated)."""
    if not isinstance(graph, SparkGraph):
        raise TypeError(f"spark.merge expects the graph returned by spark.split, got {type(graph).__name__}")
    return nnx.merge(graph.graphdef, nnx.from_flat_state(_flat(graph, state)))


def state_of(module: nnx.Module) -> dict[str, tp.Any]:
    """The flat state dict of ``module`` (same as ``spark.split(module)[1]``)."""
    return split(module)[1]


def update(module: nnx.Module, state: dict[str, tp.Any]) -> None:
    """Write a flat state dict (from :func:`split`) back into ``module`` in place.

    Keys absent from ``state`` (values kept in the graph) are left as they are.
    """
    graph, _ = split(module, constants_in_state=True)
    flat = [(p, t.replace(value=state[_key(p)])) for p, t in zip(graph.paths, graph.variables, strict=True) if _key(p) in state]
    nnx.update(module, nnx.from_flat_state(flat))
