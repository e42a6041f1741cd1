"""Alias of Rockpool's ``rockpool.nn.modules``: the modules of :mod:`spark.lowlevel`."""

from spark.lowlevel import (
    LIF,
    ExpSyn,
    ExpSynJax,
    LIFJax,
    Linear,
    LinearJax,
    Module,
    Rate,
    RateJax,
    Residual,
    Sequential,
    TimedModule,
)

__all__ = [
    "Module",
    "Rate",
    "RateJax",
    "LIF",
    "LIFJax",
    "Linear",
    "LinearJax",
    "ExpSyn",
    "ExpSynJax",
    "Sequential",
    "Residual",
    "TimedModule",
]
