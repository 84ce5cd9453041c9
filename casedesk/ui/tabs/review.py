"""Review: supervisors review a range of the case's custody log (approve or query); everyone sees open queries.

Officers answer an open query and supervisors resolve one, in place; an approval of an earlier
part of the log leaves a query about a later entry open.
"""

from __future__ import annotations

from PySide6.QtCore import QItemSelection, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QTableView,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from casedesk.errors import CaseDeskError
from casedesk.security.roles import Permission
from casedesk.services.cases import Cases
from casedesk.services.custody import Custody, asked_by
from casedesk.services.session import Session
from casedesk.ui import errors, formatting
from casedesk.ui.forms import MessageLine
from casedesk.ui.icons import icon
from casedesk.ui.partials.entry_model import ENTRY_ROLE, EntryTableModel
from casedesk.ui.tabs.base import CaseTab


class ReviewTab(CaseTab):
    open_case_requested = Signal(str)

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        self.supervisor = session.can(Permission.CUSTODY_REVIEW)
        self.pending = False  # entries of the case on screen wait for review
        # The queue (supervisors)
        self.queue = QTreeWidget()
        self.queue.setObjectName("reviewQueue")
        self.queue.setAccessibleName(self.tr("Review queue: all cases"))
        self.queue.setHeaderLabels([self.tr("Case"), self.tr("Awaiting review")])
        self.queue.setRootIsDecorated(False)
        self.queue.setToolTip(self.tr("Cases with custody entries no supervisor has approved; double-click to open"))
        self.queue.itemActivated.connect(lambda item, _c: self.open_case_requested.emit(item.text(0)))
        self.queue.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        queue_box = QGroupBox(self.tr("Review queue: all cases"))
        QVBoxLayout(queue_box).addWidget(self.queue)
        queue_box.setVisible(self.supervisor)
        # Unreviewed entries of this case
        self.model = EntryTableModel()
        self.entries = QTableView()
        self.entries.setObjectName("unreviewedEntries")
        self.entries.setAccessibleName(self.tr("Entries awaiting review"))
        self.entries.setTabKeyNavigation(False)
        self.entries.setModel(self.model)
        self.entries.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.entries.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.entries.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.entries.verticalHeader().hide()
        self.entries.setAlternatingRowColors(True)
        self.entries.horizontalHeader().setStretchLastSection(True)
        for col, width in enumerate((44, 150, 150, 80, 60, 150, 170, 170)):
            self.entries.setColumnWidth(col, width)
        self.entries.selectionModel().selectionChanged.connect(self._entry_selected)
        self.up_to = QSpinBox()
        self.up_to.setObjectName("reviewUpTo")
        self.up_to.setAccessibleName(self.tr("Review up to entry"))
        self.up_to.setToolTip(self.tr("The review covers the case's entries up to and including this one (select a row "
                                      "to set it)"))
        self.comment = QPlainTextEdit()
        self.comment.setObjectName("reviewComment")
        self.comment.setAccessibleName(self.tr("Review comment"))
        self.comment.setPlaceholderText(self.tr("Comment (required for a query): what is missing or needs explaining"))
        self.comment.setTabChangesFocus(True)
        self.comment.setFixedHeight(70)
        self.approve_button = QPushButton(icon("approve"), self.tr("&Approve"))
        self.approve_button.setObjectName("approve")
        self.approve_button.setToolTip(self.tr("Sign off the entries up to the chosen one"))
        self.query_button = QPushButton(icon("query"), self.tr("&Query"))
        self.query_button.setObjectName("query")
        self.query_button.setToolTip(self.tr("Ask the officer in charge to explain or fix something"))
        self.approve_button.clicked.connect(lambda: self._review("approve"))
        self.query_button.clicked.connect(lambda: self._review("query"))
        self.message = MessageLine()
        decision = QHBoxLayout()
        decision.addWidget(QLabel(self.tr("Up to entry:")))
        decision.addWidget(self.up_to)
        decision.addStretch(1)
        decision.addWidget(self.approve_button)
        decision.addWidget(self.query_button)
        self.summary = QLabel()
        self.summary.setObjectName("reviewSummary")
        case_box = QGroupBox(self.tr("This case: entries awaiting review"))
        case_layout = QVBoxLayout(case_box)
        case_layout.addWidget(self.summary)
        case_layout.addWidget(self.entries, 1)
        self.decision_box = QWidget()
        decision_layout = QVBoxLayout(self.decision_box)
        decision_layout.setContentsMargins(0, 0, 0, 0)
        decision_layout.addWidget(self.comment)
        decision_layout.addLayout(decision)
        case_layout.addWidget(self.decision_box)
        case_layout.addWidget(self.message)
        self.decision_box.setVisible(self.supervisor)
        # Open queries
        self.queries = QTreeWidget()
        self.queries.setObjectName("openQueries")
        self.queries.setAccessibleName(self.tr("Open queries on this case"))
        self.queries.setHeaderLabels(["#", self.tr("Time "
                                                   "(UK)"), self.tr("Supervisor"), self.tr("Query"), self.tr("Up to")])
        self.queries.setRootIsDecorated(False)
        self.queries.setWordWrap(True)
        self.queries.header().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.queries.itemSelectionChanged.connect(self._query_selected)
        # Officers answer a query, supervisors resolve one: either closes it, with the text on the record.
        self.reply = QLineEdit()
        self.reply.setObjectName("queryReply")
        self.reply.setAccessibleName(self.tr("Answer or reason for the selected query"))
        self.reply.setPlaceholderText(self.tr("Why the query is resolved") if self.supervisor
                                      else self.tr("Your answer to the selected query"))
        self.reply_button = QPushButton(icon("approve"), self.tr("Re&solve query") if self.supervisor
                                        else self.tr("A&nswer query"))
        self.reply_button.setObjectName("resolveQuery" if self.supervisor else "answerQuery")
        self.reply_button.setToolTip(self.tr("Close the selected query with this text on the custody record"))
        self.reply_button.setEnabled(False)
        self.reply_button.clicked.connect(self._reply)
        self.reply.returnPressed.connect(self._reply)
        reply_row = QHBoxLayout()
        reply_row.addWidget(self.reply, 1)
        reply_row.addWidget(self.reply_button)
        self.reply_message = MessageLine()
        queries_box = QGroupBox(self.tr("Open queries on this case"))
        queries_layout = QVBoxLayout(queries_box)
        queries_layout.addWidget(self.queries)
        queries_layout.addLayout(reply_row)
        queries_layout.addWidget(self.reply_message)

        split = QSplitter(Qt.Orientation.Vertical)
        split.setObjectName("reviewSplitter")
        split.addWidget(queue_box)  # hidden for detectives
        split.addWidget(case_box)
        split.addWidget(queries_box)
        split.setChildrenCollapsible(False)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 4)
        split.setStretchFactor(2, 1)
        split.setSizes([130, 520, 160] if self.supervisor else [0, 560, 200])
        # In a small window the page scrolls instead of forcing the window taller.
        scroll = QScrollArea()
        scroll.setObjectName("reviewScroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(split)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)

    def load(self) -> None:
        custody = Custody(self.session)
        if self.supervisor:
            try:
                queue = custody.review_queue()
            except Exception as exc:
                errors.show_error(self, exc, self.tr("Review queue"))
                queue = []
            self.queue.clear()
            for ref, count in queue:
                item = QTreeWidgetItem([ref, str(count)])
                item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.queue.addTopLevelItem(item)
                if ref == self.case_ref:
                    item.setSelected(True)
        self.message.clear_message()
        self.reply_message.clear_message()
        if self.case_ref is None:
            self.model.set_entries([])
            self.queries.clear()
            return
        try:
            pending = custody.unreviewed(self.case_ref)
            queries = custody.queries(self.case_ref)
        except Exception as exc:
            errors.show_error(self, exc, self.tr("Review"))
            return
        self.model.set_entries(pending)
        self.summary.setText(
            (self.tr("%n entry awaiting review", None, len(pending)) if len(pending) == 1
             else self.tr("%n entries awaiting review", None, len(pending)))
            + (self.tr(" (entries {first} to {last})").format(first=pending[0].seq, last=pending[-1].seq) if pending
               else self.tr(": the log is reviewed"))
        )
        self.up_to.setRange(1 if pending else 0, pending[-1].seq if pending else 0)
        self.up_to.setValue(pending[-1].seq if pending else 0)
        self.pending = bool(pending)
        self.queries.clear()
        for q in queries:
            item = QTreeWidgetItem([str(q.seq), formatting.short_when(q.timestamp), asked_by(q), q.text or "",
                                    str(q.data.get("up_to", ""))])
            item.setToolTip(3, q.text or "")
            item.setToolTip(1, formatting.when(q.timestamp))
            item.setData(0, Qt.ItemDataRole.UserRole, q.seq)
            self.queries.addTopLevelItem(item)
        first = self.queries.topLevelItem(0)
        if first is not None:
            self.queries.setCurrentItem(first)
        self._query_selected()
        for col in (0, 1, 2):
            self.queries.resizeColumnToContents(col)
        self.apply_read_only()

    def apply_read_only(self) -> None:
        """A case handed over takes no review or answer here: the buttons say why."""
        why = self.read_only
        tips = ((self.approve_button, self.tr("Sign off the entries up to the chosen one")),
                (self.query_button, self.tr("Ask the officer in charge to explain or fix something")),
                (self.reply_button, self.tr("Close the selected query with this text on the custody record")))
        for button, tip in tips:
            button.setToolTip(why or tip)
        self.approve_button.setEnabled(self.pending and why is None)
        self.query_button.setEnabled(self.case_ref is not None and why is None)
        self.comment.setEnabled(why is None)
        self.reply.setEnabled(why is None)
        self._query_selected()

    def _query_selected(self) -> None:
        self.reply_button.setEnabled(self.queries.currentItem() is not None and self.case_ref is not None
                                     and self.read_only is None)

    def _reply(self) -> None:
        item = self.queries.currentItem()
        if item is None or self.case_ref is None:
            return
        seq = int(item.data(0, Qt.ItemDataRole.UserRole))
        text = self.reply.text()
        try:
            if self.supervisor:
                entry_seq = Custody(self.session).review(self.case_ref, "resolve", text, resolves=[seq]).seq
            else:
                entry_seq = Cases(self.session).add_note(self.case_ref, text, answers=seq).custody_seq
        except CaseDeskError as exc:
            self.reply_message.error(str(exc))
            self.reply.setFocus()
            return
        except Exception as exc:
            errors.show_error(self, exc, self.tr("Query"))
            return
        self.reply.clear()
        self.load()
        done = (self.tr("Query {seq} resolved (custody entry {entry}).") if self.supervisor
                else self.tr("Query {seq} answered (custody entry {entry})."))
        self.reply_message.success(done.format(seq=seq, entry=entry_seq))
        self.changed.emit()

    def _entry_selected(self, _s: QItemSelection, _d: QItemSelection) -> None:
        rows = self.entries.selectionModel().selectedRows()
        if rows:
            self.up_to.setValue(self.model.data(rows[0], ENTRY_ROLE).seq)

    def _review(self, decision: str) -> None:
        if self.case_ref is None:
            return
        up_to = self.up_to.value() or None
        try:
            entry = Custody(self.session).review(self.case_ref, decision, self.comment.toPlainText(), up_to)
        except CaseDeskError as exc:
            self.message.error(str(exc))
            return
        except Exception as exc:
            errors.show_error(self, exc, self.tr("Review"))
            return
        self.comment.clear()
        self.load()
        done = (self.tr("Approved up to entry {up_to} (custody entry {seq}).") if decision == "approve"
                else self.tr("Query recorded up to entry {up_to} (custody entry {seq})."))
        self.message.success(done.format(up_to=entry.data.get("up_to"), seq=entry.seq))
        self.changed.emit()
