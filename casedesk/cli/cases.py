"""``casedesk case ...``: cases, membership, summary, notes."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from casedesk.cli.context import Context
from casedesk.services.cases import Cases, NoteView
from casedesk.services.home import Home
from casedesk.services.legacyvault import LegacyVault
from casedesk.timeutil import uk_display


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    case = sub.add_parser("case", help="cases")
    cs = case.add_subparsers(dest="case_command", metavar="ACTION", required=True)

    p = cs.add_parser("create", parents=[common], help="open a new case")
    p.add_argument("reference", help="e.g. MPS-2026-0417")
    p.add_argument("--title", required=True, help="operation name")
    p.add_argument("--offence", action="append", default=[], help="an offence (repeatable)")
    p.add_argument("--oic", metavar="USER", help="officer in charge (default: you)")
    p.set_defaults(func=cmd_create)

    p = cs.add_parser("list", parents=[common], help="list cases you can see")
    p.add_argument("--status", choices=["open", "closed"])
    p.add_argument("--officer", metavar="USER")
    p.add_argument("--search", metavar="TEXT")
    p.set_defaults(func=cmd_list)

    p = cs.add_parser("show", parents=[common], help="a case's details")
    p.add_argument("reference")
    p.set_defaults(func=cmd_show)

    p = cs.add_parser("close", parents=[common], help="close a case (supervisor)")
    p.add_argument("reference")
    p.add_argument("--override", metavar="REASON", help="close despite unreviewed custody entries (recorded)")
    p.set_defaults(func=cmd_close)

    p = cs.add_parser("timeline", parents=[common], help="the case's story in time order: seizures and logged actions")
    p.add_argument("reference")
    p.set_defaults(func=cmd_timeline)

    p = cs.add_parser("reopen", parents=[common], help="reopen a closed case (supervisor)")
    p.add_argument("reference")
    p.add_argument("--reason", required=True, help="why (recorded in the custody log)")
    p.set_defaults(func=cmd_reopen)

    member = cs.add_parser("member", help="case membership")
    ms = member.add_subparsers(dest="member_command", metavar="ACTION", required=True)
    p = ms.add_parser("add", parents=[common], help="let a user see and work on a case")
    p.add_argument("reference")
    p.add_argument("name")
    p.set_defaults(func=cmd_member_add)
    p = ms.add_parser("remove", parents=[common],
                      help="take a user off a case (its key is rotated: content added later is not theirs)")
    p.add_argument("reference")
    p.add_argument("name")
    p.add_argument("--reason", required=True, help="why (recorded in the custody log)")
    p.set_defaults(func=cmd_member_remove)

    p = cs.add_parser("summary", parents=[common], help="set the MG5-like case summary (text or - for stdin)")
    p.add_argument("reference")
    p.add_argument("text")
    p.set_defaults(func=cmd_summary)

    p = cs.add_parser("reencrypt-legacy", parents=[common],
                      help="re-encrypt the case's exhibits stored before case keys under its key (a key holder)")
    p.add_argument("reference")
    p.set_defaults(func=cmd_reencrypt_legacy)

    p = sub.add_parser("home", parents=[common],
                       help="what waits for you: your cases, open queries, the review queue, exhibits lent to you")
    p.set_defaults(func=cmd_home)

    note = sub.add_parser("note", help="case notes")
    ns = note.add_subparsers(dest="note_command", metavar="ACTION", required=True)
    p = ns.add_parser("add", parents=[common], help="add a note to a case or exhibit")
    p.add_argument("reference")
    p.add_argument("text")
    p.add_argument("--exhibit", metavar="REF")
    p.add_argument("--answers", type=int, metavar="SEQ", help="the supervisor query (its entry number) this answers")
    p.set_defaults(func=cmd_note_add)
    p = ns.add_parser("edit", parents=[common], help="replace your note with a new version (both stay in the log)")
    p.add_argument("reference")
    p.add_argument("seq", type=int, help="the note's entry number (`note list` shows it)")
    p.add_argument("text")
    p.set_defaults(func=cmd_note_edit)
    p = ns.add_parser("list", parents=[common], help="a case's notes")
    p.add_argument("reference")
    p.set_defaults(func=cmd_note_list)


def cmd_create(ctx: Context) -> int:
    a = ctx.args
    d = Cases(ctx.session()).create(a.reference, a.title, a.offence, a.oic)
    ctx.emit(d, f"Created case {d.reference} ({d.title}), officer in charge {d.officer_in_charge}")
    return 0


def cmd_list(ctx: Context) -> int:
    a = ctx.args
    rows = Cases(ctx.session()).list(a.status, a.officer, a.search)
    lines = [f"{'REFERENCE':<18} {'STATUS':<7} {'OIC':<12} {'EXHIBITS':>8} {'UNREVIEWED':>10}  TITLE"]
    lines += [
        f"{r.reference:<18} {r.status:<7} {r.officer_in_charge:<12} {r.exhibits:>8} {r.unreviewed:>10}  {r.title}"
        for r in rows
    ]
    ctx.emit(rows, lines)
    return 0


def cmd_show(ctx: Context) -> int:
    d = Cases(ctx.session()).show(ctx.args.reference)
    lines = [
        f"Case:               {d.reference}",
        f"Operation:          {d.title}",
        f"Offences:           {'; '.join(d.offences) or '-'}",
        f"Status:             {d.status}",
        f"Officer in charge:  {d.officer_in_charge}",
        f"Created:            {uk_display(d.created_at)} by {d.created_by}",
    ]
    if d.closed_at:
        lines.append(f"Closed:             {uk_display(d.closed_at)} by {d.closed_by}")
    lines += [
        f"Members:            {', '.join(d.members)}",
        f"Exhibits:           {d.exhibits}",
        f"Reviewed up to:     entry {d.reviewed_up_to} ({d.unreviewed} unreviewed entries)",
    ]
    if d.summary:
        lines += ["", "Summary:", d.summary]
    ctx.emit(d, lines)
    return 0


def cmd_close(ctx: Context) -> int:
    d = Cases(ctx.session()).close(ctx.args.reference, ctx.args.override)
    ctx.emit(d, f"Closed case {d.reference}.")
    return 0


def cmd_timeline(ctx: Context) -> int:
    rows = Cases(ctx.session()).timeline(ctx.args.reference)
    lines = [f"{uk_display(e.when)}  {e.actor or '':<10} {e.text}" for e in rows]
    ctx.emit(rows, lines or ["Nothing recorded yet."])
    return 0


def cmd_reopen(ctx: Context) -> int:
    d = Cases(ctx.session()).reopen(ctx.args.reference, ctx.args.reason)
    ctx.emit(d, f"Reopened case {d.reference}.")
    return 0


def cmd_reencrypt_legacy(ctx: Context) -> int:
    r = LegacyVault(ctx.session()).reencrypt(ctx.args.reference)
    text = (f"Re-encrypted {len(r.objects)} legacy object(s) of case {r.case_ref} under its key (epoch {r.epoch}); "
            "a store key alone no longer opens them." if r.objects
            else f"Case {r.case_ref} has no legacy objects: every exhibit is under its case key.")
    if r.leftovers_removed:
        text += f" Removed {r.leftovers_removed} legacy file(s) an interrupted run left behind."
    if r.summary_sealed:
        text += " The case summary, written before case keys, is now under the case key too."
    if r.notes_in_clear:
        text += (f" {r.notes_in_clear} note(s) written before case keys stay in the clear in their signed custody "
                 "entries, readable with the store key: the log is not rewritten (docs/custody-encoding.md, "
                 "\"Entries written in the clear before case keys\").")
    ctx.emit(r, text)
    return 0


def cmd_home(ctx: Context) -> int:
    h = Home(ctx.session()).view()
    lines = ["Your cases:"]
    lines += [f"  {c.reference:<18} {c.status:<7} {c.exhibits:>4} exhibits  {c.title}" for c in h.cases] or ["  none"]
    if h.review_queue:
        lines.append("Awaiting your review:")
        lines += [f"  {ref:<18} {n:>4} entries" for ref, n in h.review_queue]
    if h.queries:
        lines.append("Open queries:")
        lines += [f"  {q.case_ref:<18} query {q.seq} by {q.supervisor} ({uk_display(q.asked_at)}): {q.text}"
                  for q in h.queries]
    if h.conflicts:
        lines.append("Open custody conflicts (a supervisor resolves them):")
        lines += [f"  CUSTODY CONFLICT {c.case_ref:<18} {c.exhibit_ref:<8} {c.message}" for c in h.conflicts]
    if h.checked_out_to_me:
        lines.append("Exhibits checked out to you:")
        lines += [f"  {e.case_ref:<18} {e.reference:<8} {e.original_name}  {e.description}"
                  for e in h.checked_out_to_me]
    ctx.emit(h, lines)
    return 0


def cmd_member_remove(ctx: Context) -> int:
    rotated = Cases(ctx.session()).remove_member(ctx.args.reference, ctx.args.name, ctx.args.reason)
    ref = ctx.args.reference.upper()
    tail = ("content added from now on is encrypted under a new case key." if rotated else
            "the case key is rotated at the next sign-in of a member who holds it, before any new content.")
    ctx.emit({"case": ref, "removed": ctx.args.name, "key_rotated": rotated},
             f"{ctx.args.name} is no longer a member of {ref}; {tail}")
    return 0


def cmd_member_add(ctx: Context) -> int:
    granted = Cases(ctx.session()).add_member(ctx.args.reference, ctx.args.name)
    ref = ctx.args.reference.upper()
    tail = "" if granted else (" Its content is not yet available to them: the case key is sealed to them at the "
                               "next sign-in of a member who holds it.")
    ctx.emit({"case": ref, "member": ctx.args.name, "key_granted": granted},
             f"{ctx.args.name} is now a member of {ref}.{tail}")
    return 0


def cmd_summary(ctx: Context) -> int:
    text = sys.stdin.read() if ctx.args.text == "-" else ctx.args.text
    Cases(ctx.session()).set_summary(ctx.args.reference, text)
    ctx.emit({"case": ctx.args.reference, "summary_length": len(text.strip())}, "Case summary saved.")
    return 0


def cmd_note_add(ctx: Context) -> int:
    n = Cases(ctx.session()).add_note(ctx.args.reference, ctx.args.text, ctx.args.exhibit, ctx.args.answers)
    ctx.emit(n, f"Note {n.id} added (custody entry {n.custody_seq}).")
    return 0


def cmd_note_edit(ctx: Context) -> int:
    n = Cases(ctx.session()).edit_note(ctx.args.reference, ctx.args.seq, ctx.args.text)
    ctx.emit(n, f"Note {ctx.args.seq} edited: the new version is custody entry {n.custody_seq}.")
    return 0


def _note_line(n: NoteView) -> str:
    state = f" (replaced by entry {n.revised_by})" if n.revised_by else (
        f" (edit of entry {n.revises})" if n.revises else "")
    return (f"[{uk_display(n.created_at)}] entry {n.custody_seq} {n.author}"
            f"{' on ' + n.exhibit if n.exhibit else ''}{state}: {n.text}")


def cmd_note_list(ctx: Context) -> int:
    rows = Cases(ctx.session()).notes(ctx.args.reference)
    lines = [_note_line(n) for n in rows]
    ctx.emit(rows, lines or ["No notes."])
    return 0
