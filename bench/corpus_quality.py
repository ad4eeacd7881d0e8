"""Corpus quality: `mailvagt scan --json` on the labelled corpus -> score.py figures (CPRs by fingerprint)."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = Path("/work/shared/corpus")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--config", type=Path, default=ROOT / "config" / "mailvagt.yaml")
    parser.add_argument("--keep", type=Path, help="also write the scan results here")
    args = parser.parse_args()
    env = {**os.environ, "MAILVAGT_HASH_KEY": os.environ.get("MAILVAGT_HASH_KEY", "corpus-quality-key")}
    sys.path.insert(0, str(ROOT))
    from detectors.cpr import fingerprint

    messages = sorted(str(p) for p in (args.corpus / "messages").glob("*.eml"))
    started = time.perf_counter()
    scan = subprocess.run(
        [sys.executable, "-m", "gateway.cli", "scan", "--json", "--config", str(args.config), *messages],
        cwd=ROOT, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    elapsed = time.perf_counter() - started
    if scan.returncode != 0:
        print(f"mailvagt scan failed (exit {scan.returncode}):\n{scan.stderr[-3000:]}", file=sys.stderr)
        return 1
    labels = [json.loads(line) for line in (args.corpus / "labels.jsonl").read_text().splitlines() if line]
    fingerprints = {c: fingerprint(c, env["MAILVAGT_HASH_KEY"]) for r in labels for c in r["cprs"]}
    with tempfile.TemporaryDirectory() as tmp:
        results = Path(tmp) / "results.jsonl"
        results.write_text(scan.stdout)
        if args.keep:
            args.keep.write_text(scan.stdout)
        fps = Path(tmp) / "fps.json"
        fps.write_text(json.dumps(fingerprints))
        print(f"scanned {len(messages)} messages in {elapsed:.1f} s (one process, including start-up)")
        score = [sys.executable, str(args.corpus / "score.py"), "--corpus", str(args.corpus)]
        subprocess.run([*score, "--results", str(results), "--fingerprints", str(fps)], check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
