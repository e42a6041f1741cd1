"""Batches: ``B`` independent copies of one module run side by side with ``jax.vmap``.

Every copy has the same graph (same class, same config up to seeds) and its own state: its own
weights, potentials and PRNG key, drawn from its own seed. The batch stores one flat state dict in
which a key is either *batched* (a leading axis of length ``B``, one row per copy) or *shared* (one
value used by every copy, e.g. ``dt`` or a fixed mask that all seeds agree on); sharing what is equal
saves memory without changing any result.

    >>> import spark
    >>> copies = spark.sim.make_copies(module, 8, seed=0)        # doctest: +SKIP
    >>> batch = spark.sim.Batch.from_modules(copies)               # doctest: +SKIP
    >>> spark.sim.run(batch, {'drive': x_btn})                     # doctest: +SKIP

Running copy ``i`` alone gives exactly row ``i`` of the batched run.
"""

from __future__ import annotations

import typing as tp

import jax
import jax.numpy as jnp
import numpy as np

from spark.core.graph import SparkGraph, merge, split

__all__ = ["Batch", "make_copies", "replicate"]


def _seeds_for(base: int | None, n: int) -> list[int]:
    seq = np.random.SeedSequence(base)
    return [int(s.generate_state(1)[0] % (2**31 - 1)) for s in seq.spawn(n)]


def make_copies(module: tp.Any, n: int, *, seed: int | None = None) -> list[tp.Any]:
    """``n`` fresh, built copies of ``module``, each with its own seeds.

    Copy ``i`` is ``type(module)(config=module.config.with_new_seeds(s_i))`` built with the module's
    input specs, where the seeds ``s_i`` are derived from ``seed`` (default: the module's own
    ``config.seed``), so the same call always gives the same copies.

    Raises:
        ValueError: ``n < 1`` or the module is not built yet.
    """
    if not isinstance(n, int | np.integer) or n < 1:
        raise ValueError(f"spark.sim.make_copies: n must be a positive int, got {n!r}")
    if not getattr(module, "__built__", False):
        raise ValueError(
            f"spark.sim: {type(module).__name__} '{module.name}' is not built; call it once or use "
            f"build_from_specs() before making copies"
        )
    base = getattr(module.config, "seed", None) if seed is None else seed
    specs = module.get_input_specs()
    copies = []
    for s in _seeds_for(base, int(n)):
        m = type(module)(config=module.config.with_new_seeds(s), name=module.name)
        m.build_from_specs(specs)
        copies.append(m)
    return copies


class Batch:
    """``size`` copies of a module sharing one graph; each copy owns its row of the batched state.

    Args:
        graph: the graph of the copies (from :func:`spark.split`).
        state: flat state; keys in ``batched`` have a leading axis of length ``size``.
        batched: the keys that hold one row per copy; the others are shared by every copy.
        size: number of copies.
        mesh: the :class:`jax.sharding.Mesh` the batch axis is sharded over (see :meth:`shard`).
    """

    def __init__(
        self,
        graph: SparkGraph,
        state: dict[str, tp.Any],
        batched: tp.Iterable[str],
        size: int,
        mesh: jax.sharding.Mesh | None = None,
    ):
        self.graph = graph
        self.state = dict(state)
        self.batched = frozenset(batched)
        self.size = int(size)
        self.mesh = mesh
        for k in self.batched:
            lead = np.shape(self.state[k])[:1]
            if lead != (self.size,):
                raise ValueError(
                    f"spark.sim.Batch: batched state {k!r} has shape {np.shape(self.state[k])}; "
                    f"its leading axis must be the batch size {self.size}"
                )

    @classmethod
    def from_modules(cls, modules: tp.Sequence[tp.Any]) -> Batch:
        """Stack built copies of one module (same class and config up to seeds) into a batch."""
        modules = list(modules)
        if not modules:
            raise ValueError("spark.sim.Batch.from_modules: give at least one module")
        first = modules[0]
        for i, m in enumerate(modules):
            if not getattr(m, "__built__", False):
                raise ValueError(
                    f"spark.sim.Batch: module {i} ({type(m).__name__} '{m.name}') is not built; "
                    f"call it once or use build_from_specs() first"
                )
            if type(m) is not type(first):
                raise ValueError(
                    f"spark.sim.Batch: module {i} is a {type(m).__name__}, module 0 a "
                    f"{type(first).__name__}; copies must share one class"
                )
            if i and m.config.with_new_seeds(0) != first.config.with_new_seeds(0):
                diff = m.config.diff(first.config)
                raise ValueError(
                    f"spark.sim.Batch: module {i}'s config differs from module 0's beyond seeds: "
                    f"{ {k: v for k, v in list(diff.items())[:3]} }"
                )
        graph, state0 = split(first, constants_in_state=True)
        states = [state0] + [split(m, constants_in_state=True)[1] for m in modules[1:]]
        for i, st in enumerate(states[1:], 1):
            if list(st) != list(state0):
                extra = sorted(set(st) ^ set(state0))[:3]
                raise ValueError(
                    f"spark.sim.Batch: module {i} has different state keys from module 0 ({extra})"
                )
            for k in state0:
                if np.shape(st[k]) != np.shape(state0[k]) or np.dtype(st[k].dtype) != np.dtype(
                    state0[k].dtype
                ):
                    raise ValueError(
                        f"spark.sim.Batch: state {k!r} of module {i} is {np.shape(st[k])} "
                        f"{st[k].dtype}, module 0 has {np.shape(state0[k])} {state0[k].dtype}"
                    )
        stacked: dict[str, tp.Any] = {}
        batched = []
        for k in state0:
            host = [np.asarray(st[k]) for st in states]
            if all(np.array_equal(host[0], h) for h in host[1:]):
                stacked[k] = state0[k]
            else:
                stacked[k] = jnp.stack([st[k] for st in states])
                batched.append(k)
        return cls(graph, stacked, batched, len(modules))

    @classmethod
    def broadcast(cls, module: tp.Any, size: int) -> Batch:
        """``size`` identical copies of ``module`` (every key shared; rows diverge once inputs differ)."""
        graph, state = split(module, constants_in_state=True)
        return cls(graph, state, (), size)

    def __len__(self) -> int:
        return self.size

    def __repr__(self) -> str:
        where = f", sharded over {self.mesh.devices.size} devices" if self.mesh is not None else ""
        return f"Batch({self.size} copies, {len(self.batched)}/{len(self.state)} state keys per copy{where})"

    def state_of(self, i: int) -> dict[str, tp.Any]:
        """The flat state of copy ``i``."""
        if not -self.size <= i < self.size:
            raise IndexError(f"spark.sim.Batch: copy {i} out of range for a batch of {self.size}")
        return {k: (v[i] if k in self.batched else v) for k, v in self.state.items()}

    def module(self, i: int) -> tp.Any:
        """Copy ``i`` as a standalone module (its config is copy 0's; only seeds could differ)."""
        return merge(self.graph, self.state_of(i))

    def full_state(self) -> dict[str, tp.Any]:
        """The state with every key batched (shared keys broadcast to ``(size, ...)``)."""
        return {
            k: v if k in self.batched else jnp.broadcast_to(v, (self.size, *np.shape(v)))
            for k, v in self.state.items()
        }

    def shard(self, devices: tp.Sequence[jax.Device] | None = None, axis_name: str = "batch") -> Batch:
        """Place the batch axis on ``devices`` (default: all) with a :class:`jax.sharding.NamedSharding`.

        Copies are split evenly across devices, shared keys are replicated; runs then execute each
        device's copies on that device. ``size`` must be a multiple of the number of devices.
        """
        from spark.sim._sharding import shard_batch

        return shard_batch(self, devices, axis_name)


def replicate(module: tp.Any, n: int, *, seed: int | None = None) -> Batch:
    """A :class:`Batch` of ``n`` copies of ``module``, each with its own seeds (see :func:`make_copies`)."""
    return Batch.from_modules(make_copies(module, n, seed=seed))
