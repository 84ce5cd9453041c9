"""``python -m casedesk.ui.screenshots DIR``: the main screens of the app on the demo data, as PNGs.

Runs offscreen (``QT_QPA_PLATFORM=offscreen``, set when nothing else is) on a
fresh demo installation in a temporary folder, drives the app as a user
would (sign in, choose the case, open a preview, …) and grabs each screen,
once per window size in ``SIZES`` and per colour scheme, into
``DIR/<width>x<height>-<light|dark>/``. Dialogs larger than the size are
shrunk to it, as a window manager would.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

SIZES = ((1280, 800), (1024, 640))  # a common laptop, and the smallest screen the app is made for
SCHEMES = ("light", "dark")


def _wait(app: Any, predicate: Callable[[], bool], timeout: float = 60.0, what: str = "") -> None:
    end = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > end:
            raise TimeoutError(f"screenshots: timed out waiting for {what or 'the app'}")
        app.processEvents()
        time.sleep(0.01)


def _settle(app: Any, seconds: float = 0.3) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.01)


def take(out: Path) -> list[Path]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QSettings

    from casedesk.demo import create_demo
    from casedesk.ui import theme
    from casedesk.ui.app import application

    tmp = Path(tempfile.mkdtemp(prefix="casedesk-screenshots-"))
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, str(tmp / "qsettings"))
    app = application([sys.argv[0]])
    info = create_demo(tmp / "demo")
    shots: list[Path] = []
    for scheme in SCHEMES:
        theme.use_scheme(scheme == "dark")  # offscreen has no system scheme to set
        _settle(app)
        for size in SIZES:
            shots += _take_set(app, out / f"{size[0]}x{size[1]}-{scheme}", size, info, tmp / f"{scheme}-{size[0]}")
    theme.use_scheme(None)
    return shots


def _take_set(app: Any, out: Path, size: tuple[int, int], info: Any, tmp: Path) -> list[Path]:
    from casedesk.datadir import DataDir
    from casedesk.ui.app import AppController
    from casedesk.ui.dialogs.first_run import FirstRunDialog, demo_hint
    from casedesk.ui.dialogs.login import LoginDialog
    from casedesk.ui.dialogs.users import UsersDialog

    out.mkdir(parents=True, exist_ok=True)
    tmp.mkdir(parents=True, exist_ok=True)
    shots: list[Path] = []
    width, height = size

    def grab(widget: Any, name: str) -> None:
        if widget.isWindow() and (controller is None or widget is not controller.window):  # a dialog: fit the screen
            widget.resize(min(widget.width(), width), min(widget.height(), height))
        _settle(app)
        path = out / f"{name}.png"
        widget.grab().save(str(path))
        shots.append(path)
        print(f"screenshots: {path}", file=sys.stderr)

    controller: Any = None
    # First run, on an empty folder
    first = AppController(DataDir(tmp / "empty")).start()
    assert isinstance(first, FirstRunDialog)
    first.full_name.setText("Ada Admin")
    grab(first, "first-run")
    first.close()

    roles = info.users
    detective = next((u for u, r in roles.items() if r == "detective"), "")
    supervisor = next((u for u, r in roles.items() if r == "supervisor"), "")
    admin = next((u for u, r in roles.items() if r == "admin"), "")
    controller = AppController(DataDir(info.data_dir))

    def sign_in(user: str) -> Any:
        dialog = controller.show_login(user, demo_hint(info))
        assert isinstance(dialog, LoginDialog)
        dialog.password.setText(info.passwords[user])
        if user == detective:
            grab(dialog, "login")
        dialog.attempt()
        _wait(app, lambda: controller.window is not None, what=f"{user} to sign in")
        window = controller.window
        window.resize(width, height)
        window.splitter.setSizes([min(340, width // 4), width - min(340, width // 4)])
        _wait(app, lambda: window.cases.model.rowCount() > 0, what="the case list")
        window.cases.select(info.case_ref)
        _wait(app, lambda: window.case_ref == info.case_ref, what="the case")
        return window

    def sign_out(window: Any) -> None:
        window.close()
        controller._close_session()
        controller.window = None
        if controller.dialog is not None:
            controller.dialog.close()

    # Detective: overview, exhibits with a preview, custody log, export
    window = sign_in(detective)
    window.tabs.setCurrentWidget(window.case_tabs["overview"])
    grab(window, "case-overview")

    tab = window.exhibits
    window.tabs.setCurrentWidget(tab)
    _wait(app, lambda: not tab.loading and tab.model.rowCount() > 0, what="the register")
    from casedesk.ui.partials.preview import preview_kind

    kinds = {preview_kind(tab.model.exhibit(i).mime_type): i for i in range(tab.model.rowCount())}
    row = kinds.get("pdf", kinds.get("image", kinds.get("text", 0)))
    tab.select(tab.model.exhibit(row).reference)
    tab.detail.setCurrentIndex(2)
    tab.open_preview()
    _wait(app, lambda: tab.detail.preview.kind is not None, what="the preview")
    grab(window, "exhibits-preview")

    tab.detail.setCurrentIndex(0)
    grab(window, "exhibit-details")

    window.tabs.setCurrentWidget(window.custody)
    _wait(app, lambda: window.custody.model.rowCount() > 0, what="the custody log")
    grab(window, "custody-log")

    window.export()
    export = window.dialog
    export.output.setText(str(tmp / "bundle.pdf"))
    grab(export, "export")
    export.start()
    _wait(app, lambda: export.bundle is not None or (export.job is None and export.message.isVisible()),
          timeout=300, what="the export")
    _wait(app, lambda: export.pdf_document.pageCount() > 0, what="the bundle preview")
    grab(export, "export-done")
    export.close()
    sign_out(window)

    # Supervisor: the review queue
    window = sign_in(supervisor)
    window.tabs.setCurrentWidget(window.review)
    _wait(app, lambda: window.review.model.rowCount() > 0 or window.review.queue.topLevelItemCount() >= 0,
          what="the review tab")
    grab(window, "review")
    sign_out(window)

    # Administrator: users
    window = sign_in(admin)
    window.manage_users()
    users = window.dialog
    assert isinstance(users, UsersDialog)
    users.resize(min(900, width), min(420, height))
    grab(users, "admin-users")
    users.close()
    sign_out(window)
    return shots


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m casedesk.ui.screenshots DIR", file=sys.stderr)
        return 2
    take(Path(args[0]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
