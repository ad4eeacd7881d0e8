"""Generalisation: detection quality on the shared dev corpus and on our own labelled sets, side by side.

bench/eval/set-* are Danish school mails written for this project from scratch (other schools, names,
situations and wording than ../shared/corpus), labelled in the same schema. Tuning on the dev corpus
alone shows up here as a gap between its column and the others; "pooled" scores all own sets as one.
Each set is scanned with `mailvagt scan --json` and scored by the dev corpus's score.py (CPRs matched
by fingerprint).

Usage: python bench/generalisation.py [--config F] [--misses]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from detectors.cpr import fingerprint  # noqa: E402
from tests.corpus import corpus_folder  # noqa: E402

KEY = "generalisation-key"
EVAL = ROOT / "bench" / "eval"
ROWS = (
    ("messages", "messages", "{:.0f}"),
    ("cpr_recall", "CPR recall", "{:.3f}"),
    ("cpr_precision", "CPR precision", "{:.3f}"),
    ("leak_recall", "sensitive caught", "{:.3f}"),
    ("false_alarm", "false alarms", "{:.3f}"),
    ("level_exact", "exact level", "{:.3f}"),
    ("min_category_f1", "lowest category F1", "{:.3f}"),
)


def score(folder: Path, config: Path, score_py: Path, misses: bool) -> dict[str, Any]:
    """score.py's figures for one labelled folder (messages/*.eml + labels.jsonl)."""
    env = {**os.environ, "MAILVAGT_HASH_KEY": KEY}
    messages = sorted(str(p) for p in (folder / "messages").glob("*.eml"))
    scan = subprocess.run(
        [sys.executable, "-m", "gateway.cli", "scan", "--json", "--config", str(config), *messages],
        cwd=ROOT, env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    labels = [json.loads(line) for line in (folder / "labels.jsonl").read_text().splitlines() if line]
    fingerprints = {c: fingerprint(c, KEY) for label in labels for c in label["cprs"]}
    with tempfile.TemporaryDirectory() as tmp:
        results, fps = Path(tmp) / "results.jsonl", Path(tmp) / "fps.json"
        results.write_text(scan.stdout)
        fps.write_text(json.dumps(fingerprints))
        command = [sys.executable, str(score_py), "--corpus", str(folder), "--results", str(results)]
        command += ["--fingerprints", str(fps)]
        if misses:
            print(f"== {folder}")
            subprocess.run(command, check=True)
        figures: dict[str, Any] = json.loads(
            subprocess.run([*command, "--json"], capture_output=True, text=True, check=True).stdout
        )
    return figures


def pool(folders: list[Path], into: Path) -> Path:
    """All own sets as one labelled folder (links to their messages, labels renamed to match)."""
    (into / "messages").mkdir()
    labels = []
    for folder in folders:
        for line in (folder / "labels.jsonl").read_text().splitlines():
            if not line:
                continue
            label = json.loads(line)
            name = f"{folder.name}-{Path(label['file']).name}"
            (into / "messages" / name).symlink_to(folder / label["file"])
            labels.append(json.dumps({**label, "file": f"messages/{name}"}, ensure_ascii=False))
    (into / "labels.jsonl").write_text("\n".join(labels) + "\n")
    return into


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--config", type=Path, default=ROOT / "config" / "mailvagt.yaml")
    parser.add_argument("--misses", action="store_true", help="also print score.py's report per set")
    args = parser.parse_args()
    dev = corpus_folder()
    own = sorted(p for p in EVAL.glob("set-*") if (p / "labels.jsonl").exists())
    with tempfile.TemporaryDirectory() as tmp:
        pooled = pool(own, Path(tmp))
        folders = {"dev": dev, **{p.name: p for p in own}, "pooled": pooled}
        score_py = dev / "score.py"
        results = {name: score(path, args.config, score_py, args.misses) for name, path in folders.items()}
    print(f"{'':19s}" + "".join(f"{name:>8s}" for name in results))
    for key, title, form in ROWS:
        print(f"{title:19s}" + "".join(f"{form.format(r[key]):>8s}" for r in results.values()))
    print("targets: CPR recall >= 0.995 at precision >= 0.99; sensitive caught >= 0.98;")
    print("         false alarms <= 0.03; exact level >= 0.90; every category F1 >= 0.85")
    return 0


if __name__ == "__main__":
    sys.exit(main())
