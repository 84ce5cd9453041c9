"""The MG6C and MG6D schedules: separate documents, numbered consecutively, nothing sensitive on the MG6C."""

from __future__ import annotations

import hashlib
import re
import subprocess
from pathlib import Path

import pytest

from casedesk.errors import UsageError
from casedesk.reports.schedules import NOT_FOR_DISCLOSURE
from casedesk.reports.typeset import CONTENT_W, MARGIN_X
from casedesk.services.bundles import Bundles
from casedesk.services.custody import Custody
from casedesk.services.disclosure import Disclosure
from casedesk.services.evidence import Evidence
from tests.helpers.bundle import CASE, searchable_pages
from tests.helpers.cli import run
from tests.helpers.custody import ingest
from tests.helpers.store import Store

FILES = {f"note-{i}.txt": f"note number {i}\n".encode() for i in range(1, 13)}
INFORMANT = "Handler's log of source ROBIN"


@pytest.fixture
def case(store: Store) -> tuple[Store, list[str]]:
    """12 exhibits: JAS/1 and JAS/2 served in a bundle, JAS/4 withdrawn, JAS/6 and JAS/11 sensitive."""
    refs = ingest(store, "jsmith", FILES, description="Officer's note")
    assert refs == [f"JAS/{i}" for i in range(1, 13)]
    s = store.sign_in("jsmith")
    try:
        ev = Evidence(s)
        ev.withdraw(CASE, "JAS/4", "duplicate of JAS/3")
        ev.set_sensitive(CASE, "JAS/6", True, "identifies a covert human intelligence source")
        ev.set_sensitive(CASE, "JAS/11", True, "third-party medical records")
        Bundles(s).export(CASE, store.root.parent / "bundle.pdf", exhibits=["JAS/1", "JAS/2"])
    finally:
        s.close()
    return store, refs


def _items(page_text: str) -> list[tuple[int, str]]:
    return [(int(n), ref) for n, ref in re.findall(r"^(\d+)\s*\n?\s*(JAS/\d+)", page_text, re.M)]


def test_mg6c_lists_the_unused_non_sensitive_material_numbered_from_one(case, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    store, _ = case
    s = store.sign_in("jsmith")
    try:
        result = Disclosure(s).export_schedule(CASE, "mg6c", tmp_path / "mg6c.pdf")
        entry = Custody(s).log(CASE)[-1]
    finally:
        s.close()
    # Used (in the bundle): JAS/1, JAS/2. Sensitive: JAS/6, JAS/11. Everything else, the withdrawn JAS/4 too.
    assert result.items == ["JAS/3", "JAS/4", "JAS/5", "JAS/7", "JAS/8", "JAS/9", "JAS/10", "JAS/12"]
    text = "\n".join(searchable_pages(result.path))
    rows = re.findall(r"^(\d+)\s+(JAS/\d+)\b", _layout(result.path), re.M)
    assert rows == [(str(n), ref) for n, ref in enumerate(result.items, start=1)]
    assert "Withdrawn from the register: duplicate of JAS/3" in text
    assert "8 items, numbered 1 to 8." in text
    # Nothing sensitive: not the references, not the reasons, not even that there is an MG6D.
    for secret in ("JAS/6", "JAS/11", "covert human", "medical", "MG6D", NOT_FOR_DISCLOSURE):
        assert secret not in text, secret
    assert "custody log entry" in text and "bundle.pdf" in text  # says what counts as used, and from where
    assert entry.action == "schedule.exported" and entry.seq == result.recorded_as
    assert entry.sha256 == hashlib.sha256(result.path.read_bytes()).hexdigest() == result.sha256
    assert entry.data["items"] == result.items and entry.data["schedule"] == "mg6c"


def test_mg6d_is_a_separate_document_of_the_sensitive_material_marked_on_every_page(case, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    store, _ = case
    s = store.sign_in("jsmith")
    try:
        result = Disclosure(s).export_schedule(CASE, "MG6D", tmp_path / "mg6d.pdf", marking="OFFICIAL")
    finally:
        s.close()
    assert result.items == ["JAS/6", "JAS/11"]
    pages = searchable_pages(result.path)
    rows = re.findall(r"^(\d+)\s+(JAS/\d+)\b", _layout(result.path), re.M)
    assert rows == [("1", "JAS/6"), ("2", "JAS/11")]
    text = "\n".join(pages)
    flat = " ".join(text.split())
    assert "identifies a covert human intelligence source" in flat and "third-party medical records" in flat
    assert all(f"OFFICIAL-SENSITIVE – {NOT_FOR_DISCLOSURE}" in p for p in pages)  # never marked lower
    for used_or_open in ("JAS/1 ", "JAS/3 ", "JAS/12"):
        assert used_or_open not in text


def test_the_cli_writes_each_schedule_and_never_replaces_a_file(case, tmp_path: Path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    store, _ = case
    out = tmp_path / "mg6c.pdf"
    r = run(capsys, monkeypatch, store.root, "export-schedule", CASE, "--schedule", "mg6c", "-o", str(out),
            user="jsmith")
    assert r.code == 0, r.err
    assert "MG6C written" in r.out and "8 items" in r.out
    before = out.read_bytes()
    r = run(capsys, monkeypatch, store.root, "export-schedule", CASE, "--schedule", "mg6d", "-o", str(out),
            user="jsmith")
    assert r.code != 0 and "already exists" in r.err
    assert out.read_bytes() == before


def test_an_unknown_schedule_is_refused(store: Store, tmp_path: Path) -> None:
    s = store.sign_in("jsmith")
    try:
        with pytest.raises(UsageError, match="choose mg6c"):
            Disclosure(s).export_schedule(CASE, "mg6e", tmp_path / "x.pdf")
    finally:
        s.close()
    assert not (tmp_path / "x.pdf").exists()


def _layout(path: Path) -> str:
    import subprocess
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True).stdout


def test_a_schedule_as_at_a_time_comes_out_the_same_however_the_case_grew(case, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    store, _ = case
    s = store.sign_in("jsmith")
    try:
        first = Disclosure(s).export_schedule(CASE, "mg6c", tmp_path / "first.pdf")
        # The case moves on: another exhibit withdrawn, another bundle served, another exhibit made sensitive.
        Evidence(s).withdraw(CASE, "JAS/5", "entered twice")
        Evidence(s).set_sensitive(CASE, "JAS/7", True, "public interest immunity")
        Bundles(s).export(CASE, tmp_path / "bundle2.pdf", exhibits=["JAS/1", "JAS/2", "JAS/3"])
        now = Disclosure(s).export_schedule(CASE, "mg6c", tmp_path / "now.pdf")
        again = Disclosure(s).export_schedule(CASE, "mg6c", tmp_path / "again.pdf", at=first.at)
    finally:
        s.close()
    assert "JAS/3" not in now.items and "JAS/7" not in now.items
    assert again.items == first.items and again.head_seq == first.head_seq
    assert again.path.read_bytes() == first.path.read_bytes()


def test_every_column_heading_stays_within_its_table(case, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # The MG6D's last heading, "CPS: D / I / CND", ran past the table and the page margin.
    store, _ = case
    s = store.sign_in("jsmith")
    try:
        paths = [Disclosure(s).export_schedule(CASE, kind, tmp_path / f"{kind}.pdf").path for kind in ("mg6c", "mg6d")]
    finally:
        s.close()
    for path in paths:
        html = subprocess.run(["pdftotext", "-bbox", "-f", "1", "-l", "1", str(path), "-"], capture_output=True,
                              text=True, check=True).stdout
        ends = [float(x) for x in re.findall(r'xMax="([\d.]+)"[^>]*>CND<', html)]
        assert ends, path.name
        assert max(ends) <= MARGIN_X + CONTENT_W, path.name

