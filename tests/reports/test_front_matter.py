"""The front matter (cover and index) takes whatever length the case needs."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from pypdf import PdfReader

from casedesk.reports.assemble import build_bundle
from casedesk.reports.sample import make_evidence
from tests.helpers.bundle import BATES_RE, opener, page_texts, spec_for


def _link_targets(path: Path, pages: range) -> list[int]:
    reader = PdfReader(str(path))
    targets = []
    for i in pages:
        for annot in reader.pages[i].get("/Annots") or []:
            annot = annot.get_object()
            if annot["/Subtype"] == "/Link":
                targets.append(reader.get_page_number(annot["/Dest"][0].get_object()) + 1)
    return targets


def test_a_long_title_and_many_offences_flow_onto_more_cover_pages(tmp_path: Path) -> None:
    files = make_evidence(tmp_path / "evidence", awkward=False)[:3]
    spec, paths = spec_for(files)
    title = "Operation Lantern: " + " ".join(f"strand{n:03d} of the enquiry" for n in range(40))
    assert len(title) >= 800
    offences = tuple(f"Offence line {n}: Fraud Act 2006 s.{n} (count {n})" for n in range(1, 26))
    spec = replace(spec, case=replace(spec.case, title=title, offences=offences))
    out = tmp_path / "bundle.pdf"
    result = build_bundle(spec, opener(paths), out)
    texts = page_texts(out)
    assert len(texts) == result.pages
    assert [int(BATES_RE.findall(t)[-1]) for t in texts] == list(range(1, result.pages + 1))
    index_pages = [i for i, t in enumerate(texts) if "Section / exhibit" in t]
    cover_pages = index_pages[0]
    assert cover_pages >= 2  # the cover went on to a second page
    cover = " ".join(texts[:cover_pages]).replace("\n", " ")
    assert "strand039 of the enquiry" in cover
    assert "Offence line 25" in cover
    # Every index row still links to the page it names.
    reader = PdfReader(str(out))
    outline = [item for item in reader.outline if not isinstance(item, list)]
    sections = [reader.get_destination_page_number(item) + 1 for item in outline]
    assert sections[:2] == [1, cover_pages + 1]
    firsts = [e["pages"][0] for e in result.manifest["exhibits"]]
    assert _link_targets(out, range(index_pages[0], index_pages[-1] + 1)) == [*sections[:5], *firsts, *sections[5:]]
    for item in result.manifest["exhibits"]:
        assert "EXHIBIT" in texts[item["pages"][0] - 1] and item["reference"] in texts[item["pages"][0] - 1]
