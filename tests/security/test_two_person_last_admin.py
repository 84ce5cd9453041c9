"""Two administrators, and one of them leaves: the installation always keeps a confirmed administrator who can act,
and nothing the two-person rules hold is left waiting for ever.

A demotion or a disabling holds at once; an administrator can remove neither their own role nor their own account,
and an account removed in another process can act no more, so the last confirmed administrator stays. What waited
for "another administrator" when there were two (an account's creation, a promotion, a re-enabling) can then be
confirmed by the one left, even if they made it: they could make the same change alone at once anyway, so the rule
keeps nothing from them, and the log says it was confirmed by the sole administrator.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import select

from casedesk.custody import log as custody_log
from casedesk.errors import AuthenticationError, CaseDeskError, PermissionDenied
from casedesk.services.accounts import Accounts
from casedesk.store.engine import write_session
from casedesk.store.models import CustodyEntry
from tests.helpers.cli import run
from tests.helpers.custody import both, messages
from tests.helpers.store import PASSWORDS, Store

SECOND = "second-admin-password"
THIRD = "third-admin-password!"
TEMPORARY = "temporary-from-admin"


def _two_admins(store: Store) -> None:
    admin = store.sign_in("admin")
    try:
        Accounts(admin).add("admin2", "admin", "Bea Second", "BS", SECOND)
    finally:
        admin.close()


def _status(store: Store, user: str) -> tuple[str, str, str | None]:
    admin = store.sign_in("admin")
    try:
        a = next(a for a in Accounts(admin).list() if a.username == user)
        return a.role, a.status, a.promotion
    finally:
        admin.close()


def _last_data(store: Store, action: str) -> dict[str, Any]:
    s = store.sign_in("admin")
    try:
        with s.read() as db:
            raw = db.scalars(select(CustodyEntry.data).where(CustodyEntry.action == action)
                             .order_by(CustodyEntry.seq.desc())).first()
        return dict(json.loads(raw or "{}"))
    finally:
        s.close()


def test_demoting_the_other_of_two_administrators_holds_at_once_and_the_one_left_acts(
        store: Store, capsys: Any, monkeypatch: Any, tmp_path: Any) -> None:
    _two_admins(store)
    admin = store.sign_in("admin")
    try:
        assert Accounts(admin).set_role("admin2", "supervisor").role == "supervisor"
        with pytest.raises(PermissionDenied, match="you cannot remove your own administrator role"):
            Accounts(admin).set_role("admin", "detective")
        with pytest.raises(PermissionDenied, match="you cannot disable your own account"):
            Accounts(admin).disable("admin")
        # One confirmed administrator again: a promotion holds at once.
        assert Accounts(admin).set_role("jsmith", "supervisor").role == "supervisor"
    finally:
        admin.close()
    assert _status(store, "admin2")[:2] == ("supervisor", "active")
    assert messages(both(capsys, monkeypatch, store, tmp_path, case=None, user="sgt")) == []


def test_an_administrator_disabled_in_another_process_cannot_disable_the_one_left(store: Store) -> None:
    _two_admins(store)
    admin = store.sign_in("admin")
    second = store.installation.sign_in("admin2", SECOND)
    try:
        Accounts(admin).disable("admin2")
        with pytest.raises(CaseDeskError):
            Accounts(second).disable("admin")
        with pytest.raises(CaseDeskError):
            Accounts(second).set_role("admin", "detective")
    finally:
        second.close()
        admin.close()
    assert _status(store, "admin")[:2] == ("admin", "active")
    assert _status(store, "admin2")[1] == "disabled"


def test_an_account_created_while_there_were_two_is_confirmed_by_its_creator_once_alone(
        store: Store, capsys: Any, monkeypatch: Any, tmp_path: Any) -> None:
    _two_admins(store)
    admin = store.sign_in("admin")
    try:
        Accounts(admin).add("dc4", "detective", "Dee Four", "DF", THIRD)  # awaits admin2
        with pytest.raises(PermissionDenied, match="another administrator must confirm it: ask admin2"):
            Accounts(admin).confirm_creation("dc4")
        Accounts(admin).disable("admin2")  # admin2 left the force
        assert Accounts(admin).confirm_creation("dc4").status == "active"
    finally:
        admin.close()
    assert _last_data(store, "account.creation_confirmed")["confirmation"] == "sole-administrator"
    store.installation.sign_in("dc4", THIRD).close()
    assert messages(both(capsys, monkeypatch, store, tmp_path, case=None, user="sgt")) == []


def test_a_promotion_made_while_there_were_two_is_confirmed_by_its_maker_once_alone(
        store: Store, capsys: Any, monkeypatch: Any, tmp_path: Any) -> None:
    _two_admins(store)
    admin = store.sign_in("admin")
    try:
        Accounts(admin).set_role("bpatel", "supervisor")  # awaits admin2
        Accounts(admin).set_role("admin2", "detective")  # admin2 moved to casework: at once
        assert Accounts(admin).confirm_promotion("bpatel", "supervisor").role == "supervisor"
    finally:
        admin.close()
    assert _last_data(store, "account.promotion_confirmed")["confirmation"] == "sole-administrator"
    assert _status(store, "bpatel") == ("supervisor", "active", None)
    assert messages(both(capsys, monkeypatch, store, tmp_path, case=None, user="sgt")) == []


def test_a_re_enabling_made_while_there_were_two_is_confirmed_by_its_maker_once_alone(store: Store) -> None:
    _two_admins(store)
    admin = store.sign_in("admin")
    try:
        Accounts(admin).disable("sgt")
        Accounts(admin).reset_password("sgt", TEMPORARY)  # the re-enabling awaits admin2
        Accounts(admin).disable("admin2")
        assert Accounts(admin).confirm_promotion("sgt", "enabled").status == "active"
    finally:
        admin.close()
    store.installation.sign_in("sgt", TEMPORARY).close()


def test_while_another_administrator_can_confirm_the_maker_still_cannot(
        store: Store, capsys: Any, monkeypatch: Any, tmp_path: Any) -> None:
    """The exception is for the one left alone: with a second confirmed administrator, the maker's own confirmation
    is refused by the service (naming who to ask) and, signed with the maker's own key, flagged by both verifiers."""
    _two_admins(store)
    admin = store.sign_in("admin")
    try:
        Accounts(admin).set_role("bpatel", "supervisor")
        with pytest.raises(PermissionDenied, match="another administrator must confirm it: ask admin2"):
            Accounts(admin).confirm_promotion("bpatel", "supervisor")
        with write_session(admin.engine) as db:
            seq = int(custody_log.append(db, actor="admin", signer=admin.signer, action="account.promotion_confirmed",
                                         to_party="bpatel", data={"user": "bpatel", "to": "supervisor"}).seq)
    finally:
        admin.close()
    assert messages(both(capsys, monkeypatch, store, tmp_path, case=None, user="sgt")) == [
        (seq, None, "account.promotion_confirmed by admin about bpatel: the administrator who made the change cannot "
                    "confirm it: ignored")]
    assert _status(store, "bpatel") == ("detective", "pending", "supervisor")


def test_a_promotion_awaiting_a_disabled_maker_is_confirmed_by_the_other(store: Store) -> None:
    """admin2 promoted jsmith, then was disabled by admin: admin (not the maker) confirms."""
    _two_admins(store)
    second = store.installation.sign_in("admin2", SECOND)
    try:
        Accounts(second).set_role("jsmith", "admin")
    finally:
        second.close()
    admin = store.sign_in("admin")
    try:
        Accounts(admin).disable("admin2")
        assert Accounts(admin).confirm_promotion("jsmith", "admin").role == "admin"
    finally:
        admin.close()
    with pytest.raises(AuthenticationError):
        store.installation.sign_in("admin2", SECOND)
    s = store.sign_in("jsmith")
    try:
        Accounts(s).add("dc5", "detective", "Eve Five", "EF", THIRD)  # jsmith acts as an administrator
    finally:
        s.close()


def test_the_cli_tells_the_maker_whom_to_ask(store: Store, capsys: Any, monkeypatch: Any) -> None:
    _two_admins(store)
    assert run(capsys, monkeypatch, store.root, "user", "role", "bpatel", "supervisor", user="admin").code == 0
    r = run(capsys, monkeypatch, store.root, "user", "confirm-promotion", "bpatel", "supervisor", user="admin")
    assert r.code != 0 and len(r.err.strip().splitlines()) == 1
    assert "ask admin2 to run `casedesk user confirm-promotion bpatel supervisor`" in r.err
    assert PASSWORDS["admin"] not in r.err


def test_an_administrator_made_supervisor_among_three_loses_the_administrator_role_at_once(
        store: Store, capsys: Any, monkeypatch: Any, tmp_path: Any) -> None:
    """Supervisor brings every case's key and review authority, which an administrator has not: with two other
    administrators it awaits one's confirmation, but the administrator role ends at once (meanwhile: detective).
    An account change signed after it with the demoted administrator's own key counts for nothing anywhere."""
    _two_admins(store)
    admin = store.sign_in("admin")
    try:
        Accounts(admin).add("admin3", "admin", "Cal Third", "CT", THIRD)
    finally:
        admin.close()
    second = store.installation.sign_in("admin2", SECOND)
    try:
        Accounts(second).confirm_creation("admin3")
    finally:
        second.close()
    second = store.installation.sign_in("admin2", SECOND)  # a session open before the change
    admin = store.sign_in("admin")
    try:
        acc = Accounts(admin).set_role("admin2", "supervisor")
        assert (acc.role, acc.promotion) == ("detective", "supervisor")
        with pytest.raises(CaseDeskError):
            Accounts(second).disable("admin")
        with write_session(second.engine) as db:
            seq = int(custody_log.append(db, actor="admin2", signer=second.signer, action="account.disabled",
                                         to_party="bpatel", data={"user": "bpatel"}).seq)
    finally:
        admin.close()
        second.close()
    assert _status(store, "admin2") == ("detective", "pending", "supervisor")
    store.sign_in("bpatel").close()
    assert messages(both(capsys, monkeypatch, store, tmp_path, case=None, user="sgt")) == [
        (seq, None, "account.disabled by admin2, who is not an administrator at this point: ignored")]
    third = store.installation.sign_in("admin3", THIRD)
    try:
        assert Accounts(third).confirm_promotion("admin2", "supervisor").role == "supervisor"
    finally:
        third.close()


def test_the_cli_says_an_administrator_made_supervisor_is_no_longer_one(
        store: Store, capsys: Any, monkeypatch: Any) -> None:
    _two_admins(store)
    admin = store.sign_in("admin")
    try:
        Accounts(admin).add("admin3", "admin", "Cal Third", "CT", THIRD)
    finally:
        admin.close()
    second = store.installation.sign_in("admin2", SECOND)
    try:
        Accounts(second).confirm_creation("admin3")
    finally:
        second.close()
    r = run(capsys, monkeypatch, store.root, "user", "role", "admin2", "supervisor", user="admin")
    assert r.code == 0, r.err
    assert ("admin2 is now detective (no longer admin) until another administrator confirms the change to supervisor "
            "(`casedesk user confirm-promotion admin2 supervisor`)") in r.out
    r = run(capsys, monkeypatch, store.root, "user", "confirm-promotion", "admin2", "supervisor", user="admin3",
            password=THIRD)
    assert r.code == 0 and "admin2 is now supervisor." in r.out
