"""A ready installation for tests: built once per test run, copied for each test.

Argon2id at its real cost takes a quarter of a second per key slot, so the
template (admin, a detective, a second detective, a supervisor and one case)
is built once and each test gets its own copy of the data directory and of
the file keyring that holds its device secret.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from casedesk.datadir import DataDir
from casedesk.services.accounts import Accounts
from casedesk.services.cases import Cases
from casedesk.services.installation import Installation
from casedesk.services.session import Session

PASSWORDS = {
    "admin": "admin-password-0417",
    "jsmith": "detective-password-1",
    "bpatel": "detective-password-2",
    "sgt": "supervisor-password-1",
}
CASE = "MPS-2026-0417"


@dataclass
class Store:
    root: Path
    xdg: Path

    @property
    def datadir(self) -> DataDir:
        return DataDir(self.root)

    @property
    def installation(self) -> Installation:
        return Installation(self.datadir)

    def sign_in(self, user: str) -> Session:
        return self.installation.sign_in(user, PASSWORDS[user])


def build_template(root: Path) -> str:
    """Builds the template; returns its recovery key (shown once at init)."""
    inst = Installation(DataDir(root))
    result = inst.initialise("admin", PASSWORDS["admin"], "Ada Admin", "AA")
    admin = inst.sign_in("admin", PASSWORDS["admin"])
    acc = Accounts(admin)
    acc.add("jsmith", "detective", "Jane A Smith", "JAS", PASSWORDS["jsmith"])
    acc.add("bpatel", "detective", "Bilal Patel", "BP", PASSWORDS["bpatel"])
    acc.add("sgt", "supervisor", "Sam Grant", "SG", PASSWORDS["sgt"])
    admin.close()
    det = inst.sign_in("jsmith", PASSWORDS["jsmith"])
    Cases(det).create(CASE, "Operation Lantern", ["Fraud Act 2006 s.2", "Data Protection Act 2018 s.170"])
    det.close()
    assert result.recovery_key is not None
    return result.recovery_key


def copy_store(template_root: Path, template_xdg: Path, dest: Path, dest_xdg: Path) -> Store:
    shutil.copytree(template_root, dest)
    if dest_xdg.exists():
        shutil.rmtree(dest_xdg)
    shutil.copytree(template_xdg, dest_xdg)
    return Store(dest, dest_xdg)
