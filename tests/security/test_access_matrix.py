"""Who may do what: every CLI command and every service-layer action, as every kind of user.

``MATRIX`` below is the one table. It mirrors the README's "Who may do what"
(the ``readme`` column names the README row each action falls under) and adds
the actions the README leaves implicit (listing accounts, one's own password,
settings shown). Each action is run from a fresh copy of the same case, once
through the command line and once through the service layer, as:

- ``jsmith``: detective, member and officer in charge of the case, custodian of its exhibits;
- ``dcole``: detective, member of the case, neither officer in charge nor custodian;
- ``bpatel``: detective, not a member;
- ``sgt``: supervisor; ``admin``: administrator;
- ``gone``: a member whose account was disabled: nothing at all.

A ``Y`` must succeed, a ``-`` must be refused as a permission problem (exit 5,
``PermissionDenied``). Tests at the end check that the table covers every
command the CLI registers and every public method of every service.
"""

from __future__ import annotations

import functools
import inspect
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from casedesk.cli.main import build_parser
from casedesk.errors import AuthenticationError, PermissionDenied
from casedesk.logsetup import remove_file_logs
from casedesk.reports.verify_bundle import verify_bundle
from casedesk.security import keyslots
from casedesk.services.accounts import Accounts
from casedesk.services.bundles import Bundles
from casedesk.services.cases import Cases
from casedesk.services.conflicts import Conflicts
from casedesk.services.custody import Custody, MoveResult
from casedesk.services.disclosure import Disclosure
from casedesk.services.enrolment import Enrolment
from casedesk.services.evidence import Evidence, IngestMetadata
from casedesk.services.home import Home
from casedesk.services.legacyvault import LegacyVault
from casedesk.services.search import Search
from casedesk.services.session import Session
from casedesk.services.settings import Settings
from casedesk.trust import enrolment
from casedesk.trust.unitkey import UnitSigner
from tests.conftest import use_file_keyring
from tests.helpers.cli import run
from tests.helpers.store import CASE, PASSWORDS, Store, copy_store

ACTORS = ("jsmith", "dcole", "bpatel", "sgt", "admin")
EXTRA_PASSWORDS = {"dcole": "colleague-password-1", "gone": "disabled-password-1"}
ALL_PASSWORDS = {**PASSWORDS, **EXTRA_PASSWORDS}
NEW_PASSWORD = "a-new-password-0417"


@dataclass(frozen=True)
class Action:
    readme: str  # the README row it falls under
    allowed: str  # one character per actor in ACTORS order: Y may, - may not
    cli: tuple[str, ...] | None  # arguments; {placeholders} filled from the case
    service: Callable[[Session, dict[str, Any]], Any] | None
    # What an allowed actor's run needs in its copy of the store first; returns extra placeholders.
    prepare: Callable[[Store], dict[str, Any]] | None = None

    def may(self, actor: str) -> bool:
        return self.allowed.replace(" ", "")[ACTORS.index(actor)] == "Y"


def _all_moved(result: MoveResult) -> MoveResult:
    """A move of several: an exhibit refused as a permission problem is the action refused."""
    denied = [r for r in result.refused if r.exit_code == PermissionDenied.exit_code]
    if denied:
        raise PermissionDenied(denied[0].reason)
    assert not result.refused, result.refused
    return result


def _read(ev: Evidence, ref: str) -> bytes:
    with ev.read_original(CASE, ref) as stream:
        return stream.read()


def _view(ev: Evidence, ref: str) -> bytes:
    with ev.open_content(CASE, ref) as stream:
        return stream.read()


def _entry_two_hours_behind(store: Store) -> dict[str, Any]:
    """A time anomaly as an older version could leave one, for a supervisor to acknowledge."""
    from tests.helpers.custody import entry_dated_behind

    behind, _before = entry_dated_behind(store, "sgt")
    return {"behind": behind}


def _conflict_open(store: Store) -> dict[str, Any]:
    """JAS/1 moved differently on this copy and on the installation's other copy, whose entries are recorded: an
    open custody conflict (tests/helpers/conflicts.py)."""
    from tests.helpers.conflicts import make_fork, record_fork

    record_fork(store, make_fork(store, here=[("JAS/1", "Property store")], there=[("JAS/1", "Van 2")]))
    return {}


UNIT = UnitSigner.generate("casedesk.matrix.police.uk")


def _unit_answer(store: Store) -> Path:
    """The unit's answer to this store's enrolment request, as the unit administrator would hand it over."""
    folder = store.root.parent / "enrol"
    folder.mkdir(exist_ok=True)
    s = store.sign_in("admin")
    try:
        Enrolment(s).write_request(folder / "req.json")
    finally:
        s.close()
    answer = enrolment.answer(UNIT, enrolment.read_request(folder / "req.json"))
    (folder / "answer.json").write_text(json.dumps(answer))
    return folder / "answer.json"


def _reset_and_changed(store: Store) -> dict[str, Any]:
    """An administrator's reset of bpatel, and bpatel's own password change since: ready for a supervisor."""
    admin = store.sign_in("admin")
    try:
        Accounts(admin).reset_password("bpatel", "temporary-from-admin")
    finally:
        admin.close()
    s = store.installation.sign_in("bpatel", "temporary-from-admin")
    try:
        Accounts(s).change_password("temporary-from-admin", "bilal-chose-this-one")
    finally:
        s.close()
    return {}


def _account_awaiting_confirmation(store: Store) -> dict[str, Any]:
    """A second administrator, who creates 'newbie': the account awaits the first administrator's confirmation."""
    admin = store.sign_in("admin")
    try:
        Accounts(admin).add("admin2", "admin", "Bea Second", "BS", "second-admin-password")
    finally:
        admin.close()
    second = store.installation.sign_in("admin2", "second-admin-password")
    try:
        Accounts(second).add("newbie", "detective", "New Officer", "NO", NEW_PASSWORD)
    finally:
        second.close()
    return {}


def _promotion_awaiting_confirmation(store: Store) -> dict[str, Any]:
    """A second administrator, who promotes dcole to supervisor: the change awaits the first one's confirmation."""
    admin = store.sign_in("admin")
    try:
        Accounts(admin).add("admin2", "admin", "Bea Second", "BS", "second-admin-password")
    finally:
        admin.close()
    second = store.installation.sign_in("admin2", "second-admin-password")
    try:
        Accounts(second).set_role("dcole", "supervisor")
    finally:
        second.close()
    return {}


def _case_closed(store: Store) -> dict[str, Any]:
    sgt = store.sign_in("sgt")
    try:
        Cases(sgt).close(CASE, "file complete, reviewed on paper")
    finally:
        sgt.close()
    return {}


A = Action
#                                                      jsmith dcole bpatel sgt admin
MATRIX: dict[str, Action] = {
    # --- accounts -------------------------------------------------------------------------------------------
    "user add": A("add users ...", "- - - - Y", ("user", "add", "newbie", "--role", "detective", "--full-name",
                                                  "New Officer"),
                  lambda s, c: Accounts(s).add("newbie", "detective", "New Officer", "", NEW_PASSWORD)),
    "user list": A("(not in the README: every role sees the account list)", "Y Y Y Y Y", ("user", "list"),
                   lambda s, c: Accounts(s).list()),
    "user passwd": A("(one's own password)", "Y Y Y Y Y", ("user", "passwd"),
                     lambda s, c: Accounts(s).change_password(c["password"], NEW_PASSWORD)),
    "user reset": A("reset passwords", "- - - - Y", ("user", "reset", "bpatel"),
                    lambda s, c: Accounts(s).reset_password("bpatel", NEW_PASSWORD)),
    "user disable": A("disable accounts", "- - - - Y", ("user", "disable", "dcole"),
                      lambda s, c: Accounts(s).disable("dcole")),
    "user unlock": A("unlock accounts", "- - - - Y", ("user", "unlock", "dcole"),
                     lambda s, c: Accounts(s).unlock("dcole")),
    "user pending": A("confirm a password reset in person", "- - - Y -", ("user", "pending"),
                      lambda s, c: Accounts(s).pending_confirmations()),
    "user confirm": A("confirm a password reset in person", "- - - Y -", ("user", "confirm", "bpatel"),
                      lambda s, c: Accounts(s).confirm_identity("bpatel"), prepare=_reset_and_changed),
    "user pending-accounts": A("confirm a new account another administrator created", "- - - - Y",
                               ("user", "pending-accounts"),
                               lambda s, c: (Accounts(s).pending_creations(), Accounts(s).pending_promotions())),
    "user confirm-account": A("confirm a new account another administrator created", "- - - - Y",
                              ("user", "confirm-account", "newbie"), lambda s, c: Accounts(s).confirm_creation("newbie"),
                              prepare=_account_awaiting_confirmation),
    "user confirm-promotion": A("confirm a promotion another administrator made", "- - - - Y",
                                ("user", "confirm-promotion", "dcole", "supervisor"),
                                lambda s, c: Accounts(s).confirm_promotion("dcole", "supervisor"),
                                prepare=_promotion_awaiting_confirmation),
    "user role": A("change roles", "- - - - Y", ("user", "role", "dcole", "supervisor"),
                   lambda s, c: Accounts(s).set_role("dcole", "supervisor")),
    # --- cases ----------------------------------------------------------------------------------------------
    "case create": A("create a case", "Y Y Y Y -", ("case", "create", "MPS-2026-0999", "--title", "Operation Wren"),
                     lambda s, c: Cases(s).create("MPS-2026-0999", "Operation Wren")),
    "case list": A("list cases", "Y Y Y Y Y", ("case", "list"), lambda s, c: Cases(s).list()),
    "case show": A("list cases (the case's record; its summary is content)", "Y Y - Y Y", ("case", "show", CASE),
                   lambda s, c: Cases(s).show(CASE)),
    "case close": A("close a case, override the review check", "- - - Y -",
                    ("case", "close", CASE, "--override", "file complete, reviewed on paper"),
                    lambda s, c: Cases(s).close(CASE, "file complete, reviewed on paper")),
    "case member add": A("add or remove a case member", "- - - Y Y", ("case", "member", "add", CASE, "bpatel"),
                         lambda s, c: Cases(s).add_member(CASE, "bpatel")),
    "case member remove": A("add or remove a case member", "- - - Y Y",
                            ("case", "member", "remove", CASE, "dcole", "--reason", "moved to another team"),
                            lambda s, c: Cases(s).remove_member(CASE, "dcole", "moved to another team")),
    "case summary": A("edit the case summary", "Y - - Y -", ("case", "summary", CASE, "Revised summary."),
                      lambda s, c: Cases(s).set_summary(CASE, "Revised summary.")),
    "note add": A("add notes", "Y Y - Y -", ("note", "add", CASE, "Called the bank's fraud team."),
                  lambda s, c: Cases(s).add_note(CASE, "Called the bank's fraud team.")),
    "note list": A("see exhibits, notes, custody", "Y Y - Y -", ("note", "list", CASE),
                   lambda s, c: Cases(s).notes(CASE)),
    "note edit": A("(a note's author)", "Y - - - -", ("note", "edit", CASE, "{note}", "Spoke to the journalist again."),
                   lambda s, c: Cases(s).edit_note(CASE, c["note"], "Spoke to the journalist again.")),
    "case reopen": A("(a supervisor reopens a closed case)", "- - - Y -",
                     ("case", "reopen", CASE, "--reason", "new statements from the bank"),
                     lambda s, c: Cases(s).reopen(CASE, "new statements from the bank"), prepare=_case_closed),
    "case timeline": A("see exhibits, notes, custody", "Y Y - Y -", ("case", "timeline", CASE),
                       lambda s, c: Cases(s).timeline(CASE)),
    "case reencrypt-legacy": A("see exhibits (a key holder re-encrypts the case's objects from before case keys; "
                               "none here: it finds nothing to do)", "Y Y - Y -", ("case", "reencrypt-legacy", CASE),
                               lambda s, c: LegacyVault(s).reencrypt(CASE)),
    "home": A("(everyone: what waits for them)", "Y Y Y Y Y", ("home",), lambda s, c: Home(s).view()),
    # --- evidence -------------------------------------------------------------------------------------------
    "ingest": A("ingest", "Y Y - Y -", ("ingest", CASE, "{src}", "--description", "Further statement"),
                lambda s, c: Evidence(s).ingest(CASE, [c["src"]], IngestMetadata(description="Further statement"))),
    "extract": A("extract", "Y Y - Y -", ("extract", CASE, "JAS/1", "-o", "{out}/extracted.bin"),
                 lambda s, c: Evidence(s).extract(CASE, "JAS/1", c["out"] / "extracted.bin")),
    "evidence list": A("see exhibits", "Y Y - Y -", ("evidence", "list", CASE), lambda s, c: Evidence(s).list(CASE)),
    "search": A("(not in the README's table: what 'see exhibits, notes' shows, in every case one may see)",
                "Y Y Y Y -", ("search", "invoice"), lambda s, c: Search(s).find("invoice")),
    "evidence files to ingest": A("ingest (the desktop form's list of the files to describe; no command)",
                                  "Y Y - Y -", None, lambda s, c: Evidence(s).files_to_ingest(CASE, [c["src"]])),
    "evidence rows": A("see exhibits (the desktop register's lines; no command)", "Y Y - Y -", None,
                       lambda s, c: Evidence(s).rows(CASE)),
    "evidence show": A("see exhibits", "Y Y - Y -", ("evidence", "show", CASE, "JAS/1"),
                       lambda s, c: Evidence(s).show(CASE, "JAS/1")),
    "evidence view": A("see exhibits (viewing content, logged)", "Y Y - Y -", None,
                       lambda s, c: _view(Evidence(s), "JAS/1")),
    "evidence read original": A("see exhibits (the bundle's own read; its export is logged)", "Y Y - Y -", None,
                                lambda s, c: _read(Evidence(s), "JAS/1")),
    "evidence withdraw": A("withdraw", "Y Y - Y -", ("evidence", "withdraw", CASE, "JAS/3", "--reason", "duplicate"),
                           lambda s, c: Evidence(s).withdraw(CASE, "JAS/3", "duplicate")),
    "evidence sensitive": A("mark sensitive", "Y Y - Y -",
                            ("evidence", "sensitive", CASE, "JAS/3", "--on", "--reason", "informant"),
                            lambda s, c: Evidence(s).set_sensitive(CASE, "JAS/3", True, "informant")),
    "evidence verify": A("verify", "Y Y - Y Y", None, lambda s, c: Evidence(s).verify(CASE)),
    # --- custody --------------------------------------------------------------------------------------------
    "verify": A("verify", "Y Y - Y Y", ("verify", CASE), lambda s, c: Custody(s).verify(CASE)),
    "custody log": A("see custody", "Y Y - Y -", ("custody", "log", CASE), lambda s, c: Custody(s).log(CASE)),
    "custody entry": A("see custody", "Y Y - Y -", None, lambda s, c: Custody(s).entry(c["seq"])),
    "custody transfer": A("transfer", "Y - - Y -",
                          ("custody", "transfer", CASE, "JAS/1", "--to", "Property store", "--reason", "booked in"),
                          lambda s, c: Custody(s).transfer(CASE, "JAS/1", "Property store", "booked in")),
    "custody checkout": A("check out", "Y - - Y -",
                          ("custody", "checkout", CASE, "JAS/1", "--to", "Forensic lab", "--reason", "imaging"),
                          lambda s, c: Custody(s).check_out(CASE, "JAS/1", "Forensic lab", "imaging")),
    "custody return": A("return an exhibit", "Y - - Y -", ("custody", "return", CASE, "JAS/2", "--reason", "done"),
                        lambda s, c: Custody(s).return_(CASE, "JAS/2", "done")),
    "custody transfer several": A("transfer", "Y - - Y -", None, lambda s, c: _all_moved(
        Custody(s).transfer_several(CASE, ["JAS/1"], "Property store", "booked in"))),
    "custody checkout several": A("check out", "Y - - Y -", None, lambda s, c: _all_moved(
        Custody(s).check_out_several(CASE, ["JAS/1"], "Forensic lab", "imaging"))),
    "custody return several": A("return an exhibit", "Y - - Y -", None, lambda s, c: _all_moved(
        Custody(s).return_several(CASE, ["JAS/2"], "done"))),
    "custody correct": A("(an entry's author, or a supervisor)", "Y - - Y -",
                         ("custody", "correct", "{seq}", "--text", "the lab is in Lambeth"),
                         lambda s, c: Custody(s).correct(c["seq"], "the lab is in Lambeth")),
    "custody unreviewed": A("see custody", "Y Y - Y -", ("custody", "unreviewed", CASE),
                            lambda s, c: Custody(s).unreviewed(CASE)),
    "custody queries": A("see custody", "Y Y - Y -", ("custody", "queries", CASE),
                         lambda s, c: Custody(s).queries(CASE)),
    "custody conflicts": A("see custody", "Y Y - Y -", ("custody", "conflicts", CASE),
                           lambda s, c: Conflicts(s).list(CASE)),
    "custody resolve-conflict": A("resolve an offline custody conflict (`casedesk custody resolve-conflict`)",
                                  "- - - Y -", ("custody", "resolve-conflict", CASE, "JAS/1", "--custodian",
                                                "Forensic lab", "--reason", "the lab's record"),
                                  lambda s, c: Conflicts(s).resolve(CASE, "JAS/1", "the lab's record",
                                                                    custodian="Forensic lab"),
                                  prepare=_conflict_open),
    "custody acknowledge-time": A("review custody", "- - - Y -",
                                  ("custody", "acknowledge-time", "{behind}", "--reason", "clock two hours behind"),
                                  lambda s, c: Custody(s).acknowledge_time(c["behind"], "clock two hours behind"),
                                  prepare=_entry_two_hours_behind),
    "custody time-anomalies": A("review custody", "- - - Y -", ("custody", "time-anomalies"),
                                lambda s, c: Custody(s).time_anomalies(), prepare=_entry_two_hours_behind),
    "custody acknowledge entries": A("review custody (the desktop's choice of entries; no command)", "- - - Y -",
                                     None, lambda s, c: Custody(s).acknowledge_entries([c["behind"]], "clock behind"),
                                     prepare=_entry_two_hours_behind),
    "custody export": A("export the custody log", "Y Y - Y -", ("custody", "export", CASE, "-o", "{out}/log.jsonl"),
                        lambda s, c: Custody(s).export_log(CASE, c["out"] / "log.jsonl")),
    "review": A("review custody", "- - - Y -", ("review", CASE, "--approve"),
                lambda s, c: Custody(s).review(CASE, "approve", "")),
    "review queue": A("review custody", "- - - Y -", ("review", "queue"), lambda s, c: Custody(s).review_queue()),
    # --- bundles ----------------------------------------------------------------------------------------------
    "export": A("export a bundle", "Y Y - Y -", ("export", CASE, "-o", "{out}/bundle.pdf"),
                lambda s, c: Bundles(s).export(CASE, c["out"] / "bundle.pdf")),
    "export-schedule": A("export a bundle", "Y Y - Y -",
                         ("export-schedule", CASE, "--schedule", "mg6c", "-o", "{out}/mg6c.pdf"),
                         lambda s, c: Disclosure(s).export_schedule(CASE, "mg6c", c["out"] / "mg6c.pdf")),
    "export-case": A("export a bundle", "Y Y - Y -",
                     ("export-case", CASE, "--format", "case-uco", "-o", "{out}/case.jsonld"),
                     lambda s, c: Disclosure(s).export_case(CASE, c["out"] / "case.jsonld")),
    "verify-bundle": A("verify", "Y Y - Y Y", ("verify-bundle", "{bundle}"),
                       lambda s, c: verify_bundle(c["bundle"], s)),
    # --- settings ---------------------------------------------------------------------------------------------
    "settings show": A("(settings are shown to everyone)", "Y Y Y Y Y", ("settings", "show"),
                       lambda s, c: Settings(s).all()),
    "settings get": A("(settings are shown to everyone)", "Y Y Y Y Y", None,
                      lambda s, c: Settings(s).get("bundle.default_marking")),
    "custody reset-head": A("(not in the README's table: an administrator accepts the log when a head copy is stuck)",
                            "- - - - Y", ("custody", "reset-head", "--reason", "restored from the nightly backup"),
                            None),
    "custody rebuild-register": A(
        "(not in the README's table: an administrator rebuilds a tampered register from the log into a new folder)",
        "- - - - Y", ("custody", "rebuild-register", "--into", "{out}/rebuilt", "--reason", "edited outside CaseDesk"),
        None),
    "recovery-key": A("(not in the README's table: an administrator makes a new recovery key)", "- - - - Y",
                      ("recovery-key", "--replace"), None),
    "settings set": A("settings", "- - - - Y", ("settings", "set", "bundle.default_marking", "OFFICIAL"),
                      lambda s, c: Settings(s).set("bundle.default_marking", "OFFICIAL")),
    # --- enrolment with the unit (docs/unit-trust.md) ----------------------------------------------------------
    "enrol request": A("enrol the installation with the unit", "- - - - Y", ("enrol", "request", "-o", "{out}/req.json"),
                       None),
    "enrol import": A("enrol the installation with the unit", "- - - - Y",
                      ("enrol", "import", "{answer}", "--unit-fingerprint", UNIT.public.fingerprint), None,
                      prepare=lambda store: {"answer": _unit_answer(store)}),
    "enrol status": A("(not in the README's table: who the unit certified, as the user list)", "Y Y Y Y Y",
                      ("enrol", "status"), None),
    "unit identity": A("(not in the README's table: the installation id and genesis key, for the unit "
                       "administrator)", "Y Y Y Y Y", ("unit", "identity"), None),
}

# Commands that sign no one in, and why they are outside the table.
UNAUTHENTICATED = {
    "init": "creates a new installation in an empty folder (refused where one exists)",
    "status": "says where the data directory is; reads no case data",
    "demo": "creates a new demo installation in an empty folder",
    "recover": "puts the device secret back in an OS keyring from the recovery key; opens no key slot, reads no case",
    "gui": "opens the desktop app, whose sign-in and actions go through the same services",
    "unit init-key": "the unit administrator's key ceremony: writes a new key file, opens no installation",
    "unit enrol": "the unit administrator answers a request file with the unit key file; opens no installation",
    "unit revoke": "the unit administrator revokes a certificate with the unit key file; opens no installation",
    "unit migrate": "the unit administrator creates the unit database's tables; opens no installation",
    "unit cosigner-key": "the unit administrator makes the service's cosigner key file; opens no installation",
    "unit register": "the unit administrator registers an installation in the unit database; opens no installation",
    "unit status": "the unit administrator's view of the unit database; opens no installation",
    "unit serve": "runs the unit service over the unit database; opens no installation",
    "unit revocations": "copies the revocations out of the unit's issuance log; opens no installation",
    "unit teams": "the unit administrator signs the team list with the unit key file; opens no installation",
    "unit tls-ca": "the unit administrator makes the unit CA certificate with the unit key file; opens no installation",
    "unit load-revocations": "the unit administrator loads revocation files into the unit database (mutual TLS); "
                             "opens no installation (tests/unit_service/test_mtls.py)",
}
# Commands that sign in but need a running unit service: tests/unit_service runs them against a real one.
NEEDS_A_UNIT = {
    "sync": "every enabled account may send its installation's log; the unit checks the account and key in the log",
    "restore": "rebuilds a wiped installation into an empty folder from the unit: its recovery key and the officer's "
               "own password open it, and the unit serves that installation's escrow and log only to a key of it, "
               "refusing a disabled account, and serves evidence only of the cases the officer may read "
               "(tests/unit_service/test_restore.py, test_mtls.py)",
    "unit-review fetch": "a supervisor only (Permission.CUSTODY_REVIEW on the desk); the unit serves another "
                         "installation's case only to an enabled supervisor of a synced installation, by its log, "
                         "with the key that log registers (tests/unit_service/test_review.py)",
    "unit-handover give": "the officer in charge or a supervisor (roles.ACTION_RULES case.handed_over, checked by "
                          "Session.record); the unit vouches for the receiver only to an enabled account of a synced "
                          "installation (tests/unit_service/test_handover.py)",
    "unit-handover receive": "only the officer the hand-over names, with the box key it was sealed to; the unit serves "
                             "the case and its objects to that account of that installation alone "
                             "(tests/unit_service/test_handover.py)",
    "unit-review approve": "a supervisor only (Permission.CUSTODY_REVIEW on the desk); the unit takes the signed "
                           "statement only from an enabled supervisor of a synced installation with the key its log "
                           "registers, and the case's installation counts it only with the unit's voucher "
                           "(tests/unit_service/test_review_statements.py)",
    "unit-review query": "as unit-review approve; the query shows in the case's open queries on the other installation "
                         "after its sync (tests/unit_service/test_review_statements.py)",
}
# Service methods that are building blocks of the actions above, not actions of their own.
BUILDING_BLOCKS = {
    "Custody.outside_heads": "the log head copies (a sequence number and a hash), used by verify and export",
    "Custody.exhibit_rows": "takes an open database session; called by verify and export after their checks",
    "Accounts.confirm_password": "the desktop's lock screen: the signed-in user's own password, proved again "
                                 "(no command: the command line asks for the password at every command)",
    "Cases.summaries": "takes an open database session and case rows; the case list's summary of each (home)",
    "Cases.exhibit_counts": "takes an open database session; active exhibits per case (case list, home)",
    "Evidence.case_vault": "takes an open database session and a case row; the vault through a case key the "
                           "caller holds (CaseContentLocked otherwise)",
    "Cases.handed_over": "the desktop's case page: to whom this installation handed the case over (read through "
                         "Session.case, the check of case show)",
}


# --- the case every cell starts from ---------------------------------------------------------------


@dataclass
class MatrixCase:
    root: Path
    xdg: Path
    seq: int  # a custody entry jsmith wrote in the case (the check-out of JAS/2)
    bundle: Path
    note: int  # jsmith's note (its custody entry)


def _build(store: Store, base: Path) -> tuple[int, Path, int]:
    admin = store.sign_in("admin")
    try:
        Accounts(admin).add("dcole", "detective", "Dana Cole", "DC", EXTRA_PASSWORDS["dcole"])
        Accounts(admin).add("gone", "detective", "Gil Gone", "GG", EXTRA_PASSWORDS["gone"])
    finally:
        admin.close()
    sgt = store.sign_in("sgt")
    try:
        Cases(sgt).add_member(CASE, "dcole")
        Cases(sgt).add_member(CASE, "gone")
    finally:
        sgt.close()
    admin = store.sign_in("admin")
    try:
        Accounts(admin).disable("gone")
    finally:
        admin.close()
    src = base / "evidence"
    src.mkdir()
    for name, content in (("statement.txt", b"I saw him.\n"), ("sim.bin", b"\x01\x02" * 500),
                          ("notes.txt", b"draft\n")):
        (src / name).write_bytes(content)
    s = store.sign_in("jsmith")
    try:
        refs = [v.reference for v in Evidence(s).ingest(
            CASE, [src / "statement.txt", src / "sim.bin", src / "notes.txt"],
            IngestMetadata(description="Seized at the flat")).ingested]
        assert refs == ["JAS/1", "JAS/2", "JAS/3"]
        seq = Custody(s).check_out(CASE, "JAS/2", "Forensic lab", "imaging the SIM").seq
        Cases(s).set_summary(CASE, "The suspect sold customer records.")
        note = Cases(s).add_note(CASE, "Spoke to the journalist.").custody_seq
        bundle = Bundles(s).export(CASE, base / "bundle.pdf").path
    finally:
        s.close()
    return seq, bundle, note


@pytest.fixture(scope="module")
def matrix_case(_template: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory) -> MatrixCase:
    base = tmp_path_factory.mktemp("matrix")
    store = copy_store(_template[0], _template[1], base / "data", base / "xdg")
    old = os.environ.get("XDG_DATA_HOME")
    use_file_keyring(base / "xdg")
    try:
        seq, bundle, note = _build(store, base)
    finally:
        remove_file_logs()
        if old is None:
            os.environ.pop("XDG_DATA_HOME", None)
        else:
            os.environ["XDG_DATA_HOME"] = old
    return MatrixCase(base / "data", base / "xdg", seq, bundle, note)


_real_hash = keyslots.hash_secret_raw


@functools.lru_cache(maxsize=64)
def _cached_hash(secret: bytes, salt: bytes, **params: Any) -> bytes:
    return _real_hash(secret, salt, **params)


@pytest.fixture(autouse=True)
def argon2_once_per_password(monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2id is a pure function: remembering its results keeps ~400 sign-ins fast without changing one."""
    monkeypatch.setattr(keyslots, "hash_secret_raw",
                        lambda secret, salt, **params: _cached_hash(bytes(secret), bytes(salt), **params))


@pytest.fixture
def cell(matrix_case: MatrixCase, tmp_path: Path) -> Iterator[tuple[Store, dict[str, Any]]]:
    # The store itself on a RAM disk where there is one: some 400 sign-ins and actions, each ending in fsync.
    ram = Path("/dev/shm")
    home = Path(tempfile.mkdtemp(prefix="casedesk-matrix-", dir=ram)) if ram.is_dir() else tmp_path / "ram"
    store = copy_store(matrix_case.root, matrix_case.xdg, home / "store", tmp_path / "xdg")
    out = tmp_path / "out"
    out.mkdir()
    src = tmp_path / "statement-2.txt"
    src.write_bytes(b"A further statement.\n")
    bundle = tmp_path / matrix_case.bundle.name
    for suffix in ("", ".sha256", ".manifest.json"):
        shutil.copy2(matrix_case.bundle.with_name(matrix_case.bundle.name + suffix), Path(str(bundle) + suffix))
    try:
        yield store, {"out": out, "src": src, "seq": matrix_case.seq, "bundle": bundle, "behind": 1,
                      "answer": tmp_path / "no-answer.json", "note": matrix_case.note}
    finally:
        shutil.rmtree(home, ignore_errors=True)


def _cli_args(action: Action, ctx: dict[str, Any]) -> list[str]:
    assert action.cli is not None
    return [a.format(**{k: str(v) for k, v in ctx.items()}) for a in action.cli]


# Actions that change nothing another action depends on: run one after another in one copy of the case.
READS = frozenset({
    "user list", "case list", "case show", "note list", "evidence list", "search", "evidence show", "evidence view",
    "evidence read original", "evidence verify", "verify", "custody log", "custody entry", "custody unreviewed",
    "custody queries", "custody conflicts", "review queue", "verify-bundle", "settings show", "settings get", "enrol status",
    "home", "case timeline", "case reencrypt-legacy", "unit identity", "user pending", "user pending-accounts", "evidence rows", "evidence files to ingest",
})


def _cells(front_end: str) -> list[tuple[str, str, tuple[str, ...]]]:
    """(actor, group, actions): every refusal of an actor in one copy, its reads in another, each change alone."""
    cells = []
    for actor in ACTORS:
        names = [n for n, a in MATRIX.items() if getattr(a, front_end) is not None]
        refused = tuple(n for n in names if not MATRIX[n].may(actor))
        reads = tuple(n for n in names if MATRIX[n].may(actor) and n in READS)
        cells += [(actor, "refused", refused), (actor, "reads", reads)]
        cells += [(actor, n, (n,)) for n in names if MATRIX[n].may(actor) and n not in READS]
    return [c for c in cells if c[2]]


CLI_CELLS = _cells("cli")
SERVICE_CELLS = _cells("service")


@pytest.mark.parametrize(("actor", "group", "names"), CLI_CELLS, ids=[f"{a}-{g}" for a, g, _ in CLI_CELLS])
def test_cli(cell: tuple[Store, dict[str, Any]], capsys: pytest.CaptureFixture[str],
             monkeypatch: pytest.MonkeyPatch, actor: str, group: str, names: tuple[str, ...]) -> None:
    store, ctx = cell
    wrong = []
    for name in names:
        action = MATRIX[name]
        if action.prepare is not None and action.may(actor):
            ctx = {**ctx, **action.prepare(store)}
        r = run(capsys, monkeypatch, store.root, *_cli_args(action, ctx), user=actor, password=ALL_PASSWORDS[actor],
                new_password=NEW_PASSWORD)
        if action.may(actor) and r.code != 0:
            wrong.append(f"{actor} should be able to {name}: exit {r.code} {r.err.strip()}")
        elif not action.may(actor) and (r.code != 5 or len(r.err.strip().splitlines()) != 1
                                        or not r.err.startswith("casedesk: error: ")):
            wrong.append(f"{actor} should be refused {name} (exit 5, one line): exit {r.code} {r.err.strip()}")
    assert wrong == []


@pytest.mark.parametrize(("actor", "group", "names"), SERVICE_CELLS, ids=[f"{a}-{g}" for a, g, _ in SERVICE_CELLS])
def test_service(cell: tuple[Store, dict[str, Any]], actor: str, group: str, names: tuple[str, ...]) -> None:
    store, ctx = cell
    wrong = []
    session = store.installation.sign_in(actor, ALL_PASSWORDS[actor])
    try:
        for name in names:
            action = MATRIX[name]
            assert action.service is not None
            if action.prepare is not None and action.may(actor):
                ctx = {**ctx, **action.prepare(store)}
            try:
                action.service(session, {**ctx, "password": ALL_PASSWORDS[actor]})
            except PermissionDenied as exc:
                if action.may(actor):
                    wrong.append(f"{actor} should be able to {name}: {exc}")
            else:
                if not action.may(actor):
                    wrong.append(f"{actor} should be refused {name}")
    finally:
        session.close()
    assert wrong == []


def test_disabled_account_can_do_nothing(cell: tuple[Store, dict[str, Any]], capsys: pytest.CaptureFixture[str],
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    store, ctx = cell
    before = {p: p.read_bytes() for p in (store.datadir.database, store.datadir.keyslots)}
    for name, action in MATRIX.items():
        if action.cli is not None:
            r = run(capsys, monkeypatch, store.root, *_cli_args(action, ctx), user="gone",
                    password=ALL_PASSWORDS["gone"], new_password=NEW_PASSWORD)
            assert r.code == 4 and "account gone is disabled" in r.err, name
    assert {p: p.read_bytes() for p in before} == before


def test_disabled_account_cannot_sign_in_to_the_services(cell: tuple[Store, dict[str, Any]]) -> None:
    store, _ = cell
    with pytest.raises(AuthenticationError, match="disabled"):
        store.installation.sign_in("gone", ALL_PASSWORDS["gone"])


def test_an_open_session_loses_its_rights_when_the_account_is_disabled(cell: tuple[Store, dict[str, Any]]) -> None:
    """A detective's window stays open while an administrator disables the account, or an administrator's
    while it is demoted: from then on the session can do and read nothing more with its old rights."""
    store, _ = cell
    colleague = store.installation.sign_in("dcole", ALL_PASSWORDS["dcole"])
    admin = store.installation.sign_in("admin", ALL_PASSWORDS["admin"])
    try:
        Evidence(colleague).show(CASE, "JAS/1")
        Accounts(admin).disable("dcole")
        with pytest.raises(AuthenticationError, match="disabled"):
            Cases(colleague).add_note(CASE, "written after being disabled")
        with pytest.raises(AuthenticationError, match="disabled"):
            Evidence(colleague).show(CASE, "JAS/1")
        Accounts(admin).add("helper", "admin", "Help Desk", "HD", NEW_PASSWORD)
        helper = store.installation.sign_in("helper", NEW_PASSWORD)
        try:
            Accounts(admin).set_role("helper", "detective")
            with pytest.raises(PermissionDenied, match="role"):
                Accounts(helper).add("another", "admin", "Another Admin", "AN", NEW_PASSWORD)
        finally:
            helper.close()
    finally:
        colleague.close()
        admin.close()


# --- what each role sees in the listings ----------------------------------------------------------


@pytest.mark.parametrize(("actor", "sees"), [("jsmith", True), ("dcole", True), ("bpatel", False), ("sgt", True),
                                             ("admin", True)])
def test_case_list_shows_member_cases_or_all(cell: tuple[Store, dict[str, Any]], actor: str, sees: bool) -> None:
    store, _ = cell
    s = store.installation.sign_in(actor, ALL_PASSWORDS[actor])
    try:
        assert (CASE in [c.reference for c in Cases(s).list()]) is sees
        entries = Custody(s).log(None)  # the installation-wide log: only cases one may see in full
        assert any(e.case_ref == CASE for e in entries) is (sees and actor != "admin")
    finally:
        s.close()


@pytest.mark.parametrize("actor", ["admin", "sgt", "jsmith"])
def test_the_case_summary_is_content(cell: tuple[Store, dict[str, Any]], actor: str) -> None:
    """The MG5 summary tells the case: who sees exhibits and notes sees it; the administrator does not."""
    store, _ = cell
    s = store.installation.sign_in(actor, ALL_PASSWORDS[actor])
    try:
        summary = Cases(s).show(CASE).summary
    finally:
        s.close()
    assert (summary == "The suspect sold customer records.") is (actor != "admin")


# --- the table covers everything ---------------------------------------------------------------------


def _cli_commands() -> set[str]:
    found: set[str] = set()

    def walk(parser: Any, prefix: tuple[str, ...]) -> None:
        subs = [a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction"]
        if not subs:
            found.add(" ".join(prefix))
            return
        for name, child in subs[0].choices.items():
            walk(child, (*prefix, name))

    walk(build_parser(), ())
    return found


def test_every_cli_command_is_in_the_table() -> None:
    commands = _cli_commands()
    run_by_table = set()
    for name, a in MATRIX.items():
        assert a.cli is None or " ".join(a.cli).startswith(name), f"row {name!r} runs {a.cli}"
        if a.cli is not None:
            run_by_table |= {c for c in commands if a.cli[: len(c.split())] == tuple(c.split())}
    assert run_by_table | set(UNAUTHENTICATED) | set(NEEDS_A_UNIT) == commands


SERVICES = (Accounts, Cases, Evidence, Search, Custody, Bundles, Disclosure, Settings, Home, LegacyVault, Conflicts)


def _service_methods() -> set[str]:
    return {f"{cls.__name__}.{name}" for cls in SERVICES for name, _ in inspect.getmembers(cls, inspect.isfunction)
            if not name.startswith("_")}


SERVICE_NAMES = {
    "Accounts.add": "user add", "Accounts.list": "user list", "Accounts.change_password": "user passwd",
    "Accounts.reset_password": "user reset", "Accounts.disable": "user disable", "Accounts.set_role": "user role",
    "Accounts.unlock": "user unlock", "Accounts.pending_confirmations": "user pending",
    "Accounts.confirm_identity": "user confirm", "Accounts.pending_creations": "user pending-accounts",
    "Accounts.confirm_creation": "user confirm-account", "Accounts.pending_promotions": "user pending-accounts",
    "Accounts.confirm_promotion": "user confirm-promotion",
    "Cases.create": "case create", "Cases.list": "case list", "Cases.show": "case show", "Cases.close": "case close",
    "Cases.add_member": "case member add", "Cases.remove_member": "case member remove",
    "Cases.set_summary": "case summary", "Cases.add_note": "note add",
    "Cases.notes": "note list", "Cases.edit_note": "note edit", "Cases.reopen": "case reopen", "Home.view": "home",
    "Cases.timeline": "case timeline", "LegacyVault.reencrypt": "case reencrypt-legacy",
    "Evidence.ingest": "ingest", "Evidence.extract": "extract",
    "Evidence.list": "evidence list", "Search.find": "search",
    "Evidence.show": "evidence show", "Evidence.rows": "evidence rows",
    "Evidence.files_to_ingest": "evidence files to ingest", "Custody.transfer_several": "custody transfer several",
    "Custody.check_out_several": "custody checkout several", "Custody.return_several": "custody return several", "Evidence.open_content": "evidence view",
    "Evidence.read_original": "evidence read original", "Evidence.withdraw": "evidence withdraw",
    "Evidence.set_sensitive": "evidence sensitive", "Evidence.verify": "evidence verify", "Custody.verify": "verify",
    "Custody.log": "custody log", "Custody.entry": "custody entry", "Custody.transfer": "custody transfer",
    "Custody.check_out": "custody checkout", "Custody.return_": "custody return", "Custody.correct": "custody correct",
    "Custody.acknowledge_time": "custody acknowledge-time", "Custody.time_anomalies": "custody time-anomalies",
    "Custody.acknowledge_entries": "custody acknowledge entries",
    "Custody.unreviewed": "custody unreviewed", "Custody.queries": "custody queries",
    "Conflicts.list": "custody conflicts", "Conflicts.resolve": "custody resolve-conflict",
    "Custody.export_log": "custody export", "Custody.review": "review", "Custody.review_queue": "review queue",
    "Bundles.export": "export", "Disclosure.export_schedule": "export-schedule",
    "Disclosure.export_case": "export-case",
    "Settings.all": "settings show", "Settings.get": "settings get",
    "Settings.set": "settings set",
}


def test_every_service_method_is_in_the_table() -> None:
    assert _service_methods() == set(SERVICE_NAMES) | set(BUILDING_BLOCKS)
    assert all(MATRIX[row].service is not None for row in SERVICE_NAMES.values())
    assert {row for row, a in MATRIX.items() if a.service is not None} == set(SERVICE_NAMES.values()) | {
        "verify-bundle"}


def test_the_table_matches_the_readme() -> None:
    """Rows of the README's table, checked against the matrix (a changed README or matrix must change both)."""
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text("utf-8")
    section = readme.split("## Who may do what", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 4 and cells[0] not in ("Action", "---"):
            rows[cells[0]] = tuple(cells[1:])
    # README row -> (matrix action, detective member, detective non-member, supervisor, admin)
    checks = {
        "add users, reset passwords, unlock or disable accounts, change roles, settings": [
            "user add", "user reset", "user unlock", "user disable", "user role", "settings set"],
        "confirm in person a password reset (after the user changed the temporary password)": [
            "user pending", "user confirm"],
        "confirm a new account another administrator created (two or more administrators)": [
            "user pending-accounts", "user confirm-account"],
        "confirm a promotion or re-enabling another administrator made (two or more administrators)": [
            "user pending-accounts", "user confirm-promotion"],
        "create a case": ["case create"],
        "add or remove a case member": ["case member add", "case member remove"],
        "see exhibits, notes, custody and the case summary of a case": ["evidence list", "note list", "custody log"],
        "edit the case summary": ["case summary"],
        "add notes, ingest, extract, withdraw, mark sensitive": ["note add", "ingest", "extract", "evidence withdraw",
                                                                 "evidence sensitive"],
        "transfer, check out, return an exhibit": ["custody transfer", "custody checkout", "custody return"],
        "review custody, close a case, override the review check": ["review", "case close"],
        "resolve an offline custody conflict (`casedesk custody resolve-conflict`)": ["custody resolve-conflict"],
        "verify": ["verify"],
        "export a bundle or the custody log": ["export", "custody export"],
        "enrol the installation with the unit, import its certificates": ["enrol request", "enrol import"],
    }
    meaning = {"yes": True, "-": False, "member cases": True, "all": True, "officer in charge": True,
               "when current custodian": True}
    for row, actions in checks.items():
        detective, supervisor, admin = rows[row]
        for name in actions:
            a = MATRIX[name]
            assert a.may("jsmith") is meaning[detective], (row, name)
            assert a.may("sgt") is meaning[supervisor], (row, name)
            assert a.may("admin") is meaning[admin], (row, name)
            if detective in ("member cases", "when current custodian", "officer in charge"):
                assert not a.may("bpatel"), (row, name)  # the non-member detective
            if detective in ("when current custodian", "officer in charge"):
                assert not a.may("dcole"), (row, name)  # a member who is neither
