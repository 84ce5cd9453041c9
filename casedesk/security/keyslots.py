"""Key slots: per-user wrapped copies of the store key.

``keyslots.json`` sits beside the database. Each slot holds the 32-byte store
key and the user's 32-byte Ed25519 signing seed, encrypted with AES-256-GCM
under a key derived from the user's password (Argon2id, parameters stored in
the slot) and, where the OS keyring works, the installation's device secret.
Signing in means unwrapping your slot; nothing can open the database before.

The file also carries the custody log head (sequence number and hash) with an
HMAC under a store-key subkey, so that a database rolled back to an older copy
is detected, and a SHA-256 checksum of its own content, so that a damaged file
is reported as damaged rather than as a wrong password. The file format is
documented in ``docs/keyslots.md``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from nacl.exceptions import CryptoError
from nacl.public import PrivateKey, PublicKey, SealedBox

from casedesk.errors import AuthenticationError, KeyringUnavailable, KeySlotError
from casedesk.fsutil import atomic_write_bytes
from casedesk.security.keys import STORE_KEY_BYTES, hkdf

FORMAT = "casedesk-keyslots/2"
# Version 3: the same, plus ``database_key`` (the SQLCipher key, changed when an account is disabled, sealed to each
# remaining user's box key). Written only once the database key has been changed, so that an older CaseDesk refuses
# the file ("written by a newer CaseDesk") rather than open the store with the key it would derive.
FORMAT_V3 = "casedesk-keyslots/3"
DATABASE_KEY_DOMAIN = b"CASEDESK-DATABASE-KEY-V1\x00"
# Version 1 (CaseDesk before issue 10) kept the keyring's head copy without a MAC; it is read, and
# written back as version 2 at the next head update (the first sign-in after the upgrade).
FORMAT_V1 = "casedesk-keyslots/1"

# RFC 9106 second recommended option, above OWASP's Argon2id minimum
# (m=19 MiB, t=2, p=1 or m=46 MiB, t=1, p=1): about 0.25 s on a laptop core.
DEFAULT_KDF = {"time_cost": 3, "memory_cost": 65536, "parallelism": 4}
OWASP_MIN_MEMORY_KIB = 19456


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text, validate=True)


@dataclass(frozen=True, repr=False)
class SlotSecrets:
    """What a slot protects: the store key, the owner's signing seed and their X25519 box key.

    ``box_key`` is None only in a slot written before case keys (64 bytes of plaintext); the owner's
    next sign-in adds one (``services/casekeys.py``).
    """

    store_key: bytes
    signing_seed: bytes
    box_key: bytes | None = None

    def __repr__(self) -> str:
        return "SlotSecrets(<redacted>)"


def _wrapping_key(password: str, kdf: dict[str, Any], device_secret: bytes | None) -> bytes:
    pw_key = hash_secret_raw(
        password.encode("utf-8"),
        _unb64(kdf["salt"]),
        time_cost=int(kdf["time_cost"]),
        memory_cost=int(kdf["memory_cost"]),
        parallelism=int(kdf["parallelism"]),
        hash_len=32,
        type=Type.ID,
    )
    return hkdf(pw_key, b"casedesk/v1/slot-wrap", salt=device_secret)


def _aad(installation_id: str, username: str) -> bytes:
    return f"casedesk-slot/1|{installation_id}|{username}".encode()


@dataclass
class KeySlotFile:
    installation_id: str
    device_bound: bool
    slots: dict[str, dict[str, Any]] = field(default_factory=dict)
    custody_head: dict[str, Any] | None = None
    disabled: list[str] = field(default_factory=list)
    version: int = 2  # 1 when read from a version-1 file: the keyring's head copy may still lack its MAC
    # None: the database key is derived from the store key (``StoreKeys``). Else {"epoch": N, "sealed": {user:
    # base64 of the key sealed to their box key}}: the database key was changed (``Accounts.disable``).
    database_key: dict[str, Any] | None = None

    # --- persistence -------------------------------------------------------
    def _body(self) -> dict[str, Any]:
        body = {
            "format": FORMAT,
            "installation_id": self.installation_id,
            "device_bound": self.device_bound,
            "slots": self.slots,
            "custody_head": self.custody_head,
            "disabled": sorted(self.disabled),
        }
        if self.database_key is not None:
            body["format"] = FORMAT_V3
            body["database_key"] = self.database_key
        return body

    @staticmethod
    def _checksum(body: dict[str, Any]) -> str:
        canon = json.dumps(body, sort_keys=True, separators=(",", ":")).encode()
        return hashlib.sha256(canon).hexdigest()

    def save(self, path: Path) -> None:
        body = self._body()
        body["checksum"] = self._checksum(body)
        atomic_write_bytes(path, (json.dumps(body, indent=2, sort_keys=True) + "\n").encode())

    @classmethod
    def load(cls, path: Path) -> KeySlotFile:
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            raise KeySlotError(
                f"key slots file {path} is missing: this is not a CaseDesk data directory, "
                "or keyslots.json was removed (restore it from backup)"
            ) from None
        except OSError as exc:
            raise KeySlotError(f"cannot read key slots file {path}: {exc.strerror}") from None
        try:
            body = json.loads(raw.decode("utf-8"))
            checksum = body.pop("checksum")
            # The checksum first: a damaged file must not pass for a newer format.
            if not hmac.compare_digest(str(checksum), cls._checksum(body)):
                raise ValueError("checksum")
            if body.get("format") not in (FORMAT, FORMAT_V1, FORMAT_V3):
                raise KeySlotError(
                    f"key slots file {path} has unknown format {body.get('format')!r}: it was written by "
                    "a newer CaseDesk; upgrade CaseDesk"
                )
            slots = body["slots"]
            if not isinstance(slots, dict):
                raise ValueError("slots")
            return cls(
                installation_id=str(body["installation_id"]),
                device_bound=bool(body["device_bound"]),
                slots=slots,
                custody_head=body.get("custody_head"),
                disabled=list(body.get("disabled", [])),
                version=1 if body["format"] == FORMAT_V1 else 2,
                database_key=_database_key_section(body) if body["format"] == FORMAT_V3 else None,
            )
        except KeySlotError:
            raise
        except (ValueError, KeyError, TypeError, AttributeError, UnicodeDecodeError):
            raise KeySlotError(
                f"key slots file {path} is damaged (checksum or structure invalid); "
                "restore keyslots.json from backup"
            ) from None

    # --- slots -------------------------------------------------------------
    def add_slot(
        self,
        username: str,
        password: str,
        secrets: SlotSecrets,
        device_secret: bytes | None,
        kdf_params: dict[str, int] | None = None,
    ) -> None:
        if self.device_bound and device_secret is None:
            raise KeyringUnavailable(
                "this installation is bound to the OS keyring but its device secret is not available"
            )
        kdf: dict[str, Any] = {"name": "argon2id", "version": 19, **(kdf_params or DEFAULT_KDF)}
        kdf["salt"] = _b64(os.urandom(16))
        key = _wrapping_key(password, kdf, device_secret if self.device_bound else None)
        nonce = os.urandom(12)
        plaintext = secrets.store_key + secrets.signing_seed + (secrets.box_key or b"")
        ciphertext = AESGCM(key).encrypt(nonce, plaintext, _aad(self.installation_id, username))
        self.slots[username] = {
            "kdf": kdf,
            "cipher": "aes-256-gcm",
            "nonce": _b64(nonce),
            "ciphertext": _b64(ciphertext),
        }

    def remove_slot(self, username: str) -> None:
        self.slots.pop(username, None)
        if self.database_key is not None:
            self.database_key["sealed"].pop(username, None)

    # --- the database key, once changed -------------------------------------
    def seal_database_key(self, username: str, box_public_key: bytes, database_key: bytes) -> None:
        """Give ``username`` (their box key) the current database key; nothing to do before it was first changed
        (each slot's store key derives it)."""
        if self.database_key is not None:
            self.database_key["sealed"][username] = _b64(_seal_database_key(
                database_key, box_public_key, int(self.database_key["epoch"])))

    def change_database_key(self, database_key: bytes, holders: dict[str, bytes]) -> int:
        """A new database key, sealed to ``holders`` (user -> box public key) only; returns its epoch."""
        epoch = 1 + (int(self.database_key["epoch"]) if self.database_key is not None else 0)
        self.database_key = {"epoch": epoch, "sealed": {
            user: _b64(_seal_database_key(database_key, public, epoch)) for user, public in sorted(holders.items())}}
        return epoch

    def open_database_key(self, username: str, box_key: bytes | None) -> bytes | None:
        """The database key sealed to ``username`` (None: never changed, derive it from the store key)."""
        if self.database_key is None:
            return None
        sealed = self.database_key["sealed"].get(username)
        epoch = int(self.database_key["epoch"])
        try:
            if sealed is None or box_key is None:
                raise ValueError("not sealed to this user")
            plain = SealedBox(PrivateKey(box_key)).decrypt(_unb64(sealed))
            prefix = DATABASE_KEY_DOMAIN + epoch.to_bytes(4, "big")
            if len(plain) != len(prefix) + STORE_KEY_BYTES or not plain.startswith(prefix):
                raise ValueError("another epoch")
        except (CryptoError, ValueError, TypeError):
            raise AuthenticationError(
                f"the database key was changed (when an account was disabled) and the key slot of {username} was "
                "not given the new one: ask an administrator to reset your password"
            ) from None
        return plain[len(prefix):]

    def unwrap(self, username: str, password: str, device_secret: bytes | None) -> SlotSecrets:
        slot = self.slots.get(username)
        if slot is None:
            raise AuthenticationError(
                f"no key slot for user {username!r} on this installation: check the user name, "
                "or ask an administrator to reset the account"
            )
        if self.device_bound and device_secret is None:
            raise KeyringUnavailable(
                "this data directory is bound to the OS keyring of the computer it was set up on, "
                "and this keyring does not hold its device secret; it cannot be opened here"
            )
        try:
            key = _wrapping_key(password, slot["kdf"], device_secret if self.device_bound else None)
            plain = AESGCM(key).decrypt(
                _unb64(slot["nonce"]), _unb64(slot["ciphertext"]), _aad(self.installation_id, username)
            )
        except InvalidTag:
            raise AuthenticationError(f"wrong password for {username}") from None
        except (KeyError, ValueError, TypeError):
            raise KeySlotError(
                f"the key slot of {username} is damaged; an administrator can reset the account"
            ) from None
        if len(plain) not in (STORE_KEY_BYTES + 32, STORE_KEY_BYTES + 64):
            raise KeySlotError(f"the key slot of {username} is damaged")
        seed_end = STORE_KEY_BYTES + 32
        return SlotSecrets(store_key=plain[:STORE_KEY_BYTES], signing_seed=plain[STORE_KEY_BYTES:seed_end],
                           box_key=plain[seed_end:] or None)

    def unwrap_nobody(self, password: str, device_secret: bytes | None) -> None:
        """The work ``unwrap`` does for a wrong password, for a user name that has no slot: the Argon2id KDF with a
        slot's own parameters (a fresh salt) and a failed AES-GCM decryption, so that an unknown user name costs
        the same time as a wrong password and the prompt does not tell which accounts exist."""
        kdf: dict[str, Any] = dict(DEFAULT_KDF)
        for slot in self.slots.values():
            params = slot.get("kdf") if isinstance(slot, dict) else None
            if isinstance(params, dict) and all(isinstance(params.get(k), int) for k in DEFAULT_KDF):
                kdf = {k: params[k] for k in DEFAULT_KDF}
                break
        kdf["salt"] = _b64(os.urandom(16))
        key = _wrapping_key(password, kdf, device_secret if self.device_bound else None)
        try:
            AESGCM(key).decrypt(os.urandom(12), os.urandom(STORE_KEY_BYTES + 64 + 16), b"casedesk-slot/1|nobody")
        except InvalidTag:
            pass

    # --- custody head ------------------------------------------------------
    def set_head(self, seq: int, entry_hash: str, mac_key: bytes) -> None:
        self.custody_head = {"seq": seq, "hash": entry_hash, "mac": head_mac(mac_key, seq, entry_hash)}

    def head(self, mac_key: bytes) -> tuple[int, str] | None:
        """The recorded head, or None; raises when the record was altered."""
        if not self.custody_head:
            return None
        seq = int(self.custody_head["seq"])
        entry_hash = str(self.custody_head["hash"])
        if not hmac.compare_digest(str(self.custody_head.get("mac", "")), head_mac(mac_key, seq, entry_hash)):
            raise KeySlotError("the custody head recorded in keyslots.json fails its integrity check")
        return seq, entry_hash


def _seal_database_key(database_key: bytes, box_public_key: bytes, epoch: int) -> bytes:
    if len(database_key) != STORE_KEY_BYTES:
        raise ValueError("database key must be 32 bytes")
    plain = DATABASE_KEY_DOMAIN + epoch.to_bytes(4, "big") + database_key
    return bytes(SealedBox(PublicKey(box_public_key)).encrypt(plain))


def _database_key_section(body: dict[str, Any]) -> dict[str, Any]:
    section = body["database_key"]
    if not isinstance(section, dict) or not isinstance(section.get("epoch"), int) \
            or not isinstance(section.get("sealed"), dict):
        raise ValueError("database_key")
    return {"epoch": section["epoch"], "sealed": dict(section["sealed"])}


def head_mac(mac_key: bytes, seq: int, entry_hash: str) -> str:
    return hmac.new(mac_key, f"{seq}:{entry_hash}".encode(), hashlib.sha256).hexdigest()
