"""``casedesk settings``: installation settings."""

from __future__ import annotations

import argparse
import json
from typing import Any

from casedesk.cli.context import Context
from casedesk.services.settings import Settings
from casedesk.settings import SPECS


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("settings", help="installation settings")
    ss = p.add_subparsers(dest="settings_command", metavar="ACTION", required=True)
    s = ss.add_parser("show", parents=[common], help="all settings and their values")
    s.set_defaults(func=cmd_show)
    s = ss.add_parser("set", parents=[common], help="change a setting (admin)")
    s.add_argument("key", choices=sorted(SPECS))
    s.add_argument("value", help="e.g. 'md5,sha1' or '' for digests.extra; OFFICIAL for bundle.default_marking")
    s.set_defaults(func=cmd_set)


def cmd_show(ctx: Context) -> int:
    values = Settings(ctx.session()).all()
    ctx.emit(values, [f"{k:<24} {json.dumps(v)}   # {SPECS[k].description}" for k, v in values.items()])
    return 0


def cmd_set(ctx: Context) -> int:
    new = Settings(ctx.session()).set(ctx.args.key, ctx.args.value)
    ctx.emit({ctx.args.key: new}, f"{ctx.args.key} = {json.dumps(new)}")
    return 0
