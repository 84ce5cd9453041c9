"""An ingest's store work per batch does not grow with the number of files in it.

The 10,000-file ingest is judged against hashdeep and file(1) (bench/ingest.py); what made it slow was work
per file that did not need to be per file: the same account and case rows read again for every custody entry,
the log head read again and each entry flushed on its own. These tests count SQL statements (not time): a
batch of many files runs the statements a batch of a few runs.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from casedesk.services import evidence
from casedesk.services.evidence import Evidence
from tests.helpers.evidence import META, evidence_for, pattern, write
from tests.helpers.store import CASE, Store


@contextmanager
def statements(ev: Evidence) -> Iterator[list[str]]:
    seen: list[str] = []

    def on_execute(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(" ".join(statement.split()))

    event.listen(ev.s.engine, "before_cursor_execute", on_execute)
    try:
        yield seen
    finally:
        event.remove(ev.s.engine, "before_cursor_execute", on_execute)


def _files(folder: Path, n: int, seed: int) -> list[Path]:
    return [write(folder / f"item-{i:03d}.bin", pattern(512, seed * 1000 + i)) for i in range(n)]


def _ingest_statements(store: Store, paths: list[Path]) -> list[str]:
    with evidence_for(store) as ev:
        with statements(ev) as seen:
            summary = ev.ingest(CASE, paths, META)
        assert len(summary.ingested) == len(paths) and not summary.skipped
        assert ev.verify(CASE) == []
    return seen


@pytest.fixture(autouse=True)
def one_batch(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every ingest here is one batch, however slow the machine (a batch also ends after BATCH_SECONDS)."""
    monkeypatch.setattr(evidence, "BATCH_SECONDS", 3600.0)


def _reads_of(table: str, seen: list[str]) -> int:
    return sum(1 for s in seen if s.startswith("SELECT") and re.search(rf"\bFROM {table}\b", s))


def test_account_and_case_rows_are_read_once_per_batch_not_once_per_file(store: Store, tmp_path: Path) -> None:
    few = _ingest_statements(store, _files(tmp_path / "few", 3, 1))
    many = _ingest_statements(store, _files(tmp_path / "many", 60, 2))
    assert _reads_of("users", many) == _reads_of("users", few)
    assert _reads_of("cases", many) == _reads_of("cases", few)


def test_a_batch_of_many_files_runs_the_statements_of_a_batch_of_few(store: Store, tmp_path: Path) -> None:
    few = _ingest_statements(store, _files(tmp_path / "few", 3, 3))
    many = _ingest_statements(store, _files(tmp_path / "many", 60, 4))
    assert len(many) == len(few), sorted(set(many) ^ set(few))
    inserts = [s for s in many if s.startswith("INSERT INTO custody_entries")]
    assert len(inserts) == 1  # the batch's 60 entries in one executemany
