"""Property: any sequence of valid custody actions, on the case and on another, exports and verifies clean.

The stand-alone verifier replays every exhibit line from the case's own
entries and checks every header-only line's commitment; whatever officers do
through CaseDesk must pass it, and must agree with ``casedesk verify``.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from casedesk.cli.custody import report_json
from casedesk.errors import PermissionDenied, UsageError
from casedesk.services.cases import Cases
from casedesk.services.custody import Custody
from casedesk.services.evidence import Evidence
from tests.helpers.custody import tool
from tests.helpers.store import CASE, copy_store

OTHER = "MPS-2026-0999"
EXHIBITS = ("JAS/1", "JAS/2")
PARTIES = ("sgt", "jsmith", "Property store, Charing Cross, locker 14", "Forensic lab, Lambeth")
KINDS = ("transfer", "check_out", "return", "withdraw", "sensitive", "review", "other_note", "note")
ACTIONS = st.lists(st.tuples(st.sampled_from(KINDS), st.sampled_from(EXHIBITS), st.sampled_from(PARTIES),
                             st.booleans()), min_size=1, max_size=10)
_runs = itertools.count()


def _act(s: Any, kind: str, exhibit: str, party: str, flag: bool, n: int) -> None:
    custody, evidence, cases = Custody(s), Evidence(s), Cases(s)
    place = f"Shelf {n}" if flag else None
    if kind == "transfer":
        custody.transfer(CASE, exhibit, party, f"move {n}", place)
    elif kind == "check_out":
        custody.check_out(CASE, exhibit, party, f"examination {n}", place)
    elif kind == "return":
        custody.return_(CASE, exhibit, f"back {n}", place)
    elif kind == "withdraw":
        evidence.withdraw(CASE, exhibit, f"not relied on ({n})")
    elif kind == "sensitive":
        evidence.set_sensitive(CASE, exhibit, flag, f"review of sensitivity {n}")
    elif kind == "review":
        custody.review(CASE, "query" if flag else "approve", f"comment {n}")
    elif kind == "other_note":
        cases.add_note(OTHER, f"another case's note {n}")
    else:
        cases.add_note(CASE, f"a note on the case {n}")


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(actions=ACTIONS)
def test_valid_action_sequences_export_and_verify_clean(
        actions: list[tuple[str, str, str, bool]], _case_template: tuple[Path, Path, bytes, dict[str, int]],
        tmp_path: Path) -> None:
    root, xdg, _, _ = _case_template
    run = next(_runs)
    store = copy_store(root, xdg, tmp_path / f"store-{run}", tmp_path / "xdg")
    s = store.sign_in("sgt")
    try:
        Cases(s).create(OTHER, "Operation Kestrel")
        for n, (kind, exhibit, party, flag) in enumerate(actions):
            try:
                _act(s, kind, exhibit, party, flag, n)
            except (UsageError, PermissionDenied):
                pass  # refused, nothing written: the sequence stays a valid one
    finally:
        s.close()
    s = store.sign_in("jsmith")
    try:
        report = report_json(Custody(s).verify(CASE))
        path = Custody(s).export_log(CASE, tmp_path / f"log-{run}.jsonl")
    finally:
        s.close()
    assert report["ok"], report["problems"]
    code, result = tool(path)
    assert code == 0 and result["ok"], result["problems"]
    assert result["legacy_redacted"] == 0 and result["redacted"] >= 1
