"""Looking for secrets where they must not be: every form a key or a marker could take on disk."""

from __future__ import annotations

import base64
import configparser
from collections.abc import Iterable
from pathlib import Path

from casedesk.services.session import Session


def forms(secret: bytes | str) -> dict[str, bytes]:
    """The ways ``secret`` could be written down: raw, hex (both cases), base64 (standard and URL-safe,
    with and without padding), and for text its UTF-8 and UTF-16 encodings."""
    if isinstance(secret, str):
        return {"utf-8": secret.encode("utf-8"), "utf-16-le": secret.encode("utf-16-le"),
                "utf-16-be": secret.encode("utf-16-be")}
    b64 = base64.b64encode(secret)
    url = base64.urlsafe_b64encode(secret)
    return {"raw": secret, "hex": secret.hex().encode(), "HEX": secret.hex().upper().encode(), "base64": b64,
            "base64 unpadded": b64.rstrip(b"="), "base64url": url, "base64url unpadded": url.rstrip(b"=")}


def session_secrets(session: Session) -> dict[str, bytes]:
    """Every key a signed-in session holds: the store key, its subkeys, the user's signing seed and box key,
    the case keys it has unwrapped."""
    keys = session.keys
    return {
        "store key": session.slot_secrets_for(session.signer).store_key,
        "database key": keys.database,
        "vault encryption key": keys.vault_encryption,
        "vault naming key": keys.vault_naming,
        "custody head MAC key": keys.head_mac,
        f"signing seed of {session.user.username}": session.signer.seed,
        **({f"box key of {session.user.username}": session.box_key} if session.box_key else {}),
        **{f"case key {case_id}/{epoch}": key for (case_id, epoch), key in session.case_key_cache.items()},
    }


def files_under(*roots: Path) -> list[Path]:
    return sorted(p for root in roots if root.exists() for p in root.rglob("*") if p.is_file())


def find(secrets: dict[str, bytes | str], files: Iterable[Path]) -> list[str]:
    """``"<secret> (<form>) in <file>"`` for every form of every secret found in any of ``files``."""
    return find_in(secrets, {str(path): path.read_bytes() for path in files})


def find_in(secrets: dict[str, bytes | str], blobs: dict[str, bytes]) -> list[str]:
    patterns = {f"{name} ({form})": data for name, secret in secrets.items() for form, data in forms(secret).items()}
    return [f"{what} in {where}" for where, content in blobs.items() for what, data in patterns.items()
            if data in content]


def keyring_values(xdg: Path) -> dict[str, bytes]:
    """The values of the tests' file keyring, decoded (it stores each value base64-encoded)."""
    parser = configparser.RawConfigParser()
    parser.read(files_under(xdg))
    out = {}
    for section in parser.sections():
        for key, value in parser.items(section):
            try:
                out[f"keyring {section}/{key}"] = base64.b64decode(value.replace("\n", ""), validate=False)
            except ValueError:
                out[f"keyring {section}/{key}"] = value.encode()
    return out
