"""``LinearJax``: a dense weight matrix with an optional bias."""

from __future__ import annotations

import jax.numpy as jnp

from spark.lowlevel._init import kaiming, zeros
from spark.lowlevel._module import Module
from spark.lowlevel._parameters import Parameter

__all__ = ["LinearJax", "Linear"]


class LinearJax(Module):
    r"""Dense linear map applied independently at every time step: :math:`y_t = x_t W + b`.

    Stateless; ``W`` has shape ``(N_in, N_out)`` (family ``"weights"``) and the optional bias ``b``
    shape ``(N_out,)`` (family ``"biases"``).

    Args:
        shape: ``(N_in, N_out)``.
        weight: initial weights; drawn with ``weight_init_func`` (Kaiming normal) when ``None``.
        bias: initial bias (implies ``has_bias=True``).
        has_bias: add a trainable bias (zeros unless ``bias``/``bias_init_func`` say otherwise).
        weight_init_func: ``f(shape)`` for the weights.
        bias_init_func: ``f(shape)`` for the bias.

    Examples:
        >>> import numpy as np
        >>> from spark.lowlevel import LinearJax
        >>> lin = LinearJax((2, 3), weight=np.ones((2, 3)), bias=np.arange(3.0))
        >>> np.asarray(lin(np.ones((1, 2)))[0]).tolist()
        [[[2.0, 3.0, 4.0]]]
    """

    def __init__(
        self,
        shape,
        weight=None,
        bias=None,
        has_bias: bool = False,
        weight_init_func=kaiming,
        bias_init_func=zeros,
        spiking_input: bool = False,
        spiking_output: bool = False,
        *args,
        **kwargs,
    ):
        shape = tuple(shape) if not isinstance(shape, int) else (shape, shape)
        if len(shape) != 2:
            raise ValueError(f"LinearJax: shape must be (N_in, N_out), got {shape}")
        super().__init__(shape, spiking_input, spiking_output, *args, **kwargs)
        self._has_bias = bool(has_bias or bias is not None)
        self.weight = Parameter(weight, family="weights", init_func=weight_init_func, shape=shape)
        if self._has_bias:
            self.bias = Parameter(bias, family="biases", init_func=bias_init_func, shape=(shape[1],))

    def evolve(self, input_data, record: bool = False, *args, **kwargs):
        """``(T, N_in)`` or ``(B, T, N_in)`` in, ``(B, T, N_out)`` out; no state, nothing to record."""
        x = self._auto_batch(input_data)[0]
        y = jnp.matmul(x, self.weight[...])
        if self._has_bias:
            y = y + self.bias[...]
        return y, {}, {}


class Linear(LinearJax):
    """Same implementation as :class:`LinearJax` under Rockpool's backend-neutral name (no separate NumPy backend)."""
