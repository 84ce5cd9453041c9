"""Running the unit service: the cosigner key, TLS, one listening socket, uvicorn.

One process is one stateless instance; a force runs several behind a load balancer over one PostgreSQL
(README, "Deploying the unit service"). What an instance holds in memory: the cosigner key, a pool of
database connections, and the requests in flight; nothing else.
"""

from __future__ import annotations

import base64
import binascii
import os
import socket
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

from casedesk.custody import checkpoint
from casedesk.custody.signing import Signer
from casedesk.errors import StoreError, UsageError
from casedesk.unit.app import Cosigner, create_app
from casedesk.unit.store import check_schema, engine_for

PRIVATE_PREFIX = "PRIVATE+KEY+"
KEEP_ALIVE_SECONDS = 75


def cosigner_key_text(name: str, signer: Signer) -> str:
    """The cosigner's private key as the signed-note tools write one: ``PRIVATE+KEY+name+keyID+base64``."""
    checkpoint.check_key_name(name)
    kid = checkpoint.key_id(name, checkpoint.ALG_COSIGNATURE_V1, signer.public_key).hex()
    blob = base64.b64encode(checkpoint.ALG_COSIGNATURE_V1 + signer.seed).decode("ascii")
    return f"{PRIVATE_PREFIX}{name}+{kid}+{blob}\n"


def verifier_key_text(name: str, public_key: bytes) -> str:
    """The cosigner's public (verifier) key: ``name+keyID+base64(0x04 || public key)``."""
    kid = checkpoint.key_id(name, checkpoint.ALG_COSIGNATURE_V1, public_key).hex()
    return f"{name}+{kid}+{base64.b64encode(checkpoint.ALG_COSIGNATURE_V1 + public_key).decode('ascii')}"


def write_cosigner_key(path: Path, name: str) -> Cosigner:
    """A new cosigner key in a new file (mode 0600; never replaces a file)."""
    signer = Signer.generate()
    text = cosigner_key_text(name, signer)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise UsageError(f"{path} already exists: CaseDesk never replaces a file; choose another name") from None
    with os.fdopen(fd, "w", encoding="ascii") as f:
        f.write(text)
    return Cosigner(name, signer)


def load_cosigner_key(path: Path) -> Cosigner:
    try:
        text = path.read_text("ascii").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read the cosigner key {path}: {exc.__class__.__name__}") from None
    parts = text.removeprefix(PRIVATE_PREFIX).split("+", 2)  # base64 may hold "+"; a name never does
    try:
        if not text.startswith(PRIVATE_PREFIX) or len(parts) != 3:
            raise ValueError
        raw = base64.b64decode(parts[2], validate=True)
        if len(raw) != 33 or raw[:1] != checkpoint.ALG_COSIGNATURE_V1:
            raise ValueError
        signer = Signer(raw[1:])
        if checkpoint.key_id(parts[0], checkpoint.ALG_COSIGNATURE_V1, signer.public_key).hex() != parts[1]:
            raise ValueError
    except (ValueError, binascii.Error):
        raise UsageError(f"{path} is not a cosigner key written by `casedesk unit cosigner-key`") from None
    return Cosigner(parts[0], signer)


def client_ca_fingerprint(client_ca: Path, unit_fingerprint: str | None) -> str:
    """The unit key fingerprint of the unit CA certificate (mutual TLS), which ``--unit-fingerprint`` must match."""
    from casedesk.trust import tlscert
    from casedesk.trust.unitkey import grouped, normalise_fingerprint

    try:
        unit = tlscert.unit_of_ca(client_ca.read_bytes())
    except OSError as exc:
        raise UsageError(f"cannot read the unit CA certificate {client_ca}: {exc.strerror or exc}") from None
    except tlscert.TlsCertificateError as exc:
        raise UsageError(f"{client_ca}: {exc}") from None
    if unit_fingerprint is not None and normalise_fingerprint(unit_fingerprint) != unit.fingerprint:
        raise UsageError(f"the unit CA certificate {client_ca} is of unit key {grouped(unit.fingerprint)}, not of "
                         f"the unit fingerprint given ({grouped(normalise_fingerprint(unit_fingerprint))})")
    return unit.fingerprint


def peer_certificate_protocol() -> type:
    """uvicorn's HTTP protocol, passing the client certificate of each TLS connection to the application as the
    ASGI TLS extension (``scope["extensions"]["tls"]["client_cert_chain"]``), which uvicorn does not fill."""
    import ssl

    from uvicorn.protocols.http.auto import AutoHTTPProtocol

    class PeerCertificateProtocol(AutoHTTPProtocol):  # type: ignore[misc, valid-type]
        def connection_made(self, transport: Any) -> None:
            super().connection_made(transport)
            ssl_object = transport.get_extra_info("ssl_object")
            der = ssl_object.getpeercert(binary_form=True) if ssl_object is not None else None
            chain = [ssl.DER_cert_to_PEM_cert(der)] if der else []
            inner: Any = self.__dict__["app"]  # set by uvicorn per connection (the loaded application)

            async def app(scope: Any, receive: Any, send: Any) -> None:
                if scope.get("type") == "http":
                    scope["extensions"] = {**(scope.get("extensions") or {}), "tls": {
                        "client_cert_chain": chain, "client_cert_name": None, "client_cert_error": None,
                        "server_cert": None, "tls_version": None, "cipher_suite": None}}
                await inner(scope, receive, send)

            self.app = app

    return PeerCertificateProtocol


def serve(database: str, cosigner_key: Path, host: str, port: int, tls_cert: Path, tls_key: Path,
          pool_size: int = 5, unit_fingerprint: str | None = None, teams: Path | None = None,
          client_ca: Path | None = None) -> None:
    """Serve until interrupted; prints ``listening on https://HOST:PORT`` once the socket is bound.

    ``unit_fingerprint``: the unit key's (docs/unit-trust.md); every log must then chain to it.
    ``teams``: the unit's signed team list (casedesk/trust/teams.py), checked against that fingerprint here, once.
    ``client_ca``: the unit CA certificate (mutual TLS): every request but a few must come over an installation's
    client certificate it signed (casedesk/unit/peer.py); it implies the unit fingerprint.
    """
    import ssl

    import uvicorn  # the server only where one is run: the desktop never loads it

    cosigner = load_cosigner_key(cosigner_key)
    for what, path in (("TLS certificate", tls_cert), ("TLS key", tls_key)):
        if not path.is_file():
            raise UsageError(f"the {what} {path} does not exist")
    if client_ca is not None:
        unit_fingerprint = client_ca_fingerprint(client_ca, unit_fingerprint)
    if unit_fingerprint is not None:
        from casedesk.trust.unitkey import normalise_fingerprint

        cosigner = Cosigner(cosigner.name, cosigner.signer, normalise_fingerprint(unit_fingerprint))
    if teams is not None:
        if cosigner.fingerprint is None:
            raise UsageError("--teams needs --unit-fingerprint: a team list counts only when the pinned unit key "
                             "signed it")
        from casedesk.trust import teams as team_lists

        cosigner = replace(cosigner, teams=team_lists.load(teams, cosigner.fingerprint))
    engine = engine_for(database, pool_size)
    check_schema(engine)
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        raise StoreError(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    sock.listen(128)
    bound = sock.getsockname()[1]
    app: Any = create_app(engine, cosigner)
    mutual: dict[str, Any] = {}
    if client_ca is not None:
        from casedesk.unit.peer import ClientCertificates

        app = ClientCertificates(app, engine)
        # Optional at the handshake (health and a restore's first reads need none); one that does not chain to the
        # unit CA ends the handshake; the middleware refuses every other request that comes without one.
        mutual = {"ssl_cert_reqs": ssl.CERT_OPTIONAL, "ssl_ca_certs": str(client_ca),
                  "http": peer_certificate_protocol()}
    config = uvicorn.Config(app, ssl_certfile=str(tls_cert), ssl_keyfile=str(tls_key), **mutual,
                            log_level="warning", access_log=False, timeout_graceful_shutdown=5,
                            # A client between two pushes is busy hashing its next batch: a short keep-alive
                            # closes the connection just as the next push is sent on it.
                            timeout_keep_alive=KEEP_ALIVE_SECONDS)
    print(f"listening on https://{host}:{bound}", flush=True)
    sys.stdout.flush()
    try:
        uvicorn.Server(config).run(sockets=[sock])
    finally:
        engine.dispose()
