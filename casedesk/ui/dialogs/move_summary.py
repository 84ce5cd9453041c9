"""What a move of several exhibits did: each one moved (with its custody entry) and each one refused, with why."""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QTextBrowser, QVBoxLayout, QWidget

from casedesk.reports.text import visible
from casedesk.services.custody import MoveResult
from casedesk.ui import theme
from casedesk.ui.forms import fit_on_screen
from casedesk.ui.icons import app_icon


class MoveSummaryDialog(QDialog):
    def __init__(self, mode: str, result: MoveResult, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.move_result = result
        done, refused = len(result.done), len(result.refused)
        verb = {"transfer": self.tr("Transferred"), "check_out": self.tr("Checked out"),
                "return": self.tr("Returned")}[mode]
        self.setWindowTitle(self.tr("{verb}: {done} of {total} exhibits").format(
            verb=verb, done=done, total=done + refused))
        self.setWindowIcon(app_icon())
        self.setMinimumWidth(480)
        self.resize(640, 420)

        heading = QLabel()
        heading.setObjectName("moveSummaryHeading")
        heading.setWordWrap(True)
        if refused == 0:
            heading.setText(self.tr("<b>{verb}: all {done}.</b> Each has its own signed custody entry.").format(
                verb=verb, done=done))
        elif done == 0:
            heading.setText(self.tr("<b>Nothing was moved:</b> each of the {refused} exhibits was refused, for the "
                                    "reason given below.").format(refused=refused))
        else:
            heading.setText(self.tr("<b>{verb}: {done}. Refused: {refused}</b>, each for the reason given below; "
                                    "the refused ones are exactly as they were.").format(
                verb=verb, done=done, refused=refused))

        self.details = QTextBrowser()
        self.details.setObjectName("moveSummary")
        self.details.setAccessibleName(self.tr("What was moved and what was refused"))
        self.details.setOpenLinks(False)
        self.details.setHtml(self._html(verb))

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.close_button = buttons.button(QDialogButtonBox.StandardButton.Close)
        self.close_button.setObjectName("closeSummary")
        self.close_button.setDefault(True)
        buttons.rejected.connect(self.accept)
        buttons.accepted.connect(self.accept)
        self.close_button.clicked.connect(self.accept)

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.details, 1)
        layout.addWidget(buttons)
        self.close_button.setFocus()

    def _html(self, verb: str) -> str:
        # Names of places and people were typed by users: shown, never obeyed (escaped).
        def cell(text: str) -> str:
            return html.escape(visible(text))

        parts = []
        if self.move_result.done:
            parts.append(f"<h4>{cell(verb)} ({len(self.move_result.done)})</h4><table cellspacing='0' cellpadding='3'>")
            for e in self.move_result.done:
                where = self.tr(" — kept at {place}").format(place=cell(e.location)) if e.location else ""
                entry = self.tr("to {party}{where} (custody entry {seq})").format(
                    party=cell(e.to_party or ""), where=where, seq=e.seq)
                parts.append(f"<tr><td><b>{cell(e.exhibit_ref or '')}</b></td><td>{entry}</td></tr>")
            parts.append("</table>")
        if self.move_result.refused:
            colour = theme.error_colour().name()
            parts.append(f"<h4 style='color:{colour}'>{cell(self.tr('Refused'))} ({len(self.move_result.refused)})</h4>"
                         "<table cellspacing='0' cellpadding='3'>")
            for r in self.move_result.refused:
                parts.append(f"<tr><td><b>{cell(r.exhibit_ref)}</b></td><td>{cell(r.reason)}</td></tr>")
            parts.append("</table>")
        return "".join(parts)

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        fit_on_screen(self)

    def plain_text(self) -> str:
        return self.details.toPlainText()
