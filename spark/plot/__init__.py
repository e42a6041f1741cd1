"""``spark.plot``: quick matplotlib figures of spikes, traces, rates and learning curves.

Every helper draws into the ``ax`` it is given, or into a new figure when ``ax`` is ``None``, and
returns the :class:`matplotlib.axes.Axes` it drew on (``ax.figure`` is the figure). Nothing is shown
or saved: call ``ax.figure.savefig(path)`` (works headless, with the ``Agg`` backend) or let a notebook
display it. Arrays may be NumPy or JAX arrays or Spark payloads; time runs along the first axis.

    >>> import numpy as np, spark
    >>> spikes = np.random.default_rng(0).random((200, 30)) < 0.05
    >>> ax = spark.plot.raster(spikes, dt=1.0, groups={'A': 10, 'B': 20})
    >>> ax.get_xlabel()
    'time (ms)'
"""

from spark.plot._curves import learning_curve, running_mean
from spark.plot._raster import raster
from spark.plot._traces import rates, traces

__all__ = ["raster", "traces", "rates", "learning_curve", "running_mean"]
