"""The register is a projection of the log: after any sequence of valid actions through the service layer,
replaying the log gives exactly the tables; and any single-column edit of a court-relevant column (an
insider with the store key) is then reported, naming the row."""

from __future__ import annotations

import itertools
import shutil
from pathlib import Path
from typing import Any

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from casedesk.custody.verify import register_problems
from casedesk.errors import CaseDeskError
from casedesk.services.cases import Cases
from casedesk.services.custody import Custody
from casedesk.services.evidence import Evidence, IngestMetadata
from casedesk.services.settings import Settings
from tests.conftest import FULL
from tests.helpers.custody import attacker, db_key
from tests.helpers.store import CASE, copy_store

# (table, column, a value no valid action writes, the words the report must hold)
EDITS = [
    ("exhibits", "description", "'forged'", "description"),
    ("exhibits", "custodian", "'bpatel'", "custodian"),
    ("exhibits", "location", "'elsewhere'", "location"),
    ("exhibits", "status", "'withdrawn' || status", "status"),
    ("exhibits", "sensitive", "1 - sensitive", "sensitive"),
    ("exhibits", "checked_out", "1 - checked_out", "checked out"),
    ("exhibits", "seal", "'EV-0'", "seal"),
    ("exhibits", "original_name", "'x.bin'", "original name"),
    ("exhibits", "size", "size + 1", "size"),
    ("cases", "title", "'forged'", "title"),
    ("cases", "summary", "summary || '.'", "summary"),
    ("cases", "status", "'x'", "status"),
    ("notes", "text", "text || '!'", "text"),
    ("users", "role", "'admin'", "role"),
    ("users", "full_name", "'Someone'", "full name"),
    ("users", "disabled", "1 - disabled", "disabled"),
    ("box_keys", "public_key", "randomblob(32)", "box key"),
    ("case_key_epochs", "reason", "'forged'", "key epoch"),
    ("case_key_grants", "sealed", "randomblob(48)", "sealed key"),
]


def test_projection_equals_tables_and_every_edit_is_reported(_template: tuple[Path, Path], tmp_path: Path) -> None:
    counter = itertools.count()

    class Register(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            n = next(counter)
            self.root = tmp_path / f"run-{n}"
            self.store = copy_store(_template[0], _template[1], self.root / "store", tmp_path / "xdg")
            self.sessions = {u: self.store.sign_in(u) for u in ("jsmith", "sgt", "admin")}
            self.files = itertools.count()
            self.refs: list[str] = []

        def _source(self) -> Path:
            i = next(self.files)
            path = self.root / "src" / f"{i:04d}.txt"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(f"statement {i}\n".encode())
            return path

        def _try(self, call: Any) -> None:
            try:
                call()
            except CaseDeskError:
                pass  # refused (already withdrawn, already there, ...): a valid outcome, nothing written

        @rule(by=st.sampled_from(["jsmith", "sgt"]), n=st.integers(1, 3), sensitive=st.booleans())
        def ingest(self, by: str, n: int, sensitive: bool) -> None:
            summary = Evidence(self.sessions[by]).ingest(
                CASE, [self._source() for _ in range(n)],
                IngestMetadata(description="Statement", seal="EV-1", location="desk", sensitive=sensitive))
            self.refs += [e.reference for e in summary.ingested]

        @rule(by=st.sampled_from(["jsmith", "sgt"]), i=st.integers(0, 20),
              to=st.sampled_from(["sgt", "jsmith", "Property store, locker 4"]))
        def transfer(self, by: str, i: int, to: str) -> None:
            if self.refs:
                ref = self.refs[i % len(self.refs)]
                self._try(lambda: Custody(self.sessions[by]).transfer(CASE, ref, to, "moved"))

        @rule(i=st.integers(0, 20))
        def check_out_and_maybe_return(self, i: int) -> None:
            if self.refs:
                ref = self.refs[i % len(self.refs)]
                c = Custody(self.sessions["sgt"])
                self._try(lambda: c.check_out(CASE, ref, "Forensic lab", "examine"))
                if i % 2:
                    self._try(lambda: c.return_(CASE, ref, "back"))

        @rule(i=st.integers(0, 20), sensitive=st.booleans())
        def withdraw_or_mark(self, i: int, sensitive: bool) -> None:
            if self.refs:
                ref = self.refs[i % len(self.refs)]
                ev = Evidence(self.sessions["jsmith"])
                if i % 3 == 0:
                    self._try(lambda: ev.withdraw(CASE, ref, "duplicate"))
                else:
                    self._try(lambda: ev.set_sensitive(CASE, ref, sensitive, "source protection"))

        @rule(text=st.text(st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), min_size=1, max_size=30))
        def note_and_summary(self, text: str) -> None:
            self._try(lambda: Cases(self.sessions["jsmith"]).add_note(CASE, text))
            self._try(lambda: Cases(self.sessions["jsmith"]).set_summary(CASE, text))

        @rule(marking=st.sampled_from(["OFFICIAL", "OFFICIAL-SENSITIVE"]))
        def setting(self, marking: str) -> None:
            Settings(self.sessions["admin"]).set("bundle.default_marking", marking)

        @rule()
        def add_member(self) -> None:
            self._try(lambda: Cases(self.sessions["sgt"]).add_member(CASE, "bpatel"))

        @invariant()
        def projection_equals_tables(self) -> None:
            s = self.sessions["sgt"]
            assert register_problems(s.datadir.database, s.keys.database) == []

        def teardown(self) -> None:
            for s in self.sessions.values():
                s.close()
            # Now the insider: one column of one row changed; the replay names it.
            key = db_key(self.store)
            database = self.store.datadir.database
            pristine = self.root / "pristine.db"
            with attacker(self.store, key):
                pass  # checkpoints the WAL into the database file
            shutil.copyfile(database, pristine)
            for table, column, value, words in EDITS:
                shutil.copyfile(pristine, database)
                with attacker(self.store, key) as db:
                    if not db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]:
                        continue
                    db.execute(f"UPDATE {table} SET {column} = {value} WHERE rowid = "
                               f"(SELECT max(rowid) FROM {table})")
                problems = register_problems(database, key)
                assert any(words in p.message for p in problems), (table, column, problems)

    run_state_machine_as_test(
        Register, settings=settings(max_examples=60 if FULL else 6, stateful_step_count=12 if FULL else 8))
