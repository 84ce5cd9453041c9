"""A full disk: ingest and export into a small file system give one clear line and leave the store intact.

The small file system is a tmpfs of a few MiB mounted for the test; where it
cannot be mounted (not root, no mount permission) the tests skip and say why.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from casedesk.errors import StoreError
from casedesk.services.evidence import Evidence
from tests.helpers.evidence import META, pattern, write
from tests.helpers.reliability import (
    check_store,
    fill_to,
    run_and_kill,
    small_filesystem,
    source_hashes,
    tree_digest,
)
from tests.helpers.store import CASE, Store


@pytest.fixture
def small_store(store: Store, tmp_path: Path) -> Iterator[Store]:
    """The test store moved onto a 6 MiB file system (the keyring stays where it was)."""
    with small_filesystem(tmp_path / "small", 6 * 1024) as mount:
        shutil.copytree(store.root, mount / "data")
        yield Store(mount / "data", store.xdg)


def one_clear_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("casedesk: error: "), err
    assert "Traceback" not in err and "unexpected error" not in err
    return lines[0]


def test_ingest_bigger_than_the_disk_is_refused_in_one_line(small_store: Store, tmp_path: Path) -> None:
    big = write(tmp_path / "src" / "disk-image.bin", pattern(9 << 20, seed=3))
    before = check_store(small_store)
    run = run_and_kill(small_store.root, "jsmith", ["ingest", CASE, str(big), "--description", "Disk image"], None)
    assert run.code == 6
    assert "no space left on device" in one_clear_line(run.err)
    after = check_store(small_store)
    assert after.exhibits == before.exhibits
    assert after.entries_for("exhibit.ingested") == []


@pytest.mark.parametrize("leave", [0, 24 << 10], ids=["no room for the batch journal", "no room for the commit"])
def test_disk_filling_up_just_before_the_commit(small_store: Store, tmp_path: Path, leave: int) -> None:
    """Another program fills the disk after the files were encrypted, just before the batch is committed."""
    src = tmp_path / "statements"
    for i in range(40):
        write(src / f"statement-{i:02d}.txt", f"MG11 statement {i}\n".encode() * 40)
    filled: list[Path] = []

    def progress(done: int, total: int, message: str) -> None:
        if done == total and not filled:
            filled.append(fill_to(small_store.root, leave))

    session = small_store.sign_in("jsmith")
    try:
        with pytest.raises(StoreError, match=r"full|no space left") as caught:
            Evidence(session).ingest(CASE, [src], META, progress)
    finally:
        session.close()
    assert "\n" not in str(caught.value)
    assert filled, "the ingest never reported its last file"
    filled[0].unlink()  # space comes back; the next sign-in cleans up
    snap = check_store(small_store, sources=source_hashes(src))
    assert snap.exhibits == {}


def test_sign_in_on_a_full_disk_says_so(small_store: Store) -> None:
    before = tree_digest(small_store.root)
    filler = fill_to(small_store.root, 0)
    try:
        run = run_and_kill(small_store.root, "jsmith", ["case", "list"], None)
    finally:
        filler.unlink()
    if run.code == 0:  # the database had room to spare in its write-ahead log: nothing to report
        return
    assert run.code == 6
    line = one_clear_line(run.err)
    assert "full" in line or "no space left" in line
    assert {k: v for k, v in tree_digest(small_store.root).items() if not k.startswith("casedesk.db")} == {
        k: v for k, v in before.items() if not k.startswith("casedesk.db")}
    check_store(small_store)


def test_export_into_a_full_folder_writes_nothing_and_records_nothing(store: Store, tmp_path: Path) -> None:
    src = tmp_path / "src"
    for i in range(3):
        write(src / f"photo-{i}.bin", pattern(400_000, seed=i))
    write(src / "statement.txt", b"I saw the suspect hand over a USB stick.\n" * 2000)
    run = run_and_kill(store.root, "jsmith", ["ingest", CASE, str(src), "--description", "Scene"], None)
    assert run.code == 0, run.err
    with small_filesystem(tmp_path / "usb-stick", 256) as stick:
        run = run_and_kill(store.root, "jsmith", ["export", CASE, "-o", str(stick / "bundle.pdf")], None)
        assert run.code == 2, run.err
        line = one_clear_line(run.err)
        assert "no space left on device" in line and "Nothing was exported" in line
        assert list(stick.iterdir()) == []  # no partial bundle, no work folder with plain copies
    snap = check_store(store)
    assert snap.entries_for("bundle.exported") == []
