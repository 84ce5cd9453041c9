"""Enrolling a test installation with a unit key, and a fake installation that copies it."""

from __future__ import annotations

import json
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from casedesk.datadir import DataDir
from casedesk.services.accounts import Accounts
from casedesk.services.cases import Cases
from casedesk.services.enrolment import Enrolment
from casedesk.services.installation import Installation
from casedesk.timeutil import utc_now
from casedesk.trust import enrolment
from casedesk.trust.unitkey import UnitSigner
from tests.helpers.store import CASE, PASSWORDS, Store


def answer_file(unit: UnitSigner, request: Path, out: Path) -> Path:
    out.write_text(json.dumps(enrolment.answer(unit, enrolment.read_request(request))))
    return out


def enrol(store: Store, unit: UnitSigner, folder: Path, first: bool = True) -> int:
    """The whole offline round: request, the unit's answer, import. Returns the installation.enrolled entry."""
    n = len(list(folder.glob("req-*.json")))
    s = store.sign_in("admin")
    try:
        Enrolment(s).write_request(folder / f"req-{n}.json")
        answer = answer_file(unit, folder / f"req-{n}.json", folder / f"answer-{n}.json")
        seq, _ = Enrolment(s).import_answer(answer, unit.public.fingerprint if first else None)
    finally:
        s.close()
    return seq


def build_fake(root: Path, monkeypatch: pytest.MonkeyPatch, days_back: int = 400) -> Store:
    """Another installation with the same user names, passwords and case reference, its clock set back."""
    back = utc_now() - timedelta(days=days_back)
    start = utc_now()

    def clock() -> datetime:
        return back + (utc_now() - start)

    # Every module that took utc_now by name (the forger controls the whole machine's clock).
    for name, module in list(sys.modules.items()):
        if name.startswith("casedesk") and getattr(module, "utc_now", None) is utc_now:
            monkeypatch.setattr(module, "utc_now", clock)
    inst = Installation(DataDir(root))
    inst.initialise("admin", PASSWORDS["admin"], "Ada Admin", "AA")
    admin = inst.sign_in("admin", PASSWORDS["admin"])
    acc = Accounts(admin)
    acc.add("jsmith", "detective", "Jane A Smith", "JAS", PASSWORDS["jsmith"])
    acc.add("sgt", "supervisor", "Sam Grant", "SG", PASSWORDS["sgt"])
    admin.close()
    det = inst.sign_in("jsmith", PASSWORDS["jsmith"])
    Cases(det).create(CASE, "Operation Lantern", ["Fraud Act 2006 s.2"])
    det.close()
    return Store(root, root.parent / "xdg")
