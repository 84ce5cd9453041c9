"""``casedesk sync`` (an installation) and ``casedesk unit ...`` (the unit administrator and the service)."""

from __future__ import annotations

import argparse
import getpass
import os
from pathlib import Path
from typing import Any

from casedesk.cli.context import Context
from casedesk.cli.progress import ProgressBar
from casedesk.errors import UsageError

ENV_DATABASE = "CASEDESK_UNIT_DATABASE"


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("sync", parents=[common],
                       help="send this installation's custody log to the unit service and keep its cosignature")
    p.add_argument("--unit", required=True, metavar="URL", help="the unit service, e.g. https://casedesk.unit.local:8443")
    p.add_argument("--ca", metavar="FILE", help="CA certificate(s) that sign the unit's TLS certificate "
                                                 "(default: the system's)")
    p.add_argument("--batch", type=int, default=1000, metavar="N", help="entries per request (default 1000)")
    p.set_defaults(func=cmd_sync)

    p = sub.add_parser("restore", parents=[common],
                       help="restore a lost or wiped laptop's installation from the unit, into an empty data directory")
    p.add_argument("--unit", required=True, metavar="URL", help="the unit service, e.g. https://casedesk.unit.local:8443")
    p.add_argument("--ca", metavar="FILE", help="CA certificate(s) that sign the unit's TLS certificate "
                                                 "(default: the system's)")
    p.add_argument("--installation", required=True, metavar="ID",
                   help="the installation's id (`casedesk unit status` lists them)")
    p.add_argument("--recovery-key", metavar="KEY",
                   help="the recovery key shown at init (default: CASEDESK_RECOVERY_KEY, else asked)")
    p.set_defaults(func=cmd_restore)

    p = sub.add_parser("unit-review", help="review from any desk: another installation's case, served by the unit")
    rs = p.add_subparsers(dest="review_command", metavar="ACTION", required=True)
    p = rs.add_parser("fetch", parents=[common],
                      help="a case of another installation from the unit, checked, with its unreviewed entries")
    p.add_argument("--unit", required=True, metavar="URL", help="the unit service, e.g. https://casedesk.unit.local:8443")
    p.add_argument("--ca", metavar="FILE", help="CA certificate(s) that sign the unit's TLS certificate "
                                                 "(default: the system's)")
    p.add_argument("--installation", required=True, metavar="ID",
                   help="the installation that holds the case (`casedesk unit status` lists them)")
    p.add_argument("reference", help="the case reference, e.g. MPS-2026-0417")
    p.set_defaults(func=cmd_review_fetch)
    for decision, text in (("approve", "approve another installation's case up to an entry, signed here; its "
                                       "laptop records the approval at its next sync"),
                           ("query", "query another installation's case (needs --comment); its officer sees the "
                                     "query after their next sync")):
        p = rs.add_parser(decision, parents=[common], help=text)
        p.add_argument("--unit", required=True, metavar="URL",
                       help="the unit service, e.g. https://casedesk.unit.local:8443")
        p.add_argument("--ca", metavar="FILE", help="CA certificate(s) that sign the unit's TLS certificate "
                                                     "(default: the system's)")
        p.add_argument("--installation", required=True, metavar="ID",
                       help="the installation that holds the case (`casedesk unit status` lists them)")
        p.add_argument("--up-to", type=int, metavar="SEQ",
                       help="the last entry reviewed, an entry of the case (default: the case's last entry)")
        p.add_argument("--comment", metavar="TEXT", help="the review text (a query needs one)")
        p.add_argument("reference", help="the case reference, e.g. MPS-2026-0417")
        p.set_defaults(func=cmd_review_send, decision=decision)

    p = sub.add_parser("unit-handover", help="hand a case to an officer of another installation, through the unit")
    hs = p.add_subparsers(dest="handover_command", metavar="ACTION", required=True)
    p = hs.add_parser("give", parents=[common],
                      help="hand a case of this installation to an officer of another one, then sync")
    _unit_args(p)
    p.add_argument("--to-installation", required=True, metavar="ID", help="the receiving installation's id")
    p.add_argument("--to-user", required=True, metavar="USER", help="the receiving officer's user name there")
    p.add_argument("--reason", required=True, help="why, e.g. 'transferred to the fraud team'")
    p.add_argument("reference", help="the case reference, e.g. MPS-2026-0417")
    p.set_defaults(func=cmd_handover_give)
    p = hs.add_parser("receive", parents=[common],
                      help="take in a case another installation handed to you: its log, keys and evidence")
    _unit_args(p)
    p.add_argument("--from-installation", required=True, metavar="ID", help="the installation that handed it over")
    p.add_argument("reference", help="the case reference, e.g. MPS-2026-0417")
    p.set_defaults(func=cmd_handover_receive)

    unit = sub.add_parser("unit", help="the unit service (run by the unit administrator)")
    us = unit.add_subparsers(dest="unit_command", metavar="ACTION", required=True)
    db_help = f"PostgreSQL URL, e.g. postgresql://casedesk@db/unit (default: {ENV_DATABASE})"

    p = us.add_parser("identity", parents=[common],
                      help="this installation's id and genesis key, for the unit administrator to register")
    p.set_defaults(func=cmd_identity)

    p = us.add_parser("migrate", parents=[common], help="create or upgrade the unit database's tables")
    p.add_argument("--database", metavar="URL", help=db_help)
    p.set_defaults(func=cmd_migrate)

    p = us.add_parser("cosigner-key", parents=[common],
                      help="make the service's cosigner key (a new file, mode 0600) and print its verifier key")
    p.add_argument("--name", required=True, help="the cosigner's name, e.g. casedesk.unit.example.police.uk")
    p.add_argument("-o", "--output", required=True, metavar="FILE")
    p.set_defaults(func=cmd_cosigner_key)

    p = us.add_parser("register", parents=[common], help="register an installation with the unit")
    p.add_argument("--database", metavar="URL", help=db_help)
    p.add_argument("--installation", required=True, metavar="ID", help="as `casedesk unit identity` prints it")
    p.add_argument("--genesis-key", required=True, metavar="HEX", help="as `casedesk unit identity` prints it")
    p.add_argument("--label", required=True, help="whose installation it is, e.g. 'DC Smith, laptop 4471'")
    p.set_defaults(func=cmd_register)

    p = us.add_parser("status", parents=[common], help="installations, their last sync and checkpoints")
    p.add_argument("--database", metavar="URL", help=db_help)
    p.add_argument("--installation", metavar="ID", help="every checkpoint the unit cosigned for this installation")
    p.set_defaults(func=cmd_status)

    p = us.add_parser("serve", parents=[common], help="run one instance of the unit service (HTTPS)")
    p.add_argument("--database", metavar="URL", help=db_help)
    p.add_argument("--cosigner-key", required=True, metavar="FILE", help="made by `casedesk unit cosigner-key`")
    p.add_argument("--tls-cert", required=True, metavar="FILE", help="the service's certificate chain (PEM)")
    p.add_argument("--tls-key", required=True, metavar="FILE", help="the service's TLS private key (PEM)")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8443, help="port (default 8443; 0: any free port)")
    p.add_argument("--unit-fingerprint", metavar="FP",
                   help="the unit key's fingerprint: accept only logs whose keys chain to it (enrolled installations "
                        "then need no `unit register`)")
    p.add_argument("--teams", metavar="FILE",
                   help="the unit's signed team list (`casedesk unit teams`; needs --unit-fingerprint): another "
                        "installation's case is then served only to a supervisor of its team")
    p.add_argument("--client-ca", metavar="FILE",
                   help="the unit CA certificate (`casedesk unit tls-ca`): mutual TLS, every request over an "
                        "installation's client certificate; implies the unit fingerprint")
    p.set_defaults(func=cmd_serve)

    p = us.add_parser("load-revocations", parents=[common],
                      help="refuse the TLS certificates a unit revocation file revokes (mutual TLS)")
    p.add_argument("files", nargs="+", metavar="FILE", help="revocation files (`casedesk unit revoke`, "
                                                            "`casedesk unit revocations`)")
    p.add_argument("--database", metavar="URL", help=db_help)
    p.add_argument("--client-ca", required=True, metavar="FILE", help="the unit CA certificate the service is given")
    p.set_defaults(func=cmd_load_revocations)


def _unit_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--unit", required=True, metavar="URL", help="the unit service, e.g. https://casedesk.unit.local:8443")
    p.add_argument("--ca", metavar="FILE", help="CA certificate(s) that sign the unit's TLS certificate "
                                                 "(default: the system's)")


def cmd_handover_give(ctx: Context) -> None:
    from casedesk.services import handover, sync

    a = ctx.args
    session = ctx.session()
    ca = Path(a.ca) if a.ca else None
    done = handover.give(session, a.unit, ca, a.reference, a.to_installation, a.to_user, a.reason)
    result = sync.sync(session, a.unit, ca)
    ctx.emit(done, [f"Case {done.case_ref} handed over to {done.to_user} of installation {done.to_installation} "
                    f"(entry {done.seq}; {done.epochs} key epoch(s) sealed to their box key); synced: the unit "
                    f"holds {result.tree_size} entries.",
                    f"{done.to_user} takes it in with `casedesk unit-handover receive --from-installation "
                    f"{session.installation_id} {done.case_ref}`."])


def cmd_handover_receive(ctx: Context) -> None:
    from casedesk.services import handover

    a = ctx.args
    bar = ProgressBar("Receiving")
    try:
        got = handover.receive(ctx.session(), a.unit, Path(a.ca) if a.ca else None, a.from_installation,
                               a.reference, bar)
    finally:
        bar.finish()
    ctx.emit(got, [f"Case {got.case_ref} received from installation {got.from_installation} (created there at "
                   f"entry {got.identity.seq}): {got.exhibits} exhibit(s), {got.objects} object(s) "
                   f"({got.object_bytes / 1048576:.1f} MiB); recorded as entry {got.seq}.",
                   f"Its history at installation {got.from_installation}, as the unit served it: {got.export_path}"])


def _database(ctx: Context) -> str:
    url = getattr(ctx.args, "database", None) or os.environ.get(ENV_DATABASE)
    if not url:
        raise UsageError(f"no unit database: pass --database URL or set {ENV_DATABASE}")
    return str(url)


def cmd_sync(ctx: Context) -> None:
    from casedesk.services import sync

    session = ctx.session()
    bar = ProgressBar("Syncing")
    try:
        result = sync.sync(session, ctx.args.unit, Path(ctx.args.ca) if ctx.args.ca else None, bar,
                           batch=ctx.args.batch)
    finally:
        bar.finish()
    when = sync.cosigned_text(result.cosigned_at)
    lines = [f"Synced with {result.unit} at {result.url}: {result.pushed} entries sent; the unit holds "
             f"{result.tree_size} entries, cosigned {when}.",
             f"Merkle tree (RFC 6962): size {result.tree_size}, root {result.root}"]
    if result.recorded_as is not None:
        lines.append(f"The unit's cosignature is kept as custody entry {result.recorded_as}.")
    lines.append(f"Evidence (encrypted, as stored): {result.objects_sent} object(s) sent "
                 f"({result.object_bytes / 1048576:.1f} MiB); the unit holds {result.objects_held}.")
    if result.reviews_received:
        lines.append(f"{result.reviews_received} review(s) from supervisors on other desks recorded in the log.")
    if result.reviews_refused:
        lines.append(f"{result.reviews_refused} review statement(s) from the unit do not verify here and were not "
                     "recorded.")
    if result.forks_recorded:
        lines.append(f"{result.forks_recorded} fork(s) of this installation's log (entries its other copy wrote "
                     "offline) recorded: `casedesk custody conflicts` shows the custody conflicts a supervisor "
                     "resolves.")
    if result.forks_refused:
        lines.append(f"{result.forks_refused} fork(s) the unit served do not verify here and were not recorded.")
    if result.objects_unsent:
        lines.append(f"{len(result.objects_unsent)} object(s) are missing or damaged on this laptop and were not "
                     "sent: run `casedesk verify`.")
    ctx.emit(result, lines)


def cmd_review_fetch(ctx: Context) -> None:
    from casedesk.cli.custody import entry_line
    from casedesk.services import remote_review, sync

    a = ctx.args
    found = remote_review.fetch(ctx.session(), a.unit, Path(a.ca) if a.ca else None, a.installation, a.reference)
    lines = [f"Case {found.case_ref} of installation {found.installation_id}, as the unit {found.unit} holds it "
             f"({found.tree_size} entries, cosigned {sync.cosigned_text(found.cosigned_at)}); every hash, link, "
             "signature and case commitment checked.",
             f"Reviewed up to entry {found.reviewed_up_to}." if found.reviewed_up_to else "Never approved."]
    lines += [entry_line(e) for e in found.unreviewed] or ["Every entry of the case has been reviewed."]
    ctx.emit(found.unreviewed, lines)


def cmd_review_send(ctx: Context) -> None:
    from casedesk.services import remote_review

    a = ctx.args
    sent = remote_review.send(ctx.session(), a.unit, Path(a.ca) if a.ca else None, a.installation, a.reference,
                              a.decision, a.comment or "", a.up_to)
    what = "Approval" if sent.decision == "approve" else "Query"
    ctx.emit(sent, [f"{what} of case {sent.case_ref} of installation {sent.installation_id} up to entry "
                    f"{sent.up_to} signed and taken by the unit (statement {sent.statement_id}); recorded here as "
                    f"custody entry {sent.recorded_as}. The installation records it at its next sync."])


def cmd_restore(ctx: Context) -> None:
    import sys

    from casedesk.cli.context import ENV_USER, read_password
    from casedesk.cli.setup import ENV_RECOVERY_KEY
    from casedesk.services.restore import restore

    a = ctx.args
    user = getattr(a, "user", None) or os.environ.get(ENV_USER)
    if not user:
        raise UsageError(f"no user: pass --user NAME (an officer of the installation) or set {ENV_USER}")
    key = a.recovery_key or os.environ.get(ENV_RECOVERY_KEY)
    if not key:
        if not sys.stdin.isatty():
            raise UsageError(f"no recovery key: pass --recovery-key or set {ENV_RECOVERY_KEY}")
        key = getpass.getpass("Recovery key: ")
    password = read_password(f"Password for {user}: ")
    bar = ProgressBar("Restoring")
    try:
        result = restore(ctx.datadir, a.unit, Path(a.ca) if a.ca else None, a.installation, user, password, key, bar)
    finally:
        bar.finish()
    lines = [f"Installation {result.installation_id} restored from {result.unit} into {ctx.datadir.root}: "
             f"{result.entries} custody entries (as cosigned {sync_when(result.cosigned_at)}), {result.objects} "
             f"evidence object(s) ({result.object_bytes / 1048576:.1f} MiB).",
             f"Accounts that can sign in with their own password: {', '.join(result.accounts)}.",
             "Entries written after the laptop's last sync are not at the unit and are not restored.",
             "Run `casedesk verify` to check every entry and exhibit."]
    if result.missing:
        lines.append(f"{len(result.missing)} exhibit(s) whose content the unit never received: "
                     + ", ".join(result.missing[:10]) + (" ..." if len(result.missing) > 10 else ""))
    ctx.emit(result, lines)


def sync_when(stamp: int | None) -> str:
    from casedesk.services import sync

    return sync.cosigned_text(stamp)


def cmd_identity(ctx: Context) -> None:
    from casedesk.services import sync

    installation, key = sync.identity(ctx.session())
    ctx.emit({"installation": installation, "genesis_key": key},
             [f"Installation: {installation}", f"Genesis key:  {key}",
              "Give both to the unit administrator: casedesk unit register --installation ID --genesis-key HEX "
              "--label ..."])


def cmd_migrate(ctx: Context) -> None:
    from casedesk.unit.store import engine_for, migrate

    engine = engine_for(_database(ctx))
    try:
        revision = migrate(engine)
    finally:
        engine.dispose()
    ctx.emit({"revision": revision}, f"The unit database is at schema {revision}.")


def cmd_cosigner_key(ctx: Context) -> None:
    from casedesk.outputs import check_target
    from casedesk.unit.server import verifier_key_text, write_cosigner_key

    cosigner = write_cosigner_key(check_target(ctx.args.output, ctx.datadir.root, "a unit file"), ctx.args.name)
    vkey = verifier_key_text(cosigner.name, cosigner.signer.public_key)
    ctx.emit({"path": ctx.args.output, "verifier_key": vkey},
             [f"Cosigner key written to {ctx.args.output} (keep it like the TLS key: readable by the service only).",
              f"Verifier key (publish it): {vkey}"])


def cmd_register(ctx: Context) -> None:
    from casedesk.unit.admin import register as register_installation
    from casedesk.unit.store import engine_for

    engine = engine_for(_database(ctx))
    try:
        register_installation(engine, ctx.args.installation, ctx.args.genesis_key, ctx.args.label,
                              getpass.getuser())
    finally:
        engine.dispose()
    ctx.emit({"installation": ctx.args.installation}, f"Installation {ctx.args.installation} registered.")


def cmd_status(ctx: Context) -> None:
    from casedesk.unit.admin import checkpoints_of, status
    from casedesk.unit.store import engine_for

    engine = engine_for(_database(ctx))
    try:
        if ctx.args.installation:
            found = checkpoints_of(engine, ctx.args.installation)
            ctx.emit(found, [f"{len(found)} checkpoint(s) of installation {ctx.args.installation}"] + [
                f"tree size {c.tree_size}, root {c.root}, cosigned {c.received_at:%Y-%m-%d %H:%M:%S} UTC, "
                f"pushed by {c.pushed_by} ({c.stored} new entries)" for c in found])
            return
        rows = status(engine)
    finally:
        engine.dispose()
    lines = [f"{len(rows)} installation(s)"]
    for r in rows:
        last = "never synced" if r.last_sync is None else \
            f"last sync {r.last_sync:%Y-%m-%d %H:%M} UTC by {r.pushed_by}"
        lines.append(f"{r.installation_id}  {r.label}")
        lines.append(f"  {r.entries} entries held; checkpoint: tree size {r.tree_size}, root {r.root or '-'}; {last}")
        escrow = "no key slots in escrow (cannot be restored from the unit)" if r.escrowed_at is None else \
            f"key slots in escrow since {r.escrowed_at:%Y-%m-%d %H:%M} UTC"
        lines.append(f"  evidence: {r.objects} object(s), {r.object_bytes / 1048576:.1f} MiB (encrypted); {escrow}")
        if r.rejected:
            lines.append(f"  {r.rejected} rejected segment(s); the last: {r.last_rejection}")
        if r.rejected_objects:
            lines.append(f"  {r.rejected_objects} refused object part(s), kept as evidence")
        if not r.certificates:
            lines.append("  TLS client certificates: none (never enrolled by this unit)")
        for c in r.certificates:
            seen = "never presented" if c.first_seen is None else f"first presented {c.first_seen:%Y-%m-%d %H:%M} UTC"
            revoked = "not revoked" if c.revoked_at is None else f"REVOKED {c.revoked_at}: {c.revoked_reason}"
            lines.append(f"  TLS client certificate {c.serial}: {c.subject}, valid until "
                         f"{c.not_after:%Y-%m-%d %H:%M} UTC, {seen}; {revoked}")
    ctx.emit(rows, lines)


def cmd_serve(ctx: Context) -> None:
    from casedesk.unit.server import serve

    serve(_database(ctx), Path(ctx.args.cosigner_key), ctx.args.host, ctx.args.port, Path(ctx.args.tls_cert),
          Path(ctx.args.tls_key), unit_fingerprint=ctx.args.unit_fingerprint,
          teams=Path(ctx.args.teams) if ctx.args.teams else None,
          client_ca=Path(ctx.args.client_ca) if ctx.args.client_ca else None)


def cmd_load_revocations(ctx: Context) -> None:
    from casedesk.unit.admin import load_revocations
    from casedesk.unit.server import client_ca_fingerprint
    from casedesk.unit.store import engine_for

    fingerprint = client_ca_fingerprint(Path(ctx.args.client_ca), None)
    engine = engine_for(_database(ctx))
    try:
        loaded = load_revocations(engine, [Path(f) for f in ctx.args.files], fingerprint, getpass.getuser())
    finally:
        engine.dispose()
    ctx.emit({"loaded": loaded}, [f"{len(loaded)} revocation(s) loaded: the unit refuses these TLS certificates "
                                  "from now on."] + [f"  {serial}" for serial in loaded])
