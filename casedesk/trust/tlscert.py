"""X.509 for mutual TLS: the unit key as a certificate authority, and each installation's TLS client certificate.

The unit key (Ed25519, held offline by the unit administrator) signs, besides the JSON certificates of
docs/unit-trust.md, two X.509 certificates (docs/unit-trust.md, "TLS certificates"):

- the **unit CA certificate**: self-signed by the unit key, subject ``CN=<unit key name>``; every instance of the
  unit service is given it (``casedesk unit serve --client-ca``) and accepts only client certificates it signed;
- an **installation's TLS client certificate**: the installation key (the key of its JSON installation
  certificate, derived from the store key and stored nowhere) under ``CN=<installation id>``, with the JSON
  certificate's serial, so revoking the one revokes the other.

The service maps a client certificate to its installation by its subject; that is all it learns from TLS.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from casedesk.trust import certs
from casedesk.trust.unitkey import UnitKey, UnitSigner

CA_YEARS = 20
CLIENT_DAYS = 398  # a year and a month: the installation asks again (a new enrolment request) once a year
SKEW = datetime.timedelta(minutes=5)  # a laptop's clock a little behind the unit's


class TlsCertificateError(ValueError):
    """Not a certificate this module issued, or not one for what it is offered as; the message says why."""


@dataclass(frozen=True)
class ClientIdentity:
    """What a client certificate says: the installation, the certificate's serial (as the JSON certificate's:
    32 hex digits) and the installation key (64 hex digits)."""

    installation_id: str
    serial: str
    public_key: str
    not_after: datetime.datetime


def _usage(*, ca: bool) -> x509.KeyUsage:
    return x509.KeyUsage(digital_signature=not ca, key_cert_sign=ca, crl_sign=ca, content_commitment=False,
                         key_encipherment=False, data_encipherment=False, key_agreement=False,
                         encipher_only=False, decipher_only=False)


def _raw(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def ca_certificate(unit: UnitSigner, now: datetime.datetime | None = None) -> bytes:
    """The unit CA certificate (PEM), self-signed by the unit key. Made again, it is another certificate of the
    same key and name: client certificates the first one verified verify with it too."""
    when = now or datetime.datetime.now(datetime.UTC)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, unit.name),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "CaseDesk unit CA")])
    public = Ed25519PublicKey.from_public_bytes(unit.public.public_key)
    builder = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(public)
               .serial_number(x509.random_serial_number()).not_valid_before(when - SKEW)
               .not_valid_after(when + datetime.timedelta(days=365 * CA_YEARS))
               .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
               .add_extension(_usage(ca=True), critical=True)
               .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False))
    return unit.sign_x509(builder).public_bytes(Encoding.PEM)


def client_certificate(unit: UnitSigner, cert: certs.Certificate, now: datetime.datetime | None = None) -> bytes:
    """The installation's TLS client certificate (PEM) for its JSON installation certificate ``cert``."""
    if cert.kind != certs.KIND_INSTALLATION:
        raise TlsCertificateError("only an installation's certificate has a TLS client certificate")
    when = now or datetime.datetime.now(datetime.UTC)
    issuer = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, unit.name),
                        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "CaseDesk unit CA")])
    public = Ed25519PublicKey.from_public_bytes(bytes.fromhex(cert.public_key))
    unit_public = Ed25519PublicKey.from_public_bytes(unit.public.public_key)
    builder = (x509.CertificateBuilder()
               .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cert.installation_id)]))
               .issuer_name(issuer).public_key(public).serial_number(int(cert.serial, 16) or 1)
               .not_valid_before(when - SKEW).not_valid_after(when + datetime.timedelta(days=CLIENT_DAYS))
               .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
               .add_extension(_usage(ca=False), critical=True)
               .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False)
               .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(unit_public), critical=False))
    return unit.sign_x509(builder).public_bytes(Encoding.PEM)


def identity(cert: x509.Certificate) -> ClientIdentity:
    """What a client certificate names (the TLS handshake already checked it chains to the unit CA)."""
    names = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    key = cert.public_key()
    if len(names) != 1 or not isinstance(key, Ed25519PublicKey):
        raise TlsCertificateError("it is not an installation's TLS certificate of a CaseDesk unit (no installation "
                                  "name or not an Ed25519 key)")
    return ClientIdentity(str(names[0].value), f"{cert.serial_number:032x}", _raw(key).hex(),
                          cert.not_valid_after_utc)


def unit_of_ca(pem: bytes) -> UnitKey:
    """The unit key a CA certificate is of (self-signed Ed25519, ``CN=<unit key name>``): its fingerprint is the one
    the service pins."""
    try:
        cert = x509.load_pem_x509_certificate(pem)
        names = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
        key = cert.public_key()
        if len(names) != 1 or not isinstance(key, Ed25519PublicKey) or cert.issuer != cert.subject:
            raise ValueError
        key.verify(cert.signature, cert.tbs_certificate_bytes)
        return UnitKey(str(names[0].value), _raw(key))
    except (ValueError, InvalidSignature):
        raise TlsCertificateError("it is not a unit CA certificate made by `casedesk unit tls-ca`") from None


def check_client_certificate(pem: str, unit: UnitKey, installation_id: str, installation_key: str,
                             serials: set[str]) -> ClientIdentity:
    """An answer's TLS client certificate: signed by ``unit``, for this installation and its key, with the serial
    of an installation certificate in the same answer. TlsCertificateError saying what is wrong otherwise."""
    try:
        cert = x509.load_pem_x509_certificate(pem.encode("ascii"))
    except (ValueError, UnicodeEncodeError):
        raise TlsCertificateError("its TLS certificate is not a PEM certificate") from None
    try:
        Ed25519PublicKey.from_public_bytes(unit.public_key).verify(cert.signature, cert.tbs_certificate_bytes)
    except InvalidSignature:
        raise TlsCertificateError("its TLS certificate is not signed by the unit key") from None
    found = identity(cert)
    if found.installation_id != installation_id or found.public_key != installation_key:
        raise TlsCertificateError("its TLS certificate is for another installation or key than this one")
    if found.serial not in serials:
        raise TlsCertificateError("its TLS certificate's serial is not the serial of the installation certificate "
                                  "it comes with")
    return found
