"""Review from any desk, the way back: a supervisor approves or queries on their own installation; the detective's
laptop records the signed statement at its next sync, and counts it only with the unit's voucher."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from casedesk.custody import encoding, statement
from casedesk.custody.signing import Signer
from casedesk.errors import PermissionDenied, UnitError
from casedesk.security import roles
from casedesk.services import remote_review, sync
from casedesk.services.cases import Cases
from casedesk.services.custody import Custody
from casedesk.unit import review
from tests.helpers.custody import attacker, insert, last_seq, resign, row, signing_seed, tool
from tests.helpers.store import CASE, PASSWORDS
from tests.unit_service import test_review as first_half
from tests.unit_service.conftest import Unit, casedesk
from tests.unit_service.helpers import RawClient, rows_of
from tests.unit_service.test_review import Desks, _sync

# The first half's fixtures: two installations of their own per test (D holding the case, S the supervisor's), and
# an engine on the unit database.
desks, engine = first_half.desks, first_half.engine

OFFSCREEN_NOISE = ("This plugin does not support",)
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before pytest-qt's QApplication, as tests/ui/conftest.py


def _send(unit: Unit, desks: Desks, decision: str, comment: str, user: str = "sgt",
          up_to: int | None = None) -> remote_review.SentReview:
    s = desks.supervisor.sign_in(user)
    try:
        return remote_review.send(s, unit.service.url, unit.tls.ca, desks.d_id, CASE, decision, comment, up_to)
    finally:
        s.close()


def _entries(store: object, action: str, user: str = "jsmith") -> list[tuple[int, dict[str, object]]]:
    s = store.sign_in(user)  # type: ignore[attr-defined]
    try:
        with s.read() as db:
            return [(int(r[0]), encoding.parse_data(str(r[1]))) for r in db.connection().exec_driver_sql(
                "SELECT seq, data FROM custody_entries WHERE action = ? ORDER BY seq", (action,))]
    finally:
        s.close()


def _statements(engine: Engine, installation: str) -> int:
    """Review statements the unit keeps about installation ``installation``'s cases."""
    with engine.connect() as conn:
        return int(conn.execute(text("SELECT count(*) FROM review_statements WHERE installation_id = :i"),
                                {"i": installation}).scalar_one())


def test_an_approval_on_the_supervisors_desk_counts_on_the_laptop_after_its_sync(
        unit: Unit, desks: Desks, engine: Engine, tmp_path: Path) -> None:
    s = desks.detective.sign_in("jsmith")
    try:
        waiting = [e.seq for e in Custody(s).unreviewed(CASE)]
        checked = Custody(s).verify(CASE)  # the case's last entry is then a verify.run, which changes no state
    finally:
        s.close()
    assert waiting and checked.ok
    _sync(unit, desks.detective, "jsmith")
    sent = _send(unit, desks, "approve", "Seals and times checked")
    assert sent.decision == "approve" and sent.up_to > waiting[-1]

    # The supervisor's own log says what they read (which installation, case, up to which entry, the export's
    # SHA-256) and what they signed, as the unit took it.
    fetched = _entries(desks.supervisor, statement.FETCHED, "sgt")
    assert fetched and fetched[-1][1]["installation"] == desks.d_id and fetched[-1][1]["case"] == CASE
    assert isinstance(fetched[-1][1]["tree_size"], int) and len(str(fetched[-1][1]["export_sha256"])) == 64
    sent_entries = _entries(desks.supervisor, statement.SENT, "sgt")
    assert [d["statement_id"] for _, d in sent_entries] == [sent.statement_id]
    assert sent_entries[0][0] == sent.recorded_as

    result = _sync(unit, desks.detective, "jsmith")
    assert (result.reviews_received, result.reviews_refused) == (1, 0)
    s = desks.detective.sign_in("jsmith")
    try:
        # The sign-in check replays only the entries that change the register; the approval holds there too.
        assert s.integrity_alerts == []
        assert Custody(s).unreviewed(CASE) == []
        assert Cases(s).show(CASE).reviewed_up_to == sent.up_to
        report = Custody(s).verify(CASE)
        exported = Custody(s).export_log(CASE, tmp_path / "case.jsonl")
    finally:
        s.close()
    assert report.ok, report.problems
    # The stand-alone verifier replays the statement by its own copy of the rules and finds nothing wrong.
    code, found = tool(exported)
    assert code == 0 and found["ok"], found
    remote = _entries(desks.detective, statement.ACTION)
    assert len(remote) == 1 and remote[0][1]["statement"]["reviewer"] == "sgt"  # type: ignore[index]

    # The laptop's next sync sends the entry to the unit, which replays it (row 10) and takes it; the supervisor's
    # next read shows the case reviewed, by the same rules.
    _sync(unit, desks.detective, "jsmith")
    s = desks.supervisor.sign_in("sgt")
    try:
        again = remote_review.fetch(s, unit.service.url, unit.tls.ca, desks.d_id, CASE)
    finally:
        s.close()
    assert again.reviewed_up_to == sent.up_to and again.unreviewed == []
    assert len(_entries(desks.detective, statement.ACTION)) == 1


@pytest.fixture
def hermetic_qsettings(tmp_path: Path) -> Iterator[None]:
    """QSettings in the test's own directory, as tests/ui/conftest.py makes them for every desktop test."""
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from casedesk.ui import app as ui_app

    path = tmp_path / "qsettings"
    path.mkdir()
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, str(path))
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    ui_app.application()
    yield
    for widget in QApplication.topLevelWidgets():
        widget.close()
        widget.deleteLater()


@pytest.mark.qt_log_ignore(*OFFSCREEN_NOISE)
def test_a_query_from_another_desk_is_an_open_query_on_the_laptop(unit: Unit, desks: Desks, qtbot: object,
                                                                   hermetic_qsettings: None) -> None:
    from tests.helpers.ui import TIMEOUT, close_all, select_case, sign_in

    sent = _send(unit, desks, "query", "Which bag is the phone sealed in?")
    _sync(unit, desks.detective, "jsmith")
    s = desks.detective.sign_in("jsmith")
    try:
        queries = Custody(s).queries(CASE)
    finally:
        s.close()
    assert [(q.action, q.text, q.data["up_to"]) for q in queries] == [
        (statement.ACTION, "Which bag is the phone sealed in?", sent.up_to)]
    # By the name S's log gives the sergeant, which the unit checked before vouching (before: "sgt (installation
    # 1a2b3c4d)" alone).
    asked = f"Sam Grant (sgt, installation {desks.s_id[:8]})"

    # The command line...
    env = {"CASEDESK_PASSWORD": PASSWORDS["jsmith"], "XDG_DATA_HOME": os.environ["XDG_DATA_HOME"]}
    out = casedesk("--data-dir", str(desks.detective.root), "--user", "jsmith", "custody", "queries", CASE, env=env)
    line = out.stdout.splitlines()[0]
    assert line.startswith(f"Query (entry {queries[0].seq}, ") and f", {asked}, up to entry {sent.up_to}): " in line
    assert line.endswith("Which bag is the phone sealed in?")

    # ... and the desktop app's review view, where the officer answers it as any query.
    controller, window = sign_in(qtbot, desks.detective, "jsmith")  # type: ignore[arg-type]
    try:
        select_case(qtbot, window, CASE)  # type: ignore[arg-type]
        window.tabs.setCurrentWidget(window.review)
        view = window.review.queries
        qtbot.waitUntil(lambda: view.topLevelItemCount() == 1, timeout=TIMEOUT)  # type: ignore[attr-defined]
        item = view.topLevelItem(0)
        assert (item.text(0), item.text(2), item.text(3)) == (
            str(queries[0].seq), asked, "Which bag is the phone sealed in?")
    finally:
        close_all(controller)
    s = desks.detective.sign_in("jsmith")
    try:
        Cases(s).add_note(CASE, "Bag MPS-004418", answers=queries[0].seq)
        assert Custody(s).queries(CASE) == []
    finally:
        s.close()


def test_a_statement_signed_by_a_detectives_key_is_refused_and_nothing_kept(
        unit: Unit, desks: Desks, engine: Engine) -> None:
    with pytest.raises(PermissionDenied):  # the desk refuses first
        _send(unit, desks, "approve", "", user="jsmith")
    # Past the desk: a statement signed by the detective's own key of S, as any client could send it.
    _, signer, _ = rows_of(desks.supervisor, "jsmith")
    d_rows, _, _ = rows_of(desks.detective, "jsmith")
    last = max(r for r in d_rows if r[8] == CASE)
    made = statement.make(desks.d_id, CASE, int(last[0]), str(last[18]), "approve", "", desks.s_id, "jsmith",
                          signer.public_hex, "2026-11-24T23:00:00Z")
    body = json.dumps({"statement": made, "signature": signer.sign(statement.signing_message(made)).hex()}).encode()
    path = f"/v1/installations/{desks.s_id}/review/{desks.d_id}/{quote(CASE)}"
    client = RawClient(unit.service.url, unit.tls.ca, desks.s_id, "jsmith", signer)
    try:
        answer = client.request("POST", path, body)
    finally:
        client.close()
    assert answer.status_code == 403
    assert answer.json() == {"error": review.MSG_NOT_SUPERVISOR.format(user="jsmith", id=desks.s_id)}
    assert _statements(engine, desks.d_id) == 0
    assert _sync(unit, desks.detective, "jsmith").reviews_received == 0


def test_a_statement_that_names_its_reviewer_otherwise_than_their_log_is_refused(
        unit: Unit, desks: Desks, engine: Engine) -> None:
    _, signer, _ = rows_of(desks.supervisor, "sgt")
    d_rows, _, _ = rows_of(desks.detective, "jsmith")
    last = max(r for r in d_rows if r[8] == CASE)
    made = statement.make(desks.d_id, CASE, int(last[0]), str(last[18]), "query", "Who sealed it?", desks.s_id,
                          "sgt", signer.public_hex, "2026-11-24T23:00:00Z", reviewer_name="Det Supt Important")
    body = json.dumps({"statement": made, "signature": signer.sign(statement.signing_message(made)).hex()}).encode()
    path = f"/v1/installations/{desks.s_id}/review/{desks.d_id}/{quote(CASE)}"
    client = RawClient(unit.service.url, unit.tls.ca, desks.s_id, "sgt", signer)
    try:
        answer = client.request("POST", path, body)
    finally:
        client.close()
    assert answer.status_code == 422
    assert answer.json() == {"error": (
        f"the statement names its reviewer sgt 'Det Supt Important', but the log the unit holds for installation "
        f"{desks.s_id} names them 'Sam Grant': sync installation {desks.s_id} first, then send the review again")}
    assert _statements(engine, desks.d_id) == 0


def test_a_forged_voucher_written_into_the_laptops_log_reviews_nothing(unit: Unit, desks: Desks) -> None:
    """An insider of D (jsmith, with the store key and her own signing key) writes a remote approval by hand: a
    statement signed by a key of her own making under the sergeant's name, vouched for by a key that is not the
    unit's, under the unit's name and key."""
    seed = signing_seed(desks.detective, "jsmith")
    cosigned = _entries(desks.detective, sync.COSIGNED)[-1][1]
    fake_sgt, fake_unit = Signer.generate(), Signer.generate()
    with attacker(desks.detective) as db:
        top = last_seq(db)
        target = max(int(r[0]) for r in db.execute(
            "SELECT seq FROM custody_entries WHERE case_ref = ?", (CASE,)).fetchall())
        made = statement.make(desks.d_id, CASE, target, str(row(db, target)[18]), "approve", "", desks.s_id, "sgt",
                              fake_sgt.public_hex, "2026-11-24T23:00:00Z")
        data = {"statement": made, "signature": fake_sgt.sign(statement.signing_message(made)).hex(),
                "voucher": {"signature": fake_unit.sign(statement.voucher_message(made, 40)).hex(), "tree_size": 40},
                "statement_id": 1, "unit": cosigned["unit"], "unit_key": cosigned["unit_key"],
                "decision": "approve", "up_to": target}
        values = row(db, top)
        values[0], values[1] = top + 1, values[18]
        values[5], values[7], values[8], values[9], values[16], values[17] = (
            "jsmith", statement.ACTION, CASE, None, None, encoding.canonical_json(data))
        insert(db, resign(values, seed, db))
    why = roles.REMOTE_VOUCHER.format(key=str(cosigned["unit_key"])[:16])
    message = roles.MSG_REMOTE_REVIEW.format(action=statement.ACTION, actor="jsmith", why=why)
    s = desks.detective.sign_in("jsmith")
    try:
        assert Custody(s).unreviewed(CASE) != []  # the approval counts for nothing
        report = Custody(s).verify(CASE)
    finally:
        s.close()
    assert not report.ok
    assert any(p.seq == top + 1 and p.message == message for p in report.problems), report.problems
    # The command a detective or an auditor runs says the same, and fails.
    env = {"CASEDESK_PASSWORD": PASSWORDS["sgt"], "XDG_DATA_HOME": os.environ["XDG_DATA_HOME"]}
    out = casedesk("--data-dir", str(desks.detective.root), "--user", "sgt", "verify", env=env, check=False)
    assert out.returncode == 7 and f"entry {top + 1}, case {CASE}: {message}" in out.stdout, (out.stdout, out.stderr)
    # The unit replays the log as the laptop does, and refuses to take it.
    with pytest.raises(UnitError, match="authority replay failed"):
        _sync(unit, desks.detective, "jsmith")


def test_a_remote_review_under_a_unit_key_made_up_on_the_laptop_is_refused_by_the_unit(unit: Unit,
                                                                                        desks: Desks) -> None:
    """The same insider goes further: she first writes a cosignature record naming a unit key of her own, then a
    remote approval vouched for by that key. The laptop alone cannot tell that key from the unit's (its log is
    the only place it learns the unit key); the unit knows every statement it took, and refuses the push."""
    seed = signing_seed(desks.detective, "jsmith")
    fake_sgt, fake_unit = Signer.generate(), Signer.generate()
    with attacker(desks.detective) as db:
        top = last_seq(db)
        cosigned = row(db, last_seq(db, sync.COSIGNED))
        cosigned[0], cosigned[1] = top + 1, row(db, top)[18]
        data = encoding.parse_data(str(cosigned[17]))
        cosigned[5], cosigned[17] = "jsmith", encoding.canonical_json({**data, "unit_key": fake_unit.public_hex})
        insert(db, resign(cosigned, seed, db))
        target = max(int(r[0]) for r in db.execute(
            "SELECT seq FROM custody_entries WHERE case_ref = ?", (CASE,)).fetchall())
        made = statement.make(desks.d_id, CASE, target, str(row(db, target)[18]), "approve", "", desks.s_id, "sgt",
                              fake_sgt.public_hex, "2026-11-24T23:00:00Z")
        forged = {"statement": made, "signature": fake_sgt.sign(statement.signing_message(made)).hex(),
                  "voucher": {"signature": fake_unit.sign(statement.voucher_message(made, 40)).hex(),
                              "tree_size": 40},
                  "statement_id": 424242, "unit": data["unit"], "unit_key": fake_unit.public_hex,
                  "decision": "approve", "up_to": target}
        values = row(db, top + 1)
        values[0], values[1] = top + 2, values[18]
        values[7], values[8], values[16], values[17] = statement.ACTION, CASE, None, encoding.canonical_json(forged)
        insert(db, resign(values, seed, db))
        # A last record with the real unit key again, so that her next sync takes the unit for the one it knows.
        again = row(db, top + 1)
        again[0], again[1] = top + 3, row(db, top + 2)[18]
        again[17] = encoding.canonical_json(data)
        insert(db, resign(again, seed, db))
    s = desks.detective.sign_in("jsmith")
    try:
        assert Custody(s).unreviewed(CASE) == []  # the laptop alone counts it: its log is all it knows of the unit
    finally:
        s.close()
    with pytest.raises(UnitError) as refused:
        _sync(unit, desks.detective, "jsmith")
    assert str(refused.value).startswith("the unit refused the sync: " + review.MSG_UNKNOWN_STATEMENT.format(
        seq=top + 2, sid=424242, id=desks.d_id))


def test_a_statement_delivered_twice_is_written_once(unit: Unit, desks: Desks, engine: Engine,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    env = {"CASEDESK_PASSWORD": PASSWORDS["sgt"], "XDG_DATA_HOME": os.environ["XDG_DATA_HOME"]}
    out = casedesk("--data-dir", str(desks.supervisor.root), "--user", "sgt", "unit-review", "query", "--unit",
                   unit.service.url, "--ca", str(unit.tls.ca), "--installation", desks.d_id, "--comment",
                   "Who sealed the phone?", CASE, env=env)
    seq, signed = _entries(desks.supervisor, statement.SENT, "sgt")[-1]
    assert out.stdout.startswith(f"Query of case {CASE} of installation {desks.d_id} up to entry "
                                 f"{signed['statement']['up_to']} signed and taken by the unit (statement "  # type: ignore[index]
                                 f"{signed['statement_id']}); recorded here as custody entry {seq}.")
    # The supervisor's desk sends the same statement again (its answer lost after the unit committed).
    _, signer, _ = rows_of(desks.supervisor, "sgt")
    client = RawClient(unit.service.url, unit.tls.ca, desks.s_id, "sgt", signer)
    try:
        again = client.request("POST", f"/v1/installations/{desks.s_id}/review/{desks.d_id}/{quote(CASE)}",
                               json.dumps({"statement": signed["statement"],
                                           "signature": signed["signature"]}).encode())
    finally:
        client.close()
    assert again.status_code == 200 and again.json()["statement_id"] == signed["statement_id"]
    assert _statements(engine, desks.d_id) == 1
    with engine.begin() as conn, pytest.raises(DBAPIError, match="append-only"):
        conn.execute(text("DELETE FROM review_statements"))

    # Two syncs of the laptop that both fetched the statement (the second read the log before the first wrote):
    # the second finds it in the log under the write lock and writes nothing.
    assert _sync(unit, desks.detective, "jsmith").reviews_received == 1
    real = sync._statement_ids
    calls: list[int] = []

    def stale_first(db: object, key_hex: str) -> set[int]:
        calls.append(1)
        return set() if len(calls) == 1 else real(db, key_hex)  # type: ignore[arg-type]

    monkeypatch.setattr(sync, "_statement_ids", stale_first)
    assert _sync(unit, desks.detective, "jsmith").reviews_received == 0
    assert len(calls) >= 2
    assert len(_entries(desks.detective, statement.ACTION)) == 1
    s = desks.detective.sign_in("jsmith")
    try:
        assert len(Custody(s).queries(CASE)) == 1
    finally:
        s.close()
