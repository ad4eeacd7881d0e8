"""``python -m tests.gateway.run_gateway CONFIG FUNCTION``: the real serve loop with a test scan function."""

from __future__ import annotations

import asyncio
import sys

from gateway.config import load_settings
from gateway.logs import setup_logging
from gateway.server import Overrides, run_process
from tests.gateway import scan_functions

if __name__ == "__main__":
    path, function = sys.argv[1], getattr(scan_functions, sys.argv[2])
    settings = load_settings(path)
    setup_logging(settings.logging.level)
    sys.exit(asyncio.run(run_process(path, Overrides(), settings, function)))
