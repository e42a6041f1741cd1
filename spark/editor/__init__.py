"""The Spark Graph Editor: draw, configure, save and run brains in the browser.

``spark.GraphEditor().launch()`` (or ``spark editor [FILE]`` on the command line) serves a local web
app on ``127.0.0.1``. The front end is built from ``editor-frontend/`` into ``static/``, which ships
with the package, so users need no front-end build step.
"""

from spark.editor._app import create_app
from spark.editor._launch import GraphEditor, cli_main, in_notebook

__all__ = ["GraphEditor", "cli_main", "create_app", "in_notebook"]
