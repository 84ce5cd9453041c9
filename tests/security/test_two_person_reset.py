"""Two-person rule on password resets: an administrator's reset never gives the administrator a case's content.

The attack (issue 10, finding 4): the administrator resets a detective's password, choosing the temporary
password; the next key holder's sign-in used to seal every case key of the detective to the new box key, and
the administrator, signed in as the detective, read the evidence. Case keys now reach an account whose
password an administrator reset only after someone else (a supervisor) has confirmed, in person, that the
detective changed the temporary password herself (``casedesk user confirm``).
"""

from __future__ import annotations

from typing import Any

import pytest

from casedesk.custody import log as custody_log
from casedesk.errors import CaseContentLocked, PermissionDenied, UsageError
from casedesk.security.casekeys import box_public
from casedesk.services.accounts import Accounts
from casedesk.services.casekeys import current_box_keys
from casedesk.services.cases import Cases
from casedesk.services.evidence import Evidence
from casedesk.services.session import Session
from casedesk.store.engine import write_session
from tests.helpers.custody import casedesk_verify
from tests.helpers.evidence import META, write
from tests.helpers.store import CASE, Store

TEMPORARY = "temporary-chosen-by-admin"
JANES_OWN = "only-jane-knows-this-one"


def _evidence_and_note(store: Store) -> str:
    s = store.sign_in("jsmith")
    try:
        src = write(store.root.parent / "src" / "statement.txt", b"the witness saw the van\n")
        ref = Evidence(s).ingest(CASE, [src], META).ingested[0].reference
        Cases(s).add_note(CASE, "informant is the neighbour at no. 12")
        return ref
    finally:
        s.close()


def _reset(store: Store) -> None:
    admin = store.sign_in("admin")
    try:
        Accounts(admin).reset_password("jsmith", TEMPORARY)
    finally:
        admin.close()


def _read(s: Session, ref: str) -> tuple[bytes, list[str]]:
    with Evidence(s).open_content(CASE, ref) as stream:
        content = stream.read()
    return content, [n.text for n in Cases(s).notes(CASE)]


def _verify_messages(capsys: Any, monkeypatch: Any, store: Store) -> list[str]:
    code, report = casedesk_verify(capsys, monkeypatch, store, case=None, user="sgt")
    messages = [str(p.get("message", p.get("text"))) for p in report["problems"]]
    assert (code == 0) == (not messages)
    return messages


def test_an_administrator_who_resets_a_password_cannot_read_the_detectives_cases(store: Store) -> None:
    ref = _evidence_and_note(store)
    _reset(store)
    store.sign_in("sgt").close()  # a key holder signs in: this used to seal jsmith's keys to the admin's key
    # The administrator signs in as jsmith with the password they chose, even changes it to be "her".
    s = store.installation.sign_in("jsmith", TEMPORARY)
    try:
        with pytest.raises(CaseContentLocked, match="a supervisor must confirm"):
            _read(s, ref)
        Accounts(s).change_password(TEMPORARY, "the-admin-now-owns-this")
    finally:
        s.close()
    store.sign_in("sgt").close()
    s = store.installation.sign_in("jsmith", "the-admin-now-owns-this")
    try:
        with pytest.raises(CaseContentLocked, match="a supervisor must confirm"):
            _read(s, ref)
    finally:
        s.close()


def test_a_grant_to_an_unconfirmed_reset_key_is_refused_and_flagged(store: Store, capsys: Any,
                                                                    monkeypatch: Any) -> None:
    _evidence_and_note(store)
    _reset(store)
    s = store.sign_in("sgt")
    try:
        with s.read() as db:
            jane = s.user_by_name(db, "jsmith")
            jane_box = current_box_keys(db, [jane.id])[jane.id].hex()
        grant = {"user": "jsmith", "epoch": 1, "box_key": jane_box, "sealed": "AA=="}
        with pytest.raises(PermissionDenied, match="no one else has confirmed"), s.write() as db:
            s.record(db, "case.key_granted", case_ref=CASE, to_party="jsmith", data=grant)
        with write_session(s.engine) as db:  # a holder's valid key, the service bypassed
            seq = custody_log.append(db, actor="sgt", signer=s.signer, action="case.key_granted", case_ref=CASE,
                                     to_party="jsmith", data=grant).seq
    finally:
        s.close()
    assert seq > 0
    messages = _verify_messages(capsys, monkeypatch, store)
    assert (f"case.key_granted by sgt sealed the key of case {CASE} to jsmith, whose password an administrator "
            "reset and no one else has confirmed at this point: ignored") in messages, messages


def test_the_administrator_cannot_confirm_their_own_reset(store: Store, capsys: Any, monkeypatch: Any) -> None:
    ref = _evidence_and_note(store)
    _reset(store)
    s = store.installation.sign_in("jsmith", TEMPORARY)
    try:
        Accounts(s).change_password(TEMPORARY, JANES_OWN)
        mine = box_public(s.box_key).hex() if s.box_key is not None else ""
    finally:
        s.close()
    admin = store.sign_in("admin")
    try:
        with pytest.raises(PermissionDenied):
            Accounts(admin).confirm_identity("jsmith")
        with write_session(admin.engine) as db:  # forged: the administrator's own valid key
            custody_log.append(db, actor="admin", signer=admin.signer, action="account.identity_confirmed",
                               to_party="jsmith", data={"user": "jsmith", "box_key": mine})
    finally:
        admin.close()
    store.sign_in("sgt").close()  # the forged confirmation counts for nothing: still no grant
    s = store.installation.sign_in("jsmith", JANES_OWN)
    try:
        with pytest.raises(CaseContentLocked, match="a supervisor must confirm"):
            _read(s, ref)
    finally:
        s.close()
    messages = _verify_messages(capsys, monkeypatch, store)
    assert any(m.startswith("account.identity_confirmed by admin, whose role (admin) may not") for m in messages), \
        messages


def test_a_supervisor_confirms_after_the_detective_changed_the_password_and_she_reads_again(
        store: Store, capsys: Any, monkeypatch: Any) -> None:
    ref = _evidence_and_note(store)
    _reset(store)
    sgt = store.sign_in("sgt")
    try:
        [pending] = Accounts(sgt).pending_confirmations()
        assert (pending.username, pending.reset_by, pending.box_key) == ("jsmith", "admin", None)
        with pytest.raises(UsageError, match="has not yet changed the temporary password"):
            Accounts(sgt).confirm_identity("jsmith")
    finally:
        sgt.close()
    s = store.installation.sign_in("jsmith", TEMPORARY)
    try:
        fingerprint = Accounts(s).change_password(TEMPORARY, JANES_OWN)
    finally:
        s.close()
    sgt = store.sign_in("sgt")
    try:
        [pending] = Accounts(sgt).pending_confirmations()
        assert pending.fingerprint == fingerprint is not None
        Accounts(sgt).confirm_identity("jsmith")
        assert Accounts(sgt).pending_confirmations() == []
    finally:
        sgt.close()
    s = store.installation.sign_in("jsmith", JANES_OWN)
    try:
        content, notes = _read(s, ref)
    finally:
        s.close()
    assert content == b"the witness saw the van\n"
    assert notes == ["informant is the neighbour at no. 12"]
    assert _verify_messages(capsys, monkeypatch, store) == []
