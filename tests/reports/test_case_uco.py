"""The CASE/UCO 1.5.0 export of the demo case: valid under case_validate, complete, sensitive material withheld."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from datetime import UTC
from pathlib import Path

import pytest

from casedesk import demo
from casedesk.datadir import DataDir
from casedesk.services.custody import Custody
from casedesk.services.disclosure import Disclosure
from casedesk.services.evidence import Evidence
from casedesk.services.installation import Installation
from tests.helpers.cli import run

VENV_BIN = Path(sys.executable).parent


def _case_validate() -> str:
    found = shutil.which("case_validate", path=f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    if found is None:  # a missing validator must fail the suite, not skip the check
        pytest.fail("case_validate is not installed: pip install 'case-utils==0.18.0' (pinned in constraints.txt)")
    return found


def _validate(path: Path) -> str:
    proc = subprocess.run([_case_validate(), "--built-version", "case-1.5.0", str(path)], capture_output=True,
                          text=True, timeout=600)
    report = proc.stdout + proc.stderr
    assert proc.returncode == 0, report
    return report


def _by_type(doc: dict, kind: str) -> list[dict]:  # type: ignore[type-arg]
    return [n for n in doc["@graph"] if n["@type"] == kind]


def test_the_demo_case_exports_as_valid_case_uco(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "demo"
    assert run(capsys, monkeypatch, root, "demo").code == 0
    out = tmp_path / "case.jsonld"
    r = run(capsys, monkeypatch, root, "export-case", demo.CASE_REF, "--format", "case-uco", "-o", str(out),
            user=demo.OIC, password=demo.PASSWORDS[demo.OIC])
    assert r.code == 0, r.err
    assert "Withheld as sensitive (MG6D)" in r.out
    report = _validate(out)
    assert "Conforms: True" in report
    assert "sh:Warning" not in report and "sh:Info" not in report  # no warnings, not even information

    session = Installation(DataDir(root)).sign_in(demo.OIC, demo.PASSWORDS[demo.OIC])
    try:
        views = {v.reference: v for v in Evidence(session).list(demo.CASE_REF, include_withdrawn=True)}
        log = Custody(session).log(demo.CASE_REF)
    finally:
        session.close()
    data = out.read_bytes()
    doc = json.loads(data)
    sensitive = [v for v in views.values() if v.sensitive]
    assert len(sensitive) == 1
    secret = sensitive[0]
    for text in (secret.description, secret.original_name, secret.sha256, secret.sha256.upper(), secret.reference):
        assert text.encode() not in data, text
    # Every other exhibit: a File with its name, size, MIME type and every recorded hash.
    files = {n["uco-core:name"]: n for n in _by_type(doc, "uco-observable:File")}
    assert sorted(files) == sorted(f"Exhibit {r}" for r in views if r != secret.reference)
    nodes = {n["@id"]: n for n in doc["@graph"]}
    for ref, view in views.items():
        if view.sensitive:
            continue
        facets = [nodes[f["@id"]] for f in files[f"Exhibit {ref}"]["uco-core:hasFacet"]]
        file_facet = next(f for f in facets if f["@type"] == "uco-observable:FileFacet")
        content = next(f for f in facets if f["@type"] == "uco-observable:ContentDataFacet")
        assert file_facet["uco-observable:fileName"] == view.original_name
        assert int(content["uco-observable:sizeInBytes"]["@value"]) == view.size
        assert content["uco-observable:mimeType"] == view.mime_type
        hashes = {nodes[h["@id"]]["uco-types:hashMethod"]: nodes[h["@id"]]["uco-types:hashValue"]["@value"]
                  for h in content["uco-observable:hash"]}
        assert hashes["SHA256"] == view.sha256.upper()
        assert ("MD5" in hashes) == bool(view.md5) and ("SHA1" in hashes) == bool(view.sha1)
    # Every custody entry of the case (but the sensitive exhibit's) is an investigative action; each one about
    # an exhibit results in a provenance record carrying the exhibit's reference.
    actions = {a["uco-core:description"].split(" (")[0]: a
               for a in _by_type(doc, "case-investigation:InvestigativeAction")}
    # Up to the head the export was made from (its verification run and its own entry come after it).
    head = next(x.data["head_seq"] for x in log if x.action == "case.exported")
    expected = [e for e in log if e.exhibit_ref != secret.reference and e.seq <= head]
    assert sorted(actions) == sorted(f"Custody log entry {e.seq}" for e in expected)
    for e in expected:
        action = actions[f"Custody log entry {e.seq}"]
        when = e.timestamp.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")
        assert action["uco-action:startTime"]["@value"].startswith(when)
        assert "uco-action:performer" in action
        if e.exhibit_ref is not None:
            record = nodes[action["uco-action:result"][0]["@id"]]
            assert record["@type"] == "case-investigation:ProvenanceRecord"
            assert record["case-investigation:exhibitNumber"] == e.exhibit_ref
            assert record["uco-core:object"] == [{"@id": files[f"Exhibit {e.exhibit_ref}"]["@id"]}]
    people = {n["uco-core:name"] for n in _by_type(doc, "uco-identity:Person")}
    assert any(demo.OIC in p for p in people)
    assert _by_type(doc, "uco-core:Relationship") and all(
        r["uco-core:kindOfRelationship"] == "Has_Role" for r in _by_type(doc, "uco-core:Relationship"))
    # The export is recorded with the file's hash, and the file is never replaced.
    session = Installation(DataDir(root)).sign_in(demo.OIC, demo.PASSWORDS[demo.OIC])
    try:
        entry = Custody(session).log(demo.CASE_REF)[-1]
        assert entry.action == "case.exported" and entry.sha256 == hashlib.sha256(data).hexdigest()
        with pytest.raises(Exception, match="already exists"):
            Disclosure(session).export_case(demo.CASE_REF, out)
        full = Disclosure(session).export_case(demo.CASE_REF, tmp_path / "full.jsonld", include_sensitive=True)
    finally:
        session.close()
    assert out.read_bytes() == data
    assert full.withheld == [] and secret.reference in full.exhibits
    assert secret.sha256.upper().encode() in full.path.read_bytes()
    assert "Conforms: True" in _validate(full.path)


_BUILD = """
import sys
from datetime import datetime, UTC
from casedesk.reports import case_uco
from casedesk.reports.model import CaseInfo, CustodyLine, ExhibitInfo
t = datetime(2026, 1, 31, 9, 15, tzinfo=UTC)
ex = [ExhibitInfo(reference=f"JAS/{i}", description=f"item {i}", producer="Jane Smith (jsmith)", seized_from="",
                  seized_at=t, seized_location="", seal="", original_name=f"f{i}.txt", size=i, mime_type="text/plain",
                  type_description="", type_warning=None, sha256=f"{i:064x}", md5=None, sha1=None,
                  ingested_by="Jane Smith (jsmith)", ingested_at=t, tool="CaseDesk", custodian="jsmith",
                  location="Locker 1") for i in (10, 2, 1)]
lines = [CustodyLine(seq=i, timestamp=t, actor="Jane Smith (jsmith)", action="exhibit.transferred",
                     exhibit_ref=f"JAS/{1 + i % 3}", entry_hash=f"{i:064x}", location=f"Store {i % 2}",
                     from_party="Jane Smith (jsmith)", to_party="Sam Sergeant (sgt)") for i in range(1, 9)]
spec = case_uco.CaseExport("inst", CaseInfo("MPS-1", "Op", ("fraud",), "Jane Smith (jsmith)", ""),
                           tuple(ex), tuple(lines),
                           (case_uco.Officer("sgt", "Sam Sergeant", "supervisor"),
                            case_uco.Officer("jsmith", "Jane Smith", "detective")), 8, "ab" * 32, "CaseDesk 1")
sys.stdout.buffer.write(case_uco.document_bytes(case_uco.build(spec)))
"""


def test_the_same_case_gives_the_same_bytes_whatever_the_hash_seed() -> None:
    outs = set()
    for seed in ("0", "1", "4242"):
        proc = subprocess.run([sys.executable, "-c", _BUILD], capture_output=True, timeout=120, check=True,
                              env={**os.environ, "PYTHONHASHSEED": seed})
        outs.add(proc.stdout)
    assert len(outs) == 1
    doc = json.loads(outs.pop())
    ids = [n["@id"] for n in doc["@graph"]]
    assert ids == sorted(ids) and len(ids) == len(set(ids))
    # The only times in the file are the log's own, never the export's.
    times = {n[k]["@value"] for n in doc["@graph"] for k in n if k.endswith("Time")}
    assert times == {"2026-01-31T09:15:00.000000Z"}


def test_an_export_as_at_a_time_is_byte_identical_after_the_case_grows(
        store, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    from casedesk.services.cases import Cases
    from casedesk.timeutil import iso_utc, utc_now
    from tests.helpers.custody import ingest
    from tests.helpers.store import CASE

    ingest(store, "jsmith", {"dossier.txt": b"customer list\n", "photo.jpg": b"\xff\xd8\xff not really\n"})
    s = store.sign_in("jsmith")
    try:
        Custody(s).transfer(CASE, "JAS/1", "Property store, Limehouse", "booked in")
        at = utc_now()
        first = Disclosure(s).export_case(CASE, tmp_path / "first.jsonld", at=at)
    finally:
        s.close()
    # The case goes on: a new exhibit, a transfer, a withdrawal, a change of sensitivity, a note, a new officer.
    ingest(store, "jsmith", {"later.txt": b"found after the export\n"})
    s = store.sign_in("jsmith")
    try:
        Custody(s).transfer(CASE, "JAS/2", "Forensic lab", "for examination")
        Evidence(s).withdraw(CASE, "JAS/3", "entered in error")
        Evidence(s).set_sensitive(CASE, "JAS/1", True, "names a covert source")
        Cases(s).add_note(CASE, "after the export")
        now = Disclosure(s).export_case(CASE, tmp_path / "now.jsonld")
    finally:
        s.close()
    (tmp_path / "again").mkdir()
    again = tmp_path / "again" / "first.jsonld"
    r = run(capsys, monkeypatch, store.root, "export-case", CASE, "--format", "case-uco", "-o", str(again),
            "--at", iso_utc(at), user="jsmith")
    assert r.code == 0, r.err
    assert again.read_bytes() == first.path.read_bytes()
    assert f"--at {iso_utc(at)}" in r.out  # the line that reproduces it
    assert "Warning: JAS/1 is sensitive (MG6D) now but was not at" in r.out
    assert first.exhibits == ["JAS/1", "JAS/2"] and first.at == at
    assert now.exhibits == ["JAS/2", "JAS/3"] and now.withheld == ["JAS/1"]
    assert now.path.read_bytes() != first.path.read_bytes()
    assert b"later.txt" not in first.path.read_bytes() and b"Forensic lab" not in first.path.read_bytes()
