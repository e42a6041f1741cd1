"""Combinators: ``Sequential`` chains modules, ``Residual`` adds a skip connection around a chain."""

from __future__ import annotations

from collections.abc import Mapping

import jax.numpy as jnp

from spark.lowlevel._module import Module

__all__ = ["Sequential", "Residual"]


class Sequential(Module):
    """Feed the output of each module into the next one.

    Submodules are named ``"{index}_{ClassName}"`` (or by the keys of a mapping passed instead), so
    ``parameters()``, ``state()`` and ``set_attributes()`` use those names. ``evolve`` returns
    ``new_state`` and ``recorded`` keyed the same way. ``shape`` is
    ``(first.size_in, m1.size_out, ..., last.size_out)``.

    Args:
        *modules: the modules, in order; or a single mapping ``{name: module}``.

    Raises:
        ValueError: no modules, or one module's ``size_out`` differs from the next one's ``size_in``.

    Examples:
        >>> from spark.lowlevel import LinearJax, LIFJax, Sequential
        >>> net = Sequential(LinearJax((3, 4)), LIFJax(4))
        >>> print(net)
        Sequential with shape (3, 4, 4) {
            LinearJax '0_LinearJax' with shape (3, 4)
            LIFJax '1_LIFJax' with shape (4, 4)
        }
    """

    def __init__(self, *modules, **kwargs):
        cls = type(self).__name__
        if len(modules) == 1 and isinstance(modules[0], Mapping):
            named = dict(modules[0])
        else:
            named = {
                f"{i}_{m.class_name if isinstance(m, Module) else type(m).__name__}": m
                for i, m in enumerate(modules)
            }
        if not named:
            raise ValueError(f"{cls}: give at least one module")
        for key, mod in named.items():
            if not isinstance(mod, Module):
                raise TypeError(f"{cls}: {key!r} is a {type(mod).__name__}, not a spark.lowlevel Module")
        mods = list(named.items())
        for (k_a, a), (k_b, b) in zip(mods, mods[1:], strict=False):
            if a.size_out != b.size_in:
                raise ValueError(
                    f"{cls}: {k_a!r} outputs {a.size_out} channels but {k_b!r} expects {b.size_in} "
                    f"(size_in); make their shapes agree"
                )
        shape = (mods[0][1].size_in, *(m.size_out for _, m in mods))
        super().__init__(
            shape=shape,
            spiking_input=mods[0][1].spiking_input,
            spiking_output=mods[-1][1].spiking_output,
            **kwargs,
        )
        for key, mod in mods:
            setattr(self, key, mod)
        self._order = tuple(named)

    def __getitem__(self, index: int | str) -> Module:
        """The submodule at position ``index`` (or with name ``index``)."""
        return getattr(self, self._order[index] if isinstance(index, int) else index)

    def __len__(self) -> int:
        return len(self._order)

    def modules(self) -> dict[str, Module]:
        """The submodules in evaluation order."""
        return {k: getattr(self, k) for k in self._order}

    def evolve(self, input_data, record: bool = False, *args, **kwargs):
        """Run the chain; ``new_state``/``recorded`` hold one entry per submodule name."""
        x, new_state, recorded = input_data, {}, {}
        # a (T, N) input is one unbatched run: every stage gets (T, N), so each keeps unbatched
        # state, exactly as the stage would when evolved on its own; the output is (1, T, N)
        unbatched = jnp.ndim(input_data) == 2
        for key in self._order:
            x, sub_state, sub_record = getattr(self, key).evolve(x, record)
            if unbatched and jnp.ndim(x) == 3 and jnp.shape(x)[0] == 1:
                x = x[0]
            if sub_state:
                new_state[key] = sub_state
            if record:
                recorded[key] = sub_record
                recorded[f"{key}_output"] = x[None] if unbatched else x
        if unbatched and jnp.ndim(x) == 2:
            x = x[None]
        return x, new_state, recorded


class Residual(Sequential):
    """A :class:`Sequential` chain plus its input: ``y = chain(x) + x``.

    The chain must map ``N`` channels back to ``N``. A 2-D input is promoted to ``(1, T, N)`` before it
    is added. Raises ``ValueError`` when ``size_in != size_out``.

    Examples:
        >>> from spark.lowlevel import LinearJax, Residual
        >>> Residual(LinearJax((2, 2))).shape
        (2, 2)
    """

    def __init__(self, *modules, **kwargs):
        super().__init__(*modules, **kwargs)
        if self.size_in != self.size_out:
            raise ValueError(
                f"Residual: the chain maps {self.size_in} channels to {self.size_out}; a skip connection "
                f"needs them equal"
            )

    def evolve(self, input_data, record: bool = False, *args, **kwargs):
        """``chain(x) + x``; ``new_state``/``recorded`` as for :class:`Sequential`."""
        y, new_state, recorded = super().evolve(input_data, record)
        return y + self._auto_batch(input_data)[0], new_state, recorded
