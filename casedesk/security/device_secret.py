"""The per-installation device secret kept in the OS keyring.

Mixed into every key slot's key derivation, so a copy of the data directory
taken off the laptop cannot be attacked offline without the OS keyring too.
Where no usable keyring backend exists (headless Linux, CI) CaseDesk says so
and falls back to password-only slots.

The keyring also keeps a copy of the custody log head (sequence, hash and a
MAC under the head key) so that restoring the database and ``keyslots.json``
together from an older copy is detected.

Rules (finding 6 of issue 10: a keyring backend that rewrites its file
non-atomically lost the device secret when several processes wrote at once):

- every keyring read and write happens under the data directory's lock: the
  caller holds ``casedesk.fsutil.file_lock(datadir.lock)``; these functions
  never take it themselves (the lock is not re-entrant);
- the device secret is written once (at ``init``, or by ``casedesk recover``
  onto an empty keyring) and never rewritten: a keyring that already holds a
  different secret for the installation is refused;
- a keyring that cannot be read (no usable backend, a backend error, a value
  that is not a secret) raises ``KeyringUnavailable``: it is never taken for a
  missing secret, so nothing creates a new secret over an unreadable one.
"""

from __future__ import annotations

import base64
import configparser
import logging
import os

import keyring
import keyring.errors
from keyring.backends import fail

from casedesk.errors import KeyringUnavailable

log = logging.getLogger("casedesk.security.keyring")

SERVICE = "CaseDesk"
NO_KEYRING_NOTICE = (
    "No OS keyring is available: key slots are protected by the password alone. "
    "Install and unlock a keyring (e.g. GNOME Keyring or KWallet) for device-bound protection."
)
UNREADABLE = (
    "the OS keyring cannot be read ({detail}): unlock it (or start the keyring service) and try again; "
    "CaseDesk never replaces a device secret it cannot read"
)
MISSING = (
    "this installation is bound to the OS keyring of the computer it was set up on, and this keyring does "
    "not hold its device secret; if this is that computer, reopen it with `casedesk recover` and the "
    "recovery key shown at `casedesk init`"
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


def _name(kind: str, installation_id: str) -> str:
    return f"{kind}:{installation_id}"


def _get(name: str) -> str | None:
    """The stored value, or None when the keyring positively holds no entry; raises when it cannot say."""
    if not keyring_usable():
        raise KeyringUnavailable(UNREADABLE.format(detail="no usable keyring backend"))
    try:
        return keyring.get_password(SERVICE, name)
    except keyring.errors.KeyringError as exc:
        log.warning("keyring read failed: %s", type(exc).__name__)
        raise KeyringUnavailable(UNREADABLE.format(detail=type(exc).__name__)) from None
    except (OSError, ValueError, configparser.Error) as exc:  # a file backend's file unreadable or not parseable
        log.warning("keyring read failed: %s", type(exc).__name__)
        raise KeyringUnavailable(UNREADABLE.format(detail=type(exc).__name__)) from None


def _set(name: str, value: str) -> None:
    if not keyring_usable():
        raise KeyringUnavailable(UNREADABLE.format(detail="no usable keyring backend"))
    try:
        keyring.set_password(SERVICE, name, value)
    except (keyring.errors.KeyringError, OSError, ValueError, configparser.Error) as exc:
        log.warning("keyring write failed: %s", type(exc).__name__)
        raise KeyringUnavailable(
            f"the OS keyring refused a write ({type(exc).__name__}): unlock it and try again"
        ) from None


def _delete(name: str) -> None:
    try:
        keyring.delete_password(SERVICE, name)
    except keyring.errors.PasswordDeleteError:
        pass
    except (keyring.errors.KeyringError, OSError, ValueError, configparser.Error) as exc:
        log.warning("keyring delete failed: %s", type(exc).__name__)


def _decode_secret(value: str) -> bytes:
    try:
        secret = base64.b64decode(value, validate=True)
    except ValueError:
        secret = b""
    if len(secret) != 32:
        raise KeyringUnavailable(
            "the device secret in the OS keyring is damaged (not 32 bytes in base64): "
            "reopen the installation with `casedesk recover` and its recovery key"
        )
    return secret


def create_device_secret(installation_id: str) -> bytes | None:
    """A new 32-byte device secret stored in the keyring, or None when there is no keyring at all.

    Only for a new installation (``init``): an existing entry for ``installation_id`` is never replaced.
    The caller holds the data directory lock.
    """
    if not keyring_usable():
        return None
    secret = os.urandom(32)
    try:
        store_device_secret(installation_id, secret)
    except KeyringUnavailable as exc:
        log.warning("no device secret: %s", exc)
        return None
    return secret


def store_device_secret(installation_id: str, secret: bytes) -> None:
    """Put ``secret`` in the keyring unless it is there already; refuse to replace a different one.

    Read back after writing: a keyring that does not keep what it is given is no keyring.
    The caller holds the data directory lock.
    """
    name = _name("device-secret", installation_id)
    existing = _get(name)
    if existing is not None:
        if _decode_secret(existing) == secret:
            return
        raise KeyringUnavailable(
            "the OS keyring already holds a different device secret for this installation; CaseDesk never "
            "replaces one (remove that entry yourself only if you are sure it is not the right one)"
        )
    _set(name, base64.b64encode(secret).decode())
    stored = _get(name)
    if stored is None or _decode_secret(stored) != secret:
        raise KeyringUnavailable("the OS keyring did not keep the device secret it was given")


def load_device_secret(installation_id: str) -> bytes:
    """The device secret; ``KeyringUnavailable`` when the keyring cannot be read or does not hold it.

    The caller holds the data directory lock (another process may be rewriting the keyring's file).
    """
    value = _get(_name("device-secret", installation_id))
    if value is None:
        raise KeyringUnavailable(MISSING)
    return _decode_secret(value)


def store_head(installation_id: str, text: str) -> None:
    """The custody head copy ``seq:hash:mac``. The caller holds the data directory lock."""
    _set(_name("custody-head", installation_id), text)


def load_head(installation_id: str) -> str | None:
    """The custody head copy, or None when there is none. The caller holds the data directory lock."""
    return _get(_name("custody-head", installation_id))


def mark_recovered(installation_id: str, text: str) -> None:
    """A note that ``casedesk recover`` re-bound the installation to this keyring (logged at the next sign-in)."""
    _set(_name("recovered", installation_id), text)


def clear_recovered(installation_id: str) -> None:
    """Remove the recovery note once the custody log records it. The caller holds the data directory lock."""
    _delete(_name("recovered", installation_id))


def peek_recovered(installation_id: str) -> str | None:
    """The recovery note, if any. The caller holds the data directory lock."""
    return _get(_name("recovered", installation_id))
