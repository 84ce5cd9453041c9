"""Previews of exhibit content: text, images, PDFs (Qt PDF), or a reason there is none.

The bytes come from ``Evidence.open_content`` (which records an
``exhibit.viewed`` custody entry); this widget only displays them.
"""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QImage, QPixmap, QResizeEvent
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import QLabel, QPlainTextEdit, QScrollArea, QStackedWidget, QWidget

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

    def show_image(self, image: QImage) -> None:
        self.pixmap = QPixmap.fromImage(image)
        self._fit()

    def _fit(self) -> None:
        if self.pixmap.isNull():
            self.label.clear()
            return
        area = self.viewport().size()
        shown = self.pixmap
        if shown.width() > area.width() or shown.height() > area.height():
            shown = shown.scaled(area, Qt.AspectRatioMode.KeepAspectRatio,
                                 Qt.TransformationMode.SmoothTransformation)
        self.label.setPixmap(shown)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()


class PreviewWidget(QStackedWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("preview")
        self.kind: str | None = None
        self.message = QLabel()
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setWordWrap(True)
        self.message.setObjectName("previewMessage")
        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)
        self.text.setObjectName("previewText")
        self.text.setAccessibleName("Exhibit preview")
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.image = ImageView()
        self.image.setObjectName("previewImage")
        self.pdf_document = QPdfDocument(self)
        self.pdf = QPdfView()
        self.pdf.setObjectName("previewPdf")
        self.pdf.setDocument(self.pdf_document)
        self.pdf.setPageMode(QPdfView.PageMode.MultiPage)
        self.pdf.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self._pdf_buffer: QBuffer | None = None
        for w in (self.message, self.text, self.image, self.pdf):
            self.addWidget(w)
        self.show_message("")

    def show_message(self, text: str) -> None:
        self.kind = None
        self.message.setText(text)
        self.setCurrentWidget(self.message)

    def clear(self) -> None:
        self.text.clear()
        self.image.show_image(QImage())
        self.pdf_document.close()
        self._pdf_buffer = None
        self.show_message("")

    def show_content(self, mime_type: str, content: bytes, truncated: bool = False) -> str | None:
        """Display ``content``; returns the kind shown, or None with a message in its place."""
        kind = preview_kind(mime_type)
        if not content and not truncated:
            self.show_message("The file is empty (0 bytes): there is nothing to show.")
            return None
        if kind == "text":
            text = content.decode("utf-8", errors="replace")
            if len(text) > TEXT_LIMIT or truncated:
                text = text[:TEXT_LIMIT] + "\n\n[… the rest is not shown: extract the exhibit to read it all]"
            self.text.setPlainText(text)
            self.setCurrentWidget(self.text)
        elif kind == "image":
            image = QImage.fromData(content)
            if image.isNull():
                self.show_message(f"The image ({mime_type}) cannot be decoded for a preview.")
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
                self.show_message("The PDF cannot be opened for a preview (damaged or encrypted).")
                return None
            self._pdf_buffer = buffer
            self.setCurrentWidget(self.pdf)
        else:
            self.show_message(f"No preview for {mime_type}: extract the exhibit to open it in another program.")
            return None
        self.kind = kind
        return kind
