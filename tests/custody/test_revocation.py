"""Disabling revokes (finding 3 of issue 10): in the log, at sign-in, and in both verifiers.

The insider is the disabled (or reset) officer: they kept a copy of their own
key slot and know its password, so they hold the store key and their old
signing seed. They splice the slot back into keyslots.json, clear the
``disabled`` flags in the file and in the users table, and sign entries with
the old key.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from casedesk.custody import chain
from casedesk.errors import AuthenticationError
from casedesk.services.accounts import Accounts
from casedesk.store.models import CustodyEntry
from tests.custody.conftest import CaseStore
from tests.helpers.custody import attacker, both, insert, last_seq, messages, resign, row, signing_seed
from tests.helpers.store import PASSWORDS


def _splice(path: Path, user: str, slot: dict[str, Any]) -> None:
    """Put an older copy of ``user``'s slot back, take the name off the file's disabled list, fix the checksum."""
    body = json.loads(path.read_text())
    body.pop("checksum")
    body["slots"][user] = slot
    body["disabled"] = [u for u in body["disabled"] if u != user]
    canon = json.dumps(body, sort_keys=True, separators=(",", ":")).encode()
    body["checksum"] = hashlib.sha256(canon).hexdigest()
    path.write_text(json.dumps(body, indent=2, sort_keys=True) + "\n")


def _slot(cs: CaseStore, user: str) -> dict[str, Any]:
    return dict(json.loads(cs.store.datadir.keyslots.read_text())["slots"][user])


def test_an_older_slot_spliced_back_after_disable_does_not_sign_in(cs: CaseStore) -> None:
    old_slot = _slot(cs, "bpatel")
    admin = cs.store.sign_in("admin")
    Accounts(admin).disable("bpatel")
    admin.close()
    # The store was re-keyed at the disable: the store key in the old slot no longer opens it (tests/security/
    # test_database_key.py). A colleague who still holds the current key clears the flag in the table for him.
    with attacker(cs.store) as db:
        db.execute("UPDATE users SET disabled = 0 WHERE username = 'bpatel'")
    _splice(cs.store.datadir.keyslots, "bpatel", old_slot)
    with pytest.raises(AuthenticationError) as err:
        cs.store.sign_in("bpatel")
    assert str(err.value) == ("the database key was changed (when an account was disabled) and the key slot of "
                              "bpatel was not given the new one: ask an administrator to reset your password")


def test_an_older_slot_spliced_back_after_a_password_reset_does_not_sign_in(cs: CaseStore) -> None:
    old_slot = _slot(cs, "jsmith")
    admin = cs.store.sign_in("admin")
    Accounts(admin).reset_password("jsmith", "a-brand-new-password")
    admin.close()
    _splice(cs.store.datadir.keyslots, "jsmith", old_slot)
    with pytest.raises(AuthenticationError) as err:
        cs.store.installation.sign_in("jsmith", PASSWORDS["jsmith"])
    assert str(err.value) == ("the key slot of jsmith is no longer valid (its signing key was revoked or replaced "
                              "in the custody log): ask an administrator to reset the account")


def test_disable_revokes_the_key_in_the_log_and_later_entries_signed_with_it_are_flagged(
        cs: CaseStore, capsys: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    seed = signing_seed(cs.store, "bpatel")
    admin = cs.store.sign_in("admin")
    public = admin.signer.public_hex  # only to read the entries below
    Accounts(admin).disable("bpatel")
    with admin.read() as db:
        revoked = db.scalars(select(CustodyEntry).where(CustodyEntry.action == chain.KEY_REVOKED)).one()
    admin.close()
    assert public and revoked.actor == "admin" and revoked.to_party == "bpatel"
    data = json.loads(revoked.data)
    assert data["user"] == "bpatel" and data["reason"] == "account disabled" and len(data["public_key"]) == 64
    # bpatel, with his old signing seed and the current database key from a colleague (his own old slot's store
    # key no longer opens the re-keyed store), appends an entry signed with his revoked key.
    with attacker(cs.store) as db:
        top = last_seq(db)
        forged = row(db, top)
        forged[0], forged[1] = top + 1, forged[18]
        forged[5], forged[7], forged[8], forged[9] = "bpatel", "note.added", None, None
        forged[17] = json.dumps({"text": "entered after I was disabled"}, separators=(",", ":"), sort_keys=True)
        insert(db, resign(forged, seed, db))
    problems = messages(both(capsys, monkeypatch, cs.store, tmp_path, case=None, user="sgt"))
    assert problems == [(top + 1, None, chain.MSG_REVOKED.format(actor="bpatel", r=revoked.seq))]
