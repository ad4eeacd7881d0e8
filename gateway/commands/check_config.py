"""``mailvagt check-config FILE``: validate a configuration file and the term lists it names, without
starting anything."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from detectors.lexicon import LexiconError, load_lexicon
from gateway.config import ConfigError, load_settings


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    parser = subparsers.add_parser("check-config", help="validate a configuration file and say OK or why not")
    parser.add_argument("file", help="the YAML configuration file")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    try:
        settings = load_settings(args.file)
        detectors = settings.detectors
        load_lexicon(detectors.terms_dir, detectors.terms.tiers)  # an admin's edited term lists
    except (ConfigError, LexiconError) as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"{args.file}: OK")
    return 0
