"""A case summary written before case keys is sealed under the case key by `casedesk case reencrypt-legacy`.

On the real old installation (4f98baa), the summary sits in the clear in the cases table (its custody entries carry
only its SHA-256), so an administrator, who is no key holder, reads it with their own slot's store key. After a key
holder's re-encryption the row holds the case-key ciphertext, one signed entry records it, both verifiers agree
with the register, and the holder still reads the summary.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from sqlalchemy import select
from sqlcipher3 import dbapi2 as sqlcipher

from casedesk.custody import log as custody_log
from casedesk.services.casekeys import CaseKeys
from casedesk.services.cases import Cases
from casedesk.services.custody import Custody
from casedesk.services.legacyvault import LegacyVault
from casedesk.store.engine import write_session
from casedesk.store.models import Case
from tests.helpers.custody import tool
from tests.security.test_backups_rekeyed import _slot_keys
from tests.store.test_reencrypt_legacy import Old, old  # noqa: F401  (the fixture: an installation of 4f98baa)
from tests.store.test_upgrade_real_installation import CASE, PASSWORDS, _sign_in

WORDS = "Rachel Voss, an investigations reporter"  # from the demo case's summary


def _readable_by(db: Path, key: bytes) -> list[str]:
    """Every place in the store where the summary's words can be read with ``key`` alone (an insider's SQL)."""
    conn = sqlcipher.connect(str(db))
    try:
        conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
        found = [f"cases.summary of {ref}" for ref, summary in conn.execute("SELECT reference, summary FROM cases")
                 if WORDS in (summary or "")]
        found += [f"custody entry {seq}" for seq, text, data in conn.execute(
            "SELECT seq, text, data FROM custody_entries") if WORDS in (text or "") or WORDS in (data or "")]
        return found
    finally:
        conn.close()


def test_a_legacy_summary_is_sealed_and_a_store_key_holder_reads_it_no_more(old: Old, tmp_path: Path) -> None:  # noqa: F811
    inst, _ = old
    _sign_in(inst, "pramsden").close()  # the upgrade
    attacker_key, _ = _slot_keys(inst.datadir.keyslots, "pramsden", PASSWORDS["pramsden"])  # an admin: no key holder
    assert _readable_by(inst.datadir.database, attacker_key) == [f"cases.summary of {CASE}"]

    s = _sign_in(inst, "hfarrow")
    try:
        before = Cases(s).show(CASE).summary
        report = LegacyVault(s).reencrypt(CASE)
        assert report.summary_sealed
        assert not LegacyVault(s).reencrypt(CASE).summary_sealed  # nothing left to seal
        assert Cases(s).show(CASE).summary == before and WORDS in before  # the holder reads it as before
        sealed = Custody(s).log(CASE, action="case.summary_reencrypted")
        assert [e.text for e in sealed] == [before]  # shown decrypted to the holder
        verdict = Custody(s).verify(CASE)
        path = Custody(s).export_log(CASE, tmp_path / "log.jsonl")
    finally:
        s.close()
    assert verdict.ok, verdict.problems
    code, result = tool(path)
    assert code == 0 and result["problems"] == []
    assert _readable_by(inst.datadir.database, attacker_key) == []


def test_a_sealed_summary_that_is_not_the_logged_one_is_named(old: Old) -> None:  # noqa: F811
    """A key holder who seals other words than the summary the log records changes nothing in the register: the
    comparison names the table's summary."""
    inst, _ = old
    s = _sign_in(inst, "hfarrow")
    try:
        with write_session(s.engine) as db:
            case = db.scalar(select(Case).where(Case.reference == CASE))
            assert case is not None
            forged = CaseKeys(s).seal_text(db, case, "case.summary_edited", "A different story altogether.")
            case.summary = forged
            custody_log.append(db, actor="hfarrow", signer=s.signer, action="case.summary_reencrypted",
                               case_ref=CASE, text=forged, data={"summary_sha256": "0" * 64, "epoch": 1})
        verdict = Custody(s).verify(CASE)
    finally:
        s.close()
    assert [(p.case, p.message[:67]) for p in verdict.problems] == [
        (CASE, "the register's summary (SHA-256) is '" + hashlib.sha256(forged.encode()).hexdigest()[:30])]
