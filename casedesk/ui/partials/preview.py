"""Previews of exhibit content: text, images, PDFs (Qt PDF), or a reason there is none.

The bytes come from ``Evidence.open_content`` (which records an
``exhibit.viewed`` custody entry); this widget only displays them.
"""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, Qt, Signal
from PySide6.QtGui import QImage, QKeySequence, QPixmap, QResizeEvent, QShortcut
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QScrollArea,
    QSpinBox,
    QStackedWidget,
    QToolButton,
    QWidget,
)

from casedesk.ui.icons import icon

ZOOM_STEPS = (0.25, 0.33, 0.5, 0.67, 0.75, 0.9, 1.0, 1.1, 1.25, 1.5, 1.75, 2.0, 2.5, 3.0, 4.0, 6.0, 8.0)
TEXT_LIMIT = 1_000_000  # characters of a text exhibit shown
TEXT_TYPES = ("text/", "application/json", "application/xml", "application/csv", "application/x-empty")


def preview_kind(mime_type: str) -> str | None:
    """``text``, ``image``, ``pdf`` or None when CaseDesk has no viewer for the type."""
    mime = mime_type.lower()
    if mime == "application/pdf":
        return "pdf"
    if mime.startswith("image/"):
        return "image"
    if mime.startswith(TEXT_TYPES):
        return "text"
    return None


class ImageView(QScrollArea):
    def __init__(self) -> None:
        super().__init__()
        self.label = QLabel()
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setWidget(self.label)
        self.setWidgetResizable(True)
        self.pixmap = QPixmap()
        self.zoom: float | None = None  # None: fit the pane; else the scale of the original pixels

    def show_image(self, image: QImage) -> None:
        self.pixmap = QPixmap.fromImage(image)
        self.zoom = None
        self._fit()

    def shown_scale(self) -> float:
        """The scale the image is drawn at (1.0: one screen pixel per image pixel)."""
        if self.pixmap.isNull() or self.pixmap.width() == 0:
            return 1.0
        if self.zoom is not None:
            return self.zoom
        area = self.viewport().size()
        return min(1.0, area.width() / self.pixmap.width(), area.height() / max(1, self.pixmap.height()))

    def _fit(self) -> None:
        if self.pixmap.isNull():
            self.label.clear()
            return
        self.setWidgetResizable(self.zoom is None)
        scale = self.shown_scale()
        shown = self.pixmap if scale == 1.0 else self.pixmap.scaled(
            max(1, round(self.pixmap.width() * scale)), max(1, round(self.pixmap.height() * scale)),
            Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation)
        self.label.setPixmap(shown)
        if self.zoom is not None:
            self.label.resize(shown.size())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()


class PreviewWidget(QStackedWidget):
    view_changed = Signal()  # zoom or page changed: the controls show it

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.text_zoom = 0  # steps of QPlainTextEdit.zoomIn
        self.setObjectName("preview")
        self.kind: str | None = None
        self.message = QLabel()
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setWordWrap(True)
        self.message.setObjectName("previewMessage")
        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)
        self.text.setObjectName("previewText")
        self.text.setAccessibleName(self.tr("Exhibit preview"))
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.image = ImageView()
        self.image.setObjectName("previewImage")
        self.pdf_document = QPdfDocument(self)
        self.pdf = QPdfView()
        self.pdf.setObjectName("previewPdf")
        self.pdf.setDocument(self.pdf_document)
        self.pdf.setPageMode(QPdfView.PageMode.MultiPage)
        self.pdf.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.pdf.pageNavigator().currentPageChanged.connect(lambda _p: self.view_changed.emit())
        self.pdf.zoomFactorChanged.connect(lambda _z: self.view_changed.emit())
        self._pdf_buffer: QBuffer | None = None
        for w in (self.message, self.text, self.image, self.pdf):
            self.addWidget(w)
        self.show_message("")

    def show_message(self, text: str) -> None:
        self.kind = None
        self.message.setText(text)
        self.setCurrentWidget(self.message)
        self.view_changed.emit()

    # --- zoom and pages --------------------------------------------------------
    def zoom_percent(self) -> int | None:
        """The zoom shown to the user; None when fitted to the pane (or nothing to zoom)."""
        if self.kind == "image":
            return None if self.image.zoom is None else round(self.image.zoom * 100)
        if self.kind == "pdf":
            if self.pdf.zoomMode() != QPdfView.ZoomMode.Custom:
                return None
            return round(self.pdf.zoomFactor() * 100)
        if self.kind == "text":
            return 100 + 10 * self.text_zoom
        return None

    def _current_scale(self) -> float:
        if self.kind == "image":
            return self.image.shown_scale()
        if self.kind == "pdf":
            return self.pdf.zoomFactor() if self.pdf.zoomMode() == QPdfView.ZoomMode.Custom else 1.0
        return 1.0

    def _set_scale(self, scale: float) -> None:
        if self.kind == "image":
            self.image.zoom = scale
            self.image._fit()
        elif self.kind == "pdf":
            self.pdf.setZoomMode(QPdfView.ZoomMode.Custom)
            self.pdf.setZoomFactor(scale)
        self.view_changed.emit()

    def zoom_in(self) -> None:
        if self.kind == "text":
            self.text.zoomIn(1)
            self.text_zoom += 1
            self.view_changed.emit()
            return
        now = self._current_scale()
        self._set_scale(next((z for z in ZOOM_STEPS if z > now + 1e-6), ZOOM_STEPS[-1]))

    def zoom_out(self) -> None:
        if self.kind == "text":
            if self.text_zoom > -5:
                self.text.zoomOut(1)
                self.text_zoom -= 1
                self.view_changed.emit()
            return
        now = self._current_scale()
        self._set_scale(next((z for z in reversed(ZOOM_STEPS) if z < now - 1e-6), ZOOM_STEPS[0]))

    def zoom_fit(self) -> None:
        if self.kind == "text":
            self.text.zoomOut(self.text_zoom)
            self.text_zoom = 0
        elif self.kind == "image":
            self.image.zoom = None
            self.image._fit()
        elif self.kind == "pdf":
            self.pdf.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view_changed.emit()

    def page_count(self) -> int:
        return self.pdf_document.pageCount() if self.kind == "pdf" else 0

    def current_page(self) -> int:
        """The page on screen, from 0 (PDF only)."""
        return self.pdf.pageNavigator().currentPage() if self.kind == "pdf" else 0

    def go_to_page(self, page: int) -> None:
        if self.kind != "pdf" or not 0 <= page < self.page_count():
            return
        self.pdf.pageNavigator().jump(page, QPointF(), self.pdf.pageNavigator().currentZoom())

    def clear(self) -> None:
        self.text.clear()
        self.image.show_image(QImage())
        self.pdf_document.close()
        self._pdf_buffer = None
        self.zoom_fit()
        self.show_message("")

    def show_content(self, mime_type: str, content: bytes, truncated: bool = False) -> str | None:
        """Display ``content``; returns the kind shown, or None with a message in its place."""
        kind = preview_kind(mime_type)
        if not content and not truncated:
            self.show_message(self.tr("The file is empty (0 bytes): there is nothing to show."))
            return None
        if kind == "text":
            text = content.decode("utf-8", errors="replace")
            if len(text) > TEXT_LIMIT or truncated:
                text = text[:TEXT_LIMIT] + "\n\n" + self.tr("[… the rest is not shown: extract the exhibit to read "
                                                            "it all]")
            self.text.setPlainText(text)
            self.setCurrentWidget(self.text)
        elif kind == "image":
            image = QImage.fromData(content)
            if image.isNull():
                self.show_message(self.tr("The image ({type}) cannot be decoded for a preview.").format(type=mime_type))
                return None
            self.setCurrentWidget(self.image)
            self.image.show_image(image)
        elif kind == "pdf":
            buffer = QBuffer(self)
            buffer.setData(QByteArray(content))
            buffer.open(QIODevice.OpenModeFlag.ReadOnly)
            self.pdf_document.close()
            self.pdf_document.load(buffer)
            if self.pdf_document.status() != QPdfDocument.Status.Ready or self.pdf_document.pageCount() == 0:
                self.show_message(self.tr("The PDF cannot be opened for a preview (damaged or encrypted)."))
                return None
            self._pdf_buffer = buffer
            self.setCurrentWidget(self.pdf)
        else:
            self.show_message(self.tr("No preview for {type}: extract the exhibit to open it in another "
                                      "program.").format(
                type=mime_type))
            return None
        self.kind = kind
        self.view_changed.emit()
        return kind


class PreviewControls(QWidget):
    """Zoom (Ctrl+plus, Ctrl+minus, Ctrl+0 to fit) and, for a PDF, pages (Page Up, Page Down, a page number)."""

    def __init__(self, preview: PreviewWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.preview = preview
        self.setObjectName("previewControls")

        def button(name: str, icon_name: str, text: str, tip: str, slot: object) -> QToolButton:
            b = QToolButton()
            b.setObjectName(name)
            b.setIcon(icon(icon_name))
            b.setText(text)
            b.setToolTip(tip)
            b.setAccessibleName(text)
            b.setAutoRaise(True)
            b.clicked.connect(slot)
            return b

        self.zoom_out = button("zoomOut", "zoom-out", self.tr("Zoom "
                                                              "out"), self.tr("Zoom out (Ctrl+-)"), preview.zoom_out)
        self.zoom_in = button("zoomIn", "zoom-in", self.tr("Zoom in"), self.tr("Zoom in (Ctrl++)"), preview.zoom_in)
        self.fit = button("zoomFit", "find", self.tr("Fit"), self.tr("Fit to the pane (Ctrl+0)"), preview.zoom_fit)
        self.fit.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.zoom_label = QLabel()
        self.zoom_label.setObjectName("zoomLevel")
        self.zoom_label.setMinimumWidth(44)
        self.previous = button("previousPage", "back", self.tr("Previous page"), self.tr("Previous page (Page Up)"),
                               lambda: preview.go_to_page(preview.current_page() - 1))
        self.next = button("nextPage", "forward", self.tr("Next page"), self.tr("Next page (Page Down)"),
                           lambda: preview.go_to_page(preview.current_page() + 1))
        self.page = QSpinBox()
        self.page.setObjectName("pageNumber")
        self.page.setAccessibleName(self.tr("Page"))
        self.page.setToolTip(self.tr("Go to page"))
        self.page.setKeyboardTracking(False)
        self.page.valueChanged.connect(lambda n: preview.go_to_page(n - 1))
        self.pages = QLabel()
        self.pages.setObjectName("pageCount")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        widgets: tuple[QWidget, ...] = (self.zoom_out, self.zoom_label, self.zoom_in, self.fit)
        for w in widgets:
            layout.addWidget(w)
        layout.addStretch(1)
        self.page_widgets: tuple[QWidget, ...] = (self.previous, self.page, self.pages, self.next)
        for w in self.page_widgets:
            layout.addWidget(w)
        for keys, slot in (((QKeySequence.StandardKey.ZoomIn, "Ctrl+="), preview.zoom_in),
                           ((QKeySequence.StandardKey.ZoomOut,), preview.zoom_out), (("Ctrl+0",), preview.zoom_fit),
                           (("PgUp",), self.previous.click), (("PgDown",), self.next.click)):
            for key in keys:
                shortcut = QShortcut(QKeySequence(key), preview)
                shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
                shortcut.activated.connect(slot)
        preview.view_changed.connect(self.update_state)
        self.update_state()

    def update_state(self) -> None:
        p = self.preview
        zoomable = p.kind is not None
        for b in (self.zoom_out, self.zoom_in, self.fit):
            b.setEnabled(zoomable)
        percent = p.zoom_percent()
        self.zoom_label.setText("" if not zoomable else (self.tr("fit") if percent is None else f"{percent} %"))
        pages = p.page_count()
        for w in self.page_widgets:
            w.setVisible(pages > 0)
        if pages:
            blocked = self.page.blockSignals(True)
            self.page.setRange(1, pages)
            self.page.setValue(p.current_page() + 1)
            self.page.blockSignals(blocked)
            self.pages.setText(self.tr("of {pages}").format(pages=pages))
            self.previous.setEnabled(p.current_page() > 0)
            self.next.setEnabled(p.current_page() < pages - 1)
