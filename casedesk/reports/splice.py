"""Putting each exhibit's original into the written bundle without qpdf holding it in memory.

qpdf's writer reads a whole stream into memory before it writes it (it needs
the length first), so a 600 MiB video exhibit would cost 600 MiB and more.
The bundle is therefore written by qpdf with a small placeholder in place of
each original (its attachment stream holds ``CASEDESK-SPLICE:nnnnn``), then
copied once, in 1 MiB pieces, with each placeholder replaced by the original's
bytes from its carrier file, each stream's ``/Length`` set to the real
length, and the cross-reference table and ``startxref`` moved to match.

The placeholders are found by object, never by searching the bytes: the
bundle's attachment name tree gives each exhibit's embedded-file stream, the
cross-reference table gives where that object starts, and its data must be
exactly the placeholder. Peak memory is then independent of exhibit size.
"""

from __future__ import annotations

import bisect
import mmap
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pikepdf

PIECE = 1 << 20
_LENGTH = re.compile(rb"/Length (\d+)")


def marker(index: int) -> bytes:
    return b"CASEDESK-SPLICE:%05d" % index


@dataclass(frozen=True)
class Original:
    """Where an original's stream data lies in its carrier file."""

    path: Path
    offset: int
    length: int


class SpliceError(Exception):
    """The written skeleton is not as expected (a bug: nothing half-written is kept)."""


def _xref(data: mmap.mmap) -> tuple[int, int, list[int], int, int]:
    """Positions of ``xref`` and of its first entry, object offsets, end of the table, position of ``startxref``."""
    tail = data.rfind(b"startxref")
    if tail < 0:
        raise SpliceError("no startxref")
    start = int(data[tail + 9: tail + 40].split()[0])
    if data[start: start + 5] != b"xref\n":
        raise SpliceError("the cross-reference is not a table")
    line_end = data.find(b"\n", start + 5)
    first, count = (int(v) for v in data[start + 5: line_end].split())
    if first != 0:
        raise SpliceError("the cross-reference table has more than one section")
    offsets = []
    entries_at = pos = line_end + 1
    for _ in range(count):
        entry = data[pos: pos + 20]
        offsets.append(int(entry[:10]) if entry[17:18] == b"n" else -1)
        pos += 20
    return start, entries_at, offsets, pos, tail


def splice(skeleton: Path, target: Path, originals: Mapping[str, Original], markers: Mapping[str, bytes]) -> None:
    """Write ``target``: ``skeleton`` with each attachment named in ``originals`` given its real bytes."""
    with pikepdf.open(skeleton) as pdf:
        objects: dict[int, str] = {}
        for name in originals:
            stream = pdf.attachments[name].obj.EF.F
            if stream.read_raw_bytes() != markers[name]:
                raise SpliceError(f"attachment {name} is not a placeholder")
            objects[stream.objgen[0]] = name
    with skeleton.open("rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as data, \
            target.open("wb") as out:
        xref_at, entries_at, offsets, table_end, startxref_at = _xref(data)
        cuts = []  # (start of the object's stream data, name, /Length digits span)
        for number, name in objects.items():
            begin = offsets[number]
            keyword = data.find(b"stream\n", begin)
            if begin < 0 or keyword < 0:
                raise SpliceError(f"object {number} not found")
            found = list(_LENGTH.finditer(data, begin, keyword))
            if not found or data[keyword + 7: keyword + 7 + len(markers[name])] != markers[name]:
                raise SpliceError(f"object {number} is not the placeholder of {name}")
            cuts.append((keyword + 7, name, found[-1].span(1)))
        cuts.sort()
        shifts: list[tuple[int, int]] = []  # (old position from which the shift applies, cumulative shift)
        position = 0
        shift = 0
        for data_start, name, (len_start, len_end) in cuts:
            original = originals[name]
            old_length = int(data[len_start:len_end])
            out.write(data[position:len_start])
            digits = str(original.length).encode()
            out.write(digits)
            out.write(data[len_end:data_start])
            with original.path.open("rb") as src:
                src.seek(original.offset)
                left = original.length
                while left:
                    piece = src.read(min(PIECE, left))
                    if not piece:
                        raise SpliceError(f"the carrier of {name} is shorter than recorded")
                    out.write(piece)
                    left -= len(piece)
            position = data_start + old_length
            shift += (len(digits) - (len_end - len_start)) + (original.length - old_length)
            shifts.append((data_start, shift))
        out.write(data[position:xref_at])

        starts = [at for at, _ in shifts]

        def moved(old: int) -> int:
            before = bisect.bisect_left(starts, old)  # splices whose data starts before this object
            return old + (shifts[before - 1][1] if before else 0)

        out.write(data[xref_at:entries_at])  # "xref", "0 N"
        for number in range(len(offsets)):
            entry = data[entries_at + 20 * number: entries_at + 20 * (number + 1)]
            if entry[17:18] == b"n":
                entry = b"%010d" % moved(int(entry[:10])) + entry[10:]
            out.write(entry)
        out.write(data[table_end:startxref_at])
        out.write(b"startxref\n%d\n%%%%EOF\n" % (xref_at + shift))
