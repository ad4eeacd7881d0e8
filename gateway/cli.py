"""Command line: ``mailvagt <command>``; each command lives in a module of gateway.commands."""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys
from collections.abc import Sequence

import gateway.commands
from gateway import __version__


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mailvagt", description="E-mail data-loss-prevention gateway for Danish schools."
    )
    parser.add_argument("--version", action="version", version=f"mailvagt {__version__}")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for info in sorted(pkgutil.iter_modules(gateway.commands.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"gateway.commands.{info.name}")
        module.register(subparsers)
    return parser


BROKEN_PIPE = 141
"""The shell's status for a command killed by SIGPIPE (128 + 13): ``mailvagt scan ... | head`` stopped."""


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        code: int = args.func(args)
    except BrokenPipeError:
        # the reader closed the pipe: stop quietly, and let no flush at exit raise again
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return BROKEN_PIPE
    return code


if __name__ == "__main__":
    sys.exit(main())
