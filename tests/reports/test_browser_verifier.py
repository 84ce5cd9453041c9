"""The browser verifier beside every bundle, in headless Chromium: the genuine bundle passes, each altered one fails,
and every check shows exactly what ``casedesk verify-bundle`` says of the same files.

One Chromium (Debian's ``chromium`` package, driven by Playwright without its own browser download) per module.
"""

from __future__ import annotations

import base64
import hashlib
import json
import random
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from casedesk.custody import encoding
from casedesk.reports import manifest as M
from casedesk.reports.verify_bundle import verify_bundle
from tests.helpers.altered import Case, make_case
from tests.helpers.bundle import page_texts

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def case(_template: tuple[Path, Path, str], tmp_path_factory: pytest.TempPathFactory) -> Case:
    return make_case(_template, tmp_path_factory.mktemp("browser"))


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package (scripts/bootstrap.sh does)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("Playwright is missing: pip install -c constraints.txt -e '.[test]'")
    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(str(profile), executable_path=str(CHROMIUM), args=FLAGS,
                                                       headless=True)
        yield context
        context.close()


def in_browser(browser: Any, page_file: Path, files: list[Path]) -> tuple[str, list[tuple[str, str, str]], list[str]]:
    """Open the page, give it ``files`` through its file chooser; the verdict line, the rows, the URLs it asked for."""
    page = browser.new_page()
    requests: list[str] = []
    errors: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(page_file.as_uri())
        page.set_input_files("#files", [str(f) for f in files])
        page.wait_for_selector("body[data-state=done]", timeout=120_000)
        assert errors == []
        verdict = page.inner_text("#verdict")
        rows = page.eval_on_selector_all(
            "#results tbody tr",
            "rows => rows.map(r => [r.dataset.name, r.dataset.status, r.querySelector('.detail').textContent])")
    finally:
        page.close()
    return verdict, [tuple(r) for r in rows], requests


def beside(pdf: Path) -> list[Path]:
    return [pdf, M.sidecar_path(pdf), M.manifest_path(pdf)]


def python(pdf: Path, log: Path | None, with_sidecars: bool = True) -> tuple[str, list[tuple[str, str, str]]]:
    none = pdf.with_name("not-given")
    check = verify_bundle(pdf, custody=log, sidecar=None if with_sidecars else none,
                          manifest=None if with_sidecars else none)
    return f"{pdf.name}: {check.verdict}", [(c.name, c.status, c.detail) for c in check.checks]


def test_the_page_is_written_beside_the_bundle_and_checks_the_genuine_one(browser: Any, case: Case) -> None:
    page_file = M.verifier_path(case.genuine)
    assert page_file.read_bytes() == M.verifier_bytes()
    # Its SHA-256 is in the manifest and printed in the integrity statement, on one line.
    digest = hashlib.sha256(page_file.read_bytes()).hexdigest()
    assert json.loads(M.manifest_path(case.genuine).read_text())["verifier_sha256"] == digest
    assert any("Integrity statement" in text and digest in text for text in page_texts(case.genuine))
    verdict, rows, requests = in_browser(browser, page_file, [*beside(case.genuine), case.log])
    assert verdict == "bundle.pdf: VERIFIED"
    assert [status for _, status, _ in rows] == ["pass"] * 9
    assert (verdict, rows) == python(case.genuine, case.log)
    assert requests == [page_file.as_uri()]  # nothing fetched, nothing sent


def test_the_pdf_alone_is_checked_as_far_as_it_can_be(browser: Any, case: Case) -> None:
    verdict, rows, _ = in_browser(browser, M.verifier_path(case.genuine), [case.genuine])
    assert verdict == "bundle.pdf: NO PROBLEM FOUND, NOT EVERYTHING CHECKED"
    assert ("bundle hash", "not checked", "no .sha256 file given") in rows
    assert (verdict, rows) == python(case.genuine, None, with_sidecars=False)


@pytest.mark.parametrize(("altered", "failing"), [
    ("pages", {"export entry"}),
    ("update", {"end of file", "export entry"}),
    ("paperclip", {"attachments", "export entry"}),
    ("original", {"export entry", "exhibits in the log"}),
])
def test_each_altered_bundle_is_rejected_as_the_python_verifier_rejects_it(
        browser: Any, case: Case, altered: str, failing: set[str]) -> None:
    pdf = case.altered[altered]
    shutil.copy(M.verifier_path(case.genuine), M.verifier_path(pdf))
    verdict, rows, _ = in_browser(browser, M.verifier_path(pdf), [*beside(pdf), case.log])
    assert verdict == "bundle.pdf: NOT VERIFIED"
    assert {name for name, status, _ in rows if status == "fail"} == failing
    assert (verdict, rows) == python(pdf, case.log)


def _tamper(log: Path, folder: Path, how: str) -> Path:
    """A copy of the custody export changed as an attacker or a damaged copy would change it."""
    lines = log.read_bytes().split(b"\n")[:-1]
    records = [json.loads(line) for line in lines]
    if how == "reason":  # an entry's content changed, its hash left as it was
        k = next(i for i, r in enumerate(records) if r["type"] == "entry" and r.get("exhibit"))
        records[k]["reason"] = "Collected from the suspect's car"
    elif how == "dropped":  # an entry taken out
        k = next(i for i, r in enumerate(records) if r["type"] == "entry" and r["seq"] == 5)
        del records[k]
    elif how == "unicode":  # the last entry's text changed and re-hashed, not re-signed: both must agree on the hash
        k = max(i for i, r in enumerate(records) if r["type"] == "entry")
        records[k]["text"] = "Übergabe – 証拠 \u2028 \x7f \U0001f50d \"quoted\" \\ \t \x01"
        records[k]["data"] = {**records[k]["data"], "zz": [1, -2, True, None, {"b": "ü", "a": ""}]}
        records[k]["hash"] = encoding.hash_fields(records[k])[0]
    elif how == "not json":
        out = folder / f"log-{how}.jsonl"
        out.write_bytes(b"\n".join(lines[:3]) + b"\n{not json\n")
        return out
    out = folder / f"log-{how}.jsonl"
    out.write_bytes(b"".join(json.dumps(r, sort_keys=True, separators=(",", ":")).encode() + b"\n" for r in records))
    return out


@pytest.mark.parametrize("how", ["reason", "dropped", "unicode", "not json"])
def test_a_damaged_custody_export_is_reported_in_the_same_words(browser: Any, case: Case, tmp_path: Path,
                                                                how: str) -> None:
    log = _tamper(case.log, tmp_path, how)
    verdict, rows, _ = in_browser(browser, M.verifier_path(case.genuine), [*beside(case.genuine), log])
    assert verdict == "bundle.pdf: NOT VERIFIED"
    found = {name: (status, detail) for name, status, detail in rows}
    assert found["custody log"][0] == "fail"
    if how == "unicode":  # the hash holds (in both), the signature does not
        assert "not signed with the key the log registers for" in found["custody log"][1]
    assert (verdict, rows) == python(case.genuine, log)


DROP = """async (files) => {
  const transfer = new DataTransfer();
  for (const [name, b64] of files) {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    transfer.items.add(new File([bytes], name));
  }
  const zone = document.getElementById("drop");
  zone.dispatchEvent(new DragEvent("dragover", {dataTransfer: transfer, bubbles: true, cancelable: true}));
  zone.dispatchEvent(new DragEvent("drop", {dataTransfer: transfer, bubbles: true, cancelable: true}));
}"""


def test_files_dropped_on_the_page_are_checked_as_chosen_ones(browser: Any, case: Case) -> None:
    page = browser.new_page()
    try:
        page.goto(M.verifier_path(case.genuine).as_uri())
        page.evaluate(DROP, [[p.name, base64.b64encode(p.read_bytes()).decode()] for p in [case.log, case.genuine]])
        page.wait_for_selector("body[data-state=done]", timeout=120_000)
        assert page.inner_text("#verdict") == "bundle.pdf: NO PROBLEM FOUND, NOT EVERYTHING CHECKED"
        given = page.inner_text("#given")
    finally:
        page.close()
    assert "Bundle: bundle.pdf" in given and f"Custody export: {case.log.name}" in given
    assert ".sha256 file: not given" in given


def _mutations(genuine: bytes) -> dict[str, bytes]:
    """Damaged copies of a bundle, at the places a parser can trip: the tail, the table, dictionaries, streams."""
    rng = random.Random(12)
    xref = genuine.rindex(b"\nxref\n") + 1
    manifest = genuine.index(b'"format": "casedesk-bundle-manifest/1"')
    out = {
        "truncated": genuine[: len(genuine) - 7],
        "cut in half": genuine[: len(genuine) // 2],
        "startxref points elsewhere": genuine.replace(b"startxref\n%d" % xref, b"startxref\n%d" % (xref - 3)),
        "table entry not digits": genuine[: xref + 30] + b"x" + genuine[xref + 31:],
        "table entry moved": genuine[: xref + 30] + b"9" + genuine[xref + 31:],
        "manifest changed": genuine[:manifest] + b'"format": "casedesk-bundle-manifest/9"'
        + genuine[manifest + 38:],
        "not a pdf": b"%PDF-1.7\nnothing here\n",
    }
    for k in range(6):
        at = rng.randrange(len(genuine))
        out[f"byte {at} flipped"] = genuine[:at] + bytes([genuine[at] ^ (1 << rng.randrange(8))]) + genuine[at + 1:]
    return out


def test_damaged_bundles_get_the_same_words_from_the_page_and_the_command(browser: Any, case: Case,
                                                                          tmp_path: Path) -> None:
    genuine = case.genuine.read_bytes()
    for k, (label, data) in enumerate(_mutations(genuine).items()):
        folder = tmp_path / f"m{k}"
        folder.mkdir()
        pdf = folder / "bundle.pdf"
        pdf.write_bytes(data)
        verdict, rows, _ = in_browser(browser, M.verifier_path(case.genuine), [pdf, case.log])
        assert verdict == "bundle.pdf: NOT VERIFIED", label
        assert (verdict, rows) == python(pdf, case.log, with_sidecars=False), label


def test_a_manifest_whose_format_comes_late_is_still_recognised(browser: Any, case: Case, tmp_path: Path) -> None:
    # A bundle of many exhibits lists them all before its "format" key (keys are sorted).
    late = tmp_path / "bundle.pdf.manifest.json"
    late.write_bytes(b" " * 10_000 + M.manifest_path(case.genuine).read_bytes())
    verdict, rows, _ = in_browser(browser, M.verifier_path(case.genuine), [case.genuine, late, case.log])
    found = {name: (status, detail) for name, status, detail in rows}
    assert found["manifest"][0] == "pass" and "the .manifest.json file matches it" in found["manifest"][1]
    check = verify_bundle(case.genuine, custody=case.log, sidecar=tmp_path / "none", manifest=late)
    assert (verdict, rows) == (f"bundle.pdf: {check.verdict}", [(c.name, c.status, c.detail) for c in check.checks])
