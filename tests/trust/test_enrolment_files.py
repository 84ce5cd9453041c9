"""The enrolment request and answer files on their own: what the unit administrator's command accepts."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from casedesk.errors import UsageError
from casedesk.trust import certs, enrolment
from casedesk.trust.unitkey import UnitSigner

CHECKPOINT = certs.Checkpoint(3, "ab" * 32)
WHEN = "2026-11-20T10:00:00.000000Z"


def request(tmp_path: Path, *officers: enrolment.Officer, name: str = "req.json") -> Path:
    req = enrolment.make_request(os.urandom(32), installation_id="inst-1", made_by="admin", checkpoint=CHECKPOINT,
                                 officers=list(officers))
    path = tmp_path / name
    path.write_bytes(req.encode())
    return path


def test_an_answer_certifies_the_installation_and_every_officer(tmp_path: Path) -> None:
    unit = UnitSigner.generate("casedesk.test.police.uk")
    path = request(tmp_path, enrolment.Officer("jsmith", "Jane Smith", "detective", "ab" * 32, WHEN),
                   enrolment.Officer("nobody", "", "admin", "cd" * 32, WHEN))
    req = enrolment.read_request(path)
    answer = enrolment.answer(unit, req)
    found = [certs.verified_certificate(c, unit.public.fingerprint) for c in answer["certificates"]]
    assert [(c.kind, c.subject, c.full_name, c.valid_from) for c in found] == [
        ("installation", "inst-1", None, req.made_at), ("officer", "jsmith", "Jane Smith", WHEN),
        ("officer", "nobody", None, WHEN)]
    assert found[0].checkpoint == CHECKPOINT and found[0].public_key == req.installation_key


def test_a_changed_or_oversized_request_is_refused_in_one_line(tmp_path: Path) -> None:
    good = request(tmp_path, enrolment.Officer("jsmith", "Jane Smith", "detective", "ab" * 32, WHEN))
    doc = json.loads(good.read_text())
    doc["officers"][0]["role"] = "supervisor"
    (tmp_path / "changed.json").write_text(json.dumps(doc))
    with pytest.raises(UsageError, match="the request's signature does not verify with the installation key"):
        enrolment.read_request(tmp_path / "changed.json")
    long = request(tmp_path, enrolment.Officer("x" * 501, "X", "detective", "ab" * 32, WHEN), name="long.json")
    with pytest.raises(UsageError, match="is not a CaseDesk enrolment request"):
        enrolment.read_request(long)
