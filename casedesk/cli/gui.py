"""``casedesk gui`` (also what ``casedesk`` with no command runs): the desktop application."""

from __future__ import annotations

import argparse
from typing import Any

from casedesk.cli.context import Context


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("gui", parents=[common], help="open the desktop application (the default)")
    p.set_defaults(func=cmd_gui)


def cmd_gui(ctx: Context) -> int:
    from casedesk.ui.app import run  # Qt is loaded only for the desktop app

    return run(ctx.datadir, getattr(ctx.args, "user", None) or "")
