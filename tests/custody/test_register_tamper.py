"""Tamper catalogue, v2: an insider with their own password (hence the store key) edits the tables.

Findings 1, 2 and 9 of the trust issue: the register (exhibits, cases, membership, notes, accounts,
settings) is a projection of the signed log, so an edit made with SQL is named by ``casedesk verify``
(row and column) and raises an integrity alert at the next sign-in that blocks every write (so the next
bundle cannot print the forgery); authority is replayed from the log, so a role set in the users table
approves nothing.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from casedesk.custody import log as custody_log
from casedesk.custody import review
from casedesk.errors import AuthenticationError, IntegrityError, PermissionDenied
from casedesk.security.casekeys import box_public, new_box_key, seal_case_key
from casedesk.services.accounts import Accounts
from casedesk.services.casekeys import CaseKeys
from casedesk.services.cases import Cases
from casedesk.services.custody import Custody
from casedesk.services.evidence import Evidence
from casedesk.store.engine import write_session
from casedesk.store.models import BoxKey, Case, User
from tests.custody.conftest import CaseStore
from tests.helpers.custody import attacker, casedesk_verify
from tests.helpers.store import CASE


def _verify_messages(capsys: Any, monkeypatch: Any, cs: CaseStore, user: str = "sgt") -> list[str]:
    code, report = casedesk_verify(capsys, monkeypatch, cs.store, case=None, user=user)
    messages = [p["text"] if "text" in p else _describe(p) for p in report["problems"]]
    assert (code == 0) == (not messages)
    return messages


def _describe(p: dict[str, Any]) -> str:
    where = []
    if p.get("seq") is not None:
        where.append(f"entry {p['seq']}")
    if p.get("exhibit") is not None:
        where.append(f"exhibit {p.get('case') + ' ' if p.get('case') else ''}{p['exhibit']}")
    elif p.get("case") is not None:
        where.append(f"case {p['case']}")
    return (", ".join(where) + ": " if where else "") + p["message"]


EDITS = [
    ("UPDATE exhibits SET description = 'a harmless holiday photo' WHERE reference = 'JAS/1'",
     "exhibit MPS-2026-0417 JAS/1: the register's description is 'a harmless holiday photo'"),
    ("UPDATE exhibits SET seized_from = 'nobody' WHERE reference = 'JAS/1'",
     "exhibit MPS-2026-0417 JAS/1: the register's seized from is 'nobody'"),
    ("UPDATE exhibits SET seal = 'EV-999' WHERE reference = 'JAS/1'",
     "exhibit MPS-2026-0417 JAS/1: the register's seal is 'EV-999'"),
    ("UPDATE exhibits SET original_name = 'other.txt' WHERE reference = 'JAS/1'",
     "exhibit MPS-2026-0417 JAS/1: the register's original name is 'other.txt'"),
    ("UPDATE exhibits SET producer_id = (SELECT id FROM users WHERE username = 'bpatel') WHERE reference = 'JAS/1'",
     "exhibit MPS-2026-0417 JAS/1: the register's producer is 'bpatel' but the custody log says 'jsmith'"),
    ("UPDATE exhibits SET custodian = 'bpatel' WHERE reference = 'JAS/2'",
     "exhibit MPS-2026-0417 JAS/2: the register's custodian is 'bpatel' but the custody log says 'jsmith'"),
    ("UPDATE exhibits SET location = 'my garage' WHERE reference = 'JAS/1'",
     "exhibit MPS-2026-0417 JAS/1: the register's location is 'my garage'"),
    ("UPDATE exhibits SET status = 'withdrawn' WHERE reference = 'JAS/1'",
     "exhibit MPS-2026-0417 JAS/1: the register's status is 'withdrawn' but the custody log says 'active'"),
    ("UPDATE exhibits SET sensitive = 1 WHERE reference = 'JAS/2'",
     "exhibit MPS-2026-0417 JAS/2: the register's sensitive is true but the custody log says false"),
    ("UPDATE cases SET title = 'Operation Nothing'",
     "case MPS-2026-0417: the register's title is 'Operation Nothing' but the custody log says 'Operation Lantern'"),
    ("UPDATE cases SET offences = ''", "case MPS-2026-0417: the register's offences is empty"[:-5]),
    ("UPDATE cases SET status = 'closed'",
     "case MPS-2026-0417: the register's status is 'closed' but the custody log says 'open'"),
    ("UPDATE cases SET officer_in_charge_id = (SELECT id FROM users WHERE username = 'bpatel')",
     "case MPS-2026-0417: the register's officer in charge is 'bpatel' but the custody log says 'jsmith'"),
    ("UPDATE cases SET summary = 'nothing to see'",
     "case MPS-2026-0417: the register's summary is 'nothing to see'"),
    ("INSERT INTO case_members (case_id, user_id, added_at) SELECT c.id, u.id, '2026-11-20T10:00:00.000000Z' "
     "FROM cases c, users u WHERE u.username = 'bpatel'",
     "case MPS-2026-0417: the register lists bpatel as a member, but the custody log never added them"),
    ("DELETE FROM case_members WHERE user_id = (SELECT id FROM users WHERE username = 'jsmith')",
     None),  # jsmith is the officer in charge: still a member by the log; the row's absence is named
    ("UPDATE users SET role = 'supervisor' WHERE username = 'bpatel'",
     "account bpatel: the register's role is 'supervisor' but the custody log says 'detective'"),
    ("UPDATE users SET disabled = 1 WHERE username = 'bpatel'",
     "account bpatel: the register's disabled flag is true but the custody log says false"),
    ("UPDATE users SET full_name = 'Someone Else' WHERE username = 'bpatel'",
     "account bpatel: the register's full name is 'Someone Else' but the custody log says 'Bilal Patel'"),
    ("INSERT INTO settings (key, value) VALUES ('digests.extra', '[\"md5\"]')",
     "setting digests.extra: the register's value is [\"md5\"] but the custody log says []"),
    ("UPDATE notes SET text = 'nothing found'", "the register's text is 'nothing found'"),
    ("UPDATE cases SET case_salt = '" + "00" * 32 + "'",
     "case MPS-2026-0417: the register's case commitment salt is not the one the custody log disclosed"),
    ("DELETE FROM notes", "is missing from the register"),
]


@pytest.fixture
def with_note_and_summary(cs: CaseStore) -> CaseStore:
    s = cs.store.sign_in("jsmith")
    try:
        Cases(s).add_note(CASE, "seal checked, intact", exhibit="JAS/1")
        Cases(s).set_summary(CASE, "The dossier was handed over on 20 November.")
    finally:
        s.close()
    return cs


@pytest.mark.parametrize(("sql", "expected"), EDITS, ids=[e[0][:60] for e in EDITS])
def test_any_edit_of_the_register_is_named_and_blocks_writes(
        with_note_and_summary: CaseStore, capsys: Any, monkeypatch: Any, sql: str, expected: str | None) -> None:
    cs = with_note_and_summary
    assert _verify_messages(capsys, monkeypatch, cs) == []
    with attacker(cs.store, cs.key) as db:
        db.execute(sql)
    messages = _verify_messages(capsys, monkeypatch, cs)
    assert messages, f"verify missed: {sql}"
    if expected is not None:
        assert any(expected in m for m in messages), messages
    # The next sign-in sees it too, and nothing more can be written (no bundle of the forgery).
    s = cs.store.sign_in("sgt")
    try:
        assert any("the register differs from the signed custody log" in a for a in s.integrity_alerts)
        with pytest.raises(IntegrityError):
            Cases(s).add_note(CASE, "anything")
    finally:
        s.close()


def test_edited_summary_from_before_the_upgrade_is_checked_by_its_hash(
        cs: CaseStore, capsys: Any, monkeypatch: Any) -> None:
    """A summary entry written before the log carried the text (only its SHA-256) still binds the text."""
    s = cs.store.sign_in("jsmith")
    try:
        with s.write() as db:
            case = db.scalar(select(Case).where(Case.reference == CASE))
            case.summary = "old style summary"
            s.record(db, "case.summary_edited", case_ref=CASE,
                     data={"summary_sha256": hashlib.sha256(b"old style summary").hexdigest(), "length": 17})
    finally:
        s.close()
    assert _verify_messages(capsys, monkeypatch, cs) == []
    with attacker(cs.store, cs.key) as db:
        db.execute("UPDATE cases SET summary = 'a different story'")
    assert any("the register's summary (SHA-256)" in m for m in _verify_messages(capsys, monkeypatch, cs))


def test_role_set_in_the_table_approves_nothing_and_is_named(cs: CaseStore, capsys: Any, monkeypatch: Any) -> None:
    """Finding 2: a detective makes herself supervisor in the users table, approves, and sets it back."""
    with attacker(cs.store, cs.key) as db:
        db.execute("UPDATE users SET role = 'supervisor' WHERE username = 'bpatel'")
    s = cs.store.sign_in("bpatel")
    try:
        # The session's role comes from the signed log, not from the edited table: the service refuses.
        assert s.user.role.value == "detective"
        with pytest.raises(PermissionDenied):
            Custody(s).review(CASE, "approve", "all in order")
        # Even forcing the entry in (her own valid key, the service bypassed) reviews nothing.
        with write_session(s.engine) as db:
            forged = custody_log.append(db, actor="bpatel", signer=s.signer, action="case.reviewed", case_ref=CASE,
                                        data={"decision": "approve", "up_to": 5, "entries": 3, "settles": []})
            forged_seq = forged.seq
    finally:
        s.close()
    with attacker(cs.store, cs.key) as db:
        db.execute("UPDATE users SET role = 'detective' WHERE username = 'bpatel'")
    messages = _verify_messages(capsys, monkeypatch, cs)
    assert (f"entry {forged_seq}, case {CASE}: case.reviewed by bpatel, whose role (detective) may not review "
            "custody logs at this point: ignored") in messages
    sup = cs.store.sign_in("sgt")
    try:
        with sup.read() as db:
            assert review.reviewed_up_to(db, CASE) == 0
    finally:
        sup.close()


def test_transfer_by_someone_who_does_not_hold_the_exhibit_is_named(
        cs: CaseStore, capsys: Any, monkeypatch: Any) -> None:
    """Finding 2: take an exhibit from its custodian by making oneself its custodian in the table first."""
    with attacker(cs.store, cs.key) as db:
        db.execute("INSERT INTO case_members (case_id, user_id, added_at) SELECT c.id, u.id, "
                   "'2026-11-20T10:00:00.000000Z' FROM cases c, users u WHERE u.username = 'bpatel'")
        db.execute("UPDATE exhibits SET custodian = 'bpatel' WHERE reference = 'JAS/2'")
    s = cs.store.sign_in("bpatel")
    try:
        assert s.integrity_alerts  # the edit is seen at sign-in, and every write is refused
        with pytest.raises(IntegrityError):
            Custody(s).transfer(CASE, "JAS/2", "Home address", "taking it")
    finally:
        s.close()


def test_extract_outside_membership_is_named(cs: CaseStore, capsys: Any, monkeypatch: Any, tmp_path: Path) -> None:
    """Finding 2: an extraction from a case one is not a member of (service bypassed) is named."""
    s = cs.store.sign_in("bpatel")
    try:
        with write_session(s.engine) as db:
            e = custody_log.append(db, actor="bpatel", signer=s.signer, action="exhibit.extracted", case_ref=CASE,
                                   exhibit_ref="JAS/1", data={"destination": "/tmp/x", "size": 1})
            seq = e.seq
    finally:
        s.close()
    messages = _verify_messages(capsys, monkeypatch, cs)
    assert (f"entry {seq}, exhibit {CASE} JAS/1: exhibit.extracted by bpatel, who is not a member of case {CASE} "
            "at this point: ignored") in messages


def test_service_refuses_to_write_an_entry_replay_would_flag(cs: CaseStore) -> None:
    """One table for both: an entry the rules reject is never written by the service layer."""
    s = cs.store.sign_in("bpatel")
    try:
        with pytest.raises(PermissionDenied, match="not a member of case"), s.write() as db:
            s.record(db, "exhibit.extracted", case_ref=CASE, exhibit_ref="JAS/1")
    finally:
        s.close()


def test_open_session_of_a_disabled_account_reads_nothing_more(cs: CaseStore) -> None:
    """Finding 9: after disable, an open session lists no cases, no log, no review queue, no users."""
    det = cs.store.sign_in("jsmith")
    sup = cs.store.sign_in("sgt")
    admin = cs.store.sign_in("admin")
    try:
        Accounts(admin).disable("jsmith")
        Accounts(admin).set_role("sgt", "detective")
        for call in (lambda: Cases(det).list(), lambda: Custody(det).log(None), lambda: Cases(det).notes(CASE),
                     lambda: Evidence(det).list(CASE)):
            with pytest.raises(AuthenticationError):
                call()
        for call in (lambda: Custody(sup).review_queue(), lambda: Cases(sup).list(), lambda: Custody(sup).log(None)):
            with pytest.raises((PermissionDenied, AuthenticationError)):
                call()
    finally:
        det.close()
        sup.close()
        admin.close()


def test_access_after_removal_is_named_though_the_same_access_was_allowed_before(
        cs: CaseStore, capsys: Any, monkeypatch: Any) -> None:
    """Replay keeps authority answers between entries that change nothing: a removal must still count at once."""
    sgt = cs.store.sign_in("sgt")
    try:
        Cases(sgt).add_member(CASE, "bpatel")
    finally:
        sgt.close()

    def extract() -> int:
        s = cs.store.sign_in("bpatel")
        try:
            with write_session(s.engine) as db:
                return custody_log.append(db, actor="bpatel", signer=s.signer, action="exhibit.extracted",
                                          case_ref=CASE, exhibit_ref="JAS/1",
                                          data={"destination": "/tmp/x", "size": 1}).seq
        finally:
            s.close()

    allowed = extract()
    sgt = cs.store.sign_in("sgt")
    try:
        Cases(sgt).remove_member(CASE, "bpatel", "moved to another team")
    finally:
        sgt.close()
    refused = extract()
    flagged = [m for m in _verify_messages(capsys, monkeypatch, cs) if "exhibit.extracted by bpatel" in m]
    assert flagged == [f"entry {refused}, exhibit {CASE} JAS/1: exhibit.extracted by bpatel, who is not a member of "
                       f"case {CASE} at this point: ignored"], (allowed, flagged)


# --- Key material: box keys, case-key epochs and grants are facts of the log too ------------------------------
# An insider holding the store key could otherwise put a box key of their own in place of a key holder's (the
# next holder's sign-in would seal every case key to it), or slip a grant of a case key into the table.


def _user_id(db: Any, name: str) -> int:
    return int(db.execute("SELECT id FROM users WHERE username = ?", (name,)).fetchone()[0])


def test_a_box_key_swapped_in_the_table_is_named_and_no_case_key_is_sealed_to_it(
        cs: CaseStore, capsys: Any, monkeypatch: Any) -> None:
    for name in ("sgt", "jsmith"):  # both have signed in since the upgrade: box keys and grants exist
        cs.store.sign_in(name).close()
    assert _verify_messages(capsys, monkeypatch, cs) == []
    mine = new_box_key()  # the insider keeps the private half
    with attacker(cs.store, cs.key) as db:
        db.execute("UPDATE box_keys SET public_key = ? WHERE user_id = ? AND retired_at IS NULL",
                   (box_public(mine), _user_id(db, "sgt")))
    messages = _verify_messages(capsys, monkeypatch, cs)
    assert any(m.startswith("account sgt: the register's box key is") for m in messages), messages
    # A detective's verify (her own cases) names it too, as her sign-in alert does: it belongs to no case.
    assert any(m.startswith("account sgt: the register's box key is")
               for m in _verify_messages(capsys, monkeypatch, cs, user="bpatel"))
    s = cs.store.sign_in("jsmith")  # a key holder signs in: nothing is sealed to the swapped key
    try:
        assert any("the register differs from the signed custody log" in a for a in s.integrity_alerts)
    finally:
        s.close()
    with attacker(cs.store, cs.key) as db:
        sealed_to_mine = db.execute("SELECT count(*) FROM case_key_grants WHERE box_public = ?",
                                    (box_public(mine),)).fetchone()[0]
    assert sealed_to_mine == 0


def test_a_case_key_grant_slipped_into_the_table_is_named(cs: CaseStore, capsys: Any, monkeypatch: Any) -> None:
    """A member seals the case key to an outsider's box key with SQL, no entry: verify names the grant."""
    for name in ("bpatel", "jsmith"):
        cs.store.sign_in(name).close()
    s = cs.store.sign_in("jsmith")
    try:
        with s.read() as orm:
            case = orm.scalar(select(Case).where(Case.reference == CASE))
            assert case is not None
            key = CaseKeys(s).key(orm, case, 1)
    finally:
        s.close()
    with attacker(cs.store, cs.key) as db:
        public = db.execute("SELECT public_key FROM box_keys WHERE user_id = ? AND retired_at IS NULL",
                            (_user_id(db, "bpatel"),)).fetchone()[0]
        db.execute("INSERT INTO case_key_grants (case_id, epoch, user_id, box_public, sealed, granted_at, custody_seq) "
                   "SELECT id, 1, ?, ?, ?, '2026-11-20T10:00:00.000000Z', 1 FROM cases",
                   (_user_id(db, "bpatel"), public, seal_case_key(key, bytes(public), CASE, 1)))
    messages = _verify_messages(capsys, monkeypatch, cs)
    assert (f"case {CASE}: the register holds a grant of the case key (epoch 1) to bpatel, but the custody log "
            "never recorded it") in messages, messages


@pytest.mark.parametrize("sql", [
    "UPDATE case_key_grants SET sealed = x'00' WHERE user_id = (SELECT id FROM users WHERE username = 'jsmith')",
    "DELETE FROM case_key_epochs",
])
def test_an_edited_grant_or_epoch_is_named(cs: CaseStore, capsys: Any, monkeypatch: Any, sql: str) -> None:
    cs.store.sign_in("jsmith").close()
    assert _verify_messages(capsys, monkeypatch, cs) == []
    with attacker(cs.store, cs.key) as db:
        db.execute(sql)
    assert any(f"case {CASE}: " in m and "key" in m for m in _verify_messages(capsys, monkeypatch, cs))


def test_a_signed_grant_to_a_key_the_log_never_gave_the_grantee_is_flagged_and_refused(
        cs: CaseStore, capsys: Any, monkeypatch: Any) -> None:
    """The grant entry itself: sealed to a box key that is not the grantee's registered one, or to someone who
    may not hold the case's key. Replay ignores it; the service never writes it."""
    for name in ("sgt", "bpatel"):
        cs.store.sign_in(name).close()
    mine = box_public(new_box_key())
    s = cs.store.sign_in("jsmith")
    try:
        bad = {"user": "sgt", "epoch": 1, "box_key": mine.hex(), "sealed": "AA=="}
        with pytest.raises(PermissionDenied, match="not sgt's registered box key"), s.write() as orm:
            s.record(orm, "case.key_granted", case_ref=CASE, to_party="sgt", data=bad)
        with pytest.raises(PermissionDenied, match="may not hold"), s.write() as orm:
            bpatel_key = orm.scalar(select(BoxKey.public_key).join(User, User.id == BoxKey.user_id)
                                    .where(User.username == "bpatel", BoxKey.retired_at.is_(None)))
            s.record(orm, "case.key_granted", case_ref=CASE, to_party="bpatel",
                     data={"user": "bpatel", "epoch": 1, "box_key": bytes(bpatel_key).hex(), "sealed": "AA=="})
        with write_session(s.engine) as orm:  # the service bypassed, her own valid key
            seq = custody_log.append(orm, actor="jsmith", signer=s.signer, action="case.key_granted", case_ref=CASE,
                                     to_party="sgt", data=bad).seq
    finally:
        s.close()
    messages = _verify_messages(capsys, monkeypatch, cs)
    assert (f"entry {seq}, case {CASE}: case.key_granted by jsmith sealed the key of case {CASE} to a box key "
            "that is not sgt's registered box key at this point: ignored") in messages, messages


def test_an_edit_of_someone_elses_note_is_flagged_and_refused(cs: CaseStore, capsys: Any, monkeypatch: Any) -> None:
    """A note's new version (data.revises) counts only from the note's author: the service refused others'
    edits, but a signed entry written past it was taken as a revision."""
    sgt = cs.store.sign_in("sgt")
    try:
        Cases(sgt).add_member(CASE, "bpatel")
    finally:
        sgt.close()
    s = cs.store.sign_in("jsmith")
    try:
        note = Cases(s).add_note(CASE, "seal intact on arrival").custody_seq
    finally:
        s.close()
    s = cs.store.sign_in("bpatel")
    try:
        with pytest.raises(PermissionDenied, match="which is not a note bpatel wrote"), s.write() as db:
            s.record(db, "note.added", case_ref=CASE, text="seal broken on arrival", data={"revises": note})
        with write_session(s.engine) as db:  # the service bypassed, his own valid key
            seq = custody_log.append(db, actor="bpatel", signer=s.signer, action="note.added", case_ref=CASE,
                                     text="seal broken on arrival", data={"revises": note}).seq
    finally:
        s.close()
    assert (f"entry {seq}, case {CASE}: note.added by bpatel revises entry {note}, which is not a note bpatel wrote "
            f"in case {CASE}: ignored") in _verify_messages(capsys, monkeypatch, cs)
