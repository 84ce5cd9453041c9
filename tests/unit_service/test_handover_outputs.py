"""What a received case gives its new holder for the court: the prosecutor's bundle, the unused-material
schedule, the CASE/UCO export and a custody export the stand-alone verifier accepts, each with every exhibit the
case holds, with the SHA-256 the giving installation's ingest recorded.

Before, every one of them read only ``exhibit.ingested`` entries: a received case's bundle came out with no
exhibit at all, and every check passed.
"""

from __future__ import annotations

import json
from pathlib import Path

from casedesk.reports.verify_bundle import verify_bundle
from casedesk.services.bundles import Bundles
from casedesk.services.custody import Custody
from casedesk.services.disclosure import Disclosure
from casedesk.services.evidence import Evidence
from tests.helpers.custody import tool
from tests.unit_service.conftest import Unit
from tests.unit_service.test_handover import KESTREL, Desks, _give, _receive, desks, engine  # noqa: F401


def test_a_received_case_goes_to_court_with_every_exhibit(unit: Unit, desks: Desks,  # noqa: F811
                                                          tmp_path: Path) -> None:
    s = desks.d.sign_in("jsmith")
    try:
        sim = next(x.reference for x in Evidence(s).list(KESTREL) if x.original_name == "sim.txt")
        Evidence(s).withdraw(KESTREL, sim, "returned to the owner's solicitor")
    finally:
        s.close()
    _give(unit, desks)
    _receive(unit, desks)
    s = desks.e.sign_in("bpatel")
    try:
        bundle = Bundles(s).export(KESTREL, tmp_path / "bundle.pdf")
        custody_path = tmp_path / "custody.jsonl"
        Custody(s).export_log(KESTREL, custody_path)
        check = verify_bundle(tmp_path / "bundle.pdf", s, custody=custody_path)
        Disclosure(s).export_schedule(KESTREL, "mg6c", tmp_path / "mg6c.pdf")
        Disclosure(s).export_case(KESTREL, tmp_path / "case.jsonld")
    finally:
        s.close()

    phone = next(ref for ref in desks.exhibits if ref != sim)
    # The bundle holds the exhibit still in the case, with its original attached and the hash D recorded; the
    # withdrawn one stays out, as it would have on D.
    assert list(bundle.included) == [phone]
    manifest = json.loads(bundle.manifest_path.read_text())
    assert [(x["reference"], x["sha256"]) for x in manifest["exhibits"]] == [(phone, desks.exhibits[phone])]
    failed = [(c.name, c.detail) for c in check.checks if c.status == "fail"]
    assert failed == [] and check.ok

    # The stand-alone verifier takes the case's beginning on E (case.received) and its exhibits.
    code, result = tool(custody_path)
    assert code == 0, [p["message"] for p in result.get("problems", [])]

    # The schedule and the CASE/UCO export name the received exhibits too.
    uco = (tmp_path / "case.jsonld").read_text()
    assert desks.exhibits[phone] in uco
