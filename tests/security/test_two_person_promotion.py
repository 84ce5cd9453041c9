"""Two-person rule at promotion: where two or more administrators are confirmed, a role change to supervisor (review
authority, every case's key) or to admin (account administration), and re-enabling a disabled account, take effect
only once a second administrator confirms them with a signed entry. Until then the old role holds, in the service and
in the replay of the log: an entry the promoted user signs with the new role's authority is flagged by `casedesk
verify` and by the stand-alone verifier. With one administrator a promotion is at once, and the log says why."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import select

from casedesk.custody import log as custody_log
from casedesk.custody.signing import Signer
from casedesk.errors import AuthenticationError, PermissionDenied, UsageError
from casedesk.security.keyslots import KeySlotFile
from casedesk.security.roles import Role
from casedesk.services.accounts import Accounts
from casedesk.services.casekeys import CaseKeys
from casedesk.services.cases import Cases
from casedesk.store.engine import write_session
from casedesk.store.models import Case, CustodyEntry
from tests.helpers.cli import run
from tests.helpers.custody import both, casedesk_verify, messages
from tests.helpers.store import CASE, PASSWORDS, Store

SECOND_ADMIN = "second-admin-password"
TEMPORARY = "temporary-from-admin"


def _two_admins(store: Store) -> None:
    admin = store.sign_in("admin")
    try:
        Accounts(admin).add("admin2", "admin", "Bea Second", "BS", SECOND_ADMIN)
    finally:
        admin.close()


def _second(store: Store) -> Any:
    return store.installation.sign_in("admin2", SECOND_ADMIN)


def _status(store: Store, user: str) -> tuple[str, str, str | None]:
    admin = store.sign_in("admin")
    try:
        a = next(a for a in Accounts(admin).list() if a.username == user)
        return a.role, a.status, a.promotion
    finally:
        admin.close()


def _role_data(store: Store, user: str) -> dict[str, Any]:
    s = store.sign_in("admin")
    try:
        with s.read() as db:
            raw = db.scalars(select(CustodyEntry.data).where(CustodyEntry.action == "account.role_changed",
                                                              CustodyEntry.to_party == user)).all()[-1]
        return dict(json.loads(raw))
    finally:
        s.close()


def _sign_as(store: Store, user: str, password: str, action: str, **fields: Any) -> int:
    """What the promoted user can do with their own key slot outside CaseDesk: sign an entry of their own."""
    s = store.installation.sign_in(user, password)
    try:
        with write_session(s.engine) as db:
            return int(custody_log.append(db, actor=user, signer=s.signer, action=action, **fields).seq)
    finally:
        s.close()


def test_with_one_administrator_a_promotion_is_at_once_and_the_log_says_why(store: Store) -> None:
    admin = store.sign_in("admin")
    try:
        acc = Accounts(admin).set_role("jsmith", "supervisor")
    finally:
        admin.close()
    assert acc.role == "supervisor" and acc.promotion is None
    assert _role_data(store, "jsmith")["confirmation"] == "sole-administrator"
    s = store.sign_in("jsmith")
    try:
        assert s.user.role == Role.SUPERVISOR
    finally:
        s.close()


def test_with_two_administrators_a_promotion_to_supervisor_awaits_a_second_administrator(store: Store) -> None:
    _two_admins(store)
    admin = store.sign_in("admin")
    try:
        acc = Accounts(admin).set_role("jsmith", "supervisor")
        assert (acc.role, acc.status, acc.promotion, acc.promoted_by) == ("detective", "pending", "supervisor",
                                                                           "admin")
        with pytest.raises(PermissionDenied, match="another administrator must confirm it"):
            Accounts(admin).confirm_promotion("jsmith", "supervisor")
    finally:
        admin.close()
    assert _role_data(store, "jsmith")["confirmation"] == "pending"
    assert _status(store, "jsmith") == ("detective", "pending", "supervisor")
    # The old role holds: no review authority, no case key beyond the cases she is on.
    s = store.sign_in("jsmith")
    try:
        assert s.user.role == Role.DETECTIVE
        with pytest.raises(PermissionDenied):
            Accounts(s).pending_confirmations()
    finally:
        s.close()
    second = _second(store)
    try:
        with pytest.raises(UsageError, match="awaits confirmation is to supervisor"):
            Accounts(second).confirm_promotion("jsmith", "admin")
        assert Accounts(second).confirm_promotion("jsmith", "supervisor").role == "supervisor"
        with pytest.raises(UsageError, match="no promotion of jsmith awaits confirmation"):
            Accounts(second).confirm_promotion("jsmith", "supervisor")
    finally:
        second.close()
    assert _status(store, "jsmith") == ("supervisor", "active", None)
    s = store.sign_in("jsmith")
    try:
        assert s.user.role == Role.SUPERVISOR
        assert Accounts(s).pending_confirmations() == []
    finally:
        s.close()


def test_a_review_signed_before_confirmation_is_flagged_by_both_verifiers(
        store: Store, capsys: Any, monkeypatch: Any, tmp_path: Any) -> None:
    _two_admins(store)
    admin = store.sign_in("admin")
    try:
        Accounts(admin).set_role("bpatel", "supervisor")
    finally:
        admin.close()
    seq = _sign_as(store, "bpatel", PASSWORDS["bpatel"], "case.reviewed", case_ref=CASE,
                   data={"decision": "approve", "up_to": 3, "entries": 3, "settles": []})
    want = (seq, None, "case.reviewed by bpatel, whose role (detective) may not review custody logs at this point: "
                       "ignored")
    assert messages(both(capsys, monkeypatch, store, tmp_path, user="sgt")) == [want]
    code, report = casedesk_verify(capsys, monkeypatch, store, case=None, user="sgt")
    assert code != 0 and want in messages(report["problems"])


def test_an_account_change_by_a_pending_administrator_is_named(
        store: Store, capsys: Any, monkeypatch: Any, tmp_path: Any) -> None:
    """A detective whose promotion to admin awaits confirmation disables someone with her own key: ignored, and said
    by the key check, which follows the same replay (tests/security/test_two_person_keys.py: nor does it count her
    key registrations and revocations)."""
    _two_admins(store)
    admin = store.sign_in("admin")
    try:
        Accounts(admin).set_role("jsmith", "admin")
    finally:
        admin.close()
    seq = _sign_as(store, "jsmith", PASSWORDS["jsmith"], "account.disabled", to_party="bpatel",
                   data={"user": "bpatel"})
    want = (seq, None, "account.disabled by jsmith, who is not an administrator at this point: ignored")
    assert messages(both(capsys, monkeypatch, store, tmp_path, case=None, user="sgt")) == [want]
    assert _status(store, "bpatel")[1] == "active"  # the register: the entry changed nothing
    store.sign_in("bpatel").close()


def test_confirmations_by_the_maker_or_the_subject_are_flagged(store: Store, capsys: Any, monkeypatch: Any) -> None:
    """Three confirmed administrators; admin makes admin2 supervisor: it awaits admin3, and admin2 is no longer an
    administrator meanwhile (tests/security/test_two_person_last_admin.py), so neither the maker's confirmation nor
    the subject's counts."""
    _two_admins(store)
    admin = store.sign_in("admin")
    try:
        Accounts(admin).add("admin3", "admin", "Cal Third", "CT", SECOND_ADMIN)
    finally:
        admin.close()
    second = _second(store)
    try:
        Accounts(second).confirm_creation("admin3")
    finally:
        second.close()
    admin = store.sign_in("admin")
    try:
        Accounts(admin).set_role("admin2", "supervisor")
    finally:
        admin.close()
    by_maker = _sign_as(store, "admin", PASSWORDS["admin"], "account.promotion_confirmed", to_party="admin2",
                        data={"user": "admin2", "to": "supervisor"})
    by_subject = _sign_as(store, "admin2", SECOND_ADMIN, "account.promotion_confirmed", to_party="admin2",
                          data={"user": "admin2", "to": "supervisor"})
    _, report = casedesk_verify(capsys, monkeypatch, store, case=None, user="sgt")
    found = messages(report["problems"])
    assert (by_maker, None, "account.promotion_confirmed by admin about admin2: the administrator who made the change "
                            "cannot confirm it: ignored") in found
    assert (by_subject, None, "account.promotion_confirmed by admin2, whose role (detective) may not manage user "
                              "accounts at this point: ignored") in found
    assert _status(store, "admin2") == ("detective", "pending", "supervisor")


def _disable_and_reset_sgt(store: Store) -> None:
    _two_admins(store)
    admin = store.sign_in("admin")
    try:
        Accounts(admin).disable("sgt")
        Accounts(admin).reset_password("sgt", TEMPORARY)  # a reset is how a disabled account comes back
    finally:
        admin.close()


def test_re_enabling_a_disabled_account_awaits_a_second_administrator(store: Store) -> None:
    _disable_and_reset_sgt(store)
    assert _status(store, "sgt") == ("supervisor", "pending", "enabled")
    with pytest.raises(AuthenticationError, match="awaits a second administrator's confirmation"):
        store.installation.sign_in("sgt", TEMPORARY)
    admin = store.sign_in("admin")
    try:
        with pytest.raises(PermissionDenied, match="another administrator must confirm it"):
            Accounts(admin).confirm_promotion("sgt", "enabled")
    finally:
        admin.close()
    second = _second(store)
    try:
        assert Accounts(second).confirm_promotion("sgt", "enabled").status == "active"
    finally:
        second.close()
    store.installation.sign_in("sgt", TEMPORARY).close()


def test_a_review_by_a_re_enabled_account_before_confirmation_is_flagged(
        store: Store, capsys: Any, monkeypatch: Any, tmp_path: Any) -> None:
    """The administrator knows the temporary password: a review signed with the new key before a second
    administrator confirms the re-enabling counts for nothing."""
    _disable_and_reset_sgt(store)
    admin = store.sign_in("admin")
    try:
        slots = KeySlotFile.load(store.datadir.keyslots)
        signer = Signer(slots.unwrap("sgt", TEMPORARY, admin.device_secret).signing_seed)
        with write_session(admin.engine) as db:
            seq = int(custody_log.append(db, actor="sgt", signer=signer, action="case.reviewed", case_ref=CASE,
                                         data={"decision": "approve", "up_to": 3, "entries": 3, "settles": []}).seq)
    finally:
        admin.close()
    want = (seq, None, "case.reviewed by sgt, whose account is disabled at this point: ignored")
    assert messages(both(capsys, monkeypatch, store, tmp_path, user="jsmith")) == [want]


def test_a_demotion_is_at_once_and_withdraws_a_pending_promotion(store: Store) -> None:
    _two_admins(store)
    admin = store.sign_in("admin")
    try:
        Accounts(admin).set_role("jsmith", "supervisor")
        assert Accounts(admin).set_role("jsmith", "detective").promotion is None  # withdrawn
        assert Accounts(admin).set_role("sgt", "detective").role == "detective"  # a demotion: at once
    finally:
        admin.close()
    assert _status(store, "jsmith") == ("detective", "active", None)
    s = store.sign_in("sgt")
    try:
        assert s.user.role == Role.DETECTIVE
        with s.read() as db:
            case = db.scalar(select(Case).where(Case.reference == CASE))
            assert case is not None
    finally:
        s.close()


def test_a_promoted_supervisor_receives_case_keys_only_once_confirmed(store: Store) -> None:
    _two_admins(store)
    admin = store.sign_in("admin")
    try:
        Accounts(admin).set_role("bpatel", "supervisor")
    finally:
        admin.close()
    s = store.sign_in("bpatel")
    try:  # not a member of the case, and not yet a supervisor: no key
        with s.read() as db:
            case = db.scalar(select(Case).where(Case.reference == CASE))
            assert case is not None and not CaseKeys(s).holds(db, case)
    finally:
        s.close()
    second = _second(store)
    try:
        Accounts(second).confirm_promotion("bpatel", "supervisor")
    finally:
        second.close()
    store.sign_in("sgt").close()  # a key holder's sign-in settles the grant
    s = store.sign_in("bpatel")
    try:
        assert [c.reference for c in Cases(s).list()] == [CASE]
        with s.read() as db:
            case = db.scalar(select(Case).where(Case.reference == CASE))
            assert case is not None and CaseKeys(s).holds(db, case)
    finally:
        s.close()


def test_cli_shows_the_pending_promotion_and_confirms_it(store: Store, capsys: Any, monkeypatch: Any) -> None:
    r = run(capsys, monkeypatch, store.root, "user", "role", "jsmith", "supervisor", user="admin")
    assert r.code == 0 and "jsmith is now supervisor" in r.out and "one administrator" in r.out
    assert run(capsys, monkeypatch, store.root, "user", "add", "admin2", "--role", "admin", "--full-name",
               "Bea Second", user="admin", new_password=SECOND_ADMIN).code == 0
    r = run(capsys, monkeypatch, store.root, "user", "role", "bpatel", "supervisor", user="admin")
    assert r.code == 0 and "bpatel stays detective until another administrator confirms the change" in r.out
    r = run(capsys, monkeypatch, store.root, "user", "list", user="admin")
    assert any(line.split()[:4] == ["bpatel", "detective", "BP", "pending"] for line in r.out.splitlines())
    r = run(capsys, monkeypatch, store.root, "user", "pending-accounts", user="admin")
    assert r.code == 0 and any(line.split()[:3] == ["bpatel", "role", "supervisor"] for line in r.out.splitlines())
    r = run(capsys, monkeypatch, store.root, "user", "confirm-promotion", "bpatel", "supervisor", user="admin")
    assert r.code != 0 and "another administrator must confirm it" in r.err
    r = run(capsys, monkeypatch, store.root, "user", "confirm-promotion", "bpatel", "supervisor", user="admin2",
            password=SECOND_ADMIN)
    assert r.code == 0 and "bpatel is now supervisor" in r.out
