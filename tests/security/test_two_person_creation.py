"""Two-person rule at account creation: where two or more administrators are confirmed, an account one of them
creates (a supervisor, who would hold every case's key, or another administrator) signs in to nothing, acts with no
authority and holds no case key until a second administrator confirms it. With one administrator the account is
active at once, and the log records why."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import select

from casedesk.custody import log as custody_log
from casedesk.custody.signing import Signer
from casedesk.errors import AuthenticationError, PermissionDenied, UsageError
from casedesk.security.keyslots import KeySlotFile
from casedesk.services.accounts import Accounts
from casedesk.services.casekeys import unconfirmed_ids
from casedesk.store.engine import write_session
from casedesk.store.models import CustodyEntry, User
from tests.helpers.cli import run
from tests.helpers.custody import both, casedesk_verify, export, messages, tool
from tests.helpers.store import CASE, Store

SECOND_ADMIN = "second-admin-password"
NEW = "new-sergeant-password"


def _created_data(store: Store, user: str) -> dict[str, Any]:
    s = store.sign_in("admin")
    try:
        with s.read() as db:
            raw = db.scalars(select(CustodyEntry.data).where(CustodyEntry.action == "account.created",
                                                              CustodyEntry.to_party == user)).all()[-1]
        return dict(json.loads(raw))
    finally:
        s.close()


def _two_admins(store: Store) -> None:
    admin = store.sign_in("admin")
    try:
        second = Accounts(admin).add("admin2", "admin", "Bea Second", "BS", SECOND_ADMIN)
    finally:
        admin.close()
    assert not second.pending  # one administrator so far: active at once


def _add_pending(store: Store, user: str = "newsgt", role: str = "supervisor") -> None:
    admin = store.sign_in("admin")
    try:
        acc = Accounts(admin).add(user, role, "Nia Newcomer", "NN", NEW)
    finally:
        admin.close()
    assert acc.pending and acc.status == "pending" and acc.created_by == "admin"


def test_with_one_administrator_a_new_account_is_active_and_the_log_says_why(store: Store) -> None:
    admin = store.sign_in("admin")
    try:
        acc = Accounts(admin).add("newdet", "detective", "Dan Detective", "DD", NEW)
    finally:
        admin.close()
    assert not acc.pending and acc.status == "active"
    assert _created_data(store, "newdet")["confirmation"] == "sole-administrator"
    store.installation.sign_in("newdet", NEW).close()


def test_with_two_administrators_a_new_account_cannot_sign_in_until_a_second_confirms(store: Store) -> None:
    _two_admins(store)
    _add_pending(store)
    assert _created_data(store, "newsgt")["confirmation"] == "pending"
    with pytest.raises(AuthenticationError, match="awaits a second administrator's confirmation"):
        store.installation.sign_in("newsgt", NEW)
    admin = store.sign_in("admin")
    try:
        assert [a.username for a in Accounts(admin).pending_creations()] == ["newsgt"]
        assert {a.username: a.status for a in Accounts(admin).list()}["newsgt"] == "pending"
        with pytest.raises(PermissionDenied, match="another administrator must confirm it"):
            Accounts(admin).confirm_creation("newsgt")
    finally:
        admin.close()
    second = store.installation.sign_in("admin2", SECOND_ADMIN)
    try:
        assert Accounts(second).confirm_creation("newsgt").status == "active"
        with pytest.raises(UsageError, match="no creation of account newsgt awaits confirmation"):
            Accounts(second).confirm_creation("newsgt")
    finally:
        second.close()
    store.installation.sign_in("newsgt", NEW).close()


def test_a_pending_supervisor_holds_no_case_key_until_confirmed(store: Store) -> None:
    _two_admins(store)
    _add_pending(store)
    sgt = store.sign_in("sgt")
    try:
        with sgt.read() as db:
            pending = {u.username for u in db.scalars(select(User).where(User.id.in_(unconfirmed_ids(db))))}
    finally:
        sgt.close()
    assert pending == {"newsgt"}
    second = store.installation.sign_in("admin2", SECOND_ADMIN)
    try:
        Accounts(second).confirm_creation("newsgt")
        with second.read() as db:
            assert unconfirmed_ids(db) == set()
    finally:
        second.close()


def test_an_account_that_acted_before_confirmation_is_flagged_by_both_verifiers(
        store: Store, capsys: Any, monkeypatch: Any, tmp_path: Any) -> None:
    """The creating administrator knows the first password, so can take the new supervisor's signing key out of
    its key slot and sign a review: replay ignores it and names it, in the store and in the export."""
    _two_admins(store)
    _add_pending(store)
    admin = store.sign_in("admin")
    try:
        slots = KeySlotFile.load(store.datadir.keyslots)
        signer = Signer(slots.unwrap("newsgt", NEW, admin.device_secret).signing_seed)
        with write_session(admin.engine) as db:
            seq = int(custody_log.append(db, actor="newsgt", signer=signer, action="case.reviewed", case_ref=CASE,
                                         data={"decision": "approve", "up_to": 3, "entries": 3, "settles": []}).seq)
    finally:
        admin.close()
    want = (seq, None, "case.reviewed by newsgt, whose account admin created and no second administrator has "
                       "confirmed at this point: ignored")
    _, report = casedesk_verify(capsys, monkeypatch, store, case=None, user="sgt")
    assert want in messages(report["problems"])
    assert messages(both(capsys, monkeypatch, store, tmp_path, user="sgt")) == [want]
    code, result = tool(export(capsys, monkeypatch, store, tmp_path / "log.jsonl", user="sgt"))
    assert code == 1 and messages(result["problems"]) == [want]


def test_the_creator_confirming_their_own_account_is_flagged(
        store: Store, capsys: Any, monkeypatch: Any) -> None:
    _two_admins(store)
    _add_pending(store)
    admin = store.sign_in("admin")
    try:
        with write_session(admin.engine) as db:
            seq = int(custody_log.append(db, actor="admin", signer=admin.signer, action="account.creation_confirmed",
                                         to_party="newsgt", data={"user": "newsgt"}).seq)
    finally:
        admin.close()
    _, report = casedesk_verify(capsys, monkeypatch, store, case=None, user="sgt")
    assert (seq, None, "account.creation_confirmed by admin about newsgt: the administrator who created the account "
                       "cannot confirm it: ignored") in messages(report["problems"])
    with pytest.raises(AuthenticationError, match="awaits a second administrator's confirmation"):
        store.installation.sign_in("newsgt", NEW)


def test_cli_states_the_rule_and_confirms(store: Store, capsys: Any, monkeypatch: Any) -> None:
    r = run(capsys, monkeypatch, store.root, "user", "add", "newdet", "--role", "detective", "--full-name",
            "Dan Detective", user="admin", new_password=NEW)
    assert r.code == 0 and "this installation has one administrator, so the account is active at once" in r.out
    assert run(capsys, monkeypatch, store.root, "user", "add", "admin2", "--role", "admin", "--full-name",
               "Bea Second", user="admin", new_password=SECOND_ADMIN).code == 0
    r = run(capsys, monkeypatch, store.root, "user", "add", "newsgt", "--role", "supervisor", "--full-name",
            "Nia Newcomer", user="admin", new_password=NEW)
    assert r.code == 0 and "signs in only after another administrator confirms it" in r.out
    r = run(capsys, monkeypatch, store.root, "user", "pending-accounts", user="admin")
    assert r.code == 0 and "newsgt" in r.out and "supervisor" in r.out
    r = run(capsys, monkeypatch, store.root, "user", "confirm-account", "newsgt", user="admin")
    assert r.code != 0 and "another administrator must confirm it" in r.err
    r = run(capsys, monkeypatch, store.root, "user", "confirm-account", "newsgt", user="admin2",
            password=SECOND_ADMIN)
    assert r.code == 0 and "Account newsgt (supervisor) confirmed: it may sign in." in r.out
