"""The stand-alone verifier judges authority (issue 10, finding 2, for the expert who has only the export).

Each forged entry is signed with a valid key of the wrong person, the service layer bypassed: its hash, link and
signature hold, so only the authority rules (who may do what, replayed from the log) can name it. The tool must
name it from the export alone, in the words ``casedesk verify`` uses, and apply nothing it did (a transfer by
someone who did not hold the exhibit moves nothing in the register it compares).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from casedesk.custody import log as custody_log
from casedesk.services.accounts import Accounts
from casedesk.services.cases import Cases
from casedesk.services.custody import Custody
from casedesk.services.evidence import Evidence
from casedesk.store.engine import write_session
from tests.custody.conftest import CaseStore
from tests.helpers.custody import both, casedesk_verify, export, messages, tool
from tests.helpers.store import CASE, Store

OTHER = "MPS-2026-0999"


def forge(store: Store, user: str, action: str, case: str | None = CASE, exhibit: str | None = None,
          **fields: Any) -> int:
    """An entry written straight into the log with ``user``'s own valid key: what the service would refuse."""
    s = store.sign_in(user)
    try:
        with write_session(s.engine) as db:
            return int(custody_log.append(db, actor=user, signer=s.signer, action=action, case_ref=case,
                                          exhibit_ref=exhibit, **fields).seq)
    finally:
        s.close()


def test_genuine_export_is_accepted_and_says_what_it_judged(
        cs: CaseStore, capsys: Any, monkeypatch: Any, tmp_path: Path) -> None:
    assert both(capsys, monkeypatch, cs.store, tmp_path) == []
    code, result = tool(export(capsys, monkeypatch, cs.store, tmp_path / "log.jsonl"))
    assert code == 0 and result["ok"]
    assert result["authority"]["judged"] == result["entries"]
    assert result["authority"]["account_only"] == {"redacted": 0, "withheld": 0}


@pytest.mark.parametrize("forged", [
    "review by a detective", "transfer by a member who does not hold it", "extract by a non-member",
    "summary by a member who is not the officer in charge", "membership added by a detective",
    "password change of another account",
])
def test_entry_signed_by_a_valid_key_of_the_wrong_role_is_rejected_by_the_tool(
        cs: CaseStore, capsys: Any, monkeypatch: Any, tmp_path: Path, forged: str) -> None:
    store = cs.store
    if forged == "review by a detective":
        seq = forge(store, "jsmith", "case.reviewed", data={"decision": "approve", "up_to": 5, "entries": 3,
                                                            "settles": []})
        want = (seq, None, "case.reviewed by jsmith, whose role (detective) may not review custody logs at this point: "
                           "ignored")
    elif forged == "transfer by a member who does not hold it":
        sgt = store.sign_in("sgt")
        try:
            Cases(sgt).add_member(CASE, "bpatel")
        finally:
            sgt.close()
        seq = forge(store, "bpatel", "exhibit.transferred", exhibit="JAS/2", from_party="jsmith", to_party="bpatel",
                    location="Home address", reason="taking it", data={"from_is_user": True, "to_is_user": True})
        want = (seq, "JAS/2", "exhibit.transferred by bpatel, who does not hold exhibit JAS/2 at this point: ignored")
    elif forged == "extract by a non-member":
        seq = forge(store, "bpatel", "exhibit.extracted", exhibit="JAS/1", data={"destination": "/tmp/x", "size": 1})
        want = (seq, "JAS/1", f"exhibit.extracted by bpatel, who is not a member of case {CASE} at this point: ignored")
    elif forged == "summary by a member who is not the officer in charge":
        sgt = store.sign_in("sgt")
        try:
            Cases(sgt).add_member(CASE, "bpatel")
        finally:
            sgt.close()
        seq = forge(store, "bpatel", "case.summary_edited", text="nothing happened", data={"length": 16})
        want = (seq, None, "case.summary_edited by bpatel, who is neither the officer in charge nor a supervisor: "
                           "ignored")
    elif forged == "membership added by a detective":
        seq = forge(store, "jsmith", "case.member_added", to_party="bpatel", data={"user": "bpatel"})
        want = (seq, None, "case.member_added by jsmith, whose role (detective) may not change case membership at "
                           "this point: ignored")
    else:
        seq = forge(store, "bpatel", "account.password_changed", case=None, data={"user": "jsmith"})
        want = (seq, None, "account.password_changed by bpatel about another account: ignored")
    problems = both(capsys, monkeypatch, store, tmp_path)  # the tool's problems are casedesk verify's, exactly
    assert messages(problems) == [want]
    code, result = tool(export(capsys, monkeypatch, store, tmp_path / "forged.jsonl"))
    assert code == 1 and messages(result["problems"]) == [want]


def test_a_transfer_without_authority_moves_nothing_in_the_tools_replay(
        cs: CaseStore, capsys: Any, monkeypatch: Any, tmp_path: Path) -> None:
    """The register line still says jsmith holds JAS/2: the tool must not read the forged move as a move."""
    sgt = cs.store.sign_in("sgt")
    try:
        Cases(sgt).add_member(CASE, "bpatel")
    finally:
        sgt.close()
    forge(cs.store, "bpatel", "exhibit.transferred", exhibit="JAS/2", from_party="jsmith", to_party="bpatel",
          location="Home address", reason="taking it", data={"from_is_user": True, "to_is_user": True})
    _, result = tool(export(capsys, monkeypatch, cs.store, tmp_path / "log.jsonl"))
    assert not [p for p in result["problems"] if "register's custodian" in p["message"]]


def test_an_entry_after_the_keys_revocation_is_rejected(
        cs: CaseStore, capsys: Any, monkeypatch: Any, tmp_path: Path) -> None:
    """Disabling revokes the signing key: anything signed with it afterwards is named, by both verifiers."""
    s = cs.store.sign_in("jsmith")
    signer = s.signer
    s.close()
    admin = cs.store.sign_in("admin")
    try:
        Accounts(admin).disable("jsmith")
        with admin.engine.connect() as conn:
            revoked = int(conn.exec_driver_sql(
                "SELECT max(seq) FROM custody_entries WHERE action = 'account.key_revoked'").scalar_one())
        with write_session(admin.engine) as db:
            seq = int(custody_log.append(db, actor="jsmith", signer=signer, action="exhibit.viewed", case_ref=CASE,
                                         exhibit_ref="JAS/1").seq)
    finally:
        admin.close()
    want = (seq, "JAS/1", f"signed with a key of jsmith that was revoked at entry {revoked}")
    _, report = casedesk_verify(capsys, monkeypatch, cs.store, case=CASE, user="sgt")
    assert want in messages(report["problems"])
    code, result = tool(export(capsys, monkeypatch, cs.store, tmp_path / "log.jsonl", user="sgt"))
    assert code == 1 and want in messages(result["problems"])


def test_other_cases_entries_are_judged_by_their_signers_account_and_said_so(
        cs: CaseStore, capsys: Any, monkeypatch: Any, tmp_path: Path) -> None:
    """An administrator's forged 'disabled' (no key revocation) leaves bpatel's key valid; her later entry in a
    case outside the export is shown header-only, yet the tool names it, as ``casedesk verify REF`` does."""
    det = cs.store.sign_in("bpatel")
    try:
        Cases(det).create(OTHER, "Operation Other", ["Theft Act 1968 s.1"])
        signer = det.signer
    finally:
        det.close()
    forge(cs.store, "admin", "account.disabled", case=None, to_party="bpatel", data={"user": "bpatel"})
    admin = cs.store.sign_in("admin")
    try:
        with write_session(admin.engine) as db:
            seq = int(custody_log.append(db, actor="bpatel", signer=signer, action="note.added", case_ref=OTHER,
                                         text="written while disabled").seq)
    finally:
        admin.close()
    want = (seq, None, "an entry of another case was made without authority")
    _, report = casedesk_verify(capsys, monkeypatch, cs.store, case=CASE, user="sgt")
    assert want in messages(report["problems"])
    code, result = tool(export(capsys, monkeypatch, cs.store, tmp_path / "log.jsonl", user="sgt"))
    assert code == 1 and want in messages(result["problems"])
    assert result["authority"]["account_only"]["redacted"] >= 2
    # The whole installation's export shows the entry in full: judged by every rule, in casedesk verify's words.
    full = (seq, None, "note.added by bpatel, whose account is disabled at this point: ignored")
    _, whole = tool(export(capsys, monkeypatch, cs.store, tmp_path / "whole.jsonl", case=None, user="sgt"))
    assert [(s, m) for s, _, m in messages(whole["problems"]) if s == seq] == [(seq, full[2])]


def test_an_export_judged_by_the_tool_prints_what_it_could_not_judge(
        cs: CaseStore, capsys: Any, monkeypatch: Any, tmp_path: Path) -> None:
    det = cs.store.sign_in("bpatel")
    try:
        Cases(det).create(OTHER, "Operation Other", ["Theft Act 1968 s.1"])
        Custody(det).log(OTHER)
    finally:
        det.close()
    path = export(capsys, monkeypatch, cs.store, tmp_path / "log.jsonl")
    _, result = tool(path)
    assert result["ok"] and result["authority"]["account_only"]["redacted"] >= 1
    assert result["authority"]["judged"] + result["authority"]["account_only"]["redacted"] == result["entries"]


def test_a_withheld_entry_by_a_disabled_account_is_named_by_the_tool(
        cs: CaseStore, capsys: Any, monkeypatch: Any, tmp_path: Path) -> None:
    """A line withheld as sensitive shows its signer, not its action: the tool judges the account alone, and says
    so in its own words (``casedesk verify`` names the action)."""
    det = cs.store.sign_in("jsmith")
    try:
        Evidence(det).set_sensitive(CASE, "JAS/2", True, "informant's details")
        signer = det.signer
    finally:
        det.close()
    forge(cs.store, "admin", "account.disabled", case=None, to_party="jsmith", data={"user": "jsmith"})
    admin = cs.store.sign_in("admin")
    try:
        with write_session(admin.engine) as db:
            seq = int(custody_log.append(db, actor="jsmith", signer=signer, action="exhibit.viewed", case_ref=CASE,
                                         exhibit_ref="JAS/2").seq)
    finally:
        admin.close()
    _, report = casedesk_verify(capsys, monkeypatch, cs.store, case=CASE, user="sgt")
    assert (seq, "JAS/2", "exhibit.viewed by jsmith, whose account is disabled at this point: ignored") in messages(
        report["problems"])
    code, result = tool(export(capsys, monkeypatch, cs.store, tmp_path / "log.jsonl", user="sgt"))
    assert code == 1 and (seq, "JAS/2", "withheld as sensitive, but made by jsmith, whose account is disabled at "
                                        "this point: ignored") in messages(result["problems"])
    assert result["authority"]["account_only"]["withheld"] >= 2
