"""The unit key file: the unit's Ed25519 seed, encrypted under the unit administrator's passphrase.

Only the unit administrator holds this file (on removable media kept in a safe,
say); no service and no installation database ever stores it. Format
(docs/unit-trust.md, "The unit key file"): JSON with the public key, its
fingerprint and verifier key in the clear, and the seed sealed with
AES-256-GCM under an Argon2id key of the passphrase.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
from pathlib import Path
from typing import Any

from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from casedesk.errors import AuthenticationError, UsageError
from casedesk.outputs import NewFile, publish_all
from casedesk.trust.unitkey import UnitSigner, check_name

FORMAT = "casedesk-unit-key/1"
# Stronger than a key slot's (64 MiB): the file may be copied and attacked offline for years, and it is
# opened a few times a year, on the unit administrator's machine. RFC 9106's first recommended option is
# 2 GiB, too much for an ordinary laptop; 256 MiB, t=4 is well above OWASP's minimum.
DEFAULT_KDF = {"time_cost": 4, "memory_cost": 262144, "parallelism": 4}
MIN_PASSPHRASE = 12
MAX_FILE_BYTES = 64 * 1024


def _aad(name: str, fingerprint: str) -> bytes:
    return f"{FORMAT}|{name}|{fingerprint}".encode()


def _kek(passphrase: str, kdf: dict[str, Any]) -> bytes:
    return hash_secret_raw(passphrase.encode("utf-8"), base64.b64decode(kdf["salt"], validate=True),
                           time_cost=kdf["time_cost"], memory_cost=kdf["memory_cost"],
                           parallelism=kdf["parallelism"], hash_len=32, type=Type.ID, version=19)


def encode(signer: UnitSigner, passphrase: str, kdf_params: dict[str, int] | None = None) -> bytes:
    if len(passphrase) < MIN_PASSPHRASE:
        raise UsageError(f"the unit key passphrase must have at least {MIN_PASSPHRASE} characters",
                         field="passphrase")
    kdf: dict[str, Any] = {"name": "argon2id", "version": 19, **(kdf_params or DEFAULT_KDF),
                           "salt": base64.b64encode(os.urandom(16)).decode("ascii")}
    nonce = os.urandom(12)
    unit = signer.public
    sealed = AESGCM(_kek(passphrase, kdf)).encrypt(nonce, signer.seed, _aad(unit.name, unit.fingerprint))
    doc = {"format": FORMAT, "name": unit.name, "public_key": unit.public_key.hex(),
           "fingerprint": unit.fingerprint, "vkey": unit.vkey, "kdf": kdf, "cipher": "aes-256-gcm",
           "nonce": base64.b64encode(nonce).decode("ascii"), "ciphertext": base64.b64encode(sealed).decode("ascii")}
    return (json.dumps(doc, indent=2, sort_keys=True) + "\n").encode("utf-8")


def write_new(path: Path, signer: UnitSigner, passphrase: str, kdf_params: dict[str, int] | None = None) -> None:
    """Write the key file to a new name (mode 0600); an existing file is never replaced."""
    data = encode(signer, passphrase, kdf_params)
    target = Path(path).expanduser().absolute()
    if not target.parent.is_dir():
        raise UsageError(f"folder {target.parent} does not exist")
    if os.path.lexists(target):
        raise UsageError(f"{target} already exists; CaseDesk never replaces a file: choose a new name")
    with NewFile(target) as out:
        out.write(data)
        publish_all([out])


def read(path: Path, passphrase: str) -> UnitSigner:
    """Open a unit key file; AuthenticationError for a wrong passphrase, UsageError for anything not a key file."""
    try:
        raw = Path(path).read_bytes()[:MAX_FILE_BYTES + 1]
    except OSError as exc:
        raise UsageError(f"cannot read the unit key file {path}: {exc.strerror or exc}") from None
    bad = UsageError(f"{path} is not a CaseDesk unit key file ({FORMAT})")
    try:
        doc = json.loads(raw)
        if not isinstance(doc, dict) or doc.get("format") != FORMAT or doc.get("cipher") != "aes-256-gcm":
            raise bad
        name = check_name(doc["name"])
        kdf = doc["kdf"]
        if kdf.get("name") != "argon2id" or kdf.get("version") != 19:
            raise bad
        nonce = base64.b64decode(doc["nonce"], validate=True)
        sealed = base64.b64decode(doc["ciphertext"], validate=True)
        fingerprint = doc["fingerprint"]
        kek = _kek(passphrase, kdf)
    except (ValueError, KeyError, TypeError, AttributeError, binascii.Error):
        raise bad from None
    try:
        seed = AESGCM(kek).decrypt(nonce, sealed, _aad(name, str(fingerprint)))
    except (InvalidTag, ValueError):
        raise AuthenticationError(f"wrong passphrase for the unit key file {path}", field="passphrase") from None
    signer = UnitSigner(name, seed)
    if signer.public.fingerprint != fingerprint or signer.public.public_key.hex() != doc.get("public_key"):
        raise bad  # cannot happen for a file CaseDesk wrote: the AAD binds the fingerprint
    return signer
