"""Peak memory of a bundle build does not grow with the size of an exhibit (originals are streamed)."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pikepdf


def _peak_kib(folder: Path, mib: int) -> int:
    code = ("import sys; from pathlib import Path; from tests.helpers.bundle import build_large_exhibit_bundle; "
            f"print(build_large_exhibit_bundle(Path(sys.argv[1]), {mib}))")
    done = subprocess.run([sys.executable, "-c", code, str(folder)], capture_output=True, text=True, check=True,
                          cwd=Path(__file__).resolve().parents[2])
    return int(done.stdout.split()[-1])


def test_a_large_exhibit_costs_no_more_memory_than_a_small_one(tmp_path: Path) -> None:
    small = _peak_kib(tmp_path / "small", 8)
    large = _peak_kib(tmp_path / "large", 160)
    # Before streaming, qpdf held the whole original (twice): about 320 MiB more for the large one.
    assert large - small < 32 * 1024, f"peak {small // 1024} MiB with 8 MiB, {large // 1024} MiB with 160 MiB"
    # The original came through whole and intact.
    with pikepdf.open(tmp_path / "large" / "out" / "bundle.pdf") as pdf:
        data = pdf.attachments["JAS-1_disk.img"].get_file().read_bytes()
    with (tmp_path / "large" / "disk.img").open("rb") as fh:
        assert hashlib.sha256(data).hexdigest() == hashlib.file_digest(fh, "sha256").hexdigest()
