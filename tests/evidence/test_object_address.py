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


def test_a_large_object_written_through_the_staged_writer_has_the_address_of_its_file(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Large objects are hashed for their address by the writer thread as it writes (O_DIRECT staging), the
    header and the unaligned tail included: the address is that of the file's bytes, whatever the path taken."""
    import os

    from casedesk.evidence.objectformat import CHUNK_SIZE, address_of
    from casedesk.evidence.vault import TempObject

    for size in (3 * CHUNK_SIZE + 12345, 24 * CHUNK_SIZE, 1000):
        data = os.urandom(size)
        path = tmp_path / f"object-{size}"
        temp = TempObject(path, bytes(32), direct=True)
        for i in range(0, size + 1, CHUNK_SIZE):  # full chunks, then a short final one (empty when none is left)
            piece = data[i: i + CHUNK_SIZE]
            temp.write(piece, len(piece) < CHUNK_SIZE)
            if len(piece) < CHUNK_SIZE:
                break
        temp.close(durable=True)
        assert temp.address == address_of(path.read_bytes()), size
