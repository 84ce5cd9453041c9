"""A real PostgreSQL cluster and the real unit service over TLS, started by the tests themselves.

One throwaway cluster per test run of this package (``initdb`` in a temporary directory, listening only on a
Unix socket inside it: no TCP port to clash with anyone), one database per test module, and the service
started as its own process (``casedesk unit serve``) on 127.0.0.1 with a certificate from a throwaway CA.
PostgreSQL missing is a failure with a clear message, never a skip: a skipped sync test proves nothing.
"""

from __future__ import annotations

import datetime
import ipaddress
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


def _pg_bin() -> Path:
    """Debian's PostgreSQL server binaries (15 on bookworm; the newest installed version otherwise)."""
    if os.environ.get("CASEDESK_PG_BIN"):
        return Path(os.environ["CASEDESK_PG_BIN"])
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]))
    return found[-1].parent if found else Path("/usr/lib/postgresql/15/bin")


PG_BIN = _pg_bin()
REPO = Path(__file__).resolve().parents[2]


@dataclass
class Cluster:
    socket_dir: Path

    def url(self, database: str) -> str:
        return f"postgresql://postgres@/{database}?host={self.socket_dir}"

    def psql(self, sql: str, database: str = "postgres") -> str:
        out = subprocess.run([str(PG_BIN / "psql"), "-h", str(self.socket_dir), "-U", "postgres", "-d", database,
                              "-v", "ON_ERROR_STOP=1", "-At", "-c", sql], capture_output=True, text=True, timeout=60)
        if out.returncode != 0:
            raise RuntimeError(out.stderr.strip())
        return out.stdout.strip()

    def dump(self, database: str) -> bytes:
        """Everything the database holds (``pg_dump``: schema and every row, bytea as hex)."""
        out = subprocess.run([str(PG_BIN / "pg_dump"), "-h", str(self.socket_dir), "-U", "postgres", database],
                             capture_output=True, timeout=120)
        if out.returncode != 0:
            raise RuntimeError(out.stderr.decode(errors="replace").strip())
        return out.stdout


@pytest.fixture(scope="session")
def postgres(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    initdb, server = PG_BIN / "initdb", PG_BIN / "postgres"
    if not initdb.exists() or not server.exists():
        pytest.fail(f"PostgreSQL 15 is not installed ({initdb} missing): the unit service tests need a real "
                    "PostgreSQL; install Debian's postgresql package (scripts/bootstrap.sh does)", pytrace=False)
    base = Path(tempfile.mkdtemp(prefix="cdpg-"))  # short: a Unix socket path must stay under ~100 bytes
    data = base / "data"
    as_owner = _unprivileged(base)
    run = subprocess.run([*as_owner, str(initdb), "-D", str(data), "--auth=trust", "-U", "postgres", "--no-sync",
                          "-E", "UTF8"], capture_output=True, text=True, timeout=120)
    if run.returncode != 0:
        shutil.rmtree(base, ignore_errors=True)
        pytest.fail(f"initdb failed: {run.stderr.strip()}", pytrace=False)
    log = open(base / "postgres.log", "wb")
    proc = subprocess.Popen([*as_owner, str(server), "-D", str(data), "-k", str(base), "-c", "listen_addresses=",
                             "-c", "fsync=off", "-c", "max_connections=60"], stdout=log, stderr=subprocess.STDOUT)
    cluster = Cluster(base)
    try:
        deadline = time.monotonic() + 60
        while True:
            ready = subprocess.run([str(PG_BIN / "pg_isready"), "-h", str(base), "-U", "postgres"],
                                   capture_output=True, timeout=30)
            if ready.returncode == 0:
                break
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"PostgreSQL did not start: {(base / 'postgres.log').read_text()[-2000:]}", pytrace=False)
            time.sleep(0.2)
        yield cluster
    finally:
        proc.send_signal(signal.SIGINT)  # fast shutdown
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
        shutil.rmtree(base, ignore_errors=True)


def _unprivileged(base: Path) -> list[str]:
    """PostgreSQL refuses to run as root (CI runs as root): then it runs as the package's postgres user."""
    if os.geteuid() != 0:
        return []
    import pwd
    try:
        owner = pwd.getpwnam("postgres")
    except KeyError:
        pytest.fail("running as root and there is no postgres user to run PostgreSQL as: install Debian's "
                    "postgresql package (scripts/bootstrap.sh does)", pytrace=False)
    os.chown(base, owner.pw_uid, owner.pw_gid)
    return ["setpriv", f"--reuid={owner.pw_uid}", f"--regid={owner.pw_gid}", "--init-groups", "--"]


@dataclass
class Tls:
    ca: Path
    cert: Path
    key: Path


def make_tls(directory: Path) -> Tls:
    now = datetime.datetime.now(datetime.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "CaseDesk test unit CA")])
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
          .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(hours=1))
          .not_valid_after(now + datetime.timedelta(days=1))
          .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
          .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                       content_commitment=False, key_encipherment=False, data_encipherment=False,
                                       key_agreement=False, encipher_only=False, decipher_only=False), critical=True)
          .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
          .sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
            .issuer_name(ca_name).public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(hours=1)).not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256()))
    out = Tls(directory / "ca.pem", directory / "server.pem", directory / "server.key")
    out.ca.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    out.cert.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    out.key.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption()))
    return out


def casedesk(*args: str, env: dict[str, str] | None = None, check: bool = True,
             timeout: float = 300) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "PYTHONPATH": str(REPO), **(env or {})}
    out = subprocess.run([sys.executable, "-m", "casedesk.cli.main", *args], capture_output=True, text=True,
                         env=full_env, timeout=timeout)
    if check and out.returncode != 0:
        raise AssertionError(f"casedesk {' '.join(args)} exited {out.returncode}: {out.stderr.strip()}")
    return out


class Service:
    """One instance of the unit service in its own process; ``stop``/``start`` keep the same port."""

    def __init__(self, database: str, tls: Tls, cosigner_key: Path, log_path: Path, *extra: str) -> None:
        self.database, self.tls, self.cosigner_key, self.log_path = database, tls, cosigner_key, log_path
        self.extra = extra
        self.port = 0
        self.proc: subprocess.Popen[str] | None = None

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    def start(self) -> None:
        env = {**os.environ, "PYTHONPATH": str(REPO)}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "casedesk.cli.main", "unit", "serve", "--database", self.database,
             "--cosigner-key", str(self.cosigner_key), "--tls-cert", str(self.tls.cert), "--tls-key",
             str(self.tls.key), "--port", str(self.port), *self.extra],
            stdout=subprocess.PIPE, stderr=open(self.log_path, "a"), text=True, env=env)
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line.startswith("listening on https://127.0.0.1:"):
            self.proc.kill()
            raise AssertionError(f"the unit service did not start: {line!r} {self.log_path.read_text()[-2000:]}")
        self.port = int(line.rsplit(":", 1)[1])

    def kill(self) -> None:
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait()
            self.proc = None

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.send_signal(signal.SIGTERM)  # uvicorn's graceful shutdown
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
            self.proc = None


@dataclass
class Unit:
    cluster: Cluster
    database: str
    url_db: str
    tls: Tls
    service: Service
    cosigner_key: Path


@pytest.fixture(scope="module")
def unit(postgres: Cluster, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Unit]:
    """A fresh unit database (migrated), a cosigner key, TLS certificates and the service running."""
    name = "unit_" + uuid.uuid4().hex[:12]
    postgres.psql(f"CREATE DATABASE {name}")
    url = postgres.url(name)
    base = tmp_path_factory.mktemp("unit")
    casedesk("unit", "migrate", "--database", url)
    casedesk("unit", "cosigner-key", "--name", "casedesk.unit.test", "-o", str(base / "cosigner.key"))
    tls = make_tls(base)
    service = Service(url, tls, base / "cosigner.key", base / "service.log")
    service.start()
    try:
        yield Unit(postgres, name, url, tls, service, base / "cosigner.key")
    finally:
        service.stop()
