"""Re-verifying stored exhibits (``Evidence.verify``, what ``casedesk verify`` runs) against the hashing floor.

* A case holding one 1 GiB exhibit: decrypt, authenticate and re-hash every
  byte, against ``hashlib.file_digest(f, "sha256")`` of the original file in
  the same run (the issue asks for "close to the same floor as ingest"; the
  row uses the ingest goal, <= 1.3x).
* A case holding 10,000 exhibits of 10 KiB, against ``hashdeep -c sha256 -r``
  over the original folder (no goal; printed for information).

The verify runs in a child process (sign-in excluded from the figure), with
the vault and the originals in the page cache; each run is paired with the
reference measured just before it and the best of three pairs is reported.
``--quick`` uses 64 MiB and 1,000 files.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

from bench.common import Row, timed, timed_command
from bench.ingest import MiB, fresh, make_big, template, worker


def paired_verify(data: Path, reference: Callable[[], float], runs: int = 3) -> tuple[float, float]:
    """(verify seconds, reference seconds) of the best of ``runs`` back-to-back pairs."""
    pairs = []
    for _ in range(runs):
        ref = reference()
        pairs.append((worker(data, "verify")["seconds"], ref))
    return min(pairs, key=lambda p: p[0] / p[1])


def run(workdir: Path, quick: bool) -> list[Row]:
    rows: list[Row] = []
    big_size = (64 if quick else 1024) * MiB
    n_small = 1000 if quick else 10_000
    label = f"{big_size // MiB} MiB" if big_size < 1024 * MiB else "1 GiB"
    tpl = template(workdir, "verify")

    big = workdir / "input" / "big.bin"
    big.parent.mkdir(parents=True)
    make_big(big, big_size)
    data = fresh(workdir, tpl, "big")
    worker(data, "ingest", str(big))
    for p in (data / "vault").rglob("*"):  # ciphertext into the page cache, as the original is
        if p.is_file():
            with p.open("rb") as fh:
                while fh.read(8 * MiB):
                    pass

    def floor() -> float:
        def once() -> None:
            with big.open("rb") as fh:
                hashlib.file_digest(fh, "sha256")

        return timed(once, repeat=2)

    verify_s, floor_s = paired_verify(data, floor)
    ratio = verify_s / floor_s
    rows.append(Row(f"verify a case with one {label} exhibit", f"{verify_s:.2f} s "
                    f"({big_size / MiB / verify_s:.0f} MiB/s)", f"hashlib.file_digest sha256: {floor_s:.2f} s",
                    f"{ratio:.2f}x", "<= 1.3x (ingest goal)", ratio <= 1.3))
    shutil.rmtree(data, ignore_errors=True)
    big.unlink()

    folder = workdir / "input" / "small"
    folder.mkdir()
    for i in range(n_small):
        (folder / f"item-{i:05d}.bin").write_bytes(os.urandom(10 * 1024))
    data = fresh(workdir, tpl, "small")
    worker(data, "ingest", str(folder))
    verify_s, hashdeep_s = paired_verify(
        data, lambda: timed_command(["hashdeep", "-c", "sha256", "-r", str(folder)]))
    rows.append(Row(f"verify a case with {n_small:,} exhibits of 10 KiB", f"{verify_s:.2f} s "
                    f"({n_small / verify_s:,.0f} exhibits/s)", f"hashdeep -c sha256 -r: {hashdeep_s:.2f} s",
                    f"{verify_s / hashdeep_s:.2f}x", "-", None))
    return rows


if __name__ == "__main__":
    for row in run(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("/tmp/casedesk-bench-verify"), True):
        print(row)
