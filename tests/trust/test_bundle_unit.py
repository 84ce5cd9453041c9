"""The bundle names the unit key its log chains to, or says plainly that the installation is not enrolled;
`verify-bundle --unit-fingerprint` checks the claim, and against the store, the log."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from casedesk.reports.sections import UNIT_NOT_ENROLLED
from casedesk.reports.verify_bundle import verify_bundle
from casedesk.services.accounts import Accounts
from casedesk.services.bundles import Bundles
from casedesk.trust import pinning
from casedesk.trust.unitkey import UnitSigner
from tests.helpers.bundle import page_texts
from tests.helpers.custody import ingest
from tests.helpers.store import CASE, Store
from tests.trust.helpers import build_fake, enrol
from tests.trust.test_pinned_verify import enrolment_data


@pytest.fixture(scope="module")
def unit() -> UnitSigner:
    return UnitSigner.generate("casedesk.test.police.uk")


def export(store: Store, out: Path) -> Path:
    s = store.sign_in("jsmith")
    try:
        Bundles(s).export(CASE, out)
    finally:
        s.close()
    return out


def flat(text: str) -> str:
    return " ".join(text.split())


def unit_check(path: Path, store: Store | None, fp: str) -> tuple[bool, str]:
    s = store.sign_in("sgt") if store is not None else None
    try:
        found = verify_bundle(path, s, fp)
    finally:
        if s is not None:
            s.close()
    check = next(c for c in found.checks if c.name == "unit key")
    return check.ok, check.detail


def test_an_unenrolled_bundle_says_so_and_fails_against_a_fingerprint(store: Store, tmp_path: Path,
                                                                     unit: UnitSigner) -> None:
    ingest(store, "jsmith", {"statement.txt": b"I saw him.\n"})
    path = export(store, tmp_path / "bundle.pdf")
    pages = [flat(t) for t in page_texts(path)]
    assert flat(UNIT_NOT_ENROLLED) in pages[0]  # the cover
    assert any("Integrity statement" in p and flat(UNIT_NOT_ENROLLED) in p for p in pages)
    assert json.loads(Path(str(path) + ".manifest.json").read_text())["unit"] is None
    fp = unit.public.fingerprint
    assert unit_check(path, None, fp) == (False, "the bundle says its installation is not enrolled with a unit, so "
                                                 f"its custody log cannot chain to unit {fp}")


def test_an_enrolled_bundle_names_its_unit_and_its_log_chains_to_it(store: Store, tmp_path: Path,
                                                                    unit: UnitSigner) -> None:
    enrol(store, unit, tmp_path)
    ingest(store, "jsmith", {"statement.txt": b"I saw him.\n"})
    path = export(store, tmp_path / "bundle.pdf")
    fp = unit.public.fingerprint
    pages = [flat(t) for t in page_texts(path)]
    assert fp in pages[0].replace(" ", "") and unit.public.name in pages[0]
    assert "NOT ENROLLED" not in " ".join(pages)
    assert json.loads(Path(str(path) + ".manifest.json").read_text())["unit"] == {
        "name": unit.public.name, "fingerprint": fp, "uncertified": 0}
    assert unit_check(path, store, fp) == (True, f"every key of the store's custody log chains to the pinned unit "
                                                 f"key {fp}")
    other = UnitSigner.generate(unit.public.name).public.fingerprint
    assert unit_check(path, None, other) == (False, f"the bundle names unit key {fp}, not the pinned unit key {other}")


def test_a_fake_installation_that_copied_the_enrolment_is_bundled_as_not_enrolled(
        store: Store, tmp_path: Path, unit: UnitSigner, monkeypatch: pytest.MonkeyPatch) -> None:
    genuine = enrolment_data(store, enrol(store, unit, tmp_path))
    fake = build_fake(tmp_path / "fake", monkeypatch)
    s = fake.sign_in("admin")
    try:
        with s.write() as db:
            s.record(db, pinning.ENROLLED, data=genuine)
    finally:
        s.close()
    ingest(fake, "jsmith", {"statement.txt": b"I saw him.\n"})
    path = export(fake, tmp_path / "bundle.pdf")
    pages = [flat(t) for t in page_texts(path)]
    assert flat(UNIT_NOT_ENROLLED) in pages[0]
    assert unit.public.fingerprint not in "".join(pages[0].split())
    assert any("The log names a unit enrolment that does not hold: entry" in p for p in pages)
    assert json.loads(Path(str(path) + ".manifest.json").read_text())["unit"] is None
    fp = unit.public.fingerprint
    assert unit_check(path, fake, fp) == (False, "the bundle says its installation is not enrolled with a unit, so "
                                                 f"its custody log cannot chain to unit {fp}")


def test_an_officer_not_yet_certified_does_not_block_the_bundle_which_says_so(
        store: Store, tmp_path: Path, unit: UnitSigner) -> None:
    enrol(store, unit, tmp_path)
    s = store.sign_in("admin")
    try:
        Accounts(s).add("newbie", "detective", "New Officer", "NO", "newbie-password-123")
    finally:
        s.close()
    store.installation.sign_in("newbie", "newbie-password-123").close()
    ingest(store, "jsmith", {"statement.txt": b"I saw him.\n"})
    path = export(store, tmp_path / "bundle.pdf")
    fp = unit.public.fingerprint
    pages = [flat(t) for t in page_texts(path)]
    assert "NOT ALL CERTIFIED: 1 custody entry is not signed with a key this unit key certified" in pages[0]
    assert "signed with a key of newbie that unit" in pages[0]
    assert json.loads(Path(str(path) + ".manifest.json").read_text())["unit"] == {
        "name": unit.public.name, "fingerprint": fp, "uncertified": 1}
    assert unit_check(path, None, fp) == (False, f"the bundle says 1 custody entries of its log are not certified by "
                                                 f"the pinned unit key {fp}")
