"""Offline enrolment files: an installation's request, the unit's answer (docs/unit-trust.md, "Enrolment").

The files travel by hand (removable media, a secure e-mail); a unit service can
carry the same JSON later. Every check here is on the file alone: what the log
says is checked by ``casedesk.services.enrolment`` when the answer is imported.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from casedesk.custody.encoding import canonical_json
from casedesk.errors import UsageError
from casedesk.timeutil import iso_utc, utc_now
from casedesk.trust import certs, tlscert
from casedesk.trust.unitkey import HEX64, UnitKey, UnitSigner

REQUEST_FORMAT = "casedesk-enrolment-request/1"
ANSWER_FORMAT = "casedesk-enrolment-answer/1"
REQUEST_DOMAIN = b"CASEDESK-ENROLMENT-REQUEST-V1\x00"
MAX_FILE_BYTES = 16 * 1024 * 1024
MAX_OFFICERS = 10_000
FUTURE_TOLERANCE = timedelta(seconds=300)


def installation_public(seed: bytes) -> str:
    """The installation key (public, hex) of its seed (``StoreKeys.installation_seed``: derived from the store key,
    so it is never stored anywhere)."""
    key = Ed25519PrivateKey.from_private_bytes(seed).public_key()
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw).hex()


@dataclass(frozen=True)
class Officer:
    user: str
    full_name: str
    role: str
    public_key: str
    registered_at: str  # the time of the log entry that registered the key: the certificate counts from it

    def encode(self) -> dict[str, Any]:
        return {"user": self.user, "full_name": self.full_name, "role": self.role, "public_key": self.public_key,
                "registered_at": self.registered_at}


@dataclass(frozen=True)
class Request:
    installation_id: str
    installation_key: str
    made_at: str
    made_by: str
    checkpoint: certs.Checkpoint
    officers: tuple[Officer, ...]
    signature: str = ""

    def body(self) -> dict[str, Any]:
        return {"format": REQUEST_FORMAT, "installation_id": self.installation_id,
                "installation_key": self.installation_key, "made_at": self.made_at, "made_by": self.made_by,
                "checkpoint": self.checkpoint.encode(), "officers": [o.encode() for o in self.officers]}

    def signed_message(self) -> bytes:
        return REQUEST_DOMAIN + canonical_json(self.body()).encode("utf-8")

    def encode(self) -> bytes:
        return (canonical_json({**self.body(), "signature": self.signature}) + "\n").encode("utf-8")

    def sha256(self) -> str:
        return hashlib.sha256(self.encode()).hexdigest()


def make_request(seed: bytes, *, installation_id: str, made_by: str, checkpoint: certs.Checkpoint,
                 officers: list[Officer], now: datetime | None = None) -> Request:
    req = Request(installation_id, installation_public(seed), iso_utc(now or utc_now()), made_by, checkpoint,
                  tuple(officers))
    sig = Ed25519PrivateKey.from_private_bytes(seed).sign(req.signed_message()).hex()
    return Request(**{**req.__dict__, "signature": sig})


def _load(path: Path, what: str) -> Any:
    try:
        with open(path, "rb") as fh:
            raw = fh.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise UsageError(f"cannot read {what} {path}: {exc.strerror or exc}") from None
    if len(raw) > MAX_FILE_BYTES:
        raise UsageError(f"{path} is larger than any {what} CaseDesk writes")
    try:
        return json.loads(raw)
    except ValueError:
        raise UsageError(f"{path} is not {what} (not JSON)") from None


def read_request(path: Path, now: datetime | None = None) -> Request:
    """A request whose signature holds with the installation key it names; UsageError saying what is wrong."""
    obj = _load(path, "an enrolment request")
    bad = f"{path} is not a CaseDesk enrolment request ({REQUEST_FORMAT})"
    try:
        if not isinstance(obj, Mapping) or obj.get("format") != REQUEST_FORMAT:
            raise ValueError
        officers = obj["officers"]
        if not isinstance(officers, list) or len(officers) > MAX_OFFICERS:
            raise ValueError
        parsed = []
        for o in officers:
            if set(o) != {"user", "full_name", "role", "public_key", "registered_at"} or o["role"] not in certs.ROLES \
                    or not HEX64.match(o["public_key"]) or not isinstance(o["user"], str) \
                    or not isinstance(o["full_name"], str) or not 0 < len(o["user"]) <= certs.MAX_TEXT \
                    or len(o["full_name"]) > certs.MAX_TEXT \
                    or not isinstance(o["registered_at"], str) or not certs.TIME_RE.match(o["registered_at"]):
                raise ValueError
            parsed.append(Officer(o["user"], o["full_name"], o["role"], o["public_key"], o["registered_at"]))
        req = Request(installation_id=str(obj["installation_id"]), installation_key=obj["installation_key"],
                      made_at=obj["made_at"], made_by=str(obj["made_by"]),
                      checkpoint=certs.Checkpoint.decode(obj["checkpoint"]), officers=tuple(parsed),
                      signature=obj["signature"])
        if not 0 < len(req.installation_id) <= certs.MAX_TEXT or not 0 < len(req.made_by) <= certs.MAX_TEXT:
            raise ValueError
        if not HEX64.match(req.installation_key) or not certs.HEX128.match(req.signature) \
                or not certs.TIME_RE.match(req.made_at) or set(obj) != {*req.body(), "signature"}:
            raise ValueError
        made = datetime.fromisoformat(req.made_at[:-1])
    except (KeyError, TypeError, ValueError, AttributeError):
        raise UsageError(bad) from None
    try:
        Ed25519PublicKey.from_public_bytes(bytes.fromhex(req.installation_key)).verify(
            bytes.fromhex(req.signature), req.signed_message())
    except (InvalidSignature, ValueError):
        raise UsageError(f"{path}: the request's signature does not verify with the installation key it names: "
                         "it was changed after it was written") from None
    current = (now or utc_now()).replace(tzinfo=None)
    if made > current + FUTURE_TOLERANCE:
        raise UsageError(f"{path} says it was made at {req.made_at}, later than this computer's clock "
                         f"({iso_utc(now or utc_now())}): check the installation's clock and ask again")
    return req


def answer(unit: UnitSigner, req: Request, now: datetime | None = None) -> dict[str, Any]:
    """The unit's certificates for the installation and every officer in the request.

    An officer's certificate counts from the time the installation's log registered the key (so what a new
    officer signed before the unit answered is covered; the log's time order keeps that time honest), the
    installation's from the request; never from later than the unit's clock now.
    """
    when = now or utc_now()
    now_text = iso_utc(when)
    valid_from = min(req.made_at, now_text)  # same fixed-width form: text order is time order
    issued = [certs.issue_certificate(unit, kind=certs.KIND_INSTALLATION, installation_id=req.installation_id,
                                      subject=req.installation_id, public_key=req.installation_key,
                                      valid_from=valid_from, checkpoint=req.checkpoint, now=when)]
    issued += [certs.issue_certificate(unit, kind=certs.KIND_OFFICER, installation_id=req.installation_id,
                                       subject=o.user, full_name=o.full_name or None, role=o.role,
                                       public_key=o.public_key,
                                       valid_from=min(o.registered_at, now_text), now=when) for o in req.officers]
    # The installation's TLS client certificate for the unit service (mutual TLS): its installation key under the
    # unit CA, with the installation certificate's serial (docs/unit-trust.md, "TLS certificates").
    tls = tlscert.client_certificate(unit, issued[0], when).decode("ascii")
    return {"format": ANSWER_FORMAT, "unit": unit.public.vkey, "installation_id": req.installation_id,
            "request_sha256": req.sha256(), "certificates": [c.encode() for c in issued], "revocations": [],
            "tls_certificate": tls}


def revocation_answer(unit: UnitSigner, cert: certs.Certificate, reason: str,
                      now: datetime | None = None) -> dict[str, Any]:
    rev = certs.issue_revocation(unit, cert, reason, now)
    return {"format": ANSWER_FORMAT, "unit": unit.public.vkey, "installation_id": cert.installation_id,
            "request_sha256": None, "certificates": [], "revocations": [rev.encode()]}


@dataclass(frozen=True)
class Answer:
    unit: UnitKey
    installation_id: str
    certificates: tuple[certs.Certificate, ...]
    revocations: tuple[certs.Revocation, ...]
    raw_certificates: tuple[dict[str, Any], ...]
    raw_revocations: tuple[dict[str, Any], ...]
    tls_certificate: str | None = None  # PEM: the installation's TLS client certificate (answers of this version on)


def read_answer(path: Path, fingerprint: str) -> Answer:
    """An answer every certificate and revocation of which the unit with ``fingerprint`` signed."""
    obj = _load(path, "a unit's enrolment answer")
    bad = UsageError(f"{path} is not a CaseDesk enrolment answer ({ANSWER_FORMAT})")
    if not isinstance(obj, Mapping) or obj.get("format") != ANSWER_FORMAT:
        raise bad
    try:
        unit = UnitKey.from_vkey(obj["unit"])
        raw_c, raw_r = obj["certificates"], obj["revocations"]
        if not isinstance(raw_c, list) or not isinstance(raw_r, list) or not isinstance(obj["installation_id"], str):
            raise bad
        tls = obj.get("tls_certificate")
        if tls is not None and not isinstance(tls, str):
            raise bad
    except (KeyError, ValueError):
        raise bad from None
    if unit.fingerprint != fingerprint:
        raise UsageError(f"{path} comes from unit key {unit.fingerprint}, not from the unit {fingerprint}: "
                         "check the fingerprint with the unit administrator")
    found_c, found_r = [], []
    for i, c in enumerate(raw_c, 1):
        try:
            found_c.append(certs.verified_certificate(c, fingerprint))
        except certs.MalformedError as exc:
            raise UsageError(f"{path}: certificate {i} {exc}") from None
    for i, r in enumerate(raw_r, 1):
        try:
            rev = certs.Revocation.decode(r)
        except certs.MalformedError as exc:
            raise UsageError(f"{path}: revocation {i} {exc}") from None
        problem = certs.signature_problem(rev, fingerprint)
        if problem is not None:
            raise UsageError(f"{path}: revocation {i} {problem}")
        found_r.append(rev)
    if tls is not None:
        serials = {c.serial for c in found_c if c.kind == certs.KIND_INSTALLATION}
        key = next((c.public_key for c in found_c if c.kind == certs.KIND_INSTALLATION), "")
        try:
            tlscert.check_client_certificate(tls, unit, obj["installation_id"], key, serials)
        except tlscert.TlsCertificateError as exc:
            raise UsageError(f"{path}: {exc}") from None
    return Answer(unit, obj["installation_id"], tuple(found_c), tuple(found_r),
                  tuple(c.encode() for c in found_c), tuple(r.encode() for r in found_r), tls)


def read_revocations(path: Path) -> list[Any]:
    """The revocations of a unit's answer or revocation file, as they are: the verifier checks each one."""
    obj = _load(path, "a unit's revocation file")
    if not isinstance(obj, Mapping) or obj.get("format") != ANSWER_FORMAT or not isinstance(obj.get("revocations"),
                                                                                            list):
        raise UsageError(f"{path} is not a CaseDesk enrolment answer or revocation file ({ANSWER_FORMAT})")
    return list(obj["revocations"])
