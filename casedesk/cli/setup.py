"""``casedesk init`` and ``casedesk status``."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from typing import Any

from casedesk.cli.context import Context, read_password
from casedesk.errors import UsageError
from casedesk.security import device_secret, recovery

ENV_RECOVERY_KEY = "CASEDESK_RECOVERY_KEY"


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("init", parents=[common], help="create a new installation and its administrator")
    p.add_argument("--admin", required=True, metavar="NAME", help="administrator user name")
    p.add_argument("--full-name", default="", help="administrator's full name")
    p.add_argument("--initials", default="", help="administrator's initials")
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("recover", parents=[common],
                       help="reopen this installation on a keyring that lost its device secret, with the recovery key")
    p.add_argument("--recovery-key", metavar="KEY",
                   help=f"the recovery key shown at init (default: {ENV_RECOVERY_KEY}, else asked)")
    p.set_defaults(func=cmd_recover)

    p = sub.add_parser("recovery-key", parents=[common],
                       help="administrator: make a recovery key (installations made before recovery keys existed)")
    p.add_argument("--replace", action="store_true", help="replace the existing one (it stops working)")
    p.set_defaults(func=cmd_recovery_key)

    p = sub.add_parser("status", parents=[common], help="where the data directory is and whether it is set up")
    p.set_defaults(func=cmd_status)


def cmd_init(ctx: Context) -> int:
    a = ctx.args
    ctx.datadir.check_writable()
    if ctx.installation.is_initialised():
        raise UsageError(f"{ctx.datadir.root} already holds a CaseDesk installation; sign in instead")
    password = read_password(f"New password for {a.admin}: ", confirm=True)
    result = ctx.installation.initialise(a.admin, password, a.full_name or a.admin, a.initials)
    for notice in result.notices:
        ctx.warn(notice)
    lines = [
        f"Initialised CaseDesk in {ctx.datadir.root} (administrator: {a.admin}; "
        + ("key slots bound to this computer's keyring)" if result.device_bound else "password-only key slots)")
    ]
    if result.recovery_key is not None:
        lines += ["", recovery.NOTICE, "", f"    {result.recovery_key}", ""]
    ctx.emit(
        {"data_dir": str(ctx.datadir.root), "installation_id": result.installation_id,
         "device_bound": result.device_bound, "admin": a.admin, "recovery_key": result.recovery_key},
        lines,
    )
    return 0


def cmd_recover(ctx: Context) -> int:
    key = ctx.args.recovery_key or os.environ.get(ENV_RECOVERY_KEY)
    if not key:
        if not sys.stdin.isatty():
            raise UsageError(f"no recovery key: pass --recovery-key or set {ENV_RECOVERY_KEY}")
        key = getpass.getpass("Recovery key: ")
    message = ctx.installation.recover(key)
    ctx.emit({"data_dir": str(ctx.datadir.root), "recovered": True, "message": message},
             message[:1].upper() + message[1:])
    return 0


def cmd_status(ctx: Context) -> int:
    initialised = ctx.installation.is_initialised()
    info = {
        "data_dir": str(ctx.datadir.root),
        "initialised": initialised,
        "keyring_available": device_secret.keyring_usable(),
    }
    lines = [f"Data directory: {ctx.datadir.root}",
             f"Initialised:    {'yes' if initialised else 'no (run casedesk init or casedesk demo)'}",
             f"OS keyring:     {'available' if info['keyring_available'] else 'not available'}"]
    if initialised:
        slots = ctx.installation.load_slots()
        info["device_bound"] = slots.device_bound
        info["accounts_with_slots"] = sorted(slots.slots)
        lines.append(f"Device bound:   {'yes' if slots.device_bound else 'no (password-only key slots)'}")
    ctx.emit(info, lines)
    return 0


def cmd_recovery_key(ctx: Context) -> int:
    from casedesk.services.recoverykey import new_recovery_key

    key = new_recovery_key(ctx.session(), replace=ctx.args.replace)
    ctx.emit({"data_dir": str(ctx.datadir.root), "recovery_key": key}, [recovery.NOTICE, "", f"    {key}"])
    return 0
