"""Bench-only stores with large exhibit registers (used by ``exhibits_view`` and ``search``).

The exhibits are inserted straight into the table (20,000 real ingests per case
would measure the ingest, not the read); cases, members, case keys and notes
go through the service layer as the app writes them, so notes are ciphertext
under each case's key exactly as in a real store.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

TYPES = [("text/plain", "ASCII text"), ("image/jpeg", "JPEG image data"), ("application/pdf", "PDF document"),
         ("application/vnd.ms-excel", "Microsoft Excel")]


def case_reference(index: int) -> str:
    return f"BENCH-{index + 1:04d}"


def sha256_of(case_index: int, n: int) -> str:
    """A distinct, evenly spread hex digest per exhibit (a real SHA-256 spreads the same way)."""
    import hashlib

    return hashlib.sha256(f"{case_index}/{n}".encode()).hexdigest()


def build(root: Path, per_case: int, cases: int = 1, notes_per_case: int = 0) -> Any:
    """An installation with ``cases`` cases of ``per_case`` exhibits each; returns the detective's session
    (``jsmith``, member of every case)."""
    import keyring
    from keyring.backends import fail

    keyring.set_keyring(fail.Keyring())  # never touch the developer's own keyring
    from sqlalchemy import insert, select

    from casedesk.datadir import DataDir
    from casedesk.services.accounts import Accounts
    from casedesk.services.cases import Cases
    from casedesk.services.installation import Installation
    from casedesk.store.models import Case, Exhibit, User, VaultObject
    from casedesk.timeutil import utc_now

    inst = Installation(DataDir(root))
    inst.initialise("admin", "bench-admin-password", "Bench Admin", "BA")
    admin = inst.sign_in("admin", "bench-admin-password")
    Accounts(admin).add("jsmith", "detective", "Jane A Smith", "JAS", "bench-detective-pw")
    admin.close()
    session = inst.sign_in("jsmith", "bench-detective-pw")
    for c in range(cases):
        Cases(session).create(case_reference(c), f"Operation Benchmark {c + 1}")
        for k in range(notes_per_case):
            Cases(session).add_note(case_reference(c), f"Interview {k} of case {c + 1}: the suspect named "
                                    f"the courier Ladbroke-{c}-{k} and a lock-up in Deptford")
    now = utc_now()
    with session.write() as db:  # bench-only bulk rows; the app never writes exhibits like this
        user = db.scalar(select(User).where(User.username == "jsmith"))
        assert user is not None
        obj = VaultObject(name="0" * 64, size=1234, sha256="ab" * 32, created_at=now)
        db.add(obj)
        db.flush()
        for c in range(cases):
            case = db.scalar(select(Case).where(Case.reference == case_reference(c)))
            assert case is not None
            rows = []
            for n in range(1, per_case + 1):
                mime, desc = TYPES[n % len(TYPES)]
                rows.append({
                    "case_id": case.id, "reference": f"JAS/{n}", "initials": "JAS", "number": n,
                    "description": f"Item {n} from the seized laptop, folder {n // 100}", "producer_id": user.id,
                    "seized_from": "Flat 3, 12 Example Road", "seized_at": now - timedelta(days=3),
                    "seized_offset": "+00:00", "seized_location": "London", "seal": f"MPS{n:06d}",
                    "original_name": f"IMG_{c:02d}{n:05d}.jpg" if n % 2 else f"scan-{c}-{n}.pdf",
                    "relative_path": f"laptop/folder{n // 100}/file{n}.dat",
                    "fs_modified": now - timedelta(days=30, seconds=n), "fs_changed": now - timedelta(days=30, seconds=n),
                    "fs_accessed": now - timedelta(days=4, seconds=n),
                    "size": 1000 + n * 37, "mime_type": mime, "type_description": desc,
                    "sha256": sha256_of(c, n), "md5": f"{n:032x}", "sha1": f"{n:040x}",
                    "object_id": obj.id, "ingested_by_id": user.id, "ingested_at": now, "tool": "bench",
                    "sensitive": n % 50 == 0, "status": "active", "custodian": "jsmith", "custodian_is_user": True,
                    "location": "Property store, shelf 4", "checked_out": False,
                })
            db.execute(insert(Exhibit), rows)
    return session
