"""Key material: the store key and the keys derived from it.

The 256-bit store key is generated once at ``init`` and exists only in
memory and wrapped inside key slots. Every purpose gets its own subkey
through HKDF-SHA256 so that, for instance, the vault naming key reveals
nothing about the database key.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

STORE_KEY_BYTES = 32


def new_store_key() -> bytes:
    return os.urandom(STORE_KEY_BYTES)


def hkdf(ikm: bytes, info: bytes, salt: bytes | None = None, length: int = 32) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=salt, info=info).derive(ikm)


@dataclass(frozen=True, repr=False)
class StoreKeys:
    """Subkeys of the store key. ``repr`` is suppressed so keys never reach a log."""

    database: bytes
    vault_encryption: bytes
    vault_naming: bytes
    head_mac: bytes
    installation_seed: bytes  # the installation's Ed25519 signing seed (docs/unit-trust.md): derived, never stored

    @classmethod
    def derive(cls, store_key: bytes) -> StoreKeys:
        if len(store_key) != STORE_KEY_BYTES:
            raise ValueError("store key must be 32 bytes")
        return cls(
            database=hkdf(store_key, b"casedesk/v1/sqlcipher"),
            vault_encryption=hkdf(store_key, b"casedesk/v1/vault-encryption"),
            vault_naming=hkdf(store_key, b"casedesk/v1/vault-naming"),
            head_mac=hkdf(store_key, b"casedesk/v1/custody-head-mac"),
            installation_seed=hkdf(store_key, b"casedesk/v1/installation-signing-key"),
        )

    def with_database(self, database: bytes | None) -> StoreKeys:
        """The same keys with the database key changed since (``keyslots.json``'s ``database_key``); None: as is."""
        return self if database is None else replace(self, database=database)

    def __repr__(self) -> str:
        return "StoreKeys(<redacted>)"
