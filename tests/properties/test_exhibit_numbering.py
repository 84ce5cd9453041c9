"""Exhibit numbering: whatever happens (ingests by two sessions, duplicates, withdrawals, skipped and
cancelled ingests), numbers per officer run 1..n without gaps and a number is never given twice."""

from __future__ import annotations

import itertools
import os
from pathlib import Path

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test
from sqlalchemy import select

from casedesk.progress import CancelToken
from casedesk.services.evidence import Evidence, IngestMetadata
from casedesk.store.models import Exhibit
from tests.conftest import FULL
from tests.helpers.store import CASE, copy_store

INITIALS = {"jsmith": "JAS", "sgt": "SG"}


def test_exhibit_numbers_are_never_reused(_template: tuple[Path, Path], tmp_path: Path) -> None:
    counter = itertools.count()

    class Numbering(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            n = next(counter)
            self.root = tmp_path / f"case-{n}"
            self.store = copy_store(_template[0], _template[1], self.root / "store", tmp_path / "xdg")
            self.sessions = {u: self.store.sign_in(u) for u in ("jsmith", "sgt")}
            self.files = itertools.count()
            self.given: dict[str, set[int]] = {"JAS": set(), "SG": set()}  # every number handed out so far
            self.withdrawn: set[str] = set()

        def _source(self, content: bytes | None = None) -> Path:
            i = next(self.files)
            path = self.root / "src" / f"{i:04d}.txt"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content if content is not None else f"statement {i}\n".encode())
            return path

        def _record(self, refs: list[str]) -> None:
            for ref in refs:
                initials, number = ref.split("/")
                assert int(number) not in self.given[initials], f"{ref} handed out twice"
                assert int(number) == max(self.given[initials], default=0) + 1, f"{ref} leaves a gap"
                self.given[initials].add(int(number))

        @rule(by=st.sampled_from(["jsmith", "sgt"]), producer=st.sampled_from(["jsmith", "sgt"]),
              n=st.integers(1, 4), duplicate=st.booleans())
        def ingest(self, by: str, producer: str, n: int, duplicate: bool) -> None:
            paths = [self._source() for _ in range(n)]
            if duplicate:  # content already in the vault: a new exhibit, a new number
                paths.append(self._source(b"statement 0\n"))
            summary = Evidence(self.sessions[by]).ingest(
                CASE, paths, IngestMetadata(description="Statement", producer=producer))
            refs = [e.reference for e in summary.ingested]
            assert len(refs) == len(paths)
            assert all(r.startswith(INITIALS[producer] + "/") for r in refs)
            self._record(refs)

        @rule(by=st.sampled_from(["jsmith", "sgt"]))
        def ingest_that_skips_everything(self, by: str) -> None:
            fifo = self.root / "src" / f"pipe-{next(self.files)}"
            fifo.parent.mkdir(parents=True, exist_ok=True)
            os.mkfifo(fifo)
            summary = Evidence(self.sessions[by]).ingest(
                CASE, [fifo, self.root / "missing.txt"], IngestMetadata(description="Nothing to take"))
            assert summary.ingested == [] and len(summary.skipped) == 2

        @rule()
        def ingest_cancelled_before_it_starts(self) -> None:
            token = CancelToken()
            token.cancel()
            summary = Evidence(self.sessions["jsmith"]).ingest(
                CASE, [self._source(), self._source()], IngestMetadata(description="Cancelled"), cancel=token)
            assert summary.ingested == []

        @rule(data=st.data())
        def withdraw(self, data: st.DataObject) -> None:
            active = sorted({f"{i}/{n}" for i, ns in self.given.items() for n in ns} - self.withdrawn)
            if not active:
                return
            ref = data.draw(st.sampled_from(active))
            Evidence(self.sessions["jsmith"]).withdraw(CASE, ref, "duplicate of a later exhibit")
            self.withdrawn.add(ref)

        @invariant()
        def register_matches(self) -> None:
            with self.sessions["sgt"].read() as db:
                rows = list(db.execute(select(Exhibit.initials, Exhibit.number, Exhibit.reference, Exhibit.status)))
            refs = [r[2] for r in rows]
            assert len(refs) == len(set(refs))
            for initials in ("JAS", "SG"):
                numbers = sorted(n for i, n, _, _ in rows if i == initials)
                assert numbers == list(range(1, len(numbers) + 1))
                assert set(numbers) == self.given[initials]
            assert {r for _, _, r, status in rows if status == "withdrawn"} == self.withdrawn

        def teardown(self) -> None:
            for s in self.sessions.values():
                s.close()

    run_state_machine_as_test(Numbering, settings=settings(
        max_examples=60 if FULL else 6, stateful_step_count=25 if FULL else 10, deadline=None))


