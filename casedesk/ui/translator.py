"""The desktop app in the user's language: Qt translators for the system locale, installed at start.

Catalogues are ``resources/translations/casedesk_<language>.ts`` (``make translations`` extracts every
``tr()`` string into them and compiles each to the ``.qm`` Qt loads). A locale with no compiled catalogue
gets the English source texts; Qt's own strings (standard buttons, context menus) come from Qt's
catalogues where the installed Qt has one.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

log = logging.getLogger("casedesk.ui")

TRANSLATIONS_DIR = Path(__file__).resolve().parents[2] / "resources" / "translations"


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:
    """Marks ``text`` for the catalogue under ``context``; translated where it is shown. Typed, unlike Qt's."""
    return text


def install_translators(app: QCoreApplication, locale: QLocale | None = None,
                        directory: Path | None = None) -> list[QTranslator]:
    """Load and install the app's catalogue and Qt's own for ``locale`` (default: the default locale, which is
    the system's unless ``QLocale.setDefault`` changed it).

    Returns the translators installed (children of ``app``; ``remove_translators`` takes them out again).
    """
    locale = locale if locale is not None else QLocale()
    directory = directory if directory is not None else TRANSLATIONS_DIR
    installed: list[QTranslator] = []
    for name, folder in (("qtbase", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)),
                         ("casedesk", str(directory))):
        translator = QTranslator(app)
        if translator.load(locale, name, "_", folder, ".qm") and app.installTranslator(translator):
            installed.append(translator)
            log.info("translation %s loaded for %s", name, locale.name())
        else:
            translator.deleteLater()
    return installed


def remove_translators(app: QCoreApplication, translators: list[QTranslator]) -> None:
    for translator in translators:
        app.removeTranslator(translator)
        translator.deleteLater()
