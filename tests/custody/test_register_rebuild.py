"""The repair path: a tampered installation's register rebuilt from its own verified log into a new data directory."""

from __future__ import annotations

from pathlib import Path

import pytest

from casedesk.errors import PermissionDenied, UsageError
from casedesk.services.custody import Custody
from casedesk.services.evidence import Evidence
from casedesk.services.repair import ACTION, rebuild_register
from tests.custody.conftest import CaseStore
from tests.helpers.custody import attacker
from tests.helpers.store import CASE, Store

ALERT = "register differs from the signed custody log"


def _tamper(cs: CaseStore) -> None:
    with attacker(cs.store, cs.key) as conn:
        conn.execute("UPDATE exhibits SET description = 'a harmless holiday photo' WHERE reference = 'JAS/1'")
        conn.execute("UPDATE exhibits SET status = 'withdrawn' WHERE reference = 'JAS/2'")
        conn.execute("UPDATE users SET role = 'supervisor' WHERE username = 'bpatel'")


def test_tamper_then_rebuild_then_verify_ok(cs: CaseStore, tmp_path: Path) -> None:
    _tamper(cs)
    admin = cs.store.sign_in("admin")
    try:
        assert any(ALERT in a for a in admin.integrity_alerts)
        result = rebuild_register(admin, tmp_path / "rebuilt", "insider edit of the register found at sign-in")
    finally:
        admin.close()
    assert result.differences >= 3 and result.objects == 2
    new = Store(tmp_path / "rebuilt", cs.store.xdg)
    s = new.sign_in("jsmith")
    try:
        assert s.integrity_alerts == []
        views = {v.reference: v for v in Evidence(s).list(CASE, include_withdrawn=True)}
        assert views["JAS/1"].description == "Exhibit for custody tests"
        assert views["JAS/2"].status == "active"
        Evidence(s).extract(CASE, "JAS/1", tmp_path / "dossier.txt")
        assert (tmp_path / "dossier.txt").read_bytes() == b"customer records\n" * 40
        report = Custody(s).verify()
        assert report.ok, [p.describe() for p in report.problems]
        rebuilt = Custody(s).log(None, None, ACTION)
        assert [e.actor for e in rebuilt] == ["admin"] and rebuilt[0].seq == result.seq
    finally:
        s.close()
    s = new.sign_in("bpatel")
    try:
        assert s.user.role.value == "detective"  # the role the log gave, not the one edited in
    finally:
        s.close()
    # The tampered directory is left as it was, for the investigation.
    s = cs.store.sign_in("sgt")
    try:
        assert any(ALERT in a for a in s.integrity_alerts)
    finally:
        s.close()


def test_rebuild_never_writes_into_an_existing_folder_and_is_for_administrators(cs: CaseStore,
                                                                                 tmp_path: Path) -> None:
    (tmp_path / "taken").mkdir()
    admin = cs.store.sign_in("admin")
    try:
        with pytest.raises(UsageError, match="already exists"):
            rebuild_register(admin, tmp_path / "taken", "why")
        with pytest.raises(UsageError, match="outside the installation's data directory"):
            rebuild_register(admin, cs.store.root / "inside", "why")
    finally:
        admin.close()
    assert list((tmp_path / "taken").iterdir()) == []
    s = cs.store.sign_in("jsmith")
    try:
        with pytest.raises(PermissionDenied):
            rebuild_register(s, tmp_path / "new", "why")
    finally:
        s.close()
    assert not (tmp_path / "new").exists()
