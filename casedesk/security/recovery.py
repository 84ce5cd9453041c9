"""The recovery key: reopening a device-bound installation whose OS keyring lost its device secret.

Like a disk-encryption recovery key: 32 random bytes made at ``casedesk init``,
shown once, never stored by CaseDesk. ``recovery.json`` in the data directory
holds the device secret encrypted (AES-256-GCM) under a key derived from the
recovery key (HKDF-SHA256 with a random salt: the recovery key is 256 random
bits, so no password hashing is needed), with the installation id as
associated data. ``casedesk recover`` decrypts it and puts the device secret
in the (new, empty) keyring; users then sign in with their own passwords as
before. The recovery key alone opens no key slot and no evidence.

The key is written as 14 groups of 4 base32 letters: 32 key bytes and a
3-byte checksum (the first bytes of SHA-256 over a label and the key), so a
mistyped key is reported as mistyped rather than as the wrong key. The format
is documented in ``docs/keyslots.md``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from casedesk.errors import AuthenticationError, KeySlotError, UsageError
from casedesk.fsutil import atomic_write_bytes
from casedesk.security.keys import hkdf

FORMAT = "casedesk-recovery/1"
KEY_BYTES = 32
CHECK_BYTES = 3
GROUP = 4
FILE_NAME = "recovery.json"
NOTICE = (
    "RECOVERY KEY (shown once; CaseDesk does not keep it): write it down or print it and store it "
    "apart from this computer, like a disk-encryption recovery key. With it, `casedesk recover` reopens "
    "this installation if the OS keyring loses its device secret; users still need their own passwords."
)


def new_key() -> bytes:
    return os.urandom(KEY_BYTES)


def _check(key: bytes) -> bytes:
    return hashlib.sha256(b"casedesk-recovery-key/1|" + key).digest()[:CHECK_BYTES]


def format_key(key: bytes) -> str:
    """``ABCD-EFGH-...``: 56 base32 letters (key and checksum) in groups of four."""
    text = base64.b32encode(key + _check(key)).decode("ascii")
    return "-".join(text[i:i + GROUP] for i in range(0, len(text), GROUP))


def parse_key(text: str) -> bytes:
    """The 32 key bytes of a typed recovery key (spaces, hyphens and case do not matter)."""
    cleaned = "".join(c for c in text.upper() if not c.isspace() and c != "-")
    cleaned = cleaned.replace("0", "O").replace("1", "I").replace("8", "B")  # letters base32 does not use
    try:
        raw = base64.b32decode(cleaned)
    except ValueError:
        raw = b""
    if len(raw) != KEY_BYTES + CHECK_BYTES:
        raise UsageError("that is not a recovery key: it has 14 groups of 4 letters and digits (2-7)")
    key, check = raw[:KEY_BYTES], raw[KEY_BYTES:]
    if not hmac.compare_digest(check, _check(key)):
        raise UsageError("the recovery key has a typing mistake (its checksum does not match): check each group")
    return key


def _aad(installation_id: str) -> bytes:
    return f"{FORMAT}|{installation_id}".encode()


def _wrap_key(key: bytes, salt: bytes) -> bytes:
    return hkdf(key, b"casedesk/v1/recovery-wrap", salt=salt)


def write(path: Path, installation_id: str, device_secret: bytes, key: bytes) -> None:
    """``recovery.json``: the device secret under the recovery key."""
    salt, nonce = os.urandom(16), os.urandom(12)
    ciphertext = AESGCM(_wrap_key(key, salt)).encrypt(nonce, device_secret, _aad(installation_id))
    body = {
        "format": FORMAT,
        "installation_id": installation_id,
        "kdf": {"name": "hkdf-sha256", "info": "casedesk/v1/recovery-wrap",
                "salt": base64.b64encode(salt).decode()},
        "cipher": "aes-256-gcm",
        "nonce": base64.b64encode(nonce).decode(),
        "ciphertext": base64.b64encode(ciphertext).decode(),
    }
    atomic_write_bytes(path, (json.dumps(body, indent=2, sort_keys=True) + "\n").encode())


def open_secret(path: Path, installation_id: str, key: bytes) -> bytes:
    """The device secret in ``recovery.json``; ``AuthenticationError`` when ``key`` is not its recovery key."""
    try:
        body = json.loads(path.read_bytes().decode("utf-8"))
    except FileNotFoundError:
        raise KeySlotError(
            f"{path} is missing: this installation has no recovery file (restore it from backup, "
            "together with the recovery key that belongs to it)"
        ) from None
    except (OSError, ValueError) as exc:
        raise KeySlotError(f"{path} cannot be read ({type(exc).__name__}): restore it from backup") from None
    try:
        if body["format"] != FORMAT:
            raise KeySlotError(f"{path} has unknown format {body['format']!r}: upgrade CaseDesk")
        if body["installation_id"] != installation_id:
            raise KeySlotError(f"{path} belongs to another installation than keyslots.json")
        salt = base64.b64decode(body["kdf"]["salt"], validate=True)
        nonce = base64.b64decode(body["nonce"], validate=True)
        ciphertext = base64.b64decode(body["ciphertext"], validate=True)
    except KeySlotError:
        raise
    except (KeyError, TypeError, ValueError):
        raise KeySlotError(f"{path} is damaged: restore it from backup") from None
    try:
        secret = AESGCM(_wrap_key(key, salt)).decrypt(nonce, ciphertext, _aad(installation_id))
    except (InvalidTag, ValueError):
        raise AuthenticationError("this recovery key does not open this installation") from None
    if len(secret) != 32:
        raise KeySlotError(f"{path} is damaged: restore it from backup")
    return secret
