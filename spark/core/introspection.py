"""Generic queries over a tree of Flax NNX modules, keyed by variable kind.

Every Spark module API that answers "what are your parameters / state / simulation settings?" is the same
walk: visit the module's attributes, keep the variables of some kinds, recurse into child modules and
return a nested ``dict`` keyed by attribute name. This file implements that walk once, so both
``spark.nn`` and ``spark.lowlevel`` answer ``parameters()``, ``state()`` and ``simulation_parameters()``
identically.

Nothing here knows about a particular module class: a *node* is any :class:`flax.nnx.Pytree` (modules,
``nnx.List``, ``nnx.Dict``) or a plain ``list``/``tuple``/``dict`` holding nodes or variables. A variable's
*family* (``"weights"``, ``"taus"``, ...) is read from its ``family`` metadata, when it has one.

Examples:
    >>> import jax.numpy as jnp
    >>> from flax import nnx
    >>> from spark.core.variables import Parameter, Variable
    >>> class Cell(nnx.Module):
    ...     def __init__(self):
    ...         self.w = Parameter(jnp.ones(2), family="weights")
    ...         self.v = Variable(jnp.zeros(2))
    >>> class Net(nnx.Module):
    ...     def __init__(self):
    ...         self.cell = Cell()
    >>> collect(Net(), Parameter)
    {'cell': {'w': Array([1., 1.], dtype=float32)}}
    >>> collect(Net(), Parameter, family="taus")
    {}
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from flax import nnx

from spark.core.errors import suggest

__all__ = ["Kinds", "Family", "family_of", "iter_variables", "collect", "assign"]

Kinds = type | tuple[type, ...]
"""One variable class or a tuple of them; a variable matches when it is an instance of any."""

Family = str | tuple[str, ...] | list[str] | None
"""One family name, several, or ``None`` for "any family"."""

_INTERNAL_PREFIXES = ("_pytree__", "_object__")


def family_of(variable: nnx.Variable) -> str | None:
    """The ``family`` metadata of ``variable`` (``None`` when it has none)."""
    return variable.get_metadata("family", None)


def _is_variable(value: Any) -> bool:
    # issubclass on the type: NNX's isinstance hook also inspects arrays and tracers, which is slow
    return issubclass(type(value), nnx.Variable)


def _children(node: Any) -> Iterator[tuple[Any, Any]]:
    """Yield ``(key, child)`` for the attributes/items of ``node`` that may hold variables."""
    if _is_variable(node):
        return
    if isinstance(node, nnx.Pytree):
        items = vars(node).items()
    elif isinstance(node, Mapping):
        items = node.items()
    elif isinstance(node, list | tuple):
        items = enumerate(node)
    else:
        return
    for key, value in items:
        if isinstance(key, str) and key.startswith(_INTERNAL_PREFIXES):
            continue
        if _is_variable(value) or isinstance(value, nnx.Pytree | Mapping | list | tuple):
            yield key, value


def _matches(variable: nnx.Variable, kinds: Kinds | None, family: Family) -> bool:
    if kinds is not None and not issubclass(type(variable), kinds):
        return False
    if family is None:
        return True
    wanted = (family,) if isinstance(family, str) else tuple(family)
    return family_of(variable) in wanted


def iter_variables(
    node: Any, kinds: Kinds | None = None, family: Family = None
) -> Iterator[tuple[tuple[Any, ...], nnx.Variable]]:
    """Yield ``(path, variable)`` for every variable under ``node`` matching ``kinds`` and ``family``.

    ``path`` is the tuple of attribute names / indices leading to the variable. Each variable and each
    node is visited once, even when it is shared by several parents.
    """
    seen: set[int] = set()

    def walk(current: Any, prefix: tuple[Any, ...]):
        for key, child in _children(current):
            if id(child) in seen:
                continue
            seen.add(id(child))
            path = (*prefix, key)
            if _is_variable(child):
                if _matches(child, kinds, family):
                    yield path, child
            else:
                yield from walk(child, path)

    yield from walk(node, ())


def collect(node: Any, kinds: Kinds | None = None, family: Family = None, *, values: bool = True) -> dict:
    """Nested ``dict`` of the variables of ``kinds`` (and ``family``) under ``node``.

    Args:
        node: a module (or container of modules) to search.
        kinds: variable class(es) to keep, e.g. ``spark.core.variables.Parameter``; ``None`` keeps all.
        family: keep only variables whose ``family`` metadata is this name (or one of these names).
        values: return the arrays held by the variables (default) rather than the variables themselves.

    Returns:
        ``{attribute: value_or_subdict}``; branches without a match are left out.
    """
    out: dict = {}
    for path, variable in iter_variables(node, kinds, family):
        level = out
        for key in path[:-1]:
            level = level.setdefault(key, {})
        level[path[-1]] = variable.get_value() if values else variable
    return out


def _describe(path: tuple[Any, ...]) -> str:
    return ".".join(str(p) for p in path) if path else "<root>"


def assign(
    node: Any,
    nested: Mapping,
    *,
    kinds: Kinds | None = None,
    check: Callable[[tuple[Any, ...], nnx.Variable, Any], Any] | None = None,
    owner: str | None = None,
) -> None:
    """Write the values of a nested ``dict`` (as returned by :func:`collect`) into the variables of ``node``.

    Args:
        node: the module to update in place.
        nested: ``{attribute: value_or_subdict}``; keys absent from ``nested`` are left untouched.
        kinds: when given, only variables of these kinds may be written.
        check: optional ``check(path, variable, value) -> value`` hook to validate or convert each value
            before it is written (raise ``ValueError`` to refuse it).
        owner: name used in error messages for ``node`` (defaults to its class name).

    Raises:
        ValueError: a key names nothing under ``node``, or names a variable of another kind.
    """
    root_name = owner or type(node).__name__

    def visit(current: Any, sub: Mapping, path: tuple[Any, ...]):
        children = dict(_children(current))
        for key, value in sub.items():
            if key not in children:
                known = ", ".join(sorted(str(k) for k in children)) or "nothing"
                hint = suggest(str(key), [str(k) for k in children])
                where = f"{root_name}.{_describe(path)}" if path else root_name
                raise ValueError(
                    f"{where}: no attribute {key!r} to set{hint}; settable attributes here: {known}"
                )
            child = children[key]
            child_path = (*path, key)
            if _is_variable(child):
                if kinds is not None and not issubclass(type(child), kinds):
                    raise ValueError(
                        f"{root_name}.{_describe(child_path)} is a {type(child).__name__}, which cannot be "
                        f"set here (allowed kinds: {_kind_names(kinds)})"
                    )
                new = check(child_path, child, value) if check is not None else value
                child.set_value(new)
            elif isinstance(value, Mapping):
                visit(child, value, child_path)
            else:
                raise ValueError(
                    f"{root_name}.{_describe(child_path)} is a {type(child).__name__}; give a dict of its "
                    f"attributes, not a {type(value).__name__}"
                )

    visit(node, nested, ())


def _kind_names(kinds: Kinds) -> str:
    kinds_tuple = kinds if isinstance(kinds, tuple) else (kinds,)
    return ", ".join(k.__name__ for k in kinds_tuple)
