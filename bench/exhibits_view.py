"""Opening the exhibit register with 20,000 exhibits: from data in memory to the view shown and painted.

The exhibits are inserted straight through the ORM into a bench-only store
(20,000 real ingests would measure the ingest, not the view), then read back
through ``Evidence.list`` exactly as the app does; that load is timed
separately and is not part of the view figure. The view is the app's own
``ExhibitTableView`` over ``ExhibitTableModel`` and ``ExhibitFilterProxy``.

References, same run: a plain ``QTableWidget`` filled with the same 20,000
rows (a widget item per cell), and a bare ``QTableView`` over an empty model
(the floor: creating and painting a table at all).
"""

from __future__ import annotations

import os
import statistics
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from bench.common import Row

COUNT = 20_000
GOAL_MS = 300.0


def _store(root: Path, count: int) -> Any:
    import keyring
    from keyring.backends import fail

    keyring.set_keyring(fail.Keyring())
    from sqlalchemy import insert, select

    from casedesk.datadir import DataDir
    from casedesk.services.accounts import Accounts
    from casedesk.services.cases import Cases
    from casedesk.services.installation import Installation
    from casedesk.store.models import Case, Exhibit, User, VaultObject
    from casedesk.timeutil import utc_now

    inst = Installation(DataDir(root))
    inst.initialise("admin", "bench-admin-password", "Bench Admin", "BA")
    admin = inst.sign_in("admin", "bench-admin-password")
    Accounts(admin).add("jsmith", "detective", "Jane A Smith", "JAS", "bench-detective-pw")
    admin.close()
    session = inst.sign_in("jsmith", "bench-detective-pw")
    Cases(session).create("BENCH-0001", "Operation Benchmark")
    now = utc_now()
    types = [("text/plain", "ASCII text"), ("image/jpeg", "JPEG image data"), ("application/pdf", "PDF document"),
             ("application/vnd.ms-excel", "Microsoft Excel")]
    with session.write() as db:  # bench-only bulk rows; the app never writes exhibits like this
        case = db.scalar(select(Case).where(Case.reference == "BENCH-0001"))
        user = db.scalar(select(User).where(User.username == "jsmith"))
        assert case is not None and user is not None
        obj = VaultObject(name="0" * 64, size=1234, sha256="ab" * 32, created_at=now)
        db.add(obj)
        db.flush()
        rows = []
        for n in range(1, count + 1):
            mime, desc = types[n % len(types)]
            rows.append({
                "case_id": case.id, "reference": f"JAS/{n}", "initials": "JAS", "number": n,
                "description": f"Item {n} from the seized laptop, folder {n // 100}", "producer_id": user.id,
                "seized_from": "Flat 3, 12 Example Road", "seized_at": now - timedelta(days=3),
                "seized_offset": "+00:00", "seized_location": "London", "seal": f"MPS{n:06d}",
                "original_name": f"file{n}.dat", "relative_path": f"laptop/folder{n // 100}/file{n}.dat",
                "size": 1000 + n * 37, "mime_type": mime, "type_description": desc, "sha256": f"{n:064x}",
                "object_id": obj.id, "ingested_by_id": user.id, "ingested_at": now, "tool": "bench",
                "sensitive": False, "status": "active", "custodian": "jsmith", "custodian_is_user": True,
                "location": "Property store, shelf 4", "checked_out": False,
            })
        db.execute(insert(Exhibit), rows)
    return session


def _paint(widget: Any, app: Any) -> None:
    widget.show()
    app.processEvents()
    widget.repaint()  # synchronous paint of the visible rows


def run(workdir: Path, quick: bool) -> list[Row]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QTableView, QTableWidget, QTableWidgetItem

    from casedesk.services.evidence import Evidence
    from casedesk.ui.app import application
    from casedesk.ui.partials.exhibit_model import COLUMNS, ExhibitFilterProxy, ExhibitTableModel
    from casedesk.ui.tabs.exhibits import ExhibitTableView

    app = application([])
    session = _store(workdir / "data", COUNT)
    try:
        start = time.perf_counter()
        exhibits = Evidence(session).list("BENCH-0001")
        load_s = time.perf_counter() - start
    finally:
        session.close()
    assert len(exhibits) == COUNT

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
        Row(f"Evidence.list of {COUNT:,} exhibits (not part of the view figure)",
            f"{load_s * 1000:.0f} ms", "-", "-", "-", None),
    ]
