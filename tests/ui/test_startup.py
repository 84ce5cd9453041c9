"""Start-up: the sign-in window comes up before the service layer is imported, and sign-in then works."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.helpers.store import Store

# A fresh interpreter running ``casedesk --data-dir DIR``: which heavy packages are loaded when the sign-in window
# is shown, and whether the service layer is there once the window has painted and the user could type.
PROBE = r"""
import json, sys
from casedesk.cli.main import main
from casedesk.ui import app as ui_app
from casedesk.ui import deferred

HEAVY = ("sqlalchemy", "alembic", "reportlab", "keyring", "casedesk.services.session", "casedesk.store")

def loaded():
    return sorted({h for h in HEAVY for m in sys.modules if m == h or m.startswith(h + ".")})

def ready(widget):
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication
    shown = loaded()

    def later():
        deferred.loaded()
        print(json.dumps({"shown": shown, "window": type(widget).__name__, "later": loaded()}), flush=True)
        QApplication.instance().quit()

    QTimer.singleShot(500, later)

ui_app.READY_HOOKS.append(ready)
sys.exit(main(["--data-dir", sys.argv[1]]))
"""


def test_the_sign_in_window_shows_before_the_service_layer_is_imported(store: Store) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.run([sys.executable, "-c", PROBE, str(store.root)], capture_output=True, text=True, env=env,
                          timeout=120, check=False, cwd=Path(__file__).resolve().parents[2])
    lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
    assert lines, proc.stderr[-2000:]
    report = json.loads(lines[-1])
    assert report["window"] == "LoginDialog"
    assert report["shown"] == []  # nothing of it before the window is up
    # once the window has painted, the import runs while the user types
    assert {"sqlalchemy", "alembic", "casedesk.services.session", "casedesk.store"} <= set(report["later"])
