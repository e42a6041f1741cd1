"""``spark.split`` and ``spark.merge``: a module as a static graph plus a flat dict of arrays.

``graph, state = spark.split(module)`` gives a hashable, leafless ``graph`` (cheap to pass to
``jax.jit`` every step) and ``state``, a flat ``{'path/to/var': value}`` dict of every variable.
``spark.merge(graph, state)`` rebuilds a module; inside ``jax.jit`` this is how a step is written::

    @jax.jit
    def run_model(graph, state, x):
        model = spark.merge(graph, state)
        out = model(drive=x)
        _, state = spark.split(model)
        return out, state
"""

from __future__ import annotations

import typing as tp

import jax
from flax import nnx

__all__ = ["SparkGraph", "split", "merge", "state_of", "update"]


class SparkGraph:
    """The static part of a split module: structure, config and variable kinds. Leafless pytree."""

    __slots__ = ("graphdef", "paths", "variables", "_hash")

    def __init__(self, graphdef: tp.Any, paths: tuple[tuple, ...], variables: tuple[nnx.Variable, ...]):
        self.graphdef = graphdef
        self.paths = paths
        self.variables = variables  # value-free templates: kind and metadata of each variable
        self._hash = hash((graphdef, paths))

    def __hash__(self) -> int:
        return self._hash

    def __eq__(self, other: object) -> bool:
        return self is other or (
            isinstance(other, SparkGraph) and self._hash == other._hash
            and self.paths == other.paths and self.graphdef == other.graphdef
        )

    def __repr__(self) -> str:
        return f"SparkGraph({len(self.paths)} variables)"

    def keys(self) -> list[str]:
        return [_key(p) for p in self.paths]


jax.tree_util.register_pytree_node(SparkGraph, lambda g: ((), g), lambda g, _: g)


def _key(path: tuple) -> str:
    return "/".join(str(p) for p in path)


_GRAPH_CACHE: dict[tp.Any, SparkGraph] = {}


def split(module: nnx.Module) -> tuple[SparkGraph, dict[str, tp.Any]]:
    """Split ``module`` into ``(graph, state)``; ``state`` is a flat dict of its variables' values."""
    graphdef, nstate = nnx.split(module)
    flat = nnx.to_flat_state(nstate)
    paths = tuple(p for p, _ in flat)
    state = {_key(p): v.get_value() for p, v in flat}
    cache_key = (graphdef, paths)
    graph = _GRAPH_CACHE.get(cache_key) if not _is_tracing(state) else None
    if graph is None:
        templates = tuple(v.replace(value=None) if hasattr(v, "replace") else v for _, v in flat)
        graph = SparkGraph(graphdef, paths, templates)
        if not _is_tracing(state):
            if len(_GRAPH_CACHE) > 256:
                _GRAPH_CACHE.clear()
            _GRAPH_CACHE[cache_key] = graph
    return graph, state


def _is_tracing(state: dict) -> bool:
    return any(isinstance(x, jax.core.Tracer) for x in jax.tree_util.tree_leaves(state))


def merge(graph: SparkGraph, state: dict[str, tp.Any]) -> tp.Any:
    """Rebuild the module from :func:`split`'s output (a fresh copy; the input is not mutated)."""
    if not isinstance(graph, SparkGraph):
        raise TypeError(f"spark.merge expects the graph returned by spark.split, got {type(graph).__name__}")
    try:
        flat = [(p, t.replace(value=state[_key(p)])) for p, t in zip(graph.paths, graph.variables)]
    except KeyError as exc:
        raise KeyError(f"spark.merge: state has no entry {exc}; pass the state returned by spark.split") from None
    return nnx.merge(graph.graphdef, nnx.from_flat_state(flat))


def state_of(module: nnx.Module) -> dict[str, tp.Any]:
    """The flat state dict of ``module`` (same as ``spark.split(module)[1]``)."""
    return split(module)[1]


def update(module: nnx.Module, state: dict[str, tp.Any]) -> None:
    """Write a flat state dict (from :func:`split`) back into ``module`` in place."""
    graph, _ = split(module)
    flat = [(p, t.replace(value=state[_key(p)])) for p, t in zip(graph.paths, graph.variables)]
    nnx.update(module, nnx.from_flat_state(flat))
