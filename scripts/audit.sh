#!/bin/sh
# Dependency audit: every package pinned in constraints.txt (or the file given) checked against the
# PyPI vulnerability data with pip-audit, and an honest account of what was and was not checked.
#
#   scripts/audit.sh [REQUIREMENTS]     default: constraints.txt
#
# Exit 0  every pinned package was checked and none has a known vulnerability;
#      1  at least one pinned package has a known vulnerability (each is listed with its fix);
#      2  the audit is INCOMPLETE: the service could not be reached, or it does not know some of the
#         pinned versions (each is listed). Nothing is claimed about those packages.
#
# AUDIT_REPORT=FILE re-reads a saved `pip-audit --format json` report instead of asking the service.
set -eu
cd "$(dirname "$0")/.."
PY="${PY:-.venv/bin/python}"
REQS="${1:-constraints.txt}"
if [ ! -x "$PY" ]; then
    echo "audit: $PY not found; run 'make setup' (or set PY) first" >&2
    exit 2
fi
report=$(mktemp)
errors=$(mktemp)
trap 'rm -f "$report" "$errors"' EXIT INT TERM
status=0
if [ -n "${AUDIT_REPORT:-}" ]; then
    cp "$AUDIT_REPORT" "$report"
else
    "$PY" -m pip_audit -r "$REQS" --no-deps --disable-pip --format json --output "$report" \
        --progress-spinner off --timeout 20 2>"$errors" || status=$?
fi
"$PY" - "$REQS" "$report" "$errors" "$status" <<'PYTHON'
import json
import re
import sys
from datetime import UTC, datetime

reqs, report_path, errors_path, status = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


pinned = {}
for line in open(reqs, encoding="utf-8"):
    line = line.split("#", 1)[0].strip()
    m = re.fullmatch(r"([A-Za-z0-9][A-Za-z0-9._-]*)\s*==\s*([^\s;]+)", line)
    if m:
        pinned[canonical(m.group(1))] = m.group(2)

when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
print(f"Dependency audit of {reqs}: {len(pinned)} pinned packages, PyPI vulnerability data via pip-audit, {when}")
try:
    text = open(report_path, encoding="utf-8").read()
    deps = json.loads(text)["dependencies"] if text.strip() else None
except (ValueError, KeyError, TypeError):
    deps = None
if deps is None:
    detail = [line for line in open(errors_path, encoding="utf-8").read().splitlines()
              if line.strip() and not line.startswith("WARNING:")]
    print("RESULT: NOT AUDITED - the vulnerability service could not be reached or pip-audit failed"
          + (f" (exit {status})" if status else "") + ".")
    for line in detail[-5:]:
        print(f"  {line}")
    print("No package was checked; this is not a clean audit.")
    sys.exit(2)

checked, vulnerable, unknown = {}, {}, {}
for dep in deps:
    name = canonical(dep.get("name", ""))
    if dep.get("skip_reason"):
        unknown[name] = dep["skip_reason"]
    elif dep.get("vulns"):
        vulnerable[name] = dep
    else:
        checked[name] = dep.get("version", "")
for name in pinned:
    if name not in checked and name not in vulnerable and name not in unknown:
        unknown[name] = "not in pip-audit's report"

print(f"  checked, no known vulnerability: {len(checked)}")
print(f"  checked, KNOWN VULNERABILITIES: {len(vulnerable)}")
print(f"  NOT CHECKED: {len(unknown)}")
for name, dep in sorted(vulnerable.items()):
    for v in dep["vulns"]:
        fixes = ", ".join(v.get("fix_versions") or []) or "no fixed version yet"
        aliases = f" ({', '.join(v['aliases'])})" if v.get("aliases") else ""
        print(f"  VULNERABLE {name} {dep.get('version', pinned.get(name, '?'))}: {v.get('id')}{aliases}; fixed in: {fixes}")
if unknown:
    print("Not checked (the service does not know these pinned versions, or could not be asked):")
    for name, why in sorted(unknown.items()):
        print(f"  {name} {pinned.get(name, '?')}: {why}")
if vulnerable:
    print(f"RESULT: FAILED - {len(vulnerable)} pinned package(s) with known vulnerabilities"
          + (f"; {len(unknown)} more not checked" if unknown else "") + ".")
    sys.exit(1)
if unknown and len(unknown) == len(pinned) and all("not found on PyPI" in why for why in unknown.values()):
    print("Every package, even long-published ones, came back 'not found': the PyPI vulnerability data is most "
          "likely out of reach from here (no network, or a package proxy that does not serve it).")
if unknown:
    print(f"RESULT: INCOMPLETE - {len(unknown)} of {len(pinned)} pinned packages could not be checked; "
          "nothing is claimed about them. This is not a clean audit.")
    sys.exit(2)
print(f"RESULT: OK - all {len(pinned)} pinned packages checked; no known vulnerabilities.")
PYTHON
