"""Notes: the case's running notes (each one a custody entry), newest last, and a box to add one."""

from __future__ import annotations

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
from casedesk.services.cases import Cases
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
        self.list.setColumnCount(4)
        self.list.setHeaderLabels(["Time (UK)", "Author", "Exhibit", "Note"])
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
        self.text.setPlaceholderText("Write a note: it is signed and added to the custody log, and cannot be edited.")
        self.text.setTabChangesFocus(True)
        self.text.setFixedHeight(90)
        self.exhibit = QComboBox()
        self.exhibit.setObjectName("noteExhibit")
        self.exhibit.setEditable(True)
        self.exhibit.setToolTip("Attach the note to an exhibit (optional), e.g. JAS/1")
        edit = self.exhibit.lineEdit()
        assert edit is not None
        edit.setPlaceholderText("exhibit (optional)")
        self.add_button = QPushButton(icon("note"), "&Add note")
        self.add_button.setObjectName("addNote")
        self.add_button.setToolTip("Add the note to the case (recorded in the custody log)")
        self.add_button.clicked.connect(self._add)
        self.message = MessageLine()
        row = QHBoxLayout()
        row.addWidget(QLabel("Exhibit:"))
        row.addWidget(self.exhibit)
        row.addStretch(1)
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
            errors.show_error(self, exc, "Notes")
            return
        for n in notes:
            item = QTreeWidgetItem([formatting.short_when(n.created_at), n.author, n.exhibit or "", n.text])
            item.setToolTip(0, f"{formatting.when(n.created_at)}\ncustody entry {n.custody_seq}")
            item.setToolTip(3, n.text)
            item.setData(0, Qt.ItemDataRole.UserRole, n.id)
            self.list.addTopLevelItem(item)
        for col in range(3):
            self.list.resizeColumnToContents(col)
        self.list.doItemsLayout()
        last = self.list.topLevelItem(len(notes) - 1) if notes else None
        if last is not None:
            self.list.scrollToItem(last)
        editable = self.session.can(Permission.CASE_EDIT)
        self.text.setEnabled(editable)
        self.add_button.setEnabled(editable)

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
                errors.show_error(self, exc, "Note")
            return
        self.text.clear()
        self.load()
        self.message.success(f"Note added (custody entry {note.custody_seq}).")
        self.changed.emit()
