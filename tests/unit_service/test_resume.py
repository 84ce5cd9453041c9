"""A sync cut mid-way (the service killed, then the client killed) resumes with nothing lost or duplicated."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from casedesk.errors import UnitError
from casedesk.services import sync
from casedesk.services.cases import Cases
from casedesk.unit.store import engine_for
from tests.helpers.store import CASE, PASSWORDS
from tests.unit_service.conftest import REPO, Unit
from tests.unit_service.helpers import held, local, new_installation, register


@pytest.fixture(scope="module")
def engine(unit: Unit) -> Iterator[Engine]:
    eng = engine_for(unit.url_db)
    yield eng
    eng.dispose()


def test_a_cut_sync_resumes_with_nothing_lost_or_sent_twice(unit: Unit, engine: Engine, tmp_path: Path) -> None:
    store = new_installation(tmp_path / "laptop", tmp_path / "xdg")
    installation, _ = register(engine, store, "laptop cut mid-sync")
    s = store.sign_in("jsmith")
    try:
        for i in range(120):  # written offline
            Cases(s).add_note(CASE, f"observation {i}")
    finally:
        s.close()

    # 1. The service is killed after three batches were stored: the client says so, and what was stored stays.
    def kill_after_three(done: int, total: int, message: str = "") -> None:
        if done == 30:
            unit.service.kill()

    s = store.sign_in("jsmith")
    try:
        with pytest.raises(UnitError) as caught:
            sync.sync(s, unit.service.url, unit.tls.ca, kill_after_three, batch=10)
    finally:
        s.close()
    assert str(caught.value).startswith("the connection to the unit was cut after 30 of ")
    assert "run the sync again to resume" in str(caught.value)
    assert [seq for seq, _ in held(engine, installation)] == list(range(1, 31))

    # 2. The service back; a sync from the command line, one entry per request, killed while it runs.
    unit.service.start()
    env = {**os.environ, "PYTHONPATH": str(REPO), "CASEDESK_PASSWORD": PASSWORDS["jsmith"]}
    client = subprocess.Popen(
        [sys.executable, "-m", "casedesk.cli.main", "--data-dir", str(store.root), "--user", "jsmith", "sync",
         "--unit", unit.service.url, "--ca", str(unit.tls.ca), "--batch", "1"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while len(held(engine, installation)) < 40 and client.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    client.send_signal(signal.SIGKILL)
    client.wait()

    # 3. The next sync completes: the unit holds every entry once, in order, as the installation wrote it.
    s = store.sign_in("jsmith")
    try:
        result = sync.sync(s, unit.service.url, unit.tls.ca, batch=25)
    finally:
        s.close()
    mine = local(store)
    assert held(engine, installation) == mine[: result.tree_size]
    # Everything written before the sync; the entry that records the unit's cosignature comes right after.
    assert result.recorded_as == result.tree_size + 1 and len(mine) > result.tree_size
    with engine.connect() as conn:
        stored = conn.execute(text("SELECT sum(stored), max(tree_size) FROM checkpoints WHERE installation_id = :i"),
                              {"i": installation}).one()
    assert (int(stored[0]), int(stored[1])) == (result.tree_size, result.tree_size)  # nothing stored twice
