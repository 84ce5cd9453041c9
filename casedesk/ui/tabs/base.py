"""What every tab of the case workspace does: follow the selected case, refresh on F5."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget

from casedesk.services.session import Session


class CaseTab(QWidget):
    changed = Signal()  # the tab changed the case: other tabs and the case list refresh

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.case_ref: str | None = None
        self.read_only: str | None = None  # why nothing can be recorded in the case (handed over), or None
        self._stale = True

    def set_read_only(self, why: str | None) -> None:
        """The case on screen takes no more entries (``why`` says so, in tooltips), or it does again."""
        self.read_only = why
        self.apply_read_only()

    def apply_read_only(self) -> None:
        """Disable what would write, with ``read_only`` as the reason (after a load, too)."""

    def set_case(self, reference: str | None) -> None:
        self.case_ref = reference
        self._stale = True
        if self.isVisible():
            self.refresh()

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
        self.load()

    def load(self) -> None:
        raise NotImplementedError
