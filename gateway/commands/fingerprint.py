"""``mailvagt fingerprint CPR``: the keyed fingerprint of a CPR number, for subject-access look-ups."""

from __future__ import annotations

import argparse
import re
import sys
from typing import Any

from detectors.cpr import effective_hash_key, fingerprint
from gateway.commands.scan import DEV_KEY_WARNING, read_settings
from gateway.config import ConfigError


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    parser = subparsers.add_parser(
        "fingerprint", help="print the fingerprint of a CPR number under the configured key"
    )
    parser.add_argument(
        "--config", help="configuration file (default: MAILVAGT_CONFIG or config/mailvagt.yaml)"
    )
    parser.add_argument("cpr", metavar="CPR", help="DDMMYYSSSS or DDMMYY-SSSS")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    digits = re.sub(r"[-\u2013 ./]", "", args.cpr.strip())
    if not re.fullmatch(r"\d{10}", digits):
        print(
            "mailvagt fingerprint: expected a CPR number of 10 digits (DDMMYYSSSS or DDMMYY-SSSS)",
            file=sys.stderr,
        )
        return 2
    try:
        settings = read_settings(args.config)
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return 2
    key, development = effective_hash_key(settings.detectors)
    if development:
        print(DEV_KEY_WARNING.replace("mailvagt scan", "mailvagt fingerprint"), file=sys.stderr)
    print(fingerprint(digits, key))
    return 0
