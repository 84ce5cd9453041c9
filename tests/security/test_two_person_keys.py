"""The key registries follow the two-person rules: an administrator whose promotion to admin, re-enabling or account
creation awaits a second administrator's confirmation registers and revokes no key.

Each attack is an insider's: the pending administrator holds only their own password (or, for a re-enabled account,
the temporary one the resetting administrator gave them), takes their own signing key out of their key slot as
docs/keyslots.md describes, and signs entries with it. The service refuses them (their old role or disabled state
holds there); the key registries of `casedesk verify`, of sign-in, of the bundle check (reports/bundle_log.py) and of
tools/verify_custody.py must refuse them too, or a key the pending administrator made for someone else signs entries
that count as theirs, and a revocation locks an officer out.
"""

from __future__ import annotations

from typing import Any

import pytest

from casedesk.custody import log as custody_log
from casedesk.custody.signing import Signer
from casedesk.errors import AuthenticationError, PermissionDenied
from casedesk.reports import bundle_log
from casedesk.security.keyslots import KeySlotFile
from casedesk.services.accounts import Accounts
from casedesk.services.custody import Custody
from casedesk.store.engine import write_session
from tests.helpers.custody import both, messages
from tests.helpers.store import CASE, PASSWORDS, Store

OTHER_ADMIN = "other-admin-password-22"
TEMPORARY = "temporary-from-admin-9"
REVIEW = {"decision": "approve", "up_to": 3, "entries": 3, "settles": []}


def _signer(store: Store, user: str, password: str) -> Signer:
    """The signing key in ``user``'s own key slot, as its holder can take it without signing in."""
    admin = store.sign_in("admin")
    try:
        secret = admin.device_secret
    finally:
        admin.close()
    return Signer(KeySlotFile.load(store.datadir.keyslots).unwrap(user, password, secret).signing_seed)


def _append(store: Store, actor: str, signer: Signer, action: str, **fields: Any) -> int:
    """An entry signed outside CaseDesk, appended with the store key (as the signer's own sign-in would give it)."""
    s = store.sign_in("jsmith")
    try:
        with write_session(s.engine) as db:
            return int(custody_log.append(db, actor=actor, signer=signer, action=action, **fields).seq)
    finally:
        s.close()


def _current_key(store: Store, user: str) -> str:
    s = store.sign_in(user)
    try:
        return s.signer.public_hex
    finally:
        s.close()


def _forge_sgt(store: Store, admin: str, signer: Signer) -> tuple[int, int]:
    """``admin`` registers a key of their own making as sgt's, then signs a review of the case as sgt with it."""
    forged = Signer.generate()
    reg = _append(store, admin, signer, "account.key_registered", to_party="sgt",
                  data={"user": "sgt", "public_key": forged.public_hex})
    review = _append(store, "sgt", forged, "case.reviewed", case_ref=CASE, data=REVIEW)
    return reg, review


def _export_problems(store: Store, tmp_path: Any) -> list[str]:
    """What the bundle check (``verify-bundle``, reports/bundle_log.py) says of a fresh export of the case."""
    s = store.sign_in("jsmith")
    try:
        path = Custody(s).export_log(CASE, tmp_path / "for-bundle-check.jsonl")
    finally:
        s.close()
    return bundle_log.read_log(path.read_bytes()).problems


def _promote_jsmith_to_admin(store: Store) -> Signer:
    admin = store.sign_in("admin")
    try:
        Accounts(admin).add("admin2", "admin", "Bea Second", "BS", OTHER_ADMIN)
        assert Accounts(admin).set_role("jsmith", "admin").promotion == "admin"  # awaits admin2
    finally:
        admin.close()
    return _signer(store, "jsmith", PASSWORDS["jsmith"])


def test_a_key_registered_by_an_administrator_whose_promotion_awaits_signs_nothing(
        store: Store, capsys: Any, monkeypatch: Any, tmp_path: Any) -> None:
    signer = _promote_jsmith_to_admin(store)
    s = store.sign_in("jsmith")  # the service: her old role holds
    try:
        with pytest.raises(PermissionDenied):
            Accounts(s).add("mule", "supervisor", "Mo Mule", "MM", "mule-password-123")
    finally:
        s.close()
    reg, review = _forge_sgt(store, "jsmith", signer)
    assert sorted(messages(both(capsys, monkeypatch, store, tmp_path))) == [
        (reg, None, "account.key_registered by jsmith, who is not an administrator at this point: ignored"),
        (review, None, "names a signing key that is not the one registered for sgt at this point"),
    ]
    assert f"entry {review}: not signed with the key the log registers for sgt" in _export_problems(store, tmp_path)
    store.sign_in("sgt").close()  # sgt's own key slot is still sgt's key


def test_a_revocation_by_an_administrator_whose_promotion_awaits_locks_nobody_out(
        store: Store, capsys: Any, monkeypatch: Any, tmp_path: Any) -> None:
    victim = _current_key(store, "bpatel")
    signer = _promote_jsmith_to_admin(store)
    seq = _append(store, "jsmith", signer, "account.key_revoked", to_party="bpatel",
                  data={"user": "bpatel", "public_key": victim, "reason": "account disabled"})
    store.sign_in("bpatel").close()
    assert messages(both(capsys, monkeypatch, store, tmp_path, case=None, user="sgt")) == [
        (seq, None, "account.key_revoked by jsmith, who is not an administrator at this point: ignored"),
    ]


def _re_enable_admin3(store: Store) -> Signer:
    """Three administrators; admin disables admin3 and resets its password: the re-enabling awaits admin2. admin3
    holds the temporary password (the resetting administrator gave it to them)."""
    admin = store.sign_in("admin")
    try:
        Accounts(admin).add("admin2", "admin", "Bea Second", "BS", OTHER_ADMIN)
    finally:
        admin.close()
    second = store.installation.sign_in("admin2", OTHER_ADMIN)
    try:
        Accounts(second).add("admin3", "admin", "Cal Third", "CT", OTHER_ADMIN)
    finally:
        second.close()
    admin = store.sign_in("admin")
    try:
        Accounts(admin).confirm_creation("admin3")
        Accounts(admin).disable("admin3")
        Accounts(admin).reset_password("admin3", TEMPORARY)
        assert next(a for a in Accounts(admin).list() if a.username == "admin3").promotion == "enabled"
    finally:
        admin.close()
    return _signer(store, "admin3", TEMPORARY)


def test_a_re_enabled_administrator_awaiting_confirmation_registers_and_revokes_no_key(
        store: Store, capsys: Any, monkeypatch: Any, tmp_path: Any) -> None:
    signer = _re_enable_admin3(store)
    victim = _current_key(store, "bpatel")
    revoked = _append(store, "admin3", signer, "account.key_revoked", to_party="bpatel",
                      data={"user": "bpatel", "public_key": victim, "reason": "account disabled"})
    reg, review = _forge_sgt(store, "admin3", signer)
    store.sign_in("bpatel").close()
    store.sign_in("sgt").close()
    disabled = "{} by admin3, whose account is disabled at this point: ignored"
    assert sorted(messages(both(capsys, monkeypatch, store, tmp_path))) == [
        (revoked, None, disabled.format("account.key_revoked")),
        (reg, None, disabled.format("account.key_registered")),
        (review, None, "names a signing key that is not the one registered for sgt at this point"),
    ]
    assert f"entry {review}: not signed with the key the log registers for sgt" in _export_problems(store, tmp_path)


def test_an_administrator_whose_creation_awaits_confirmation_registers_no_key(
        store: Store, capsys: Any, monkeypatch: Any, tmp_path: Any) -> None:
    admin = store.sign_in("admin")
    try:
        Accounts(admin).add("admin2", "admin", "Bea Second", "BS", OTHER_ADMIN)
        Accounts(admin).add("admin3", "admin", "Cal Third", "CT", OTHER_ADMIN)  # awaits admin2
    finally:
        admin.close()
    signer = _signer(store, "admin3", OTHER_ADMIN)
    reg, review = _forge_sgt(store, "admin3", signer)
    store.sign_in("sgt").close()
    assert sorted(messages(both(capsys, monkeypatch, store, tmp_path))) == [
        (reg, None, "account.key_registered by admin3, whose account admin created and no second administrator has "
                    "confirmed at this point: ignored"),
        (review, None, "names a signing key that is not the one registered for sgt at this point"),
    ]
    assert f"entry {review}: not signed with the key the log registers for sgt" in _export_problems(store, tmp_path)


def test_a_key_registered_once_the_promotion_is_confirmed_counts(
        store: Store, capsys: Any, monkeypatch: Any, tmp_path: Any) -> None:
    """The rule withholds nothing from a confirmed administrator: after admin2 confirms, jsmith's registration of a
    key for bpatel holds everywhere (an entry signed with it counts, and bpatel's old key slot no longer opens)."""
    signer = _promote_jsmith_to_admin(store)
    second = store.installation.sign_in("admin2", OTHER_ADMIN)
    try:
        Accounts(second).confirm_promotion("jsmith", "admin")
    finally:
        second.close()
    forged = Signer.generate()
    _append(store, "jsmith", signer, "account.key_registered", to_party="bpatel",
            data={"user": "bpatel", "public_key": forged.public_hex})
    _append(store, "bpatel", forged, "verify.run", data={})
    assert messages(both(capsys, monkeypatch, store, tmp_path, case=None, user="sgt")) == []
    with pytest.raises(AuthenticationError, match="key slot of bpatel is no longer valid"):
        store.sign_in("bpatel")
