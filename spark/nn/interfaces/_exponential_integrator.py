"""``ExponentialIntegrator``: low-pass filtered mean activity of groups of neurons."""

from __future__ import annotations

import dataclasses as dc

import jax
import jax.numpy as jnp
import numpy as np

from spark.core.config import BaseConfig, Config
from spark.core.payloads import FloatArray, SparkPayload, SpikeArray
from spark.core.registry import register_module
from spark.core.specs import InputSpec
from spark.core.validation import PositiveValidator, TypeValidator
from spark.core.variables import Constant, Variable
from spark.nn.interfaces._base import OutputInterface, OutputInterfaceOutput, state_dtype

__all__ = ["ExponentialIntegrator", "ExponentialIntegratorConfig"]


class ExponentialIntegratorConfig(Config):
    """Configuration of :class:`ExponentialIntegrator`."""

    num_outputs: int = dc.field(
        default=2,
        metadata={
            "validators": [TypeValidator, PositiveValidator],
            "description": "Number of output signals; the input neurons are split into this many "
            "equal, contiguous groups.",
        },
    )
    tau: float = dc.field(
        default=20.0,
        metadata={
            "units": "ms",
            "validators": [TypeValidator, PositiveValidator],
            "description": "Time constant of the low-pass filter (a scalar or one value per output).",
        },
    )
    scale: float = dc.field(
        default=1.0,
        metadata={
            "validators": [TypeValidator],
            "description": "Gain applied to the mean activity (the steady-state output when every "
            "neuron of a group spikes at every step).",
        },
    )


@jax.jit
def _filter_step(y: jax.Array, spikes: jax.Array, decay: jax.Array, gain: jax.Array) -> jax.Array:
    """``y * decay + (1 - decay) * gain * (mean |spikes| of each of the len(y) contiguous groups)``."""
    mean = jnp.abs(spikes.astype(y.dtype)).reshape(y.shape[0], -1).mean(axis=1)
    return y * decay + (1.0 - decay) * gain * mean


@register_module
class ExponentialIntegrator(OutputInterface):
    r"""Read out ``num_outputs`` signals as the filtered mean activity of groups of neurons.

    The input spikes are flattened and split into ``num_outputs`` equal, contiguous groups
    :math:`G_k`. Each output is a leaky integrator of its group's mean activity
    :math:`m_k = \frac{1}{|G_k|}\sum_{i \in G_k} |s_i|` (the sign of inhibitory spikes is ignored):

    .. math::

        \tau \frac{dy_k}{dt} = -y_k + \mathrm{scale}\; m_k(t)

    Discrete update actually implemented (exact for a step-wise constant input, :math:`y_k[0] = 0`):

    .. math::

        y_k[n] = y_k[n-1]\, e^{-\Delta t/\tau} + \big(1 - e^{-\Delta t/\tau}\big)\, \mathrm{scale}\; m_k[n]

    With no spikes the outputs decay by :math:`e^{-\Delta t/\tau}` per step; with a constant
    activity they converge to ``scale * m_k``.

    Args:
        spikes: ``SpikeArray`` of any shape whose size is a multiple of ``num_outputs``.

    Returns:
        ``{'signal': FloatArray}`` of shape ``(num_outputs,)`` in ``config.dtype`` (the filter state
        is kept in at least ``float32``).

    Examples:
        >>> import spark, jax.numpy as jnp
        >>> readout = spark.nn.interfaces.ExponentialIntegrator(num_outputs=2, tau=10.0)
        >>> spikes = spark.SpikeArray(jnp.array([1.0, 1.0, 0.0, -1.0]))   # groups [1, 1] and [0, -1]
        >>> [round(v, 4) for v in readout(spikes=spikes)['signal'].value.tolist()]
        [0.0952, 0.0476]

    Reference:
        Dayan P. & Abbott L. F. (2001), *Theoretical Neuroscience*, MIT Press, ch. 1.2 and 3.3
        (firing rates measured with an exponential window; linear read-outs).
    """

    config: ExponentialIntegratorConfig

    @classmethod
    def example_inputs(cls, config: BaseConfig | None = None) -> dict[str, SparkPayload]:
        dtype = getattr(config, "dtype", jnp.float32)
        k = int(getattr(config, "num_outputs", 2))
        return {"spikes": SpikeArray(jnp.asarray(np.zeros((4 * k,), dtype)))}

    def build(self, input_specs: dict[str, InputSpec]) -> None:
        cfg = self.config
        size = input_specs["spikes"].size
        if size % cfg.num_outputs:
            raise ValueError(
                f"{size} input neurons cannot be split into num_outputs={cfg.num_outputs} equal groups; "
                f"use a num_outputs that divides {size} or resize the input population"
            )
        work = state_dtype(cfg.dtype)
        per_output = {}
        for name, value in (
            ("decay", np.exp(-cfg.dt / np.asarray(cfg.tau, np.float64))),
            ("gain", cfg.scale),
        ):
            try:
                per_output[name] = np.broadcast_to(np.asarray(value, work), (cfg.num_outputs,))
            except ValueError:
                field = "tau" if name == "decay" else "scale"
                raise ValueError(
                    f"{field} has shape {np.shape(getattr(cfg, field))}; give a scalar or one value per output "
                    f"(num_outputs={cfg.num_outputs})"
                ) from None
        self.decay = Constant(jnp.asarray(per_output["decay"]))
        self.gain = Constant(jnp.asarray(per_output["gain"]))
        self.output = Variable(jnp.asarray(np.zeros((cfg.num_outputs,), work)))

    def __call__(self, spikes: SpikeArray) -> OutputInterfaceOutput:
        y = _filter_step(self.output.get_value(), spikes.value, self.decay.get_value(), self.gain.get_value())
        self.output.set_value(y)
        return {"signal": FloatArray(y.astype(self.config.dtype))}
