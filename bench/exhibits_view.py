"""Opening the exhibit register with 20,000 exhibits: ``Evidence.rows``, then the view shown and painted.

The exhibits are inserted straight into a bench-only store (``bench/registers.py``;
20,000 real ingests would measure the ingest, not the view), then read back
through ``Evidence.rows`` exactly as the app's register does (``Evidence.list``, the full
33 columns that bundles and ``--json`` read, is measured beside it). The view is the app's own
``ExhibitTableView`` over ``ExhibitTableModel`` and ``ExhibitFilterProxy``.

References, same run: for ``Evidence.list``, a bare SELECT of the same columns
of the same rows on the store's own SQLCipher connection (``fetchall``, plain
tuples: the floor of reading them at all); for the view, a plain
``QTableWidget`` filled with the same rows (a widget item per cell), and a bare
``QTableView`` over an empty model (creating and painting a table at all).

The register's reads are timed again on the same connection (its page cache
holds the pages decrypted before, as when a case is opened again) and once
more as the first read on a new connection, every page decrypted (as when a
case is first opened, or after another connection wrote).
"""

from __future__ import annotations

import os
import statistics
import time
from pathlib import Path
from typing import Any

from bench.common import Row
from bench.registers import build

COUNT = 20_000
GOAL_MS = 300.0
LIST_GOAL_MS = 150.0  # issue 13
# What the register's rows read (Evidence.rows, ExhibitRow: the GUI register since issue 13), and the same
# columns bare.
ROWS_SELECT = ("SELECT ?, e.reference, e.description, e.original_name, e.relative_path, e.size, e.seized_at, "
               "e.mime_type, e.type_description, e.type_warning, e.sha256, d.reference, e.sensitive, e.status, "
               "e.custodian, e.custodian_is_user, e.location, e.checked_out FROM exhibits e "
               "LEFT JOIN exhibits d ON d.id = e.duplicate_of_id "
               "WHERE e.case_id = ? AND e.status = 'active' ORDER BY e.initials, e.number")
BARE_SELECT = ("SELECT e.*, c.reference, p.username, p.full_name, i.username, d.reference FROM exhibits e "
               "JOIN cases c ON c.id = e.case_id LEFT JOIN users p ON p.id = e.producer_id "
               "LEFT JOIN users i ON i.id = e.ingested_by_id LEFT JOIN exhibits d ON d.id = e.duplicate_of_id "
               "WHERE e.case_id = ? AND e.status = 'active' ORDER BY e.initials, e.number")


def _measure_list(session: Any, repeat: int, rows: bool = False) -> tuple[float, float, float, float, Any]:
    """Medians of Evidence.list (``rows``: Evidence.rows) and of the bare SELECT of the same rows and columns,
    interleaved (same machine load), as wall-clock and as this process's CPU time (on a shared machine the
    latter is what the work cost)."""
    from sqlalchemy import select

    from casedesk.services.evidence import Evidence
    from casedesk.store.models import Case

    with session.read() as db:
        case_id = db.scalar(select(Case.id).where(Case.reference == "BENCH-0001"))
    ours, bare, ours_cpu, bare_cpu = [], [], [], []
    exhibits = None
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        evidence = Evidence(session)
        exhibits = evidence.rows("BENCH-0001") if rows else evidence.list("BENCH-0001")
        ours.append(time.perf_counter() - t0)
        ours_cpu.append(time.process_time() - c0)
        with session.engine.connect() as conn:
            raw = conn.connection.dbapi_connection
            t0, c0 = time.perf_counter(), time.process_time()
            got = (raw.execute(ROWS_SELECT, ("BENCH-0001", case_id)) if rows
                   else raw.execute(BARE_SELECT, (case_id,))).fetchall()
            bare.append(time.perf_counter() - t0)
            bare_cpu.append(time.process_time() - c0)
        assert len(got) == len(exhibits) == COUNT
    m = statistics.median
    return m(ours), m(bare), m(ours_cpu), m(bare_cpu), exhibits


def _measure_first_read(session: Any) -> tuple[float, float]:
    """CPU ms of Evidence.rows and of the bare SELECT, each the first read on a new connection (every page read
    is decrypted: what opening a case costs before the connection's page cache holds it)."""
    from sqlalchemy import select

    from casedesk.services.evidence import Evidence
    from casedesk.store.models import Case

    with session.read() as db:
        case_id = db.scalar(select(Case.id).where(Case.reference == "BENCH-0001"))
    session.engine.dispose()
    c0 = time.process_time()
    Evidence(session).rows("BENCH-0001")
    ours = time.process_time() - c0
    session.engine.dispose()
    with session.engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        c0 = time.process_time()
        raw.execute(ROWS_SELECT, ("BENCH-0001", case_id)).fetchall()
        bare = time.process_time() - c0
    return ours * 1000, bare * 1000


def _paint(widget: Any, app: Any) -> None:
    widget.show()
    app.processEvents()
    widget.repaint()  # synchronous paint of the visible rows


def run(workdir: Path, quick: bool) -> list[Row]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QTableView, QTableWidget, QTableWidgetItem

    from casedesk.ui.app import application
    from casedesk.ui.partials.exhibit_model import COLUMNS, ExhibitFilterProxy, ExhibitTableModel
    from casedesk.ui.tabs.exhibits import ExhibitTableView

    app = application([])
    session = build(workdir / "data", COUNT)
    try:
        # The register shows Evidence.rows (what the view below is filled with); bundles and --json read the
        # full Evidence.list, measured too.
        rows_s, rows_bare_s, rows_cpu, rows_bare_cpu, exhibits = _measure_list(session, 3 if quick else 7, True)
        load_s, bare_s, load_cpu, bare_cpu, _full = _measure_list(session, 3 if quick else 7)
        first_cpu, first_bare_cpu = _measure_first_read(session)
    finally:
        session.close()

    def casedesk_view() -> Any:
        model = ExhibitTableModel()
        proxy = ExhibitFilterProxy()
        proxy.setSourceModel(model)
        view = ExhibitTableView()
        view.setModel(proxy)
        view.resize(1200, 800)
        model.set_exhibits(exhibits)
        _paint(view, app)
        return view, model, proxy

    def table_widget() -> Any:
        table = QTableWidget(len(exhibits), len(COLUMNS))
        table.setHorizontalHeaderLabels([c.title for c in COLUMNS])
        table.resize(1200, 800)
        for r, e in enumerate(exhibits):
            for c, col in enumerate(COLUMNS):
                table.setItem(r, c, QTableWidgetItem(col.text(e)))
        _paint(table, app)
        return table

    def bare_view() -> Any:
        view = QTableView()
        view.resize(1200, 800)
        _paint(view, app)
        return view

    def measure(fn: Any, repeat: int) -> float:
        times = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            kept = fn()
            times.append(time.perf_counter() - t0)
            widget = kept[0] if isinstance(kept, tuple) else kept
            widget.close()
            widget.deleteLater()
            app.processEvents()
        return statistics.median(times)

    repeat = 3 if quick else 7
    ours = measure(casedesk_view, repeat)
    widget = measure(table_widget, 1 if quick else 3)
    bare = measure(bare_view, repeat)
    ms = ours * 1000
    return [
        Row(f"exhibit view, {COUNT:,} exhibits: data loaded → shown and painted (median of {repeat})",
            f"{ms:.0f} ms",
            f"QTableWidget filled with the same rows: {widget * 1000:.0f} ms",
            f"{ours / widget:.3f}x", f"< {GOAL_MS:.0f} ms", ms < GOAL_MS),
        Row(f"exhibit view vs bare QTableView over an empty model ({COUNT:,} exhibits)",
            f"{ms:.0f} ms", f"bare QTableView: {bare * 1000:.1f} ms",
            f"{ours / bare:.1f}x", "-", None),
        Row(f"Evidence.rows of {COUNT:,} exhibits, the register's read (not part of the view figure; median of "
            f"{3 if quick else 7})", f"{rows_s * 1000:.0f} ms ({rows_cpu * 1000:.0f} ms CPU)",
            f"bare SQLCipher SELECT of the same rows and columns: {rows_bare_s * 1000:.0f} ms "
            f"({rows_bare_cpu * 1000:.0f} ms CPU)",
            f"{rows_s / rows_bare_s:.2f}x", f"<= {LIST_GOAL_MS:.0f} ms", rows_s * 1000 <= LIST_GOAL_MS),
        Row(f"Evidence.rows of {COUNT:,} exhibits, the first read on a new connection (every page decrypted)",
            f"{first_cpu:.0f} ms CPU", f"bare SQLCipher SELECT, first read on a new connection: {first_bare_cpu:.0f} ms CPU",
            f"{first_cpu / first_bare_cpu:.2f}x", "-", None),
        Row(f"Evidence.list of {COUNT:,} exhibits, all 33 columns (bundles, --json; median of {3 if quick else 7})",
            f"{load_s * 1000:.0f} ms ({load_cpu * 1000:.0f} ms CPU)",
            f"bare SQLCipher SELECT of the same rows and columns: {bare_s * 1000:.0f} ms ({bare_cpu * 1000:.0f} ms CPU)",
            f"{load_s / bare_s:.2f}x", "-", None),
    ]
