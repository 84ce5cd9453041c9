"""Ed25519 keys for signing custody entries (private half only inside key slots)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cached_property

from nacl import _sodium
from nacl.bindings import crypto_sign_seed_keypair

# libsodium's Ed25519, called as nacl.bindings calls it (as chain.py does to verify) but with the key pair made
# once: it signs in about 60 % of the time OpenSSL's takes through cryptography (an ingest signs an entry a
# file). Ed25519 signatures are deterministic (RFC 8032), so the bytes are the same whichever library makes them.
_NEW, _BUFFER, _NULL = _sodium.ffi.new, _sodium.ffi.buffer, _sodium.ffi.NULL
_CRYPTO_SIGN = _sodium.lib.crypto_sign
SIGNATURE_BYTES = 64


@dataclass(frozen=True, repr=False)
class Signer:
    seed: bytes

    @classmethod
    def generate(cls) -> Signer:
        return cls(os.urandom(32))

    # Built once per signer: every custody append signs and names the public key, and
    # rebuilding the key from the seed each time was part of the per-entry cost.
    @cached_property
    def _keypair(self) -> tuple[bytes, bytes]:
        """(public key, libsodium's 64-byte secret key: the seed and the public key)."""
        if len(self.seed) != 32:
            raise ValueError("an Ed25519 seed is 32 bytes")
        public, secret = crypto_sign_seed_keypair(self.seed)
        return public, secret

    @cached_property
    def public_key(self) -> bytes:
        return self._keypair[0]

    @cached_property
    def public_hex(self) -> str:
        return self.public_key.hex()

    def sign(self, message: bytes) -> bytes:
        """The Ed25519 signature of ``message`` (64 bytes)."""
        secret = self._keypair[1]
        signed = _NEW("unsigned char[]", SIGNATURE_BYTES + len(message))  # per call: a signer may serve threads
        if _CRYPTO_SIGN(signed, _NULL, message, len(message), secret) != 0:
            raise RuntimeError("libsodium failed to sign")
        return bytes(_BUFFER(signed, SIGNATURE_BYTES))

    def __repr__(self) -> str:
        return f"Signer(public={self.public_hex[:16]}...)"
