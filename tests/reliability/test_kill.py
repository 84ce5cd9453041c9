"""SIGKILL a real ``casedesk`` process at random moments: ingest, bundle export, custody transfer.

After every kill the store must open, the supervisor's full verification must
pass, every exhibit must be complete or absent, no orphan vault object may
survive the next sign-in's clean-up, and the custody log must hold exactly one
entry per completed action. ``make test-full`` runs 30 trials of each;
``make test`` a handful, spread over the whole run by ``Killer``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from casedesk.reports.sample import make_evidence
from tests.helpers.bundle import ingest_evidence
from tests.helpers.evidence import pattern, write
from tests.helpers.reliability import (
    Killer,
    check_store,
    entry_data,
    run_and_kill,
    sha256_file,
    source_hashes,
    trials,
)
from tests.helpers.store import CASE, Store

pytestmark = pytest.mark.slow


def _description(trial: int) -> str:
    return f"Seized laptop image, kill trial {trial}"


def test_killed_ingest_leaves_every_exhibit_complete_or_absent(store: Store, tmp_path: Path) -> None:
    src = tmp_path / "seized"
    for i in range(540):  # more than one commit batch (500 files)
        write(src / "mail" / f"{i:04d}.eml", f"From: a{i}@example.org\n\nmessage {i} {'x' * (i % 131)}\n".encode())
    write(src / "disk" / "image-part1.bin", pattern(5 << 20, seed=11))  # streamed (large-file) path
    write(src / "disk" / "image-part2.bin", pattern((4 << 20) + 1, seed=12))
    write(src / "zz-duplicate.eml", (src / "mail" / "0007.eml").read_bytes())
    sources = source_hashes(src)
    order = sorted(sources)  # the ingest walks folders in name order
    first = run_and_kill(store.root, "jsmith", ["ingest", CASE, str(src), "--description", _description(0)], None)
    assert first.code == 0, first.err
    snap = check_store(store, sources=sources)
    assert len(snap.exhibits) == len(sources)
    killer = Killer(seed=20260417, duration=first.seconds)
    for trial, delay in enumerate(killer.delays(trials(30, 4)), start=1):
        before = len(snap.exhibits)
        run = run_and_kill(store.root, "jsmith", ["ingest", CASE, str(src), "--description", _description(trial)],
                           delay)
        where = f"seed {killer.seed}, trial {trial}, kill after {delay:.2f}s"
        assert run.killed or run.code == 0, f"{where}: {run.err}"
        snap = check_store(store, sources=sources)
        mine = sorted(ex["relative_path"] for ex in snap.exhibits.values()
                      if ex["description"] == _description(trial))
        # All or nothing per batch, in order: what the trial left is the first k source files.
        assert mine == order[: len(mine)], where
        assert len(snap.exhibits) == before + len(mine), where
        if not run.killed:
            assert len(mine) == len(sources), where


def _export_case(store: Store, tmp_path: Path) -> None:
    session = store.sign_in("jsmith")
    try:
        files = make_evidence(tmp_path / "evidence", awkward=False)
        ingest_evidence(session, files)
    finally:
        session.close()
    photo = tmp_path / "more" / "scene.jpg"
    photo.parent.mkdir()
    Image.effect_noise((2400, 1800), 60).convert("RGB").save(photo, "JPEG", quality=90)
    run = run_and_kill(store.root, "jsmith", ["ingest", CASE, str(photo), "--description", "Scene photograph"], None)
    assert run.code == 0, run.err


def _hidden_leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def test_killed_export_never_leaves_a_bundle_without_its_entry(store: Store, tmp_path: Path) -> None:
    _export_case(store, tmp_path)
    out = tmp_path / "bundles"
    out.mkdir()
    first = run_and_kill(store.root, "jsmith", ["export", CASE, "-o", str(out / "bundle-0.pdf")], None)
    assert first.code == 0, first.err
    killer = Killer(seed=417, duration=first.seconds)
    outcomes = {0: first}
    for trial, delay in enumerate(killer.delays(trials(30, 4)), start=1):
        outcomes[trial] = run_and_kill(store.root, "jsmith", ["export", CASE, "-o", str(out / f"bundle-{trial}.pdf")],
                                       delay)
        where = f"seed {killer.seed}, trial {trial}, kill after {delay:.2f}s"
        assert outcomes[trial].killed or outcomes[trial].code == 0, f"{where}: {outcomes[trial].err}"
        snap = check_store(store)
        # A kill leaves no plaintext anywhere: the work files (decrypted originals among them) and the
        # unfinished bundle are anonymous files that die with the process, not names waiting for clean-up.
        assert _hidden_leftovers(out) == [], f"{where}: left behind"
        assert _hidden_leftovers(tmp_path) == [], f"{where}: left behind"
        exported = snap.entries_for("bundle.exported")
        for n, run in outcomes.items():
            pdf = out / f"bundle-{n}.pdf"
            entries = [e for e in exported if entry_data(e)["file"] == pdf.name]
            assert len(entries) <= 1, f"{where}: two entries for {pdf.name}"
            if pdf.exists():
                # On disk only with its entry, and the entry, the sidecar and the manifest carry its hash.
                assert len(entries) == 1, f"{where}: {pdf.name} is on disk without a bundle.exported entry"
                digest = sha256_file(pdf)
                assert entries[0].sha256 == digest, where
                sidecar = pdf.with_name(pdf.name + ".sha256")
                manifest = pdf.with_name(pdf.name + ".manifest.json")
                if not run.killed or sidecar.exists():
                    assert sidecar.read_text().split()[0] == digest, where
                if not run.killed or manifest.exists():
                    assert json.loads(manifest.read_text())["bundle"]["sha256"] == digest, where
            else:
                # Killed before the bundle was complete: no entry, unless the kill fell between
                # the commit and the rename (the log then records an export whose file never arrived).
                assert run.killed, f"{where}: {pdf.name} is missing after a complete run"
    # Earlier versions left named partial PDFs and work folders holding decrypted copies of the originals;
    # the next export into the same folder clears those, whatever bundle they were for; it leaves alone
    # what a running export uses and what is not CaseDesk's.
    ended = subprocess.Popen([sys.executable, "-c", "pass"])
    ended.wait()
    dead, alive = ended.pid, os.getpid()
    planted_dead = [out / f".old.pdf.casedesk-bundle-{dead}.partial", out / f".casedesk-bundle-{dead}-x1y2z3"]
    planted_alive = [out / f".other.pdf.casedesk-bundle-{alive}.partial", out / f".casedesk-bundle-{alive}-a1b2c3"]
    unrelated = out / ".notes.txt.tmp-12"
    for p in [*planted_dead, *planted_alive, unrelated]:
        if p.name.startswith(".casedesk-bundle-"):
            p.mkdir()
            (p / "original-00001").write_bytes(b"plain copy of an exhibit")
        else:
            p.write_bytes(b"partial")
    last = run_and_kill(store.root, "jsmith", ["export", CASE, "-o", str(out / "bundle-final.pdf")], None)
    assert last.code == 0, last.err
    assert _hidden_leftovers(out) == sorted(p.name for p in [*planted_alive, unrelated])


def test_killed_transfer_keeps_register_and_log_in_step(store: Store, tmp_path: Path) -> None:
    photo = write(tmp_path / "src" / "phone.bin", pattern(300_000, seed=5))
    run = run_and_kill(store.root, "jsmith", ["ingest", CASE, str(photo), "--description", "Suspect's phone"], None)
    assert run.code == 0, run.err
    first = run_and_kill(store.root, "sgt", ["custody", "transfer", CASE, "JAS/1", "--to", "Locker 0",
                                            "--reason", "booked into the property store"], None)
    assert first.code == 0, first.err
    killer = Killer(seed=14, duration=first.seconds)
    done = {"Locker 0"}
    for trial, delay in enumerate(killer.delays(trials(30, 4)), start=1):
        place = f"Locker {trial}"
        run = run_and_kill(store.root, "sgt", ["custody", "transfer", CASE, "JAS/1", "--to", place,
                                               "--reason", f"moved, trial {trial}"], delay)
        where = f"seed {killer.seed}, trial {trial}, kill after {delay:.2f}s"
        assert run.killed or run.code == 0, f"{where}: {run.err}"
        snap = check_store(store)
        moves = [e for e in snap.entries_for("exhibit.transferred") if e.exhibit_ref == "JAS/1"]
        # Each move recorded once, each starting where the one before ended, the last one where the register is.
        assert len({e.to_party for e in moves}) == len(moves), where
        holder = "jsmith"
        for e in moves:
            assert e.from_party == holder, where
            holder = e.to_party
        assert snap.exhibits[f"{CASE} JAS/1"]["custodian"] == holder, where
        if not run.killed:
            assert holder == place, where
        if holder == place:
            done.add(place)
        assert {e.to_party for e in moves} == done, where


def test_an_export_killed_while_libreoffice_converts_leaves_no_decrypted_copy(store: Store, tmp_path: Path) -> None:
    """A Word exhibit is converted by LibreOffice from a decrypted copy in a private folder: a kill at that moment
    (the export's own process; LibreOffice goes on running) must leave neither the copy nor the folder."""
    import signal
    import time
    from datetime import UTC, datetime

    from casedesk.demo import bank_statement_docx
    from tests.helpers.reliability import cli_argv, cli_env

    docx = tmp_path / "src" / "statement.docx"
    docx.parent.mkdir()
    bank_statement_docx(docx, datetime(2026, 11, 20, 10, 0, tzinfo=UTC))
    run = run_and_kill(store.root, "jsmith", ["ingest", CASE, str(docx), "--description", "MG11 statement"], None)
    assert run.code == 0, run.err
    out = tmp_path / "bundles"
    out.mkdir()
    proc = subprocess.Popen(cli_argv(store.root, "jsmith", "export", CASE, "-o", str(out / "bundle.pdf")),
                            env=cli_env("jsmith"), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            stdin=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    jobs: list[Path] = []
    while not jobs and proc.poll() is None and time.monotonic() < deadline:
        jobs = [j for j in out.glob(".casedesk-bundle-*/convert-*") if any(j.glob("exhibit.*"))]
        time.sleep(0.01)
    assert jobs, "the export never reached the conversion"
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=120)  # the guard shares its error output: this waits for its clean-up too
    assert _hidden_leftovers(out) == []
