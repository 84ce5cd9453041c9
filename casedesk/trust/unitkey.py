"""The unit signing key: its name, public key, fingerprint and verifier key (docs/unit-trust.md).

The naming follows the C2SP signed-note conventions, so that the same key can
later sign C2SP notes (checkpoints, cosignatures) under the same identity:

- a key **name** is non-empty UTF-8 without Unicode white space and without ``+``;
- the **key hash** is ``SHA-256(name || 0x0A || 0x01 || public key)`` (0x01: Ed25519);
  its first 4 bytes are the C2SP key ID;
- the **verifier key** is ``<name>+<key ID, 8 hex digits>+<base64(0x01 || public key)>``.

The **fingerprint** a prosecutor pins is the whole key hash (64 hex digits): it
binds the name and the key, and a 4-byte key ID alone is a hint, not a binding.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import re
from dataclasses import dataclass
from functools import cached_property

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from casedesk.errors import UsageError

ED25519_TYPE = b"\x01"
MAX_NAME_CHARS = 200
HEX64 = re.compile(r"[0-9a-f]{64}\Z")
_SEPARATORS = re.compile(r"[\s:]+")


def check_name(name: str) -> str:
    """A unit key name as C2SP signed notes allow it, or a UsageError saying what is wrong."""
    if not name or len(name) > MAX_NAME_CHARS:
        raise UsageError(f"a unit key name must have 1 to {MAX_NAME_CHARS} characters, such as "
                         "'casedesk.met.police.uk'", field="name")
    if "+" in name or any(ch.isspace() for ch in name) or any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in name):
        raise UsageError(f"the unit key name {name!r} may not hold spaces, '+' or control characters", field="name")
    return name


def key_hash(name: str, public_key: bytes) -> bytes:
    return hashlib.sha256(name.encode("utf-8") + b"\n" + ED25519_TYPE + public_key).digest()


def normalise_fingerprint(text: str) -> str:
    """A fingerprint as people type it (any case, spaces or colons between groups) as 64 lower-case hex digits."""
    fp = _SEPARATORS.sub("", text).lower()
    if not HEX64.match(fp):
        raise UsageError(f"{text!r} is not a unit fingerprint (64 hexadecimal digits, as `casedesk unit init-key` "
                         "printed it)", field="unit_fingerprint")
    return fp


def grouped(fingerprint: str) -> str:
    """The fingerprint in 16 groups of 4 digits, for reading aloud and printing."""
    return " ".join(fingerprint[i:i + 4] for i in range(0, len(fingerprint), 4))


@dataclass(frozen=True)
class UnitKey:
    """The public half of a unit key, under its name."""

    name: str
    public_key: bytes

    @cached_property
    def fingerprint(self) -> str:
        return key_hash(self.name, self.public_key).hex()

    @property
    def key_id(self) -> str:
        return self.fingerprint[:8]

    @property
    def vkey(self) -> str:
        return f"{self.name}+{self.key_id}+{base64.b64encode(ED25519_TYPE + self.public_key).decode('ascii')}"

    @classmethod
    def from_vkey(cls, text: str) -> UnitKey:
        """Parse a verifier key; raises ValueError (with the reason) when it is not one."""
        if not isinstance(text, str):
            raise ValueError("the unit verifier key is not text")
        parts = text.split("+", 2)  # base64 may hold "+"; the name and key ID never do
        if len(parts) != 3:
            raise ValueError("the unit verifier key is not of the form NAME+KEYID+KEY")
        name, kid, b64 = parts
        try:
            check_name(name)
            raw = base64.b64decode(b64, validate=True)
        except (UsageError, binascii.Error):
            raise ValueError("the unit verifier key has a bad name or key") from None
        if len(raw) != 33 or raw[:1] != ED25519_TYPE:
            raise ValueError("the unit verifier key is not an Ed25519 key")
        key = cls(name, raw[1:])
        if kid != key.key_id:
            raise ValueError("the unit verifier key's key ID does not match its name and key")
        return key

    def verify(self, signature: bytes, message: bytes) -> bool:
        try:
            Ed25519PublicKey.from_public_bytes(self.public_key).verify(signature, message)
        except (InvalidSignature, ValueError):
            return False
        return True


@dataclass(frozen=True, repr=False)
class UnitSigner:
    """The private half of a unit key. ``repr`` never shows the seed."""

    name: str
    seed: bytes

    @classmethod
    def generate(cls, name: str) -> UnitSigner:
        return cls(check_name(name), os.urandom(32))

    @cached_property
    def _key(self) -> Ed25519PrivateKey:
        return Ed25519PrivateKey.from_private_bytes(self.seed)

    @cached_property
    def public(self) -> UnitKey:
        return UnitKey(self.name, self._key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw))

    def sign(self, message: bytes) -> bytes:
        return self._key.sign(message)

    def sign_x509(self, builder: x509.CertificateBuilder) -> x509.Certificate:
        """An X.509 certificate signed by the unit key (Ed25519 takes no hash algorithm): casedesk/trust/tlscert.py."""
        return builder.sign(self._key, None)

    def __repr__(self) -> str:
        return f"UnitSigner({self.name}, fingerprint={self.public.fingerprint[:16]}...)"
