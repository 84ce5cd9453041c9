"""Ed25519 keys for signing custody entries (private half only inside key slots)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cached_property

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat


@dataclass(frozen=True, repr=False)
class Signer:
    seed: bytes

    @classmethod
    def generate(cls) -> Signer:
        return cls(os.urandom(32))

    # Built once per signer: every custody append signs and names the public key, and
    # rebuilding the key object from the seed each time was part of the per-entry cost.
    @cached_property
    def _key(self) -> Ed25519PrivateKey:
        return Ed25519PrivateKey.from_private_bytes(self.seed)

    @cached_property
    def public_key(self) -> bytes:
        return self._key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)

    @cached_property
    def public_hex(self) -> str:
        return self.public_key.hex()

    def sign(self, message: bytes) -> bytes:
        return self._key.sign(message)

    def __repr__(self) -> str:
        return f"Signer(public={self.public_hex[:16]}...)"
