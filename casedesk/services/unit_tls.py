"""The installation's side of mutual TLS with the unit service (docs/sync-protocol.md, "Mutual TLS").

An enrolled installation presents its TLS client certificate (docs/unit-trust.md, "TLS certificates"): the unit
CA's certificate of its installation key, recorded in its log by ``casedesk enrol import``. The private half is the
installation key, derived from the store key whenever someone signs in and stored nowhere.

Python's ``ssl`` loads a client key only from a file name. The key goes to OpenSSL through an anonymous memory
file (``memfd_create``, Linux): it has no name in any file system, lives in the process's memory like the key itself,
is opened by OpenSSL as ``/proc/self/fd/N`` and is gone when the descriptor is closed, a few lines later. Where
there is no ``memfd_create`` (macOS, Windows) the key is written encrypted under a one-time random password that
never leaves memory, read back by OpenSSL with that password, and the file removed: what touches the disk is
ciphertext under a key that is nowhere but in this process.
"""

from __future__ import annotations

import datetime
import logging
import os
import secrets
import ssl
import tempfile
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import BestAvailableEncryption, Encoding, NoEncryption, PrivateFormat
from sqlalchemy import select

from casedesk.custody import encoding
from casedesk.errors import UnitError
from casedesk.services.session import Session
from casedesk.store.models import CustodyEntry
from casedesk.trust import enrolment, tlscert

log = logging.getLogger("casedesk.sync")

ENROLLED = "installation.enrolled"
MSG_HANDSHAKE = ("the unit at {url} refused this installation's TLS certificate during the handshake ({alert}): "
                 "it was not issued by this unit's CA, or it has expired: enrol the installation with this unit again "
                 "(casedesk enrol request)")
# OpenSSL's names of the alerts a server sends when it refuses a client certificate.
_REFUSED_CERTIFICATE = ("ALERT_UNKNOWN_CA", "ALERT_BAD_CERTIFICATE", "ALERT_CERTIFICATE_EXPIRED",
                        "ALERT_CERTIFICATE_REVOKED", "ALERT_CERTIFICATE_UNKNOWN", "ALERT_UNSUPPORTED_CERTIFICATE")


@dataclass(frozen=True, repr=False)
class TlsIdentity:
    """The certificate (PEM) and the installation key's seed; ``repr`` never shows the seed."""

    certificate: bytes
    seed: bytes
    serial: str

    def __repr__(self) -> str:
        return f"TlsIdentity(serial={self.serial})"


def identity_of(session: Session) -> TlsIdentity | None:
    """The newest TLS client certificate the log records for this installation's key and that has not expired;
    None when the installation was never enrolled by a unit of this version (it then connects without one)."""
    with session.read() as db:
        found = db.scalars(select(CustodyEntry.data).where(CustodyEntry.action == ENROLLED,
                                                           CustodyEntry.case_ref.is_(None))
                           .order_by(CustodyEntry.seq.desc())).all()
    pems = []
    for data in found:
        try:
            pems.append(encoding.parse_data(data).get("tls_certificate"))
        except encoding.EncodingError:
            continue
    return identity_from(pems, session.installation_id, session.keys.installation_seed)


def identity_from(pems: list[object], installation_id: str, seed: bytes) -> TlsIdentity | None:
    """The first of ``pems`` that is a certificate of this installation's key, not expired (a restore's: the
    certificates the unit has seen, given back with the key slots)."""
    key = enrolment.installation_public(seed)
    now = datetime.datetime.now(datetime.UTC)
    for pem in pems:
        if not isinstance(pem, str):
            continue
        try:
            ident = tlscert.identity(x509.load_pem_x509_certificate(pem.encode("ascii")))
        except (ValueError, UnicodeEncodeError):
            continue
        if ident.installation_id == installation_id and ident.public_key == key and ident.not_after > now:
            return TlsIdentity(pem.encode("ascii"), seed, ident.serial)
    return None


def handshake_refusal(url: str, exc: Exception, presented: bool, answered: bool) -> UnitError | None:
    """The one-line error for a client certificate the unit refused in the TLS handshake (None: another failure).

    Under TLS 1.2 the refusal arrives as an alert in the handshake. Under TLS 1.3 the client's handshake is over
    before the server checks its certificate, so the refusal shows as a connection closed without any answer to
    the first request made over a certificate (``presented``, nothing ``answered`` yet)."""
    text = str(exc)
    for alert in _REFUSED_CERTIFICATE:
        if alert in text:
            words = alert.removeprefix("ALERT_").lower().replace("_", " ")
            return UnitError(MSG_HANDSHAKE.format(url=url, alert=words))
    if presented and not answered and "without sending a response" in text:
        return UnitError(MSG_HANDSHAKE.format(url=url, alert="the connection closed without an answer"))
    return None


def client_context(ca_file: Path | None, identity: TlsIdentity | None) -> ssl.SSLContext:
    """The client's TLS context: the unit's server certificate checked against ``ca_file`` (or the system's CAs),
    and, with ``identity``, the installation's client certificate presented to it."""
    context = ssl.create_default_context(cafile=str(ca_file) if ca_file else None)
    if identity is not None:
        load_identity(context, identity)
    return context


def load_identity(context: ssl.SSLContext, identity: TlsIdentity) -> None:
    key = Ed25519PrivateKey.from_private_bytes(identity.seed)
    if hasattr(os, "memfd_create"):
        pem = key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
        fd = os.memfd_create("casedesk-unit-tls", os.MFD_CLOEXEC)
        try:
            _write_all(fd, identity.certificate + pem)
            context.load_cert_chain(f"/proc/self/fd/{fd}")
        finally:
            os.close(fd)
        return
    password = secrets.token_bytes(32)
    sealed = key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, BestAvailableEncryption(password))
    with tempfile.TemporaryDirectory(prefix="casedesk-tls-") as folder:
        path = Path(folder) / "identity.pem"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            _write_all(fd, identity.certificate + sealed)
        finally:
            os.close(fd)
        context.load_cert_chain(str(path), password=password)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]
