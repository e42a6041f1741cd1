"""Sample graph documents shared by the editor tests."""

from __future__ import annotations


def spec(shape, dtype="float16", payload="FloatArray"):
    return {"payload_type": payload, "shape": list(shape), "dtype": dtype}


def seed_graph() -> dict:
    """Seed 002's brain as the front end sends it."""

    def n(i, kind, name, **kw):
        return {
            "id": i,
            "kind": kind,
            "name": name,
            "position": {"x": 280 * "abcde".index(i), "y": 40},
            **kw,
        }

    cfg = {"$type": "config", "class": "ExponentialIntegratorConfig", "fields": {"num_outputs": 2}}
    return {
        "nodes": [
            n("a", "input", "drive", spec=spec((4,))),
            n("b", "module", "spiker", module="TopologicalLinearSpiker", config=None),
            n("c", "module", "neurons_pool", module="ALIFNeuron", config=None),
            n("d", "module", "integrator", module="ExponentialIntegrator", config=cfg),
            n("e", "output", "action", spec=spec((2,))),
        ],
        "edges": [
            {"from": {"node": "a", "port": "out"}, "to": {"node": "b", "port": "signal"}},
            {"from": {"node": "b", "port": "spikes"}, "to": {"node": "c", "port": "in_spikes"}},
            {"from": {"node": "c", "port": "out_spikes"}, "to": {"node": "c", "port": "in_spikes"}},
            {"from": {"node": "c", "port": "out_spikes"}, "to": {"node": "d", "port": "spikes"}},
            {"from": {"node": "d", "port": "signal"}, "to": {"node": "e", "port": "in"}},
        ],
    }
