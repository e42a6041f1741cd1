"""Validation the editor asks of the library: one module config, or a whole model before export.

Errors are returned, never raised, as records the front end can attach to a node and a field::

    {"node": "<node id>" | None, "path": "soma_config.tau" | None, "message": "..."}
"""

from __future__ import annotations

import re
import typing as tp
from pathlib import Path

from spark.editor._graph import graph_to_brain, structure_errors

__all__ = [
    "config_errors",
    "model_errors",
    "export_model",
    "catalogue_module_names",
    "build_config",
    "port_counts",
]

_WHERE = re.compile(r"^config((?:\.[A-Za-z_][A-Za-z0-9_]*)*)(?:\[\d+\])*:\s*(.*)$", re.S)


def catalogue_module_names(catalogue: dict) -> set[str]:
    """Every registered module name listed in the catalogue."""
    entries = [e for group in catalogue.get("groups", {}).values() for e in group]
    return {e["name"] for e in entries} | {e["class"] for e in entries if e.get("class")}


def port_counts(catalogue: dict) -> dict[str, int]:
    """Number of ports of each module (by name and by class), for the layout of loaded models."""
    out = {}
    for group in catalogue.get("groups", {}).values():
        for e in group:
            n = len(e.get("inputs", {})) + len(e.get("outputs", {}))
            out[e["name"]] = out[e.get("class") or e["name"]] = n
    return out


def config_errors(enc: tp.Any) -> dict[str, list[str]]:
    """Validation errors of one encoded module config, keyed by dotted field path ('' = whole config)."""
    from spark.core import files

    if enc is None:
        return {}
    try:
        config = files.decode(enc, where="config")
    except Exception as exc:  # a value that cannot even be decoded: report it on its field if we can
        message = str(exc)
        match = _WHERE.match(message)
        if match:
            return {match.group(1).lstrip("."): [match.group(2)]}
        return {"": [message]}
    try:
        return {path: list(msgs) for path, msgs in config.validation_errors().items()}
    except Exception as exc:
        return {"": [f"{type(exc).__name__}: {exc}"]}


def build_config(doc: dict) -> tp.Any:
    """Decode the graph document into a ``spark.nn.BrainConfig`` (not validated)."""
    import spark

    return spark.nn.BrainConfig.from_dict(graph_to_brain(doc))


def model_errors(doc: dict, catalogue: dict, build: bool = False) -> list[dict]:
    """Every error that stops the graph from being exported as a runnable model.

    Structure first (inputs, outputs, one connected graph, names), then each module's config, then the
    library's own ``BrainConfig`` checks; with ``build=True`` the brain is also built and run one step
    on zero inputs, which catches wiring errors (shapes, payload types) that only appear then.
    """
    errors: list[dict] = [
        {**e, "path": None} for e in structure_errors(doc, catalogue_module_names(catalogue))
    ]
    for node in doc.get("nodes", []):
        if node.get("kind") != "module":
            continue
        for path, messages in config_errors(node.get("config")).items():
            for message in messages:
                errors.append(
                    {
                        "node": node["id"],
                        "path": path or None,
                        "message": f"{node.get('name')}{'.' + path if path else ''}: {message}",
                    }
                )
    if errors:
        return errors
    try:
        config = build_config(doc)
        problems = config.validation_errors()
    except Exception as exc:
        return [{"node": None, "path": None, "message": _clean(exc)}]
    if problems:
        return [_locate(doc, path, message) for path, messages in problems.items() for message in messages]
    if build:
        try:
            _build_and_step(config)
        except Exception as exc:
            return [{"node": None, "path": None, "message": f"the model does not run: {_clean(exc)}"}]
    return []


def _locate(doc: dict, path: str, message: str) -> dict:
    """Attach a BrainConfig error path (``modules_map.pool.config.tau``) to its node and field."""
    parts = path.split(".") if path else []
    kinds = {"input_map": "input", "output_map": "output", "modules_map": "module"}
    node_id, field = None, None
    if len(parts) >= 2 and parts[0] in kinds:
        for node in doc.get("nodes", []):
            if node.get("kind") == kinds[parts[0]] and node.get("name") == parts[1]:
                node_id = node["id"]
        if len(parts) > 3 and parts[2] == "config":
            field = ".".join(parts[3:])
    return {"node": node_id, "path": field, "message": f"{path}: {message}" if path else message}


def _clean(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return (
        text
        if not isinstance(exc, (TypeError, KeyError, AttributeError))
        else f"{type(exc).__name__}: {text}"
    )


def _build_and_step(config: tp.Any) -> None:
    import jax.numpy as jnp

    import spark

    brain = spark.nn.Brain(config=config)
    inputs = {}
    for name, spec in config.input_map.items():
        inputs[name] = spec.payload_type(jnp.zeros(spec.shape, dtype=spec.dtype))
    brain(**inputs)


def export_model(doc: dict, path: Path, catalogue: dict) -> list[dict]:
    """Validate the model, then write it to ``path`` as a ``.scfg`` file; return the errors (if any)."""
    errors = model_errors(doc, catalogue, build=True)
    if errors:
        return errors
    config = build_config(doc)
    path.parent.mkdir(parents=True, exist_ok=True)
    config.to_file(path)
    return []
