"""The custody signer: RFC 8032 Ed25519, byte for byte what any other implementation makes and accepts."""

from __future__ import annotations

import os

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from casedesk.custody.signing import Signer

# RFC 8032 section 7.1, TEST 2: secret key, public key, message, signature.
RFC_SEED = bytes.fromhex("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb")
RFC_PUBLIC = bytes.fromhex("3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c")
RFC_SIGNATURE = bytes.fromhex(
    "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
    "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00")


def test_rfc8032_vector() -> None:
    signer = Signer(RFC_SEED)
    assert signer.public_key == RFC_PUBLIC
    assert signer.sign(b"\x72") == RFC_SIGNATURE


@pytest.mark.parametrize("size", [0, 1, 32, 95, 1000])
def test_same_signature_and_key_as_openssl(size: int) -> None:
    """What earlier CaseDesk (cryptography's OpenSSL Ed25519) signed is what this signer signs: same bytes."""
    for _ in range(20):
        seed, message = os.urandom(32), os.urandom(size)
        openssl = Ed25519PrivateKey.from_private_bytes(seed)
        signer = Signer(seed)
        assert signer.public_key == openssl.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        assert signer.public_hex == signer.public_key.hex()
        signature = signer.sign(message)
        assert signature == openssl.sign(message)
        Ed25519PublicKey.from_public_bytes(signer.public_key).verify(signature, message)
        with pytest.raises(InvalidSignature):
            Ed25519PublicKey.from_public_bytes(signer.public_key).verify(signature, message + b"x")


def test_a_seed_of_the_wrong_length_is_refused() -> None:
    with pytest.raises(ValueError):
        Signer(b"\x01" * 31).sign(b"m")
