"""Implementation of :mod:`spark.nn.brain` (private; import from ``spark.nn``)."""
