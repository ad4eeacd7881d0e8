"""``mailvagt serve``: run the gateway (config file + command-line overrides -> a running SMTP relay)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from gateway.config import ConfigError, default_config_path, parse_host_port
from gateway.server import Overrides, serve


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    parser = subparsers.add_parser("serve", help="run the SMTP gateway")
    parser.add_argument("--config", default=None, help="YAML configuration (default: config/mailvagt.yaml)")
    parser.add_argument("--listen", metavar="HOST:PORT", help="listen here instead of server.listen")
    parser.add_argument("--next-hop", metavar="HOST:PORT", help="relay here instead of next_hop.host/port")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    try:
        overrides = Overrides(
            listen=parse_host_port(args.listen) if args.listen else None,
            next_hop=parse_host_port(args.next_hop) if args.next_hop else None,
        )
    except ConfigError as exc:
        print(f"mailvagt serve: {exc}", file=sys.stderr)
        return 2
    return serve(str(args.config or default_config_path()), overrides)
