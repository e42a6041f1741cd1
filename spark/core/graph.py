"""``spark.split`` and ``spark.merge``: a module as a static graph plus a flat dict of arrays.

``graph, state = spark.split(module)`` gives a hashable, leafless ``graph`` (cheap to pass to
``jax.jit`` every step) and ``state``, a flat ``{'path/to/var': value}`` dict of the variables that
can change. ``spark.merge(graph, state)`` rebuilds a module; inside ``jax.jit`` this is how a step is
written::

    @jax.jit
    def run_model(graph, state, x):
        model = spark.merge(graph, state)
        out = model(drive=x)
        _, state = spark.split(model)
        return out, state

Values held in :class:`spark.Constant` variables (decay factors, masks, delays) never change, so by
default they travel inside ``graph`` rather than ``state``: a jitted step then neither receives nor
returns them, which keeps the per-call cost of such a loop low. ``split(module,
constants_in_state=True)`` puts them in ``state`` as well (needed when copies of a module differ in
their constants, e.g. batches of differently seeded brains, and for checkpoints).
"""

from __future__ import annotations

import typing as tp

import jax
from flax import nnx

from spark.core.variables import Constant

__all__ = ["SparkGraph", "split", "merge", "state_of", "update"]


class SparkGraph:
    """The static part of a split module: structure, config, variable kinds and constants.

    A leafless pytree. ``paths``/``variables``/``keys()`` describe the entries of the matching state
    dict, in order; ``constants`` holds the values kept out of the state (compared by identity).
    """

    __slots__ = ("graphdef", "paths", "variables", "const_paths", "const_variables", "constants", "_hash")

    def __init__(self, graphdef: tp.Any, paths: tuple[tuple, ...], variables: tuple[nnx.Variable, ...],
                 const_paths: tuple[tuple, ...] = (), const_variables: tuple[nnx.Variable, ...] = (),
                 constants: tuple[tp.Any, ...] = ()):
        self.graphdef = graphdef
        self.paths = paths
        self.variables = variables  # value-free templates: kind and metadata of each variable
        self.const_paths = const_paths
        self.const_variables = const_variables
        self.constants = constants
        self._hash = hash((graphdef, paths, const_paths))

    def __hash__(self) -> int:
        return self._hash

    def __eq__(self, other: object) -> bool:
        return self is other or (
            isinstance(other, SparkGraph) and self._hash == other._hash
            and self.paths == other.paths and self.const_paths == other.const_paths
            and len(self.constants) == len(other.constants)
            and all(a is b for a, b in zip(self.constants, other.constants))
            and self.graphdef == other.graphdef
        )

    def __repr__(self) -> str:
        return f"SparkGraph({len(self.paths)} state variables, {len(self.const_paths)} constants)"

    def keys(self) -> list[str]:
        """The keys of the matching state dict, in order."""
        return [_key(p) for p in self.paths]


jax.tree_util.register_pytree_node(SparkGraph, lambda g: ((), g), lambda g, _: g)


def _key(path: tuple) -> str:
    return "/".join(str(p) for p in path)


def _template(v: nnx.Variable) -> nnx.Variable:
    return v.replace(value=None) if hasattr(v, "replace") else v


_GRAPH_CACHE: dict[tp.Any, SparkGraph] = {}


def _is_tracer(x: tp.Any) -> bool:
    return any(isinstance(leaf, jax.core.Tracer) for leaf in jax.tree_util.tree_leaves(x))


def split(module: nnx.Module, *, constants_in_state: bool = False) -> tuple[SparkGraph, dict[str, tp.Any]]:
    """Split ``module`` into ``(graph, state)``; ``state`` is a flat dict of its variables' values.

    Args:
        module: a built Spark module (or any Flax NNX module).
        constants_in_state: also put :class:`spark.Constant` values in ``state`` (by default they
            stay in ``graph``).
    """
    if getattr(module, "__built__", True) is False and hasattr(module, "build_from_specs"):
        from spark.core.errors import BuildError

        raise BuildError(
            f"{type(module).__name__} '{getattr(module, 'name', '?')}' is not built yet; call it once (or "
            f"build_from_specs) before spark.split, so every variable exists"
        )
    graphdef, nstate = nnx.split(module)
    flat = list(nnx.to_flat_state(nstate))
    dynamic, fixed = [], []
    for p, v in flat:
        keep_out = not constants_in_state and isinstance(v, Constant) and not _is_tracer(v.get_value())
        (fixed if keep_out else dynamic).append((p, v))
    state = {_key(p): v.get_value() for p, v in dynamic}
    paths = tuple(p for p, _ in dynamic)
    const_paths = tuple(p for p, _ in fixed)
    constants = tuple(v.get_value() for _, v in fixed)
    tracing = _is_tracer(state)
    cache_key = (graphdef, paths, const_paths, tuple(id(c) for c in constants))
    graph = None if tracing else _GRAPH_CACHE.get(cache_key)
    if graph is None:
        graph = SparkGraph(graphdef, paths, tuple(_template(v) for _, v in dynamic),
                           const_paths, tuple(_template(v) for _, v in fixed), constants)
        if not tracing:
            if len(_GRAPH_CACHE) > 256:
                _GRAPH_CACHE.clear()
            _GRAPH_CACHE[cache_key] = graph
    return graph, state


def _flat(graph: SparkGraph, state: dict[str, tp.Any]) -> list[tuple[tuple, nnx.Variable]]:
    try:
        flat = [(p, t.replace(value=state[_key(p)])) for p, t in zip(graph.paths, graph.variables)]
    except KeyError as exc:
        raise KeyError(f"spark.merge: state has no entry {exc}; pass the state returned by spark.split") from None
    flat += [(p, t.replace(value=c)) for p, t, c in zip(graph.const_paths, graph.const_variables, graph.constants)]
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

    Keys absent from ``state`` (constants kept in the graph) are left as they are.
    """
    graph, _ = split(module, constants_in_state=True)
    flat = [(p, t.replace(value=state[_key(p)])) for p, t in zip(graph.paths, graph.variables) if _key(p) in state]
    nnx.update(module, nnx.from_flat_state(flat))
