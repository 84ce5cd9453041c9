"""Mutual TLS at the unit: every request but a few comes over its installation's client certificate.

With ``casedesk unit serve --client-ca FILE`` the TLS handshake asks each client for a certificate and accepts only
one that chains to the unit CA (the unit key's own certificate, docs/unit-trust.md "TLS certificates"); a client
that shows one that does not chain is cut off in the handshake. This middleware (plain ASGI, in front of every
route, so the endpoints need not know) then requires, before anything of the request is read:

- a client certificate at all, except on ``GET /v1/health`` and a restore's two first reads (``recovery`` and
  ``keyslots``: a wiped laptop holds no certificate yet, and those answers open only with the recovery key);
- that it names the installation of the path (``/v1/installations/{id}/...``) and of the signed
  ``CaseDesk-Installation`` header: an installation speaks to the unit over its own certificate only;
- that the unit administrator has not loaded a revocation of it (``revoked_certificates``).

Each certificate is recorded once (``client_certificates``), for the restore and for ``casedesk unit status``.
The words are in docs/sync-protocol.md, "Mutual TLS".
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from cryptography import x509
from sqlalchemy import Connection, Engine, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.exc import OperationalError
from starlette.concurrency import run_in_threadpool
from starlette.responses import JSONResponse

from casedesk.custody import wire
from casedesk.trust import tlscert
from casedesk.unit.store import client_certificates, revoked_certificates

log = logging.getLogger("casedesk.unit")

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]

MSG_NO_CERTIFICATE = ("the request came without a TLS client certificate: this unit serves only installations it "
                      "enrolled, each over the TLS certificate in the unit's enrolment answer (`casedesk enrol "
                      "request`, `casedesk unit enrol`, `casedesk enrol import`)")
MSG_NOT_INSTALLATION = "the request's TLS client certificate is not an installation's certificate of this unit: {why}"
MSG_OTHER_CERTIFICATE = ("the request is for installation {asked} but comes over the TLS certificate of installation "
                         "{cert}: an installation speaks to the unit over its own certificate only")
MSG_REVOKED = ("the TLS certificate {serial} of installation {id} was revoked by the unit ({when}: {reason}): the "
               "installation must be enrolled again")
MSG_DATABASE = "the unit database cannot be reached; try again later"

# Reached without a client certificate: the service's name and key, and what a wiped laptop reads before it holds
# anything (both answer only with files sealed under the recovery key).
OPEN_SUFFIXES = ("/recovery", "/keyslots")


def is_open(path: str) -> bool:
    return path == "/v1/health" or (path.startswith("/v1/installations/") and path.count("/") == 4
                                    and path.endswith(OPEN_SUFFIXES))


def peer_identity(scope: Scope) -> tlscert.ClientIdentity | None:
    """The client certificate of the connection (``scope["extensions"]["tls"]``, put there by the server)."""
    chain = ((scope.get("extensions") or {}).get("tls") or {}).get("client_cert_chain") or []
    if not chain:
        return None
    return tlscert.identity(x509.load_pem_x509_certificate(str(chain[0]).encode("ascii")))


def path_installation(path: str) -> str | None:
    parts = path.split("/")
    return parts[3] if len(parts) > 3 and parts[1] == "v1" and parts[2] == "installations" else None


def certificates_of(conn: Connection, installation: str) -> list[str]:
    """The installation's client certificates (PEM) the unit has seen, newest first, at most 10."""
    return [str(p) for p in conn.execute(select(client_certificates.c.pem)
                                         .where(client_certificates.c.installation_id == installation)
                                         .order_by(client_certificates.c.id.desc()).limit(10)).scalars()]


class ClientCertificates:
    """The middleware (see the module's doc)."""

    def __init__(self, app: App, engine: Engine) -> None:
        self.app, self.engine = app, engine
        self.recorded: set[str] = set()  # serials known to be in client_certificates (a cache of the database)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or is_open(scope["path"]):
            await self.app(scope, receive, send)
            return
        refusal = await self.refusal(scope)
        if refusal is not None:
            await refusal(scope, receive, send)
            return
        await self.app(scope, receive, send)

    async def refusal(self, scope: Scope) -> JSONResponse | None:
        try:
            found = peer_identity(scope)
        except (ValueError, tlscert.TlsCertificateError) as exc:
            return JSONResponse({"error": MSG_NOT_INSTALLATION.format(why=exc)}, status_code=403)
        if found is None:
            return JSONResponse({"error": MSG_NO_CERTIFICATE}, status_code=403)
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers") or []}
        for asked in (path_installation(scope["path"]), headers.get(wire.HEADER_INSTALLATION.lower())):
            if asked is not None and asked != found.installation_id:
                return JSONResponse({"error": MSG_OTHER_CERTIFICATE.format(asked=asked, cert=found.installation_id)},
                                    status_code=403)
        chain = scope["extensions"]["tls"]["client_cert_chain"]
        try:
            revoked = await run_in_threadpool(self.check, found, str(chain[0]))
        except OperationalError:
            log.exception("unit database error")
            return JSONResponse({"error": MSG_DATABASE}, status_code=503)
        if revoked is not None:
            log.warning("request over revoked TLS certificate %s of installation %s", found.serial,
                        found.installation_id)
            return JSONResponse({"error": MSG_REVOKED.format(serial=found.serial, id=found.installation_id,
                                                             when=revoked[0], reason=revoked[1])}, status_code=403)
        return None

    def check(self, found: tlscert.ClientIdentity, pem: str) -> tuple[str, str] | None:
        """(revoked at, reason) when the unit holds a revocation of the certificate; records it once otherwise."""
        with self.engine.begin() as conn:
            row = conn.execute(select(revoked_certificates.c.revoked_at, revoked_certificates.c.reason)
                               .where(revoked_certificates.c.serial == found.serial)).first()
            if row is not None:
                return str(row.revoked_at), str(row.reason)
            if found.serial not in self.recorded:
                conn.execute(pg_insert(client_certificates).values(
                    installation_id=found.installation_id, serial=found.serial, public_key=found.public_key,
                    pem=pem).on_conflict_do_nothing())
        self.recorded.add(found.serial)
        return None
