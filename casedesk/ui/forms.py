"""Small building blocks shared by dialogs: a message line, a busy bar, field helpers."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

from PySide6.QtCore import QDateTime, Qt
from PySide6.QtGui import QFocusEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QCheckBox,
    QDateTimeEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QWidget,
)

from casedesk.timeutil import UK, utc_now
from casedesk.ui import theme


class MessageLine(QLabel):
    """An inline message under a form: errors in red, notices in amber, success in green."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        # Messages quote file names, descriptions and places typed or seized elsewhere: shown, never read as HTML.
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setObjectName("message")
        self.hide()

    def _show(self, text: str, colour: str) -> None:
        self.setText(text[:1].upper() + text[1:] if text else "")
        self.setStyleSheet(f"color: {colour};")
        self.setVisible(bool(text))

    def error(self, text: str) -> None:
        self._show(text, theme.error_colour().name())

    def notice(self, text: str) -> None:
        self._show(text, theme.warning_colour().name())

    def success(self, text: str) -> None:
        self._show(text, theme.ok_colour().name())

    def clear_message(self) -> None:
        self._show("", "")


class BusyBar(QProgressBar):
    """An indeterminate bar shown while a short background step (sign-in, set-up) runs."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setRange(0, 0)
        self.setTextVisible(False)
        self.setMaximumHeight(8)
        self.hide()


def make_default(action: QPushButton, *others: QAbstractButton) -> None:
    """``action`` answers Enter, always: the other buttons never take the default by focus.

    A push button in a dialog is "auto-default": when it takes the focus (for example
    because the field that had it was disabled during a background step) it becomes the
    default and stays so. Quit or Cancel must never answer Enter.
    """
    for button in others:
        if isinstance(button, QPushButton) and button is not action:
            button.setAutoDefault(False)
    # Not auto-default itself either: an auto-default button gives up the default when it loses the focus,
    # so after a click on it that failed validation (focus moved back to the field) Enter did nothing.
    action.setAutoDefault(False)
    action.setDefault(True)


def focus_field(fields: Mapping[str, QWidget], exc: BaseException, fallback: QWidget | None = None) -> None:
    """Put the focus on the input the error names (``exc.field``), or on ``fallback``."""
    target = fields.get(getattr(exc, "field", None) or "", fallback)
    if target is None:
        return
    target.setFocus(Qt.FocusReason.OtherFocusReason)
    if isinstance(target, QLineEdit):
        target.selectAll()


def fit_on_screen(window: QWidget) -> None:
    """Keep a window inside its screen's free area: never taller or wider than it, never off its edges."""
    screen = window.screen()
    if screen is None:
        return
    area = screen.availableGeometry()
    frame = window.frameGeometry()
    extra_w, extra_h = frame.width() - window.width(), frame.height() - window.height()
    width = min(window.width(), area.width() - extra_w)
    height = min(window.height(), area.height() - extra_h)
    if (width, height) != (window.width(), window.height()):
        window.resize(max(width, window.minimumWidth()), max(height, window.minimumHeight()))
    frame = window.frameGeometry()
    x = min(max(frame.x(), area.x()), area.x() + area.width() - frame.width())
    y = min(max(frame.y(), area.y()), area.y() + area.height() - frame.height())
    if (x, y) != (frame.x(), frame.y()):
        window.move(max(x, area.x()), max(y, area.y()))


class SeizedAtEdit(QDateTimeEdit):
    """A date and time field that Tab leaves (arrows move between its parts) and that starts at the day.

    A plain QDateTimeEdit walks its sections with Tab, so Tab never reaches the next field and typing
    lands in whichever part was last selected (often the minutes).
    """

    def focusNextPrevChild(self, forward: bool) -> bool:
        return QWidget.focusNextPrevChild(self, forward)

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        if event.reason() in (Qt.FocusReason.TabFocusReason, Qt.FocusReason.BacktabFocusReason,
                              Qt.FocusReason.ShortcutFocusReason):
            self.setSelectedSection(QDateTimeEdit.Section.DaySection)


def uk_datetime(edit: QDateTimeEdit) -> datetime:
    """The edit's wall-clock time read as UK local time (GMT or BST as in force then)."""
    qdt = edit.dateTime()
    d, t = qdt.date(), qdt.time()
    return datetime(d.year(), d.month(), d.day(), t.hour(), t.minute(), t.second(), tzinfo=UK)


def set_uk_datetime(edit: QDateTimeEdit, value: datetime) -> None:
    """Show ``value`` (any time zone) in ``edit`` as UK local time, to the second."""
    uk = value.astimezone(UK)
    edit.setDateTime(QDateTime(uk.year, uk.month, uk.day, uk.hour, uk.minute, uk.second))


class AsAtField(QWidget):
    """The time an export is "as at": now unless ticked, else a past time typed in UK local time.

    The export is then made from the custody log as it stood at that time, as the command line's ``--at`` makes
    it: the same time gives the same bytes, however the case has grown since. ``value()`` is in UTC.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.earlier = QCheckBox(self.tr("As a&t an earlier time:"))
        self.earlier.setObjectName("asAtEarlier")
        self.earlier.setToolTip(self.tr("Make the document from the case as it stood at that time, e.g. to "
                                        "produce again one exported before (the same time gives the same file). "
                                        "Unticked: as at now."))
        self.when = SeizedAtEdit()
        self.when.setObjectName("asAt")
        self.when.setAccessibleName(self.tr("As at (UK time)"))
        self.when.setCalendarPopup(True)
        self.when.setDisplayFormat("dd MMM yyyy HH:mm:ss")
        self.when.setToolTip(self.tr("UK local time (GMT or BST as in force at that date); the export records it "
                                     "in UTC. Type the day, month, year, hours, minutes and seconds; ← → move "
                                     "between them"))
        set_uk_datetime(self.when, utc_now())
        self.when.setEnabled(False)
        self.zone = QLabel(self.tr("UK time"))
        self.earlier.toggled.connect(self._toggled)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.earlier)
        row.addWidget(self.when, 1)
        row.addWidget(self.zone)

    def _toggled(self, on: bool) -> None:
        if on and not self.when.isEnabled():
            set_uk_datetime(self.when, utc_now())  # starts from now: the officer winds it back
        self.when.setEnabled(on)
        if on:
            self.when.setFocus(Qt.FocusReason.OtherFocusReason)

    def set_value(self, value: datetime | None) -> None:
        """As at ``value`` (None: now)."""
        if value is not None:
            self.earlier.setChecked(True)
            set_uk_datetime(self.when, value)
        else:
            self.earlier.setChecked(False)

    def value(self) -> datetime | None:
        """None for now (the service takes the time of the export), else the time given, in UTC."""
        if not self.earlier.isChecked():
            return None
        return uk_datetime(self.when).astimezone(UTC)
