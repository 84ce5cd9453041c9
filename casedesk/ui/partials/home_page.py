"""The home page after sign-in: what waits for the user, with the queries answered in place.

Shown whenever no case is open (Go ▸ Home, Alt+Home). Detectives see the open queries on their cases and
answer one here: the answer is a note linked to the query (it closes it). Supervisors see the review queue and
their own queries still waiting for an answer. Everyone sees their cases and the exhibits checked out to them.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from casedesk.errors import CaseDeskError
from casedesk.security.roles import Permission
from casedesk.services.cases import Cases
from casedesk.services.home import Home, HomeView
from casedesk.services.search import NOTE, Search
from casedesk.services.session import Session
from casedesk.ui import errors, formatting
from casedesk.ui.forms import MessageLine
from casedesk.ui.icons import icon
from casedesk.ui.partials import conflicts as conflict_text
from casedesk.ui.partials.wrapped_text import wrap_column

KEY = Qt.ItemDataRole.UserRole
# The search results' columns before Details, each at most this wide (px); a longer text is cut in the middle
# with its full text in the tooltip, so that Details keeps room to wrap in a 1024 px window.
RESULT_WIDTHS = (130, 150, 70, 200)


def _tree(name: str, headers: list[str], stretch: int, accessible: str) -> QTreeWidget:
    tree = QTreeWidget()
    tree.setObjectName(name)
    tree.setHeaderLabels(headers)
    tree.setRootIsDecorated(False)
    tree.setAlternatingRowColors(True)
    tree.setUniformRowHeights(True)
    tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    tree.header().setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    tree.header().setStretchLastSection(stretch == len(headers) - 1)
    tree.setAccessibleName(accessible)
    tree.setMinimumHeight(70)
    return tree


class _FittedBody(QWidget):
    """The home page's content: it fits the window and scrolls only below its minimum size.

    With a word-wrapped line in it (the answer's confirmation), a scroll area sizes its content by height-for-width,
    which adds up every list's preferred height: the page scrolled and pushed "Exhibits checked out to you" out of
    the window (seen in the 1024x640 screenshots)."""

    def heightForWidth(self, width: int) -> int:
        # QScrollArea asks this (its content's layout has a height-for-width) and takes it as the least height:
        # the page's minimum, not the sum of every list's preferred height; the lists share what is left.
        return self.minimumSizeHint().height()


class HomePage(QWidget):
    """``open_case(reference, tab, exhibit)``: the user asked to go to a case (tab: overview, review, exhibits)."""

    open_case = Signal(str, str, str)
    answered = Signal(str)  # the case whose query was answered: the case list and tabs refresh
    loaded = Signal(object)  # HomeView, for the window's notification

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setObjectName("homePage")
        self.supervisor = session.can(Permission.CUSTODY_REVIEW)
        self.content = session.can(Permission.CASE_CONTENT)
        self.view: HomeView | None = None
        self._stale = True

        self.greeting = QLabel()
        self.greeting.setObjectName("homeGreeting")
        self.resume = QPushButton(icon("case"), "")
        self.resume.setObjectName("continueCase")
        self.resume.clicked.connect(lambda: self.open_case.emit(self.resume.property("case"), "", ""))
        self.resume.hide()
        # No word wrap on this page: a wrapping label makes the scroll area size the page by its preferred
        # height (heightForWidth) and scroll in a window that has room for every list.

        # Search across every case the user may open (exhibits and notes)
        self.search = QLineEdit()
        self.search.setObjectName("homeSearch")
        self.search.setClearButtonEnabled(True)
        self.search.addAction(icon("find"), QLineEdit.ActionPosition.LeadingPosition)
        self.search.setPlaceholderText(self.tr("Search all your cases: file name, exhibit reference, SHA-256 or "
                                               "note text (Ctrl+Shift+F)"))
        self.search.setAccessibleName(self.tr("Search all cases"))
        self.search.setVisible(self.content)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(300)
        self._search_timer.timeout.connect(self.run_search)
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        self.search.returnPressed.connect(self.run_search)
        self.results = _tree("homeResults", [self.tr("Case"), self.tr("Found by"), self.tr("Exhibit"),
                                             self.tr("File"), self.tr("Details")], 4, self.tr("Search results"))
        self.results.itemActivated.connect(self._open_result)
        # A long description wraps in its row rather than being cut at the window's edge (1024 px wide).
        wrap_column(self.results, 4)
        self.results.setTextElideMode(Qt.TextElideMode.ElideMiddle)  # capped columns keep a file's extension
        self.search.installEventFilter(self)
        self.results_note = QLabel()
        self.results_note.setObjectName("homeResultsNote")
        self.results_box = QGroupBox(self.tr("Search results"))
        self.results_box.setObjectName("homeResultsBox")
        r_layout = QVBoxLayout(self.results_box)
        r_layout.addWidget(self.results, 1)
        r_layout.addWidget(self.results_note)
        self.results_box.hide()

        # Queries: to answer (detective) or waiting for an answer (supervisor)
        self.queries = _tree("homeQueries", [self.tr("Case"), self.tr("Query"), self.tr("Asked by"),
                                             self.tr("Asked (UK)"), self.tr("Question")], 4,
                             self.tr("Open queries"))
        self.queries.setWordWrap(True)
        self.queries.setUniformRowHeights(False)
        self.queries.itemSelectionChanged.connect(self._query_selected)
        self.queries.itemActivated.connect(
            lambda item, _c: self.open_case.emit(item.text(0), "review", ""))
        self.answer = QLineEdit()
        self.answer.setObjectName("homeAnswer")
        self.answer.setPlaceholderText(self.tr("Your answer to the selected query (added to the case as a note)"))
        self.answer.setAccessibleName(self.tr("Answer"))
        self.answer.returnPressed.connect(self._answer)
        self.answer_button = QPushButton(icon("approve"), self.tr("A&nswer query"))
        self.answer_button.setObjectName("homeAnswerQuery")
        self.answer_button.setToolTip(self.tr("Answer the selected query: a signed note that names the query "
                                              "and closes it"))
        self.answer_button.clicked.connect(self._answer)
        self.answer_message = MessageLine()
        answer_row = QHBoxLayout()
        answer_row.addWidget(self.answer, 1)
        answer_row.addWidget(self.answer_button)
        self.queries_box = QGroupBox(self.tr("Your queries waiting for an answer") if self.supervisor
                                     else self.tr("Queries for you to answer"))
        self.queries_box.setObjectName("homeQueriesBox")
        q_layout = QVBoxLayout(self.queries_box)
        q_layout.addWidget(self.queries, 1)
        if not self.supervisor:
            q_layout.addLayout(answer_row)
            q_layout.addWidget(self.answer_message)
        else:
            self.answer.hide()
            self.answer_button.hide()
        self.queries_box.setVisible(self.content)

        # Review queue (supervisors)
        self.review = _tree("homeReview", [self.tr("Case"), self.tr("Entries")], 0,
                            self.tr("Cases awaiting your review"))
        self.review.itemActivated.connect(lambda item, _c: self.open_case.emit(item.text(0), "review", ""))
        self.review_box = QGroupBox(self.tr("Waiting for your review"))
        self.review_box.setObjectName("homeReviewBox")
        QVBoxLayout(self.review_box).addWidget(self.review)
        self.review_box.setVisible(self.supervisor and self.content)

        # My cases
        self.cases = _tree("homeCases", [self.tr("Reference"), self.tr("Operation"), self.tr("Status"),
                                         self.tr("Exhibits"), self.tr("To review")], 1, self.tr("Your cases"))
        self.cases.itemActivated.connect(lambda item, _c: self.open_case.emit(item.text(0), "overview", ""))
        cases_box = QGroupBox(self.tr("Your cases"))
        QVBoxLayout(cases_box).addWidget(self.cases)

        # Exhibits checked out to me
        self.lent = _tree("homeCheckedOut", [self.tr("Case"), self.tr("Exhibit"), self.tr("File"),
                                             self.tr("Description")], 3, self.tr("Exhibits checked out to you"))
        self.lent.itemActivated.connect(
            lambda item, _c: self.open_case.emit(item.text(0), "exhibits", item.text(1)))
        self.lent_box = QGroupBox(self.tr("Exhibits checked out to you"))
        QVBoxLayout(self.lent_box).addWidget(self.lent)
        self.lent_box.setVisible(self.content)

        # Open custody conflicts (shown only while there are some): this log's state and the other copy's.
        self.conflicts = _tree("homeConflicts", [self.tr("Case"), self.tr("Exhibit"), self.tr("This log"),
                                                 self.tr("Other copy")], 3, self.tr("Open custody conflicts"))
        self.conflicts.itemActivated.connect(
            lambda item, _c: self.open_case.emit(item.text(0), "exhibits", item.text(1)))
        self.conflicts_box = QGroupBox(self.tr("Open custody conflicts (a supervisor resolves each)"))
        self.conflicts_box.setObjectName("homeConflictsBox")
        QVBoxLayout(self.conflicts_box).addWidget(self.conflicts)
        self.conflicts_box.hide()

        hint = QLabel(self.tr("Enter or double-click opens a row; New case: Ctrl+N; back here: Alt+Home."))
        hint.setObjectName("homeHint")

        # The panels below the search; a search shown takes their place (Esc in the search box brings them back),
        # so that its results fit the smallest window without scrolling.
        self.panels = QWidget()
        self.panels.setObjectName("homePanels")
        grid = QGridLayout(self.panels)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(self.queries_box, 0, 0, 1, 2)
        if self.supervisor:
            grid.addWidget(self.review_box, 1, 0)
            grid.addWidget(cases_box, 1, 1)
        else:
            grid.addWidget(cases_box, 1, 0, 1, 2)
        grid.addWidget(self.lent_box, 2, 0, 1, 2)
        grid.addWidget(self.conflicts_box, 3, 0, 1, 2)
        grid.setRowStretch(0, 2)
        grid.setRowStretch(1, 2)
        grid.setRowStretch(2, 1)
        grid.setRowStretch(3, 1)
        body = _FittedBody()
        body_layout = QVBoxLayout(body)
        top = QHBoxLayout()
        top.addWidget(self.greeting, 1)
        top.addWidget(self.resume)
        body_layout.addLayout(top)
        body_layout.addWidget(self.search)
        body_layout.addWidget(self.results_box, 3)
        body_layout.addWidget(self.panels, 1)
        body_layout.addWidget(hint)
        scroll = QScrollArea()
        scroll.setObjectName("homeScroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(body)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)
        self._query_selected()

    def continue_with(self, reference: str | None) -> None:
        """Offer the case the user last worked on (remembered between sessions)."""
        self.resume.setProperty("case", reference or "")
        self.resume.setText(self.tr("Con&tinue with {case}").format(case=reference) if reference else "")
        self.resume.setToolTip(self.tr("Open the case you last worked on"))
        self.resume.setVisible(reference is not None and self._visible_case(reference))

    def _visible_case(self, reference: str) -> bool:
        return self.view is None or any(c.reference == reference for c in self.view.cases) or self.supervisor

    # --- loading -------------------------------------------------------------
    def mark_stale(self) -> None:
        self._stale = True
        if self.isVisible():
            self.refresh()

    def showEvent(self, event: object) -> None:
        super().showEvent(event)  # type: ignore[arg-type]
        if self._stale:
            self.refresh()

    def refresh(self) -> None:
        self._stale = False
        try:
            view = Home(self.session).view()
        except Exception as exc:
            errors.show_error(self, exc, self.tr("Home"))
            return
        self.show_view(view)

    def show_view(self, view: HomeView) -> None:
        self.view = view
        keep = self._current_query()
        self.queries.clear()
        for q in view.queries:
            item = QTreeWidgetItem([q.case_ref, str(q.seq), q.supervisor, formatting.short_when(q.asked_at), q.text])
            item.setData(0, KEY, q.seq)
            item.setToolTip(4, q.text)
            item.setToolTip(3, formatting.when(q.asked_at))
            item.setToolTip(1, self.tr("Custody entry {seq}; about the case's entries up to {up_to}")
                            .format(seq=q.seq, up_to=q.up_to))
            self.queries.addTopLevelItem(item)
            if q.seq == keep:
                self.queries.setCurrentItem(item)
        first = self.queries.topLevelItem(0)
        if self.queries.currentItem() is None and first is not None:
            self.queries.setCurrentItem(first)
        self.review.clear()
        for ref, n in view.review_queue:
            item = QTreeWidgetItem([ref, str(n)])
            item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.review.addTopLevelItem(item)
        self.cases.clear()
        for c in view.cases:
            item = QTreeWidgetItem([c.reference, c.title, formatting.value_label(c.status), str(c.exhibits),
                                    str(c.unreviewed)])
            item.setToolTip(1, c.title)
            self.cases.addTopLevelItem(item)
        self.conflicts.clear()
        for disputed in view.conflicts:
            item = QTreeWidgetItem([disputed.case_ref, disputed.exhibit_ref, conflict_text.state_text(disputed.here),
                                    conflict_text.state_text(disputed.other)])
            item.setToolTip(3, conflict_text.register_tip(disputed))
            self.conflicts.addTopLevelItem(item)
        self.conflicts_box.setVisible(bool(view.conflicts))
        self.lent.clear()
        for e in view.checked_out_to_me:
            item = QTreeWidgetItem([e.case_ref, e.reference, e.original_name, e.description])
            item.setToolTip(3, e.description)
            self.lent.addTopLevelItem(item)
        for tree in (self.queries, self.review, self.cases, self.lent, self.conflicts):
            for col in range(tree.columnCount() - 1):
                tree.resizeColumnToContents(col)
        self._placeholder(self.queries, self.tr("No open query.") if self.supervisor
                          else self.tr("No query waits for your answer."))
        self._placeholder(self.review, self.tr("Nothing waits for your review."))
        self._placeholder(self.cases, self.tr("You are not a member of any case yet."))
        self._placeholder(self.lent, self.tr("No exhibit is checked out to you."))
        self.greeting.setText(self._greeting(view))
        remembered = self.resume.property("case")
        self.resume.setVisible(bool(remembered) and self._visible_case(str(remembered)))
        self._query_selected()
        self.loaded.emit(view)

    @staticmethod
    def _placeholder(tree: QTreeWidget, text: str) -> None:
        """An empty list says so (a blank pane looks like a failure to load)."""
        if tree.topLevelItemCount():
            return
        item = QTreeWidgetItem([text])
        item.setFlags(Qt.ItemFlag.NoItemFlags)
        tree.addTopLevelItem(item)
        item.setFirstColumnSpanned(True)

    def _greeting(self, view: HomeView) -> str:
        name = html.escape(self.session.user.full_name)  # shown in bold, never read as markup
        # Counts after a colon: no "quer(ies)" or "case(s)" on the page, in any language.
        if self.supervisor:
            return self.tr("<b>{name}</b> — cases waiting for your review: {cases}; your queries waiting for an "
                           "answer: {queries}.").format(name=name, cases=len(view.review_queue),
                                                        queries=len(view.queries))
        if not self.content:
            return self.tr("<b>{name}</b> — cases: {cases}.").format(name=name, cases=len(view.cases))
        return self.tr("<b>{name}</b> — open queries for you to answer: {queries}; exhibits checked out to you: "
                       "{lent}.").format(name=name, queries=len(view.queries), lent=len(view.checked_out_to_me))

    # --- search -------------------------------------------------------------------
    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def run_search(self) -> None:
        self._search_timer.stop()
        text = self.search.text().strip()
        self.results.clear()
        if not text or not self.content:
            self._show_results(False)
            return
        try:
            result = Search(self.session).find(text)
        except CaseDeskError as exc:
            self._show_results(True)
            self.results_note.setText(str(exc)[:1].upper() + str(exc)[1:])
            return
        except Exception as exc:
            errors.show_error(self, exc, self.tr("Search"))
            return
        for hit in result.hits:
            e = hit.exhibit
            if hit.matched == NOTE and hit.note is not None:
                details = " ".join(hit.note.text.split())
                item = QTreeWidgetItem([hit.case_ref, self.tr("note by {author}").format(author=hit.note.author),
                                        e.reference if e else "", e.original_name if e else "", details])
                item.setData(0, KEY, ("notes", ""))
                item.setToolTip(4, hit.note.text)
            elif e is not None:
                flags = "".join(f" [{f}]" for f, on in ((self.tr("withdrawn"), e.status == "withdrawn"),
                                                        (self.tr("sensitive"), e.sensitive)) if on)
                item = QTreeWidgetItem([hit.case_ref, hit.matched, e.reference, e.original_name,
                                        f"{e.description}{flags}"])
                item.setData(0, KEY, ("exhibits", e.reference))
                item.setToolTip(4, f"{e.description}\nSHA-256 {e.sha256}")
                item.setToolTip(3, e.original_name)
            else:
                continue
            self.results.addTopLevelItem(item)
        for col, most in enumerate(RESULT_WIDTHS):  # what is left is the details', wrapped
            self.results.resizeColumnToContents(col)
            self.results.setColumnWidth(col, min(self.results.columnWidth(col), most))
        n = self.rows(self.results)
        notes = [self.tr("{n} result(s) for “{text}”; Enter or double-click opens one, Esc clears the search.")
                 .format(n=n, text=text)]
        if result.more:
            notes.append(self.tr("More were found: type more of the text to narrow them."))
        if result.notes_locked:
            notes.append(self.tr("Notes not searched (key not yet granted to you): {cases}.")
                         .format(cases=", ".join(result.notes_locked)))
        self._placeholder(self.results, self.tr("Nothing found for “{text}”.").format(text=text))
        self.results_note.setText(" ".join(notes))
        self._show_results(True)
        first = self.results.topLevelItem(0)
        if first is not None and first.flags() & Qt.ItemFlag.ItemIsEnabled:
            self.results.setCurrentItem(first)

    def _show_results(self, shown: bool) -> None:
        self.results_box.setVisible(shown)
        self.panels.setVisible(not shown)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (watched is self.search and event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent)
                and event.key() == Qt.Key.Key_Escape and self.search.text()):
            self.search.clear()  # the results go, the panels come back
            self.run_search()
            return True
        return super().eventFilter(watched, event)

    def _open_result(self, item: QTreeWidgetItem, _column: int) -> None:
        target = item.data(0, KEY)
        if isinstance(target, tuple):
            self.open_case.emit(item.text(0), target[0], target[1])

    # --- answering in place ----------------------------------------------------
    def _current_query(self) -> int | None:
        item = self.queries.currentItem()
        seq = item.data(0, KEY) if item is not None else None
        return int(seq) if seq is not None else None

    @staticmethod
    def rows(tree: QTreeWidget) -> int:
        """The list's real rows (not the line that says it is empty)."""
        items = (tree.topLevelItem(i) for i in range(tree.topLevelItemCount()))
        return sum(1 for item in items if item is not None and item.flags() & Qt.ItemFlag.ItemIsEnabled)

    def _query_selected(self) -> None:
        item = self.queries.currentItem() if self._current_query() is not None else None
        can = item is not None and not self.supervisor and self.session.can(Permission.CASE_EDIT)
        self.answer_button.setEnabled(can)
        self.answer.setEnabled(can)
        if item is None:
            self.answer_button.setToolTip(self.tr("No query is selected: there is nothing to answer"))
        else:
            self.answer_button.setToolTip(self.tr("Answer query {seq} on {case}: a signed note that names the "
                                                  "query and closes it").format(seq=item.text(1), case=item.text(0)))

    def focus_queries(self) -> None:
        if self.rows(self.queries):
            self.queries.setFocus()
        if not self.supervisor and self.answer.isEnabled():
            self.answer.setFocus()

    def _answer(self) -> None:
        item, seq = self.queries.currentItem(), self._current_query()
        if item is None or seq is None or self.supervisor:
            return
        case_ref = item.text(0)
        try:
            note = Cases(self.session).add_note(case_ref, self.answer.text(), answers=seq)
        except CaseDeskError as exc:
            self.answer_message.error(str(exc))
            self.answer.setFocus()
            return
        except Exception as exc:
            errors.show_error(self, exc, self.tr("Query"))
            return
        self.answer.clear()
        self.refresh()
        self.answer_message.success(self.tr("Query {seq} on {case} answered (custody entry {entry}).")
                                    .format(seq=seq, case=case_ref, entry=note.custody_seq))
        self.answered.emit(case_ref)
