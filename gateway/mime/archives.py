"""ZIP containers: archive bytes -> checked members (bombs, passwords, limits) for the file readers."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator

from gateway.mime.limits import Budget, Unreadable

ENCRYPTED_FLAG = 0x1


def open_zip(data: bytes, what: str = "ZIP archive") -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        raise Unreadable(f"corrupt {what}") from None


def files_in(archive: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    return [info for info in archive.infolist() if not info.is_dir()]


def check_container(archive: zipfile.ZipFile, budget: Budget, what: str) -> None:
    """Account for everything a library will unpack from an Office/ODF container before it does.

    zipfile never unpacks more than a member's declared size, so checking the declared sizes
    bounds what the library can unpack.
    """
    for info in files_in(archive):
        if info.flag_bits & ENCRYPTED_FLAG:
            raise Unreadable(f"password-protected {what}")
        budget.unpack(info.file_size, info.compress_size)


def read_member(
    archive: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    budget: Budget,
    *,
    checked: bool = False,
    limit: int | None = None,
) -> bytes:
    """A member's bytes (its first ``limit`` bytes), after the bomb and size checks (unless
    ``check_container`` or an earlier read did them)."""
    if info.flag_bits & ENCRYPTED_FLAG:
        raise Unreadable("password-protected ZIP")
    if not checked:
        budget.unpack(info.file_size, info.compress_size)
    try:
        with archive.open(info) as member:
            return member.read(info.file_size if limit is None else min(limit, info.file_size))
    except NotImplementedError:
        raise Unreadable("ZIP compression method not supported") from None
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        raise Unreadable("corrupt ZIP member") from None


def members(data: bytes, budget: Budget) -> Iterator[tuple[str, zipfile.ZipInfo, zipfile.ZipFile]]:
    """The files in a ZIP archive, each counted as a part of the message."""
    archive = open_zip(data)
    for info in files_in(archive):
        budget.count_part()
        yield info.filename, info, archive


def member_bytes(archive: zipfile.ZipFile, name: str, budget: Budget) -> bytes | None:
    """A named member of a container that ``check_container`` has checked, or None if absent."""
    try:
        info = archive.getinfo(name)
    except KeyError:
        return None
    return read_member(archive, info, budget, checked=True)
