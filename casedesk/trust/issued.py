"""The unit's own log of what it issued: every certificate and revocation, hash-chained and signed.

``casedesk unit enrol`` and ``casedesk unit revoke`` append to it (beside the
key file unless told otherwise), so the unit administrator can say what the
unit certified and revoked, in order, and publish the revocations; a line
cannot be changed, removed or reordered without the unit key. Format in
docs/unit-trust.md ("The unit's issuance log").
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from casedesk.custody.encoding import canonical_json
from casedesk.errors import IntegrityError, UsageError
from casedesk.fsutil import fsync_dir
from casedesk.timeutil import iso_utc, utc_now
from casedesk.trust import certs
from casedesk.trust.unitkey import UnitKey, UnitSigner

LINE_DOMAIN = b"CASEDESK-UNIT-LOG-V1\x00"
ZERO = "0" * 64
MAX_LINE = 64 * 1024


def suffix_path(key_file: Path) -> Path:
    return Path(str(key_file) + ".issued.jsonl")


def line_hash(body: dict[str, Any]) -> str:
    return hashlib.sha256(LINE_DOMAIN + canonical_json(body).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Line:
    seq: int
    kind: str  # "certificate" or "revocation"
    item: dict[str, Any]
    hash: str


def read(path: Path, unit: UnitKey) -> list[Line]:
    """Every line, each checked (numbering, link, hash, the unit's signature); IntegrityError names the first bad
    one. A missing log is an empty one."""
    out: list[Line] = []
    prev = ZERO
    try:
        fh = open(path, "rb")
    except FileNotFoundError:
        return out
    with fh:
        for n, raw in enumerate(fh, 1):
            try:
                obj = json.loads(raw)
                body = {k: v for k, v in obj.items() if k not in ("hash", "signature")}
                ok = (obj["seq"] == n and obj["prev"] == prev and obj["hash"] == line_hash(body)
                      and unit.verify(bytes.fromhex(obj["signature"]), LINE_DOMAIN + bytes.fromhex(obj["hash"])))
            except (ValueError, KeyError, TypeError, AttributeError):
                ok = False
            if not ok:
                raise IntegrityError(f"line {n} of the unit's issuance log {path} was changed, removed or not written "
                                     "by this unit key: keep the file as evidence and start a new log")
            out.append(Line(n, obj["kind"], obj["item"], obj["hash"]))
            prev = obj["hash"]
    return out


def append(path: Path, unit: UnitSigner, items: Sequence[tuple[str, dict[str, Any]]],
           request_sha256: str | None = None) -> None:
    """Append ``(kind, item)`` lines after checking the log as it stands; each line is fsynced before return."""
    lines = read(path, unit.public)
    prev, seq = (lines[-1].hash, lines[-1].seq) if lines else (ZERO, 0)
    out = []
    for kind, item in items:
        seq += 1
        body = {"seq": seq, "prev": prev, "time": iso_utc(utc_now()), "kind": kind, "item": item,
                "request_sha256": request_sha256}
        digest = line_hash(body)
        signature = unit.sign(LINE_DOMAIN + bytes.fromhex(digest)).hex()
        out.append(canonical_json({**body, "hash": digest, "signature": signature}) + "\n")
        prev = digest
    existed = path.exists()
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o600)
    try:
        os.write(fd, "".join(out).encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)
    if not existed:
        fsync_dir(path.parent)


def certificates(lines: Sequence[Line]) -> Iterator[certs.Certificate]:
    for line in lines:
        if line.kind == "certificate":
            yield certs.Certificate.decode(line.item)


def find_certificate(lines: Sequence[Line], serial: str) -> certs.Certificate:
    for cert in certificates(lines):
        if cert.serial == serial:
            return cert
    raise UsageError(f"the unit's issuance log holds no certificate with serial {serial}")


def revocations(lines: Sequence[Line]) -> list[dict[str, Any]]:
    return [line.item for line in lines if line.kind == "revocation"]



def unit_of(path: Path, fingerprint: str) -> UnitKey:
    """The unit key of a log's lines, which must be the one with ``fingerprint`` (read without the passphrase)."""
    try:
        with open(path, "rb") as fh:
            first = json.loads(fh.readline())
        unit = UnitKey.from_vkey(first["item"]["unit"])
    except (OSError, ValueError, KeyError, TypeError):
        raise UsageError(f"{path} is not a unit's issuance log") from None
    if unit.fingerprint != fingerprint:
        raise UsageError(f"{path} is the issuance log of unit key {unit.fingerprint}, not of {fingerprint}")
    return unit
