"""The translation catalogue lists every tr() string of the desktop app (``make translations`` updates it)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "resources" / "translations" / "casedesk_en_GB.ts"
SOURCE = re.compile(r"<source>(.*?)</source>", re.S)


def test_the_catalogue_is_current(tmp_path: Path) -> None:
    lupdate = shutil.which("pyside6-lupdate") or str(Path(sys.executable).parent / "pyside6-lupdate")
    assert Path(lupdate).exists(), "pyside6-lupdate (PySide6's tools) is missing"
    sources = sorted(str(p) for p in (ROOT / "casedesk" / "ui").rglob("*.py"))
    fresh = tmp_path / "fresh.ts"
    subprocess.run([lupdate, "-no-obsolete", *sources, "-ts", str(fresh)], check=True, capture_output=True,
                   timeout=120)
    wanted = sorted(set(SOURCE.findall(fresh.read_text("utf-8"))))
    have = sorted(set(SOURCE.findall(CATALOGUE.read_text("utf-8"))))
    assert wanted, "no tr() string found: the scan is broken"
    missing = [s for s in wanted if s not in have]
    assert not missing, f"run `make translations`: {len(missing)} new string(s), e.g. {missing[0]!r}"
