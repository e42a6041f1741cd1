"""``spark.nn.Component``: base class of the parts a neuron is made of."""

from __future__ import annotations

from spark.core.module import Module

__all__ = ["Component"]


class Component(Module):
    """A part of a neuron model (soma, synapses, learning rule, delays).

    Components are ordinary modules; they are usually composed inside a neuron rather than wired
    one by one in a brain, where every hop costs a step of latency.
    """

    __catalogue_group__ = "components"
