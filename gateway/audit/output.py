"""Audit output: query results (rows of named values) -> a readable table, JSON or CSV on a stream."""

from __future__ import annotations

import csv
import json
from collections.abc import Mapping, Sequence
from typing import Any, TextIO

MAX_CELL = 60


def cell(value: Any) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= MAX_CELL else text[: MAX_CELL - 1] + "…"


def write_table(rows: Sequence[Mapping[str, Any]], out: TextIO, empty: str = "(no records)") -> None:
    if not rows:
        print(empty, file=out)
        return
    columns = list(rows[0])
    cells = [[cell(row.get(c)) for c in columns] for row in rows]
    widths = [max(len(c), *(len(r[i]) for r in cells)) for i, c in enumerate(columns)]
    print("  ".join(c.upper().ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip(), file=out)
    for row in cells:
        print("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip(), file=out)


def write_csv(rows: Sequence[Mapping[str, Any]], out: TextIO) -> None:
    if not rows:
        return
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)


def write_json(value: Any, out: TextIO) -> None:
    json.dump(value, out, ensure_ascii=False, indent=2)
    out.write("\n")


def write_rows(rows: Sequence[Mapping[str, Any]], fmt: str, out: TextIO, full: Any = None) -> None:
    """Rows as ``table`` or ``csv``; ``json`` writes ``full`` (the whole records) when given."""
    if fmt == "json":
        write_json(rows if full is None else full, out)
    elif fmt == "csv":
        write_csv(rows, out)
    else:
        write_table(rows, out)
