"""Scripts detectives meet are printed with fonts that have them; attachment names keep their letters."""

from __future__ import annotations

from pathlib import Path

import pikepdf

from casedesk.reports.assemble import build_bundle
from casedesk.reports.sample import EvidenceFile
from tests.helpers.bundle import opener, searchable_pages, spec_for

CHINESE = "证据已封存"
JAPANESE = "証拠はこちらです"
KOREAN = "증거물 봉인"


def test_chinese_japanese_and_korean_text_is_printed_not_escaped(tmp_path: Path) -> None:
    path = tmp_path / "messages.txt"
    path.write_text(f"WeChat: {CHINESE}\nLINE: {JAPANESE}\nKakaoTalk: {KOREAN}\n", encoding="utf-8")
    spec, paths = spec_for([EvidenceFile(path, "messages.txt", "text/plain", f"Messages ({JAPANESE})", "UTF-8 text")])
    out = tmp_path / "bundle.pdf"
    result = build_bundle(spec, opener(paths), out)
    item = result.manifest["exhibits"][0]
    pages = searchable_pages(out)
    text_page = pages[item["pages"][1] - 1]
    for line in (CHINESE, JAPANESE, KOREAN):
        assert line in text_page
    assert "[U+" not in text_page
    assert JAPANESE in pages[item["pages"][0] - 1]  # the description on the label


def test_attachment_names_keep_non_ascii_letters(tmp_path: Path) -> None:
    path = tmp_path / "original.txt"
    path.write_text("Aussage\n", encoding="utf-8")
    names = ["Müller Aussage.txt", "証拠 一覧.txt", "invoice\u202etxt.exe"]
    files = []
    for n, name in enumerate(names):
        copy = tmp_path / f"file{n}.txt"
        copy.write_bytes(path.read_bytes() + name.encode())
        files.append(EvidenceFile(copy, name, "text/plain", f"Statement {n}", "UTF-8 text"))
    spec, paths = spec_for(files)
    out = tmp_path / "bundle.pdf"
    result = build_bundle(spec, opener(paths), out)
    attached = [e["attachment"] for e in result.manifest["exhibits"]]
    assert attached == ["JAS-1_Müller_Aussage.txt", "JAS-2_証拠_一覧.txt", "JAS-3_invoice_txt.exe"]
    with pikepdf.open(out) as pdf:
        assert set(attached) <= set(pdf.attachments)
        for name in attached:
            spec_ = pdf.attachments[name]
            assert spec_.filename == name
            assert pdf.attachments[name].get_file().read_bytes().endswith(
                names[attached.index(name)].encode())
