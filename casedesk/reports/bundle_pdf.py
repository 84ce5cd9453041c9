"""Reading a bundle PDF the way the browser verifier does: its end, its cross-reference table, its attached files.

CaseDesk writes every bundle with one plain cross-reference table (no object
streams, no cross-reference stream, no ``/Prev``) that ends the file with
``startxref``, its offset and ``%%EOF``; ``splice.py`` depends on this too.
So a verifier needs no PDF library: from the end of the file it finds the
table, from the table every object, and from the objects every attached file.
``casedesk/reports/browser/verifier.html`` does exactly this in JavaScript;
this module is its Python twin, and ``verify_bundle`` words the results the
same way (docs/bundle.md, "Checking a bundle").

Only what the checks need is parsed: the tail, the table, each object's
dictionary (a small tokenizer: names, numbers, references, strings, arrays,
dictionaries) and the data of embedded-file streams (stored or FlateDecode).
"""

from __future__ import annotations

import hashlib
import mmap
import re
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PIECE = 1 << 20
_WS = b" \t\r\n\f\x00"
_DELIM = b"()<>[]{}/%"
_STARTXREF = re.compile(rb"startxref[ \t\r\n]+(\d+)[ \t\r\n]+%%EOF(\r\n|\n|\r)?")


class Name(str):
    """A PDF name, without its slash."""


@dataclass(frozen=True)
class Ref:
    number: int
    generation: int


class LayoutError(Exception):
    """The file is not laid out as CaseDesk writes a bundle; the message says how (a check's detail)."""


@dataclass
class EmbeddedFile:
    number: int  # the stream's object number
    sha256: str
    size: int


@dataclass
class Layout:
    size: int
    end: int  # where the bytes CaseDesk wrote end
    offsets: dict[int, int] = field(default_factory=dict)  # object number -> byte offset
    trailer: dict[str, Any] = field(default_factory=dict)


def _skip(data: bytes | mmap.mmap, i: int) -> int:
    n = len(data)
    while i < n:
        c = data[i]
        if c in _WS:
            i += 1
        elif c == 0x25:  # % comment to the end of the line
            while i < n and data[i] not in b"\r\n":
                i += 1
        else:
            break
    return i


def _token_end(data: bytes | mmap.mmap, i: int) -> int:
    n = len(data)
    while i < n and data[i] not in _WS and data[i] not in _DELIM:
        i += 1
    return i


def _literal(data: bytes | mmap.mmap, i: int) -> tuple[bytes, int]:
    """A ``( ... )`` string from just after its opening parenthesis."""
    out = bytearray()
    depth = 1
    n = len(data)
    while i < n:
        c = data[i]
        if c == 0x5C:  # backslash
            i += 1
            e = data[i] if i < n else 0
            simple = {0x6E: 10, 0x72: 13, 0x74: 9, 0x62: 8, 0x66: 12, 0x28: 0x28, 0x29: 0x29, 0x5C: 0x5C}
            if e in simple:
                out.append(simple[e])
                i += 1
            elif 0x30 <= e <= 0x37:
                j = i
                while j < min(i + 3, n) and 0x30 <= data[j] <= 0x37:
                    j += 1
                out.append(int(bytes(data[i:j]), 8) & 0xFF)
                i = j
            elif e in b"\r\n":  # a line continuation
                i += 2 if data[i:i + 2] == b"\r\n" else 1
            else:
                i += 1
            continue
        if c == 0x28:
            depth += 1
        elif c == 0x29:
            depth -= 1
            if depth == 0:
                return bytes(out), i + 1
        out.append(c)
        i += 1
    raise LayoutError("a string runs past the end of the file")


def parse_value(data: bytes | mmap.mmap, i: int) -> tuple[Any, int]:
    """One PDF value at ``i``: dict, list, Name, int, float, bytes (a string), Ref, bool or None."""
    i = _skip(data, i)
    if i >= len(data):
        raise LayoutError("the file ends inside an object")
    c = data[i]
    if data[i:i + 2] == b"<<":
        out: dict[str, Any] = {}
        i += 2
        while True:
            i = _skip(data, i)
            if data[i:i + 2] == b">>":
                return out, i + 2
            key, i = parse_value(data, i)
            if not isinstance(key, Name):
                raise LayoutError("a dictionary key is not a name")
            out[str(key)], i = parse_value(data, i)
    if c == 0x5B:  # [
        items: list[Any] = []
        i += 1
        while True:
            i = _skip(data, i)
            if data[i:i + 1] == b"]":
                return items, i + 1
            value, i = parse_value(data, i)
            items.append(value)
    if c == 0x2F:  # /Name (#xx escapes)
        j = _token_end(data, i + 1)
        raw = bytes(data[i + 1:j])
        return Name(re.sub(rb"#([0-9A-Fa-f]{2})", lambda m: bytes([int(m.group(1), 16)]), raw)
                    .decode("latin-1")), j
    if c == 0x28:
        return _literal(data, i + 1)
    if c == 0x3C:  # <hex>
        j = data.find(b">", i)
        if j < 0:
            raise LayoutError("a hexadecimal string runs past the end of the file")
        digits = re.sub(rb"[^0-9A-Fa-f]", b"", bytes(data[i + 1:j]))
        return bytes.fromhex((digits + b"0" * (len(digits) % 2)).decode()), j + 1
    j = _token_end(data, i)
    word = bytes(data[i:j])
    if re.fullmatch(rb"\d+", word):
        # ``n g R`` is a reference.
        k = _skip(data, j)
        m = _token_end(data, k)
        if re.fullmatch(rb"\d+", bytes(data[k:m])):
            r = _skip(data, m)
            if data[r:r + 1] == b"R" and _token_end(data, r) == r + 1:
                return Ref(int(word), int(bytes(data[k:m]))), r + 1
        return int(word), j
    if re.fullmatch(rb"[+-]?\d+", word):
        return int(word), j
    if re.fullmatch(rb"[+-]?(\d+\.\d*|\.\d+)", word):
        return float(word), j
    if word in (b"true", b"false"):
        return word == b"true", j
    if word == b"null":
        return None, j
    raise LayoutError(f"unexpected data at byte {i}")


def _eol(data: bytes | mmap.mmap, i: int) -> int:
    if data[i:i + 2] == b"\r\n":
        return i + 2
    return i + 1 if data[i:i + 1] in (b"\n", b"\r") else i


def read_layout(data: bytes | mmap.mmap) -> Layout:
    """The end of file and the cross-reference table, or ``LayoutError`` saying what is wrong."""
    size = len(data)
    at = data.rfind(b"startxref")
    m = _STARTXREF.match(data, at) if at >= 0 else None
    if m is None:
        raise LayoutError("the file does not end as a PDF does (no startxref and %%EOF): it is not a whole bundle")
    if m.end() != size:
        raise LayoutError(f"{size - m.end()} byte(s) follow the %%EOF that ends the bundle at byte {m.end()}: "
                          "something was appended to the file")
    xref = int(m.group(1))
    if data[xref:xref + 4] != b"xref":
        raise LayoutError("the cross-reference is not the plain table CaseDesk writes: the file was rewritten "
                          "by another program")
    i = _skip(data, xref + 4)
    offsets: dict[int, int] = {}
    sections: list[int] = []  # the first object number of each subsection
    while data[i:i + 7] != b"trailer":
        head = _token_end(data, i)
        first = bytes(data[i:head])
        i = _skip(data, head)
        tail = _token_end(data, i)
        count = bytes(data[i:tail])
        if not (first.isdigit() and count.isdigit()):
            raise LayoutError("the cross-reference table is damaged")
        sections.append(int(first))
        i = _skip(data, tail)
        for number in range(int(first), int(first) + int(count)):
            entry = bytes(data[i:i + 20])
            if len(entry) < 18 or entry[17:18] not in (b"n", b"f") or not entry[:10].isdigit():
                raise LayoutError("the cross-reference table is damaged")
            if entry[17:18] == b"n":
                offsets[number] = int(entry[:10])
            i += 20
        i = _skip(data, i)
    trailer, _ = parse_value(data, i + 7)
    if not isinstance(trailer, dict):
        raise LayoutError("the file's trailer is damaged")
    if "Prev" in trailer or "XRefStm" in trailer:
        earlier = trailer.get("Prev")
        m0 = _STARTXREF.search(data, earlier) if isinstance(earlier, int) and 0 <= earlier < size else None
        where = f" at byte {m0.end()}" if m0 is not None else ""
        raise LayoutError(f"an incremental update was appended after the end of the file CaseDesk wrote{where}: "
                          "pages, attachments or the manifest may have been changed")
    if sections != [0]:
        raise LayoutError("the cross-reference table is not the single table CaseDesk writes")
    return Layout(size, m.end(), offsets, trailer)


@dataclass
class PdfObject:
    number: int
    value: Any
    stream_at: int | None = None  # where a stream's data starts


def read_object(data: bytes | mmap.mmap, layout: Layout, number: int) -> PdfObject:
    at = layout.offsets.get(number)
    if at is None:
        raise LayoutError(f"object {number} is not in the cross-reference table")
    m = re.compile(rb"(\d+)[ \t\r\n]+(\d+)[ \t\r\n]+obj").match(data, at)
    if m is None or int(m.group(1)) != number:
        raise LayoutError(f"the cross-reference table points object {number} to the wrong place")
    value, i = parse_value(data, m.end())
    i = _skip(data, i)
    if isinstance(value, dict) and data[i:i + 6] == b"stream":
        return PdfObject(number, value, _eol(data, i + 6))
    return PdfObject(number, value)


def _resolve(data: bytes | mmap.mmap, layout: Layout, value: Any) -> Any:
    return read_object(data, layout, value.number).value if isinstance(value, Ref) else value


def _filespec_refs(value: Any, found: list[tuple[Ref, str | None]]) -> None:
    """Every ``/EF`` stream reference in ``value`` (at any depth), with its file specification's name."""
    if isinstance(value, dict):
        ef = value.get("EF")
        if isinstance(ef, dict):
            name = value.get("UF", value.get("F"))
            text = _text(name) if isinstance(name, bytes) else None
            for key in ("F", "UF"):
                if isinstance(ef.get(key), Ref):
                    found.append((ef[key], text))
        for item in value.values():
            _filespec_refs(item, found)
    elif isinstance(value, list):
        for item in value:
            _filespec_refs(item, found)


def _text(raw: bytes) -> str:
    if raw.startswith(b"\xfe\xff"):
        return raw[2:].decode("utf-16-be", errors="replace")
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", errors="replace")
    return raw.decode("latin-1")


@dataclass
class Attachments:
    files: dict[int, EmbeddedFile]  # by stream object number, in number order
    manifest: bytes | None  # the data of the file named MANIFEST_NAME
    manifest_number: int | None
    problems: list[str]


def attachments(data: bytes | mmap.mmap, layout: Layout, manifest_name: str) -> Attachments:
    """Every attached file: each stream an ``/EF`` entry points to, and each ``/Type /EmbeddedFile`` stream."""
    refs: list[tuple[Ref, str | None]] = []
    streams: set[int] = set()
    for number in sorted(layout.offsets):
        obj = read_object(data, layout, number)
        _filespec_refs(obj.value, refs)
        if obj.stream_at is not None and obj.value.get("Type") == "EmbeddedFile":
            streams.add(number)
    streams.update(ref.number for ref, _ in refs)
    manifests = {ref.number for ref, name in refs if name == manifest_name}
    problems: list[str] = []
    files: dict[int, EmbeddedFile] = {}
    manifest: bytes | None = None
    for number in sorted(streams):
        obj = read_object(data, layout, number)
        if obj.stream_at is None:
            problems.append(f"object {number}, named as an attached file, is not a stream")
            continue
        length = _resolve(data, layout, obj.value.get("Length"))
        flt = _resolve(data, layout, obj.value.get("Filter"))
        if isinstance(flt, list) and len(flt) == 1:
            flt = flt[0]
        if not isinstance(length, int) or length < 0 or obj.stream_at + length > layout.size:
            problems.append(f"the attached file in object {number} has no valid length")
            continue
        if flt not in (None, "FlateDecode"):
            problems.append(f"the attached file in object {number} is encoded with {flt}, which CaseDesk never uses")
            continue
        digest = hashlib.sha256()
        size = 0
        keep = number in manifests
        kept = bytearray()
        inflate = zlib.decompressobj() if flt == "FlateDecode" else None
        try:
            for start in range(obj.stream_at, obj.stream_at + length, PIECE):
                piece = bytes(data[start:min(start + PIECE, obj.stream_at + length)])
                if inflate is not None:
                    piece = inflate.decompress(piece)
                digest.update(piece)
                size += len(piece)
                if keep:
                    kept += piece
            if inflate is not None:
                rest = inflate.flush()
                digest.update(rest)
                size += len(rest)
                if keep:
                    kept += rest
            if inflate is not None and (not inflate.eof or inflate.unused_data):
                raise zlib.error("incomplete or followed by other data")
        except zlib.error:
            problems.append(f"the attached file in object {number} cannot be decompressed")
            continue
        files[number] = EmbeddedFile(number, digest.hexdigest(), size)
        if keep:
            manifest = bytes(kept)
    if len(manifests) > 1:
        problems.append(f"the PDF has {len(manifests)} attached files named {manifest_name}")
    return Attachments(files, manifest, min(manifests) if len(manifests) == 1 else None, problems)


def open_bytes(path: Path) -> tuple[Any, mmap.mmap | bytes]:
    """The file's bytes, memory-mapped (an empty file as ``b""``); close the first item when done."""
    fh = path.open("rb")
    if path.stat().st_size == 0:
        return fh, b""
    return fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
