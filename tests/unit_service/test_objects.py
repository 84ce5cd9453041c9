"""Evidence replicates to the unit as the ciphertext the laptop stores; the unit holds no key that opens it."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.exc import DBAPIError

from casedesk.custody import wire
from casedesk.errors import UnitError
from casedesk.services import sync
from casedesk.services.casekeys import CaseKeys
from casedesk.store.models import Case, CaseKeyEpoch
from casedesk.unit.store import engine_for
from tests.helpers.store import CASE, Store
from tests.unit_service.conftest import Unit
from tests.unit_service.helpers import RawClient, ingest, new_installation, register, rows_of

BIG = 9 * 1024 * 1024 + 12345  # two parts of a request each


@pytest.fixture(scope="module")
def engine(unit: Unit) -> Iterator[Engine]:
    eng = engine_for(unit.url_db)
    yield eng
    eng.dispose()


def address_of(data: bytes) -> str:
    return wire.object_address([hashlib.sha256(data[i: i + wire.PART_BYTES]).digest()
                                for i in range(0, len(data), wire.PART_BYTES)])


def vault_files(store: Store) -> dict[str, bytes]:
    vault = store.root / "vault"
    return {p.parent.name + p.name: p.read_bytes() for p in vault.glob("??/*") if p.is_file()}


def unit_objects(engine: Engine, installation: str) -> dict[str, bytes]:
    """Each object the unit holds for the installation, its parts joined, by name."""
    with engine.connect() as conn:
        held = [str(n) for n in conn.execute(text(
            "SELECT name FROM objects WHERE installation_id = :i"), {"i": installation}).scalars()]
        return {name: b"".join(bytes(r[0]) for r in conn.execute(text(
            'SELECT data FROM object_parts WHERE installation_id = :i AND name = :n ORDER BY "offset"'),
            {"i": installation, "n": name})) for name in held}


def case_keys(store: Store) -> list[bytes]:
    s = store.sign_in("jsmith")
    try:
        keys = CaseKeys(s)
        with s.read() as db:
            case = db.scalars(select(Case).where(Case.reference == CASE)).one()
            epochs = db.scalars(select(CaseKeyEpoch.epoch).where(CaseKeyEpoch.case_id == case.id)).all()
            out = []
            for e in epochs:
                out.append(keys.key(db, case, e))
                ck = keys.content_keys(db, case, e)
                out += [v for v in vars(ck).values() if isinstance(v, bytes)]
            out.append(keys.naming_key(db, case))
        # And what her key slot holds: the store key, her signing key and box key (the unit holds the slot in
        # escrow, wrapped; docs/sync-protocol.md, "Restore").
        out += [s._store_key, s.signer.seed, *([s.box_key] if s.box_key else [])]
        assert s.device_secret is not None
        out.append(s.device_secret)
        return out
    finally:
        s.close()


def forms(key: bytes) -> list[bytes]:
    return [key, key.hex().encode(), base64.b64encode(key), base64.urlsafe_b64encode(key).rstrip(b"=")]


def process_memory(pid: int) -> Iterator[bytes]:
    """Every readable, writable mapping of a process of ours (its heap, stacks, anonymous memory)."""
    with open(f"/proc/{pid}/maps") as maps, open(f"/proc/{pid}/mem", "rb", 0) as mem:
        for line in maps:
            span, perms = line.split()[:2]
            if not perms.startswith("rw"):
                continue
            start, end = (int(x, 16) for x in span.split("-"))
            try:
                mem.seek(start)
                yield mem.read(end - start)
            except (OSError, ValueError, OverflowError):
                continue


def do_sync(unit: Unit, store: Store, **kw: object) -> sync.SyncResult:
    s = store.sign_in("jsmith")
    try:
        return sync.sync(s, unit.service.url, unit.tls.ca, **kw)  # type: ignore[arg-type]
    finally:
        s.close()


def test_the_unit_holds_each_vault_object_byte_for_byte_and_no_key_that_opens_it(
        unit: Unit, engine: Engine, tmp_path: Path) -> None:
    store = new_installation(tmp_path / "laptop", tmp_path / "xdg")
    installation, _ = register(engine, store, "laptop with evidence")
    s = store.sign_in("jsmith")
    try:
        ingest(s, tmp_path / "in", "phone.bin", hashlib.sha256(b"seed").digest() * (BIG // 32 + 1))
        ingest(s, tmp_path / "in2", "note.txt", b"a handwritten note, scanned")
    finally:
        s.close()
    result = do_sync(unit, store)
    laptop = vault_files(store)
    assert len(laptop) == 2 and result.objects_sent == 2 and result.objects_held == 2
    assert result.object_bytes == sum(len(b) for b in laptop.values())
    # Exactly the bytes the laptop stores, under the names it stores them, addressed by their SHA-256.
    assert unit_objects(engine, installation) == laptop
    with engine.connect() as conn:
        addresses = dict(conn.execute(text("SELECT name, address FROM objects WHERE installation_id = :i"),
                                      {"i": installation}).all())
    assert addresses == {name: address_of(data) for name, data in laptop.items()}
    # A second sync sends nothing again.
    again = do_sync(unit, store)
    assert (again.objects_sent, again.object_bytes, again.objects_held) == (0, 0, 2)
    # No form of any case key, or key derived from one, is in the unit's database or the service's memory.
    secrets = [f for k in case_keys(store) for f in forms(k)]
    dump = unit.cluster.dump(unit.database)
    assert next(iter(laptop.values()))[48:112].hex().encode() in dump  # the dump does show the objects' bytes
    slot = json.loads((store.root / "keyslots.json").read_text())["slots"]["jsmith"]["ciphertext"]
    assert slot.encode() in dump  # and the key slots in escrow, wrapped as the laptop holds them
    assert not [k for k in secrets if k in dump]
    assert unit.service.proc is not None
    for region in process_memory(unit.service.proc.pid):
        assert not [k for k in secrets if k in region]


def test_an_object_no_entry_references_is_refused_and_kept(unit: Unit, engine: Engine, tmp_path: Path) -> None:
    store = new_installation(tmp_path / "laptop", tmp_path / "xdg")
    installation, _ = register(engine, store, "laptop sending a stray object")
    do_sync(unit, store)
    _, signer, _ = rows_of(store)
    stray = b"CDVAULT\x00\x00\x01\x00\x00\x00\x10\x00\x00" + bytes(32) + b"not evidence of anything" + bytes(16)
    content = hashlib.sha256(b"not evidence of anything").hexdigest()
    declaration = wire.declaration(CASE, content, 24, 1, len(stray), address_of(stray))
    name = "ab" * 32
    client = RawClient(unit.service.url, unit.tls.ca, installation, "jsmith", signer)
    try:
        path = f"/v1/installations/{installation}/objects/{name}/0"
        answer = client.request_part(path, stray, declaration)
    finally:
        client.close()
    assert answer.status_code == 422
    assert answer.json()["error"] == (
        f"object {name}: no exhibit.ingested entry of case {CASE} that the unit holds for installation "
        f"{installation} records content {content} of 24 bytes; an object no entry references is not taken")
    with engine.connect() as conn:
        kept = conn.execute(text("SELECT reason, declaration, data FROM rejected_objects WHERE installation_id = :i"),
                            {"i": installation}).all()
        stored = conn.execute(text("SELECT count(*) FROM object_uploads WHERE installation_id = :i"),
                              {"i": installation}).scalar_one()
    assert len(kept) == 1 and kept[0][0] == answer.json()["error"]
    assert (kept[0][1], bytes(kept[0][2])) == (declaration, stray)  # the attempt itself, as received
    assert stored == 0


def test_an_object_whose_bytes_are_not_its_declared_address_is_refused_and_held_never(
        unit: Unit, engine: Engine, tmp_path: Path) -> None:
    store = new_installation(tmp_path / "laptop", tmp_path / "xdg")
    installation, _ = register(engine, store, "laptop whose object changed")
    s = store.sign_in("jsmith")
    try:
        ingest(s, tmp_path / "in", "photo.jpg", b"a photograph of the scene")
    finally:
        s.close()
    path = next(p for p in (store.root / "vault").glob("??/*") if p.is_file())
    real = path.read_bytes()
    path.rename(tmp_path / "away")
    assert do_sync(unit, store).objects_unsent == (path.parent.name + path.name,)  # the entries, not the object
    (tmp_path / "away").rename(path)
    _, signer, _ = rows_of(store)
    name = path.parent.name + path.name
    s = store.sign_in("jsmith")
    try:
        with s.read() as db:
            obj = sync._objects(db)[0]
    finally:
        s.close()
    # Declared with the address of the object as stored, sent with one bit of it flipped on the way.
    address = address_of(real)
    declaration = wire.declaration(obj.case, obj.sha256, obj.size, obj.epoch, len(real), address)
    changed = real[:60] + bytes([real[60] ^ 1]) + real[61:]
    client = RawClient(unit.service.url, unit.tls.ca, installation, "jsmith", signer)
    try:
        answer = client.request_part(f"/v1/installations/{installation}/objects/{name}/0", changed, declaration)
    finally:
        client.close()
    assert answer.status_code == 422
    assert re.fullmatch(rf"object {name}: its {len(real)} bytes make address [0-9a-f]{{64}}, not the address "
                        rf"{address} it was declared with", answer.json()["error"])
    assert unit_objects(engine, installation) == {}
    with engine.connect() as conn:
        kept = conn.execute(text("SELECT data FROM rejected_objects WHERE installation_id = :i"),
                            {"i": installation}).scalars().all()
    assert [bytes(k) for k in kept] == [changed]
    # The laptop's own sync then sends the object as stored, and the unit holds that.
    assert do_sync(unit, store).objects_sent == 1
    assert unit_objects(engine, installation) == {name: real}


def test_the_objects_held_can_be_neither_changed_nor_removed(unit: Unit, engine: Engine) -> None:
    for statement in ('UPDATE object_parts SET data = \'\\x00\'', "DELETE FROM objects",
                      "UPDATE object_uploads SET size = 0", "TRUNCATE object_parts CASCADE",
                      "DELETE FROM rejected_objects"):
        with pytest.raises(DBAPIError) as caught, engine.begin() as conn:
            conn.execute(text(statement))
        assert "the unit store is append-only" in str(caught.value)


def test_a_cut_upload_of_a_large_exhibit_resumes_with_every_byte_once(
        unit: Unit, engine: Engine, tmp_path: Path) -> None:
    store = new_installation(tmp_path / "laptop", tmp_path / "xdg")
    installation, _ = register(engine, store, "laptop cut while sending evidence")
    s = store.sign_in("jsmith")
    try:
        ingest(s, tmp_path / "in", "disk.img", hashlib.sha256(b"disk").digest() * (2 * BIG // 32))
    finally:
        s.close()

    def cut_after_first_part(done: int, total: int, message: str = "") -> None:
        if "MiB of evidence" in message and done >= wire.PART_BYTES:
            unit.service.kill()

    with pytest.raises(UnitError) as caught:
        do_sync(unit, store, progress=cut_after_first_part)
    assert str(caught.value).startswith(f"the connection to the unit was cut after {wire.PART_BYTES} of ")
    unit.service.start()
    result = do_sync(unit, store)
    laptop = vault_files(store)
    size = sum(len(b) for b in laptop.values())
    assert result.object_bytes == size - wire.PART_BYTES  # only what the unit lacked
    assert unit_objects(engine, installation) == laptop
    with engine.connect() as conn:
        parts = conn.execute(text('SELECT "offset", length(data) FROM object_parts WHERE installation_id = :i '
                                  'ORDER BY "offset"'), {"i": installation}).all()
    assert sum(n for _, n in parts) == size  # nothing twice
    assert all(n <= wire.PART_BYTES for _, n in parts)


def test_a_declaration_is_signed_with_its_part(unit: Unit, engine: Engine, tmp_path: Path) -> None:
    store = new_installation(tmp_path / "laptop", tmp_path / "xdg")
    installation, _ = register(engine, store, "laptop whose declaration was changed in flight")
    do_sync(unit, store)
    _, signer, _ = rows_of(store)
    client = RawClient(unit.service.url, unit.tls.ca, installation, "jsmith", signer)
    declaration = wire.declaration(CASE, "0" * 64, 1, 1, 65, "1" * 64)
    try:
        answer = client.request_part(f"/v1/installations/{installation}/objects/{'cd' * 32}/0", b"x",
                                     declaration, signed_declaration=declaration.replace('"size":1', '"size":2'))
    finally:
        client.close()
    assert answer.status_code == 401
    assert json.loads(answer.text)["error"] == "the request's signature does not verify with the key it names"


def test_one_refused_object_does_not_keep_the_others_from_the_unit(
        unit: Unit, engine: Engine, tmp_path: Path) -> None:
    store = new_installation(tmp_path / "laptop", tmp_path / "xdg")
    installation, _ = register(engine, store, "laptop whose upload someone began differently")
    s = store.sign_in("jsmith")
    try:
        ingest(s, tmp_path / "in", "disk.img", hashlib.sha256(b"img").digest() * (BIG // 32))
    finally:
        s.close()
    big = next(p for p in (store.root / "vault").glob("??/*") if p.is_file())
    big.rename(tmp_path / "away")
    do_sync(unit, store)  # the entries; the object is away
    (tmp_path / "away").rename(big)
    name = big.parent.name + big.name
    s = store.sign_in("jsmith")
    try:
        with s.read() as db:
            obj = next(o for o in sync._objects(db) if o.name == name)
        ingest(s, tmp_path / "in2", "note.txt", b"a second exhibit, ingested later")
    finally:
        s.close()
    # Someone holding an account of the laptop begins the upload with another declaration (another key epoch).
    data = big.read_bytes()
    _, signer, _ = rows_of(store)
    client = RawClient(unit.service.url, unit.tls.ca, installation, "jsmith", signer)
    try:
        declaration = wire.declaration(obj.case, obj.sha256, obj.size, 2, len(data), address_of(data))
        assert client.request_part(f"/v1/installations/{installation}/objects/{name}/0", data[:wire.PART_BYTES],
                                   declaration).status_code == 200
    finally:
        client.close()
    # The laptop's sync is refused for that object, says so, and still sends the other one.
    with pytest.raises(UnitError) as caught:
        do_sync(unit, store)
    assert str(caught.value).startswith(f"the unit refused the sync: object {name} was declared as ")
    assert str(caught.value).endswith("an upload is never changed")
    laptop = vault_files(store)
    held = unit_objects(engine, installation)
    assert list(held) == [n for n in laptop if n != name]
    assert all(held[n] == laptop[n] for n in held)


def test_an_insiders_garbage_upload_under_an_objects_name_is_refused(unit: Unit, engine: Engine,
                                                                     tmp_path: Path) -> None:
    """Before, an account of the installation could send other bytes of the right size and format under an
    object's name ahead of the laptop's own sync (declared with their own address): the unit held them for good,
    and the damage showed only at a restore or a hand-over. The exhibit.ingested entry now binds the name to the
    address of the bytes the laptop wrote (data.object), and the unit takes no other."""
    store = new_installation(tmp_path / "laptop", tmp_path / "xdg")
    installation, _ = register(engine, store, "laptop an insider races")
    s = store.sign_in("jsmith")
    try:
        ingest(s, tmp_path / "in", "phone.txt", b"extraction of the phone")
    finally:
        s.close()
    path = next(p for p in (store.root / "vault").glob("??/*") if p.is_file())
    name, real = path.parent.name + path.name, path.read_bytes()
    rows, signer, _ = rows_of(store)
    ingested = next(r for r in rows if r[7] == "exhibit.ingested")  # encoding.ROW_COLUMNS: action, data, seq
    bound = json.loads(str(ingested[17]))["object"]
    assert bound == {"name": name, "address": address_of(real)}  # the signed entry names the very bytes
    s = store.sign_in("jsmith")
    try:
        with s.read() as db:
            obj = sync._objects(db)[0]
    finally:
        s.close()
    fake = real[:48] + bytes(b ^ 0x55 for b in real[48:])  # the right size and header: only a key tells
    declaration = wire.declaration(obj.case, obj.sha256, obj.size, obj.epoch, len(fake), address_of(fake))
    client = RawClient(unit.service.url, unit.tls.ca, installation, "jsmith", signer)
    try:
        assert client.push(rows).status_code == 200
        answer = client.request_part(f"/v1/installations/{installation}/objects/{name}/0", fake, declaration)
    finally:
        client.close()
    seq = ingested[0]
    assert answer.status_code == 422
    assert answer.json()["error"] == (
        f"object {name}: entry {seq} of installation {installation} binds it to address {address_of(real)}, not "
        f"the address {address_of(fake)} it was declared with: these are not the bytes the laptop wrote; the "
        "object is not taken")
    with engine.connect() as conn:
        kept = conn.execute(text("SELECT data FROM rejected_objects WHERE installation_id = :i"),
                            {"i": installation}).scalars().all()
        uploads = conn.execute(text("SELECT count(*) FROM object_uploads WHERE installation_id = :i"),
                               {"i": installation}).scalar_one()
    assert [bytes(k) for k in kept] == [fake] and uploads == 0  # kept as evidence of the attempt, not stored
    # The laptop's own sync sends its object, and the unit holds exactly that.
    assert do_sync(unit, store).objects_sent == 1
    assert unit_objects(engine, installation) == {name: real}
