"""Alias of Rockpool's ``rockpool.parameters``: the attribute kinds of :mod:`spark.lowlevel`."""

from spark.lowlevel._parameters import Constant, Parameter, SimulationParameter, State

__all__ = ["Parameter", "State", "SimulationParameter", "Constant"]
