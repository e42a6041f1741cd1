"""The editor's graph document and its translation to and from an encoded ``BrainConfig``.

The front end edits a *graph document*::

    {"nodes": [{"id": "n1", "kind": "module", "name": "spiker", "module": "TopologicalLinearSpiker",
                "config": {"$type": "config", ...} | None, "position": {"x": 0, "y": 0}},
               {"id": "n0", "kind": "input", "name": "drive",
                "spec": {"payload_type": "FloatArray", "shape": [4], "dtype": "float16"}, ...},
               {"id": "n9", "kind": "output", "name": "action", "spec": {...}, ...}],
     "edges": [{"from": {"node": "n0", "port": "out"}, "to": {"node": "n1", "port": "signal"}}]}

An input node has one output port ``out``; an output node one input port ``in``. Module ports are the
ports of the catalogue entry. The order of ``edges`` is the order of the port maps feeding a port.
"""

from __future__ import annotations

import typing as tp

__all__ = ["GraphError", "graph_to_brain", "brain_to_graph", "structure_errors", "BRAIN_ORIGIN"]

BRAIN_ORIGIN = "__call__"
INPUT_PORT = "out"
OUTPUT_PORT = "in"


class GraphError(ValueError):
    """The graph document (or an encoded brain) is malformed."""


def _spec_enc(spec: dict, tag: str) -> dict:
    return {
        "$type": tag,
        "payload_type": str(spec.get("payload_type", "FloatArray")),
        "shape": [int(s) for s in spec.get("shape", [])],
        "dtype": str(spec.get("dtype", "float32")),
    }


def _nodes_by_id(doc: dict) -> dict[str, dict]:
    nodes = doc.get("nodes")
    if not isinstance(nodes, list) or not isinstance(doc.get("edges", []), list):
        raise GraphError("graph document must have a 'nodes' list and an 'edges' list")
    out = {}
    for node in nodes:
        if not isinstance(node, dict) or not isinstance(node.get("id"), str):
            raise GraphError(f"graph node {node!r:.80} has no string 'id'")
        if node.get("kind") not in ("module", "input", "output"):
            raise GraphError(
                f"graph node {node.get('name')!r} has kind {node.get('kind')!r}; "
                f"allowed: 'module', 'input', 'output'"
            )
        out[node["id"]] = node
    return out


def structure_errors(doc: dict, known_modules: tp.Container[str] | None = None) -> list[dict]:
    """Everything wrong with the shape of the graph, as ``{"node": id|None, "message": str}``.

    Checks: at least one input and one output, unique valid names, edges between existing ports,
    one connection per output node, every node reachable (one connected graph), known module names.
    """
    nodes = _nodes_by_id(doc)
    errors: list[dict] = []

    def err(node: dict | None, message: str) -> None:
        errors.append({"node": node["id"] if node else None, "message": message})

    kinds = [n["kind"] for n in nodes.values()]
    if "input" not in kinds:
        err(None, "the model has no input node; add one (right-click > brain > Input) and connect it")
    if "output" not in kinds:
        err(None, "the model has no output node; add one (right-click > brain > Output) and connect it")
    seen: dict[str, dict] = {}
    for node in nodes.values():
        name = node.get("name")
        if not isinstance(name, str) or not name.strip():
            err(node, "node has an empty name")
        elif name == BRAIN_ORIGIN or not name.replace("_", "a").isalnum() or name[0].isdigit():
            err(
                node,
                f"node name {name!r} is not allowed; use letters, digits and '_' (not starting with a digit)",
            )
        elif name in seen:
            err(node, f"node name {name!r} is used twice; names must be unique")
        else:
            seen[name] = node
        if node["kind"] == "module" and known_modules is not None and node.get("module") not in known_modules:
            err(node, f"node {name!r}: module class {node.get('module')!r} is not registered in spark")
    incoming: dict[str, int] = {}
    adjacency: dict[str, set[str]] = {nid: set() for nid in nodes}
    for edge in doc.get("edges", []):
        try:
            src, dst = edge["from"]["node"], edge["to"]["node"]
        except (KeyError, TypeError):
            raise GraphError(
                f"graph edge {edge!r:.80} must be {{'from': {{node, port}}, 'to': {{node, port}}}}"
            ) from None
        if src not in nodes or dst not in nodes:
            raise GraphError(f"graph edge {edge!r:.80} refers to a node that does not exist")
        if nodes[src]["kind"] == "output" or nodes[dst]["kind"] == "input":
            err(
                nodes[dst],
                f"connection {nodes[src].get('name')} -> {nodes[dst].get('name')} goes the wrong way",
            )
        incoming[dst] = incoming.get(dst, 0) + 1
        adjacency[src].add(dst)
        adjacency[dst].add(src)
    for node in nodes.values():
        if node["kind"] == "output" and incoming.get(node["id"], 0) != 1:
            n = incoming.get(node["id"], 0)
            err(node, f"output {node.get('name')!r} must have exactly one incoming connection, it has {n}")
        if node["kind"] == "input" and not adjacency[node["id"]]:
            err(node, f"input {node.get('name')!r} is not connected to anything")
    if nodes:
        start = next(iter(nodes))
        reached, todo = {start}, [start]
        while todo:
            for nxt in adjacency[todo.pop()] - reached:
                reached.add(nxt)
                todo.append(nxt)
        for nid in nodes.keys() - reached:
            err(
                nodes[nid],
                f"node {nodes[nid].get('name')!r} is not connected to the rest of the model; "
                f"a model must be one connected graph",
            )
    return errors


def graph_to_brain(doc: dict) -> dict:
    """Encode the graph document as a ``BrainConfig`` (the ``ENC`` of the ``.scfg`` format)."""
    nodes = _nodes_by_id(doc)
    input_map: dict[str, dict] = {}
    output_map: dict[str, dict] = {}
    modules_map: dict[str, dict] = {}
    for node in nodes.values():
        if node["kind"] == "input":
            input_map[node["name"]] = _spec_enc(node.get("spec", {}), "input_spec")
        elif node["kind"] == "module":
            specs = {
                "$type": "module_specs",
                "name": node["name"],
                "module": node["module"],
                "config": node.get("config"),
                "inputs": {},
            }
            modules_map[node["name"]] = specs
    for edge in doc.get("edges", []):
        src, dst = nodes[edge["from"]["node"]], nodes[edge["to"]["node"]]
        if src["kind"] == "input":
            port_map = {"$type": "port_map", "origin": BRAIN_ORIGIN, "port": src["name"]}
        else:
            port_map = {"$type": "port_map", "origin": src["name"], "port": edge["from"]["port"]}
        if dst["kind"] == "output":
            output_map[dst["name"]] = {
                "input": port_map,
                "spec": _spec_enc(dst.get("spec", {}), "output_spec"),
            }
        elif dst["kind"] == "module":
            modules_map[dst["name"]]["inputs"].setdefault(edge["to"]["port"], []).append(port_map)
    fields = {"input_map": input_map, "output_map": output_map, "modules_map": modules_map}
    return {"$type": "config", "class": "BrainConfig", "fields": fields}


def _unwrap(value: tp.Any) -> tp.Any:
    if isinstance(value, dict) and value.get("$type") == "dict":
        return value.get("items", {})
    return value


def _spec_dec(enc: tp.Any, where: str) -> dict:
    enc = _unwrap(enc)
    if not isinstance(enc, dict) or "payload_type" not in enc:
        raise GraphError(f"{where}: expected an input/output spec, got {enc!r:.80}")
    shape = enc.get("shape", [])
    if isinstance(shape, dict):
        shape = shape.get("items", [])
    dtype = enc.get("dtype", "float32")
    if isinstance(dtype, dict):
        dtype = dtype.get("name", "float32")
    payload = enc["payload_type"]
    if isinstance(payload, dict):
        payload = payload.get("name")
    return {"payload_type": payload, "shape": [int(s) for s in shape], "dtype": str(dtype)}


def brain_to_graph(enc: dict, port_counts: dict[str, int] | None = None) -> dict:
    """Turn an encoded ``BrainConfig`` into a graph document laid out in layers (positions set).

    ``port_counts`` (module class -> number of ports) lets the layout leave room for tall nodes.
    """
    from spark.editor._layout import layered_layout

    if not isinstance(enc, dict) or enc.get("$type") != "config" or not isinstance(enc.get("fields"), dict):
        raise GraphError("the file does not hold an encoded config")
    fields = enc["fields"]
    nodes: list[dict] = []
    edges: list[dict] = []
    ids: dict[tuple[str, str], str] = {}

    def add(kind: str, name: str, **extra: tp.Any) -> str:
        nid = f"{kind}:{name}"
        ids[(kind, name)] = nid
        nodes.append({"id": nid, "kind": kind, "name": name, "position": {"x": 0, "y": 0}, **extra})
        return nid

    for name, spec in _unwrap(fields.get("input_map") or {}).items():
        add("input", name, spec=_spec_dec(spec, f"input_map.{name}"))
    modules = _unwrap(fields.get("modules_map") or {})
    for name, specs in modules.items():
        if not isinstance(specs, dict) or "module" not in specs:
            raise GraphError(f"modules_map.{name}: expected module specs, got {specs!r:.80}")
        module = specs["module"]["name"] if isinstance(specs["module"], dict) else specs["module"]
        add("module", name, module=str(module), config=specs.get("config"))

    def source(port_map: tp.Any, where: str) -> dict:
        if not isinstance(port_map, dict) or "origin" not in port_map or "port" not in port_map:
            raise GraphError(f"{where}: expected a port map, got {port_map!r:.80}")
        origin, port = port_map["origin"], port_map["port"]
        if origin == BRAIN_ORIGIN:
            if ("input", port) not in ids:
                raise GraphError(f"{where}: reads brain input {port!r}, which is not in input_map")
            return {"node": ids[("input", port)], "port": INPUT_PORT}
        if ("module", origin) not in ids:
            raise GraphError(f"{where}: reads module {origin!r}, which is not in modules_map")
        return {"node": ids[("module", origin)], "port": port}

    for name, specs in modules.items():
        for port, maps in _unwrap(specs.get("inputs") or {}).items():
            for i, port_map in enumerate(maps if isinstance(maps, list) else [maps]):
                where = f"modules_map.{name}.inputs.{port}[{i}]"
                edges.append(
                    {"from": source(port_map, where), "to": {"node": ids[("module", name)], "port": port}}
                )
    for name, out in _unwrap(fields.get("output_map") or {}).items():
        out = _unwrap(out)
        if not isinstance(out, dict) or "input" not in out or "spec" not in out:
            raise GraphError(f"output_map.{name}: expected {{'input': port map, 'spec': output spec}}")
        nid = add("output", name, spec=_spec_dec(out["spec"], f"output_map.{name}.spec"))
        edges.append(
            {
                "from": source(out["input"], f"output_map.{name}.input"),
                "to": {"node": nid, "port": OUTPUT_PORT},
            }
        )
    doc = {"nodes": nodes, "edges": edges}
    layered_layout(doc, port_counts)
    return doc
