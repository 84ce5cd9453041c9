"""``python -m casedesk.ui.screenshots DIR``: the main screens of the app on the demo data, as PNGs.

Runs offscreen (``QT_QPA_PLATFORM=offscreen``, set when nothing else is) on a
fresh demo installation in a temporary folder, drives the app as a user
would (sign in, choose the case, open a preview, …) and grabs each screen,
once per window size in ``SIZES`` and per colour scheme, into
``DIR/<width>x<height>-<light|dark>/``. Dialogs larger than the size are
shrunk to it, as a window manager would.

Beyond the demo, it adds a second, closed case (search across cases finds
both; the supervisor's reopen form) and, for each set, a supervisor's query
that the set answers on the home page. Moves of several exhibits are made
and undone (checked out, then returned), so every set starts from the same
register; the withdraw, sensitivity, correction, note and ingest forms are
filled and cancelled.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

SIZES = ((1280, 800), (1024, 640))  # a common laptop, and the smallest screen the app is made for
SCHEMES = ("light", "dark")


def _wait(app: Any, predicate: Callable[[], bool], timeout: float = 60.0, what: str = "") -> None:
    end = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > end:
            raise TimeoutError(f"screenshots: timed out waiting for {what or 'the app'}")
        app.processEvents()
        time.sleep(0.01)


def _settle(app: Any, seconds: float = 0.3) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.01)


def take(out: Path) -> list[Path]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QSettings

    from casedesk.demo import create_demo
    from casedesk.ui import theme
    from casedesk.ui.app import application

    tmp = Path(tempfile.mkdtemp(prefix="casedesk-screenshots-"))
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, str(tmp / "qsettings"))
    app = application([sys.argv[0]])
    info = create_demo(tmp / "demo")
    _add_second_case(info, tmp / "second-case")
    shots: list[Path] = []
    for scheme in SCHEMES:
        theme.use_scheme(scheme == "dark")  # offscreen has no system scheme to set
        _settle(app)
        for size in SIZES:
            shots += _take_set(app, out / f"{size[0]}x{size[1]}-{scheme}", size, info, tmp / f"{scheme}-{size[0]}")
    theme.use_scheme(None)
    return shots


SECOND_CASE = "MPS-2026-0522"


def _signed_in(info: Any, user: str) -> Any:
    from casedesk.datadir import DataDir
    from casedesk.services.installation import Installation

    return Installation(DataDir(info.data_dir)).sign_in(user, info.passwords[user])


def _roles(info: Any) -> tuple[str, str, str]:
    """(the first detective: the demo's officer in charge, the supervisor, the administrator)."""
    roles = info.users
    return (next((u for u, r in roles.items() if r == "detective"), ""),
            next((u for u, r in roles.items() if r == "supervisor"), ""),
            next((u for u, r in roles.items() if r == "admin"), ""))


def _add_second_case(info: Any, src: Path) -> None:
    """A second, closed case: what search across cases finds beside the demo's, and what a supervisor reopens."""
    from casedesk.services.cases import Cases
    from casedesk.services.custody import Custody
    from casedesk.services.evidence import Evidence, IngestMetadata

    detective, supervisor, _admin = _roles(info)
    src.mkdir(parents=True, exist_ok=True)
    (src / "invoice_0417_forwarded.eml").write_text(
        "From: a customer\nSubject: Fwd: invoice_0417.pdf\n\nThe same 'invoice' reached me too.\n", encoding="utf-8")
    session = _signed_in(info, detective)
    try:
        Cases(session).create(SECOND_CASE, "Operation Kestrel",
                              ["Fraud Act 2006 s.2 - fraud by false representation"])
        Evidence(session).ingest(SECOND_CASE, [src / "invoice_0417_forwarded.eml"], IngestMetadata(
            description="E-mail forwarding the invoice_0417 attachment, from a second customer",
            seized_from="a customer of the bank (by e-mail)", location="Online reporting"))
    finally:
        session.close()
    session = _signed_in(info, supervisor)
    try:
        Custody(session).review(SECOND_CASE, "approve", "Ingest checked against the customer's report.")
        Cases(session).close(SECOND_CASE)
    finally:
        session.close()


def _ask_query(info: Any) -> None:
    """An open query for the officer in charge (each set answers its own, so every set shows one)."""
    from casedesk.services.custody import Custody

    _detective, supervisor, _admin = _roles(info)
    session = _signed_in(info, supervisor)
    try:
        Custody(session).review(info.case_ref, "query", "Who sealed bag MPS-EV-104212, and at what time?")
    finally:
        session.close()


def _take_set(app: Any, out: Path, size: tuple[int, int], info: Any, tmp: Path) -> list[Path]:
    from casedesk.datadir import DataDir
    from casedesk.ui.app import AppController
    from casedesk.ui.dialogs.first_run import FirstRunDialog, demo_hint
    from casedesk.ui.dialogs.login import LoginDialog
    from casedesk.ui.dialogs.users import UsersDialog

    out.mkdir(parents=True, exist_ok=True)
    tmp.mkdir(parents=True, exist_ok=True)
    shots: list[Path] = []
    width, height = size

    def grab(widget: Any, name: str) -> None:
        if widget.isWindow() and (controller is None or widget is not controller.window):  # a dialog: fit the screen
            widget.resize(min(widget.width(), width), min(widget.height(), height))
        _settle(app)
        path = out / f"{name}.png"
        widget.grab().save(str(path))
        shots.append(path)
        print(f"screenshots: {path}", file=sys.stderr)

    controller: Any = None
    # First run, on an empty folder
    first = AppController(DataDir(tmp / "empty")).start()
    assert isinstance(first, FirstRunDialog)
    first.full_name.setText("Ada Admin")
    grab(first, "first-run")
    first.close()

    detective, supervisor, admin = _roles(info)
    controller = AppController(DataDir(info.data_dir))
    _ask_query(info)

    def sign_in(user: str) -> Any:
        dialog = controller.show_login(user, demo_hint(info))
        assert isinstance(dialog, LoginDialog)
        dialog.password.setText(info.passwords[user])
        if user == detective:
            grab(dialog, "login")
        dialog.attempt()
        _wait(app, lambda: controller.window is not None, what=f"{user} to sign in")
        window = controller.window
        window.resize(width, height)
        window.splitter.setSizes([min(340, width // 4), width - min(340, width // 4)])
        _wait(app, lambda: window.cases.model.rowCount() > 0, what="the case list")
        window.cases.select(info.case_ref)
        _wait(app, lambda: window.case_ref == info.case_ref, what="the case")
        return window

    def sign_out(window: Any) -> None:
        window.close()
        controller._close_session()
        controller.window = None
        if controller.dialog is not None:
            controller.dialog.close()

    # Detective: home (a query answered in place), search across cases, overview, exhibits with previews,
    # custody log, timeline, a correction, a note's edit, moves of several exhibits, per-file descriptions, export
    window = sign_in(detective)
    _home_shots(app, window, grab)
    window.show_case(info.case_ref)
    _wait(app, lambda: window.case_ref == info.case_ref, what="the case again")
    window.tabs.setCurrentWidget(window.case_tabs["overview"])
    grab(window, "case-overview")

    tab = window.exhibits
    window.tabs.setCurrentWidget(tab)
    _wait(app, lambda: not tab.loading and tab.model.rowCount() > 0, what="the register")
    from casedesk.ui.partials.preview import preview_kind

    kinds = {preview_kind(tab.model.exhibit(i).mime_type): i for i in range(tab.model.rowCount())}
    row = kinds.get("pdf", kinds.get("image", kinds.get("text", 0)))
    tab.select(tab.model.exhibit(row).reference)
    tab.detail.setCurrentIndex(2)
    tab.open_preview()
    _wait(app, lambda: tab.detail.preview.kind is not None, what="the preview")
    grab(window, "exhibits-preview")

    tab.detail.setCurrentIndex(0)
    grab(window, "exhibit-details")

    photo = next((tab.model.exhibit(i).reference for i in range(tab.model.rowCount())
                  if tab.model.exhibit(i).mime_type == "image/jpeg"), None)
    if photo is not None:  # the photograph, zoomed in, with what its EXIF says
        tab.select(photo)
        tab.detail.setCurrentIndex(2)
        tab.open_preview()
        _wait(app, lambda: tab.detail.preview.kind == "image" and tab.detail.metadata.isVisible(),
              what="the photograph's preview")
        tab.detail.preview.zoom_in()
        tab.detail.preview.zoom_in()
        grab(window, "exhibits-preview-zoom-exif")
        tab.detail.setCurrentIndex(0)

    window.tabs.setCurrentWidget(window.custody)
    _wait(app, lambda: window.custody.model.rowCount() > 0, what="the custody log")
    grab(window, "custody-log")
    _correction_shot(app, window, detective, grab)

    window.tabs.setCurrentWidget(window.timeline)
    _wait(app, lambda: bool(window.timeline.events()), what="the timeline")
    grab(window, "timeline")

    _note_edit_shot(app, window, detective, grab)
    _bulk_shots(app, window, grab)
    _per_file_ingest_shot(app, window, tmp, grab)

    window.export()
    export = window.dialog
    export.output.setText(str(tmp / "bundle.pdf"))
    grab(export, "export")
    export.start()
    _wait(app, lambda: export.bundle is not None or (export.job is None and export.message.isVisible()),
          timeout=300, what="the export")
    _wait(app, lambda: export.pdf_document.pageCount() > 0, what="the bundle preview")
    grab(export, "export-done")
    export.close()
    _sync_shot(app, window, grab)
    sign_out(window)

    # Supervisor: the review queue
    window = sign_in(supervisor)
    window.tabs.setCurrentWidget(window.review)
    _wait(app, lambda: window.review.model.rowCount() > 0 or window.review.queue.topLevelItemCount() >= 0,
          what="the review tab")
    grab(window, "review")
    _reopen_shot(app, window, grab)
    _supervisor_custody_shots(app, window, info.case_ref, grab)
    sign_out(window)

    # Administrator: users
    window = sign_in(admin)
    window.manage_users()
    users = window.dialog
    assert isinstance(users, UsersDialog)
    users.resize(min(900, width), min(420, height))
    grab(users, "admin-users")
    users.close()
    sign_out(window)
    return shots


def _top(kind: type) -> Any:
    from PySide6.QtWidgets import QApplication

    return next((w for w in QApplication.topLevelWidgets() if isinstance(w, kind) and w.isVisible()), None)


def _home_shots(app: Any, window: Any, grab: Callable[[Any, str], None]) -> None:
    """The home page with an open query, the query answered in place, and a search across every case."""
    window.go_home()
    home = window.home
    _wait(app, lambda: home.isVisible() and home.rows(home.queries) > 0, what="the home page's query")
    grab(window, "home")
    home.queries.setCurrentItem(home.queries.topLevelItem(0))
    home.answer.setText("Sealed by DC Farrow at 11:05 on receipt, in the reporter's presence; see the MG11.")
    grab(window, "home-query-answer")
    home.answer_button.click()
    _wait(app, lambda: home.answer_message.isVisible(), what="the answer to be recorded")
    grab(window, "home-query-answered")
    window.search_all_cases()
    home.search.setText("invoice")
    home.run_search()
    _wait(app, lambda: home.results_box.isVisible() and home.rows(home.results) > 0, what="the search results")
    grab(window, "search-all-cases")


def _correction_shot(app: Any, window: Any, user: str, grab: Callable[[Any, str], None]) -> None:
    from casedesk.ui.dialogs.correct_entry import CorrectEntryDialog

    custody = window.custody
    mine = [e for e in custody.model.entries if e.actor == user and e.action == "exhibit.transferred"]
    if not mine or not custody.show_entry(mine[-1].seq):
        return
    custody.correct_entry()
    dialog = _top(CorrectEntryDialog)
    if dialog is None:
        return
    dialog.text.setPlainText("The dossier was handed to DC Okafor at Lambeth, not at New Scotland Yard.")
    grab(dialog, "correct-entry")
    dialog.reject()


def _note_edit_shot(app: Any, window: Any, user: str, grab: Callable[[Any, str], None]) -> None:
    from casedesk.ui.dialogs.edit_note import EditNoteDialog

    notes = window.case_tabs["notes"]
    window.tabs.setCurrentWidget(notes)
    _wait(app, lambda: notes.list.topLevelItemCount() > 0, what="the notes")
    for i in range(notes.list.topLevelItemCount()):
        item = notes.list.topLevelItem(i)
        notes.list.setCurrentItem(item)
        note = notes.selected_note()
        if note is not None and note.author == user:
            break
    else:
        return
    notes.edit_note()
    dialog = _top(EditNoteDialog)
    if dialog is None:
        return
    grab(dialog, "note-edit")
    dialog.reject()


def _select(tab: Any, references: list[str]) -> None:
    from PySide6.QtCore import QItemSelectionModel

    flags = QItemSelectionModel.SelectionFlag
    selection = tab.view.selectionModel()
    selection.clearSelection()
    for ref in references:
        selection.select(tab.index_of(ref), flags.Select | flags.Rows)


def _bulk_shots(app: Any, window: Any, grab: Callable[[Any, str], None]) -> None:
    """Several exhibits at once: checked out (one refused) and back, withdraw and sensitivity forms."""
    from casedesk.ui.dialogs.exhibit_state import SensitivityDialog, WithdrawDialog
    from casedesk.ui.dialogs.move_summary import MoveSummaryDialog
    from casedesk.ui.dialogs.transfer import CustodyMoveDialog

    tab = window.exhibits
    window.tabs.setCurrentWidget(tab)
    _wait(app, lambda: not tab.loading and tab.model.rowCount() >= 3, what="the register")
    rows = [tab.model.exhibit(i) for i in range(tab.model.rowCount())]
    me = window.session.user.username
    # Two of the officer's own and one she does not hold: the summary shows two moved and one refused.
    refs = sorted([e.reference for e in rows if e.custodian == me and not e.checked_out][:2]
                  + [e.reference for e in rows if e.custodian != me][:1], key=lambda r: tab.model.row_of(r))
    for mode, action, name in (("check_out", window.act_check_out, "bulk-check-out"),
                               ("return", window.act_return, "bulk-return")):
        _select(tab, refs)
        _settle(app)
        if not action.isEnabled():
            raise RuntimeError(f"screenshots: {name}: {action.toolTip()}")
        action.trigger()
        dialog = _top(CustodyMoveDialog)
        if mode == "check_out":
            dialog.to.setCurrentText("Digital Forensics Unit")
            dialog.location.setText("Digital Forensics Unit, Lambeth")
            dialog.reason.setText("imaging and analysis of the reporter's material")
        else:
            dialog.reason.setText("examination complete, seals intact")
        grab(dialog, name)
        dialog.ok_button.click()
        _wait(app, lambda: _top(MoveSummaryDialog) is not None, what="the summary of the move")
        summary = _top(MoveSummaryDialog)
        grab(summary, f"{name}-summary")
        summary.accept()
        _wait(app, lambda: not tab.loading, what="the register after the move")
    _select(tab, refs[1:])
    _settle(app)
    for action, kind, name in ((window.act_withdraw, WithdrawDialog, "bulk-withdraw"),
                               (window.act_sensitive, SensitivityDialog, "bulk-sensitivity")):
        if not action.isEnabled():
            raise RuntimeError(f"screenshots: {name}: {action.toolTip()}")
        action.trigger()
        dialog = _top(kind)
        dialog.reason.setText("entered twice by mistake" if kind is WithdrawDialog else
                              "identifies a confidential source")
        grab(dialog, name)
        dialog.reject()
        _select(tab, refs[1:])


def _per_file_ingest_shot(app: Any, window: Any, tmp: Path, grab: Callable[[Any, str], None]) -> None:
    """A folder's files, each with its own description, before the ingest starts (nothing is ingested)."""
    from casedesk.ui.dialogs.ingest import IngestDialog

    folder = tmp / "phone-extraction"
    folder.mkdir(exist_ok=True)
    for name, text in (("sms_with_buyer.txt", "Texts with the buyer\n"), ("call_log.csv", "when,number\n"),
                       ("contacts.vcf", "BEGIN:VCARD\nEND:VCARD\n"), ("notes_app_export.txt", "Meet at six\n")):
        (folder / name).write_text(text, encoding="utf-8")
    window.ingest([folder])
    dialog = _top(IngestDialog)
    if dialog is None:
        return
    dialog.description.setText("Extraction of the seller's phone")
    dialog.seized_from.setText("'Vik' (arrested at Heathrow)")
    dialog.seal.setText("MPS-EV-104290")
    dialog.describe_each.setChecked(True)
    _wait(app, lambda: dialog.per_file.rowCount() == 4, what="the list of files")
    dialog.per_file.item(0, 3).setText("Call log of the seller's phone, March")
    dialog.per_file.item(3, 3).setText("Text messages with the buyer, incl. price agreed")
    grab(dialog, "ingest-per-file")
    dialog.reject()


def _reopen_shot(app: Any, window: Any, grab: Callable[[Any, str], None]) -> None:
    from casedesk.ui.dialogs.close_case import ReopenCaseDialog

    window.show_case(SECOND_CASE)
    _wait(app, lambda: window.case_ref == SECOND_CASE, what="the closed case")
    overview = window.case_tabs["overview"]
    window.tabs.setCurrentWidget(overview)
    _wait(app, lambda: overview.detail is not None and overview.detail.reference == SECOND_CASE,
          what="the closed case's overview")
    overview._reopen_case()
    dialog = _top(ReopenCaseDialog)
    if dialog is None:
        return
    dialog.reason.setText("A third customer reported the same invoice")
    grab(dialog, "reopen-case")
    dialog.reject()


def _supervisor_custody_shots(app: Any, window: Any, case_ref: str, grab: Callable[[Any, str], None]) -> None:
    """Verification of the case, then the entries dated out of order a supervisor may acknowledge (none)."""
    from casedesk.ui.dialogs.time_anomalies import TimeAnomaliesDialog
    from casedesk.ui.dialogs.verify import VerifyDialog

    window.show_case(case_ref)
    _wait(app, lambda: window.case_ref == case_ref, what="the case")
    window.verify()
    verify = _top(VerifyDialog)
    if verify is not None:
        _wait(app, lambda: verify.close_button.isVisible(), timeout=300, what="the verification")
        grab(verify, "verify")
        verify.accept()
    window.acknowledge_times()
    times = _top(TimeAnomaliesDialog)
    if times is not None:
        _wait(app, lambda: times.job is None, what="the entry times")
        grab(times, "time-anomalies")
        times.reject()


def _sync_shot(app: Any, window: Any, grab: Callable[[Any, str], None]) -> None:
    """File > Sync with the unit, on a laptop that never synced, the unit's address typed."""
    from casedesk.ui.dialogs.sync import SyncDialog

    window.sync_with_unit()
    dialog = _top(SyncDialog)
    if dialog is None:
        return
    dialog.url.setText("https://casedesk.unit.example:8443")
    grab(dialog, "sync")
    dialog.reject()


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m casedesk.ui.screenshots DIR", file=sys.stderr)
        return 2
    take(Path(args[0]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
