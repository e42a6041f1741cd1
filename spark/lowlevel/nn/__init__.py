"""Alias package mirroring Rockpool's ``rockpool.nn``; see :mod:`spark.lowlevel.nn.modules`."""
