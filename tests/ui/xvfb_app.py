"""The desktop app in a real X11 window, for ``tests/ui/test_xvfb_walk.py``.

``python -m tests.ui.xvfb_app DATADIR OUTDIR`` runs the app as ``casedesk gui`` does, on the display in
``$DISPLAY`` (an Xvfb the test started). Keys come from outside, through the X server (xdotool), as a
user's keyboard would send them. Every 100 ms the app's state is written to ``OUTDIR/state.json`` (which
window is on top, which field has the focus, the messages shown, the open case, sizes); commands appended
to ``OUTDIR/commands`` (``shot NAME``, ``resize W H``) take screenshots of the X screen or resize the
main window. There is no window manager: the newest window is activated here, as one would.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any


def _describe(widget: Any) -> str:
    return "" if widget is None else f"{type(widget).__name__}:{widget.objectName()}"


def main(datadir: Path, out: Path) -> int:
    from PySide6.QtCore import QSettings, QTimer
    from PySide6.QtWidgets import QApplication, QLabel, QWidget

    from casedesk.datadir import DataDir
    from casedesk.ui.app import AppController, application

    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, str(out / "qsettings"))
    app = application([sys.argv[0]])
    app.setQuitOnLastWindowClosed(False)
    controller = AppController(DataDir(datadir))
    controller.finished.connect(app.quit)
    controller.start()
    done = 0
    shots: list[str] = []

    def top() -> QWidget | None:
        modal = QApplication.activeModalWidget()
        if modal is not None and modal.isVisible():
            return modal
        for candidate in (controller.dialog, controller.window):
            if candidate is not None and candidate.isVisible():
                return candidate
        return None

    def run_commands(window: QWidget | None) -> None:
        nonlocal done
        path = out / "commands"
        if not path.exists():
            return
        lines = path.read_text(encoding="utf-8").splitlines()
        for line in lines[done:]:
            verb, *args = line.split()
            if verb == "shot":
                app.processEvents()
                target = out / f"{args[0]}.png"
                screen = app.primaryScreen()
                screen.grabWindow(0).save(str(target))  # the X screen as the user sees it
                shots.append(str(target))
            elif verb == "resize" and controller.window is not None:
                controller.window.showNormal()
                controller.window.resize(int(args[0]), int(args[1]))
            elif verb == "move" and window is not None:
                window.move(int(args[0]), int(args[1]))
        done = len(lines)

    def tick() -> None:
        window = top()
        if window is not None and QApplication.activeWindow() is not window:
            window.raise_()
            window.activateWindow()
        run_commands(window)
        main_window = controller.window
        focus = QApplication.focusWidget()
        state: dict[str, Any] = {
            "top": _describe(window),
            "top_title": window.windowTitle() if window is not None else "",
            "focus": _describe(focus),
            "focus_parent": _describe(focus.parentWidget()) if focus is not None else "",
            "messages": [w.text() for w in (window.findChildren(QLabel, "message") if window else [])
                         if w.isVisible()],
            "shots": shots,
            "finished": False,
        }
        if main_window is not None:
            state["case"] = main_window.case_ref
            state["cases"] = [main_window.cases.model.case_at(r).reference
                              for r in range(main_window.cases.model.rowCount())]
            state["exhibits"] = main_window.exhibits.model.rowCount() if hasattr(main_window, "exhibits") else 0
            state["size"] = [main_window.width(), main_window.height()]
            hint = main_window.minimumSizeHint()
            state["minimum"] = [max(hint.width(), main_window.minimumWidth()),
                                max(hint.height(), main_window.minimumHeight())]
            state["status"] = main_window.statusBar().currentMessage()
            home = main_window.home
            state["home"] = home.isVisible()
            state["results"] = home.rows(home.results) if home.results_box.isVisible() else 0
        state["exported"] = getattr(window, "bundle", None) is not None
        summary = getattr(window, "summary", None)
        if summary is not None and hasattr(summary, "ingested"):
            state["ingested"] = len(summary.ingested)
        temp = out / "state.json.tmp"
        temp.write_text(json.dumps(state), encoding="utf-8")
        os.replace(temp, out / "state.json")

    def finished() -> None:
        (out / "finished").write_text("yes", encoding="utf-8")

    controller.finished.connect(finished)
    timer = QTimer()
    timer.setInterval(100)
    timer.timeout.connect(tick)
    timer.start()
    code = app.exec()
    controller._close_session()
    return int(code)


if __name__ == "__main__":
    raise SystemExit(main(Path(sys.argv[1]), Path(sys.argv[2])))
