"""A walk through the desktop app in a real X11 window (Xvfb), driven by keys sent through the X server.

The offscreen platform used by the other UI tests has no real keyboard, no X11 key bindings (Ctrl+E is
"end of line" in a text field only on X11) and no real window sizes. Here the app runs as ``casedesk gui``
does, in its own process, on an Xvfb display; xdotool types as a user would, with no mouse at all:
sign in with Enter after a wrong password, create a case, ingest a file through the file dialog, export
with Ctrl+E from the search box, and shrink the window to its minimum. Screenshots of the X screen at
1280x800 and 1024x640 are kept in the test's directory (``CASEDESK_XVFB_SHOTS=DIR`` copies them there).

Xvfb and xdotool come with ``scripts/bootstrap.sh`` (and so ``make test`` and ``.ci/run``); where they
cannot be installed the test says so and skips.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.helpers.store import PASSWORDS, Store

XVFB, XDOTOOL = shutil.which("Xvfb"), shutil.which("xdotool")
ROOT = Path(__file__).resolve().parents[2]
SCREEN = (1600, 1000)

pytestmark = pytest.mark.skipif(
    XVFB is None or XDOTOOL is None,
    reason="Xvfb or xdotool is not installed (apt-get install -y xvfb xdotool; scripts/bootstrap.sh does it)",
)


@pytest.fixture
def display() -> Iterator[str]:
    """A private Xvfb on a free display number (Xvfb picks it and tells us through a pipe)."""
    assert XVFB is not None
    read, write = os.pipe()
    proc = subprocess.Popen(
        [XVFB, "-displayfd", str(write), "-screen", "0", f"{SCREEN[0]}x{SCREEN[1]}x24", "-nolisten", "tcp"],
        pass_fds=(write,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    os.close(write)
    number = b""
    with os.fdopen(read, "rb") as pipe:
        while not number.endswith(b"\n"):
            chunk = pipe.read(1)
            if not chunk:
                break
            number += chunk
    if not number.strip():
        proc.kill()
        pytest.skip("Xvfb did not start")
    try:
        yield f":{number.decode().strip()}"
    finally:
        proc.terminate()
        proc.wait(10)


class Walk:
    """The app's process, its reported state, and a keyboard on the X server."""

    def __init__(self, display: str, store: Store, out: Path) -> None:
        self.display, self.out = display, out
        env = dict(os.environ, DISPLAY=display, QT_QPA_PLATFORM="xcb", PYTHONPATH=str(ROOT))
        env.pop("WAYLAND_DISPLAY", None)
        self.env = env
        self.proc = subprocess.Popen([sys.executable, "-m", "tests.ui.xvfb_app", str(store.root), str(out)],
                                     env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
                                     stderr=(out / "app.log").open("w"))

    def state(self) -> dict[str, Any]:
        try:
            return dict(json.loads((self.out / "state.json").read_text(encoding="utf-8")))
        except (OSError, ValueError):
            return {}

    def wait(self, predicate: Callable[[dict[str, Any]], bool], what: str, timeout: float = 60) -> dict[str, Any]:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if self.proc.poll() is not None:
                log = (self.out / "app.log").read_text(errors="replace")[-3000:]
                raise AssertionError(f"the app ended while waiting for {what}:\n{log}")
            s = self.state()
            if s and predicate(s):
                return s
            time.sleep(0.1)
        raise AssertionError(f"timed out waiting for {what}; last state: {self.state()}")

    def xdotool(self, *args: str) -> None:
        assert XDOTOOL is not None
        subprocess.run([XDOTOOL, *args], env=self.env, check=True, timeout=30)

    def type(self, text: str) -> None:
        self.xdotool("type", "--delay", "15", text)

    def key(self, *keys: str) -> None:
        for k in keys:
            self.xdotool("key", k)
            time.sleep(0.15)

    def command(self, line: str) -> None:
        with (self.out / "commands").open("a", encoding="utf-8") as f:
            f.write(line + "\n")

    def shot(self, name: str) -> Path:
        self.command(f"shot {name}")
        path = self.out / f"{name}.png"
        self.wait(lambda s: str(path) in s.get("shots", []), f"screenshot {name}")
        return path

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()


def test_keyboard_walk_in_a_real_window(display: str, store: Store, tmp_path: Path) -> None:
    out = tmp_path / "walk"
    out.mkdir()
    material = tmp_path / "material"
    material.mkdir()
    # A text file named .pdf: the register warns about the type mismatch (a long warning to see unclipped).
    (material / "till-roll.pdf").write_text("receipt 0042: cash 25.00\n", encoding="utf-8")
    walk = Walk(display, store, out)
    try:
        # Sign in: a wrong password, Enter; the password field has the focus again; the right one, Enter.
        walk.wait(lambda s: s["top"].startswith("LoginDialog") and s["focus"] == "QLineEdit:user", "sign-in")
        walk.type("jsmith")
        walk.key("Tab")
        walk.type("not-the-password")
        walk.key("Return")
        s = walk.wait(lambda s: any("wrong password" in m.lower() for m in s["messages"])
                      and s["focus"] == "QLineEdit:password", "the wrong-password message")
        assert s["top"].startswith("LoginDialog")
        walk.shot("login-after-wrong-password")
        walk.type(PASSWORDS["jsmith"])
        walk.key("Return")
        walk.wait(lambda s: s["top"].startswith("MainWindow") and s.get("cases"), "the main window")
        walk.wait(lambda s: s.get("home") and s.get("case") is None, "the home page after sign-in")

        # A new case, keyboard only.
        walk.key("ctrl+n")
        walk.wait(lambda s: s["top"].startswith("NewCaseDialog"), "the new-case dialog")
        walk.key("Return")  # nothing typed: the dialog says what is missing and grows to show it
        walk.wait(lambda s: bool(s["messages"]), "the new-case message")
        walk.shot("new-case-error")
        walk.type("MPS-2026-0777")
        walk.key("Tab")
        walk.type("Operation Keyboard")
        walk.key("Return")
        walk.wait(lambda s: s["top"].startswith("MainWindow") and s.get("case") == "MPS-2026-0777",
                  "the new case, open")

        # Ingest a file: Ctrl+I, Add files (Alt+F), the path typed into the file dialog, a description, Enter.
        walk.key("ctrl+i")
        walk.wait(lambda s: s["top"].startswith("IngestDialog"), "the ingest dialog")
        walk.key("alt+f")
        walk.wait(lambda s: s["top"].startswith("QFileDialog"), "the file dialog")
        walk.type(str(material / "till-roll.pdf"))
        walk.key("Return")
        walk.wait(lambda s: s["top"].startswith("IngestDialog"), "back in the ingest dialog")
        walk.key("alt+d")
        walk.type("Till roll from the kiosk")
        walk.key("Return")
        walk.wait(lambda s: s.get("ingested") == 1, "the ingest summary")
        walk.key("Escape")
        walk.wait(lambda s: s["top"].startswith("MainWindow") and s.get("exhibits") == 1, "the register")

        # The home page (Alt+Home) and a search across cases (Ctrl+Shift+F); Tab, Enter opens what it found.
        walk.key("alt+Home")
        walk.wait(lambda s: s.get("home") and s.get("case") is None, "the home page from Alt+Home")
        walk.key("ctrl+shift+f")
        walk.wait(lambda s: s["focus"] == "QLineEdit:homeSearch", "the focus in the search box")
        walk.type("till-roll")
        walk.key("Return")
        walk.wait(lambda s: s.get("results") == 1, "the search result")
        walk.shot("home-search")
        walk.key("Tab", "Return")
        walk.wait(lambda s: s.get("case") == "MPS-2026-0777" and not s.get("home"), "the exhibit found, opened")

        # Ctrl+E from the case search box (Ctrl+F puts the focus there) opens the export dialog.
        walk.key("ctrl+1", "ctrl+f")
        walk.wait(lambda s: s["focus"] == "QLineEdit:caseSearch", "the focus in the case search box")
        walk.key("ctrl+e")
        walk.wait(lambda s: s["top"].startswith("ExportDialog"), "the export dialog from Ctrl+E")
        walk.key("Escape")
        walk.wait(lambda s: s["top"].startswith("MainWindow"), "the export dialog closed")

        # F1: help.
        walk.key("F1")
        walk.wait(lambda s: s["top"].startswith("HelpDialog"), "help from F1")
        walk.key("Escape")
        walk.wait(lambda s: s["top"].startswith("MainWindow"), "help closed")

        # Sizes: 1280x800 and 1024x640 are honoured (the window could not go below 1187x510).
        for width, height in ((1280, 800), (1024, 640)):
            walk.command("move 0 0")
            walk.command(f"resize {width} {height}")
            s = walk.wait(lambda s, w=width, h=height: s.get("size") == [w, h], f"the window at {width}x{height}")
            assert s["minimum"][0] <= 1024 and s["minimum"][1] <= 640, f"minimum size {s['minimum']}"
            walk.key("alt+Home")
            walk.wait(lambda s: s.get("home"), "the home page")
            walk.shot(f"home-{width}x{height}")
            walk.key("ctrl+shift+f", "Tab", "Return")  # back to the case through the search result
            walk.wait(lambda s: s.get("case") == "MPS-2026-0777" and not s.get("home"), "the case again")
            walk.key("ctrl+1")
            walk.shot(f"overview-{width}x{height}")
            walk.key("ctrl+2", "ctrl+f", "Tab", "Down", "space")  # the register, its first exhibit
            walk.wait(lambda s: s["focus"] == "ExhibitTableView:exhibitTable", "the focus in the register")
            walk.shot(f"exhibits-{width}x{height}")
            walk.key("ctrl+3")
            walk.shot(f"custody-{width}x{height}")
            walk.key("ctrl+5")
            walk.shot(f"review-{width}x{height}")
        # Transfer the selected exhibit and export the bundle, keyboard only.
        walk.key("ctrl+2")
        walk.wait(lambda s: s["focus"] == "ExhibitTableView:exhibitTable", "the register")
        walk.key("ctrl+t")
        walk.wait(lambda s: s["top"].startswith("CustodyMoveDialog"), "the transfer dialog")
        walk.type("Property store, Lambeth")
        walk.key("Tab")
        walk.type("booked into the property store")
        walk.key("Return")
        walk.wait(lambda s: s["top"].startswith("MainWindow") and "custody entry" in s.get("status", ""),
                  "the transfer recorded")
        walk.key("ctrl+e")
        walk.wait(lambda s: s["top"].startswith("ExportDialog"), "the export dialog")
        walk.key("alt+o", "ctrl+a")
        walk.type(str(tmp_path / "bundle.pdf"))
        walk.key("Return")
        walk.wait(lambda s: s.get("exported"), "the bundle written", timeout=180)
        walk.shot("export-done")
        walk.key("Escape")
        walk.wait(lambda s: s["top"].startswith("MainWindow"), "the export dialog closed")
        assert (tmp_path / "bundle.pdf").read_bytes().startswith(b"%PDF")
        keep = os.environ.get("CASEDESK_XVFB_SHOTS")
        if keep:
            Path(keep).mkdir(parents=True, exist_ok=True)
            for png in out.glob("*.png"):
                shutil.copy(png, Path(keep) / png.name)
    finally:
        walk.stop()
