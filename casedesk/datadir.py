"""One data directory per installation, and where everything lives in it."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from casedesk.errors import StoreError

ENV_HOME = "CASEDESK_HOME"


@dataclass(frozen=True)
class DataDir:
    root: Path

    @property
    def database(self) -> Path:
        return self.root / "casedesk.db"

    @property
    def keyslots(self) -> Path:
        return self.root / "keyslots.json"

    @property
    def recovery(self) -> Path:
        """The device secret under the recovery key (device-bound installations)."""
        return self.root / "recovery.json"

    @property
    def auth_state(self) -> Path:
        """Failed-login ledger; the only file a wrong password writes."""
        return self.root / "auth.json"

    @property
    def lock(self) -> Path:
        return self.root / ".lock"

    @property
    def vault(self) -> Path:
        return self.root / "vault"

    @property
    def logs(self) -> Path:
        return self.root / "logs"

    @property
    def backups(self) -> Path:
        return self.root / "backups"

    def exists(self) -> bool:
        return self.keyslots.exists() or self.database.exists()

    def check_writable(self) -> None:
        """Fail early, before anything is written, when the directory is read-only."""
        probe = self.root
        while not probe.exists() and probe != probe.parent:
            probe = probe.parent
        try:
            if not probe.is_dir():
                raise NotADirectoryError(str(probe))
            # A real probe: os.access() says yes to root even on read-only mounts.
            fd, name = tempfile.mkstemp(prefix=".casedesk-probe-", dir=probe)
            os.close(fd)
            os.unlink(name)
        except OSError:
            raise StoreError(
                f"cannot write to data directory {self.root}: check its permissions "
                "or choose another with --data-dir"
            ) from None


def resolve(explicit: str | os.PathLike[str] | None = None) -> DataDir:
    """``--data-dir`` first, then ``CASEDESK_HOME``, then the platform's user data dir."""
    if explicit:
        return DataDir(Path(explicit).expanduser().absolute())
    env = os.environ.get(ENV_HOME)
    if env:
        return DataDir(Path(env).expanduser().absolute())
    return DataDir(Path(platformdirs.user_data_dir("CaseDesk", appauthor=False)))
