"""Notes: the case's running notes (each one a custody entry), newest last, and a box to add one."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from casedesk.errors import CaseDeskError
from casedesk.security.roles import Permission
from casedesk.services.cases import Cases, NoteView
from casedesk.services.session import Session
from casedesk.ui import errors, formatting
from casedesk.ui.forms import MessageLine
from casedesk.ui.icons import icon
from casedesk.ui.tabs.base import CaseTab


class NotesTab(CaseTab):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        self.list = QTreeWidget()
        self.list.setObjectName("notesList")
        self.list.setAccessibleName(self.tr("Notes"))
        self.list.setColumnCount(4)
        self.list.setHeaderLabels([self.tr("Time (UK)"), self.tr("Author"), self.tr("Exhibit"), self.tr("Note")])
        self.list.setRootIsDecorated(False)
        self.list.setAlternatingRowColors(True)
        self.list.setWordWrap(True)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.header().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.list.setUniformRowHeights(False)
        # Rows are measured again when the note column changes width: a note of several lines shows them all.
        self.list.header().sectionResized.connect(lambda *_a: self.list.doItemsLayout())
        self.text = QPlainTextEdit()
        self.text.setObjectName("noteText")
        self.text.setAccessibleName(self.tr("New note"))
        self.text.setPlaceholderText(self.tr("Write a note: it is signed and added to the custody log; an edit adds a "
                                             "new version and keeps this one in the log."))
        self.text.setTabChangesFocus(True)
        self.text.setFixedHeight(90)
        self.exhibit = QComboBox()
        self.exhibit.setObjectName("noteExhibit")
        self.exhibit.setAccessibleName(self.tr("Note's exhibit"))
        self.exhibit.setEditable(True)
        self.exhibit.setToolTip(self.tr("Attach the note to an exhibit (optional), e.g. JAS/1"))
        edit = self.exhibit.lineEdit()
        assert edit is not None
        edit.setPlaceholderText(self.tr("exhibit (optional)"))
        self.add_button = QPushButton(icon("note"), self.tr("&Add note"))
        self.add_button.setObjectName("addNote")
        self.add_button.setToolTip(self.tr("Add the note to the case (recorded in the custody log)"))
        self.add_button.clicked.connect(self._add)
        self.edit_button = QPushButton(icon("note"), self.tr("Edi&t note…"))
        self.edit_button.setObjectName("editNote")
        self.edit_button.clicked.connect(self.edit_note)
        self.list.itemSelectionChanged.connect(self._update_edit)
        self.list.itemActivated.connect(lambda _i, _c: self.edit_note())
        self.notes: dict[int, NoteView] = {}
        self.dialog: Any = None
        self.message = MessageLine()
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("Exhibit:")))
        row.addWidget(self.exhibit)
        row.addStretch(1)
        row.addWidget(self.edit_button)
        row.addWidget(self.add_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.text)
        layout.addLayout(row)
        layout.addWidget(self.message)
        self.setTabOrder(self.text, self.exhibit)
        self.setTabOrder(self.exhibit, self.add_button)

    def set_exhibit_choices(self, references: list[str]) -> None:
        current = self.exhibit.currentText()
        self.exhibit.clear()
        self.exhibit.addItem("")
        self.exhibit.addItems(references)
        self.exhibit.setCurrentText(current)

    def load(self) -> None:
        self.list.clear()
        self.message.clear_message()
        if self.case_ref is None:
            return
        try:
            notes = Cases(self.session).notes(self.case_ref)
        except Exception as exc:
            errors.show_error(self, exc, self.tr("Notes"))
            return
        self.notes = {n.custody_seq: n for n in notes}
        earlier = {n.custody_seq: n for n in notes}
        notes = [n for n in notes if n.revised_by is None]  # the latest version of each note
        for n in notes:
            edited = self.tr(" (edited)") if n.revises else ""
            item = QTreeWidgetItem([formatting.short_when(n.created_at), n.author + edited, n.exhibit or "", n.text])
            history = []
            seq = n.revises
            while seq is not None and seq in earlier:
                history.append(self.tr("Earlier version (entry {seq}, {when}):").format(
                    seq=seq, when=formatting.short_when(earlier[seq].created_at)) + f"\n{earlier[seq].text}")
                seq = earlier[seq].revises
            item.setToolTip(0, self.tr("{when}\ncustody entry {seq}").format(when=formatting.when(n.created_at),
                                                                               seq=n.custody_seq))
            item.setToolTip(3, "\n\n".join([n.text, *history]))
            item.setToolTip(1, "\n\n".join(history) if history else "")
            item.setData(0, Qt.ItemDataRole.UserRole, n.custody_seq)
            self.list.addTopLevelItem(item)
        for col in range(3):
            self.list.resizeColumnToContents(col)
        self.list.doItemsLayout()
        last = self.list.topLevelItem(len(notes) - 1) if notes else None
        if last is not None:
            self.list.scrollToItem(last)
        self.apply_read_only()

    def apply_read_only(self) -> None:
        editable = self.session.can(Permission.CASE_EDIT) and self.read_only is None
        self.text.setEnabled(editable)
        self.add_button.setEnabled(editable)
        self.add_button.setToolTip(self.read_only or self.tr("Add the note to the case (recorded in the custody log)"))
        self._update_edit()

    def selected_note(self) -> NoteView | None:
        item = self.list.currentItem()
        if item is None or not item.isSelected():
            return None
        return self.notes.get(int(item.data(0, Qt.ItemDataRole.UserRole)))

    def _why_not_edit(self, note: NoteView | None) -> str | None:
        if self.read_only is not None:
            return self.read_only
        if note is None:
            return self.tr("Select one of your notes to edit it")
        if note.author != self.session.user.username or not self.session.can(Permission.CASE_EDIT):
            return self.tr("Only {author}, who wrote this note, can edit it").format(author=note.author)
        return None

    def _update_edit(self) -> None:
        note = self.selected_note()
        why = self._why_not_edit(note)
        self.edit_button.setEnabled(why is None)
        self.edit_button.setToolTip(why or self.tr("Write a new version of the note; this one stays in the custody "
                                                   "log"))

    def edit_note(self) -> None:
        from casedesk.ui.dialogs.edit_note import EditNoteDialog

        note = self.selected_note()
        if self.case_ref is None or note is None or self._why_not_edit(note) is not None:
            return
        dialog = EditNoteDialog(self.session, self.case_ref, note, self)

        def saved() -> None:
            self.load()
            if dialog.saved is not None:
                self.message.success(self.tr("Note saved as a new version (custody entry {seq}).").format(
                    seq=dialog.saved.custody_seq))
            self.changed.emit()

        dialog.accepted.connect(saved)
        dialog.open()
        self.dialog = dialog

    def _add(self) -> None:
        if self.case_ref is None:
            return
        try:
            note = Cases(self.session).add_note(self.case_ref, self.text.toPlainText(),
                                                self.exhibit.currentText().strip() or None)
        except Exception as exc:
            if isinstance(exc, CaseDeskError):
                self.message.error(str(exc))
            else:
                errors.show_error(self, exc, self.tr("Note"))
            return
        self.text.clear()
        self.load()
        self.message.success(self.tr("Note added (custody entry {seq}).").format(seq=note.custody_seq))
        self.changed.emit()
