"""``casedesk verify``, ``casedesk custody ...`` and ``casedesk review ...``."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime, time
from pathlib import Path
from typing import Any

from casedesk.cli.context import Context, one_line
from casedesk.cli.progress import ProgressBar
from casedesk.errors import UsageError
from casedesk.services.conflicts import Conflicts
from casedesk.services.custody import Custody, EntryView, MoveResult, VerifyReport, asked_by
from casedesk.timeutil import UK, parse_iso, uk_display
from casedesk.trust import enrolment


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("verify", parents=[common],
                       help="check the custody chain, the log head and every exhibit (exit 0 only if all hold)")
    p.add_argument("reference", nargs="?", help="a case (default: every case you can see)")
    p.add_argument("--unit-fingerprint", metavar="FP",
                   help="also require every key to be certified by the unit key with this fingerprint")
    p.add_argument("--unit-revocations", metavar="FILE", action="append", default=[],
                   help="a revocation file of that unit (from `casedesk unit revoke`); may be repeated")
    p.set_defaults(func=cmd_verify)

    custody = sub.add_parser("custody", help="chain of custody")
    cs = custody.add_subparsers(dest="custody_command", metavar="ACTION", required=True)

    p = cs.add_parser("log", parents=[common], help="a case's custody entries (oldest first)")
    p.add_argument("reference", help="case reference, or - for the installation's own entries and every case you see")
    p.add_argument("exhibit", nargs="?", help="only this exhibit, e.g. JAS/1")
    p.add_argument("--action", help="only this action, e.g. transferred or exhibit.viewed")
    # --user is taken (it names who signs in), so the author filter is --by.
    p.add_argument("--by", "--actor", dest="actor", metavar="USER", help="only entries written by USER")
    p.add_argument("--since", metavar="TIME", help="from this time (ISO 8601 with zone, or a UK date YYYY-MM-DD)")
    p.add_argument("--until", metavar="TIME", help="up to this time (ISO 8601 with zone, or a UK date: whole day)")
    p.set_defaults(func=cmd_log)

    for name, helptext in (("transfer", "hand an exhibit to an officer or a place (custodian or supervisor)"),
                           ("checkout", "lend an exhibit out, e.g. to a forensic lab, until it is returned")):
        p = cs.add_parser(name, parents=[common], help=helptext)
        p.add_argument("reference")
        p.add_argument("exhibit", nargs="+", help="one or more exhibits, e.g. JAS/1 JAS/2 (one entry each)")
        p.add_argument("--to", required=True, metavar="USER|PLACE",
                       help="a user name, or a place such as 'Property store, Charing Cross, locker 14'")
        p.add_argument("--reason", required=True, help="why, and on whose authority")
        p.add_argument("--location", help="where the exhibit will be kept")
        p.set_defaults(func=cmd_transfer if name == "transfer" else cmd_checkout)

    p = cs.add_parser("return", parents=[common], help="record that a checked-out exhibit came back")
    p.add_argument("reference")
    p.add_argument("exhibit", nargs="+", help="one or more exhibits, e.g. JAS/1 JAS/2 (one entry each)")
    p.add_argument("--reason", required=True, help="e.g. 'examination complete, seal intact'")
    p.add_argument("--location", help="where it is kept now (default: where it was before check-out)")
    p.set_defaults(func=cmd_return)

    p = cs.add_parser("correct", parents=[common], help="add an entry that corrects an earlier one")
    p.add_argument("seq", type=int, help="the entry number being corrected")
    p.add_argument("--text", required=True, help="the correction")
    p.set_defaults(func=cmd_correct)

    p = cs.add_parser("acknowledge-time", parents=[common],
                      help="supervisor: record that an entry's time is wrong (a clock that was ahead or behind)")
    p.add_argument("seq", metavar="SEQ[-LAST]", help="the entry whose time is wrong, or a run of them, e.g. 57-60")
    p.add_argument("--reason", required=True, help="e.g. 'laptop clock was an hour ahead (BST hardware clock)'")
    p.set_defaults(func=cmd_acknowledge_time)

    p = cs.add_parser("time-anomalies", parents=[common],
                      help="supervisor: the entries dated out of order, which acknowledge-time can acknowledge")
    p.set_defaults(func=cmd_time_anomalies)

    p = cs.add_parser("unreviewed", parents=[common], help="a case's entries not yet approved by a supervisor")
    p.add_argument("reference")
    p.set_defaults(func=cmd_unreviewed)

    p = cs.add_parser("queries", parents=[common], help="a supervisor's open queries on a case")
    p.add_argument("reference")
    p.set_defaults(func=cmd_queries)

    p = cs.add_parser("conflicts", parents=[common],
                      help="open custody conflicts: exhibits this log and the installation's other copy (a laptop "
                           "restored from the unit while the old one still wrote) moved differently")
    p.add_argument("reference", nargs="?", help="a case (default: every case you can see)")
    p.add_argument("--all", action="store_true", help="also the conflicts a supervisor has resolved")
    p.set_defaults(func=cmd_conflicts)

    p = cs.add_parser("resolve-conflict", parents=[common],
                      help="supervisor: close an exhibit's custody conflict, saying which state holds (one signed "
                           "entry naming both copies' entries)")
    p.add_argument("reference")
    p.add_argument("exhibit", help="e.g. JAS/1")
    p.add_argument("--custodian", metavar="USER|PLACE", help="who or where holds the exhibit now (the state that "
                                                               "holds; not for an exhibit only the other copy holds)")
    p.add_argument("--location", help="where the exhibit is kept now")
    p.add_argument("--reason", required=True, help="why this state holds, and on what evidence")
    p.set_defaults(func=cmd_resolve_conflict)

    p = cs.add_parser("export", parents=[common],
                      help="the custody log and public keys as JSON Lines, for tools/verify_custody.py")
    p.add_argument("reference", nargs="?", help="a case (omit for the whole installation: supervisors)")
    p.add_argument("-o", "--output", required=True, metavar="FILE", help="e.g. log.jsonl")
    p.add_argument("--include-sensitive", action="store_true",
                   help="show sensitive (MG6D) exhibits' entries in full; by default they are withheld")
    p.set_defaults(func=cmd_export)

    p = cs.add_parser("reset-head", parents=[common],
                      help="administrator: accept the database's log as it is when a head copy outside it is "
                           "missing, unreadable or ahead (a signed entry records the old and new heads)")
    p.add_argument("--reason", required=True, help="why the database is the latest copy there is")
    p.set_defaults(func=cmd_reset_head)

    p = cs.add_parser("rebuild-register", parents=[common],
                      help="administrator: when the register differs from the signed log, write a new data directory "
                           "whose tables are rebuilt from the verified log (the old one is left as it is)")
    p.add_argument("--into", required=True, metavar="FOLDER", help="a new folder (it must not exist yet)")
    p.add_argument("--reason", required=True, help="why (recorded in the new log's signed entry)")
    p.set_defaults(func=cmd_rebuild_register)

    p = sub.add_parser("review", parents=[common],
                       help="review a case's custody log (supervisor), or `review queue` for cases awaiting review")
    p.add_argument("reference", help="case reference, or 'queue'")
    decision = p.add_mutually_exclusive_group()
    decision.add_argument("--approve", action="store_true", help="approve the entries up to --up-to")
    decision.add_argument("--query", action="store_true", help="query the entries (needs --comment)")
    decision.add_argument("--resolve", type=int, nargs="*", metavar="SEQ",
                          help="close open queries (entry numbers; none: all) without approving (needs --comment)")
    p.add_argument("--comment", metavar="TEXT", help="the review text; alone, a comment for the record")
    p.add_argument("--up-to", type=int, metavar="SEQ", help="last entry covered (default: the latest)")
    p.set_defaults(func=cmd_review)


# --- helpers -----------------------------------------------------------------------------
def parse_when(text: str | None, end_of_day: bool = False) -> datetime | None:
    if text is None:
        return None
    value = text.strip()
    try:
        if len(value) == 10 and value[4] == "-" and value[7] == "-":
            day = datetime.fromisoformat(value).date()
            local = datetime.combine(day, time.max if end_of_day else time.min, tzinfo=UK)
            return local
        return parse_iso(value)
    except ValueError as exc:
        raise UsageError(f"cannot read time {text!r}: {exc}") from None


def entry_line(e: EntryView) -> str:
    parts = [f"{e.seq:>6}  {uk_display(e.timestamp)}  {e.actor:<10} {e.action}"]
    if e.exhibit_ref:
        parts.append(e.exhibit_ref)
    if e.from_party or e.to_party:
        parts.append(f"{e.from_party or '-'} -> {e.to_party or '-'}")
    if e.location:
        parts.append(f"at {e.location}")
    if e.reason:
        parts.append(f"reason: {e.reason}")
    if e.sha256:
        parts.append(f"sha256 {e.sha256[:16]}...")
    if e.text:
        parts.append(f"\"{e.text}\"")
    if e.corrected_by:
        parts.append(f"(corrected by entry {', '.join(str(s) for s in e.corrected_by)})")
    return "  ".join(parts)


def report_json(report: VerifyReport) -> dict[str, Any]:
    return {
        "ok": report.ok,
        "problems": [{"seq": p.seq, "exhibit": p.exhibit, "case": p.case, "message": p.message}
                     for p in report.problems],
        "entries": report.entries_checked, "signatures": report.signatures_checked,
        "exhibits": report.exhibits_checked, "scope": report.case_ref,
        "head": {"seq": report.head_seq, "hash": report.head_hash},
        "tree": {"size": report.tree_size, "root": report.tree_root},
        "outside_heads": [{"source": h.source, "seq": h.seq, "hash": h.hash} for h in report.outside_heads],
        "recorded_as": report.recorded_as,
        "acknowledged": report.acknowledged,
        "unit_fingerprint": report.unit_fingerprint,
        "conflicts": [{"case": p.case, "exhibit": p.exhibit, "message": p.message} for p in report.conflicts],
    }


# --- commands ------------------------------------------------------------------------------
def cmd_verify(ctx: Context) -> int:
    bar = ProgressBar("Verifying")
    try:
        given = [r for f in ctx.args.unit_revocations for r in enrolment.read_revocations(Path(f))]
        if given and ctx.args.unit_fingerprint is None:
            raise UsageError("--unit-revocations needs --unit-fingerprint: revocations count against a pinned unit")
        report = Custody(ctx.session()).verify(ctx.args.reference, bar, unit_fingerprint=ctx.args.unit_fingerprint,
                                               unit_revocations=given)
    finally:
        bar.finish()
    lines = [report.summary(), f"Merkle tree (RFC 6962): size {report.tree_size}, root {report.tree_root}"]
    lines += [f"  {p.describe()}" for p in report.problems]
    lines += [f"  {p.describe()}" for p in report.conflicts]
    lines += [f"  acknowledged: {text}" for text in report.acknowledged]
    if report.recorded_as is None:
        lines.append("(not recorded in the custody log: changes are blocked until the problem is resolved)")
    ctx.emit(report_json(report), lines)
    return 0 if report.ok else 7


def cmd_log(ctx: Context) -> int:
    a = ctx.args
    ref = None if a.reference == "-" else a.reference
    rows = Custody(ctx.session()).log(ref, a.exhibit, a.action, a.actor, parse_when(a.since),
                                      parse_when(a.until, end_of_day=True))
    ctx.emit(rows, [entry_line(e) for e in rows] or ["No custody entries match."])
    return 0


def _moved(ctx: Context, e: EntryView, verb: str) -> None:
    where = f", kept at {e.location}" if e.location else ""
    ctx.emit(e, f"{e.exhibit_ref} {verb} {e.to_party}{where} (custody entry {e.seq}).")


def _moved_several(ctx: Context, result: MoveResult, verb: str) -> int:
    """Each exhibit moved, one line each; each refused, one line each on stderr. Exit status: 0 when every one
    moved, else the first refusal's (2 input, 3 not found, 5 permission)."""
    lines = [f"{e.exhibit_ref} {verb} {e.to_party}{f', kept at {e.location}' if e.location else ''} "
             f"(custody entry {e.seq})." for e in result.done]
    lines.append(f"{len(result.done)} moved, {len(result.refused)} refused.")
    ctx.emit(result, lines)
    for r in result.refused:
        print(f"casedesk: {r.exhibit_ref} not moved: {one_line(r.reason)}", file=sys.stderr)
    return result.refused[0].exit_code if result.refused else 0


def cmd_transfer(ctx: Context) -> int:
    a = ctx.args
    custody = Custody(ctx.session())
    if len(a.exhibit) > 1:
        return _moved_several(ctx, custody.transfer_several(a.reference, a.exhibit, a.to, a.reason, a.location),
                              "transferred to")
    _moved(ctx, custody.transfer(a.reference, a.exhibit[0], a.to, a.reason, a.location), "transferred to")
    return 0


def cmd_checkout(ctx: Context) -> int:
    a = ctx.args
    custody = Custody(ctx.session())
    if len(a.exhibit) > 1:
        return _moved_several(ctx, custody.check_out_several(a.reference, a.exhibit, a.to, a.reason, a.location),
                              "checked out to")
    _moved(ctx, custody.check_out(a.reference, a.exhibit[0], a.to, a.reason, a.location), "checked out to")
    return 0


def cmd_return(ctx: Context) -> int:
    a = ctx.args
    custody = Custody(ctx.session())
    if len(a.exhibit) > 1:
        return _moved_several(ctx, custody.return_several(a.reference, a.exhibit, a.reason, a.location),
                              "returned to")
    _moved(ctx, custody.return_(a.reference, a.exhibit[0], a.reason, a.location), "returned to")
    return 0


def cmd_correct(ctx: Context) -> int:
    e = Custody(ctx.session()).correct(ctx.args.seq, ctx.args.text)
    ctx.emit(e, f"Entry {ctx.args.seq} corrected by custody entry {e.seq}.")
    return 0


def cmd_acknowledge_time(ctx: Context) -> int:
    first, _, last = ctx.args.seq.partition("-")
    if not first.isdigit() or (last and not last.isdigit()):
        raise UsageError(f"{ctx.args.seq!r} is not an entry number or a run such as 57-60")
    done = Custody(ctx.session()).acknowledge_time(int(first), ctx.args.reason, int(last) if last else None)
    ctx.emit(done, [f"The time of entry {e.data['entry']} is acknowledged as wrong by custody entry {e.seq}."
                    for e in done] + ["Verification and bundles now report these times as acknowledged."])
    return 0


def cmd_time_anomalies(ctx: Context) -> int:
    found = Custody(ctx.session()).time_anomalies()
    minutes = [round(a.by_us / 60_000_000) for a in found]
    lines = [f"entry {a.seq} ({a.timestamp}, {a.actor}, {a.action}): "
             + (f"{m} min ahead of this computer's clock" if a.other is None else
                f"{m} min after entry {a.other}, which follows it" if a.kind == "ahead" else
                f"{m} min before entry {a.other}, which precedes it") for a, m in zip(found, minutes, strict=True)]
    hint = "Acknowledge the entries whose clock was wrong: casedesk custody acknowledge-time SEQ --reason '...'"
    ctx.emit(found, [*lines, hint] if lines else ["No entry is dated out of order."])
    return 0


def cmd_unreviewed(ctx: Context) -> int:
    rows = Custody(ctx.session()).unreviewed(ctx.args.reference)
    ctx.emit(rows, [entry_line(e) for e in rows] or ["Every entry of the case has been reviewed."])
    return 0


def cmd_queries(ctx: Context) -> int:
    rows = Custody(ctx.session()).queries(ctx.args.reference)
    lines = [f"Query (entry {e.seq}, {uk_display(e.timestamp)}, {asked_by(e)}, up to entry {e.data.get('up_to')}): "
             f"{e.text}" for e in rows]
    ctx.emit(rows, lines or ["No open queries."])
    return 0


def cmd_conflicts(ctx: Context) -> int:
    rows = Conflicts(ctx.session()).list(ctx.args.reference, include_resolved=ctx.args.all)
    lines = [f"{c.case_ref} {c.exhibit_ref}: " + (c.message if c.open else
             f"resolved by {c.resolver} (entry {c.resolved_by}); recorded by entry {c.record_seq}") for c in rows]
    ctx.emit(rows, lines or ["No open custody conflicts."])
    return 0


def cmd_resolve_conflict(ctx: Context) -> int:
    a = ctx.args
    e = Conflicts(ctx.session()).resolve(a.reference, a.exhibit, a.reason, a.custodian, a.location)
    held = f"; {e.exhibit_ref} is with {e.to_party}" + (f", kept at {e.location}" if e.location else "") \
        if e.to_party else ""
    ctx.emit(e, f"Custody conflict on {e.exhibit_ref} resolved (custody entry {e.seq}){held}.")
    return 0


def cmd_export(ctx: Context) -> int:
    bar = ProgressBar("Exporting")
    try:
        path = Custody(ctx.session()).export_log(ctx.args.reference, Path(ctx.args.output), bar,
                                                 include_sensitive=ctx.args.include_sensitive)
    finally:
        bar.finish()
    ctx.emit({"path": str(path)},
             f"Custody log written to {path}; check it with: python3 tools/verify_custody.py {path}")
    return 0


def cmd_review(ctx: Context) -> int:
    a = ctx.args
    custody = Custody(ctx.session())
    if a.reference == "queue":
        if a.approve or a.query or a.resolve is not None or a.comment or a.up_to:
            raise UsageError("`review queue` takes no decision; name a case to review it")
        rows = custody.review_queue()
        ctx.emit([{"case": ref, "unreviewed": n} for ref, n in rows],
                 [f"{ref:<20} {n:>6} unreviewed" for ref, n in rows] or ["Nothing awaits review."])
        return 0
    if a.approve:
        decision = "approve"
    elif a.query:
        decision = "query"
    elif a.resolve is not None:
        decision = "resolve"
    elif a.comment:
        decision = "comment"
    else:
        raise UsageError("say --approve, --query --comment TEXT, --resolve [SEQ...] --comment TEXT, or --comment TEXT")
    e = custody.review(a.reference, decision, a.comment or "", a.up_to, a.resolve or None)
    ctx.emit(e, f"Review recorded ({decision}, up to entry {e.data['up_to']}): custody entry {e.seq}.")
    return 0


def cmd_reset_head(ctx: Context) -> int:
    from casedesk.services.heads import reset_head

    result = reset_head(ctx.session(), ctx.args.reason)
    ctx.emit(
        {"entry": result.seq, "old_heads": result.old, "alerts_cleared": result.alerts_cleared},
        [f"Custody head copies reset to entry {result.seq} (recorded in the custody log).",
         *[f"  was: {src}: {_head_text(val)}" for src, val in result.old.items()]],
    )
    return 0


def cmd_rebuild_register(ctx: Context) -> int:
    from casedesk.services.repair import rebuild_register

    result = rebuild_register(ctx.session(), Path(ctx.args.into), ctx.args.reason)
    ctx.emit(
        {"path": str(result.path), "entries": result.entries, "differences": result.differences,
         "objects": result.objects, "entry": result.seq},
        [f"Register rebuilt from the custody log ({result.entries} entries; {result.differences} difference(s) put "
         f"right) into {result.path}, recorded as its custody entry {result.seq}.",
         f"  Check it: casedesk --data-dir {result.path} verify; then use that folder (the old one is unchanged)."],
    )
    return 0


def _head_text(value: Any) -> str:
    if value is None:
        return "missing"
    if isinstance(value, dict):
        return f"entry {value.get('seq')} ({str(value.get('hash'))[:16]}...)"
    return str(value)
