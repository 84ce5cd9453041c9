"""Drawing text: visible escapes, right-to-left order, font fallback and line breaking."""

from __future__ import annotations

from casedesk.reports import text as T
from casedesk.reports.fonts import ARABIC, CJK, DEVANAGARI, HANGUL, MONO, SANS, fonts


def test_control_and_direction_characters_are_shown_not_obeyed() -> None:
    assert T.visible("invoice\u202etxt.exe") == "invoice[U+202E]txt.exe"
    assert T.visible("a\x1b[0m\x07b") == "a[U+001B][0m[U+0007]b"
    assert T.visible("zero\u200bwidth") == "zero[U+200B]width"
    assert T.visible("line\nbreak", keep="\n") == "line\nbreak"
    assert T.visible("line\nbreak") == "line[U+000A]break"
    # Joiners that scripts need stay as they are.
    assert T.visible("क्\u200dष") == "क्\u200dष"
    assert T.is_escaped("x\u202ey") and not T.is_escaped("£12 – ok")


def test_arabic_runs_come_out_in_visual_order() -> None:
    runs = T.visual_runs("Seized from: محمد علي (flat 3)")
    assert runs[0] == ("Seized from: ", False)
    assert ("محمد علي", True) in runs
    assert runs[-1] == (" (flat 3)", False)
    # A right-to-left line puts its first word at the right, the number after it at the left.
    rtl = T.visual_runs("مرحبا بالعالم 2026")
    assert rtl[0] == ("2026", False)
    assert rtl[-1][1] is True and rtl[-1][0].strip() == "مرحبا بالعالم"


def test_scripts_get_their_own_fonts() -> None:
    fonts()
    assert T.font_runs("plain ascii", SANS) == [(SANS, "plain ascii")]
    runs = T.font_runs("Witness: राजेश कुमार and محمد", SANS)
    names = [name for name, _ in runs]
    assert DEVANAGARI in names and ARABIC in names and names[0] == SANS
    assert any(piece.strip() == "राजेश कुमार" for name, piece in runs if name == DEVANAGARI)
    # CJK ideographs and Hangul have their own fonts; characters no shipped font has show their code point.
    assert T.font_runs("漢", SANS) == [(CJK, "漢")]
    assert T.font_runs("증거", SANS) == [(HANGUL, "증거")]
    assert T.font_runs("\U00013000", SANS) == [(SANS, "[U+13000]")]


def test_wrap_keeps_lines_within_the_width_and_loses_no_words() -> None:
    fonts()
    text = "The suspect sold the customers' card details for £4,000 – see the ledger " * 6 + "x" * 300
    lines = T.wrap(text, SANS, 9, 200)
    assert all(T.width(line, SANS, 9) <= 200.01 for line in lines)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    mono = T.wrap("مرحبا " * 40, MONO, 8, 150)
    assert all(T.width(line, MONO, 8) <= 150.01 for line in mono)


def test_a_word_too_long_for_the_line_breaks_after_a_dot_or_slash_not_between_letters() -> None:
    # The label of a Word exhibit printed its MIME type as "...wordprocessingml.documen" / "t".
    fonts()
    mime = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    lines = T.wrap(mime, SANS, 9, T.width(mime, SANS, 9) - 4)
    assert lines == ["application/vnd.openxmlformats-officedocument.wordprocessingml.", "document"]
    narrow = T.wrap(mime, SANS, 9, 120)
    assert all(T.width(line, SANS, 9) <= 120.01 for line in narrow) and "".join(narrow) == mime
    assert all(line[-1] in "./-" for line in narrow[:-1])
    digest = "9806b9e0738e5974aabf8b44109e24226646c6844cf9b1214ff52c1774f88a16"  # no such place: as before
    assert "".join(T.wrap(digest, SANS, 9, 100)) == digest


def test_truncate_adds_an_ellipsis_only_when_cut() -> None:
    fonts()
    assert T.truncate("short", SANS, 9, 200) == "short"
    cut = T.truncate("a much longer description of an exhibit " * 5, SANS, 9, 120)
    assert cut.endswith("…") and T.width(cut, SANS, 9) <= 120
