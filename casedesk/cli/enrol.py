"""``casedesk unit ...`` (the unit administrator's key and answers) and ``casedesk enrol ...`` (an installation's side).

Both work with no server: the request and the answer are files carried by
hand. docs/unit-trust.md defines them.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from casedesk.cli.context import Context, read_password
from casedesk.errors import UsageError
from casedesk.outputs import NewFile, check_target, publish_all
from casedesk.services.enrolment import Enrolment
from casedesk.trust import certs, enrolment, issued, keyfile, teams
from casedesk.trust.unitkey import UnitSigner, grouped, normalise_fingerprint

ENV_UNIT_PASSPHRASE = "CASEDESK_UNIT_PASSPHRASE"  # noqa: S105 (a variable name) scripts and tests; a person is asked at the terminal


def unit_actions(sub: Any) -> Any:
    """The sub-commands of ``casedesk unit``, made by whichever module asks first (the unit service adds its own)."""
    parser = sub.choices.get("unit")
    if parser is None:
        parser = sub.add_parser("unit", help="the unit: its signing key, enrolment answers (and its service)")
        return parser.add_subparsers(dest="unit_command", metavar="ACTION", required=True)
    return next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    us = unit_actions(sub)
    p = us.add_parser("init-key", parents=[common], help="make the unit signing key (unit administrator, once)")
    p.add_argument("-o", "--output", required=True, help="the new key file (keep it offline, e.g. in a safe)")
    p.add_argument("--name", required=True, help="the unit key's name, e.g. casedesk.met.police.uk")
    p.set_defaults(func=cmd_init_key)
    p = us.add_parser("enrol", parents=[common], help="answer an installation's enrolment request with certificates")
    p.add_argument("request", help="the request file an installation wrote with `casedesk enrol request`")
    p.add_argument("--key", required=True, help="the unit key file")
    p.add_argument("-o", "--output", required=True, help="the answer file to give back to the installation")
    p.add_argument("--log", metavar="FILE", help="the unit's issuance log (default: the key file's name + "
                                                 ".issued.jsonl)")
    p.set_defaults(func=cmd_unit_enrol)
    p = us.add_parser("tls-ca", parents=[common],
                      help="the unit CA certificate (mutual TLS): give it to each unit service instance (--client-ca)")
    p.add_argument("--key", required=True, help="the unit key file")
    p.add_argument("-o", "--output", required=True, help="the new certificate file (PEM; public)")
    p.set_defaults(func=cmd_unit_tls_ca)
    p = us.add_parser("revoke", parents=[common], help="revoke a certificate the unit issued")
    p.add_argument("answer", nargs="?", help="an answer file holding the certificate (default: the issuance log)")
    p.add_argument("--log", metavar="FILE", help="the unit's issuance log (default: beside the key file)")
    p.add_argument("--serial", required=True, help="the certificate's serial (32 hex digits)")
    p.add_argument("--reason", required=True, help="why, e.g. 'laptop reported stolen 2026-11-20'")
    p.add_argument("--key", required=True, help="the unit key file")
    p.add_argument("-o", "--output", required=True, help="the revocation file to give to the installation")
    p.set_defaults(func=cmd_unit_revoke)
    p = us.add_parser("revocations", parents=[common],
                      help="every revocation in the unit's issuance log, as one file to publish beside the fingerprint")
    p.add_argument("log", help="the unit's issuance log")
    p.add_argument("--unit-fingerprint", metavar="FP", required=True, help="the unit key's fingerprint")
    p.add_argument("-o", "--output", required=True, help="the new revocation file (for --unit-revocations)")
    p.set_defaults(func=cmd_unit_revocations)
    p = us.add_parser("teams", parents=[common],
                      help="sign the unit's team list: which supervisors may review which installations' cases")
    p.add_argument("definition", help='a JSON file {"teams": [{"name", "supervisors": [{"installation_id", "user"}], '
                                      '"installations": [ID, ...]}]}')
    p.add_argument("--key", required=True, help="the unit key file")
    p.add_argument("--log", metavar="FILE", help="the unit's issuance log (default: beside the key file)")
    p.add_argument("-o", "--output", required=True,
                   help="the new signed team list, for every instance of the service (`unit serve --teams`)")
    p.set_defaults(func=cmd_unit_teams)

    enrol = sub.add_parser("enrol", help="enrol this installation with the unit (offline, by files)")
    es = enrol.add_subparsers(dest="enrol_command", metavar="ACTION", required=True)
    p = es.add_parser("request", parents=[common], help="write the enrolment request for the unit (admin)")
    p.add_argument("-o", "--output", required=True, help="the new request file")
    p.set_defaults(func=cmd_request)
    p = es.add_parser("import", parents=[common], help="record the unit's answer in the custody log (admin)")
    p.add_argument("answer", help="the answer file from `casedesk unit enrol` or `casedesk unit revoke`")
    p.add_argument("--unit-fingerprint", metavar="FP",
                   help="the unit's fingerprint as the unit administrator gave it (needed the first time)")
    p.set_defaults(func=cmd_import)
    p = es.add_parser("status", parents=[common], help="the unit this installation is enrolled with, and who is not")
    p.set_defaults(func=cmd_status)


def _passphrase(confirm: bool = False) -> str:
    return read_password("Unit key passphrase: ", ENV_UNIT_PASSPHRASE, confirm=confirm)


def _new_target(ctx: Context, path: str) -> Path:
    """Where a new file may go (checked before any passphrase is asked): never over an existing file, never inside
    CaseDesk's data directory (the one this command would use: --data-dir, or the default)."""
    return check_target(path, ctx.datadir.root, "a unit file")


def _write_json(ctx: Context, path: str, obj: Any) -> Path:
    target = _new_target(ctx, path)
    with NewFile(target) as out:
        out.write((json.dumps(obj, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8"))
        publish_all([out])
    return target


def cmd_init_key(ctx: Context) -> int:
    a = ctx.args
    _new_target(ctx, a.output)
    signer = UnitSigner.generate(a.name)
    keyfile.write_new(Path(a.output), signer, _passphrase(confirm=True))
    unit = signer.public
    ctx.emit({"file": a.output, "name": unit.name, "fingerprint": unit.fingerprint, "vkey": unit.vkey}, [
        f"Unit key written to {a.output} (keep it offline; the passphrase opens it).",
        f"Unit fingerprint: {grouped(unit.fingerprint)}",
        f"Verifier key:     {unit.vkey}",
        "Publish the fingerprint (force intranet, disclosure letters); prosecutors pin it with "
        "`casedesk verify --unit-fingerprint` and `tools/verify_custody.py --unit-fingerprint`.",
    ])
    return 0


def cmd_unit_enrol(ctx: Context) -> int:
    a = ctx.args
    req = enrolment.read_request(Path(a.request))
    _new_target(ctx, a.output)
    signer = keyfile.read(Path(a.key), _passphrase())
    answer = enrolment.answer(signer, req)
    # The unit's own record first: a certificate is never handed out unrecorded.
    issued.append(_log_path(a), signer, [("certificate", c) for c in answer["certificates"]], req.sha256())
    _write_json(ctx, a.output, answer)
    lines = [f"Installation {req.installation_id} (request made {req.made_at} by {req.made_by}; log of "
             f"{req.checkpoint.size} entries, root {req.checkpoint.root[:16]}...)",
             f"Installation key: {req.installation_key}"]
    lines += [f"  certified {o.user} ({o.full_name}, {o.role}): key {o.public_key[:16]}..." for o in req.officers]
    lines.append(f"{len(answer['certificates'])} certificates of unit {grouped(signer.public.fingerprint)} "
                 f"written to {a.output}, with the installation's TLS client certificate (serial "
                 f"{answer['certificates'][0]['serial']})")
    ctx.emit({"request_sha256": req.sha256(), "certificates": answer["certificates"], "output": a.output}, lines)
    return 0


def cmd_unit_tls_ca(ctx: Context) -> int:
    from casedesk.trust import tlscert

    a = ctx.args
    target = _new_target(ctx, a.output)
    signer = keyfile.read(Path(a.key), _passphrase())
    with NewFile(target) as out:
        out.write(tlscert.ca_certificate(signer))
        publish_all([out])
    ctx.emit({"output": a.output, "fingerprint": signer.public.fingerprint}, [
        f"Unit CA certificate of unit key {grouped(signer.public.fingerprint)} written to {a.output}.",
        "Give it to every instance of the unit service: casedesk unit serve ... --client-ca FILE"])
    return 0


def cmd_unit_revoke(ctx: Context) -> int:
    a = ctx.args
    _new_target(ctx, a.output)
    signer = keyfile.read(Path(a.key), _passphrase())
    serial = a.serial.strip().lower()
    if a.answer:
        found = enrolment.read_answer(Path(a.answer), signer.public.fingerprint)
        cert = next((c for c in found.certificates if c.serial == serial), None)
        if cert is None:
            raise UsageError(f"{a.answer} holds no certificate with serial {a.serial}")
    else:
        cert = issued.find_certificate(issued.read(_log_path(a), signer.public), serial)
    answer = enrolment.revocation_answer(signer, cert, a.reason)
    issued.append(_log_path(a), signer, [("revocation", r) for r in answer["revocations"]])
    _write_json(ctx, a.output, answer)
    ctx.emit(answer, f"Certificate {cert.serial} ({cert.describe()}) revoked; give {a.output} to the installation "
                     "(`casedesk enrol import`) and load it into the unit service (`casedesk unit load-revocations`).")
    return 0


def _log_path(a: argparse.Namespace) -> Path:
    return Path(a.log) if getattr(a, "log", None) else issued.suffix_path(Path(a.key))


def cmd_unit_revocations(ctx: Context) -> int:
    a = ctx.args
    fingerprint = normalise_fingerprint(a.unit_fingerprint)
    unit = issued.unit_of(Path(a.log), fingerprint)
    found = issued.revocations(issued.read(Path(a.log), unit))
    _write_json(ctx, a.output, {"format": enrolment.ANSWER_FORMAT, "unit": unit.vkey, "installation_id": "*",
                           "request_sha256": None, "certificates": [], "revocations": found})
    ctx.emit({"revocations": len(found), "output": a.output},
             f"{len(found)} revocation(s) of unit {unit.name} written to {a.output}")
    return 0


def cmd_unit_teams(ctx: Context) -> int:
    a = ctx.args
    _new_target(ctx, a.output)
    found = teams.read_definition(Path(a.definition))  # a bad definition is refused before the passphrase
    signer = keyfile.read(Path(a.key), _passphrase())
    signed = teams.issue(signer, found)
    issued.append(_log_path(a), signer, [("teams", signed.encode())])
    _write_json(ctx, a.output, signed.encode())
    ctx.emit({"serial": signed.serial, "teams": len(signed.teams), "output": a.output},
             f"Team list {signed.serial} of unit {signer.public.name}: {len(signed.teams)} team(s), written to "
             f"{a.output}; give it to every instance of the unit service (`casedesk unit serve --teams`) and "
             "restart them one by one.")
    return 0


def cmd_request(ctx: Context) -> int:
    req = Enrolment(ctx.session()).write_request(Path(ctx.args.output))
    ctx.emit({"output": ctx.args.output, "sha256": req.sha256(), "officers": len(req.officers)}, [
        f"Enrolment request written to {ctx.args.output}: installation {req.installation_id}, "
        f"{len(req.officers)} officer(s), log of {req.checkpoint.size} entries.",
        f"Its SHA-256: {req.sha256()} (read it to the unit administrator when you hand the file over).",
    ])
    return 0


def cmd_import(ctx: Context) -> int:
    seq, answer = Enrolment(ctx.session()).import_answer(Path(ctx.args.answer), ctx.args.unit_fingerprint)
    kinds = [c.kind for c in answer.certificates]
    ctx.emit({"entry": seq, "unit_fingerprint": answer.unit.fingerprint}, (
        f"Recorded in custody entry {seq}: {kinds.count(certs.KIND_INSTALLATION)} installation and "
        f"{kinds.count(certs.KIND_OFFICER)} officer certificate(s), {len(answer.revocations)} revocation(s) of unit "
        f"{answer.unit.name} ({grouped(answer.unit.fingerprint)})."))
    return 0


def cmd_status(ctx: Context) -> int:
    st = Enrolment(ctx.session()).status()
    if not st.enrolled:
        ctx.emit(st, "Not enrolled with a unit: this installation's log proves its own chain, but nothing shows it "
                     "belongs to the unit (`casedesk enrol request`).")
        return 0
    lines = [f"Enrolled with unit {st.unit_name}, fingerprint {grouped(st.unit_fingerprint or '')} "
             f"(custody entry {st.enrolled_at})",
             f"Certified: {', '.join(st.certified) or 'nobody'}"]
    if st.uncertified:
        lines.append(f"Not certified (write a new request): {', '.join(st.uncertified)}")
    if st.revoked:
        lines.append(f"Certificate revoked: {', '.join(st.revoked)}")
    ctx.emit(st, lines)
    return 0
