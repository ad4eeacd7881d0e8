"""Where the shared labelled corpus lives: $MAILVAGT_CORPUS, else ../shared/corpus beside the clone."""

from __future__ import annotations

import os
from pathlib import Path


def corpus_folder() -> Path:
    configured = os.environ.get("MAILVAGT_CORPUS")
    if configured:
        return Path(configured)
    beside = Path(__file__).resolve().parents[2] / "shared" / "corpus"
    return beside if beside.is_dir() else Path("/work/shared/corpus")


CORPUS = corpus_folder()
