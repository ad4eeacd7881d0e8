"""Corpus CPR reach: for each labelled CPR, does its 10 digits occur in the extracted text of its message?

The upper bound for detector recall once attachments are read. Separators (hyphen, space, dash,
no-break space) are removed before looking; the figure counts label entries (one per CPR per message).

    .venv/bin/python bench/corpus_cpr_reach.py [/work/shared/corpus]
"""

from __future__ import annotations

import json
import re
import sys
import time
from pathlib import Path

from gateway.mime.extract import extract_text
from gateway.mime.settings import ExtractionSettings

SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u00a0]")


def main(corpus: Path) -> int:
    settings = ExtractionSettings()
    reached = located = total = 0
    misses: list[str] = []
    seconds = 0.0
    unscannable = 0
    for line in (corpus / "labels.jsonl").read_text(encoding="utf-8").splitlines():
        label = json.loads(line)
        raw = (corpus / label["file"]).read_bytes()
        started = time.perf_counter()
        extraction = extract_text(raw, settings)
        seconds += time.perf_counter() - started
        unscannable += len(extraction.unscannable)
        text = SEPARATORS.sub("", "\n".join(part.text for part in extraction.parts))
        labelled = [part.text for part in extraction.parts if part.where in label["where"]]
        in_place = SEPARATORS.sub("", "\n".join(labelled))
        for cpr in label["cprs"]:
            total += 1
            located += cpr in in_place
            if cpr in text:
                reached += 1
            else:
                misses.append(f"{label['file']}: {cpr[:6]}-****")
    print(f"corpus CPR reach: {reached}/{total} labelled CPR entries ({100 * reached / max(total, 1):.1f} %)")
    print(f"  of which found in a part whose `where` is one the label lists: {located}/{total}")
    print(f"extraction time: {seconds:.2f} s for the corpus; unscannable findings: {unscannable}")
    for miss in misses:
        print(f"  missed {miss}")
    return 0 if reached == total else 1


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("/work/shared/corpus")))
