"""A minimal compound-file (OLE) writer, enough to build Outlook .msg test files in code."""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

SECTOR = 512
MINI = 64
CUTOFF = 4096
FREE, END, FATSECT, NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
PER_SECTOR = SECTOR // 4


@dataclass
class Entry:
    name: str
    kind: int  # 1 storage, 2 stream, 5 root
    data: bytes = b""
    children: list[Entry] = field(default_factory=list)
    start: int = END
    size: int = 0


def storage(name: str, contents: dict[str, bytes | dict[str, object]]) -> Entry:
    entry = Entry(name, 1)
    for child, value in contents.items():
        if isinstance(value, bytes):
            entry.children.append(Entry(child, 2, value))
        else:
            entry.children.append(storage(child, value))  # type: ignore[arg-type]
    return entry


def flatten(root: Entry) -> list[Entry]:
    order, queue = [], [root]
    while queue:
        entry = queue.pop(0)
        order.append(entry)
        queue.extend(entry.children)
    return order


def chain(fat: list[int], first: int, count: int) -> None:
    for index in range(first, first + count):
        fat[index] = index + 1 if index < first + count - 1 else END


def sectors(data: bytes, size: int) -> int:
    return (len(data) + size - 1) // size


def directory_entry(entry: Entry, ids: dict[int, int]) -> bytes:
    name = entry.name.encode("utf-16-le") + b"\x00\x00"
    kids = entry.children
    child = ids[id(kids[0])] if kids else NOSTREAM
    raw = struct.pack("<64sHBB", name, len(name), entry.kind, 1)
    raw += struct.pack("<III", NOSTREAM, NOSTREAM, child) + b"\x00" * 36
    return raw + struct.pack("<IQ", entry.start, entry.size)


def write_cfb(contents: dict[str, bytes | dict[str, object]]) -> bytes:
    root = storage("Root Entry", contents)
    root.kind = 5
    entries = flatten(root)
    ids = {id(e): i for i, e in enumerate(entries)}
    mini, minifat, big = bytearray(), [], []
    for entry in entries:
        if entry.kind != 2:
            continue
        entry.size = len(entry.data)
        if not entry.data:
            continue
        if entry.size < CUTOFF:
            entry.start = len(mini) // MINI
            count = sectors(entry.data, MINI)
            minifat.extend([0] * count)
            chain(minifat, entry.start, count)
            mini += entry.data.ljust(count * MINI, b"\x00")
        else:
            big.append(entry)
    directory_sectors = sectors(b"\x00" * 128 * len(entries), SECTOR)
    minifat_bytes = b"".join(struct.pack("<I", v) for v in minifat)
    minifat_sectors, mini_sectors = sectors(minifat_bytes, SECTOR), sectors(bytes(mini), SECTOR)
    rest = directory_sectors + minifat_sectors + mini_sectors + sum(sectors(e.data, SECTOR) for e in big)
    fat_sectors = 1
    while fat_sectors * PER_SECTOR < rest + fat_sectors:
        fat_sectors += 1
    fat = [FREE] * (fat_sectors * PER_SECTOR)
    fat[:fat_sectors] = [FATSECT] * fat_sectors
    position = fat_sectors
    layout = []
    for count in (directory_sectors, minifat_sectors, mini_sectors):
        layout.append(position if count else END)
        if count:
            chain(fat, position, count)
        position += count
    directory_start, minifat_start, mini_start = layout
    root.start, root.size = mini_start, len(mini)
    body = bytearray()
    for entry in big:
        count = sectors(entry.data, SECTOR)
        entry.start = position
        chain(fat, position, count)
        position += count
        body += entry.data.ljust(count * SECTOR, b"\x00")
    directory = b"".join(directory_entry(e, ids) for e in entries)
    for index, entry in enumerate(entries[1:], 1):
        siblings = next(p.children for p in entries if entry in p.children)
        at = siblings.index(entry)
        right = ids[id(siblings[at + 1])] if at + 1 < len(siblings) else NOSTREAM
        offset = index * 128 + 72
        directory = directory[:offset] + struct.pack("<I", right) + directory[offset + 4 :]
    difat = [*range(fat_sectors), *[FREE] * (109 - fat_sectors)]
    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        b"\x00" * 16,
        0x3E,
        3,
        0xFFFE,
        9,
        6,
        b"\x00" * 6,
        0,
        fat_sectors,
        directory_start,
        0,
        CUTOFF,
        minifat_start,
        minifat_sectors,
        END,
        0,
    ) + struct.pack("<109I", *difat)
    parts = [
        header,
        b"".join(struct.pack("<I", v) for v in fat),
        directory.ljust(directory_sectors * SECTOR, b"\x00"),
        minifat_bytes.ljust(minifat_sectors * SECTOR, b"\xff"),
        bytes(mini).ljust(mini_sectors * SECTOR, b"\x00"),
        bytes(body),
    ]
    return b"".join(parts)


def unicode_stream(text: str) -> bytes:
    return text.encode("utf-16-le")


def property_entry(tag: int, value: int = 0, size: int | None = None) -> bytes:
    if size is not None:
        return struct.pack("<IIII", tag, 6, size, 0)
    return struct.pack("<IIQ", tag, 6, value)


def make_msg(subject: str, body: str, attachments: dict[str, bytes]) -> bytes:
    """An Outlook .msg (IPM.Note) with a subject, a plain-text body and file attachments."""
    strings = {"001A001F": "IPM.Note", "0037001F": subject, "1000001F": body, "0C1A001F": "Lærer"}
    top: dict[str, bytes | dict[str, object]] = {
        f"__substg1.0_{k}": unicode_stream(v) for k, v in strings.items()
    }
    props = struct.pack("<8sIIII8s", b"", 0, len(attachments), 0, len(attachments), b"")
    for key, text in strings.items():
        props += property_entry(int(key, 16), size=len(unicode_stream(text)) + 2)
    top["__properties_version1.0"] = props
    top["__nameid_version1.0"] = {
        "__substg1.0_00020102": b"",
        "__substg1.0_00030102": b"",
        "__substg1.0_00040102": b"",
    }
    for index, (name, data) in enumerate(attachments.items()):
        attach_props = b"\x00" * 8 + property_entry(0x37050003, 1) + property_entry(0x0E210003, index)
        attach_props += property_entry(0x3707001F, size=len(unicode_stream(name)) + 2)
        attach_props += property_entry(0x37010102, size=len(data))
        top[f"__attach_version1.0_#{index:08X}"] = {
            "__properties_version1.0": attach_props,
            "__substg1.0_3707001F": unicode_stream(name),
            "__substg1.0_37010102": data,
        }
    return write_cfb(top)
