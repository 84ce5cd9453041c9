"""The unit administrator's actions on the unit store: register an installation, the status view.

They run against the database directly (the administrator holds its credentials), not through the service.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from cryptography import x509
from sqlalchemy import Connection, Engine, func, insert, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.exc import IntegrityError

from casedesk.custody.encoding import EncodingError, canonical_json, parse_data
from casedesk.errors import NotFound, UsageError
from casedesk.trust import certs
from casedesk.trust.enrolment import read_revocations
from casedesk.unit.store import (
    checkpoints,
    client_certificates,
    entries,
    escrows,
    installations,
    object_uploads,
    objects,
    rejected_objects,
    rejected_segments,
    revoked_certificates,
)

HEX64 = re.compile(r"[0-9a-f]{64}\Z")
ID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\Z")


def register(engine: Engine, installation_id: str, genesis_key: str, label: str, by: str) -> None:
    installation_id, genesis_key = installation_id.strip().lower(), genesis_key.strip().lower()
    if not ID_RE.match(installation_id):
        raise UsageError(f"{installation_id!r} is not an installation id (as `casedesk sync identity` prints it)")
    if not HEX64.match(genesis_key):
        raise UsageError("the genesis key is 64 hexadecimal digits (as `casedesk sync identity` prints it)")
    if not label.strip() or len(label) > 200:
        raise UsageError("give the installation a label of 1 to 200 characters (whose laptop it is)")
    try:
        with engine.begin() as conn:
            conn.execute(insert(installations).values(installation_id=installation_id, genesis_key=genesis_key,
                                                      label=label.strip(), registered_by=by))
    except IntegrityError:
        raise UsageError(f"installation {installation_id} is already registered; registrations are never "
                         "changed") from None


def load_revocations(engine: Engine, files: list[Path], fingerprint: str, by: str) -> list[str]:
    """Load the unit key's revocations from revocation or answer files; each must verify with the unit key of
    ``fingerprint``. Returns the serials newly refused (one already loaded is passed over)."""
    found: list[certs.Revocation] = []
    for path in files:
        for i, raw in enumerate(read_revocations(path), 1):
            try:
                rev = certs.Revocation.decode(raw)
            except certs.MalformedError as exc:
                raise UsageError(f"{path}: revocation {i} {exc}") from None
            problem = certs.signature_problem(rev, fingerprint)
            if problem is not None:
                raise UsageError(f"{path}: revocation {i} {problem}")
            found.append(rev)
    loaded = []
    with engine.begin() as conn:
        for rev in found:
            done = conn.execute(pg_insert(revoked_certificates).values(
                serial=rev.serial, public_key=rev.public_key, revoked_at=rev.revoked_at, reason=rev.reason,
                revocation=canonical_json(rev.encode()), loaded_by=by).on_conflict_do_nothing()
                .returning(revoked_certificates.c.serial)).first()
            if done is not None:
                loaded.append(rev.serial)
    return loaded


@dataclass(frozen=True)
class InstallationStatus:
    installation_id: str
    label: str
    registered_at: datetime
    entries: int
    tree_size: int
    root: str | None
    last_sync: datetime | None
    cosigned_at: int | None
    pushed_by: str | None
    rejected: int
    last_rejection: str | None
    objects: int = 0  # vault objects held (ciphertext)
    object_bytes: int = 0
    rejected_objects: int = 0
    escrowed_at: datetime | None = None  # the latest key slots escrow (restore needs one)
    certificates: tuple[ClientCertificate, ...] = ()  # its TLS client certificates, oldest first


@dataclass(frozen=True)
class ClientCertificate:
    """A TLS client certificate of an installation, as the unit holds it (docs/sync-protocol.md, "Mutual TLS")."""

    serial: str
    subject: str  # RFC 4514, e.g. CN=<installation id>
    not_after: datetime
    first_seen: datetime | None  # when an instance first took a request over it (None: never presented yet)
    revoked_at: str | None  # the revocation the unit administrator loaded (None: not revoked)
    revoked_reason: str | None


def _certificate(pem: str, first_seen: datetime | None, revoked: dict[str, tuple[str, str]]
                 ) -> ClientCertificate | None:
    try:
        cert = x509.load_pem_x509_certificate(pem.encode("ascii"))
    except (ValueError, UnicodeEncodeError):
        return None
    serial = f"{cert.serial_number:032x}"  # as peer.py records it, and revocations name it
    gone = revoked.get(serial)
    return ClientCertificate(serial, cert.subject.rfc4514_string(), cert.not_valid_after_utc, first_seen,
                             gone[0] if gone else None, gone[1] if gone else None)


def client_certificates_of(conn: Connection, installation: str, revoked: dict[str, tuple[str, str]]
                           ) -> tuple[ClientCertificate, ...]:
    """The installation's TLS client certificates the unit holds: each an instance took a request over
    (``client_certificates``), and each its log records from an enrolment (``installation.enrolled``,
    ``data.tls_certificate``) not presented yet; by serial, oldest first."""
    found: dict[str, ClientCertificate] = {}
    for pem, seen in conn.execute(select(client_certificates.c.pem, client_certificates.c.first_seen)
                                  .where(client_certificates.c.installation_id == installation)
                                  .order_by(client_certificates.c.id)):
        cert = _certificate(str(pem), seen, revoked)
        if cert is not None:
            found.setdefault(cert.serial, cert)
    for raw in conn.execute(select(entries.c.data).where(entries.c.installation_id == installation,
                                                         entries.c.action == "installation.enrolled",
                                                         entries.c.case_ref.is_(None)).order_by(entries.c.seq)
                            ).scalars():
        try:
            pem = parse_data(str(raw)).get("tls_certificate")
        except EncodingError:
            continue
        cert = _certificate(pem, None, revoked) if isinstance(pem, str) else None
        if cert is not None:
            found.setdefault(cert.serial, cert)
    return tuple(sorted(found.values(), key=lambda c: c.not_after))


def status(engine: Engine) -> list[InstallationStatus]:
    out = []
    with engine.connect() as conn:
        counts = {str(i): int(n) for i, n in conn.execute(
            select(entries.c.installation_id, func.count()).group_by(entries.c.installation_id))}
        rejected = {str(i): int(n) for i, n in conn.execute(
            select(rejected_segments.c.installation_id, func.count()).group_by(rejected_segments.c.installation_id))}
        held = {str(i): (int(n), int(b or 0)) for i, n, b in conn.execute(
            select(objects.c.installation_id, func.count(), func.sum(object_uploads.c.stored_size))
            .join(object_uploads, (object_uploads.c.installation_id == objects.c.installation_id)
                  & (object_uploads.c.name == objects.c.name)).group_by(objects.c.installation_id))}
        refused = {str(i): int(n) for i, n in conn.execute(
            select(rejected_objects.c.installation_id, func.count()).group_by(rejected_objects.c.installation_id))}
        escrowed = {str(i): t for i, t in conn.execute(
            select(escrows.c.installation_id, func.max(escrows.c.received_at)).group_by(escrows.c.installation_id))}
        revoked = {str(r.serial): (str(r.revoked_at), str(r.reason)) for r in conn.execute(
            select(revoked_certificates.c.serial, revoked_certificates.c.revoked_at, revoked_certificates.c.reason))}
        for inst in conn.execute(select(installations).order_by(installations.c.registered_at)):
            last = conn.execute(select(checkpoints).where(checkpoints.c.installation_id == inst.installation_id)
                                .order_by(checkpoints.c.id.desc()).limit(1)).first()
            reason = conn.execute(select(rejected_segments.c.reason)
                                  .where(rejected_segments.c.installation_id == inst.installation_id)
                                  .order_by(rejected_segments.c.id.desc()).limit(1)).scalar()
            out.append(InstallationStatus(
                inst.installation_id, inst.label, inst.registered_at, int(counts.get(inst.installation_id, 0)),
                0 if last is None else last.tree_size, None if last is None else last.root,
                None if last is None else last.received_at, None if last is None else last.cosigned_at,
                None if last is None else last.pushed_by, int(rejected.get(inst.installation_id, 0)), reason,
                *held.get(inst.installation_id, (0, 0)), refused.get(inst.installation_id, 0),
                escrowed.get(inst.installation_id),
                client_certificates_of(conn, inst.installation_id, revoked)))
    return out


@dataclass(frozen=True)
class CheckpointRow:
    tree_size: int
    root: str
    cosigned_at: int
    pushed_by: str
    stored: int
    received_at: datetime
    note: str


def checkpoints_of(engine: Engine, installation_id: str) -> list[CheckpointRow]:
    """Every checkpoint the unit cosigned for the installation, oldest first."""
    with engine.connect() as conn:
        if conn.execute(select(installations.c.installation_id)
                        .where(installations.c.installation_id == installation_id)).first() is None:
            raise NotFound(f"installation {installation_id} is not registered with this unit",
                           cli_hint="`casedesk unit status` lists them")
        return [CheckpointRow(r.tree_size, r.root, r.cosigned_at, r.pushed_by, r.stored, r.received_at, r.note)
                for r in conn.execute(select(checkpoints).where(checkpoints.c.installation_id == installation_id)
                                      .order_by(checkpoints.c.id))]
