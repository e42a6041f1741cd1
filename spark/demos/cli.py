"""``spark demo NAME``: run one of the shipped demos (``cartpole``)."""

from __future__ import annotations

import argparse
import sys
import typing as tp

__all__ = ["main", "build_parser"]


def build_parser() -> argparse.ArgumentParser:
    """``spark demo`` with one sub-command per demo."""
    from spark.demos.cartpole import add_cartpole_parser

    parser = argparse.ArgumentParser(prog="spark demo", description="Run a shipped demo.")
    sub = parser.add_subparsers(dest="demo", metavar="DEMO", required=True)
    add_cartpole_parser(sub)
    return parser


def main(argv: tp.Sequence[str] | None = None) -> int:
    """Entry point of ``spark demo`` (``argv``: the demo name and its options)."""
    args = build_parser().parse_args(list(sys.argv[1:] if argv is None else argv))
    return int(args.func(args) or 0)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
