"""scripts/audit.sh: a clean audit only when every pinned package was really checked.

The script is fed saved pip-audit reports (``AUDIT_REPORT``), so these tests
need no network; ``make audit`` asks the service itself.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "audit.sh"


def audit(tmp_path: Path, pinned: str, report: Any) -> tuple[int, str]:
    reqs = tmp_path / "constraints.txt"
    reqs.write_text(pinned)
    saved = tmp_path / "report.json"
    saved.write_text(report if isinstance(report, str) else json.dumps(report))
    env = dict(os.environ, AUDIT_REPORT=str(saved), PY=sys.executable)
    proc = subprocess.run(["sh", str(SCRIPT), str(reqs)], capture_output=True, text=True, env=env, timeout=60)
    return proc.returncode, proc.stdout + proc.stderr


PINNED = "# pins\nrequests==2.19.0\nPyNaCl==1.6.2\nmy_pkg.sub==1.0\n"


def test_clean_only_when_everything_was_checked(tmp_path: Path) -> None:
    deps = [{"name": "requests", "version": "2.19.0", "vulns": []}, {"name": "pynacl", "version": "1.6.2", "vulns": []},
            {"name": "my-pkg-sub", "version": "1.0", "vulns": []}]
    code, out = audit(tmp_path, PINNED, {"dependencies": deps})
    assert code == 0 and "RESULT: OK - all 3 pinned packages checked" in out


def test_known_vulnerabilities_fail_and_are_listed(tmp_path: Path) -> None:
    deps = [{"name": "requests", "version": "2.19.0",
             "vulns": [{"id": "PYSEC-2018-28", "fix_versions": ["2.20.0"], "aliases": ["CVE-2018-18074"]}]},
            {"name": "pynacl", "version": "1.6.2", "vulns": []},
            {"name": "my-pkg-sub", "skip_reason": "Dependency not found on PyPI and could not be audited"}]
    code, out = audit(tmp_path, PINNED, {"dependencies": deps})
    assert code == 1
    assert "VULNERABLE requests 2.19.0: PYSEC-2018-28 (CVE-2018-18074); fixed in: 2.20.0" in out
    assert "my-pkg-sub 1.0" in out and "1 more not checked" in out


@pytest.mark.parametrize("deps", [
    [{"name": "requests", "version": "2.19.0", "vulns": []},
     {"name": "pynacl", "skip_reason": "Dependency not found on PyPI and could not be audited: pynacl (1.6.2)"}],
    [{"name": "requests", "version": "2.19.0", "vulns": []}, {"name": "pynacl", "version": "1.6.2", "vulns": []}],
], ids=["the service does not know a version", "a pinned package missing from the report"])
def test_an_incomplete_audit_says_so_and_is_not_clean(tmp_path: Path, deps: list[dict[str, Any]]) -> None:
    code, out = audit(tmp_path, PINNED, {"dependencies": deps})
    assert code == 2
    assert "RESULT: INCOMPLETE" in out and "This is not a clean audit" in out and "RESULT: OK" not in out


def test_nothing_known_at_all_is_called_out_of_reach(tmp_path: Path) -> None:
    deps = [{"name": n, "skip_reason": f"Dependency not found on PyPI and could not be audited: {n}"}
            for n in ("requests", "pynacl", "my-pkg-sub")]
    code, out = audit(tmp_path, PINNED, {"dependencies": deps})
    assert code == 2 and "most likely out of reach" in out and "NOT CHECKED: 3" in out


@pytest.mark.parametrize("report", ["", "not json", json.dumps({"unexpected": 1})])
def test_no_report_means_not_audited(tmp_path: Path, report: str) -> None:
    code, out = audit(tmp_path, PINNED, report)
    assert code == 2 and "RESULT: NOT AUDITED" in out and "No package was checked" in out
