"""Content keys follow membership: the store key opens no case's content; membership changes move the key."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from pathlib import Path

import pytest
from sqlalchemy import select

from casedesk.errors import CaseContentLocked, PermissionDenied
from casedesk.evidence.readback import ObjectProblem, read_object
from casedesk.evidence.vault import Vault
from casedesk.security import device_secret
from casedesk.security.casekeys import (
    CaseContentKeys,
    CaseKeyError,
    box_public,
    open_case_key,
    vault_naming_key,
)
from casedesk.security.keys import StoreKeys
from casedesk.security.keyslots import KeySlotFile, SlotSecrets
from casedesk.services.accounts import Accounts
from casedesk.services.cases import Cases
from casedesk.services.custody import Custody
from casedesk.services.evidence import Evidence
from casedesk.store.models import Case, CaseKeyGrant, CustodyEntry, Exhibit, User, VaultObject
from tests.helpers.evidence import META, write
from tests.helpers.store import CASE, PASSWORDS, Store

SECOND = "MPS-2026-0500"


def insider_secrets(store: Store, user: str) -> SlotSecrets:
    """What ``user`` takes out of their own key slot with their own password, bypassing CaseDesk."""
    slots = KeySlotFile.load(store.datadir.keyslots)
    return slots.unwrap(user, PASSWORDS[user], device_secret.load_device_secret(slots.installation_id))


def ingest(store: Store, user: str, name: str, content: bytes, case: str = CASE) -> str:
    s = store.sign_in(user)
    try:
        src = write(store.root.parent / f"src-{name}" / name, content)
        return Evidence(s).ingest(case, [src], META).ingested[0].reference
    finally:
        s.close()


def view(store: Store, user: str, ref: str, case: str = CASE) -> bytes:
    s = store.sign_in(user)
    try:
        with Evidence(s).open_content(case, ref) as stream:
            return stream.read()
    finally:
        s.close()


def object_of(store: Store, ref: str, case: str = CASE) -> VaultObject:
    s = store.sign_in("admin")  # not a key holder: signing in changes nothing about case keys
    try:
        with s.read() as db:
            case_row = db.scalars(select(Case).where(Case.reference == case)).one()
            ex = db.scalars(select(Exhibit).where(Exhibit.case_id == case_row.id, Exhibit.reference == ref)).one()
            obj = db.get(VaultObject, ex.object_id)
            assert obj is not None
            return obj
    finally:
        s.close()


def entries(store: Store, action: str) -> list[CustodyEntry]:
    s = store.sign_in("admin")  # not a key holder: signing in changes nothing about case keys
    try:
        with s.read() as db:
            return list(db.scalars(select(CustodyEntry).where(CustodyEntry.action == action)
                                   .order_by(CustodyEntry.seq)))
    finally:
        s.close()


def grants(store: Store, case: str = CASE) -> dict[tuple[str, int], bytes]:
    """(user, epoch) -> sealed key, as anyone with the store key reads them from the table."""
    s = store.sign_in("admin")
    try:
        with s.read() as db:
            case_id = db.scalars(select(Case.id).where(Case.reference == case)).one()
            names = {u.id: u.username for u in db.scalars(select(User))}
            return {(names[g.user_id], g.epoch): bytes(g.sealed)
                    for g in db.scalars(select(CaseKeyGrant).where(CaseKeyGrant.case_id == case_id))}
    finally:
        s.close()


def try_open(store: Store, obj: VaultObject, encryption_key: bytes, naming_key: bytes) -> bytes:
    out = bytearray()
    read_object(Vault(store.root / "vault", encryption_key, naming_key), obj.name, obj.size, ["sha256"],
                sink=lambda v: out.extend(v))
    return bytes(out)


def test_an_administrator_holding_the_store_key_cannot_decrypt_a_case_object(store: Store) -> None:
    content = b"customer records of the bank\n" * 50
    ref = ingest(store, "jsmith", "records.csv", content)
    obj = object_of(store, ref)
    admin = insider_secrets(store, "admin")
    keys = StoreKeys.derive(admin.store_key)
    # The store key's vault subkeys, exactly as docs/vault-format.md gave them before case keys: no longer.
    with pytest.raises(ObjectProblem, match="fails authentication"):
        try_open(store, obj, keys.vault_encryption, keys.vault_naming)
    # The admin's own box key opens no grant of the case.
    assert admin.box_key is not None
    for (_, epoch), sealed in grants(store).items():
        with pytest.raises(CaseKeyError):
            open_case_key(sealed, admin.box_key, CASE, epoch)
    # Through CaseDesk, the admin is told why.
    s = store.sign_in("admin")
    try:
        with s.read() as db, pytest.raises(CaseContentLocked) as err:
            Evidence(s).case_vault(db, db.scalars(select(Case).where(Case.reference == CASE)).one(), 1)
    finally:
        s.close()
    assert str(err.value) == f"you are not a member of case {CASE}; its content is encrypted for its members"
    # A member, with her own slot, does open it: the test's decryption is the real one.
    mine = insider_secrets(store, "jsmith")
    assert mine.box_key is not None
    key = open_case_key(grants(store)[("jsmith", 1)], mine.box_key, CASE, 1)
    assert try_open(store, obj, CaseContentKeys.derive(key).vault_encryption, vault_naming_key(key)) == content


def test_a_detective_who_is_not_a_member_cannot_decrypt_either(store: Store) -> None:
    ref = ingest(store, "jsmith", "note.txt", b"informant's name\n")
    obj = object_of(store, ref)
    outsider = insider_secrets(store, "bpatel")
    assert outsider.box_key is not None
    assert all(user != "bpatel" for user, _ in grants(store))
    keys = StoreKeys.derive(outsider.store_key)
    with pytest.raises(ObjectProblem, match="fails authentication"):
        try_open(store, obj, keys.vault_encryption, keys.vault_naming)


def test_the_key_is_sealed_to_members_the_officer_in_charge_and_supervisors_never_admins(store: Store) -> None:
    holders = {user for user, _ in grants(store)}
    assert holders == {"jsmith", "sgt"}  # jsmith created it (member and OIC); sgt supervises every case
    created = entries(store, "case.key_created")
    assert [(e.case_ref, json.loads(e.data)["epoch"]) for e in created] == [(CASE, 1)]
    granted = entries(store, "case.key_granted")
    assert sorted(json.loads(e.data)["user"] for e in granted) == ["jsmith", "sgt"]
    # The entry carries the sealed key itself (useless without the member's private box key).
    sgt = insider_secrets(store, "sgt")
    assert sgt.box_key is not None
    entry = next(e for e in granted if json.loads(e.data)["user"] == "sgt")
    data = json.loads(entry.data)
    assert data["box_key"] == box_public(sgt.box_key).hex()
    assert len(open_case_key(base64.b64decode(data["sealed"]), sgt.box_key, CASE, 1)) == 32


def test_a_member_added_by_an_administrator_waits_for_a_key_holder(store: Store) -> None:
    content = b"statement of the journalist\n"
    ref = ingest(store, "jsmith", "statement.txt", content)
    admin = store.sign_in("admin")
    try:
        assert Cases(admin).add_member(CASE, "bpatel") is False
    finally:
        admin.close()
    assert [json.loads(e.data)["user"] for e in entries(store, "case.key_grant_pending")] == ["bpatel"]
    with pytest.raises(CaseContentLocked, match="not yet available to you"):
        view(store, "bpatel", ref)
    store.sign_in("jsmith").close()  # a key holder signs in: the grant is made and recorded
    assert ("bpatel", 1) in grants(store)
    assert entries(store, "case.key_granted")[-1].actor == "jsmith"
    assert view(store, "bpatel", ref) == content


def test_a_member_added_by_a_supervisor_reads_at_once(store: Store) -> None:
    ref = ingest(store, "jsmith", "photo.jpg", b"\xff\xd8 photo")
    sgt = store.sign_in("sgt")
    try:
        assert Cases(sgt).add_member(CASE, "bpatel") is True
    finally:
        sgt.close()
    assert view(store, "bpatel", ref) == b"\xff\xd8 photo"


def test_removing_a_member_rotates_the_key_for_new_content(store: Store) -> None:
    sgt = store.sign_in("sgt")
    try:
        Cases(sgt).add_member(CASE, "bpatel")
    finally:
        sgt.close()
    before = ingest(store, "jsmith", "before.txt", b"known to bpatel\n")
    sgt = store.sign_in("sgt")
    try:
        assert Cases(sgt).remove_member(CASE, "bpatel", "moved to another team") is True
    finally:
        sgt.close()
    rotated = entries(store, "case.key_rotated")
    assert [json.loads(e.data)["epoch"] for e in rotated] == [2]
    after = ingest(store, "jsmith", "after.txt", b"not for bpatel\n")
    assert (object_of(store, before).epoch, object_of(store, after).epoch) == (1, 2)
    table = grants(store)
    assert ("bpatel", 1) in table and ("bpatel", 2) not in table
    assert {("jsmith", 2), ("sgt", 2)} <= set(table)
    # bpatel, with her own slot and the old grant she kept: the old epoch opens, the new object does not.
    mine = insider_secrets(store, "bpatel")
    assert mine.box_key is not None
    old = open_case_key(table[("bpatel", 1)], mine.box_key, CASE, 1)
    with pytest.raises(ObjectProblem, match="fails authentication"):
        try_open(store, object_of(store, after), CaseContentKeys.derive(old).vault_encryption,
                 vault_naming_key(old))
    with pytest.raises(PermissionDenied, match="not a member"):
        view(store, "bpatel", before)  # and through CaseDesk she is off the case altogether
    # The remaining holders read both epochs.
    assert view(store, "jsmith", before) == b"known to bpatel\n"
    assert view(store, "sgt", after) == b"not for bpatel\n"


def test_disabling_an_account_rotates_at_the_next_key_holders_sign_in(store: Store) -> None:
    sgt = store.sign_in("sgt")
    try:
        Cases(sgt).add_member(CASE, "bpatel")
    finally:
        sgt.close()
    admin = store.sign_in("admin")
    try:
        Accounts(admin).disable("bpatel")
    finally:
        admin.close()
    due = entries(store, "case.key_rotation_due")
    assert [(e.case_ref, json.loads(e.data)["users"]) for e in due] == [(CASE, ["bpatel"])]
    assert entries(store, "case.key_rotated") == []  # the administrator cannot make a key
    store.sign_in("jsmith").close()
    rotated = entries(store, "case.key_rotated")
    assert [(e.actor, json.loads(e.data)["epoch"]) for e in rotated] == [("jsmith", 2)]
    assert {u for u, ep in grants(store) if ep == 2} == {"jsmith", "sgt"}


def test_content_added_before_the_rotation_is_done_is_under_the_new_key(store: Store) -> None:
    """An ingest is the first thing after an administrator's removal: it rotates first."""
    admin = store.sign_in("admin")
    try:
        Accounts(admin).set_role("sgt", "detective")  # sgt leaves supervision: no longer holds the key
    finally:
        admin.close()
    ref = ingest(store, "jsmith", "late.txt", b"after the demotion\n")
    assert object_of(store, ref).epoch == 2
    assert ("sgt", 2) not in grants(store)


def test_the_same_file_in_two_cases_is_two_objects_and_within_a_case_one(store: Store) -> None:
    s = store.sign_in("jsmith")
    try:
        Cases(s).create(SECOND, "Operation Heron")
    finally:
        s.close()
    content = b"the same dossier\n" * 10
    first = ingest(store, "jsmith", "dossier.txt", content)
    again = ingest(store, "jsmith", "dossier-copy.txt", content)
    other = ingest(store, "jsmith", "dossier.txt", content, case=SECOND)
    assert object_of(store, first).id == object_of(store, again).id
    assert object_of(store, first).name != object_of(store, other, SECOND).name
    s = store.sign_in("jsmith")
    try:
        assert Evidence(s).show(CASE, again).duplicate_of == first
    finally:
        s.close()


def test_verify_checks_case_objects_with_the_case_key_and_from_outside_without_it(store: Store) -> None:
    ref = ingest(store, "jsmith", "records.csv", b"records\n" * 100)
    s = store.sign_in("jsmith")
    try:
        assert Custody(s).verify(CASE).ok
    finally:
        s.close()
    admin = store.sign_in("admin")
    try:
        ev = Evidence(admin)
        assert ev.verify(CASE) == [] and ev.sealed_only == 1
    finally:
        admin.close()
    path = store.root / "vault" / object_of(store, ref).name[:2] / object_of(store, ref).name[2:]
    data = bytearray(path.read_bytes())
    data[-20] ^= 1
    path.write_bytes(bytes(data))
    s = store.sign_in("jsmith")
    try:
        problems = Evidence(s).verify(CASE)
    finally:
        s.close()
    assert [(p.reference, p.kind) for p in problems] == [(ref, "failed authentication")]
    path.write_bytes(bytes(data[:-1]))
    admin = store.sign_in("admin")
    try:
        assert [(p.reference, p.kind) for p in Evidence(admin).verify(CASE)] == [(ref, "wrong size")]
    finally:
        admin.close()


def test_a_changed_password_keeps_the_box_key_and_a_confirmed_reset_gets_the_keys_sealed_again(
        store: Store, tmp_path: Path) -> None:
    ref = ingest(store, "jsmith", "a.txt", b"alpha\n")
    s = store.sign_in("jsmith")
    try:
        Accounts(s).change_password(PASSWORDS["jsmith"], "a-new-password-for-jane")
    finally:
        s.close()
    PASSWORDS_AFTER = {**PASSWORDS, "jsmith": "a-new-password-for-jane"}
    s = store.installation.sign_in("jsmith", PASSWORDS_AFTER["jsmith"])
    try:
        with Evidence(s).open_content(CASE, ref) as stream:
            assert stream.read() == b"alpha\n"
    finally:
        s.close()
    admin = store.sign_in("admin")
    try:
        Accounts(admin).reset_password("jsmith", "reset-password-for-jane")
    finally:
        admin.close()
    s = store.installation.sign_in("jsmith", "reset-password-for-jane")
    try:
        with pytest.raises(CaseContentLocked, match="not yet available"):
            Evidence(s).open_content(CASE, ref).__enter__()
    finally:
        s.close()
    store.sign_in("sgt").close()  # a holder signs in: nothing is sealed to a key the administrator chose
    s = store.installation.sign_in("jsmith", "reset-password-for-jane")
    try:
        with pytest.raises(CaseContentLocked, match="a supervisor must confirm"):
            Evidence(s).open_content(CASE, ref).__enter__()
        Accounts(s).change_password("reset-password-for-jane", "jane-chose-this-one")  # her own box key
    finally:
        s.close()
    sgt = store.sign_in("sgt")
    try:
        Accounts(sgt).confirm_identity("jsmith")  # in person; seals the keys to her new box key
    finally:
        sgt.close()
    s = store.installation.sign_in("jsmith", "jane-chose-this-one")
    try:
        with Evidence(s).open_content(CASE, ref) as stream:
            assert stream.read() == b"alpha\n"
    finally:
        s.close()


# --- from the documents alone -----------------------------------------------------------------------------


def test_a_member_decrypts_an_object_from_the_documents_alone(store: Store) -> None:
    """docs/keyslots.md ("Case keys") and docs/vault-format.md, with libsodium and HKDF, no CaseDesk code."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF
    from nacl.public import PrivateKey, SealedBox

    content = b"seized ledger\n" * 3000  # one short final record (the format tests cover many chunks)
    ref = ingest(store, "jsmith", "ledger.txt", content)
    obj = object_of(store, ref)
    mine = insider_secrets(store, "jsmith")
    assert mine.box_key is not None
    plain = SealedBox(PrivateKey(mine.box_key)).decrypt(grants(store)[("jsmith", 1)])
    prefix = b"casedesk-case-key/1\x00" + CASE.encode() + b"\x00" + (1).to_bytes(4, "big")
    assert plain.startswith(prefix) and len(plain) == len(prefix) + 32
    case_key = plain[len(prefix):]
    k_enc = HKDF(hashes.SHA256(), 32, None, b"casedesk/v2/case-vault-encryption").derive(case_key)
    k_name = HKDF(hashes.SHA256(), 32, None, b"casedesk/v2/case-vault-naming").derive(case_key)
    expected = hmac.new(k_name, b"casedesk/v1/vault-object-name\x00" + hashlib.sha256(content).digest(),
                        hashlib.sha256).hexdigest()
    assert obj.name == expected
    raw = (store.root / "vault" / obj.name[:2] / obj.name[2:]).read_bytes()
    header, body = raw[:48], raw[48:]
    k_obj = HKDF(hashes.SHA256(), 32, header[16:48], b"casedesk/v1/vault-object-key").derive(k_enc)
    aad = header + (0).to_bytes(8, "big") + b"\x01"
    assert AESGCM(k_obj).decrypt(b"\x00" * 4 + (0).to_bytes(8, "big"), body, aad) == content


# --- notes and the case summary ---------------------------------------------------------------------------


def test_notes_and_the_summary_are_unreadable_with_the_store_key(store: Store) -> None:
    from tests.helpers.custody import attacker

    note_marker, summary_marker = "informant lives at 12 Acacia Avenue", "the suspect is the bank's employee"
    s = store.sign_in("jsmith")
    try:
        Cases(s).add_note(CASE, note_marker)
        Cases(s).set_summary(CASE, f"Summary: {summary_marker}.")
    finally:
        s.close()
    # The insider with the store key (the database key from the admin's own slot) and SQL.
    db_key = StoreKeys.derive(insider_secrets(store, "admin").store_key).database
    with attacker(store, db_key) as db:
        notes = db.execute("SELECT text, custody_seq FROM notes").fetchall()
        summary = db.execute("SELECT summary FROM cases WHERE reference = ?", (CASE,)).fetchone()[0]
        texts = dict(db.execute("SELECT seq, text FROM custody_entries WHERE text IS NOT NULL").fetchall())
        summary_entry = db.execute("SELECT text, data FROM custody_entries WHERE action = 'case.summary_edited'"
                                   ).fetchone()
        dump = "\n".join(str(row) for table in ("notes", "cases", "custody_entries")
                         for row in db.execute(f"SELECT * FROM {table}").fetchall())
    assert note_marker not in dump and summary_marker not in dump
    assert len(notes) == 1 and notes[0][0].startswith("cdx1.1.") and texts[notes[0][1]] == notes[0][0]
    assert summary.startswith("cdx1.1.") and summary_entry[0] == summary
    assert "summary_sha256" not in summary_entry[1]  # no hash of the plaintext to confirm a guess against
    # A key holder reads both, from the tables and through the log.
    s = store.sign_in("sgt")
    try:
        assert [n.text for n in Cases(s).notes(CASE)] == [note_marker]
        assert Cases(s).show(CASE).summary == f"Summary: {summary_marker}."
        assert [e.text for e in Custody(s).log(CASE, action="note.added")] == [note_marker]
    finally:
        s.close()
    # A member added by an administrator, before a key holder has sealed the key to her: the log says what
    # the text is, without it; the notes say why.
    s = store.sign_in("admin")
    try:
        Cases(s).add_member(CASE, "bpatel")
    finally:
        s.close()
    s = store.sign_in("bpatel")
    try:
        assert [e.text for e in Custody(s).log(CASE, action="note.added")] == [
            f"(encrypted for the key holders of case {CASE})"]
        assert Cases(s).show(CASE).summary == ""
        with pytest.raises(CaseContentLocked, match="not yet available to you"):
            Cases(s).notes(CASE)
    finally:
        s.close()


def test_a_note_moved_to_another_case_fails_authentication(store: Store) -> None:
    from casedesk.errors import IntegrityError
    from tests.helpers.custody import attacker

    s = store.sign_in("jsmith")
    try:
        Cases(s).create(SECOND, "Operation Heron")
        Cases(s).add_note(CASE, "belongs to Lantern")
        Cases(s).add_note(SECOND, "belongs to Heron")
    finally:
        s.close()
    with attacker(store) as db:
        lantern = db.execute("SELECT n.text FROM notes n JOIN cases c ON c.id = n.case_id WHERE c.reference = ?",
                             (CASE,)).fetchone()[0]
        db.execute("UPDATE notes SET text = ? WHERE case_id = (SELECT id FROM cases WHERE reference = ?)",
                   (lantern, SECOND))
    s = store.sign_in("jsmith")
    try:
        with pytest.raises(IntegrityError, match="fails authentication"):
            Cases(s).notes(SECOND)
        assert [n.text for n in Cases(s).notes(CASE)] == ["belongs to Lantern"]
    finally:
        s.close()


def test_a_key_holders_sign_in_asks_about_all_cases_at_once_not_case_by_case(store: Store) -> None:
    """Every holder's sign-in looks for due grants and rotations in every case: a handful of queries, however
    many cases (it was four per case: 0.58 s of a supervisor's sign-in with 200 cases)."""
    from sqlalchemy import Engine, event

    def member_reads() -> int:
        seen: list[str] = []

        def on_execute(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
            seen.append(statement)

        event.listen(Engine, "before_cursor_execute", on_execute)
        try:
            store.sign_in("sgt").close()
        finally:
            event.remove(Engine, "before_cursor_execute", on_execute)
        return sum(1 for q in seen if "FROM case_members" in q)

    one_case = member_reads()
    s = store.sign_in("jsmith")
    try:
        for i in range(6):
            Cases(s).create(f"MPS-2026-07{i:02d}", f"Operation {i}")
    finally:
        s.close()
    assert member_reads() == one_case
