"""``python -m bench [--quick] [--only NAME ...]``: run every benchmark, print and save one table."""

from __future__ import annotations

import argparse
import importlib
import platform
import sys
import tempfile
import traceback
from datetime import UTC, datetime
from pathlib import Path

from bench.common import Row

MODULES = ("ingest", "verify_store", "custody_verify", "bundle_export", "exhibits_view", "search", "cold_start",
           "sign_in_check", "sync")
RESULTS = Path(__file__).with_name("results.md")


def machine() -> str:
    cpus = len(__import__("os").sched_getaffinity(0))
    return f"{platform.machine()}, {cpus} cores, Python {platform.python_version()}, {platform.system()} {platform.release()}"


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--quick", action="store_true", help="smaller inputs (smoke run)")
    parser.add_argument("--only", nargs="*", default=None)
    args = parser.parse_args()
    rows: list[Row] = []
    failed = False
    for name in MODULES:
        if args.only and name not in args.only:
            continue
        try:
            module = importlib.import_module(f"bench.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"bench.{name}":
                continue
            raise
        print(f"== {name}", file=sys.stderr, flush=True)
        with tempfile.TemporaryDirectory(prefix=f"casedesk-bench-{name}-") as tmp:
            try:
                rows.extend(module.run(Path(tmp), args.quick))
            except Exception:
                traceback.print_exc()
                failed = True
                rows.append(Row(name, "FAILED", "-", "-", "-", False))
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        f"Measured {stamp} on {machine()}{' (quick run)' if args.quick else ''}.",
        "",
        "| Benchmark | CaseDesk | Reference (same run) | Ratio | Goal | Met |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for r in rows:
        met = "-" if r.met is None else ("yes" if r.met else "**no**")
        lines.append(f"| {r.benchmark} | {r.value} | {r.reference} | {r.ratio} | {r.goal} | {met} |")
    table = "\n".join(lines) + "\n"
    print(table)
    if not args.only and not args.quick:
        RESULTS.write_text(table, encoding="utf-8")
        update_readme(table)
    return 1 if failed else 0


def update_readme(table: str) -> None:
    """Replace the table between the README's bench markers with this run's."""
    readme = Path(__file__).resolve().parents[1] / "README.md"
    text = readme.read_text(encoding="utf-8")
    start, end = "<!-- bench:start -->", "<!-- bench:end -->"
    if start in text and end in text:
        head, rest = text.split(start, 1)
        _, tail = rest.split(end, 1)
        readme.write_text(f"{head}{start}\n{table}{end}{tail}", encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
