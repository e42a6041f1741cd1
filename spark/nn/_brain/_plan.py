"""The static plan of a built brain and how a port's payload is gathered from its sources.

A port fed by one source receives that source's payload unchanged; a port fed by several sources
receives their values flattened, cast to a common dtype and concatenated in order. Brain outputs are
gathered the same way, then reshaped and cast to their ``OutputSpec``.
"""

from __future__ import annotations

import dataclasses as dc

import jax.numpy as jnp
import numpy as np

from spark.core.errors import WiringError
from spark.core.payloads import SparkPayload
from spark.core.specs import InputSpec, PortMap, PortSpecs
from spark.nn._brain._wiring import BRAIN_ORIGIN, source_name

__all__ = ["Port", "Plan", "gather", "gather_spec", "output_port"]


@dc.dataclass(frozen=True)
class Port:
    """How one input port (or brain output) is gathered: its sources and the payload they make."""

    name: str
    sources: tuple[tuple[str, str], ...]  # (origin, port); origin '__call__' = brain input
    payload_type: type
    dtype: np.dtype | None  # None: a single source passed through unchanged
    shape: tuple[int, ...] | None = None  # reshape target (brain outputs only)


@dc.dataclass(frozen=True)
class Plan:
    """Everything static about a built brain (hashable: it lives in the graph, not in the state)."""

    order: tuple[str, ...]
    wiring: tuple[tuple[str, tuple[Port, ...]], ...]
    cached: tuple[tuple[str, str, type], ...]  # (module, port, payload type)
    outputs: tuple[Port, ...]
    spikes: tuple[tuple[str, str], ...]  # (module, port) reported by get_spikes_from_cache
    inputs: tuple[tuple[str, type, tuple[int, ...], np.dtype], ...]


def gather_spec(
    port: str,
    sources: list[tuple[PortMap, PortSpecs]],
    want: type,
    target: str,
) -> tuple[Port, InputSpec]:
    """The gathered payload's spec and the plan to gather it (the wiring was checked statically)."""
    for pm, spec in sources:
        if not issubclass(spec.payload_type, want):
            raise WiringError(
                f"payload type mismatch: {source_name(pm)} gives {spec.payload_type.__name__}, "
                f"but {target} expects {want.__name__}"
            )
    refs = tuple((pm.origin, pm.port) for pm, _ in sources)
    if len(sources) == 1:
        spec = sources[0][1]
        return Port(port, refs, spec.payload_type, None), InputSpec(spec.payload_type, spec.shape, spec.dtype)
    kinds = {spec.payload_type for _, spec in sources}
    ptype = kinds.pop() if len(kinds) == 1 else want
    dtype = np.dtype(jnp.result_type(*[spec.dtype for _, spec in sources]))
    size = sum(spec.size for _, spec in sources)
    return Port(port, refs, ptype, dtype), InputSpec(ptype, (size,), dtype)


def output_port(name: str, spec: PortSpecs, sources: list[tuple[PortMap, PortSpecs]]) -> Port:
    size = sum(s.size for _, s in sources)
    if size != spec.size:
        got = ", ".join(f"{source_name(pm)} {s.shape}" for pm, s in sources)
        raise WiringError(
            f"brain output '{name}' is declared with shape {spec.shape} ({spec.size} values) but "
            f"{got} gives {size} values; fix its OutputSpec shape"
        )
    for pm, s in sources:
        if not issubclass(s.payload_type, spec.payload_type):
            raise WiringError(
                f"payload type mismatch: {source_name(pm)} gives {s.payload_type.__name__}, "
                f"but brain output '{name}' is declared {spec.payload_type.__name__}"
            )
    return Port(
        name,
        tuple((pm.origin, pm.port) for pm, _ in sources),
        spec.payload_type,
        np.dtype(spec.dtype),
        tuple(spec.shape),
    )


def gather(port: Port, values: dict, given: dict, types: dict) -> SparkPayload:
    """Collect the payload of one port from brain inputs and module outputs (see :class:`Port`)."""
    arrays = [given[p].value if o == BRAIN_ORIGIN else values[o][p] for o, p in port.sources]
    if port.dtype is None:
        (o, p), array = port.sources[0], arrays[0]
        ptype = type(given[p]) if o == BRAIN_ORIGIN else types[(o, p)]
        return ptype(array)
    if len(arrays) == 1:
        array = arrays[0].astype(port.dtype)
    else:
        array = jnp.concatenate([a.reshape(-1).astype(port.dtype) for a in arrays])
    return port.payload_type(array.reshape(port.shape) if port.shape is not None else array)
