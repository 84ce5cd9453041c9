"""The browser verifier pins the unit key as ``casedesk verify-bundle --unit-fingerprint`` does: a field for the
fingerprint the force publishes, the same row and verdict, and the unit the bundle names shown for comparison; and
it checks the case notes a bundle prints against the custody log, as the command does.

A genuine installation enrolled with the force's unit key against a fake one enrolled with a unit key of the same
name made by whoever built it; one Chromium for the module.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from casedesk.errors import UsageError
from casedesk.reports import manifest as M
from casedesk.reports.verify_bundle import verify_bundle
from casedesk.services.bundles import Bundles
from casedesk.services.custody import Custody
from casedesk.trust.unitkey import UnitSigner, grouped, normalise_fingerprint
from tests.helpers.custody import ingest
from tests.helpers.store import CASE, Store
from tests.reports.test_browser_verifier import CHROMIUM, FLAGS
from tests.trust.helpers import build_fake, enrol

NAME = "casedesk.test.police.uk"


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package (scripts/bootstrap.sh does)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("Playwright is missing: pip install -c constraints.txt -e '.[test]'")
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(str(tmp_path_factory.mktemp("chromium-profile")),
                                                       executable_path=str(CHROMIUM), args=FLAGS, headless=True)
        yield context
        context.close()


@pytest.fixture(scope="module")
def force() -> UnitSigner:
    return UnitSigner.generate(NAME)


def bundle_and_log(store: Store, folder: Path) -> tuple[Path, Path]:
    ingest(store, "jsmith", {"statement.txt": b"I saw him hand over the disk.\n"})
    folder.mkdir(parents=True, exist_ok=True)
    s = store.sign_in("jsmith")
    try:
        pdf = Bundles(s).export(CASE, folder / "bundle.pdf").path
        log = Custody(s).export_log(CASE, folder / "custody.jsonl")
    finally:
        s.close()
    return pdf, log


def in_browser(browser: Any, pdf: Path, log: Path, typed: str = "") -> tuple[str, list[tuple[str, str, str]], str]:
    """The verdict, the rows and the unit box, the fingerprint typed before the files are chosen."""
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(M.verifier_path(pdf).as_uri())
        page.fill("#fingerprint", typed)
        page.set_input_files("#files", [str(pdf), str(M.sidecar_path(pdf)), str(M.manifest_path(pdf)), str(log)])
        page.wait_for_selector("body[data-state=done]", timeout=120_000)
        assert errors == []
        verdict = page.inner_text("#verdict")
        rows = page.eval_on_selector_all(
            "#results tbody tr",
            "rows => rows.map(r => [r.dataset.name, r.dataset.status, r.querySelector('.detail').textContent])")
        unit = page.inner_text("#unit") if page.is_visible("#unit") else ""
    finally:
        page.close()
    return verdict, [tuple(r) for r in rows], unit


def python(pdf: Path, log: Path, typed: str | None) -> tuple[str, list[tuple[str, str, str]]]:
    check = verify_bundle(pdf, None, typed, custody=log)
    return f"{pdf.name}: {check.verdict}", [(c.name, c.status, c.detail) for c in check.checks]


def test_the_genuine_installation_passes_with_the_forces_fingerprint(
        browser: Any, store: Store, tmp_path: Path, force: UnitSigner) -> None:
    enrol(store, force, tmp_path)
    pdf, log = bundle_and_log(store, tmp_path / "genuine")
    fp = force.public.fingerprint
    typed = grouped(fp).upper()  # as a lawyer copies it from the force's page
    verdict, rows, unit = in_browser(browser, pdf, log, typed)
    assert verdict == "bundle.pdf: VERIFIED"
    # With the custody export, the claim is proved: every key of the log chains to the unit key's certificates.
    assert rows[-1] == ("unit key", "pass", f"every key of the custody export's log chains to the pinned unit key {fp}")
    assert (verdict, rows) == python(pdf, log, typed)
    assert grouped(fp) in unit and "It is the fingerprint you gave." in unit
    # Without a fingerprint: no unit row (as the command without --unit-fingerprint), the key shown to compare.
    verdict, rows, unit = in_browser(browser, pdf, log, "")
    assert "unit key" not in [name for name, _, _ in rows] and (verdict, rows) == python(pdf, log, None)
    assert f"The bundle names the unit key {NAME}, fingerprint:" in unit and grouped(fp) in unit
    assert "Compare it, digit by digit, with the fingerprint the force publishes" in unit
    # A mistyped fingerprint is refused in the words of the command, and nothing is checked.
    verdict, rows, _ = in_browser(browser, pdf, log, fp[:-1])
    with pytest.raises(UsageError) as refused:
        normalise_fingerprint(fp[:-1])
    assert verdict == str(refused.value) and rows == []


def test_a_fake_installation_enrolled_with_a_unit_key_of_its_own_is_not_verified(
        browser: Any, tmp_path: Path, force: UnitSigner, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = build_fake(tmp_path / "fake", monkeypatch)
    forged = UnitSigner.generate(NAME)  # same name, another key: all a forger can make
    enrol(fake, forged, tmp_path)
    pdf, log = bundle_and_log(fake, tmp_path / "fake-out")
    fp, theirs = force.public.fingerprint, forged.public.fingerprint
    verdict, rows, unit = in_browser(browser, pdf, log, fp)
    assert verdict == "bundle.pdf: NOT VERIFIED"
    assert [(n, s) for n, s, _ in rows if s == "fail"] == [("unit key", "fail")]  # every other check passes
    assert rows[-1][2] == f"the bundle names unit key {theirs}, not the pinned unit key {fp}"
    assert (verdict, rows) == python(pdf, log, fp)
    assert grouped(theirs) in unit and f"It is NOT the fingerprint you gave ({grouped(fp)})." in unit


def test_the_notes_a_bundle_prints_are_checked_against_the_log_in_the_same_words(
        browser: Any, store: Store, tmp_path: Path) -> None:
    import json

    from casedesk.services.cases import Cases

    ingest(store, "jsmith", {"statement.txt": b"I saw him hand over the disk.\n"})
    s = store.sign_in("jsmith")
    try:
        first = Cases(s).add_note(CASE, "Bank confirms 412 customers affected.").custody_seq
        edit = Cases(s).edit_note(CASE, first, "Bank confirms 412 customers affected (letter of 14 March).")
        (tmp_path / "out").mkdir()
        pdf = Bundles(s).export(CASE, tmp_path / "out" / "bundle.pdf", notes=[first]).path
        log = Custody(s).export_log(CASE, tmp_path / "out" / "custody.jsonl")
    finally:
        s.close()
    verdict, rows, _ = in_browser(browser, pdf, log)
    assert verdict == "bundle.pdf: VERIFIED"
    assert rows[-1] == ("notes in the log", "pass", f"1 note(s): each is the custody log's entry, a note of case "
                                                    f"{CASE}, with the hash the bundle prints")
    assert (verdict, rows) == python(pdf, log, None)
    # A bundle whose manifest names another hash for the note: both refuse it in the same words.
    manifest = json.loads(M.manifest_path(pdf).read_text())
    genuine = manifest["notes"][0]["entry_hash"]
    assert manifest["notes"][0]["entry"] == edit.custody_seq
    data = pdf.read_bytes()
    needle = f'"entry_hash": "{genuine}"'.encode()
    assert data.count(needle) >= 1  # the manifest attached to the PDF
    forged = tmp_path / "forged"
    forged.mkdir()
    (forged / "bundle.pdf").write_bytes(data.replace(needle, f'"entry_hash": "{"0" * 64}"'.encode()))
    for side in (M.sidecar_path(pdf), M.manifest_path(pdf), M.verifier_path(pdf)):
        (forged / side.name).write_bytes(side.read_bytes())
    verdict, rows, _ = in_browser(browser, forged / "bundle.pdf", log)
    assert verdict == "bundle.pdf: NOT VERIFIED"
    assert rows[-1] == ("notes in the log", "fail", f"note {first}: the bundle prints hash {'0' * 64} for entry "
                                                    f"{edit.custody_seq}, the custody log has {genuine}")
    assert (verdict, rows) == python(forged / "bundle.pdf", log, None)


def test_a_fake_installation_whose_software_claims_the_forces_unit_key_is_caught_by_the_log(
        browser: Any, tmp_path: Path, force: UnitSigner, monkeypatch: pytest.MonkeyPatch) -> None:
    """A forger who changes CaseDesk to print the force's fingerprint in the bundle: the claim holds, the custody
    export's certificates do not."""
    fake = build_fake(tmp_path / "fake", monkeypatch)
    monkeypatch.setattr(Bundles, "_unit", lambda self, ref: (force.public, []))
    pdf, log = bundle_and_log(fake, tmp_path / "fake-out")
    fp = force.public.fingerprint
    verdict, rows, unit = in_browser(browser, pdf, log, fp)
    assert verdict == "bundle.pdf: NOT VERIFIED"
    assert [(n, s) for n, s, _ in rows if s == "fail"] == [("unit key", "fail")]
    assert rows[-1][2] == (f"1 problem in the custody export's log against unit {fp}; first: the log holds no "
                           f"installation.enrolled entry with a certificate of this installation from unit {fp}: "
                           "nothing shows that this installation or its keys belong to the unit")
    assert (verdict, rows) == python(pdf, log, fp)
    assert "It is the fingerprint you gave." in unit  # what the bundle says; the row says what the log shows


def test_entries_signed_with_a_key_the_unit_never_certified_are_named_alike(
        browser: Any, store: Store, tmp_path: Path, force: UnitSigner, monkeypatch: pytest.MonkeyPatch) -> None:
    """An enrolled installation where a new officer signs before the unit certified their key, its bundle claiming
    that all is certified: page and command name the same entries in the same words."""
    from casedesk.services.accounts import Accounts

    enrol(store, force, tmp_path)
    s = store.sign_in("admin")
    try:
        Accounts(s).add("newbie", "detective", "New Officer", "NO", "newbie-password-123")
    finally:
        s.close()
    store.installation.sign_in("newbie", "newbie-password-123").close()
    monkeypatch.setattr(Bundles, "_unit", lambda self, ref: (force.public, []))
    pdf, log = bundle_and_log(store, tmp_path / "out")
    fp = force.public.fingerprint
    verdict, rows, _ = in_browser(browser, pdf, log, fp)
    assert verdict == "bundle.pdf: NOT VERIFIED"
    assert rows[-1][1] == "fail" and f"signed with a key of newbie that unit {fp[:16]} has not certified" in rows[-1][2]
    assert (verdict, rows) == python(pdf, log, fp)
