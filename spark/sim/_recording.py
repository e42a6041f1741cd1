"""Which signals a run keeps: output ports and state variables, chosen by name or glob pattern.

A run records only what it is asked for. Names are resolved once, before compiling:

* an output port of the module (``'action'`` for a brain, ``'out_spikes'`` for a neuron), or the same
  with an explicit prefix, ``'output:action'``;
* a flat state key as produced by :func:`spark.split` (``'modules/neurons_pool/soma/potential'`` in a
  brain), an ``fnmatch`` pattern over those keys (``'*/soma/potential'``), or a trailing part of keys
  (``'neurons_pool/soma/potential'`` matches ``'modules/neurons_pool/soma/potential'``), optionally
  prefixed ``'state:'``;
* ``True`` for every output port and every dynamic state variable (not parameters or RNG keys).

With ``decimate=d`` the recorded samples are the values right after steps ``0, d, 2d, ...`` (counted
from the start of the run), so a run of ``T`` steps keeps ``ceil(T / d)`` samples per signal.
"""

from __future__ import annotations

import dataclasses as dc
import fnmatch
import typing as tp

from spark.core.errors import suggest

__all__ = ["RecordPlan", "resolve_record"]


@dc.dataclass(frozen=True)
class RecordPlan:
    """Resolved recording request: the state keys and output ports to keep, and the decimation."""

    state_keys: tuple[str, ...] = ()
    output_ports: tuple[str, ...] = ()
    decimate: int = 1

    @property
    def empty(self) -> bool:
        return not self.state_keys and not self.output_ports

    def names(self) -> tuple[str, ...]:
        return self.output_ports + self.state_keys


def _check_decimate(decimate: tp.Any) -> int:
    if isinstance(decimate, bool) or not isinstance(decimate, int) or decimate < 1:
        raise ValueError(
            f"spark.sim: decimate must be an int >= 1 (keep one sample every `decimate` steps), "
            f"got {decimate!r}"
        )
    return int(decimate)


def resolve_record(
    record: tp.Any,
    state_keys: tp.Sequence[str],
    output_ports: tp.Sequence[str],
    dynamic_keys: tp.Sequence[str],
    decimate: int = 1,
) -> RecordPlan:
    """Turn a recording request into a :class:`RecordPlan`.

    Args:
        record: ``None``/``False`` (nothing), ``True`` (outputs and dynamic state), a name or pattern, or a
            list of them.
        state_keys: every flat state key of the module.
        output_ports: the module's output port names.
        dynamic_keys: the state keys ``record=True`` keeps (dynamic variables).
        decimate: keep one sample every ``decimate`` steps.

    Raises:
        ValueError: a name matches nothing; the message lists close keys.
    """
    decimate = _check_decimate(decimate)
    if record is None or record is False:
        return RecordPlan((), (), decimate)
    if record is True:
        return RecordPlan(tuple(dynamic_keys), tuple(output_ports), decimate)
    if isinstance(record, str):
        record = [record]
    try:
        items = list(record)
    except TypeError:
        raise TypeError(
            f"spark.sim: record must be a name, a list of names or True, got {type(record).__name__}"
        ) from None
    keys: list[str] = []
    ports: list[str] = []
    for item in items:
        if not isinstance(item, str):
            raise TypeError(
                f"spark.sim: record entries must be strings (state keys or output ports), got {item!r}"
            )
        kind, _, name = item.partition(":") if item.startswith(("output:", "state:")) else ("", "", item)
        if kind in ("", "output") and name in output_ports:
            if name not in ports:
                ports.append(name)
            continue
        if kind == "output":
            raise ValueError(
                f"spark.sim: no output port {name!r}{suggest(name, output_ports)}; "
                f"output ports: {', '.join(output_ports) or '(none)'}"
            )
        matched = (
            [k for k in state_keys if k == name]
            or [k for k in state_keys if fnmatch.fnmatchcase(k, name)]
            or [k for k in state_keys if fnmatch.fnmatchcase(k, "*/" + name)]
        )
        if not matched:
            close = suggest(name, list(state_keys) + list(output_ports))
            prefix = name.split("*")[0].split("/")[0]
            nearby = [k for k in state_keys if k.startswith(prefix)][:8] if prefix else []
            listing = ", ".join(nearby or list(state_keys)[:8])
            raise ValueError(
                f"spark.sim: nothing to record for {item!r}{close}; give an output port "
                f"({', '.join(output_ports) or 'none'}) or a state key/pattern such as: {listing}"
                f"{', ...' if len(state_keys) > 8 else ''}"
            )
        keys.extend(k for k in matched if k not in keys)
    return RecordPlan(tuple(keys), tuple(ports), decimate)
