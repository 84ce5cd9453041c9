"""Ingest of awkward inputs: any file name a file system allows, paths with ``..``, a huge folder,
and a file that changes while it is read.

Every file that goes in comes back out byte for byte under its own name; no
name reaches the terminal raw; no hash is ever recorded for bytes other than
those stored.
"""

from __future__ import annotations

import hashlib
import os
import random
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from casedesk.services.evidence import Evidence, IngestMetadata
from casedesk.services.session import Session
from tests.conftest import FULL
from tests.helpers.cli import run
from tests.helpers.evidence import pattern, write
from tests.helpers.reliability import check_store
from tests.helpers.store import CASE, Store

META = IngestMetadata(description="Files from the seized laptop")

# Names a seized disk can hold: anything but '/' and NUL, up to 255 bytes (NAME_MAX), not '.' or '..'.
NAME = st.text(st.characters(exclude_characters="/\x00", exclude_categories=("Cs",)), min_size=1, max_size=90) \
    .filter(lambda n: n not in (".", "..") and len(n.encode("utf-8")) <= 255)
AWKWARD = [
    "line one\nJAS-99 forged register line",
    "carriage\rreturn",
    "escape \x1b[2J\x1b[31mred\x1b[0m and bell \x07",
    "invoice\u202efdp.exe",  # right-to-left override: shows as invoiceexe.pdf
    "zero\u200bwidth and \ufeffBOM",
    "tab\there",
    "\u05e9\u05dc\u05d5\u05dd \u0645\u0631\u062d\u0628\u0627.txt",  # Hebrew and Arabic
    "e\u0301galite\u0301 - combining accents",
    "-rf",
    " leading and trailing spaces ",
    "a" * 255,
    "\u00e9" * 127 + "x",  # 255 bytes of UTF-8, 128 characters
    "\U0001f4f1" * 63 + "abc",  # 255 bytes of 4-byte characters
    "...",
    ".hidden",
]


@pytest.fixture
def session(store: Store) -> Iterator[Session]:
    s = store.sign_in("jsmith")
    yield s
    s.close()


def _round_trip(ev: Evidence, folder: Path, name: str, content: bytes, out: Path) -> None:
    src = write(folder / name, content)
    summary = ev.ingest(CASE, [src], META)
    assert summary.skipped == []
    (view,) = summary.ingested
    assert (view.original_name, view.relative_path) == (name, name)
    assert (view.size, view.sha256) == (len(content), hashlib.sha256(content).hexdigest())
    target = ev.extract(CASE, view.reference, out)
    assert target.name == name and target.read_bytes() == content


@given(name=NAME, content=st.binary(max_size=3000))
def test_any_name_round_trips(session: Session, tmp_path_factory: pytest.TempPathFactory, name: str,
                              content: bytes) -> None:
    base = tmp_path_factory.mktemp("names")
    out = base / "out"
    out.mkdir()
    _round_trip(Evidence(session), base / "src", name, content, out)


def test_awkward_names_in_the_register_the_log_and_the_terminal(store: Store, tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str],
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    src = tmp_path / "laptop"
    for i, name in enumerate(AWKWARD):
        write(src / name, f"file {i}\n".encode())
    r = run(capsys, monkeypatch, store.root, "ingest", CASE, str(src), "--description", "Laptop", user="jsmith")
    assert r.code == 0, r.err
    # One line per exhibit (+ blank + summary), and nothing a terminal would obey.
    lines = r.out.splitlines()
    assert len(lines) == len(AWKWARD) + 2
    assert all(line.isprintable() for line in lines), [line for line in lines if not line.isprintable()]
    assert "[U+202E]" in r.out and "[U+001B]" in r.out and "[U+000A]" in r.out
    s = store.sign_in("jsmith")
    try:
        ev = Evidence(s)
        views = ev.list(CASE)
        assert sorted(v.original_name for v in views) == sorted(AWKWARD)
        out = tmp_path / "out"
        out.mkdir()
        for v in views:
            assert ev.extract(CASE, v.reference, out).read_bytes() == (src / v.original_name).read_bytes()
        shown_refs = [v.reference for v in views if not v.original_name.isprintable()][:3]
    finally:
        s.close()
    for ref in shown_refs:
        shown = run(capsys, monkeypatch, store.root, "evidence", "show", CASE, ref, user="jsmith")
        assert shown.code == 0 and all(line.isprintable() for line in shown.out.splitlines())
    check_store(store)


def test_paths_with_dot_dot_components(session: Session, tmp_path: Path) -> None:
    write(tmp_path / "case" / "emails" / "inbox" / "1.eml", b"From: a\n\none")
    write(tmp_path / "case" / "photos" / "p.jpg", b"\xff\xd8\xff photo")
    ev = Evidence(session)
    given_paths = [
        tmp_path / "case" / "emails" / ".." / "photos" / "p.jpg",
        tmp_path / "case" / "photos" / ".." / "emails",
        Path(os.path.relpath(tmp_path / "case" / "emails" / "inbox" / ".." / ".." / "photos",
                             Path.cwd())),
    ]
    summary = ev.ingest(CASE, given_paths, META)
    paths = [v.relative_path for v in summary.ingested]
    assert paths == ["p.jpg", "emails/inbox/1.eml"]  # the same file reached twice is taken once
    assert all(".." not in Path(p).parts for p in paths)
    assert [s.reason for s in summary.skipped] == ["same file as " + str(tmp_path / "case" / "photos" / "p.jpg")
                                                   + " (listed twice or a hard link)"]


@pytest.mark.slow
def test_a_folder_of_many_entries(store: Store, tmp_path: Path) -> None:
    """100,000 files in one folder under ``make test-full``; 1,000 in CI."""
    count = 100_000 if FULL else 1_000
    folder = tmp_path / "dump"
    folder.mkdir()
    for i in range(count):
        (folder / f"{i:06d}.txt").write_bytes(b"%d\n" % i)
    s = store.sign_in("jsmith")
    try:
        summary = Evidence(s).ingest(CASE, [folder], META)
    finally:
        s.close()
    assert len(summary.ingested) == count and summary.skipped == []
    assert [v.reference for v in summary.ingested[:3]] == ["JAS/1", "JAS/2", "JAS/3"]
    assert summary.ingested[-1].reference == f"JAS/{count}"
    snap = check_store(store)
    assert len(snap.exhibits) == count


# --- a file that changes while it is read --------------------------------------------------


def _modify(path: Path, how: str, rng: random.Random) -> bytes:
    """Change ``path`` the way another program might; returns its content afterwards."""
    if how == "append":
        with path.open("ab") as fh:
            fh.write(b"log line written later\n")
    elif how == "truncate":
        with path.open("r+b") as fh:
            fh.truncate(path.stat().st_size // 2)
    elif how == "overwrite":  # same size, new bytes in the middle
        with path.open("r+b") as fh:
            fh.seek(rng.randrange(path.stat().st_size - 4096))
            fh.write(os.urandom(4096))
    else:  # replaced by a new file under the same name
        tmp = path.with_name(path.name + ".new")
        tmp.write_bytes(pattern(path.stat().st_size, seed=99))
        os.replace(tmp, path)
    return path.read_bytes()


def test_a_file_changing_while_it_is_read(session: Session, tmp_path: Path) -> None:
    """A writer changes the file at a random moment of the ingest. The exhibit is then refused, or holds
    exactly the content before or exactly the content after the change, never a mixture, and its
    recorded hash is always the hash of the bytes stored."""
    rng = random.Random(3)
    ev = Evidence(session)
    out = tmp_path / "out"
    out.mkdir()
    outcomes: dict[str, int] = {}
    kinds = ["append", "truncate", "overwrite", "replace"]
    for trial in range(trials_for_changes := (24 if FULL else 4)):
        how = kinds[trial % len(kinds)]
        path = write(tmp_path / f"t{trial}" / "growing.log", pattern(40 << 20, seed=trial))
        before = path.read_bytes()
        after: list[bytes] = []
        delay = rng.uniform(0.0, 0.6)

        def writer(p: Path = path, h: str = how, d: float = delay) -> None:
            time.sleep(d)
            after.append(_modify(p, h, rng))

        thread = threading.Thread(target=writer)
        thread.start()
        summary = ev.ingest(CASE, [path], META)
        thread.join()
        where = f"trial {trial}: {how} after {delay:.2f}s"
        if summary.skipped:
            assert not summary.ingested, where
            reason = summary.skipped[0].reason
            assert "changed while being read" in reason or "replaced" in reason, f"{where}: {reason}"
            outcomes["refused"] = outcomes.get("refused", 0) + 1
            continue
        (view,) = summary.ingested
        stored = ev.extract(CASE, view.reference, out / f"{trial}.bin").read_bytes()
        assert hashlib.sha256(stored).hexdigest() == view.sha256 and len(stored) == view.size, where
        assert stored in (before, after[0]), f"{where}: the stored content never existed on disk"
        outcomes["before" if stored == before else "after"] = outcomes.get(
            "before" if stored == before else "after", 0) + 1
    assert sum(outcomes.values()) == trials_for_changes
