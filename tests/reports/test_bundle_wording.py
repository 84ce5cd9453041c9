"""What a lawyer reads: readable actions and names, no stray markup, a manifest that says only what is recorded."""

from __future__ import annotations

import json
from pathlib import Path

from casedesk.reports.assemble import build_bundle
from casedesk.reports.sample import make_evidence
from casedesk.services.bundles import Bundles
from casedesk.services.custody import Custody
from casedesk.services.evidence import Evidence
from tests.helpers.bundle import CASE, ingest_evidence, opener, searchable_pages, spec_for
from tests.helpers.store import Store


def test_custody_pages_name_people_and_actions_as_a_reader_says_them(store: Store, tmp_path: Path) -> None:
    from casedesk.services.cases import Cases

    supervisor = store.sign_in("sgt")
    try:
        Cases(supervisor).add_member(CASE, "bpatel")
    finally:
        supervisor.close()
    session = store.sign_in("jsmith")
    try:
        refs = ingest_evidence(session, make_evidence(tmp_path / "evidence", awkward=False)[:2])
        Custody(session).transfer(CASE, refs[0], "bpatel", "for analysis")
        Custody(session).transfer(CASE, refs[1], "Property store, Limehouse", "booked in")
        result = Bundles(session).export(CASE, tmp_path / "bundle.pdf")
    finally:
        session.close()
    pages = searchable_pages(result.path)
    start = next(i for i, t in enumerate(pages) if "Chain of custody" in t and "in log order" in " ".join(t.split()))
    custody = " ".join(" ".join(pages[start:]).split())
    assert "Exhibit ingested" in custody and "Custody transferred" in custody and "Case opened" in custody
    for code in ("exhibit.ingested", "exhibit.transferred", "case.created"):
        assert code not in custody
    assert "Jane A Smith (jsmith)" in custody
    assert "From Jane A Smith (jsmith) to Bilal Patel (bpatel)" in custody
    assert "From Bilal Patel" not in custody and "From -" not in custody
    assert "to Property store, Limehouse" in custody
    # No markup of any kind reaches the pages.
    assert not any("`" in t for t in pages)


def test_the_manifest_md5_is_the_one_recorded_at_ingest_or_null(store: Store, tmp_path: Path) -> None:
    session = store.sign_in("jsmith")
    try:
        ingest_evidence(session, make_evidence(tmp_path / "evidence", awkward=False)[:2])
        result = Bundles(session).export(CASE, tmp_path / "bundle.pdf")
        views = {v.reference: v for v in Evidence(session).list(CASE)}
    finally:
        session.close()
    assert all(v.md5 is None for v in views.values())  # MD5 is not recorded unless digests.extra asks for it
    manifest = json.loads(result.manifest_path.read_text())
    assert [item["md5"] for item in manifest["exhibits"]] == [None, None]


def test_the_manifest_shows_no_raw_direction_override(tmp_path: Path) -> None:
    files = [f for f in make_evidence(tmp_path / "evidence") if "\u202e" in f.name]
    assert files
    spec, paths = spec_for(files)
    out = tmp_path / "bundle.pdf"
    result = build_bundle(spec, opener(paths), out)
    from casedesk.reports.manifest import manifest_bytes

    data = manifest_bytes(result.manifest)
    assert "\u202e" not in data.decode("utf-8") and b"\\u202e" in data
    assert json.loads(data)["exhibits"][0]["original_name"] == files[0].name
