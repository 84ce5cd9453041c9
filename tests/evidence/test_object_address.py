"""The address an ingest records for a vault object is the address the unit computes of its bytes
(docs/sync-protocol.md, "Objects"): taken as the object is written, across 8 MiB part boundaries."""

from __future__ import annotations

import hashlib

from casedesk.custody import wire
from casedesk.evidence.objectformat import ADDRESS_DOMAIN, ADDRESS_PART_BYTES, AddressHasher


def _unit_address(data: bytes) -> str:
    return wire.object_address([hashlib.sha256(data[i: i + wire.PART_BYTES]).digest()
                                for i in range(0, len(data), wire.PART_BYTES)])


def test_the_address_taken_while_writing_is_the_units_whatever_the_pieces() -> None:
    assert (ADDRESS_DOMAIN, ADDRESS_PART_BYTES) == (wire.ADDRESS_DOMAIN, wire.PART_BYTES)
    part = wire.PART_BYTES
    for size in (48, part - 1, part, part + 1, 2 * part, 2 * part + 17):
        data = bytes(i % 251 for i in range(size))
        for piece in (1 << 20, 1 << 20 | 16, 3 * part):  # records of a 1 MiB chunk and its tag, and more
            h = AddressHasher()
            for i in range(0, size, piece):
                h.update(data[i: i + piece])
            assert h.hexdigest() == _unit_address(data), (size, piece)
