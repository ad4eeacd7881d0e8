"""Recipient directory: a CSV (e-mail;cpr;name) or YAML export -> the CPR of a parent or pupil.

The file is read once per process and again when it changes on disk. CPRs never leave this
module except to the Digital Post transport; the verdict only records *whether* an address is known.
"""

from __future__ import annotations

import csv
import functools
import re
from pathlib import Path

import yaml

CPR_SHAPE = re.compile(r"^\d{6}-?\d{4}$")


class DirectoryError(Exception):
    """The directory file cannot be used; the message names the file and line, never a CPR."""


def read_directory(path: Path) -> dict[str, str]:
    """Address (lower case) -> CPR (10 digits), from CSV or, for ``.yaml``/``.yml``, YAML."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise DirectoryError(f"{path}: cannot read the recipient directory ({exc.strerror})") from None
    if path.suffix.lower() in (".yaml", ".yml"):
        return read_yaml_directory(path, text)
    return read_csv_directory(path, text)


def read_yaml_directory(path: Path, text: str) -> dict[str, str]:
    """A list of ``{email: ..., cpr: ..., name: ...}`` entries."""
    try:
        rows = yaml.safe_load(text) or []
    except yaml.YAMLError:
        raise DirectoryError(f"{path}: not valid YAML") from None
    if not isinstance(rows, list):
        raise DirectoryError(f"{path}: expected a list of entries with email and cpr")
    entries: dict[str, str] = {}
    for number, row in enumerate(rows, start=1):
        cpr = str(row.get("cpr", "")).strip() if isinstance(row, dict) else ""
        if not isinstance(row, dict) or not row.get("email") or not CPR_SHAPE.match(cpr):
            raise DirectoryError(f"{path}: entry {number}: expected email and a 10-digit cpr")
        entries[str(row["email"]).strip().lower()] = cpr.replace("-", "")
    return entries


def read_csv_directory(path: Path, text: str) -> dict[str, str]:
    """``e-mail;CPR;name`` rows; lines starting with ``#`` are comments."""
    entries: dict[str, str] = {}
    rows = csv.reader(
        (line for line in text.splitlines() if not line.lstrip().startswith("#")), delimiter=";"
    )
    for number, row in enumerate(rows, start=1):
        if not row or row[0].strip().lower() in ("", "email", "e-mail"):
            continue
        if len(row) < 2 or not CPR_SHAPE.match(row[1].strip()):
            raise DirectoryError(f"{path}: row {number}: expected 'e-mail;CPR;name' with a 10-digit CPR")
        entries[row[0].strip().lower()] = row[1].strip().replace("-", "")
    return entries


@functools.lru_cache(maxsize=8)
def cached_directory(path: Path, mtime_ns: int) -> dict[str, str]:
    return read_directory(path)


def lookup_cpr(path: Path | None, address: str) -> str | None:
    """The CPR registered for ``address``, or None when there is no directory or no entry."""
    if path is None:
        return None
    try:
        mtime_ns = path.stat().st_mtime_ns
    except OSError as exc:
        raise DirectoryError(f"{path}: cannot read the recipient directory ({exc.strerror})") from None
    return cached_directory(path, mtime_ns).get(address.strip().strip("<>").lower())
