"""Vault objects at the unit: ciphertext as the installation stored it, content-addressed, append-only.

An installation sends each vault object of its cases in parts of at most ``wire.PART_BYTES``, in order, each
request carrying the object's declaration (case, content SHA-256 and size, key epoch, stored size, and the
SHA-256 of the stored bytes: its **address**). The unit takes an object only if an ``exhibit.ingested`` entry
it holds for the installation records that content in that case, and only bytes of the size vault format 1
gives that content; it holds the object once every byte arrived and the bytes hash to the address. It never
decrypts anything (it holds no key that could) and never replaces a part or an object. Exact words:
docs/sync-protocol.md, "Objects".
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, func, insert, select, text

from casedesk.custody import encoding, wire
from casedesk.unit.store import entries, object_parts, object_uploads, objects, rejected_objects

# Vault format 1 (docs/vault-format.md): what the unit can check of an object without its key.
MAGIC = b"CDVAULT\x00"
HEADER_SIZE = 48
CHUNK_SIZE = 1 << 20
TAG_SIZE = 16
HEX64 = re.compile(r"[0-9a-f]{64}\Z")
MAX_STATUS_NAMES = 10_000

MSG_SHAPE = "the request is not an object part: {detail}"
MSG_UNREFERENCED = ("object {name}: no exhibit.ingested entry of case {case} that the unit holds for installation "
                    "{id} records content {sha} of {size} bytes; an object no entry references is not taken")
MSG_BOUND = ("object {name}: entry {seq} of installation {id} binds it to address {bound}, not the address "
             "{address} it was declared with: these are not the bytes the laptop wrote; the object is not taken")
MSG_SIZE = ("object {name}: {stored} bytes is not the size of {size} bytes of content in vault format 1 "
            "({expected} bytes)")
MSG_HEADER = "object {name} does not begin with a vault format 1 header with 1 MiB chunks"
MSG_DECLARED = "object {name} was declared as {old}, not {new}: an upload is never changed"
MSG_OFFSET = "object {name}: the part starts at byte {offset} but the unit holds its first {held} bytes"
MSG_OVERRUN = "object {name}: the part ends at byte {end}, beyond the {stored} bytes declared"
MSG_PART = ("object {name}: the part at byte {offset} holds {n} bytes, not {expected}: an object is sent in parts of "
            "8 MiB from its start")
MSG_ADDRESS = "object {name}: its {stored} bytes make address {real}, not the address {address} it was declared with"
MSG_HELD = "object {name} is held with address {held}, not {address}: a held object is never replaced"
MSG_NOT_HELD = "the unit holds no object {name} of this installation"
MSG_ADDRESS_TAKEN = "object {name}: the unit holds the bytes of address {address} under another name already"


class ObjectRefusal(Exception):
    def __init__(self, message: str, status: int = 422, keep: bool = True, **extra: Any) -> None:
        super().__init__(message)
        self.message, self.status, self.keep, self.extra = message, status, keep, extra


@dataclass(frozen=True)
class Declaration:
    text: str
    case: str
    sha256: str
    size: int
    epoch: int
    stored_size: int
    address: str


def encrypted_size(size: int) -> int:
    return HEADER_SIZE + size + TAG_SIZE * (size // CHUNK_SIZE + 1)


def parse_declaration(raw: str | None) -> Declaration:
    if raw is None:
        raise ObjectRefusal(MSG_SHAPE.format(detail=f"no {wire.HEADER_OBJECT} header"), 400)
    try:
        doc = json.loads(raw)
    except ValueError:
        raise ObjectRefusal(MSG_SHAPE.format(detail="the declaration is not JSON"), 400) from None
    if not isinstance(doc, dict) or set(doc) != set(wire.DECLARATION_KEYS):
        raise ObjectRefusal(MSG_SHAPE.format(detail="the declaration does not have exactly the keys "
                                             + ", ".join(wire.DECLARATION_KEYS)), 400)
    case, sha, size, epoch, stored, address = (doc["case"], doc["sha256"], doc["size"], doc["epoch"],
                                               doc["stored_size"], doc["address"])
    if not isinstance(case, str) or not 0 < len(case) <= 64 or not all(isinstance(h, str) and HEX64.match(h)
                                                                        for h in (sha, address)):
        raise ObjectRefusal(MSG_SHAPE.format(detail="case, sha256 or address is not of its form"), 400)
    if any(type(v) is not int or v < 0 for v in (size, epoch, stored)) or epoch < 1:
        raise ObjectRefusal(MSG_SHAPE.format(detail="size, epoch or stored_size is not a whole number"), 400)
    canonical = wire.declaration(case, sha, size, epoch, stored, address)
    if canonical != raw:
        raise ObjectRefusal(MSG_SHAPE.format(detail="the declaration is not in its canonical form"), 400)
    return Declaration(canonical, case, sha, size, epoch, stored, address)


def check_name(name: str) -> None:
    if not HEX64.match(name):
        raise ObjectRefusal(MSG_SHAPE.format(detail="the object name is not 64 hexadecimal digits"), 400)


def _referenced(conn: Connection, installation: str, name: str, d: Declaration) -> tuple[bool, tuple[int, str] | None]:
    """Does an exhibit.ingested (or exhibit.received) entry of the case, held for the installation, record this
    content and size? And the first such entry that binds object ``name`` to an address (``data.object``, since
    the binding was built): (its number, that address)."""
    found, bound = False, None
    for seq, raw in conn.execute(select(entries.c.seq, entries.c.data).where(
            entries.c.installation_id == installation, entries.c.sha256 == d.sha256,
            entries.c.action.in_(("exhibit.ingested", "exhibit.received")), entries.c.case_ref == d.case)
            .order_by(entries.c.seq)):
        try:
            data = encoding.parse_data(raw)
        except encoding.EncodingError:
            continue
        if data.get("size") != d.size:
            continue
        found = True
        obj = data.get("object")
        if bound is None and isinstance(obj, dict) and obj.get("name") == name and isinstance(obj.get("address"), str):
            bound = (int(seq), str(obj["address"]))
    return found, bound


def _received(conn: Connection, installation: str, name: str) -> int:
    return int(conn.execute(select(func.coalesce(func.sum(func.length(object_parts.c.data)), 0)).where(
        object_parts.c.installation_id == installation, object_parts.c.name == name)).scalar_one())


def _held_address(conn: Connection, installation: str, name: str) -> str | None:
    return conn.execute(select(objects.c.address).where(objects.c.installation_id == installation,
                                                        objects.c.name == name)).scalar()


def parts_of(conn: Connection, installation: str, name: str) -> Iterator[bytes]:
    """The object's bytes, part by part in order (one part in memory at a time)."""
    result = conn.execute(
        select(object_parts.c.data).where(object_parts.c.installation_id == installation,
                                          object_parts.c.name == name).order_by(object_parts.c.offset)
        .execution_options(stream_results=True, max_row_buffer=1))
    for (data,) in result:
        yield bytes(data)


@dataclass(frozen=True)
class PartResult:
    received: int
    held: bool


def put_part(conn: Connection, installation: str, user: str, name: str, offset: int, d: Declaration,
             data: bytes) -> PartResult:
    """Store one part (in the caller's transaction); the object is held when its last byte arrived."""
    check_name(name)
    # One writer per object at a time, whichever instance serves it.
    conn.execute(text("SELECT pg_advisory_xact_lock(hashtextextended(:k, 0))"), {"k": f"{installation}/{name}"})
    upload = conn.execute(select(object_uploads.c.declaration).where(
        object_uploads.c.installation_id == installation, object_uploads.c.name == name)).scalar()
    held = _held_address(conn, installation, name)
    if held is not None:
        if held != d.address or upload != d.text:
            raise ObjectRefusal(MSG_HELD.format(name=name, held=held, address=d.address))
        return PartResult(d.stored_size, True)  # sent again after an answer was lost: nothing to do
    if upload is None:
        found, bound = _referenced(conn, installation, name, d)
        if not found:
            raise ObjectRefusal(MSG_UNREFERENCED.format(name=name, case=d.case, id=installation, sha=d.sha256,
                                                        size=d.size))
        if bound is not None and bound[1] != d.address:
            raise ObjectRefusal(MSG_BOUND.format(name=name, seq=bound[0], id=installation, bound=bound[1],
                                                 address=d.address))
        if d.stored_size != encrypted_size(d.size):
            raise ObjectRefusal(MSG_SIZE.format(name=name, stored=d.stored_size, size=d.size,
                                                expected=encrypted_size(d.size)))
        if offset == 0 and (len(data) < HEADER_SIZE or data[:8] != MAGIC or data[8:12] != b"\x00\x01\x00\x00"
                            or int.from_bytes(data[12:16], "big") != CHUNK_SIZE):
            raise ObjectRefusal(MSG_HEADER.format(name=name))
        if offset != 0:
            raise ObjectRefusal(MSG_OFFSET.format(name=name, offset=offset, held=0), 409, keep=False, received=0)
        conn.execute(insert(object_uploads).values(
            installation_id=installation, name=name, declaration=d.text, case_ref=d.case, sha256=d.sha256,
            size=d.size, stored_size=d.stored_size, address=d.address, pushed_by=user))
    elif upload != d.text:
        raise ObjectRefusal(MSG_DECLARED.format(name=name, old=upload, new=d.text))
    received = _received(conn, installation, name)
    if offset != received:
        raise ObjectRefusal(MSG_OFFSET.format(name=name, offset=offset, held=received), 409, keep=False,
                            received=received)
    end = offset + len(data)
    if end > d.stored_size:
        raise ObjectRefusal(MSG_OVERRUN.format(name=name, end=end, stored=d.stored_size))
    expected = min(wire.PART_BYTES, d.stored_size - offset)
    if len(data) != expected:
        raise ObjectRefusal(MSG_PART.format(name=name, offset=offset, n=len(data), expected=expected))
    conn.execute(insert(object_parts).values(installation_id=installation, name=name, offset=offset, data=data,
                                             sha256=hashlib.sha256(data).digest()))
    if end < d.stored_size:
        return PartResult(end, False)
    real = wire.object_address([bytes(h) for h in conn.execute(
        select(object_parts.c.sha256).where(object_parts.c.installation_id == installation,
                                            object_parts.c.name == name).order_by(object_parts.c.offset)).scalars()])
    if real != d.address:
        raise ObjectRefusal(MSG_ADDRESS.format(name=name, stored=d.stored_size, real=real, address=d.address))
    if conn.execute(select(objects.c.name).where(objects.c.address == d.address)).first() is not None:
        raise ObjectRefusal(MSG_ADDRESS_TAKEN.format(name=name, address=d.address))
    conn.execute(insert(objects).values(address=d.address, installation_id=installation, name=name))
    return PartResult(end, True)


def keep_refused(engine: Engine, installation: str, user: str, key: str, reason: str, name: str, offset: int,
                 declaration: str, data: bytes) -> int:
    with engine.begin() as conn:
        kept: int = conn.execute(insert(rejected_objects).values(
            installation_id=installation, pushed_by=user, actor_key=key, reason=reason, name=name[:200],
            part_offset=offset, declaration=declaration.replace("\x00", "\ufffd"), data=data,
        ).returning(rejected_objects.c.id)).scalar_one()
    return kept


def held(conn: Connection, installation: str) -> list[dict[str, str]]:
    """Every object the unit holds for the installation: name and declaration, in the order they were completed."""
    return [{"name": str(n), "declaration": str(d)} for n, d in conn.execute(
        select(objects.c.name, object_uploads.c.declaration)
        .join(object_uploads, (object_uploads.c.installation_id == objects.c.installation_id)
              & (object_uploads.c.name == objects.c.name))
        .where(objects.c.installation_id == installation).order_by(objects.c.completed_at, objects.c.name))]


def declaration_of(conn: Connection, installation: str, name: str) -> str | None:
    """The declaration of a held object (None: not held)."""
    return conn.execute(
        select(object_uploads.c.declaration)
        .join(objects, (object_uploads.c.installation_id == objects.c.installation_id)
              & (object_uploads.c.name == objects.c.name))
        .where(objects.c.installation_id == installation, objects.c.name == name)).scalar()


def status(conn: Connection, installation: str, names: list[str]) -> dict[str, dict[str, Any]]:
    """For each name the unit knows for the installation: bytes received and whether the object is held."""
    if not names:
        return {}
    held = set(conn.execute(select(objects.c.name).where(objects.c.installation_id == installation,
                                                         objects.c.name.in_(names))).scalars())
    out = {}
    for name, received in conn.execute(
            select(object_uploads.c.name, func.coalesce(func.sum(func.length(object_parts.c.data)), 0))
            .select_from(object_uploads.outerjoin(object_parts, (object_parts.c.installation_id
                                                                  == object_uploads.c.installation_id)
                                                  & (object_parts.c.name == object_uploads.c.name)))
            .where(object_uploads.c.installation_id == installation, object_uploads.c.name.in_(names))
            .group_by(object_uploads.c.name)):
        out[str(name)] = {"received": int(received), "held": name in held}
    return out
