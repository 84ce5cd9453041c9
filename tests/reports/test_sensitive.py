"""Sensitive (MG6D) material in a bundle: marked wherever it is shown, accounted for wherever it is not."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from casedesk.reports.model import SENSITIVE_MARK
from casedesk.reports.sample import make_evidence
from casedesk.services.bundles import Bundles
from casedesk.services.evidence import Evidence
from tests.helpers.bundle import CASE, ingest_evidence, searchable_pages
from tests.helpers.store import Store


@pytest.fixture
def case(store: Store, tmp_path: Path) -> tuple[Store, list[str]]:
    session = store.sign_in("jsmith")
    try:
        refs = ingest_evidence(session, make_evidence(tmp_path / "evidence", awkward=False))
        Evidence(session).set_sensitive(CASE, refs[5], True, "informant's voicemail (MG6D)")
        Evidence(session).withdraw(CASE, refs[3], "duplicate of the bank's own extract")
    finally:
        session.close()
    return store, refs


def _mentions(text: str, ref: str) -> bool:
    return re.search(re.escape(ref) + r"(?!\d)", text) is not None


def test_an_included_sensitive_exhibit_is_marked_on_every_page_it_appears_on(case, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    store, refs = case
    session = store.sign_in("jsmith")
    try:
        result = Bundles(session).export(CASE, tmp_path / "bundle.pdf", include_sensitive=True)
        view = Evidence(session).show(CASE, refs[5])
    finally:
        session.close()
    assert refs[5] in result.included
    pages = searchable_pages(result.path)
    shown = [i for i, text in enumerate(pages) if _mentions(text, refs[5]) or view.sha256 in text]
    assert len(shown) >= 4  # cover, index, exhibit list, its own pages, its custody entries
    for i in shown:
        assert SENSITIVE_MARK in pages[i], f"page {i + 1} shows {refs[5]} unmarked"
    # Its own pages (label to last page) carry the mark in the stamp, beside the security marking.
    own = [i for i, text in enumerate(pages) if "EXHIBIT" in text and _mentions(text, refs[5])]
    assert own
    stamped = f"OFFICIAL-SENSITIVE – {SENSITIVE_MARK}"
    assert stamped in pages[own[0]] and stamped in pages[own[0] + 1]
    # Pages that do not show it are not marked.
    assert not any(stamped in text for i, text in enumerate(pages) if i not in shown)


def test_without_it_the_counts_agree_and_every_reference_is_accounted_for(case, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    store, refs = case
    session = store.sign_in("jsmith")
    try:
        result = Bundles(session).export(CASE, tmp_path / "bundle.pdf")
        view = Evidence(session).show(CASE, refs[5])
    finally:
        session.close()
    pages = searchable_pages(result.path)
    flat = [" ".join(p.split()) for p in pages]
    included, total = len(result.included), len(refs)
    assert (included, total) == (4, 6)
    # The cover and the integrity statement give the same counts.
    assert f"Exhibits in bundle {included} of the case's {total}" in flat[0]
    statement = next(i for i, t in enumerate(flat) if t.count("Integrity statement") and "How to check" in t)
    assert f"{included} of the case's {total}" in flat[statement]
    # The index lists every reference in order, the ones not in the bundle with the reason.
    index = " ".join(t for t in flat if "Section / exhibit" in t)
    positions = [index.find(ref + " ") for ref in refs]
    assert all(p >= 0 for p in positions) and positions == sorted(positions)
    assert "Not in this bundle: withdrawn from the register" in index
    assert "Not in this bundle: sensitive (MG6D), withheld" in index
    listing = " ".join(t for t in flat if "Exhibits of the case not in this bundle" in t)
    assert f"{refs[3]} withdrawn from the register" in listing
    assert f"{refs[5]} sensitive (MG6D), withheld" in listing
    # Nothing of the sensitive exhibit but its reference reaches the bundle.
    everything = "\n".join(flat)
    for secret in (view.description, view.sha256, view.original_name):
        assert secret not in everything


def test_a_duplicate_of_a_sensitive_exhibit_discloses_neither_its_hash_nor_the_link_by_default(
        store: Store, tmp_path: Path) -> None:
    """JAS/3 has the content of the sensitive JAS/1: nothing a prosecutor is handed may say so or give JAS/1's hash."""
    from casedesk.reports.verify_bundle import verify_bundle
    from casedesk.services.custody import Custody
    from casedesk.services.disclosure import Disclosure
    from tests.helpers.custody import ingest, tool

    secret = b"informant's copy of the dossier\n"
    refs = ingest(store, "jsmith", {"source-copy.txt": secret, "other.txt": b"an unrelated note\n"})
    refs += ingest(store, "jsmith", {"newspaper-copy.txt": secret})
    assert refs == ["JAS/1", "JAS/2", "JAS/3"]
    session = store.sign_in("jsmith")
    try:
        evidence = Evidence(session)
        evidence.set_sensitive(CASE, "JAS/1", True, "identifies a covert source")
        digest = evidence.show(CASE, "JAS/1").sha256
        assert evidence.show(CASE, "JAS/3").duplicate_of == "JAS/1"
        bundle = Bundles(session).export(CASE, tmp_path / "bundle.pdf")
        log = Custody(session).export_log(CASE, tmp_path / "custody.jsonl")
        uco = Disclosure(session).export_case(CASE, tmp_path / "case.jsonld")
        with pytest.raises(Exception, match="same content as the sensitive exhibit JAS/1"):
            Bundles(session).export(CASE, tmp_path / "chosen.pdf", exhibits=["JAS/3"])
        mg6c = Disclosure(session).export_schedule(CASE, "mg6c", tmp_path / "mg6c.pdf")
        full = Bundles(session).export(CASE, tmp_path / "full.pdf", include_sensitive=True)
    finally:
        session.close()
    # The bundle leaves JAS/3 out with JAS/1 and says why, without naming JAS/1.
    assert bundle.included == ["JAS/2"]
    assert [(e.reference, e.reason) for e in bundle.excluded] == [("JAS/1", "sensitive"),
                                                                 ("JAS/3", "sensitive duplicate")]
    text = " ".join(" ".join(searchable_pages(bundle.path)).split())
    assert "JAS/3 (same content as sensitive (MG6D) material, withheld)" in text
    for path in (bundle.path, bundle.manifest_path, log, uco.path):
        data = path.read_bytes()
        assert digest.encode() not in data, path.name
        assert b"Duplicate of" not in data and b"duplicate_of" not in data, path.name
    assert "JAS/3" not in uco.exhibits and "JAS/3" in uco.withheld
    # The files still check: the bundle against the default custody export, the export on its own.
    assert verify_bundle(bundle.path, custody=log).verdict != "NOT VERIFIED"
    code, report = tool(log)
    assert code == 0, report
    # Asked for, sensitive material comes with the link, marked.
    assert full.included == ["JAS/1", "JAS/2", "JAS/3"]
    assert "Duplicate of exhibit JAS/1 (identical content)" in " ".join(" ".join(searchable_pages(full.path)).split())
    # The MG6C (served on the defence) lists JAS/3, as the officer marked it, with nothing linking it to JAS/1;
    # the officer, not the schedule, is told that its content is a sensitive exhibit's.
    assert mg6c.items == ["JAS/3"]
    schedule = " ".join(searchable_pages(mg6c.path))
    assert "JAS/1" not in schedule and digest not in schedule
    assert mg6c.warnings == ["JAS/3 is listed as non-sensitive but has the same content as the sensitive exhibit "
                             "JAS/1: if its content is sensitive, mark it sensitive and export the schedules again"]
