"""``casedesk user ...``: accounts and passwords."""

from __future__ import annotations

import argparse
from typing import Any

from casedesk.cli.context import ENV_NEW_PASSWORD, Context, read_password
from casedesk.services.accounts import ADMIN_ROLE_ENDED, SOLE_ADMIN_NOTICE, Accounts


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    user = sub.add_parser("user", help="user accounts")
    us = user.add_subparsers(dest="user_command", metavar="ACTION", required=True)

    p = us.add_parser("add", parents=[common], help="add an account (admin)")
    p.add_argument("name")
    p.add_argument("--role", required=True, choices=["detective", "supervisor", "admin"])
    p.add_argument("--full-name", required=True)
    p.add_argument("--initials", default="", help="2-4 letters used in exhibit references, e.g. JAS")
    p.set_defaults(func=cmd_add)

    p = us.add_parser("list", parents=[common], help="list accounts")
    p.set_defaults(func=cmd_list)

    p = us.add_parser("passwd", parents=[common], help="change your own password")
    p.set_defaults(func=cmd_passwd)

    p = us.add_parser("reset", parents=[common], help="set a new password (and signing key) for an account (admin)")
    p.add_argument("name")
    p.set_defaults(func=cmd_reset)

    p = us.add_parser("disable", parents=[common], help="disable an account (admin)")
    p.add_argument("name")
    p.set_defaults(func=cmd_disable)

    p = us.add_parser("unlock", parents=[common], help="lift the lock after repeated wrong passwords (admin)")
    p.add_argument("name")
    p.set_defaults(func=cmd_unlock)

    p = us.add_parser("pending", parents=[common],
                      help="password resets awaiting your confirmation in person (supervisor)")
    p.set_defaults(func=cmd_pending)

    p = us.add_parser("pending-accounts", parents=[common],
                      help="new accounts, promotions and re-enablings awaiting a second administrator's "
                           "confirmation (admin)")
    p.set_defaults(func=cmd_pending_accounts)

    p = us.add_parser("confirm-account", parents=[common],
                      help="confirm a new account another administrator created: it may then sign in (admin)")
    p.add_argument("name")
    p.set_defaults(func=cmd_confirm_account)

    p = us.add_parser("confirm-promotion", parents=[common],
                      help="confirm another administrator's promotion of NAME to supervisor or admin, or their "
                           "re-enabling of the account (TO: enabled) (admin)")
    p.add_argument("name")
    p.add_argument("to", choices=["supervisor", "admin", "enabled"])
    p.set_defaults(func=cmd_confirm_promotion)

    p = us.add_parser("confirm", parents=[common],
                      help="confirm in person that NAME changed the temporary password of a reset (supervisor)")
    p.add_argument("name")
    p.set_defaults(func=cmd_confirm)

    p = us.add_parser("role", parents=[common], help="change an account's role (admin)")
    p.add_argument("name")
    p.add_argument("role", choices=["detective", "supervisor", "admin"])
    p.set_defaults(func=cmd_role)


def cmd_add(ctx: Context) -> int:
    a = ctx.args
    accounts = Accounts(ctx.session())
    password = read_password(f"First password for {a.name}: ", env=ENV_NEW_PASSWORD, confirm=True)
    acc = accounts.add(a.name, a.role, a.full_name, a.initials, password)
    said = f"Added {acc.username} ({acc.role}, {acc.full_name}, initials {acc.initials})"
    if acc.pending:
        said += (f". The account signs in only after another administrator confirms it "
                 f"(`casedesk user confirm-account {acc.username}`).")
    else:
        said += f". Note: {SOLE_ADMIN_NOTICE}."
    ctx.emit(acc, said)
    return 0


def cmd_list(ctx: Context) -> int:
    rows = Accounts(ctx.session()).list()
    lines = [f"{'USER':<16} {'ROLE':<11} {'INIT':<5} {'STATUS':<9} NAME"]
    lines += [
        f"{r.username:<16} {r.role:<11} {r.initials:<5} {r.status:<9} {r.full_name}"
        for r in rows
    ]
    ctx.emit(rows, lines)
    return 0


def cmd_passwd(ctx: Context) -> int:
    session = ctx.session()
    old = read_password(f"Current password for {session.user.username}: ")
    new = read_password("New password: ", env=ENV_NEW_PASSWORD, confirm=True)
    fingerprint = Accounts(session).change_password(old, new)
    lines = ["Password changed."]
    if fingerprint is not None:
        lines.append(f"Your new key: {fingerprint}. Show it to the supervisor confirming your password reset "
                     f"(`casedesk user confirm {session.user.username}`).")
    ctx.emit({"user": session.user.username, "changed": True, "key_fingerprint": fingerprint}, lines)
    return 0


def cmd_reset(ctx: Context) -> int:
    accounts = Accounts(ctx.session())
    new = read_password(f"New password for {ctx.args.name}: ", env=ENV_NEW_PASSWORD, confirm=True)
    accounts.reset_password(ctx.args.name, new)
    ctx.emit({"user": ctx.args.name, "reset": True},
             f"Password of {ctx.args.name} reset; the account has a new signing key. {ctx.args.name} reads case "
             "content again once they have changed this password and a supervisor has confirmed it in person "
             f"(`casedesk user confirm {ctx.args.name}`).")
    return 0


def cmd_pending_accounts(ctx: Context) -> int:
    accounts = Accounts(ctx.session())
    created = accounts.pending_creations()
    promoted = accounts.pending_promotions()
    rows = [{"user": a.username, "role": a.role, "created_by": a.created_by} for a in created]
    rows += [{"user": a.username, "role": a.role, "promotion": a.promotion, "promoted_by": a.promoted_by}
             for a in promoted]
    lines = [f"{'USER':<16} {'CHANGE':<20} {'BY':<16} NAME"]
    lines += [f"{a.username:<16} {'new ' + a.role:<20} {a.created_by or '':<16} {a.full_name}" for a in created]
    lines += [f"{a.username:<16} {_change(a.promotion, a.role):<20} {a.promoted_by or '':<16} {a.full_name}"
              for a in promoted]
    ctx.emit(rows, lines if rows else "No new account, promotion or re-enabling awaits confirmation.")
    return 0


def _change(promotion: str | None, role: str) -> str:
    """How a pending promotion is listed: ``role supervisor`` (from ``role``, shown in the list), or ``enabled``."""
    return "enabled" if promotion == "enabled" else f"role {promotion}"


def cmd_confirm_promotion(ctx: Context) -> int:
    acc = Accounts(ctx.session()).confirm_promotion(ctx.args.name, ctx.args.to)
    said = (f"Account {acc.username} re-enabled: it may sign in." if ctx.args.to == "enabled"
            else f"{acc.username} is now {acc.role}.") + (f" Note: {acc.notice}." if acc.notice else "")
    ctx.emit({"user": acc.username, "confirmed": ctx.args.to, "role": acc.role, "disabled": acc.disabled}, said)
    return 0


def cmd_confirm_account(ctx: Context) -> int:
    acc = Accounts(ctx.session()).confirm_creation(ctx.args.name)
    ctx.emit({"user": acc.username, "confirmed": True, "role": acc.role},
             f"Account {acc.username} ({acc.role}) confirmed: it may sign in."
             + (f" Note: {acc.notice}." if acc.notice else ""))
    return 0


def cmd_pending(ctx: Context) -> int:
    rows = Accounts(ctx.session()).pending_confirmations()
    lines = [f"{'USER':<16} {'RESET BY':<16} {'NEW KEY':<26} NAME"]
    lines += [f"{r.username:<16} {r.reset_by:<16} {r.fingerprint or '(password not changed yet)':<26} {r.full_name}"
              for r in rows]
    ctx.emit([{"user": r.username, "reset_by": r.reset_by, "key_fingerprint": r.fingerprint} for r in rows],
             lines if rows else "No password reset awaits confirmation.")
    return 0


def cmd_confirm(ctx: Context) -> int:
    done = Accounts(ctx.session()).confirm_identity(ctx.args.name)
    ctx.emit({"user": done.username, "confirmed": True, "key_fingerprint": done.fingerprint},
             f"Password reset of {done.username} confirmed (key {done.fingerprint}); their case keys are sealed "
             "to them.")
    return 0


def cmd_disable(ctx: Context) -> int:
    Accounts(ctx.session()).disable(ctx.args.name)
    ctx.emit({"user": ctx.args.name, "disabled": True}, f"Account {ctx.args.name} disabled.")
    return 0


def cmd_unlock(ctx: Context) -> int:
    was_locked = Accounts(ctx.session()).unlock(ctx.args.name)
    ctx.emit({"user": ctx.args.name, "unlocked": was_locked},
             f"Account {ctx.args.name} unlocked." if was_locked else f"Account {ctx.args.name} was not locked.")
    return 0


def cmd_role(ctx: Context) -> int:
    acc = Accounts(ctx.session()).set_role(ctx.args.name, ctx.args.role)
    if acc.promotion is not None:
        holds = f"is now {acc.role} (no longer admin)" if acc.notice == ADMIN_ROLE_ENDED else f"stays {acc.role}"
        said = (f"{acc.username} {holds} until another administrator confirms the change to "
                f"{acc.promotion} (`casedesk user confirm-promotion {acc.username} {acc.promotion}`).")
    else:
        said = f"{acc.username} is now {acc.role}." + (f" Note: {acc.notice}." if acc.notice else "")
    ctx.emit({"user": acc.username, "role": acc.role, "promotion": acc.promotion}, said)
    return 0



