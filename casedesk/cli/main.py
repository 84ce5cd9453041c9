"""Entry point: parse, dispatch, and turn errors into one line and an exit code.

Command groups live in sibling modules, each with ``register(subparsers,
parents)``; a module listed in ``COMMAND_MODULES`` that is not present is
skipped, so areas can be added without touching this file.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence

from casedesk import __version__
from casedesk.cli.context import Context, one_line
from casedesk.errors import CaseDeskError
from casedesk.logsetup import install_file_log, log_file
from casedesk.services import inputs

COMMAND_MODULES = (
    "setup", "accounts", "cases", "evidence", "search", "custody", "bundle", "settings_cmd", "demo", "gui", "unit",
    "enrol",
)
log = logging.getLogger("casedesk.cli")
REGISTERED: set[str] = set()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="casedesk",
        description="CaseDesk: offline evidence case management with a provable chain of custody.",
    )
    parser.add_argument("--version", action="version", version=f"CaseDesk {__version__}")
    parser.add_argument(
        "--data-dir", metavar="DIR", help="installation data directory (default: CASEDESK_HOME or the user data dir)"
    )
    parser.add_argument("--user", metavar="NAME", help="sign in as NAME (default: CASEDESK_USER)")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--json", action="store_true", help="machine-readable output")
    common.add_argument("--user", metavar="NAME", default=argparse.SUPPRESS, help="sign in as NAME")
    common.add_argument("--data-dir", metavar="DIR", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(f"casedesk.cli.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"casedesk.cli.{name}":
                continue
            raise
        module.register(sub, common)
        REGISTERED.update(sub.choices)
    return parser


# Arguments that name files: a file name need not be UTF-8 on Linux, so these are passed on as they are.
PATH_ARGUMENTS = frozenset({"paths", "output", "bundle", "data_dir"})


def _check_text_arguments(args: argparse.Namespace) -> None:
    """Every other argument is text CaseDesk stores, signs or prints: it must be valid UTF-8."""
    for name, value in vars(args).items():
        if name in PATH_ARGUMENTS:
            continue
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str):
                inputs.unicode(item, f"the value given for {name.replace('_', '-')}")


def desktop_arguments(argv: Sequence[str]) -> argparse.Namespace | None:
    """``[--data-dir DIR] [--user NAME] [gui]`` (the desktop app) read without building the parser, else None.

    Building the parser imports every command module and with them the whole service layer (SQLAlchemy,
    Alembic, the custody and crypto modules): twice as long as Qt takes to show the sign-in window, which
    needs none of it. Anything else, including ``--help``, goes to the full parser.
    """
    values: dict[str, str | None] = {"data_dir": None, "user": None}
    words, commands = list(argv), 0
    while words:
        word = words.pop(0)
        name, equals, value = word.partition("=")
        if name in ("--data-dir", "--user"):
            if not equals:
                if not words:
                    return None
                value = words.pop(0)
            values[name[2:].replace("-", "_")] = value
        elif word == "gui" and not commands:
            commands += 1
        else:
            return None
    from casedesk.cli.gui import cmd_gui

    return argparse.Namespace(command="gui", func=cmd_gui, **values)


def main(argv: Sequence[str] | None = None) -> int:
    args = desktop_arguments(sys.argv[1:] if argv is None else argv)
    if args is None:
        parser = build_parser()
        args = parser.parse_args(argv)
        if getattr(args, "func", None) is None:
            # No command: the desktop app when it is installed, else the help.
            if "gui" not in REGISTERED:
                parser.print_help()
                return 2
            args = parser.parse_args([*(sys.argv[1:] if argv is None else argv), "gui"])
    try:
        _check_text_arguments(args)
    except CaseDeskError as exc:
        print(f"casedesk: error: {one_line(str(exc))}", file=sys.stderr)
        return exc.exit_code
    ctx = Context(args)
    try:
        result = args.func(ctx)
        return int(result or 0)
    except CaseDeskError as exc:
        print(f"casedesk: error: {one_line(exc.cli_message())}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("casedesk: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception:
        path = log_file(ctx.datadir.logs)
        if ctx.datadir.root.exists():
            install_file_log(ctx.datadir.logs)
            log.exception("unexpected error in command %s", getattr(args, "command", "?"))
            print(f"casedesk: unexpected error, details in {path}", file=sys.stderr)
        else:
            logging.getLogger("casedesk").exception("unexpected error")
            print("casedesk: unexpected error (traceback above)", file=sys.stderr)
        return 70
    finally:
        ctx.close()


if __name__ == "__main__":
    sys.exit(main())
