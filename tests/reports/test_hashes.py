"""Every hash in a bundle can be found and copied as one string: one line, monospaced, never broken."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader

from casedesk.reports.assemble import BuildResult, build_bundle
from casedesk.reports.fonts import FILES, MONO
from casedesk.reports.model import BundleSpec
from casedesk.reports.sample import make_evidence
from tests.helpers.bundle import opener, searchable_pages, spec_for


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, BuildResult, BundleSpec, list[str]]:
    base = tmp_path_factory.mktemp("hashes")
    spec, paths = spec_for(make_evidence(base / "evidence"))
    out = base / "bundle.pdf"
    result = build_bundle(spec, opener(paths), out)
    return out, result, spec, searchable_pages(out)


def _pages_with(pages: list[str], marker: str) -> list[int]:
    return [i for i, text in enumerate(pages) if marker in text]


def test_every_exhibit_hash_and_seal_is_one_string_on_the_exhibit_list_and_label(built) -> None:  # type: ignore[no-untyped-def]
    _, result, spec, pages = built
    listing = "".join(pages[i] for i in _pages_with(pages, "Exhibit list"))
    for exhibit in spec.exhibits:
        assert exhibit.sha256 in listing, exhibit.reference
        assert exhibit.seal in listing.split(), exhibit.reference
        item = next(e for e in result.manifest["exhibits"] if e["reference"] == exhibit.reference)
        label = pages[item["pages"][0] - 1]
        assert exhibit.sha256 in label and (exhibit.md5 or "") in label


def test_the_head_hash_is_one_string_on_the_cover_and_in_the_integrity_statement(built) -> None:  # type: ignore[no-untyped-def]
    _, _, spec, pages = built
    assert spec.head_hash in pages[0]
    statement = _pages_with(pages, "Integrity statement")[-1]
    assert spec.head_hash in "".join(pages[statement:])


def test_every_custody_entry_hash_is_one_string(built) -> None:  # type: ignore[no-untyped-def]
    _, _, spec, pages = built
    custody = "".join(pages[_pages_with(pages, "Chain of custody")[-1]:])
    for line in spec.custody:
        assert line.entry_hash in custody, line.seq
        if line.sha256:
            assert line.sha256 in custody


def _fonts_of(path: Path, page: int, needle: str) -> set[str]:
    """The fonts of the text pieces of ``page`` that hold ``needle`` whole."""
    found: set[str] = set()

    def visit(text, cm, tm, font, size) -> None:  # type: ignore[no-untyped-def]
        if needle in text and font is not None:
            found.add(str(font["/BaseFont"]).split("+")[-1])

    PdfReader(str(path)).pages[page].extract_text(visitor_text=visit)
    return found


def test_hashes_are_set_in_the_monospaced_face(built) -> None:  # type: ignore[no-untyped-def]
    out, result, spec, _ = built
    mono = FILES[MONO].removesuffix(".ttf")
    assert _fonts_of(out, 0, spec.head_hash) == {mono}
    first = result.manifest["exhibits"][0]
    assert _fonts_of(out, first["pages"][0] - 1, first["sha256"]) == {mono}


def test_the_exhibit_list_shows_the_type_warning(built) -> None:  # type: ignore[no-untyped-def]
    _, _, spec, pages = built
    warned = [e for e in spec.exhibits if e.type_warning]
    assert warned
    listing = " ".join(" ".join(pages[i].split()) for i in _pages_with(pages, "Exhibit list"))
    for exhibit in warned:
        assert f"TYPE WARNING: {exhibit.type_warning}" in listing
