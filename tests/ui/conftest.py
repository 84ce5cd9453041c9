"""pytest-qt set-up: offscreen platform, QSettings in the test's own directory, the app's palette."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from casedesk.ui import app as ui_app
from casedesk.ui import errors

# The offscreen platform plugin warns about window features it does not have; not our bug.
OFFSCREEN_NOISE = ("This plugin does not support",)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.qt_log_ignore(*OFFSCREEN_NOISE))
            item.add_marker(pytest.mark.gui)


@pytest.fixture(autouse=True)
def hermetic_qsettings(tmp_path: Path, qapp: QApplication) -> Iterator[Path]:
    path = tmp_path / "qsettings"
    path.mkdir()
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, str(path))
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    ui_app.application()
    yield path
    errors.set_log_dir(None)
    for widget in QApplication.topLevelWidgets():
        widget.close()
        widget.deleteLater()
