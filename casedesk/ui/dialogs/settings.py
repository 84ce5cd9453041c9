"""Administration: installation settings (extra digests at ingest, default bundle marking, idle lock)."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLabel, QSpinBox, QWidget

from casedesk.services.session import Session
from casedesk.services.settings import Settings
from casedesk.settings import MARKINGS, SPECS
from casedesk.ui.dialogs.base import FormDialog


class SettingsDialog(FormDialog):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Installation settings"), self.tr("&Save"), parent)
        self.session = session
        values = Settings(session).all()
        self.md5 = QCheckBox(self.tr("MD5"))
        self.md5.setObjectName("digestMd5")
        self.sha1 = QCheckBox(self.tr("SHA-1"))
        self.sha1.setObjectName("digestSha1")
        extra = set(values["digests.extra"])
        self.md5.setChecked("md5" in extra)
        self.sha1.setChecked("sha1" in extra)
        tip = self.tr("{setting} (for exchange with older tools; SHA-256 is always computed)").format(
            setting=SPECS["digests.extra"].description)
        self.md5.setToolTip(tip)
        self.sha1.setToolTip(tip)
        digests = QHBoxLayout()
        digests.addWidget(self.md5)
        digests.addWidget(self.sha1)
        digests.addStretch(1)
        self.marking = QComboBox()
        self.marking.setObjectName("marking")
        self.marking.addItems(list(MARKINGS))
        self.marking.setCurrentText(values["bundle.default_marking"])
        self.marking.setToolTip(self.tr("Security marking printed in the header and footer of every bundle page"))
        # a label made by addRow(text, layout) shows the '&'
        digests_label = QLabel(self.tr("Extra &digests at ingest:"))
        digests_label.setBuddy(self.md5)
        self.form.addRow(digests_label, digests)
        self.form.addRow(self.tr("Default bundle &marking:"), self.marking)
        self.lock_after = QSpinBox()
        self.lock_after.setObjectName("lockAfter")
        self.lock_after.setRange(0, 480)
        self.lock_after.setSuffix(self.tr(" min"))
        self.lock_after.setSpecialValueText(self.tr("never"))
        self.lock_after.setValue(int(values["desktop.lock_after_minutes"]))
        self.lock_after.setToolTip(SPECS["desktop.lock_after_minutes"].description)
        self.form.addRow(self.tr("&Lock the app after:"), self.lock_after)
        self.message.notice(self.tr("Changes are recorded in the custody log."))

    def perform(self) -> None:
        service = Settings(self.session)
        extra = [name for name, box in (("md5", self.md5), ("sha1", self.sha1)) if box.isChecked()]
        service.set("digests.extra", extra)
        service.set("bundle.default_marking", self.marking.currentText())
        service.set("desktop.lock_after_minutes", self.lock_after.value())
