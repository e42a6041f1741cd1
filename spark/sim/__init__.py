"""``spark.sim``: running modules and brains for many steps, fast.

* :func:`run` / :class:`Simulator` — ``T`` steps fused into one compiled loop, optionally in compiled
  chunks with a progress bar; outputs stacked over time; chosen ports and state variables recorded,
  with decimation, and moved to the host chunk by chunk.
* :class:`Stepper` — one compiled step per call for closed loops (an environment between steps),
  with the state kept on the device and only the changing part updated.
* :class:`Batch`, :func:`make_copies`, :func:`replicate` — many independent copies (own state, own
  seeds) stepped together with ``jax.vmap``; :meth:`Batch.shard` splits them across devices.
* :func:`parameters`, :func:`state`, :func:`simulation_parameters`, :func:`evolve` — the Rockpool-style
  inspection and evolution API that every :class:`spark.nn.Module` answers.
"""

from spark.sim._batch import Batch, make_copies, replicate
from spark.sim._inputs import constant
from spark.sim._recording import RecordPlan
from spark.sim._rockpool_api import evolve, parameters, simulation_parameters, state
from spark.sim._run import RunResult, Simulator, run
from spark.sim._stepper import Stepper

__all__ = [
    "run",
    "Simulator",
    "RunResult",
    "Stepper",
    "RecordPlan",
    "constant",
    "Batch",
    "make_copies",
    "replicate",
    "parameters",
    "state",
    "simulation_parameters",
    "evolve",
]
