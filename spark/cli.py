"""The ``spark`` command line: ``spark --version``, ``spark demo``, ``spark run``, ``spark editor``."""

from __future__ import annotations

import argparse
import importlib
import sys
import typing as tp

from spark._version import __version__

__all__ = ["main", "build_parser"]

# command -> (module, function taking argv, one-line help)
COMMANDS: dict[str, tuple[str, str, str]] = {
    "demo": ("spark.demos.cli", "main", "run a shipped demo (e.g. `spark demo cartpole`)"),
    "run": ("spark._run_command", "main", "simulate a saved brain (.scfg), record ports, plot a raster"),
    "editor": ("spark.editor.cli", "main", "open the graph editor in the browser"),
    "info": ("spark.cli", "_info", "show versions, devices and the registered modules"),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="spark",
        description="Spark: spiking neural networks on JAX and Flax NNX.",
        epilog="Run `spark COMMAND --help` for the options of a command.",
    )
    parser.add_argument("--version", action="version", version=f"spark {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (_, _, help_text) in COMMANDS.items():
        sub.add_parser(name, help=help_text, add_help=False)
    return parser


def _info(argv: list[str]) -> int:
    argparse.ArgumentParser(prog="spark info", description="Show versions, devices and registered modules.").parse_args(argv)
    import flax
    import jax

    import spark

    print(f"spark {__version__}  jax {jax.__version__}  flax {flax.__version__}")
    print(f"devices: {', '.join(str(d) for d in jax.devices())}")
    for group, entries in spark.catalogue()["groups"].items():
        print(f"{group}: {', '.join(e['name'] for e in entries)}")
    return 0


def main(argv: tp.Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    if not argv or argv[0].startswith("-"):
        parser.parse_args(argv)  # handles --help and --version (exits)
        parser.print_help()
        return 0
    command, rest = argv[0], argv[1:]
    if command not in COMMANDS:
        parser.error(f"unknown command '{command}'; choose from {', '.join(COMMANDS)}")
    module_name, func_name, _ = COMMANDS[command]
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        extra = {"demo": "gym", "editor": "editor"}.get(command)
        hint = f"; install it with: pip install 'spark-nnx[{extra}]'" if extra else ""
        print(f"spark {command}: a required package is missing ({exc.name}){hint}", file=sys.stderr)
        return 2
    result = getattr(module, func_name)(rest)
    return int(result or 0)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
