"""The detail pane of one exhibit: metadata, hashes with copy buttons, warnings, custody timeline, preview."""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from casedesk.reports.text import visible
from casedesk.ui import formatting, theme
from casedesk.ui.icons import icon
from casedesk.ui.partials import conflicts as conflict_text
from casedesk.ui.partials.copy_field import CopyField
from casedesk.ui.partials.preview import PreviewControls, PreviewWidget, preview_kind
from casedesk.ui.partials.wrapped_text import wrap_column
from casedesk.ui.translator import QT_TRANSLATE_NOOP

translate = QCoreApplication.translate

# Each row: its label (translated where shown; the untranslated name keys ``ExhibitDetail.values``) and its value.
METADATA: tuple[tuple[str, Callable[[Any], Any]], ...] = (
    (QT_TRANSLATE_NOOP("ExhibitDetail", "Description"), lambda e: e.description),
    (QT_TRANSLATE_NOOP("ExhibitDetail", "Type"),
     lambda e: f"{getattr(e, 'type_description', '') or '-'} ({e.mime_type})"),
    (QT_TRANSLATE_NOOP("ExhibitDetail", "Size"), lambda e: translate("ExhibitDetail", "{size} ({n} bytes)").format(
        size=formatting.size(e.size), n=f"{e.size:,}")),
    # A seized file's name is shown, never obeyed: direction overrides and control characters as [U+XXXX].
    (QT_TRANSLATE_NOOP("ExhibitDetail", "Original name"), lambda e: visible(getattr(e, "original_name", ""))),
    (QT_TRANSLATE_NOOP("ExhibitDetail", "Path in source"), lambda e: visible(getattr(e, "relative_path", ""))),
    (QT_TRANSLATE_NOOP("ExhibitDetail", "Seized from"), lambda e: getattr(e, "seized_from", "")),
    (QT_TRANSLATE_NOOP("ExhibitDetail", "Seized at"), lambda e: formatting.when(getattr(e, "seized_at", None))),
    (QT_TRANSLATE_NOOP("ExhibitDetail", "Seized where"), lambda e: getattr(e, "seized_location", "")),
    (QT_TRANSLATE_NOOP("ExhibitDetail", "Seal"), lambda e: getattr(e, "seal", "")),
    (QT_TRANSLATE_NOOP("ExhibitDetail", "Produced by"), lambda e: f"{e.producer_name} ({e.producer})"),
    (QT_TRANSLATE_NOOP("ExhibitDetail", "Ingested"), lambda e: translate("ExhibitDetail", "{when} by {user}").format(
        when=formatting.when(getattr(e, "ingested_at", None)), user=getattr(e, "ingested_by", ""))),
    (QT_TRANSLATE_NOOP("ExhibitDetail", "Tool"), lambda e: getattr(e, "tool", "")),
    (QT_TRANSLATE_NOOP("ExhibitDetail", "Custodian"), lambda e: translate(
        "ExhibitDetail", "{custodian} — checked out").format(custodian=e.custodian)
     if getattr(e, "checked_out", False) else e.custodian),
    (QT_TRANSLATE_NOOP("ExhibitDetail", "Location"), lambda e: e.location),
    (QT_TRANSLATE_NOOP("ExhibitDetail", "Status"), lambda e: formatting.value_label(getattr(e, "status", "active"))
     + (f": {e.withdrawn_reason}" if getattr(e, "withdrawn_reason", None) else "")),
    (QT_TRANSLATE_NOOP("ExhibitDetail", "Sensitive"), lambda e: translate("ExhibitDetail", "yes (MG6D: not disclosed)")
     if getattr(e, "sensitive", False) else translate("ExhibitDetail", "no")),
    (QT_TRANSLATE_NOOP("ExhibitDetail", "File modified"), lambda e: formatting.when(getattr(e, "fs_modified", None))),
)


def warnings_of(e: Any) -> list[str]:
    out = []
    if getattr(e, "type_warning", None):
        out.append(translate("ExhibitDetail", "Type: {warning}").format(warning=e.type_warning))
    dup = getattr(e, "duplicate_of", None)
    if dup:
        out.append(translate("ExhibitDetail", "Duplicate: same content (SHA-256) as exhibit {ref}").format(ref=dup))
    return out


class ExhibitDetail(QTabWidget):
    preview_requested = Signal()
    timeline_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("exhibitDetail")
        self.exhibit: Any = None
        # Details
        self.title = QLabel()
        self.title.setObjectName("exhibitTitle")
        self.title.setWordWrap(True)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.warnings = QLabel()
        self.warnings.setObjectName("exhibitWarnings")
        self.warnings.setWordWrap(True)
        # An open custody conflict: both states, each naming its entry (the register's is this log's).
        self.conflict = QLabel()
        self.conflict.setObjectName("exhibitConflict")
        self.conflict.setWordWrap(True)
        self.conflict.setTextFormat(Qt.TextFormat.PlainText)  # custodians and places typed elsewhere: never HTML
        self.conflict.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.conflict.setFrameShape(QFrame.Shape.StyledPanel)
        self.conflict.setMargin(6)
        self.conflict.hide()
        self.values: dict[str, QLabel] = {}
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        for name, _get in METADATA:
            label = QLabel()
            label.setTextFormat(Qt.TextFormat.PlainText)  # names and descriptions come from outside: never HTML
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.values[name] = label
            form.addRow(self.tr("{label}:").format(label=self.tr(name)), label)
        self.sha256 = CopyField("sha256", "SHA-256")
        self.md5 = CopyField("md5", "MD5")
        self.sha1 = CopyField("sha1", "SHA-1")
        form.addRow(self.tr("SHA-256:"), self.sha256)
        form.addRow(self.tr("MD5:"), self.md5)
        form.addRow(self.tr("SHA-1:"), self.sha1)
        self.hash_form = form
        self.buttons = QGridLayout()  # two per row: the pane stays narrow and no button is cut
        self._button_count = 0
        details = QWidget()
        layout = QVBoxLayout(details)
        layout.addWidget(self.title)
        layout.addWidget(self.warnings)
        layout.addWidget(self.conflict)
        layout.addLayout(form)
        layout.addLayout(self.buttons)
        layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidget(details)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        # Content follows the pane's width (labels wrap) instead of running off under a scrollbar.
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.addTab(scroll, icon("exhibit"), self.tr("&Details"))
        # Custody timeline
        self.timeline = QTreeWidget()
        self.timeline.setObjectName("exhibitTimeline")
        self.timeline.setAccessibleName(self.tr("Exhibit timeline"))
        self.timeline.setHeaderLabels(["#", self.tr("Time (UK)"), self.tr("Action"), self.tr("By"), self.tr("From → "
                                                                                                            "to"),
                                       self.tr("Reason / location")])
        self.timeline.setRootIsDecorated(False)
        self.timeline.setAlternatingRowColors(True)
        self.timeline.setWordWrap(True)
        self.addTab(self.timeline, icon("custody"), self.tr("C&ustody"))
        # Preview
        self.preview = PreviewWidget()
        self.preview_button = QPushButton(icon("preview"), self.tr("&Open preview"))
        self.preview_button.setObjectName("openPreview")
        self.preview_tip = self.tr("Show the exhibit's content; the viewing is recorded in the custody log")
        self.preview_button.setToolTip(self.preview_tip)
        self.blocked: str | None = None  # why no viewing can be recorded in the case (handed over), or None
        self.preview_button.clicked.connect(self.preview_requested)
        self.preview_note = QLabel(self.tr("Opening a preview is recorded in the custody log (who viewed what, when)."))
        self.preview_note.setWordWrap(True)
        self.preview_note.setStyleSheet("color: palette(placeholder-text);")
        preview_page = QWidget()
        preview_layout = QVBoxLayout(preview_page)
        row = QHBoxLayout()
        row.addWidget(self.preview_button)
        row.addWidget(self.preview_note, 1)
        preview_layout.addLayout(row)
        self.preview_controls = PreviewControls(self.preview)
        preview_layout.addWidget(self.preview_controls)
        preview_layout.addWidget(self.preview, 1)
        self.metadata = QTreeWidget()
        self.metadata.setObjectName("embeddedMetadata")
        self.metadata.setAccessibleName(self.tr("Embedded metadata"))
        self.metadata.setHeaderLabels([self.tr("Embedded metadata"), self.tr("Value")])
        self.metadata.setRootIsDecorated(False)
        self.metadata.setAlternatingRowColors(True)
        self.metadata.setToolTip(self.tr("What the file says about itself (EXIF, PDF document information): a claim of "
                                         "the file, not recorded facts"))
        self.metadata.setMaximumHeight(150)
        wrap_column(self.metadata, 1)  # a long value (camera software, a PDF's title) is shown whole
        self.metadata.hide()
        preview_layout.addWidget(self.metadata)
        self.addTab(preview_page, icon("preview"), self.tr("&Preview"))
        self.currentChanged.connect(self._tab_changed)
        self.show_exhibit(None)

    def show_conflict(self, conflict: Any) -> None:
        """The exhibit's open custody conflict (a ``ConflictView``), or nothing."""
        if conflict is None:
            self.conflict.clear()
            self.conflict.hide()
            return
        self.conflict.setText("⚠ " + conflict_text.summary(conflict) + "\n" + self.tr(
            "The register shows this log's state until a supervisor's signed resolution says which holds."))
        self.conflict.setStyleSheet(f"color: {theme.warning_colour().name()};")
        self.conflict.show()

    def block_preview(self, why: str | None) -> None:
        """A case that takes no more entries takes no viewing either (a preview is recorded): ``why`` says so."""
        self.blocked = why
        kind = preview_kind(self.exhibit.mime_type) if self.exhibit is not None else None
        self.preview_button.setEnabled(kind is not None and why is None)
        self.preview_button.setToolTip(why or self.preview_tip)

    def add_button(self, button: QWidget) -> None:
        row, col = divmod(self._button_count, 2)
        self.buttons.addWidget(button, row, col)
        self._button_count += 1

    def show_exhibit(self, e: Any) -> None:
        # The same exhibit shown again (the register reloaded): an open preview stays open.
        same = (e is not None and self.exhibit is not None and e.reference == self.exhibit.reference
                and e.sha256 == self.exhibit.sha256 and self.preview.kind is not None)
        self.exhibit = e
        self.show_conflict(None)  # the register says which exhibit has one (ExhibitsTab._selection)
        self.timeline.clear()
        if not same:
            self.preview.clear()
            self.show_metadata([])
        self.setEnabled(e is not None)
        if e is None:
            self.title.setText(self.tr("<i>Choose an exhibit to see its details.</i>"))
            self.warnings.hide()
            for label in self.values.values():
                label.clear()
            for f in (self.sha256, self.md5, self.sha1):
                f.set_value(None)
            self.preview.show_message("")
            return
        self.title.setText(f"<b style='font-size:13pt'>{e.reference}</b>")
        problems = warnings_of(e)
        self.warnings.setText("⚠ " + "<br>⚠ ".join(html.escape(visible(p)) for p in problems))
        self.warnings.setStyleSheet(f"color: {theme.warning_colour().name()};")
        self.warnings.setVisible(bool(problems))
        for name, get in METADATA:
            self.values[name].setText(str(get(e) or "—"))
        self.sha256.set_value(e.sha256)
        self.md5.set_value(getattr(e, "md5", None) or None)
        self.sha1.set_value(getattr(e, "sha1", None) or None)
        self.hash_form.setRowVisible(self.md5, bool(getattr(e, "md5", None)))
        self.hash_form.setRowVisible(self.sha1, bool(getattr(e, "sha1", None)))
        kind = preview_kind(e.mime_type)
        self.preview_button.setEnabled(kind is not None and self.blocked is None)
        self.preview_button.setToolTip(self.blocked or self.preview_tip)
        if not same:
            self.preview.show_message(
                self.tr("Press Open preview to view the content.") if kind else
                self.tr("No preview for {type}: extract the exhibit to open it in another program.").format(
                    type=e.mime_type)
            )
        if self.currentIndex() == 1:
            self.timeline_requested.emit()

    def show_metadata(self, rows: list[tuple[str, str]]) -> None:
        self.metadata.clear()
        for name, value in rows:
            item = QTreeWidgetItem([name, value])
            item.setToolTip(1, value)
            self.metadata.addTopLevelItem(item)
        self.metadata.resizeColumnToContents(0)
        self.metadata.setVisible(bool(rows))

    def _tab_changed(self, index: int) -> None:
        if index == 1 and self.exhibit is not None and self.timeline.topLevelItemCount() == 0:
            self.timeline_requested.emit()

    def show_timeline(self, entries: list[Any]) -> None:
        self.timeline.clear()
        for entry in entries:
            parties = " → ".join(p for p in (entry.from_party, entry.to_party) if p)
            detail = "; ".join(p for p in (entry.reason, entry.location) if p)
            item = QTreeWidgetItem([str(entry.seq), formatting.short_when(entry.timestamp),
                                    formatting.action_label(entry.action),
                                    entry.actor, parties, detail])
            item.setToolTip(1, formatting.when(entry.timestamp))
            item.setToolTip(2, entry.action)
            item.setToolTip(5, detail)
            self.timeline.addTopLevelItem(item)
        for col in range(5):
            self.timeline.resizeColumnToContents(col)
