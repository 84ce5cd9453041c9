"""Unit certificates and revocations: issue, encode, decode, verify against a pinned fingerprint.

A certificate is the unit key's signed statement that a public key belongs to
an installation, or to an officer of an installation, from a given time; a
revocation is its signed statement that a certified key no longer counts from a
given time. Both are JSON objects in the canonical encoding of custody entries
(docs/custody-encoding.md), signed over a domain string and that encoding.
docs/unit-trust.md gives every field and byte; ``tools/verify_custody.py``
implements the checks again on its own.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from casedesk.custody.encoding import canonical_json
from casedesk.timeutil import iso_utc, utc_now
from casedesk.trust.unitkey import HEX64, UnitKey, UnitSigner

CERT_FORMAT = "casedesk-unit-cert/1"
REVOCATION_FORMAT = "casedesk-unit-revocation/1"
CERT_DOMAIN = b"CASEDESK-UNIT-CERT-V1\x00"
REVOCATION_DOMAIN = b"CASEDESK-UNIT-REVOCATION-V1\x00"
KIND_INSTALLATION = "installation"
KIND_OFFICER = "officer"
KINDS = frozenset({KIND_INSTALLATION, KIND_OFFICER})
ROLES = frozenset({"detective", "supervisor", "admin"})
MAX_TEXT = 500
TIME_RE = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z\Z")
SERIAL_RE = re.compile(r"[0-9a-f]{32}\Z")
HEX128 = re.compile(r"[0-9a-f]{128}\Z")

CERT_FIELDS = ("format", "unit", "serial", "kind", "installation_id", "subject", "full_name", "role",
               "public_key", "valid_from", "issued_at", "checkpoint")
REVOCATION_FIELDS = ("format", "unit", "serial", "public_key", "revoked_at", "reason")

# The exact words of a certificate or revocation that does not hold (docs/unit-trust.md).
M_MALFORMED = "is not a {what} of a unit ({why})"
M_OTHER_UNIT = "is signed by unit key {other}, not by the pinned unit key {pinned}"
M_BAD_SIGNATURE = "does not carry a valid signature of unit key {pinned}"


class MalformedError(ValueError):
    """The object is not a certificate or revocation; the message says why."""


def _check_signed_fields(obj: Mapping[Any, Any]) -> None:
    """The fields a certificate and a revocation share: serial, public key, signature and the unit's key."""
    if type(obj["serial"]) is not str or not SERIAL_RE.match(obj["serial"]):
        raise MalformedError("its serial is not 32 hex digits")
    if type(obj["public_key"]) is not str or not HEX64.match(obj["public_key"]):
        raise MalformedError("its public key is not 64 hex digits")
    if type(obj["signature"]) is not str or not HEX128.match(obj["signature"]):
        raise MalformedError("its signature is not 128 hex digits")
    try:
        UnitKey.from_vkey(obj["unit"])
    except ValueError as exc:
        raise MalformedError(str(exc)) from None


def _time(value: Any, name: str) -> str:
    if type(value) is not str or not TIME_RE.match(value):
        raise MalformedError(f"{name} is not a UTC time of the form 2026-01-31T09:15:00.000000Z")
    try:
        datetime.fromisoformat(value[:-1])
    except ValueError:
        raise MalformedError(f"{name} is not a real date and time") from None
    return value


def _text(value: Any, name: str, optional: bool = False) -> Any:
    if value is None and optional:
        return None
    if type(value) is not str or not value or len(value) > MAX_TEXT:
        raise MalformedError(f"{name} is not text of 1 to {MAX_TEXT} characters")
    return value


def new_serial() -> str:
    """16 random bytes: serials need no counter, so the unit key file keeps no state."""
    return os.urandom(16).hex()


@dataclass(frozen=True)
class Checkpoint:
    """The installation's log when it asked to enrol: its first ``size`` entries have Merkle root ``root``."""

    size: int
    root: str

    def encode(self) -> dict[str, Any]:
        return {"root": self.root, "size": self.size}

    @classmethod
    def decode(cls, value: Any) -> Checkpoint:
        if not isinstance(value, dict) or set(value) != {"size", "root"}:
            raise MalformedError("checkpoint is not an object with size and root")
        size, root = value["size"], value["root"]
        if type(size) is not int or size < 0 or type(root) is not str or not HEX64.match(root):
            raise MalformedError("checkpoint size is not a whole number or its root not 64 hex digits")
        return cls(size, root)


@dataclass(frozen=True)
class Certificate:
    unit: str  # the unit's verifier key (unitkey.UnitKey.vkey)
    serial: str
    kind: str
    installation_id: str
    subject: str  # the officer's user name; for an installation, its installation id
    full_name: str | None  # the officer's full name; None for an installation
    role: str | None  # the officer's role at enrolment; None for an installation
    public_key: str  # Ed25519, 64 hex digits
    valid_from: str
    issued_at: str
    checkpoint: Checkpoint | None  # an installation's log when it asked; None for an officer
    signature: str = ""

    def body(self) -> dict[str, Any]:
        return {
            "format": CERT_FORMAT, "unit": self.unit, "serial": self.serial, "kind": self.kind,
            "installation_id": self.installation_id, "subject": self.subject, "full_name": self.full_name,
            "role": self.role, "public_key": self.public_key, "valid_from": self.valid_from,
            "issued_at": self.issued_at, "checkpoint": None if self.checkpoint is None else self.checkpoint.encode(),
        }

    def signed_message(self) -> bytes:
        return CERT_DOMAIN + canonical_json(self.body()).encode("utf-8")

    def encode(self) -> dict[str, Any]:
        return {**self.body(), "signature": self.signature}

    def describe(self) -> str:
        if self.kind == KIND_INSTALLATION:
            return f"installation {self.installation_id}"
        return f"officer {self.subject} ({self.role}) of installation {self.installation_id}"

    @classmethod
    def decode(cls, obj: Any) -> Certificate:
        """A certificate from its JSON object; MalformedError (saying why) for anything else."""
        if not isinstance(obj, Mapping):
            raise MalformedError("it is not a JSON object")
        if set(obj) != {*CERT_FIELDS, "signature"}:
            raise MalformedError("its fields are not " + ", ".join(sorted({*CERT_FIELDS, "signature"})))
        if obj["format"] != CERT_FORMAT:
            raise MalformedError(f"its format is not {CERT_FORMAT}")
        kind = obj["kind"]
        if kind not in KINDS:
            raise MalformedError("its kind is neither installation nor officer")
        _check_signed_fields(obj)
        officer = kind == KIND_OFFICER
        if officer and (obj["role"] not in ROLES or obj["checkpoint"] is not None):
            raise MalformedError("an officer's certificate needs a role and no checkpoint")
        if not officer and (obj["role"] is not None or obj["full_name"] is not None
                            or obj["subject"] != obj["installation_id"]):
            raise MalformedError("an installation's certificate names the installation only")
        return cls(
            unit=obj["unit"], serial=obj["serial"], kind=kind,
            installation_id=_text(obj["installation_id"], "installation_id"),
            subject=_text(obj["subject"], "subject"),
            full_name=_text(obj["full_name"], "full_name", optional=True), role=obj["role"],
            public_key=obj["public_key"], valid_from=_time(obj["valid_from"], "valid_from"),
            issued_at=_time(obj["issued_at"], "issued_at"),
            checkpoint=None if officer else Checkpoint.decode(obj["checkpoint"]), signature=obj["signature"],
        )


@dataclass(frozen=True)
class Revocation:
    unit: str
    serial: str  # the revoked certificate's serial
    public_key: str  # the revoked certificate's key
    revoked_at: str
    reason: str
    signature: str = ""

    def body(self) -> dict[str, Any]:
        return {"format": REVOCATION_FORMAT, "unit": self.unit, "serial": self.serial,
                "public_key": self.public_key, "revoked_at": self.revoked_at, "reason": self.reason}

    def signed_message(self) -> bytes:
        return REVOCATION_DOMAIN + canonical_json(self.body()).encode("utf-8")

    def encode(self) -> dict[str, Any]:
        return {**self.body(), "signature": self.signature}

    @classmethod
    def decode(cls, obj: Any) -> Revocation:
        if not isinstance(obj, Mapping):
            raise MalformedError("it is not a JSON object")
        if set(obj) != {*REVOCATION_FIELDS, "signature"}:
            raise MalformedError("its fields are not " + ", ".join(sorted({*REVOCATION_FIELDS, "signature"})))
        if obj["format"] != REVOCATION_FORMAT:
            raise MalformedError(f"its format is not {REVOCATION_FORMAT}")
        _check_signed_fields(obj)
        return cls(unit=obj["unit"], serial=obj["serial"], public_key=obj["public_key"],
                   revoked_at=_time(obj["revoked_at"], "revoked_at"), reason=_text(obj["reason"], "reason"),
                   signature=obj["signature"])


def issue_certificate(unit: UnitSigner, *, kind: str, installation_id: str, subject: str, public_key: str,
                      full_name: str | None = None, role: str | None = None, valid_from: str | None = None,
                      checkpoint: Checkpoint | None = None, now: datetime | None = None) -> Certificate:
    """Sign a certificate with the unit key (the values are checked as ``decode`` checks them)."""
    issued = iso_utc(now or utc_now())
    cert = Certificate(unit=unit.public.vkey, serial=new_serial(), kind=kind, installation_id=installation_id,
                       subject=subject, full_name=full_name, role=role, public_key=public_key,
                       valid_from=valid_from or issued, issued_at=issued, checkpoint=checkpoint)
    signed = Certificate(**{**cert.__dict__, "signature": unit.sign(cert.signed_message()).hex()})
    return Certificate.decode(signed.encode())


def issue_revocation(unit: UnitSigner, cert: Certificate, reason: str, now: datetime | None = None) -> Revocation:
    rev = Revocation(unit=unit.public.vkey, serial=cert.serial, public_key=cert.public_key,
                     revoked_at=iso_utc(now or utc_now()), reason=reason)
    signed = Revocation(**{**rev.__dict__, "signature": unit.sign(rev.signed_message()).hex()})
    return Revocation.decode(signed.encode())


def signature_problem(item: Certificate | Revocation, fingerprint: str) -> str | None:
    """None when ``item`` is signed by the unit key with ``fingerprint``; else the exact words of what is wrong."""
    key = UnitKey.from_vkey(item.unit)  # decode() checked it
    if key.fingerprint != fingerprint:
        return M_OTHER_UNIT.format(other=key.fingerprint, pinned=fingerprint)
    if not key.verify(bytes.fromhex(item.signature), item.signed_message()):
        return M_BAD_SIGNATURE.format(pinned=fingerprint)
    return None


def verified_certificate(obj: Any, fingerprint: str) -> Certificate:
    """Decode and verify against a pinned fingerprint; MalformedError saying what is wrong otherwise."""
    cert = Certificate.decode(obj)
    problem = signature_problem(cert, fingerprint)
    if problem is not None:
        raise MalformedError(problem)
    return cert
