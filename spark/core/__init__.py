"""Spark's core: configs, modules, variables, payloads, specs, registry and files.

Nothing in ``spark.core`` knows about neurons or brains; ``spark.nn`` builds on it.
"""
