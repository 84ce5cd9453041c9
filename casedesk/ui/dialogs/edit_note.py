"""Edit one's own note: the new version is a signed note that names the one it replaces; both stay in the log."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QPlainTextEdit, QWidget

from casedesk.services.cases import Cases, NoteView
from casedesk.services.session import Session
from casedesk.ui import formatting
from casedesk.ui.dialogs.base import FormDialog


class EditNoteDialog(FormDialog):
    def __init__(self, session: Session, case_ref: str, note: NoteView, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Edit note (entry {seq})").format(seq=note.custody_seq), self.tr("&Save new "
                                                                                                  "version"), parent)
        self.session = session
        self.case_ref = case_ref
        self.note = note
        self.saved: NoteView | None = None
        about = (self.tr("Your note of {when} on {exhibit}.") if note.exhibit else self.tr("Your note of {when}."))
        intro = QLabel(about.format(when=formatting.when(note.created_at), exhibit=note.exhibit) + " "
                       + self.tr("The new version is added to the custody log and names this one, which stays in the "
                                 "log as it was written."))
        intro.setWordWrap(True)
        self.form.addRow(intro)
        self.text = QPlainTextEdit(note.text)
        self.text.setObjectName("editedNote")
        self.text.setTabChangesFocus(True)
        self.text.setMinimumHeight(110)
        self.form.addRow(self.tr("&Note:"), self.text)
        self.fields = {"text": self.text}
        self.setMinimumWidth(520)
        self.text.setFocus()

    def perform(self) -> None:
        self.saved = Cases(self.session).edit_note(self.case_ref, self.note.custody_seq, self.text.toPlainText())
