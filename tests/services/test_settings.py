"""Installation settings: typed, validated, admin-only, logged."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from casedesk.errors import PermissionDenied, UsageError
from casedesk.services.settings import Settings
from casedesk.store.models import CustodyEntry
from tests.helpers.store import Store


def test_defaults(store: Store) -> None:
    s = store.sign_in("jsmith")
    assert Settings(s).all() == {"digests.extra": [], "bundle.default_marking": "OFFICIAL-SENSITIVE",
                                 "desktop.lock_after_minutes": 10}
    s.close()


def test_admin_changes_a_setting_and_it_is_logged(store: Store) -> None:
    s = store.sign_in("admin")
    assert Settings(s).set("digests.extra", "SHA1, md5") == ["md5", "sha1"]
    with s.read() as db:
        entry = db.scalars(select(CustodyEntry).where(CustodyEntry.action == "settings.changed")).one()
    assert entry.actor == "admin" and '"to":["md5","sha1"]' in entry.data
    s.close()


def test_bad_values_and_detectives_are_refused(store: Store) -> None:
    s = store.sign_in("admin")
    with pytest.raises(UsageError, match="unknown digest 'crc32'"):
        Settings(s).set("digests.extra", "crc32")
    with pytest.raises(UsageError, match="unknown marking"):
        Settings(s).set("bundle.default_marking", "SECRET")
    s.close()
    d = store.sign_in("jsmith")
    with pytest.raises(PermissionDenied):
        Settings(d).set("bundle.default_marking", "OFFICIAL")
    d.close()
