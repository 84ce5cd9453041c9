"""The bundle's own pages: cover, index, case summary, exhibit list, labels, custody, integrity."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.lib.colors import HexColor

from casedesk.reports import continuity
from casedesk.reports import text as T
from casedesk.reports.actions import action_name
from casedesk.reports.content import describe, human_size
from casedesk.reports.fonts import BOLD, MONO, SANS
from casedesk.reports.manifest import verifier_sha256
from casedesk.reports.model import SENSITIVE_MARK, BundleSpec, CustodyLine, ExhibitInfo, bates
from casedesk.reports.typeset import (
    CONTENT_W,
    GREY,
    INK,
    LIGHT,
    MARGIN_BOTTOM,
    MARGIN_X,
    PAGE_W,
    TOP,
    WARN,
    Column,
    Writer,
)
from casedesk.timeutil import iso_utc, uk_display, utc_and_uk

NOTE_ACTIONS = ("note.",)


def _when(value: object) -> str:
    from datetime import datetime

    return utc_and_uk(value) if isinstance(value, datetime) else ""


# --- cover ----------------------------------------------------------------------------


def cover(w: Writer, spec: BundleSpec, exhibits: int, pages: int) -> None:
    c = w.c
    w.y = TOP - 20
    c.setFillColor(GREY)
    T.draw(c, MARGIN_X, w.y, "CASE BUNDLE FOR THE PROSECUTOR", BOLD, 10)
    w.y -= 40
    c.setFillColor(INK)
    T.draw(c, MARGIN_X, w.y, T.visible(spec.case.reference), BOLD, 26)
    w.y -= 30
    for line in T.wrap(T.visible(spec.case.title), SANS, 16, CONTENT_W):
        w.ensure(21)  # a title of any length flows onto further cover pages
        c = w.c
        T.draw(c, MARGIN_X, w.y, line, SANS, 16)
        w.y -= 21
    w.y -= 8
    # The security marking, boxed.
    w.ensure(30 + 22)
    c = w.c
    c.setStrokeColor(WARN)
    c.setLineWidth(1.5)
    box_h = 30
    c.rect(MARGIN_X, w.y - box_h, CONTENT_W, box_h, stroke=1, fill=0)
    c.setFillColor(WARN)
    T.draw_centred(c, PAGE_W / 2, w.y - 20, spec.marking, BOLD, 14)
    c.setFillColor(INK)
    w.y -= box_h + 22
    offences = "\n".join(spec.case.offences) or "(none recorded)"
    w.fields([
        ("Offence(s)", offences),
        ("Officer in charge", spec.case.officer_in_charge),
        ("Prepared by", spec.prepared_by),
        ("Exported (UTC)", f"{spec.at:%Y-%m-%d %H:%M:%S} UTC"),
        ("Exported (UK local)", uk_display(spec.at)),
        ("Security marking", spec.marking),
        ("Exhibits in bundle", _exhibit_count(spec, exhibits)),
        ("Pages in bundle", f"{pages} ({bates(spec.case.reference, 1)} to {bates(spec.case.reference, pages)})"),
        ("Custody log head", f"entry {spec.head_seq}"),
        ("Produced with", spec.tool),
    ], label_width=140, size=10)
    w.hashes(_head_rows(spec), label_width=140, size=10)
    unit_rows(w, spec, label_width=140, size=10)
    w.space(10)
    w.para(
        "This bundle was made from the case's custody log up to and including the head entry above. Its "
        "SHA-256 is in the file beside it (" + spec.file_name + ".sha256) and in the custody log entry that "
        "records this export. To check it, open " + spec.file_name + ".verify.html, delivered with it, in a "
        "web browser and drop this PDF and the case's custody export into it; the last pages explain.",
        size=8.5, colour=GREY,
    )


UNIT_NOT_ENROLLED = ("NOT ENROLLED: this installation is not enrolled with a unit, so nothing shows that its "
                     "custody log belongs to the force")


def unit_rows(w: Writer, spec: BundleSpec, label_width: float = 132.0, size: float = 9.0) -> None:
    """The unit key the log's keys chain to (docs/unit-trust.md), or a plain statement that there is none."""
    if spec.unit is None:
        w.fields([("Unit key", UNIT_NOT_ENROLLED)], label_width=label_width, size=size)
        return
    name, fingerprint = spec.unit
    w.fields([("Unit key", name)], label_width=label_width, size=size)
    w.hashes([("Unit fingerprint", fingerprint)], label_width=label_width, size=size)
    if spec.unit_uncertified:
        w.fields([("Unit check", unit_uncertified_text(len(spec.unit_uncertified), spec.unit_uncertified[0]))],
                 label_width=label_width, size=size)


def unit_uncertified_text(n: int, first: str) -> str:
    return (f"NOT ALL CERTIFIED: {n} custody entr{'y is' if n == 1 else 'ies are'} not signed with a key this unit key "
            f"certified at the entry's time (first: {first})")


def _exhibit_count(spec: BundleSpec, exhibits: int) -> str:
    text = f"{exhibits}"
    if spec.left_out:
        text += (f" of the case's {exhibits + len(spec.left_out)}; not in this bundle: "
                 + ", ".join(f"{e.reference} ({e.why})" for e in spec.left_out))
    marked = [e.reference for e in spec.exhibits if e.sensitive]
    if marked:
        text += f"; marked {SENSITIVE_MARK} on every page they appear on: " + ", ".join(marked)
    return text


def _head_rows(spec: BundleSpec) -> list[tuple[str, str]]:
    """The head entry's hash and the log's Merkle root up to it (``--earlier SEQ:ROOT`` for a later export)."""
    return [("Head entry hash", spec.head_hash)] + ([("Log Merkle root", spec.tree_root)] if spec.tree_root else [])


# --- index -----------------------------------------------------------------------------

INDEX_ROW = 15.0
INDEX_TITLE_SPACE = 70.0


@dataclass(frozen=True)
class IndexEntry:
    level: int  # 0 section, 1 exhibit
    label: str
    text: str
    first: int  # 1-based bundle page
    last: int
    sensitive: bool = False


@dataclass(frozen=True)
class IndexLink:
    page: int  # 0-based index of the page within the front matter (the cover's pages come first)
    rect: tuple[float, float, float, float]
    target: int  # 1-based bundle page


def index_rows_per_page() -> tuple[int, int]:
    """Rows on the first index page and on each following one."""
    first = int((TOP - INDEX_TITLE_SPACE - 18 - MARGIN_BOTTOM) // INDEX_ROW)
    other = int((TOP - 18 - MARGIN_BOTTOM) // INDEX_ROW)
    return first, other


def index_pages(entries: int) -> int:
    first, other = index_rows_per_page()
    if entries <= first:
        return 1
    return 1 + -(-(entries - first) // other)


def index(w: Writer, entries: Sequence[IndexEntry], case_reference: str, front_first: int,
          marked: set[int]) -> list[IndexLink]:
    """Typeset the index (a fixed number of rows per page); returns where each row's link goes.

    Adds to ``marked`` the pages (as link pages) that show a sensitive exhibit's row.
    """
    first_rows, other_rows = index_rows_per_page()
    links: list[IndexLink] = []
    col_label = MARGIN_X
    col_text = MARGIN_X + 70
    col_pages = PAGE_W - MARGIN_X - 160
    col_bates = PAGE_W - MARGIN_X
    text_limit = col_pages - col_text - 8
    position = 0
    page_no = 0
    while position < len(entries) or page_no == 0:
        w.new_page()
        c = w.c
        page_index = w.anchor() - front_first
        if page_no == 0:
            w.title("Index")
            w.para("Each entry links to its first page. Page numbers are the bundle's own (stamped at the top "
                   "right of every page); Bates numbers are stamped at the bottom right.", size=8, colour=GREY)
            w.y = TOP - INDEX_TITLE_SPACE
        rows = first_rows if page_no == 0 else other_rows
        c.setFillColor(GREY)
        T.draw(c, col_label, w.y - 8, "Section / exhibit", BOLD, 7.5)
        T.draw_right(c, col_pages + 45, w.y - 8, "Pages", BOLD, 7.5)
        T.draw_right(c, col_bates, w.y - 8, "First Bates number", BOLD, 7.5)
        c.setFillColor(INK)
        w.y -= 18
        for entry in entries[position:position + rows]:
            base = w.y - 10.5
            font = BOLD if entry.level == 0 else SANS
            indent = 0 if entry.level == 0 else 12
            label = T.visible(entry.label)
            T.draw(c, col_label + indent, base, label, font, 9)
            shown = f"{SENSITIVE_MARK} – {entry.text}" if entry.sensitive else entry.text
            if entry.sensitive:
                marked.add(page_index)
            text = T.truncate(T.visible(shown), SANS, 8.5, text_limit)
            T.draw(c, col_text, base, text, SANS, 8.5)
            pages = f"{entry.first}" if entry.first == entry.last else f"{entry.first}–{entry.last}"
            T.draw_right(c, col_pages + 45, base, pages, SANS, 9)
            c.setFillColor(GREY)
            T.draw_right(c, col_bates, base, bates(case_reference, entry.first), MONO, 7.5)
            c.setFillColor(INK)
            c.setStrokeColor(LIGHT)
            c.setLineWidth(0.3)
            c.setDash(1, 2)
            c.line(col_label, w.y - INDEX_ROW + 1, col_bates, w.y - INDEX_ROW + 1)
            c.setDash()
            links.append(IndexLink(page_index, (col_label, w.y - INDEX_ROW + 1, col_bates, w.y), entry.first))
            w.y -= INDEX_ROW
        position += rows
        page_no += 1
    return links


# --- case summary and exhibit list ----------------------------------------------------


def summary(w: Writer, spec: BundleSpec) -> None:
    w.new_page()
    w.title("Case summary")
    w.fields([
        ("Case", spec.case.reference),
        ("Operation", spec.case.title),
        ("Offence(s)", "\n".join(spec.case.offences) or "(none recorded)"),
        ("Officer in charge", spec.case.officer_in_charge),
    ])
    w.space(8)
    if spec.case.summary.strip():
        for paragraph in spec.case.summary.strip().split("\n"):
            w.para(paragraph, size=10, leading=14)
            w.space(3)
    else:
        w.note("No case summary has been written in CaseDesk for this case.", colour=GREY)


def case_notes(w: Writer, spec: BundleSpec) -> dict[int, int]:
    """The case notes chosen for the bundle, each with its author, time, version and hashes; returns each note's
    page (by note number) for the bookmarks."""
    w.new_page()
    w.title("Case notes")
    n = len(spec.case_notes)
    intro = (f"{n} note{'s' if n != 1 else ''} of the case, chosen by the officer who exported the bundle, each as "
             "its last version written up to the custody log head this bundle was made from. A note's number is "
             "the custody log entry that first recorded it; an edit is a new signed entry that names the version "
             "it replaces, and both stay in the log. Notes carry no sensitivity marking of their own in CaseDesk: "
             "the officer who exports the bundle decides which go in.")
    if spec.notes_left_out:
        intro += (f" {spec.notes_left_out} note(s) about sensitive (MG6D) exhibits withheld from this bundle are "
                  "not included.")
    w.para(intro, size=8, colour=GREY)
    pages: dict[int, int] = {}
    for note in spec.case_notes:
        w.space(6)
        w.heading(f"Note {note.number}" + (f" – about exhibit {note.exhibit}" if note.exhibit else ""), 11)
        pages[note.number] = w.anchor()
        w.continued = f"Note {note.number}"
        if note.version == 1:
            version = "1 (as first written)"
        else:
            version = f"{note.version}: replaces the version of custody entry {note.revises}"
        w.fields([
            ("Written by", note.author),
            ("Written at", _when(note.written_at)),
            ("Version", version),
            ("Custody entry", str(note.entry)),
        ])
        w.hashes([("Entry hash", note.entry_hash), ("Text SHA-256", note.sha256)])
        w.space(3)
        for paragraph in note.text.split("\n"):
            w.para(paragraph, size=10, leading=14)
        w.continued = None
        w.rule()
    return pages


EXHIBIT_COLUMNS = (
    Column("Exhibit", 40, BOLD, 8),
    Column("Description", 140),
    Column("Produced by", 70),
    Column("Seizure", 118),
    Column("Type and size", CONTENT_W - 40 - 140 - 70 - 118, SANS, 7.0),
)


def exhibit_list(w: Writer, spec: BundleSpec, marked: set[int]) -> None:
    """The MG12-like list; adds to ``marked`` the pages that show a sensitive exhibit's row."""
    w.new_page()
    w.title("Exhibit list")
    w.para(f"{len(spec.exhibits)} exhibit(s) in this bundle, in exhibit-reference order. Times are UTC with UK "
           "local time." + (f" {len(spec.left_out)} exhibit(s) of the case are not in it: listed after the table."
                            if spec.left_out else ""),
           size=8, colour=GREY)
    w.space(4)
    rows = []
    spans = []
    for ex in spec.exhibits:
        when = uk_display(ex.seized_at) if ex.seized_at else ""
        seized = "\n".join(v for v in (ex.seized_from, when, ex.seized_location) if v) or "-"
        kind = ex.type_description or ex.mime_type
        warning = f"\nTYPE WARNING: {ex.type_warning}" if ex.type_warning else ""
        description = f"{SENSITIVE_MARK}\n{ex.description}" if ex.sensitive else ex.description
        rows.append([ex.reference, description, ex.producer, seized, f"{kind}\n{human_size(ex.size)}{warning}"])
        # Hashes and seal numbers are never broken: each on its own line across the table.
        spans.append([f"SHA-256 {ex.sha256}", f"Seal    {ex.seal or '-'}"])
    pages = w.table(EXHIBIT_COLUMNS, rows, heading="Exhibit list", spans=spans)
    marked.update(page for ex, page in zip(spec.exhibits, pages, strict=True) if ex.sensitive)
    if spec.left_out:
        w.heading("Exhibits of the case not in this bundle", 10)
        w.fields([(e.reference, e.why) for e in spec.left_out], label_width=70, size=8.5)


# --- exhibit label -------------------------------------------------------------------


@dataclass(frozen=True)
class LabelPlace:
    page: int  # body page index of the label
    attachment_rect: tuple[float, float, float, float]


def label(w: Writer, ex: ExhibitInfo, entries: Sequence[CustodyLine], kind: str, attachment: str,
          notes: Sequence[str]) -> LabelPlace:
    w.new_page()
    page = w.anchor()
    c = w.c
    c.setFillColor(HexColor("#2B3A55"))
    c.rect(MARGIN_X, w.y - 46, CONTENT_W, 46, stroke=0, fill=1)
    c.setFillColor(HexColor("#FFFFFF"))
    T.draw(c, MARGIN_X + 12, w.y - 22, "EXHIBIT", BOLD, 9)
    T.draw(c, MARGIN_X + 12, w.y - 40, T.visible(ex.reference), BOLD, 18)
    if ex.sensitive:
        T.draw_right(c, MARGIN_X + CONTENT_W - 12, w.y - 40, SENSITIVE_MARK, BOLD, 12)
    c.setFillColor(INK)
    w.y -= 60
    if ex.sensitive:
        w.note(f"{SENSITIVE_MARK}: this exhibit is sensitive unused material, included in this bundle on "
               "request (--include-sensitive). Every page that shows it is marked.")
    w.para(ex.description, font=BOLD, size=11, leading=15)
    w.space(6)
    name_note = " (control or direction characters shown as [U+XXXX])" if T.is_escaped(ex.original_name) else ""
    rows = [
        ("Produced by", ex.producer),
        ("Seized from", ex.seized_from or "-"),
        ("Seized at", _when(ex.seized_at) or "-"),
        ("Seized where", ex.seized_location or "-"),
        ("Seal number", ex.seal or "-"),
        ("Original file name", ex.original_name + name_note),
        ("Type", ex.type_description or ex.mime_type),
        ("MIME type", ex.mime_type),
        ("Size", human_size(ex.size)),
        ("File modified (as found)", _when(ex.fs_modified) or "-"),
        ("Ingested", f"{_when(ex.ingested_at)} by {ex.ingested_by} with {ex.tool}"),
        ("Current custodian", ex.custodian + (f", {ex.location}" if ex.location else "")),
    ]
    if ex.duplicate_of:
        rows.append(("Duplicate of", f"exhibit {ex.duplicate_of} (identical content)"))
    w.fields(rows)
    if ex.type_warning:
        w.note(f"Type warning recorded at ingest: {ex.type_warning}")
    w.space(4)
    w.hashes([("SHA-256", ex.sha256)] + ([("MD5", ex.md5)] if ex.md5 else [])
             + ([("SHA-1", ex.sha1)] if ex.sha1 else []), size=8.5)
    w.space(6)
    w.heading("Content", 10)
    w.para(f"In this bundle: {describe(kind)}.", size=9)
    w.ensure(14)
    top = w.y
    w.para(f"Attached to this PDF as file “{attachment}” (the exact original bytes; SHA-256 above).", size=9)
    rect = (MARGIN_X - 2, w.y, MARGIN_X + CONTENT_W, top)
    for note in notes:
        w.note(note)
    w.heading("Custody summary", 10)
    if entries:
        first, last = entries[0], entries[-1]
        w.para(
            f"{len(entries)} custody log entr{'y' if len(entries) == 1 else 'ies'} for this exhibit, from entry "
            f"{first.seq} ({action_name(first.action)}, {utc_and_uk(first.timestamp)}, {first.actor}) to entry "
            f"{last.seq} ({action_name(last.action)}, {utc_and_uk(last.timestamp)}, {last.actor}). The full log "
            "is in the Chain of custody section.",
            size=9,
        )
    else:
        w.para("No custody log entries name this exhibit.", size=9)
    return LabelPlace(page, rect)


# --- chain of custody ---------------------------------------------------------------

CUSTODY_COLUMNS = (
    Column("Entry", 34, BOLD, 7.5),
    Column("Time (UTC; UK local)", 100, SANS, 7.0),
    Column("Who", 52, SANS, 7.0),
    Column("Action", 88, SANS, 6.8),
    Column("Details", CONTENT_W - 34 - 100 - 52 - 88, SANS, 7.0),
)


def _details(entry: CustodyLine, shown: frozenset[int] = frozenset()) -> str:
    """``shown``: the note entries whose text the Case notes section prints."""
    parts: list[str] = []
    if entry.reason:
        parts.append(f"Reason: {entry.reason}")
    if entry.location:
        parts.append(f"Location: {entry.location}")
    if entry.from_party and entry.to_party:
        parts.append(f"From {entry.from_party} to {entry.to_party}")
    elif entry.to_party:
        parts.append(f"To {entry.to_party}")
    elif entry.from_party:
        parts.append(f"From {entry.from_party}")
    if entry.text and not entry.action.startswith(NOTE_ACTIONS):
        parts.append(entry.text)
    elif entry.text and entry.seq in shown:
        parts.append("(note text in the Case notes section)")
    elif entry.text:
        parts.append("(note text not included in the bundle)")
    return "\n".join(parts) or "-"


def _hash_lines(entry: CustodyLine) -> list[str]:
    lines = [f"Entry hash       {entry.entry_hash}"]
    if entry.sha256:
        lines.append(f"SHA-256 recorded {entry.sha256}")
    return lines


def _time(entry: CustodyLine) -> str:
    return f"{entry.timestamp:%Y-%m-%d %H:%M:%S} UTC\n{uk_display(entry.timestamp)}"


def custody(w: Writer, spec: BundleSpec, marked: set[int]) -> dict[str, int]:
    """The chain of custody, case entries first, then each exhibit; returns each part's first page.

    Adds to ``marked`` the pages that show a sensitive exhibit's entries.
    """
    w.new_page()
    starts: dict[str, int] = {}
    w.title("Chain of custody")
    w.para(
        f"The custody log of case {spec.case.reference} up to and including entry {spec.head_seq}, in log order. "
        "Every entry is hash-chained to the one before it and signed by the person who made it; the entry "
        "hash printed here is the one “casedesk verify” recomputes.", size=8.5, colour=GREY,
    )
    w.space(4)
    case_entries = [e for e in spec.custody if e.exhibit_ref is None]
    by_exhibit: dict[str, list[CustodyLine]] = {}
    for entry in spec.custody:
        if entry.exhibit_ref is not None:
            by_exhibit.setdefault(entry.exhibit_ref, []).append(entry)
    shown = frozenset(note.entry for note in spec.case_notes)
    starts["case"] = w.anchor()
    w.heading("Case entries", 11)
    _custody_table(w, case_entries, "Case entries", shown)
    for ex in spec.exhibits:
        entries = by_exhibit.get(ex.reference, [])
        w.ensure(90)
        starts[ex.reference] = w.anchor()
        mark = f"{SENSITIVE_MARK} " if ex.sensitive else ""
        w.heading(f"{mark}Exhibit {ex.reference} – {ex.description}", 11)
        w.para("Continuity", font=BOLD, size=8.5)
        for sentence in continuity.account(ex, entries):
            w.para(sentence, size=8, indent=8, colour=WARN if sentence.startswith("Gap:") else INK)
        w.space(4)
        _custody_table(w, entries, f"{mark}Exhibit {ex.reference}", shown)
        if ex.sensitive:
            marked.update(range(starts[ex.reference], w.sink.last_index() + 1))
    return starts


def _custody_table(w: Writer, entries: Sequence[CustodyLine], heading: str,
                   shown: frozenset[int] = frozenset()) -> None:
    if not entries:
        w.para("No entries.", size=8.5, colour=GREY)
        return
    rows = [[str(e.seq), _time(e), e.actor, action_name(e.action), _details(e, shown)] for e in entries]
    w.table(CUSTODY_COLUMNS, rows, heading=heading, spans=[_hash_lines(e) for e in entries])


# --- integrity statement -----------------------------------------------------------------


def integrity(w: Writer, spec: BundleSpec, problems: Sequence[tuple[str, str]],
              cuts: Sequence[tuple[str, str]] = ()) -> None:
    w.new_page()
    w.title("Integrity statement")
    w.heading("Verification at export", 11)
    for line in spec.verification:
        w.para(line, size=9.5)
    w.space(4)
    w.fields([
        ("Exhibits in bundle", _exhibit_count(spec, len(spec.exhibits))),
        ("Custody log head", f"entry {spec.head_seq}"),
    ])
    w.hashes(_head_rows(spec))
    unit_rows(w, spec)
    w.hashes([("Checking page SHA-256", verifier_sha256())])
    w.fields([
        ("Export time", f"{iso_utc(spec.at)} ({uk_display(spec.at)})"),
        ("Tool", spec.tool),
    ])
    if problems:
        w.heading("Exhibits shown as placeholders", 11)
        for ref, why in problems:
            w.para(f"{ref}: {why}", size=9, colour=WARN)
    if cuts:
        w.heading("Exhibits typeset in part", 11)
        for ref, what in cuts:
            w.para(f"{ref}: {what}", size=9, colour=WARN)
    w.heading("How to check this bundle", 11)
    name = spec.file_name
    steps = [
        f"1. In a web browser, with nothing to install: open {name}.verify.html, delivered with this bundle, in a "
        "current Chrome, Edge, Firefox or Safari, and drop this PDF into it: that alone checks the file's end "
        "and every attached original against the manifest. For the full check drop the case's custody export "
        f"too (the .jsonl file served with the bundle; add {name}.sha256 and {name}.manifest.json if you have "
        "them): only the custody log shows that this is the file CaseDesk exported. The page works on your "
        "computer alone and sends nothing anywhere. It shows one line per check and says VERIFIED only when "
        "every check ran and passed; NOT VERIFIED means the file is not the bundle CaseDesk exported, or the "
        f"log does not vouch for it. The page is the same for every bundle made with {spec.tool} (its SHA-256 "
        "is printed above): the CPS can keep one checked copy and use it for every bundle, rather than the copy "
        "delivered with each.",
        "2. What it checks: the file ends where CaseDesk ended it (no incremental update, nothing appended); its "
        "SHA-256 is the one a custody log entry recorded when it was exported; every original attached to it "
        "(the paperclip on each label page) hashes to the SHA-256 in the manifest and to the one the custody "
        "log recorded when the exhibit was ingested, and nothing else is attached; the custody log is one "
        "unbroken chain, each entry signed with the key the log registered for its author; the head entry "
        "and the Merkle root printed above are the log's.",
        f"3. For experts, the same checks in the same words: “casedesk verify-bundle {name} --custody LOG.jsonl”; "
        "the full custody checks (times, case commitments, heads kept outside the database, the exhibit "
        "register replayed): “python3 tools/verify_custody.py LOG.jsonl” with “--expect-head” and “--earlier” "
        "given the head entry with its hash and the entry number with the Merkle root printed above "
        "(SEQ:HASH, SEQ:ROOT); a later export that passes “--earlier” shows the log only grew since this bundle.",
        f"4. The hash alone: “sha256sum -c {name}.sha256” (or “Get-FileHash -Algorithm SHA256” on Windows) "
        "compares the file with the hash written beside it; only the custody log shows that hash is the one "
        "CaseDesk recorded.",
        "5. Reproduction: the same case state exported again with the same export time, selection, marking and "
        "file name gives a byte-identical file (ACPO principle 3); the command is under Notes below, or use "
        f"--at {iso_utc(spec.at)}.",
    ]
    steps.append(
        "6. The force's root of trust: type the fingerprint the force publishes, not the one printed here, into the "
        "browser page's fingerprint field (or give it to “casedesk verify-bundle --unit-fingerprint FP”): with the "
        "custody export, the check “unit key” passes only if this bundle names that unit key and every key in the "
        "log was certified by it. The full custody checks against it: “python3 tools/verify_custody.py log.jsonl "
        "--unit-fingerprint FP”."
        if spec.unit is not None else
        "6. The force's root of trust: this installation is not enrolled with a unit, so no check can show that "
        "its custody log was made by the force and not by another installation with the same names.")
    for step in steps:
        w.para(step, size=9)
        w.space(2)
    if spec.notes:
        w.heading("Notes", 11)
        for note in spec.notes:
            w.para(note, size=9)
