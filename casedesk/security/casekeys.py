"""Case keys: each case's content is encrypted for its key holders, not for the store key.

Every user has an X25519 key pair (the *box key*; the private half is inside
their key slot, the public half is registered in the custody log). Every case
has a random 256-bit *case key* per *epoch*; epoch 1 is made when the case is
created (or, for a case made before case keys, by its first key holder to
sign in), and a new epoch when someone loses the right to hold the key. Each
epoch's key is sealed (libsodium ``crypto_box_seal``) to each holder's public
box key. Content is encrypted under keys derived from the case key, so the
store key alone (which every key slot, an administrator's too, yields) opens
no case's exhibits, notes or summary. ``docs/keyslots.md`` ("Case keys") is
the specification.
"""

from __future__ import annotations

import base64
import os
import re
import struct
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from nacl.exceptions import CryptoError
from nacl.public import PrivateKey, PublicKey, SealedBox

from casedesk.security.keys import hkdf

BOX_KEY_BYTES = 32
CASE_KEY_BYTES = 32
SEAL_DOMAIN = b"casedesk-case-key/1\x00"
INFO_VAULT_ENCRYPTION = b"casedesk/v2/case-vault-encryption"
INFO_VAULT_NAMING = b"casedesk/v2/case-vault-naming"
INFO_CONTENT = b"casedesk/v2/case-content"
TEXT_PREFIX = "cdx1"
_TEXT_RE = re.compile(r"cdx1\.([1-9][0-9]{0,8})\.([A-Za-z0-9_-]+)")


class CaseKeyError(Exception):
    """A sealed case key or an encrypted text does not open with the key at hand."""


def new_box_key() -> bytes:
    """A new X25519 private key (32 bytes)."""
    return bytes(PrivateKey.generate())


def box_public(private: bytes) -> bytes:
    return bytes(PrivateKey(private).public_key)


def new_case_key() -> bytes:
    return os.urandom(CASE_KEY_BYTES)


def _sealed_plain(case_ref: str, epoch: int) -> bytes:
    return SEAL_DOMAIN + case_ref.encode("utf-8") + b"\x00" + struct.pack(">I", epoch)


def seal_case_key(case_key: bytes, public: bytes, case_ref: str, epoch: int) -> bytes:
    """``crypto_box_seal`` of (domain || case ref || 0x00 || uint32 epoch || case key) to ``public``."""
    if len(case_key) != CASE_KEY_BYTES:
        raise ValueError("case key must be 32 bytes")
    return bytes(SealedBox(PublicKey(public)).encrypt(_sealed_plain(case_ref, epoch) + case_key))


def open_case_key(sealed: bytes, private: bytes, case_ref: str, epoch: int) -> bytes:
    """The case key inside ``sealed``; raises ``CaseKeyError`` if it is not this case's epoch for this key."""
    try:
        plain = SealedBox(PrivateKey(private)).decrypt(sealed)
    except (CryptoError, ValueError, TypeError):
        raise CaseKeyError("the sealed case key does not open with this box key") from None
    prefix = _sealed_plain(case_ref, epoch)
    if len(plain) != len(prefix) + CASE_KEY_BYTES or not plain.startswith(prefix):
        raise CaseKeyError("the sealed case key belongs to another case or epoch")
    return plain[len(prefix):]


@dataclass(frozen=True, repr=False)
class CaseContentKeys:
    """Subkeys of one epoch's case key. ``repr`` is suppressed so keys never reach a log."""

    vault_encryption: bytes
    content: bytes

    @classmethod
    def derive(cls, case_key: bytes) -> CaseContentKeys:
        if len(case_key) != CASE_KEY_BYTES:
            raise ValueError("case key must be 32 bytes")
        return cls(vault_encryption=hkdf(case_key, INFO_VAULT_ENCRYPTION), content=hkdf(case_key, INFO_CONTENT))

    def __repr__(self) -> str:
        return "CaseContentKeys(<redacted>)"


def vault_naming_key(first_epoch_key: bytes) -> bytes:
    """The case's object naming key: from epoch 1, so identical content keeps one name across epochs."""
    return hkdf(first_epoch_key, INFO_VAULT_NAMING)


def _text_aad(case_ref: str, purpose: str, epoch: int) -> bytes:
    return f"casedesk-content/1|{case_ref}|{purpose}|{epoch}".encode()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def encrypt_text(content_key: bytes, case_ref: str, purpose: str, epoch: int, text: str) -> str:
    """``cdx1.<epoch>.<base64url(nonce || AES-256-GCM ciphertext || tag)>``, AAD binding case, purpose, epoch."""
    nonce = os.urandom(12)
    sealed = AESGCM(content_key).encrypt(nonce, text.encode("utf-8"), _text_aad(case_ref, purpose, epoch))
    return f"{TEXT_PREFIX}.{epoch}.{_b64(nonce + sealed)}"


def text_epoch(value: str) -> int | None:
    """The epoch of an encrypted text, or None for text written in the clear (before case keys)."""
    match = _TEXT_RE.fullmatch(value)
    return int(match.group(1)) if match else None


def decrypt_text(content_key: bytes, case_ref: str, purpose: str, value: str) -> str:
    match = _TEXT_RE.fullmatch(value)
    if match is None:
        raise CaseKeyError("not an encrypted text")
    raw = _unb64(match.group(2))
    try:
        plain = AESGCM(content_key).decrypt(raw[:12], raw[12:], _text_aad(case_ref, purpose, int(match.group(1))))
    except (InvalidTag, ValueError):
        raise CaseKeyError("the encrypted text fails authentication (altered, or moved from elsewhere)") from None
    return plain.decode("utf-8")
