"""``ConductanceSynapses``: conductance-based (COBA) synapses with reversal potentials."""

from __future__ import annotations

import dataclasses as dc

import jax.numpy as jnp
import numpy as np

from spark.core.payloads import PotentialArray, SpikeArray
from spark.core.registry import register_module
from spark.core.validation import NonNegativeValidator, PositiveValidator, TypeValidator
from spark.core.variables import Constant, Variable
from spark.nn.initializers import InitializerConfig
from spark.nn.synapses._base import (
    Synapses,
    SynapsesConfig,
    SynapsesOutput,
    kernel_initializer_field,
    state_dtype,
)

__all__ = ["ConductanceChannels", "ConductanceSynapses", "ConductanceSynapsesConfig"]


def _ms(default: float, what: str) -> dc.Field:
    return dc.field(
        default=default,
        metadata={"units": "ms", "validators": [TypeValidator, PositiveValidator], "description": what},
    )


def _mv(default: float, what: str) -> dc.Field:
    return dc.field(
        default=default, metadata={"units": "mV", "validators": [TypeValidator], "description": what}
    )


class ConductanceSynapsesConfig(SynapsesConfig):
    """Configuration of :class:`ConductanceSynapses` (defaults of the COBA benchmark).

    Conductances are dimensionless, in units of the soma's leak conductance, so the output
    :math:`g\\,(E - v)` is a voltage drive (mV) like the ``R I`` term of the somas.
    """

    tau_e: float = _ms(5.0, "Decay time constant of the excitatory conductance.")
    tau_i: float = _ms(10.0, "Decay time constant of the inhibitory conductance.")
    E_e: float = _mv(0.0, "Reversal potential of excitatory synapses.")
    E_i: float = _mv(-80.0, "Reversal potential of inhibitory synapses.")
    v_rest: float = _mv(
        -65.0,
        "Postsynaptic potential assumed while no `potential` input is given (use the "
        "soma's resting potential).",
    )
    g_max: float = dc.field(
        default=float("inf"),
        metadata={
            "units": "g_L",
            "validators": [TypeValidator, NonNegativeValidator],
            "description": "Upper bound of each conductance (inf: unbounded).",
        },
    )
    kernel_initializer: InitializerConfig = kernel_initializer_field(0.15)

    def _extra_errors(self) -> list[str]:
        errors = super()._extra_errors()
        try:
            if not np.all(np.asarray(self.E_i) < np.asarray(self.E_e)):
                errors.append(
                    f"E_i must be below E_e (inhibition reverses below excitation), got E_e={self.E_e}, "
                    f"E_i={self.E_i}"
                )
        except (TypeError, ValueError):
            pass  # the field validators report non-numeric values
        return errors


class ConductanceChannels:
    """The excitatory/inhibitory conductance state shared by the dense and the sparse COBA synapses.

    Subclasses call :meth:`_build_conductances` after creating their kernel and pass the summed
    weights of this step's excitatory and inhibitory spikes, ``(post, 2)``, to :meth:`_conduct`.
    """

    config: ConductanceSynapsesConfig

    def _build_conductances(self) -> None:
        work = state_dtype(self.config.dtype)
        cfg = self.config

        def per_unit(x: float) -> jnp.ndarray:
            return jnp.asarray(np.broadcast_to(np.asarray(x, np.float64), cfg.units).reshape(-1), work)

        dt = float(cfg.dt)
        self.decay = Constant(
            jnp.stack(
                [
                    per_unit(np.exp(-dt / np.asarray(cfg.tau_e, np.float64))),
                    per_unit(np.exp(-dt / np.asarray(cfg.tau_i, np.float64))),
                ],
                axis=-1,
            )
        )
        self.reversal = Constant(jnp.stack([per_unit(cfg.E_e), per_unit(cfg.E_i)], axis=-1))
        self.v_rest = Constant(per_unit(cfg.v_rest))
        self.g_max = Constant(jnp.asarray(cfg.g_max, work))
        # conductances (post, 2): column 0 excitatory, column 1 inhibitory
        self.conductance = Variable(jnp.zeros((self.post_size, 2), work))

    def _conduct(self, drive: jnp.ndarray, potential: PotentialArray | None) -> jnp.ndarray:
        r"""Decay, add ``drive`` ``(post, 2)``, clip at ``g_max``; return :math:`\sum_c g_c (E_c - v)`."""
        work = self.conductance.value.dtype
        g = jnp.minimum(self.conductance.value * self.decay.value + drive.astype(work), self.g_max.value)
        self.conductance.value = g
        if potential is None:
            v = self.v_rest.value
        else:
            v = jnp.asarray(potential.value, work).reshape(self.post_size)
        rev = self.reversal.value
        # two explicit terms rather than a sum over the channel axis: XLA's CPU reduction over a
        # trailing axis of 2 costs several times the elementwise form
        return g[:, 0] * (rev[:, 0] - v) + g[:, 1] * (rev[:, 1] - v)

    @property
    def g_e(self) -> jnp.ndarray:
        """Excitatory conductance, shape ``units``."""
        return self.conductance.value[:, 0].reshape(self.config.units)

    @property
    def g_i(self) -> jnp.ndarray:
        """Inhibitory conductance, shape ``units``."""
        return self.conductance.value[:, 1].reshape(self.config.units)


@register_module
class ConductanceSynapses(ConductanceChannels, Synapses):
    r"""Conductance-based synapses: excitatory and inhibitory conductances with reversal potentials.

    The sign of a presynaptic spike routes it to the excitatory (:math:`+1`) or the inhibitory
    (:math:`-1`) conductance; weights :math:`w_{ij} \ge 0` are conductance increments (in units of
    the leak conductance). Continuous form, with :math:`s_j^{\pm}(t)` the excitatory/inhibitory parts
    of the spike trains and :math:`v` the postsynaptic potential:

    .. math::

        \frac{dg^e_i}{dt} = -\frac{g^e_i}{\tau_e} + \sum_j w_{ij} s^+_j(t), \qquad
        \frac{dg^i_i}{dt} = -\frac{g^i_i}{\tau_i} + \sum_j w_{ij} s^-_j(t)

    .. math::

        I_i(t) = g^e_i(t)\,(E_e - v_i(t)) + g^i_i(t)\,(E_i - v_i(t))

    Discrete update implemented (exact exponential decay, one matrix product for both channels,
    :math:`v[n]` the ``potential`` input, i.e. the soma's potential of the previous step):

    .. math::

        g^e_i[n] = \min\big(g^e_i[n-1]\,e^{-\Delta t/\tau_e} + \textstyle\sum_j w_{ij} [s_j[n]]_+,\; g_{max}\big)

    .. math::

        g^i_i[n] = \min\big(g^i_i[n-1]\,e^{-\Delta t/\tau_i} + \textstyle\sum_j w_{ij} [-s_j[n]]_+,\; g_{max}\big)

    .. math::

        I_i[n] = g^e_i[n]\,(E_e - v_i[n]) + g^i_i[n]\,(E_i - v_i[n])

    Without a ``potential`` input, :math:`v = v_{rest}` (``config.v_rest``). Excitation drives
    :math:`v` towards :math:`E_e`, inhibition towards :math:`E_i`: shunting, bounded input.

    Args:
        spikes: ``SpikeArray`` of any shape (flattened to ``pre``), or ``(post, pre)`` per-synapse spikes.
        potential: optional ``PotentialArray`` of shape ``config.units`` (mV).

    Returns:
        ``{'currents': CurrentArray}`` of shape ``config.units`` (a voltage drive, mV).

    Examples:
        >>> import spark, jax.numpy as jnp
        >>> syn = spark.nn.synapses.ConductanceSynapses(units=(1,), seed=0)
        >>> syn.build_from_specs({'spikes': spark.InputSpec(spark.SpikeArray, (2,))})['currents'].shape
        (1,)
        >>> syn.set_kernel(jnp.array([[1.0, 1.0]]))
        >>> v = spark.PotentialArray(jnp.array([-65.0]))
        >>> float(syn(spikes=spark.SpikeArray(jnp.array([1.0, 0.0])), potential=v)['currents'].value[0])
        65.0

    Reference:
        Vogels T. P. & Abbott L. F. (2005), Signal propagation and logic gating in networks of
        integrate-and-fire neurons, *J. Neurosci.* 25(46):10786-10795, doi:10.1523/JNEUROSCI.3508-05.2005;
        Brette R. et al. (2007), Simulation of networks of spiking neurons: a review of tools and
        strategies, *J. Comput. Neurosci.* 23:349-398, doi:10.1007/s10827-007-0038-6 (COBA benchmark).
    """

    config: ConductanceSynapsesConfig

    def _build_synapses(self, pre: int) -> None:
        self.kernel = self._init_kernel((self.post_size, pre))
        self._build_conductances()

    def __call__(self, spikes: SpikeArray, potential: PotentialArray | None = None) -> SynapsesOutput:
        s = self._spikes(spikes)
        zero = jnp.zeros((), s.dtype)
        channels = jnp.stack([jnp.maximum(s, zero), jnp.maximum(-s, zero)], axis=-1)
        return {"currents": self._to_units(self._conduct(self._contract(self.kernel.value, channels), potential))}
