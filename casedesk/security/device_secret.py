"""The per-installation device secret kept in the OS keyring.

Mixed into every key slot's key derivation, so a copy of the data directory
taken off the laptop cannot be attacked offline without the OS keyring too.
Where no usable keyring backend exists (headless Linux, CI) CaseDesk says so
and falls back to password-only slots.

The keyring also keeps a copy of the custody log head (sequence and hash) so
that rolling the database back to an older copy is detected.
"""

from __future__ import annotations

import base64
import logging
import os

import keyring
import keyring.errors
from keyring.backends import fail

log = logging.getLogger("casedesk.security.keyring")

SERVICE = "CaseDesk"
NO_KEYRING_NOTICE = (
    "No OS keyring is available: key slots are protected by the password alone. "
    "Install and unlock a keyring (e.g. GNOME Keyring or KWallet) for device-bound protection."
)


def keyring_usable() -> bool:
    try:
        backend = keyring.get_keyring()
    except Exception:  # a broken backend configuration is the same as none
        return False
    if isinstance(backend, fail.Keyring):
        return False
    chained = getattr(backend, "backends", None)
    return not (chained is not None and len(chained) == 0)


def _get(name: str) -> str | None:
    if not keyring_usable():
        return None
    try:
        return keyring.get_password(SERVICE, name)
    except keyring.errors.KeyringError as exc:
        log.warning("keyring read failed: %s", type(exc).__name__)
        return None


def _set(name: str, value: str) -> bool:
    if not keyring_usable():
        return False
    try:
        keyring.set_password(SERVICE, name, value)
        return True
    except keyring.errors.KeyringError as exc:
        log.warning("keyring write failed: %s", type(exc).__name__)
        return False


def create_device_secret(installation_id: str) -> bytes | None:
    """A new 32-byte device secret stored in the keyring, or None when there is no keyring."""
    secret = os.urandom(32)
    if not _set(f"device-secret:{installation_id}", base64.b64encode(secret).decode()):
        return None
    if load_device_secret(installation_id) != secret:
        return None
    return secret


def load_device_secret(installation_id: str) -> bytes | None:
    value = _get(f"device-secret:{installation_id}")
    if value is None:
        return None
    try:
        secret = base64.b64decode(value, validate=True)
    except ValueError:
        return None
    return secret if len(secret) == 32 else None


def store_head(installation_id: str, text: str) -> None:
    _set(f"custody-head:{installation_id}", text)


def load_head(installation_id: str) -> str | None:
    return _get(f"custody-head:{installation_id}")
