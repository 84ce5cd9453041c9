"""Help (F1): how the desktop app is organised and every keyboard shortcut, read from the window's actions."""

from __future__ import annotations

import html

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from casedesk.ui.icons import app_icon
from casedesk.ui.translator import QT_TRANSLATE_NOOP

GUIDE = QT_TRANSLATE_NOOP("HelpDialog", """
<h2>CaseDesk</h2>
<p>Choose a case in the list on the left; its work is in the tabs on the right: <b>Overview</b> (details,
summary, members), <b>Exhibits</b> (the register: drop files on it to ingest them), <b>Custody</b> (the signed
log), <b>Notes</b> and <b>Review</b> (supervisors approve, query or resolve; officers answer queries).</p>
<p>Every change is recorded in the case's signed custody log. Tab moves between fields and out of tables;
the arrow keys move within a table. In a date field, type the day, month, year, hours and minutes and use
← → to move between them.</p>
""")


def shortcut_rows(actions: list[QAction]) -> list[tuple[str, str]]:
    rows = []
    for action in actions:
        keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        name = action.text().replace("&&", "\0").replace("&", "").replace("\0", "&").rstrip("…").strip()
        if keys and name and not action.property("tab_switch"):
            rows.append((keys, name))
    rows.append(("Ctrl+1 … Ctrl+6", QCoreApplication.translate("HelpDialog", "Switch to the first … sixth tab")))
    return rows


class HelpDialog(QDialog):
    def __init__(self, actions: list[QAction], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("CaseDesk help"))
        self.setWindowIcon(app_icon())
        self.resize(560, 520)
        table = "".join(f"<tr><td><b>{html.escape(k)}</b></td><td>{html.escape(n)}</td></tr>"
                        for k, n in shortcut_rows(actions))
        self.text = QTextBrowser()
        self.text.setObjectName("helpText")
        self.text.setAccessibleName(self.tr("Help"))
        self.text.setHtml(self.tr(GUIDE) + "<h3>{}</h3><table cellpadding='3'>".format(self.tr("Keyboard shortcuts"))
                          + table + "</table>")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(buttons)
        self.text.setFocus()
