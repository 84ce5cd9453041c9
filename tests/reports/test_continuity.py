"""The continuity account of each exhibit: plain English, every movement, and silences longer than 30 days named."""

from __future__ import annotations

import dataclasses
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

from casedesk.reports import continuity
from casedesk.reports.assemble import build_bundle
from casedesk.reports.model import CustodyLine, ExhibitInfo
from casedesk.reports.sample import make_evidence
from tests.helpers.bundle import opener, searchable_pages, spec_for

SEIZED = datetime(2026, 3, 2, 14, 30, tzinfo=UTC)


def _exhibit(**changes: object) -> ExhibitInfo:
    base = dict(reference="HF/4", description="USB memory stick", producer="Helen Farrow (hfarrow)",
                seized_from="Rachel Voss", seized_at=SEIZED, seized_location="Daily Courier offices, London EC4",
                seal="MPSA100234", original_name="usb.img", size=10, mime_type="application/octet-stream",
                type_description="data", type_warning=None, sha256="ab" * 32, md5=None, sha1=None,
                ingested_by="Helen Farrow (hfarrow)", ingested_at=SEIZED + timedelta(hours=3), tool="CaseDesk",
                custodian="Property store", location="Locker 14, Charing Cross")
    base.update(changes)
    return ExhibitInfo(**base)  # type: ignore[arg-type]


def _entries() -> list[CustodyLine]:
    t = SEIZED + timedelta(hours=3)
    return [
        CustodyLine(12, t, "Helen Farrow (hfarrow)", "exhibit.ingested", "HF/4", "1" * 64,
                    location="New Scotland Yard", to_party="Helen Farrow (hfarrow)", sha256="ab" * 32),
        CustodyLine(15, t + timedelta(days=2), "Helen Farrow (hfarrow)", "exhibit.transferred", "HF/4", "2" * 64,
                    reason="booked into the property store", location="Locker 14, Charing Cross",
                    from_party="Helen Farrow (hfarrow)", to_party="Property store"),
        CustodyLine(40, t + timedelta(days=47), "Daniel Okafor (dokafor)", "exhibit.checked_out", "HF/4", "3" * 64,
                    reason="imaging", location="Digital forensics lab, Lambeth", from_party="Property store",
                    to_party="Daniel Okafor (dokafor)"),
        CustodyLine(41, t + timedelta(days=48), "Daniel Okafor (dokafor)", "exhibit.viewed", "HF/4", "4" * 64),
    ]


def test_the_account_reads_as_a_statement_of_continuity() -> None:
    lines = continuity.account(_exhibit(), _entries())
    assert lines[0] == ("Seized by Helen Farrow (hfarrow) from Rachel Voss at Daily Courier offices, London EC4 on "
                        "02 Mar 2026 14:30:00 GMT (+00:00); sealed as MPSA100234.")
    assert lines[2] == ("04 Mar 2026 17:30:00 GMT (+00:00): Custody transferred by Helen Farrow (hfarrow), from "
                        "Helen Farrow (hfarrow) to Property store, at Locker 14, Charing Cross (booked into the "
                        "property store). Entry 15.")
    assert "Checked out by Daniel Okafor (dokafor)" in lines[3] and "Exhibit viewed" in lines[4]
    assert not any("exhibit." in line for line in lines)  # readable action names, never the codes
    assert "Last recorded: held by Property store at Locker 14, Charing Cross." in lines


def test_a_silence_longer_than_the_threshold_is_named_with_who_held_it() -> None:
    lines = continuity.account(_exhibit(), _entries())
    gaps = [line for line in lines if line.startswith("Gap:")]
    assert gaps == ["Gap: no entry for 45 days, from 04 Mar 2026 17:30:00 GMT (+00:00) (entry 15) to "
                    "18 Apr 2026 18:30:00 BST (+01:00) (entry 40, Checked out); the log last showed it held by "
                    "Property store at Locker 14, Charing Cross."]
    # From the seizure to the ingest counts too; and a shorter threshold finds more.
    late = _exhibit(seized_at=SEIZED - timedelta(days=40))
    assert continuity.gaps(late, _entries())[0].after == "the seizure"
    assert len(continuity.gaps(_exhibit(), _entries(), timedelta(days=1))) == 2
    quiet = continuity.account(_exhibit(), _entries()[:2])
    assert "No stretch of more than 30 days without an entry." in quiet


def test_missing_seizure_details_are_said_not_skipped() -> None:
    line = continuity.seizure(_exhibit(seal="", seized_at=None, seized_from=""))
    assert "no seal number recorded" in line and "no time of seizure recorded" in line
    assert "no one recorded as the person it was seized from" in line


def test_each_exhibit_has_its_account_in_the_bundle(tmp_path: Path) -> None:
    files = make_evidence(tmp_path / "ev", awkward=False)[:2]
    spec, paths = spec_for(files)
    out = tmp_path / "bundle.pdf"
    out.touch()
    build_bundle(spec, opener(paths), out, work_folder=tmp_path)
    text = "\n".join(searchable_pages(out))
    flat = " ".join(text.split())
    for ex in spec.exhibits:
        assert f"Seized by {ex.producer}" in flat and f"sealed as {ex.seal}" in flat
    assert flat.count("Continuity") >= len(spec.exhibits)
    assert re.search(r"Custody transferred by jsmith, from jsmith to Property store", flat)


def test_an_exhibits_custody_heading_shows_its_whole_description(tmp_path: Path) -> None:
    # The heading was cut to one line: "Exhibit JAS/3 – WhatsApp chat export between suspects (Hindi, Arabic, Engl…".
    files = make_evidence(tmp_path / "ev", awkward=False)[:1]
    spec, paths = spec_for(files)
    long = ("Handwritten ledger of customer card details found in the kitchen drawer, with the seller's notes of "
            "payments received from three buyers in March 2026 (pages 1 to 40, photographed)")
    spec = dataclasses.replace(spec, exhibits=(dataclasses.replace(spec.exhibits[0], description=long),))
    out = tmp_path / "bundle.pdf"
    build_bundle(spec, opener(paths), out, work_folder=tmp_path)
    custody = next(p for p in searchable_pages(out) if "Continuity" in p)
    assert f"Exhibit JAS/1 – {long}" in " ".join(custody.split())
