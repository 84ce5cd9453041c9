"""Text exhibits shown as a reader would read them: cut-off stated everywhere and never printed over the text;
lines in the document's direction (a CSV row with Arabic keeps its fields in file order)."""

from __future__ import annotations

import re
from pathlib import Path

from pypdf import PdfReader

from casedesk.reports.assemble import build_bundle
from casedesk.reports.sample import EvidenceFile
from tests.helpers.bundle import opener, page_texts, searchable_pages, spec_for


def _text_positions(path: Path, page: int) -> list[tuple[str, float]]:
    found: list[tuple[str, float]] = []

    def visit(text, cm, tm, font, size) -> None:  # type: ignore[no-untyped-def]
        if text.strip():
            found.append((text, tm[5] * cm[3] + cm[5]))

    PdfReader(str(path)).pages[page].extract_text(visitor_text=visit)
    return found


def test_a_cut_text_says_so_below_its_last_line_on_its_label_in_the_manifest_and_statement(tmp_path: Path) -> None:
    path = tmp_path / "log.txt"
    path.write_text("".join(f"entry {n:05d} of the seized server's log\n" for n in range(1, 3001)), encoding="utf-8")
    spec, paths = spec_for([EvidenceFile(path, "log.txt", "text/plain", "Server log", "ASCII text")])
    out = tmp_path / "bundle.pdf"
    result = build_bundle(spec, opener(paths), out, text_page_cap=2)
    item = result.manifest["exhibits"][0]
    first, last = item["pages"]
    assert last - first == 2  # the label and two pages of text, the notice on the second
    part = item["typeset_part"]
    assert part["first_line"] == 1 and part["of_lines"] == 3000 and 100 < part["last_line"] < 3000
    notice = f"Only lines 1 to {part['last_line']:,} of 3,000 of this text are typeset here"
    pages = [" ".join(t.split()) for t in searchable_pages(out)]
    assert notice in pages[first - 1]  # the label page
    assert notice in pages[last - 1]
    statement = next(t for t in pages if "How to check this bundle" in t)
    assert "Exhibits typeset in part" in statement and notice in statement
    # The last line shown is the one the notice names, and the notice sits below it, not over it.
    positions = _text_positions(out, last - 1)
    rows = [y for text, y in positions if re.fullmatch(r"\s*entry \d{5} of the seized server's log\s*", text)]
    shown = [int(m) for m in re.findall(r"entry (\d{5})", page_texts(out)[last - 1])]
    assert max(shown) == part["last_line"]
    notice_y = [y for text, y in positions if "Only lines" in text]
    assert rows and notice_y and max(notice_y) < min(rows) - 8


def _pieces_at(path: Path, page: int) -> list[tuple[str, float, float]]:
    found: list[tuple[str, float, float]] = []

    def visit(text, cm, tm, font, size) -> None:  # type: ignore[no-untyped-def]
        if text.strip():
            found.append((text, tm[4] * cm[0] + cm[4], tm[5] * cm[3] + cm[5]))

    PdfReader(str(path)).pages[page].extract_text(visitor_text=visit)
    return found


def test_a_csv_row_that_starts_with_arabic_keeps_its_fields_in_file_order(tmp_path: Path) -> None:
    path = tmp_path / "accounts.csv"
    path.write_text("name,amount,city\nمحمد علي,4000,London\nJane,250,Leeds\n", encoding="utf-8")
    spec, paths = spec_for([EvidenceFile(path, "accounts.csv", "text/csv", "Accounts", "CSV text")])
    out = tmp_path / "bundle.pdf"
    result = build_bundle(spec, opener(paths), out)
    text_page = result.manifest["exhibits"][0]["pages"][1] - 1
    pieces = _pieces_at(out, text_page)
    row_y = next(y for text, _, y in pieces if "London" in text)
    row = sorted((x, text) for text, x, y in pieces if abs(y - row_y) < 1)
    arabic = [x for x, text in row if re.search("[\u0600-\u06ff\ufb50-\ufeff]", text)]
    london = [x for x, text in row if "London" in text]
    amount = [x for x, text in row if "4000" in text]
    assert arabic and london and amount
    # Left to right as in the file: the name, then the amount, then the city.
    assert max(arabic) < min(amount) < min(london)


def test_a_text_written_right_to_left_is_set_in_that_direction(tmp_path: Path) -> None:
    from casedesk.reports.content import document_is_rtl

    assert document_is_rtl("مرحبا\nhello 123\n", "text/plain")
    assert not document_is_rtl("مرحبا,1\n", "text/csv")
    assert not document_is_rtl("Chat export\nمرحبا\n", "text/plain")


def test_an_html_page_is_shown_as_a_browser_shows_its_text(tmp_path: Path) -> None:
    path = tmp_path / "listing.html"
    path.write_text("<!doctype html><html><head><title>Shop</title><style>td{color:red}</style>"
                    "<script>track()</script></head><body><h1>Card details for sale</h1>"
                    "<table><tr><td>Visa</td><td>&pound;12 each</td></tr></table>"
                    "<p>Contact <b>dev_s</b> on the forum.</p></body></html>", encoding="utf-8")
    spec, paths = spec_for([EvidenceFile(path, "listing.html", "text/html", "Forum listing", "HTML document")])
    out = tmp_path / "bundle.pdf"
    result = build_bundle(spec, opener(paths), out)
    item = result.manifest["exhibits"][0]
    assert item["rendering"] == "text"
    shown = " ".join(searchable_pages(out)[item["pages"][1] - 1].split())
    assert "Card details for sale" in shown and "£12 each" in shown and "Contact dev_s on the forum." in shown
    assert "<h1>" not in shown and "track()" not in shown and "color:red" not in shown and "&pound;" not in shown



def test_arabic_indic_numbers_read_left_to_right_as_written() -> None:
    """A number in Arabic-Indic (or Persian) digits is drawn most significant digit first, at the left, in a table
    cell and in right-to-left text alike: 1200 in a CSV of payments was drawn as 0021 (HarfBuzz took the digits'
    script, Arabic, for a right-to-left run, where the bidirectional algorithm had set them left to right)."""
    from casedesk.reports import text as T
    from casedesk.reports.fonts import MONO

    def drawn(line: str, rtl: bool, cells: str | None = None) -> str:
        """The characters as drawn, left to right (a shaped piece holds its glyphs in drawing order)."""
        return "".join(str(piece) for _, piece, _ in T._pieces(line, MONO, 9.0, rtl, cells))

    assert "٥٠٠" in drawn("أحمد,٥٠٠", False, ",")
    assert "١٢٠٠" in drawn("فاطمة,١٢٠٠", False, ",")
    line = drawn("دفع أحمد ١٢٠٠ جنيه يوم ۱۴۰۳", True)
    assert "١٢٠٠" in line and "۱۴۰۳" in line
    assert line.index("۱۴۰۳") < line.index("١٢٠٠")  # the sentence itself runs right to left: its last number leftmost
    assert "٢٫٥" in drawn("المبلغ ٢٫٥ مليون", True)  # a decimal separator keeps the number whole
