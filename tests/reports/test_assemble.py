"""The bundle PDF itself, built from a spec without a store, opened with pypdf and pikepdf."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import replace
from pathlib import Path

import pikepdf
import pytest
from pypdf import PdfReader

from casedesk.reports.assemble import MANIFEST_NAME, BuildResult, build_bundle
from casedesk.reports.sample import make_evidence
from casedesk.reports.stamping import BAND, SIDE
from tests.helpers.bundle import BATES_RE, CASE, attachments, opener, page_texts, spec_for


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, BuildResult, object, dict[str, Path]]:
    base = tmp_path_factory.mktemp("bundle")
    files = make_evidence(base / "evidence")
    spec, paths = spec_for(files)
    out = base / "out" / "bundle.pdf"
    result = build_bundle(spec, opener(paths), out)
    return out, result, spec, paths


def _exhibit(result: BuildResult, ref: str) -> dict:  # type: ignore[type-arg]
    return next(e for e in result.manifest["exhibits"] if e["reference"] == ref)


def test_page_count_and_bates_numbers_are_continuous_and_unique(built) -> None:  # type: ignore[no-untyped-def]
    out, result, _, _ = built
    texts = page_texts(out)
    assert len(texts) == result.pages == result.manifest["pages"]
    stamped = []
    for number, text in enumerate(texts, start=1):
        assert f"Page {number} of {result.pages}" in text
        assert text.count("OFFICIAL-SENSITIVE") >= 2  # header and footer
        stamped.append(int(BATES_RE.findall(text)[-1]))  # the footer stamp is drawn last
    assert stamped == list(range(1, result.pages + 1))
    assert result.manifest["bates"] == [f"{CASE}-000001", f"{CASE}-{result.pages:06d}"]


def test_outline_has_every_section_and_exhibit_at_the_right_page(built) -> None:  # type: ignore[no-untyped-def]
    out, result, spec, _ = built
    reader = PdfReader(str(out))
    top = [item for item in reader.outline if not isinstance(item, list)]
    titles = [item.title.rsplit(" (p. ", 1)[0] for item in top]
    assert titles == ["Cover", "Index", "Case summary", "Exhibit list (MG12)", "Exhibits", "Chain of custody",
                      "Integrity statement"]
    # Every bookmark carries its page number, and the file opens at 100 % on the cover.
    for item in top:
        assert item.title.endswith(f" (p. {reader.get_destination_page_number(item) + 1})")
    assert [str(v) for v in reader.trailer["/Root"]["/OpenAction"][1:]] == ["/XYZ", "NullObject", "NullObject", "1"]
    children = reader.outline[titles.index("Exhibits") + 1]
    assert isinstance(children, list) and len(children) == len(spec.exhibits)
    for item, exhibit in zip(children, spec.exhibits, strict=True):
        assert item.title.startswith(exhibit.reference + " – ")
        assert reader.get_destination_page_number(item) + 1 == _exhibit(result, exhibit.reference)["pages"][0]


def test_index_links_go_to_the_first_page_of_each_entry(built) -> None:  # type: ignore[no-untyped-def]
    out, result, spec, _ = built
    reader = PdfReader(str(out))
    targets = []
    for page in reader.pages[1:3]:
        for annot in page.get("/Annots") or []:
            annot = annot.get_object()
            if annot["/Subtype"] == "/Link":
                targets.append(reader.get_page_number(annot["/Dest"][0].get_object()) + 1)
    exhibit_pages = [_exhibit(result, e.reference)["pages"][0] for e in spec.exhibits]
    sections = [reader.get_destination_page_number(item) + 1 for item in reader.outline if not isinstance(item, list)]
    # Cover, index, summary, exhibit list, "Exhibits" and each exhibit, custody, integrity statement.
    assert targets == [*sections[:5], *exhibit_pages, *sections[5:]]
    assert sections[:2] == [1, 2]
    texts = page_texts(out)
    for exhibit in spec.exhibits:
        label = texts[_exhibit(result, exhibit.reference)["pages"][0] - 1]
        assert "EXHIBIT" in label and exhibit.reference in label


def test_every_exhibit_hash_is_on_its_label_and_its_original_is_attached(built) -> None:  # type: ignore[no-untyped-def]
    out, result, spec, paths = built
    texts = page_texts(out)
    files = attachments(out)
    embedded = json.loads(files.pop(MANIFEST_NAME))
    assert embedded == result.manifest
    assert len(files) == len(spec.exhibits)
    for exhibit in spec.exhibits:
        item = _exhibit(result, exhibit.reference)
        assert exhibit.sha256 in texts[item["pages"][0] - 1].replace("\n", "")
        data = files[item["attachment"]]
        assert hashlib.sha256(data).hexdigest() == item["sha256"] == exhibit.sha256
        assert data == paths[exhibit.reference].read_bytes()


def test_problem_exhibits_become_placeholders_that_say_why(built) -> None:  # type: ignore[no-untyped-def]
    out, result, spec, _ = built
    why = dict(result.problems)
    by_desc = {e.description: e.reference for e in spec.exhibits}
    assert "encrypted" in why[by_desc["Encrypted bank letter (password unknown)"]]
    assert "cannot be read" in why[by_desc["Corrupt invoice PDF"]]
    assert "does not decode" in why[by_desc["Truncated photograph from the seized phone"]]
    assert "decompression bombs" in why[by_desc["Image claiming 100 megapixels (decompression bomb)"]]
    texts = page_texts(out)
    for ref in why:
        item = _exhibit(result, ref)
        assert item["rendering"] == "placeholder"
        assert "content cannot be shown" in texts[item["pages"][0]]
    # The name with a right-to-left override is escaped visibly, never obeyed.
    rlo = _exhibit(result, by_desc["Note whose name hides an override character"])
    assert "invoice[U+202E]txt.exe" in texts[rlo["pages"][0] - 1]


def test_original_pages_sit_inside_the_margins_under_the_stamp(built) -> None:  # type: ignore[no-untyped-def]
    out, result, spec, _ = built
    statement = next(e for e in spec.exhibits if e.description.startswith("Witness statement"))
    ledger = next(e for e in spec.exhibits if e.description.startswith("Ledger"))
    with pikepdf.open(out) as pdf:
        for exhibit, landscape in ((statement, False), (ledger, True)):
            first, last = _exhibit(result, exhibit.reference)["pages"]
            for index in range(first, last):  # the pages after the label
                page = pdf.pages[index]
                width, height = float(page.mediabox[2]), float(page.mediabox[3])
                assert (width > height) == landscape
                placed = page.obj.Contents[1].read_bytes()
                m = re.search(rb"([-\d.]+) 0 0 ([-\d.]+) ([-\d.]+) ([-\d.]+) cm", placed)
                assert m is not None
                scale, _, x, y = (float(v) for v in m.groups())
                form = page.Resources.XObject.CDOriginal
                w, h = float(form.BBox[2]) * scale, float(form.BBox[3]) * scale
                assert x >= SIDE - 0.01 and y >= BAND - 0.01
                assert x + w <= width - SIDE + 0.01 and y + h <= height - BAND + 0.01
    texts = page_texts(out)
    first = _exhibit(result, statement.reference)["pages"][0]
    assert f"Exhibit {statement.reference} - original page 1 of 3" in texts[first]


def test_same_spec_and_time_give_a_byte_identical_pdf(built, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out, _, spec, paths = built
    again = tmp_path / "bundle.pdf"
    build_bundle(spec, opener(paths), again)
    assert again.read_bytes() == out.read_bytes()
    later = tmp_path / "later" / "bundle.pdf"
    build_bundle(replace(spec, at=spec.at.replace(minute=1)), opener(paths), later)
    assert later.read_bytes() != out.read_bytes()


def test_long_text_is_capped_and_says_so(tmp_path: Path) -> None:
    files = [f for f in make_evidence(tmp_path / "evidence", awkward=False) if f.name == "chat.txt"]
    spec, paths = spec_for(files)
    result = build_bundle(spec, opener(paths), tmp_path / "bundle.pdf", text_page_cap=1)
    item = result.manifest["exhibits"][0]
    assert item["pages"][1] - item["pages"][0] == 1  # the label and one page of text
    texts = page_texts(tmp_path / "bundle.pdf")
    shown = texts[item["pages"][1] - 1]
    assert "Only lines 1 to" in shown and "complete original" in shown
    assert result.exhibits[0].notes and "Only lines 1 to" in result.exhibits[0].notes[0]


def test_many_sources_are_assembled_in_batches(tmp_path: Path) -> None:
    files = make_evidence(tmp_path / "evidence", awkward=False)
    spec, paths = spec_for(files)
    out = tmp_path / "bundle.pdf"
    result = build_bundle(spec, opener(paths), out, batch_sources=4, chunk_pages=3)
    texts = page_texts(out)
    assert len(texts) == result.pages
    assert [int(BATES_RE.findall(t)[-1]) for t in texts] == list(range(1, result.pages + 1))
    files_in = attachments(out)
    for item in result.manifest["exhibits"]:
        assert hashlib.sha256(files_in[item["attachment"]]).hexdigest() == item["sha256"]
    reader = PdfReader(str(out))
    assert len(reader.outline) >= 7


def test_no_temporary_files_are_left_beside_the_bundle(built) -> None:  # type: ignore[no-untyped-def]
    out, _, _, _ = built
    assert sorted(p.name for p in out.parent.iterdir()) == ["bundle.pdf"]


def test_a_long_index_spans_pages_and_every_row_still_links_right(tmp_path: Path) -> None:
    from casedesk.reports.sample import EvidenceFile

    folder = tmp_path / "many"
    folder.mkdir()
    files = []
    for n in range(45):
        path = folder / f"note-{n:02d}.txt"
        path.write_text(f"Note {n}\n", encoding="utf-8")
        files.append(EvidenceFile(path, path.name, "text/plain", f"Officer's note number {n}", "ASCII text"))
    spec, paths = spec_for(files)
    out = tmp_path / "bundle.pdf"
    result = build_bundle(spec, opener(paths), out)
    reader = PdfReader(str(out))
    texts = page_texts(out)
    index_pages = [i for i, t in enumerate(texts) if "Section / exhibit" in t]
    assert len(index_pages) >= 2 and index_pages[0] == 1
    targets = []
    for i in index_pages:
        for annot in reader.pages[i].get("/Annots") or []:
            annot = annot.get_object()
            targets.append(reader.get_page_number(annot["/Dest"][0].get_object()) + 1)
    firsts = [e["pages"][0] for e in result.manifest["exhibits"]]
    assert [t for t in targets if t in set(firsts)][-45:] == firsts
    assert len(targets) == 2 + 5 + 45
    for item in result.manifest["exhibits"][-3:]:
        assert item["reference"] in texts[item["pages"][0] - 1]


def test_text_beyond_the_byte_cap_says_how_much_is_shown(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from casedesk.reports import content
    from casedesk.reports.sample import EvidenceFile

    monkeypatch.setattr(content, "TEXT_BYTE_CAP", 2000)
    path = tmp_path / "log.txt"
    path.write_text("".join(f"line {n} of a long log file\n" for n in range(2000)), encoding="utf-8")
    spec, paths = spec_for([EvidenceFile(path, "log.txt", "text/plain", "A long log", "ASCII text")])
    result = build_bundle(spec, opener(paths), tmp_path / "bundle.pdf")
    note = result.exhibits[0].notes[0]
    shown = sum(1 for n in range(2000) if sum(len(f"line {k} of a long log file\n") for k in range(n + 1)) <= 2000)
    assert note.startswith(f"Only lines 1 to {shown} of this text are typeset")
    texts = page_texts(tmp_path / "bundle.pdf")
    assert any("complete original" in t for t in texts)
    files = attachments(tmp_path / "bundle.pdf")
    assert files[result.exhibits[0].attachment] == path.read_bytes()
