"""Correct a custody entry: a new signed entry names the one it corrects; the original stays as written."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QPlainTextEdit, QWidget

from casedesk.services.custody import Custody, EntryView
from casedesk.services.session import Session
from casedesk.ui import formatting
from casedesk.ui.dialogs.base import FormDialog


class CorrectEntryDialog(FormDialog):
    def __init__(self, session: Session, entry: EntryView, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Correct custody entry {seq}").format(seq=entry.seq), self.tr("&Record "
                                                                                               "correction"), parent)
        self.session = session
        self.entry = entry
        self.correction: EntryView | None = None
        what = " ".join(x for x in (entry.exhibit_ref, entry.reason or entry.text or "") if x)
        intro = QLabel(self.tr("Entry <b>{seq}</b>: {action} by {actor}, {when}<br>{what}<br><br>The entry stays as "
                               "it was written; your correction is a new signed entry that names it, shown beside "
                               "it in the log and in the bundle.")
                       .format(seq=entry.seq, action=formatting.action_label(entry.action), actor=entry.actor,
                               when=formatting.when(entry.timestamp), what=what))
        intro.setWordWrap(True)
        self.form.addRow(intro)
        self.text = QPlainTextEdit()
        self.text.setObjectName("correctionText")
        self.text.setTabChangesFocus(True)
        self.text.setPlaceholderText(self.tr("What was wrong and what is right, e.g. the seal number is MPS-004418, "
                                             "not MPS-004481"))
        self.text.setFixedHeight(90)
        self.form.addRow(self.tr("&Correction:"), self.text)
        self.fields = {"text": self.text}
        self.text.setFocus()

    def perform(self) -> None:
        self.correction = Custody(self.session).correct(self.entry.seq, self.text.toPlainText())
