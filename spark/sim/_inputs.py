"""How a run is fed: sequences with a time axis, constants held for every step, or a function of time.

A run needs one input payload per input port at every step. :func:`normalize_inputs` sorts what the
user gave into three parts that the compiled loop treats differently:

* ``seq`` — arrays with a leading time axis ``T`` (``(B, T, ...)`` for a batch), sliced into chunks on
  the host and scanned over;
* ``const`` — one value per port, the same at every step (closed over by the loop);
* ``fn`` — a callable ``fn(t) -> {port: payload}`` of the global step index ``t`` (a traced ``int32``),
  evaluated inside the loop.

Plain arrays are wrapped into the payload type of their port; every value is cast to the dtype the
module was built with, so a ``float32`` data set can drive a ``float16`` brain.
"""

from __future__ import annotations

import dataclasses as dc
import typing as tp

import jax
import jax.numpy as jnp
import numpy as np

from spark.core.payloads import FloatArray, SparkPayload
from spark.core.specs import InputSpec

__all__ = ["constant", "Constant", "InputPlan", "normalize_inputs", "port_specs"]


class Constant:
    """Marks inputs that are held fixed for every step of a run (see :func:`constant`)."""

    __slots__ = ("inputs",)

    def __init__(self, inputs: tp.Mapping[str, tp.Any]):
        if not isinstance(inputs, tp.Mapping):
            raise TypeError(
                f"spark.sim.constant expects a dict {{port: payload}}, got {type(inputs).__name__}"
            )
        self.inputs = dict(inputs)

    def __repr__(self) -> str:
        return f"spark.sim.constant({sorted(self.inputs)})"


def constant(inputs: tp.Mapping[str, tp.Any] | None = None, /, **ports: tp.Any) -> Constant:
    """Inputs held fixed at every step: ``spark.sim.run(m, spark.sim.constant(drive=x), steps=100)``.

    Without this marker an input whose shape equals the port's shape (no time axis) is also taken as
    constant, once the module is built; the marker removes the ambiguity for unbuilt modules.
    """
    return Constant({**(inputs or {}), **ports})


@dc.dataclass
class InputPlan:
    """Inputs sorted for the compiled loop (see the module docstring)."""

    steps: int
    seq: dict[str, SparkPayload]
    const: dict[str, SparkPayload]
    fn: tp.Callable[[jax.Array], tp.Mapping[str, tp.Any]] | None
    batch: int | None = None
    const_batched: frozenset[str] = frozenset()

    def chunk(self, start: int, stop: int) -> dict[str, SparkPayload]:
        """The sequence inputs of steps ``start:stop`` (time is axis 1 for a batch, else axis 0)."""
        if self.batch is None:
            return {k: type(v)(v.value[start:stop]) for k, v in self.seq.items()}
        return {k: type(v)(v.value[:, start:stop]) for k, v in self.seq.items()}


def _owner(module: tp.Any) -> str:
    return f"{type(module).__name__} '{getattr(module, 'name', '?')}'"


def port_specs(module: tp.Any) -> dict[str, InputSpec] | None:
    """The input specs of a built module (``None`` when it is not built yet)."""
    if not getattr(module, "__built__", False):
        return None
    return module.get_input_specs()


def _port_type(module: tp.Any, port: str, specs: dict[str, InputSpec] | None) -> type[SparkPayload]:
    if specs is not None and port in specs:
        return specs[port].payload_type
    try:
        t = type(module)._ports()[0].get(port)
    except Exception:  # modules taking **inputs (a brain) have no annotated ports
        t = None
    return t if isinstance(t, type) and issubclass(t, SparkPayload) and t is not SparkPayload else FloatArray


def _as_payload(module: tp.Any, port: str, value: tp.Any, specs: dict[str, InputSpec] | None) -> SparkPayload:
    if isinstance(value, SparkPayload):
        cls, arr = type(value), value.value
    else:
        cls, arr = _port_type(module, port, specs), value
        if not isinstance(arr, jax.Array | np.ndarray):
            arr = np.asarray(arr)
    if specs is not None and port in specs and np.dtype(arr.dtype) != specs[port].dtype:
        arr = arr.astype(specs[port].dtype)
    return cls(arr)


def _check_ports(module: tp.Any, given: tp.Iterable[str], specs: dict[str, InputSpec] | None) -> None:
    if specs is None:
        return
    unknown = [p for p in given if p not in specs]
    if unknown:
        raise ValueError(
            f"{_owner(module)} has no input port {unknown[0]!r}; it was built with inputs "
            f"{', '.join(sorted(specs)) or '(none)'}"
        )


def normalize_inputs(
    module: tp.Any,
    inputs: tp.Any,
    steps: int | None,
    batch: int | None = None,
) -> InputPlan:
    """Sort ``inputs`` into sequences, constants and a function of time, and find the number of steps.

    Args:
        module: the module to feed (built or not).
        inputs: ``{port: payload_or_array}`` with a leading time axis, :func:`constant` inputs, a callable
            ``fn(t) -> {port: payload}``, or ``None`` for a module without required inputs.
        steps: number of steps; required unless some input has a time axis (then it must agree).
        batch: number of copies when running a batch; sequences then have shape ``(B, T, ...)`` and
            constants either the port's shape (shared) or ``(B, *shape)``.
    """
    specs = port_specs(module)
    seq: dict[str, SparkPayload] = {}
    const: dict[str, SparkPayload] = {}
    fn = None
    const_batched: set[str] = set()
    if inputs is None:
        pass
    elif callable(inputs) and not isinstance(inputs, tp.Mapping | Constant):
        fn = inputs
    elif isinstance(inputs, Constant):
        _check_ports(module, inputs.inputs, specs)
        for port, value in inputs.inputs.items():
            payload = const[port] = _as_payload(module, port, value, specs)
            spec_shape = specs[port].shape if specs is not None else None
            if spec_shape is None or tuple(payload.shape) == spec_shape:
                continue
            if batch is not None and tuple(payload.shape) == (batch, *spec_shape):
                const_batched.add(port)  # one value per copy
                continue
            per_copy = f" or (B, *shape) = {(batch, *spec_shape)} (one value per copy)" if batch is not None else ""
            raise ValueError(
                f"{_owner(module)}: constant input {port!r} has shape {tuple(payload.shape)}; expected the "
                f"port's shape {spec_shape}{per_copy}"
            )
    elif isinstance(inputs, tp.Mapping):
        _check_ports(module, inputs, specs)
        for port, value in inputs.items():
            payload = _as_payload(module, port, value, specs)
            spec_shape = specs[port].shape if specs is not None else None
            lead = 2 if batch is not None else 1
            if spec_shape is not None and tuple(payload.shape) == spec_shape:
                const[port] = payload
            elif (
                spec_shape is not None and batch is not None and tuple(payload.shape) == (batch, *spec_shape)
            ):
                const[port] = payload
                const_batched.add(port)
            elif spec_shape is not None and tuple(payload.shape[lead:]) != spec_shape:
                want = "(B, T, " if batch is not None else "(T, "
                raise ValueError(
                    f"{_owner(module)}: input {port!r} has shape {tuple(payload.shape)}; expected "
                    f"{want}{', '.join(map(str, spec_shape))}{',' if len(spec_shape) == 1 else ''}) for a "
                    f"sequence or {spec_shape} for a constant input"
                )
            elif payload.value.ndim < lead:
                raise ValueError(
                    f"{_owner(module)}: input {port!r} has shape {tuple(payload.shape)}, which has no time axis; "
                    f"wrap constant inputs with spark.sim.constant(...) and pass steps="
                )
            else:
                seq[port] = payload
    else:
        raise TypeError(
            f"spark.sim.run: inputs must be a dict {{port: payload}}, spark.sim.constant(...), a callable "
            f"fn(t) -> dict, or None; got {type(inputs).__name__}"
        )

    axis = 1 if batch is not None else 0
    lengths = {p: int(v.shape[axis]) for p, v in seq.items()}
    if batch is not None:
        for p, v in seq.items():
            if v.shape[0] != batch:
                raise ValueError(
                    f"{_owner(module)}: input {p!r} has shape {tuple(v.shape)} but the batch has {batch} copies; "
                    f"batched sequences have shape (B, T, ...) with B = {batch}"
                )
    if len(set(lengths.values())) > 1:
        raise ValueError(f"{_owner(module)}: sequence inputs disagree on the number of steps: {lengths}")
    if lengths:
        t_len = next(iter(lengths.values()))
        if steps is not None and steps != t_len:
            raise ValueError(f"spark.sim.run: steps={steps} but the inputs have {t_len} time steps")
        steps = t_len
    if steps is None:
        raise ValueError(
            "spark.sim.run: give steps= when no input has a time axis (constant, callable or no inputs)"
        )
    if not isinstance(steps, int | np.integer) or steps < 0:
        raise ValueError(f"spark.sim.run: steps must be a non-negative int, got {steps!r}")
    return InputPlan(int(steps), seq, const, fn, batch, frozenset(const_batched))


def first_step_inputs(module: tp.Any, plan: InputPlan) -> dict[str, SparkPayload]:
    """Concrete inputs of step 0 of copy 0 (used to build an unbuilt module)."""
    out: dict[str, SparkPayload] = {}
    for p, v in plan.seq.items():
        out[p] = type(v)(jnp.asarray(v.value[0, 0] if plan.batch is not None else v.value[0]))
    for p, v in plan.const.items():
        out[p] = type(v)(jnp.asarray(v.value[0] if p in plan.const_batched else v.value))
    if plan.fn is not None:
        out.update(wrap_fn_output(module, plan.fn(jnp.int32(0))))
    return out


def wrap_fn_output(module: tp.Any, produced: tp.Any) -> dict[str, SparkPayload]:
    """Check and wrap the ``{port: payload}`` returned by an input function."""
    if not isinstance(produced, tp.Mapping):
        raise TypeError(
            f"spark.sim.run: the input function must return a dict {{port: payload}}, got {type(produced).__name__}"
        )
    specs = port_specs(module)
    _check_ports(module, produced, specs)
    return {p: _as_payload(module, p, v, specs) for p, v in produced.items()}
