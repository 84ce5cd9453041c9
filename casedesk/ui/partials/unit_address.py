"""The unit's address and its CA certificate, as a dialog that talks to the unit asks for them.

Prefilled from the last sync (the address this installation's log last synced with, else the one remembered by
the desktop) and checked before anything goes on the network: an address that is not https, a CA file that is
not there, each refused in one line with the focus on the field to put right.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QFileDialog, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton, QWidget

from casedesk.services.session import Session
from casedesk.services.unit_status import status
from casedesk.ui import window_state
from casedesk.ui.icons import icon


class UnitAddress(QObject):
    """The two fields and the Browse button, placed in the owning dialog's form by ``add_to``."""

    def __init__(self, session: Session, prefix: str, owner: QWidget) -> None:
        super().__init__(owner)  # no Python reference back to the owner: a cycle the collector broke crashed Qt
        root = session.datadir.root
        try:
            last = status(session).url
        except Exception:  # a store that cannot be read is reported by sign-in and verify
            last = None
        self.url = QLineEdit(last or window_state.unit_url(root))
        self.url.setObjectName(f"{prefix}Url")
        self.url.setPlaceholderText(self.tr("https://casedesk.unit.example:8443"))
        self.url.setAccessibleName(self.tr("Unit address"))
        self.ca = QLineEdit(window_state.unit_ca(root))
        self.ca.setObjectName(f"{prefix}Ca")
        self.ca.setPlaceholderText(self.tr("the system's certificate authorities"))
        self.ca.setAccessibleName(self.tr("CA certificate file"))
        self.ca.setToolTip(self.tr("The certificate of the authority that signs the unit's TLS certificate, as the "
                                   "unit administrator gave it; leave empty to trust the system's"))
        self.browse = QPushButton(icon("folder"), self.tr("&Browse…"))
        self.browse.setObjectName(f"{prefix}BrowseCa")
        self.browse.setAutoDefault(False)
        self.browse.clicked.connect(self._browse)
        self.ca_row = QHBoxLayout()
        self.ca_row.addWidget(self.ca, 1)
        self.ca_row.addWidget(self.browse)

    def add_to(self, form: QFormLayout) -> None:
        url_label = QLabel(self.tr("&Unit address:"))
        url_label.setBuddy(self.url)
        ca_label = QLabel(self.tr("&CA certificate:"))
        ca_label.setBuddy(self.ca)
        form.addRow(url_label, self.url)
        form.addRow(ca_label, self.ca_row)

    def set_enabled(self, enabled: bool) -> None:
        for w in (self.url, self.ca, self.browse):
            w.setEnabled(enabled)

    def problem(self) -> str | None:
        """What is wrong with the address or the CA file, in one line (the field to put right has the focus)."""
        url, ca = self.url.text().strip(), self.ca.text().strip()
        if not url.lower().startswith("https://"):
            self.url.setFocus()
            return self.tr("Give the unit's address as the unit administrator gave it, starting with https://")
        if ca and not Path(ca).is_file():
            self.ca.setFocus()
            return self.tr("There is no certificate file {path}: choose the one the unit administrator gave you, or "
                           "leave the field empty").format(path=ca)
        return None

    def address(self) -> tuple[str, Path | None]:
        ca = self.ca.text().strip()
        return self.url.text().strip(), (Path(ca) if ca else None)

    def remember(self, session: Session) -> None:
        url, _ca = self.address()
        window_state.remember_unit(session.datadir.root, url, self.ca.text().strip())

    def _browse(self) -> None:
        owner = self.parent()
        name, _filter = QFileDialog.getOpenFileName(owner if isinstance(owner, QWidget) else None,
                                                    self.tr("The unit's CA certificate"),
                                                    self.ca.text(),
                                                    self.tr("Certificates (*.pem *.crt *.cer);;All files (*)"))
        if name:
            self.ca.setText(name)
