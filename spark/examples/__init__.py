"""Example models shipped with Spark.

``example_ab_model.scfg`` is the A/B competition model of the graph-editor tutorial: a
``TopologicalLinearSpiker`` feeds two excitatory populations, A and B; each excites its own inhibitory
population, which in turn inhibits the *other* excitatory population, so A and B compete. An
``ExponentialIntegrator`` reads one signal per excitatory population (the output ``'action'``)::

    import spark
    config = spark.nn.BrainConfig.from_file(spark.examples.example_ab_model_path())
    brain = spark.nn.Brain(config=config)
    brain(drive=spark.FloatArray(jnp.zeros((4,), dtype=jnp.float16)))   # {'action': FloatArray (2,)}

Regenerate the file with ``python -m spark.examples.make_example_ab_model``.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["example_ab_model_path"]

_HERE = Path(__file__).resolve().parent


def example_ab_model_path() -> str:
    """Path of the shipped ``example_ab_model.scfg`` (a ``BrainConfig`` file)."""
    return str(_HERE / "example_ab_model.scfg")
