"""Layered (Sugiyama-style) layout of a graph document, for models loaded from ``.scfg`` files.

1. Cycles are broken by keeping only the edges that move away from the inputs: an edge ``u -> v`` is
   kept when ``v`` is farther than ``u`` from the inputs (breadth-first distance). Recurrent and
   lateral edges (an inhibitory population feeding back, a population feeding itself) are drawn but
   do not push nodes to the right, so parallel populations stay side by side.
2. Each node gets the layer of its longest path over the kept edges; outputs go to the last layer.
3. Within a layer, nodes are ordered by the mean position of their predecessors (one barycenter sweep),
   which removes most crossings in the small graphs a brain is made of.
4. Layers become columns ``COLUMN`` pixels apart, nodes are stacked and centred vertically.
"""

from __future__ import annotations

__all__ = ["layered_layout", "COLUMN"]

COLUMN = 300
ROW_BASE = 110  # title, padding and the gap to the next node, in pixels
ROW_PER_PORT = 34
MARGIN = 60


def _distances(order: list[str], succ: dict[str, list[str]], starts: list[str]) -> dict[str, int]:
    dist: dict[str, int] = {}
    for seeds in [starts] + [[n] for n in order]:
        frontier = [n for n in seeds if n not in dist]
        base = max(dist.values(), default=-1) + 1 if seeds is not starts else 0
        for n in frontier:
            dist[n] = base
        while frontier:
            nxt = []
            for n in frontier:
                for m in succ[n]:
                    if m not in dist:
                        dist[m] = dist[n] + 1
                        nxt.append(m)
            frontier = nxt
    return dist


def layered_layout(doc: dict, port_counts: dict[str, int] | None = None) -> None:
    """Set ``position`` of every node of ``doc`` in place.

    ``port_counts`` gives the number of ports of each module class (from the catalogue), so that tall
    nodes get room; without it, the ports seen on the edges are counted.
    """
    nodes = {n["id"]: n for n in doc["nodes"]}
    if not nodes:
        return
    succ: dict[str, list[str]] = {nid: [] for nid in nodes}
    ports: dict[str, set[str]] = {nid: set() for nid in nodes}
    for e in doc["edges"]:
        a, b = e["from"]["node"], e["to"]["node"]
        if b not in succ[a]:
            succ[a].append(b)
        ports[a].add("out:" + e["from"]["port"])
        ports[b].add("in:" + e["to"]["port"])
    rank = {"input": 0, "module": 1, "output": 2}
    order = sorted(nodes, key=lambda nid: rank[nodes[nid]["kind"]])
    dist = _distances(order, succ, [n for n in order if nodes[n]["kind"] == "input"])
    pred: dict[str, list[str]] = {nid: [] for nid in nodes}
    for a, targets in succ.items():
        for b in targets:
            if dist[b] > dist[a]:
                pred[b].append(a)
    layer: dict[str, int] = {}

    def depth(nid: str) -> int:
        # iterative longest path over the acyclic predecessor graph
        stack = [nid]
        while stack:
            cur = stack[-1]
            todo = [p for p in pred[cur] if p not in layer]
            if todo:
                stack.extend(todo)
                continue
            stack.pop()
            layer[cur] = (
                0 if nodes[cur]["kind"] == "input" else max((layer[p] + 1 for p in pred[cur]), default=0)
            )
        return layer[nid]

    for nid in order:
        depth(nid)
    inner = [layer[n] for n in nodes if nodes[n]["kind"] != "output"]
    last = max(inner, default=0) + 1
    for nid, node in nodes.items():
        if node["kind"] == "output":
            layer[nid] = max(last, layer[nid])
        elif (
            node["kind"] == "module" and layer[nid] == 0 and any(k["kind"] == "input" for k in nodes.values())
        ):
            layer[nid] = 1
    columns: dict[int, list[str]] = {}
    for nid in order:
        columns.setdefault(layer[nid], []).append(nid)
    slot: dict[str, float] = {}
    for col in sorted(columns):
        members = columns[col]
        members.sort(
            key=lambda nid: (
                sum(slot[p] for p in pred[nid] if p in slot)
                / max(1, len([p for p in pred[nid] if p in slot]))
                if any(p in slot for p in pred[nid])
                else float(len(slot))
            )
        )
        for i, nid in enumerate(members):
            slot[nid] = i
    counts = port_counts or {}
    heights = {
        nid: ROW_BASE + ROW_PER_PORT * max(1, len(ports[nid]), counts.get(str(nodes[nid].get("module")), 0))
        for nid in nodes
    }
    totals = {col: sum(heights[n] for n in members) for col, members in columns.items()}
    tallest = max(totals.values())
    for x_index, col in enumerate(sorted(columns)):
        y = MARGIN + (tallest - totals[col]) / 2
        for nid in columns[col]:
            nodes[nid]["position"] = {"x": MARGIN + x_index * COLUMN, "y": round(y)}
            y += heights[nid]
