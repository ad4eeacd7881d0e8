"""``mailvagt check-config FILE``: validate a configuration file without starting anything."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from gateway.config import ConfigError, load_settings


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    parser = subparsers.add_parser("check-config", help="validate a configuration file and say OK or why not")
    parser.add_argument("file", help="the YAML configuration file")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    try:
        load_settings(args.file)
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"{args.file}: OK")
    return 0
