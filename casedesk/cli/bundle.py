"""``casedesk export`` and ``casedesk verify-bundle``: the PDF case bundle for the prosecutor."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from casedesk.cli.context import Context
from casedesk.cli.progress import ProgressBar
from casedesk.errors import IntegrityError, UsageError
from casedesk.reports.manifest import verifier_path
from casedesk.reports.schedules import KINDS
from casedesk.reports.verify_bundle import verify_bundle
from casedesk.services.bundles import SIZE_LIMIT, Bundles
from casedesk.services.disclosure import CASE_FORMATS, Disclosure
from casedesk.settings import MARKINGS
from casedesk.timeutil import iso_utc, parse_iso, uk_display


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("export", parents=[common], help="export a case bundle (PDF) for the prosecutor")
    p.add_argument("reference", help="case reference, e.g. MPS-2026-0417")
    p.add_argument("-o", "--output", required=True, metavar="FILE", help="the bundle to write, e.g. bundle.pdf")
    p.add_argument("--exhibits", metavar="REFS", help="only these exhibits, comma-separated: JAS/1,JAS/2")
    p.add_argument("--include-sensitive", action="store_true",
                   help="include exhibits marked sensitive (MG6D); excluded by default")
    p.add_argument("--marking", type=str.upper, choices=MARKINGS,
                   help="security marking (default: the bundle.default_marking setting)")
    p.add_argument("--at", metavar="ISO", help="export time to print, e.g. 2026-11-20T10:00:00Z (for a reproduction)")
    p.add_argument("--note", type=int, action="append", default=[], metavar="ENTRY",
                   help="put this case note in the bundle (its entry number, `casedesk note list`); repeat for more")
    p.add_argument("--all-notes", action="store_true", help="put every note of the case in the bundle")
    p.add_argument("--size-limit", type=float, metavar="MIB",
                   help="warn (with a way to split it) when the bundle is larger than this (default 100 MiB)")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("verify-bundle", parents=[common],
                       help="check a bundle: end of file, hash, manifest, attached originals, and the custody log")
    p.add_argument("bundle", help="the bundle PDF")
    p.add_argument("--unit-fingerprint", metavar="FP",
                   help="the unit key the bundle must name (and, with --user, the custody log must chain to)")
    p.add_argument("--custody", metavar="FILE",
                   help="the custody export (casedesk custody export) to check the bundle against")
    p.set_defaults(func=cmd_verify_bundle)
    register_disclosure(sub, common)
    register_case_export(sub, common)


def cmd_export(ctx: Context) -> int:
    a = ctx.args
    at = None
    if a.at:
        try:
            at = parse_iso(a.at)
        except ValueError as exc:
            raise UsageError(f"--at: {exc}") from None
    wanted = [r for r in (a.exhibits or "").split(",") if r.strip()] if a.exhibits is not None else None
    if wanted is not None and not wanted:
        raise UsageError("--exhibits needs at least one exhibit reference, e.g. --exhibits JAS/1,JAS/2")
    if a.size_limit is not None and not a.size_limit > 0:
        raise UsageError("--size-limit must be a size in MiB above 0, e.g. --size-limit 100")
    session = ctx.session()
    bar = ProgressBar("Exporting", enabled=None if not ctx.json else False)
    try:
        result = Bundles(session).export(
            a.reference, Path(a.output), exhibits=wanted, include_sensitive=a.include_sensitive,
            marking=a.marking, at=at, progress=bar,
            size_limit=SIZE_LIMIT if a.size_limit is None else int(a.size_limit * 1048576),
            notes=a.note, all_notes=a.all_notes,
        )
    finally:
        bar.finish()
    lines = [
        f"Bundle written: {result.path} ({result.pages} pages, {len(result.included)} exhibits)",
        f"SHA-256: {result.sha256}",
        f"Sidecar: {result.sidecar_path.name}   Manifest: {result.manifest_path.name}",
        f"Browser check: {verifier_path(result.path).name} (open it and drop the bundle and the custody export in)",
        f"Marking: {result.marking}   Export time: {iso_utc(result.at)} ({uk_display(result.at)})",
        f"Made from custody log head: entry {result.head_seq} ({result.head_hash})",
        f"Recorded as custody entry {result.recorded_as}",
    ]
    if result.notes:
        lines.append(f"Case notes: {', '.join(str(n) for n in result.notes)}")
    if result.notes_left_out:
        lines.append("Notes left out (about withheld sensitive exhibits): "
                     + ", ".join(str(n) for n in result.notes_left_out))
    for item in result.excluded:
        lines.append(f"Excluded {item.reference}: {item.reason}")
    for problem in result.problems:
        lines.append(f"Placeholder for {problem.reference}: {problem.why}")
    for warning in result.warnings:
        lines.append(f"Warning: {warning}")
    ctx.emit(result, lines)
    return 0


def cmd_verify_bundle(ctx: Context) -> int:
    a = ctx.args
    session = ctx.session() if getattr(a, "user", None) else None
    check = verify_bundle(Path(a.bundle), session, getattr(a, "unit_fingerprint", None),
                          custody=Path(a.custody) if a.custody else None)
    mark = {"pass": "ok  ", "fail": "FAIL", "not checked": "--  "}
    lines = [f"{mark[c.status]}  {c.name}: {c.detail}" for c in check.checks]
    lines.append(f"Bundle {check.path.name}: {check.verdict}"
                 + ("" if a.custody else " (add --custody FILE, the case's custody export, to check the log)"))
    data = {"ok": check.ok, "verdict": check.verdict, "path": str(check.path), "sha256": check.sha256,
            "case": check.case,
            "pages": check.pages, "head_seq": check.head_seq, "head_hash": check.head_hash,
            "recorded_as": check.recorded_as,
            "checks": [{"name": c.name, "status": c.status, "detail": c.detail} for c in check.checks]}
    ctx.emit(data, lines)
    return 0 if check.ok else IntegrityError.exit_code


def register_disclosure(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("export-schedule", parents=[common],
                       help="export an unused-material schedule (PDF): mg6c (non-sensitive) or mg6d (sensitive)")
    p.add_argument("reference", help="case reference, e.g. MPS-2026-0417")
    p.add_argument("--schedule", required=True, type=str.lower, choices=KINDS, help="mg6c or mg6d")
    p.add_argument("-o", "--output", required=True, metavar="FILE", help="the schedule to write, e.g. mg6c.pdf")
    p.add_argument("--marking", type=str.upper, choices=MARKINGS,
                   help="security marking of an MG6C (an MG6D is always OFFICIAL-SENSITIVE)")
    p.add_argument("--at", metavar="ISO", help="the schedule as at this time, e.g. 2026-11-20T10:00:00Z (to reproduce)")
    p.set_defaults(func=cmd_export_schedule)


def cmd_export_schedule(ctx: Context) -> int:
    a = ctx.args
    at = None
    if a.at:
        try:
            at = parse_iso(a.at)
        except ValueError as exc:
            raise UsageError(f"--at: {exc}") from None
    result = Disclosure(ctx.session()).export_schedule(a.reference, a.schedule, Path(a.output), marking=a.marking,
                                                       at=at)
    lines = [
        f"{result.kind.upper()} written: {result.path} ({result.pages} pages, {len(result.items)} items)",
        f"SHA-256: {result.sha256}",
        f"As at {iso_utc(result.at)}: made from custody log entry {result.head_seq}; to reproduce: casedesk "
        f"export-schedule {result.case} --schedule {result.kind} -o {result.path.name} --at {iso_utc(result.at)}"
        + (f" --marking {result.marking}" if result.kind == "mg6c" else ""),
        ("Used material: the exhibits of the bundle recorded in custody entry "
         f"{result.used_from}" if result.used_from else "Used material: none yet (no bundle exported)"),
        f"Recorded as custody entry {result.recorded_as}",
        *(f"Warning: {w}" for w in result.warnings),
    ]
    ctx.emit(result, lines)
    return 0


def register_case_export(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("export-case", parents=[common],
                       help="export the case for forensic tools: CASE/UCO 1.5.0 JSON-LD (exhibits, custody actions)")
    p.add_argument("reference", help="case reference, e.g. MPS-2026-0417")
    p.add_argument("--format", required=True, choices=CASE_FORMATS, help="case-uco")
    p.add_argument("-o", "--output", required=True, metavar="FILE", help="the file to write, e.g. case.jsonld")
    p.add_argument("--include-sensitive", action="store_true",
                   help="include exhibits marked sensitive (MG6D) and their custody entries; left out by default")
    p.add_argument("--at", metavar="ISO", help="the case as at this time, e.g. 2026-11-20T10:00:00Z (to reproduce)")
    p.set_defaults(func=cmd_export_case)


def cmd_export_case(ctx: Context) -> int:
    a = ctx.args
    at = None
    if a.at:
        try:
            at = parse_iso(a.at)
        except ValueError as exc:
            raise UsageError(f"--at: {exc}") from None
    result = Disclosure(ctx.session()).export_case(a.reference, Path(a.output), a.format,
                                                   include_sensitive=a.include_sensitive, at=at)
    when = iso_utc(result.at) if result.at is not None else ""
    lines = [
        f"CASE/UCO written: {result.path} ({len(result.exhibits)} exhibits, {result.actions} custody actions)",
        f"SHA-256: {result.sha256}",
        f"As at {when}: made from custody log entry {result.head_seq}; to reproduce: casedesk export-case "
        f"{a.reference} --format {result.format} -o {result.path.name} --at {when}"
        + (" --include-sensitive" if a.include_sensitive else ""),
        *(f"Warning: {w}" for w in result.warnings),
        *([f"Withheld as sensitive (MG6D): {', '.join(result.withheld)}; add --include-sensitive to include them"]
          if result.withheld else []),
        f"Recorded as custody entry {result.recorded_as}",
    ]
    ctx.emit(result, lines)
    return 0
