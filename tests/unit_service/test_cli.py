"""`casedesk sync`, `casedesk unit identity|register|status` as a detective and a unit administrator use them."""

from __future__ import annotations

import json
import os
from pathlib import Path

from tests.helpers.store import PASSWORDS
from tests.unit_service.conftest import Unit, casedesk
from tests.unit_service.helpers import new_installation, restore, snapshot


def test_identity_register_sync_status_and_a_rolled_back_laptop(unit: Unit, tmp_path: Path) -> None:
    store = new_installation(tmp_path / "laptop", tmp_path / "xdg")
    admin_env = {"CASEDESK_PASSWORD": PASSWORDS["admin"], "XDG_DATA_HOME": os.environ["XDG_DATA_HOME"]}
    det_env = {"CASEDESK_PASSWORD": PASSWORDS["jsmith"], "XDG_DATA_HOME": os.environ["XDG_DATA_HOME"]}
    laptop = ["--data-dir", str(store.root)]
    ident = json.loads(casedesk(*laptop, "--user", "admin", "unit", "identity", "--json", env=admin_env).stdout)
    out = casedesk("unit", "register", "--database", unit.url_db, "--installation", ident["installation"],
                   "--genesis-key", ident["genesis_key"], "--label", "DC Smith, laptop 4471")
    assert out.stdout.strip() == f"Installation {ident['installation']} registered."
    again = casedesk("unit", "register", "--database", unit.url_db, "--installation", ident["installation"],
                     "--genesis-key", ident["genesis_key"], "--label", "someone else", check=False)
    assert again.returncode == 2
    assert again.stderr.strip() == (f"casedesk: error: installation {ident['installation']} is already registered; "
                                    "registrations are never changed")

    sync = [*laptop, "--user", "jsmith", "sync", "--unit", unit.service.url]
    untrusted = casedesk(*sync, env=det_env, check=False)
    assert untrusted.returncode == 8
    assert untrusted.stderr.strip() == (
        f"casedesk: error: the unit at {unit.service.url} shows a TLS certificate that no certificate authority this "
        "computer trusts has signed: ask the unit administrator for the unit's CA certificate (pass it with --ca FILE)")
    old = snapshot(store, tmp_path / "old")
    first = casedesk(*sync, "--ca", str(unit.tls.ca), env=det_env)
    lines = first.stdout.splitlines()
    assert lines[0].startswith(f"Synced with casedesk.unit.test at {unit.service.url}: ")
    assert "entries sent; the unit holds" in lines[0]
    assert lines[2].startswith("The unit's cosignature is kept as custody entry ")

    status = casedesk("unit", "status", "--database", unit.url_db).stdout
    assert f"{ident['installation']}  DC Smith, laptop 4471" in status
    assert "last sync " in status and "by jsmith" in status
    history = casedesk("unit", "status", "--database", unit.url_db, "--installation", ident["installation"]).stdout
    lines = history.splitlines()
    assert lines[0] == f"1 checkpoint(s) of installation {ident['installation']}"
    assert lines[1].startswith("tree size ") and "pushed by jsmith" in lines[1]
    unknown = casedesk("unit", "status", "--database", unit.url_db, "--installation", "nope", check=False)
    assert unknown.returncode == 3
    assert unknown.stderr.startswith("casedesk: error: installation nope is not registered with this unit")

    restore(old, store)  # everything from before the sync
    caught = casedesk(*sync, "--ca", str(unit.tls.ca), env=det_env, check=False)
    assert caught.returncode == 7
    assert len(caught.stderr.strip().splitlines()) == 1  # one clear line
    # The sign-in of `casedesk sync` itself writes an entry, so the restored log is as long as the unit's and
    # differs from it: said as such.
    assert caught.stderr.startswith("casedesk: error: the first ")
    assert "are not the ones the unit cosigned" in caught.stderr and "restored from an older copy" in caught.stderr
    verify = casedesk(*laptop, "--user", "jsmith", "verify", env=det_env, check=False)
    assert verify.returncode != 0
    assert "casedesk: warning: entry " in verify.stderr and "holds a cosigned checkpoint of" in verify.stderr
    assert "holds a cosigned checkpoint of" in verify.stdout
