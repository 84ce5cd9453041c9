"""``casedesk demo``: a ready-made installation to look around in."""

from __future__ import annotations

import argparse
from typing import Any

from casedesk.cli.context import Context
from casedesk.cli.progress import ProgressBar


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("demo", parents=[common],
                       help="create a demo installation (users, the Operation Lantern case, generated exhibits)")
    p.set_defaults(func=cmd_demo)


def cmd_demo(ctx: Context) -> int:
    from casedesk.demo import create_demo  # carries the sample material: loaded only here

    bar = ProgressBar("Creating the demo")
    try:
        info = create_demo(ctx.datadir.root, bar)
    finally:
        bar.finish()
    for notice in info.notices:
        ctx.warn(notice)
    width = max(len(u) for u in info.users)
    lines = [
        f"Demo installation created in {info.data_dir}",
        f"Case {info.case_ref} ({info.case_title}) with {len(info.exhibits)} exhibits: {', '.join(info.exhibits)}",
        "",
        "Accounts (demo passwords; change them before real use):",
        *[f"  {u:<{width}}  {role:<10}  {info.passwords[u]}" for u, role in info.users.items()],
        *([f"Recovery key (reopens the demo if the OS keyring loses its device secret): {info.recovery_key}"]
          if info.recovery_key else []),
        "",
        f"Try: casedesk --data-dir {info.data_dir} --user {next(u for u, r in info.users.items() if r == 'detective')} "
        f"evidence list {info.case_ref}",
    ]
    ctx.emit(info, lines)
    return 0
