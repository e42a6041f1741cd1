"""``spark editor [FILE] [--port N] [--no-browser]`` (wired into ``spark.cli``)."""

from spark.editor._launch import cli_main as main

__all__ = ["main"]
