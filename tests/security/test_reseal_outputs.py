"""An insider who edits the register with SQL and signs a new register seal with their own key.

Sign-in cannot tell that seal from an honest one (the key is the insider's own, registered in the log), so only
the log's replay sees the edit. Every court-facing document therefore verifies first: before this, the bundle did,
but the MG6C and MG6D schedules and the CASE/UCO export printed the forged description as the record.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlcipher3 import dbapi2 as sqlcipher

from casedesk.custody import digest
from casedesk.errors import IntegrityError
from casedesk.services.bundles import Bundles
from casedesk.services.disclosure import Disclosure
from tests.helpers.evidence import ingest, write
from tests.helpers.store import CASE, PASSWORDS, Store

FORGED = "FORGED: an empty envelope"


def _edit_and_reseal(store: Store, user: str) -> None:
    """What an insider does with their own password: the store key and their signing key from their own slot."""
    s = store.installation.sign_in(user, PASSWORDS[user])
    key, signer = s.keys.database, s.signer
    s.close()
    conn = sqlcipher.connect(str(store.datadir.database), isolation_level=None)
    try:
        conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("UPDATE exhibits SET description = ? WHERE reference = 'JAS/1'", (FORGED,))

        def execute(sql: str) -> object:
            return conn.execute(sql)

        seq, entry_hash = digest.head(execute)  # type: ignore[arg-type,misc]
        seal = digest.make(seq, entry_hash, digest.scan(execute), user, signer)  # type: ignore[arg-type]
        digest.store(lambda sql, args: conn.execute(sql, args), seal)
        conn.execute("COMMIT")
    finally:
        conn.close()


def test_no_court_document_prints_a_register_edit_hidden_under_the_insiders_own_seal(store: Store,
                                                                                     tmp_path: Path) -> None:
    ingest(store, write(tmp_path / "src" / "dossier.txt", b"names and account numbers\n"))
    _edit_and_reseal(store, "jsmith")
    s = store.sign_in("jsmith")
    try:
        assert not s.integrity_alerts  # the insider's seal holds: sign-in does not see it (documented)
        out = tmp_path / "out"
        out.mkdir()
        exports = {
            "bundle": lambda: Bundles(s).export(CASE, out / "bundle.pdf"),
            "MG6C": lambda: Disclosure(s).export_schedule(CASE, "mg6c", out / "mg6c.pdf"),
            "MG6D": lambda: Disclosure(s).export_schedule(CASE, "mg6d", out / "mg6d.pdf"),
            "CASE/UCO": lambda: Disclosure(s).export_case(CASE, out / "case.jsonld"),
        }
        for name, export in exports.items():
            with pytest.raises(IntegrityError) as refused:
                export()
            message = str(refused.value)
            assert "nothing was exported" in message and FORGED in message and "JAS/1" in message, (name, message)
        assert list(out.iterdir()) == []
    finally:
        s.close()
