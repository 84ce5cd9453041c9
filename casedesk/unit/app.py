"""The unit's HTTP application (Starlette): three routes, every one stateless over the unit store.

``GET /v1/health``, ``GET /v1/installations/{id}/checkpoint``, ``POST /v1/installations/{id}/push``
(docs/sync-protocol.md). Requests are signed by the syncing user's custody key (``casedesk.custody.wire``);
the unit checks that key against the roles and keys the installation's own log establishes. Endpoints are
plain functions: Starlette runs them on its thread pool, each in its own database transaction.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import logging
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from nacl.bindings import crypto_sign_open
from nacl.exceptions import BadSignatureError, CryptoError
from sqlalchemy import Connection, Engine, insert, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.exc import OperationalError
from starlette.applications import Starlette
from starlette.concurrency import iterate_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from casedesk.custody import checkpoint, conflicts, keybook, projection, statement, wire
from casedesk.custody.signing import Signer
from casedesk.trust.teams import TeamList
from casedesk.unit import access, escrow, handover, objects, peer, review, verify
from casedesk.unit.store import ROW_COLUMNS, checkpoints, entries, installations, rejected_segments, review_statements

log = logging.getLogger("casedesk.unit")

MAX_BODY = 64 * 1024 * 1024
MSG_UNSIGNED = "the request is not signed: it needs the headers {headers}"
MSG_CLOCK = ("the request's time differs from the unit's clock by more than {tol} s: set the computer's clock "
             "right and sync again")
MSG_BAD_SIGNATURE = "the request's signature does not verify with the key it names"
MSG_OTHER_INSTALLATION = "the request is signed for another installation than the one in its path"
MSG_TOO_LARGE = "the request is larger than {mib} MiB"
MSG_DATABASE = "the unit database cannot be reached; try again later"
MAX_STATEMENT = 1024 * 1024  # a review read or statement: a statement's text is a comment, not a file


@dataclass(frozen=True)
class Cosigner:
    name: str
    signer: Signer
    # The unit key's fingerprint (docs/unit-trust.md): when set, every log must chain to it, and an installation
    # whose log carries the unit's certificate needs no registration by hand.
    fingerprint: str | None = None
    # The unit's signed team list (casedesk/trust/teams.py): when set, another installation's case is served
    # only to a supervisor whom a team of the list names beside that installation.
    teams: TeamList | None = None


@dataclass(frozen=True)
class Caller:
    installation: str
    user: str
    key: str


class Refused(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


def _error(status: int, message: str, **extra: Any) -> JSONResponse:
    return JSONResponse({"error": message, **extra}, status_code=status)


def authenticate(method: str, path: str, headers: Any, body: bytes, installation: str,
                 body_sha256: str | None = None) -> Caller:
    """The signed request's caller; the key is checked against the log by each endpoint.

    ``body_sha256``: what the request signs in place of the body's SHA-256 (an object part's: ``wire.part_sha256``).
    """
    names = (wire.HEADER_INSTALLATION, wire.HEADER_USER, wire.HEADER_KEY, wire.HEADER_TIME, wire.HEADER_SIGNATURE)
    values = [headers.get(n) for n in names]
    if any(v is None for v in values):
        raise Refused(401, MSG_UNSIGNED.format(headers=", ".join(names)))
    inst, user, key, stamp, signature = values
    if inst != installation:
        raise Refused(401, MSG_OTHER_INSTALLATION)
    try:
        when = int(stamp)
        public, sig = bytes.fromhex(key), bytes.fromhex(signature)
    except ValueError:
        raise Refused(401, MSG_BAD_SIGNATURE) from None
    if abs(time.time() - when) > wire.CLOCK_TOLERANCE_SECONDS:
        raise Refused(401, MSG_CLOCK.format(tol=wire.CLOCK_TOLERANCE_SECONDS))
    digest = hashlib.sha256(body).hexdigest() if body_sha256 is None else body_sha256
    message = wire.signed_message(method, path, inst, user, when, digest)
    try:
        if len(public) != 32 or len(sig) != 64:
            raise ValueError
        crypto_sign_open(sig + message, public)
    except (BadSignatureError, CryptoError, ValueError):
        raise Refused(401, MSG_BAD_SIGNATURE) from None
    return Caller(inst, user, key)


def _held(conn: Connection, installation: str) -> list[tuple[Any, ...]]:
    cols = [entries.c[name] for name in ROW_COLUMNS]
    query = select(*cols).where(entries.c.installation_id == installation).order_by(entries.c.seq)
    return [tuple(r) for r in conn.execute(query)]


def _last_checkpoint(conn: Connection, installation: str) -> Any:
    return conn.execute(
        select(checkpoints.c.tree_size, checkpoints.c.root, checkpoints.c.note, checkpoints.c.cosigned_at)
        .where(checkpoints.c.installation_id == installation)
        .order_by(checkpoints.c.tree_size.desc(), checkpoints.c.id.desc()).limit(1)).first()


def _registered(conn: Connection, installation: str, lock: bool = False, enrolled: Sequence[Any] | None = None,
                fingerprint: str | None = None) -> Any:
    """The installation's row (locked for a push). With a pinned unit key, a first push registers its
    installation from the log itself (``enrolled``: the pushed rows); the push's checks then require the unit's
    certificate, and a refusal rolls the registration back with everything else."""
    query = select(installations.c.genesis_key).where(installations.c.installation_id == installation)
    row = conn.execute(query.with_for_update() if lock else query).first()
    if row is None and fingerprint is not None and enrolled:
        genesis = verify.genesis_key_of(enrolled)
        if genesis is not None and enrolled[0][0] == 1:
            conn.execute(pg_insert(installations).values(
                installation_id=installation, genesis_key=genesis, label="enrolled installation",
                registered_by=f"its certificate from unit key {fingerprint[:16]}").on_conflict_do_nothing())
            row = conn.execute(query.with_for_update()).first()
    if row is None:
        raise Refused(403, verify.MSG_NOT_REGISTERED.format(id=installation))
    return row


def _check_reader(held: Sequence[Sequence[Any]], caller: Caller, key_too: bool = True) -> None:
    """The caller is an enabled account of the installation in the log the unit holds (anyone while it holds
    nothing) and, with ``key_too``, signed with the key that log registers for them now.

    The checkpoint read asks only for the account: a checkpoint (size, root, cosignature) is no secret, and an
    officer whose key was replaced since the last sync (a password reset) must be able to start one; the push
    that follows checks the key against the log with the pushed entries, which register the new key.
    """
    if not held:
        return
    users = projection.replay(held).users
    fact = users.get(caller.user)
    current = keybook.build_registry(held)[0].key_for(caller.user, len(held) + 1) if key_too else caller.key
    if current != caller.key or fact is None or fact.disabled:
        raise Refused(403, verify.MSG_REQUESTER.format(user=caller.user, key=caller.key[:16] + "...",
                                                       id=caller.installation))


class _Accounts:
    """Who may send objects: the enabled accounts and their current keys at the end of the log the unit holds.

    Replaying a long log for every part of every object would cost more than the part; the answer depends only
    on the entries held, so it is kept per (installation, tree size, last entry hash): a cache of what the
    database says, read again whenever the log grows. It is the only thing an instance keeps between requests.
    """

    def __init__(self, limit: int = 256) -> None:
        self.limit = limit
        self.known: dict[tuple[str, int, str], frozenset[tuple[str, str]]] = {}
        self.lock = threading.Lock()

    def check(self, conn: Connection, caller: Caller) -> None:
        last = conn.execute(select(entries.c.seq, entries.c.entry_hash)
                            .where(entries.c.installation_id == caller.installation)
                            .order_by(entries.c.seq.desc()).limit(1)).first()
        if last is None:
            raise Refused(403, verify.MSG_REQUESTER.format(user=caller.user, key=caller.key[:16] + "...",
                                                           id=caller.installation))
        tag = (caller.installation, int(last.seq), str(last.entry_hash))
        with self.lock:
            allowed = self.known.get(tag)
        if allowed is None:
            held = _held(conn, caller.installation)
            registry = keybook.build_registry(held)[0]
            allowed = frozenset((name, key) for name, fact in projection.replay(held).users.items()
                                if not fact.disabled and (key := registry.key_for(name, len(held) + 1)) is not None)
            with self.lock:
                if len(self.known) >= self.limit:
                    self.known.pop(next(iter(self.known)))
                self.known[tag] = allowed
        if (caller.user, caller.key) not in allowed:
            raise Refused(403, verify.MSG_REQUESTER.format(user=caller.user, key=caller.key[:16] + "...",
                                                           id=caller.installation))


def create_app(engine: Engine, cosigner: Cosigner) -> Starlette:
    accounts = _Accounts()
    readers = access.CaseReaders()  # who may read which case: served case material is checked against it

    def health(request: Request) -> JSONResponse:
        return JSONResponse({"ok": True, "cosigner": cosigner.name, "cosigner_key": cosigner.signer.public_hex})

    async def checkpoint_route(request: Request) -> JSONResponse:
        installation = request.path_params["installation"]
        body = await request.body()
        try:
            caller = authenticate("GET", request.url.path, request.headers, body, installation)
            return await _run(lambda: _read_checkpoint(engine, caller, cosigner.fingerprint))
        except Refused as exc:
            return _error(exc.status, exc.message)

    async def push_route(request: Request) -> JSONResponse:
        installation = request.path_params["installation"]
        declared = request.headers.get("content-length") or "0"
        if not declared.isdigit() or int(declared) > MAX_BODY:
            return _error(413, MSG_TOO_LARGE.format(mib=MAX_BODY >> 20))
        body = await request.body()
        if len(body) > MAX_BODY:
            return _error(413, MSG_TOO_LARGE.format(mib=MAX_BODY >> 20))
        try:
            caller = authenticate("POST", request.url.path, request.headers, body, installation)
            return await _run(lambda: _push(engine, cosigner, caller, body))
        except Refused as exc:
            return _error(exc.status, exc.message)

    async def object_part_route(request: Request) -> JSONResponse:
        installation, name = request.path_params["installation"], request.path_params["name"]
        offset = request.path_params["offset"]
        declared = request.headers.get("content-length") or "0"
        if not declared.isdigit() or int(declared) > wire.PART_BYTES:
            return _error(413, MSG_TOO_LARGE.format(mib=wire.PART_BYTES >> 20))
        body = await request.body()
        if len(body) > wire.PART_BYTES:
            return _error(413, MSG_TOO_LARGE.format(mib=wire.PART_BYTES >> 20))
        raw = request.headers.get(wire.HEADER_OBJECT)
        try:
            caller = authenticate("PUT", request.url.path, request.headers, body, installation,
                                  wire.part_sha256(raw or "", body))
            return await _run(lambda: _put_part(engine, accounts, caller, name, int(offset), raw, body))
        except Refused as exc:
            return _error(exc.status, exc.message)

    async def object_status_route(request: Request) -> JSONResponse:
        installation = request.path_params["installation"]
        body = await request.body()
        if len(body) > MAX_BODY:
            return _error(413, MSG_TOO_LARGE.format(mib=MAX_BODY >> 20))
        try:
            caller = authenticate("POST", request.url.path, request.headers, body, installation)
            return await _run(lambda: _object_status(engine, accounts, caller, body))
        except Refused as exc:
            return _error(exc.status, exc.message)

    async def escrow_route(request: Request) -> JSONResponse:
        installation = request.path_params["installation"]
        body = await request.body()
        if len(body) > escrow.MAX_ESCROW:
            return _error(413, MSG_TOO_LARGE.format(mib=escrow.MAX_ESCROW >> 20))
        try:
            caller = authenticate("PUT", request.url.path, request.headers, body, installation)
            return await _run(lambda: _escrow(engine, accounts, caller, body))
        except Refused as exc:
            return _error(exc.status, exc.message)

    async def recovery_route(request: Request) -> JSONResponse:
        installation = request.path_params["installation"]
        return await _run(lambda: _recovery(engine, installation))

    async def keyslots_route(request: Request) -> JSONResponse:
        installation = request.path_params["installation"]
        token = request.headers.get(wire.HEADER_ESCROW_TOKEN)
        return await _run(lambda: _keyslots(engine, installation, token))

    async def entries_route(request: Request) -> JSONResponse:
        installation, after = request.path_params["installation"], int(request.path_params["after"])
        try:
            caller = authenticate("GET", request.url.path, request.headers, await request.body(), installation)
            return await _run(lambda: _entries(engine, accounts, caller, after))
        except Refused as exc:
            return _error(exc.status, exc.message)

    async def objects_route(request: Request) -> JSONResponse:
        installation = request.path_params["installation"]
        try:
            caller = authenticate("GET", request.url.path, request.headers, await request.body(), installation)
            return await _run(lambda: _object_list(engine, accounts, readers, caller))
        except Refused as exc:
            return _error(exc.status, exc.message)

    async def object_route(request: Request) -> Response:
        installation, name = request.path_params["installation"], request.path_params["name"]
        try:
            caller = authenticate("GET", request.url.path, request.headers, await request.body(), installation)
            declaration, source = await _run_value(
                lambda: _object_declaration(engine, accounts, readers, caller, name))
        except (Refused, access.NotReader) as exc:
            return _error(exc.status, exc.message)
        except OperationalError:
            return _error(503, MSG_DATABASE)

        def parts() -> Iterator[bytes]:
            with engine.connect() as conn:
                yield from objects.parts_of(conn, source, name)

        return StreamingResponse(iterate_in_threadpool(parts()), media_type="application/octet-stream",
                                 headers={wire.HEADER_OBJECT: declaration})

    async def review_route(request: Request) -> JSONResponse:
        installation = request.path_params["installation"]
        other, case = request.path_params["other"], request.path_params["case"]
        body = await request.body()
        if len(body) > MAX_STATEMENT:
            return _error(413, MSG_TOO_LARGE.format(mib=MAX_STATEMENT >> 20))
        try:
            caller = authenticate(request.method, request.url.path, request.headers, body, installation)
            if request.method == "POST":
                return await _run(lambda: _take_statement(engine, cosigner, caller, other, case, body))
            return await _run(lambda: _review(engine, cosigner, caller, other, case))
        except Refused as exc:
            return _error(exc.status, exc.message)

    async def statements_route(request: Request) -> JSONResponse:
        installation, after = request.path_params["installation"], int(request.path_params["after"])
        try:
            caller = authenticate("GET", request.url.path, request.headers, await request.body(), installation)
            return await _run(lambda: _statements(engine, accounts, caller, after))
        except Refused as exc:
            return _error(exc.status, exc.message)

    async def forks_route(request: Request) -> JSONResponse:
        installation, after = request.path_params["installation"], int(request.path_params["after"])
        try:
            caller = authenticate("GET", request.url.path, request.headers, await request.body(), installation)
            return await _run(lambda: _forks(engine, accounts, caller, after))
        except Refused as exc:
            return _error(exc.status, exc.message)

    # --- handing a case over (unit/handover.py) ---
    async def officer_route(request: Request) -> JSONResponse:
        installation = request.path_params["installation"]
        other, user = request.path_params["other"], request.path_params["user"]
        try:
            caller = authenticate("GET", request.url.path, request.headers, await request.body(), installation)
            return await _run(lambda: _officer(engine, accounts, cosigner, caller, other, user))
        except Refused as exc:
            return _error(exc.status, exc.message)

    async def handover_route(request: Request) -> JSONResponse:
        installation = request.path_params["installation"]
        other, case = request.path_params["other"], request.path_params["case"]
        try:
            caller = authenticate("GET", request.url.path, request.headers, await request.body(), installation)
            return await _run(lambda: _handover(engine, accounts, cosigner, caller, other, case))
        except Refused as exc:
            return _error(exc.status, exc.message)

    async def handover_object_route(request: Request) -> Response:
        installation = request.path_params["installation"]
        other, name = request.path_params["other"], request.path_params["name"]
        try:
            caller = authenticate("GET", request.url.path, request.headers, await request.body(), installation)
            declaration, source = await _run_value(lambda: _handover_object(engine, accounts, caller, other, name))
        except Refused as exc:
            return _error(exc.status, exc.message)
        except OperationalError:
            return _error(503, MSG_DATABASE)

        def parts() -> Iterator[bytes]:
            with engine.connect() as conn:
                yield from objects.parts_of(conn, source, name)

        return StreamingResponse(iterate_in_threadpool(parts()), media_type="application/octet-stream",
                                 headers={wire.HEADER_OBJECT: declaration})

    return Starlette(routes=[
        Route("/v1/health", health, methods=["GET"]),
        Route("/v1/installations/{installation}/officers/{other}/{user}", officer_route, methods=["GET"]),
        Route("/v1/installations/{installation}/handover/{other}/objects/{name}", handover_object_route,
              methods=["GET"]),
        Route("/v1/installations/{installation}/handover/{other}/{case:path}", handover_route, methods=["GET"]),
        Route("/v1/installations/{installation}/review/{other}/{case:path}", review_route, methods=["GET", "POST"]),
        Route("/v1/installations/{installation}/statements/{after:int}", statements_route, methods=["GET"]),
        Route("/v1/installations/{installation}/forks/{after:int}", forks_route, methods=["GET"]),
        Route("/v1/installations/{installation}/escrow", escrow_route, methods=["PUT"]),
        Route("/v1/installations/{installation}/recovery", recovery_route, methods=["GET"]),
        Route("/v1/installations/{installation}/keyslots", keyslots_route, methods=["GET"]),
        Route("/v1/installations/{installation}/entries/{after:int}", entries_route, methods=["GET"]),
        Route("/v1/installations/{installation}/objects", objects_route, methods=["GET"]),
        Route("/v1/installations/{installation}/objects/{name}", object_route, methods=["GET"]),
        Route("/v1/installations/{installation}/objects/status", object_status_route, methods=["POST"]),
        Route("/v1/installations/{installation}/objects/{name}/{offset:int}", object_part_route, methods=["PUT"]),
        Route("/v1/installations/{installation}/checkpoint", checkpoint_route, methods=["GET"]),
        Route("/v1/installations/{installation}/push", push_route, methods=["POST"]),
    ])


async def _run_value(work: Any) -> Any:
    from starlette.concurrency import run_in_threadpool
    return await run_in_threadpool(work)


async def _run(work: Any) -> JSONResponse:
    from starlette.concurrency import run_in_threadpool
    try:
        result: JSONResponse = await run_in_threadpool(work)
    except OperationalError:
        log.exception("unit database error")
        return _error(503, MSG_DATABASE)
    return result


def _read_checkpoint(engine: Engine, caller: Caller, fingerprint: str | None) -> JSONResponse:
    with engine.begin() as conn:
        try:
            _registered(conn, caller.installation)
        except Refused:
            if fingerprint is None:
                raise
            # Not yet held: its first push may register it from its certificate.
            return JSONResponse({"tree_size": 0, "root": None, "checkpoint": None, "cosigned_at": None})
        held = _held(conn, caller.installation)
        _check_reader(held, caller, key_too=False)
        last = _last_checkpoint(conn, caller.installation)
    if last is None:
        return JSONResponse({"tree_size": 0, "root": None, "checkpoint": None, "cosigned_at": None})
    return JSONResponse({"tree_size": last.tree_size, "root": last.root, "checkpoint": last.note,
                         "cosigned_at": last.cosigned_at})


def _parse_push(body: bytes) -> tuple[list[tuple[Any, ...]], Any, Any, Any]:
    try:
        doc = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise verify.Rejection(verify.MSG_SHAPE.format(detail="the body is not JSON in UTF-8"), 400) from None
    if not isinstance(doc, dict) or not isinstance(doc.get("entries"), list):
        raise verify.Rejection(verify.MSG_SHAPE.format(detail="no list of entries"), 400)
    if len(doc["entries"]) > verify.MAX_ENTRIES:
        raise verify.Rejection(verify.MSG_SHAPE.format(detail=f"more than {verify.MAX_ENTRIES} entries"), 400)
    rows = [verify.row_from_json(item) for item in doc["entries"]]
    if any(b[0] != a[0] + 1 for a, b in itertools.pairwise(rows)):
        raise verify.Rejection(verify.MSG_SHAPE.format(detail="the entries are not numbered consecutively"), 400)
    proof_from = doc.get("proof_from")
    if proof_from is not None and (type(proof_from) is not int or proof_from < 0):
        raise verify.Rejection(verify.MSG_SHAPE.format(detail="proof_from is not a tree size"), 400)
    return rows, doc.get("checkpoint"), doc.get("proof"), proof_from


def _proof_base(conn: Connection, installation: str, proof_from: Any, last: Any) -> tuple[int, str] | bool | None:
    """The cosigned checkpoint the client's consistency proof starts from (False: the last one)."""
    if proof_from is None:
        return False
    if proof_from == 0:
        return None
    root = conn.execute(select(checkpoints.c.root).where(checkpoints.c.installation_id == installation,
                                                         checkpoints.c.tree_size == proof_from).limit(1)).scalar()
    if root is None:
        raise verify.Rejection(verify.MSG_PROOF_FROM.format(size=proof_from))
    return int(proof_from), str(root)


def _push(engine: Engine, cosigner: Cosigner, caller: Caller, body: bytes) -> JSONResponse:
    first: int | None = None
    count = 0
    try:
        with engine.begin() as conn:
            rows, note_text, proof, proof_from = _parse_push(body)
            first, count = (rows[0][0] if rows else None), len(rows)
            # One push per installation at a time, whichever instance serves it: the row lock serialises them.
            row = _registered(conn, caller.installation, True, rows, cosigner.fingerprint)
            held = _held(conn, caller.installation)
            last = _last_checkpoint(conn, caller.installation)
            if last is not None and verify.already_held(held, rows):
                # Overtaken by another sync of this installation: nothing to store; the answer is where the
                # unit stands, and the client goes on from there.
                _check_reader(held, caller)
                return JSONResponse({"tree_size": last.tree_size, "root": last.root, "stored": 0,
                                     "checkpoint": last.note, "cosigned_at": last.cosigned_at})
            base = _proof_base(conn, caller.installation, proof_from, last)
            done = verify.verify_push(caller.installation, row.genesis_key, held, rows,
                                      None if last is None else (last.tree_size, last.root),
                                      caller.user, caller.key, note_text, proof, cosigner.fingerprint, base)
            unknown = review.unknown_statement(lambda ids: _statement_digests(conn, caller.installation, ids),
                                               caller.installation, done.new_rows)
            if unknown is None:  # a case taken in (or back) names a hand-over the unit holds (unit/handover.py)
                unknown = handover.unknown_handover(conn, caller.installation, done.new_rows)
            if unknown is not None:
                refusal = verify.Rejection(unknown)
                refusal.authenticated = True  # the requester passed row 8: the segment is kept as evidence
                raise refusal
            stamp = int(time.time())
            cosig = checkpoint.cosign(done.note.text, cosigner.name, cosigner.signer, stamp)
            note = done.note.with_signature(cosig).render()
            cp_id = conn.execute(insert(checkpoints).values(
                installation_id=caller.installation, tree_size=done.tree_size, root=done.root.hex(), note=note,
                cosigned_at=stamp, pushed_by=caller.user, stored=len(done.new_rows)).returning(checkpoints.c.id)
            ).scalar_one()
            _copy_entries(conn, caller.installation, cp_id, done.new_rows)
    except Refused as exc:
        return _error(exc.status, exc.message)
    except verify.Rejection as exc:
        if not exc.keep or not (exc.authenticated or _known_caller(engine, caller)):
            # A caller the installation's log does not know cannot fill the store with what it sends.
            return _error(exc.status, exc.message)
        kept = _keep_rejected(engine, caller, exc.message, first, count, body)
        log.warning("push refused for installation %s: %s", caller.installation, exc.message)
        return _error(exc.status, exc.message, kept_as=kept)
    log.info("push: installation %s, %d entries stored, tree size %d", caller.installation,
             len(done.new_rows), done.tree_size)
    return JSONResponse({"tree_size": done.tree_size, "root": done.root.hex(), "stored": len(done.new_rows),
                         "checkpoint": note, "cosigned_at": stamp})


def _statement_digests(conn: Connection, installation: str, ids: Sequence[int]) -> list[tuple[int, str]]:
    """(id, SHA-256) of the review statements kept about ``installation`` among ``ids``."""
    rows = conn.execute(select(review_statements.c.id, review_statements.c.statement_sha256)
                        .where(review_statements.c.installation_id == installation,
                               review_statements.c.id.in_(list(ids))))
    return [(int(r.id), str(r.statement_sha256)) for r in rows]


def _copy_entries(conn: Connection, installation: str, cp_id: int, rows: Sequence[Sequence[Any]]) -> None:
    """PostgreSQL COPY in the push's own transaction: the rows were verified, and COPY is the fast way in."""
    if not rows:
        return
    raw = conn.connection.driver_connection
    assert raw is not None
    columns = ", ".join(f'"{c}"' for c in ("installation_id", *ROW_COLUMNS, "checkpoint_id"))
    with raw.cursor() as cur, cur.copy(f"COPY entries ({columns}) FROM STDIN") as copy:
        for r in rows:
            copy.write_row((installation, *r, cp_id))


def _put_part(engine: Engine, accounts: _Accounts, caller: Caller, name: str, offset: int, raw: str | None,
              body: bytes) -> JSONResponse:
    try:
        with engine.begin() as conn:
            _registered(conn, caller.installation)
            accounts.check(conn, caller)
            declaration = objects.parse_declaration(raw)
            done = objects.put_part(conn, caller.installation, caller.user, name, offset, declaration, body)
    except objects.ObjectRefusal as exc:
        if not exc.keep:
            return _error(exc.status, exc.message, **exc.extra)
        kept = objects.keep_refused(engine, caller.installation, caller.user, caller.key, exc.message, name,
                                    offset, raw or "", body)
        log.warning("object refused for installation %s: %s", caller.installation, exc.message)
        return _error(exc.status, exc.message, kept_as=kept)
    return JSONResponse({"received": done.received, "held": done.held})


def _object_status(engine: Engine, accounts: _Accounts, caller: Caller, body: bytes) -> JSONResponse:
    try:
        doc = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        doc = None
    names = doc.get("names") if isinstance(doc, dict) else None
    if (not isinstance(names, list) or len(names) > objects.MAX_STATUS_NAMES
            or not all(isinstance(n, str) and objects.HEX64.match(n) for n in names)):
        return _error(400, objects.MSG_SHAPE.format(
            detail=f"a status request is {{\"names\": [at most {objects.MAX_STATUS_NAMES} object names]}}"))
    with engine.begin() as conn:
        _registered(conn, caller.installation)
        accounts.check(conn, caller)
        found = objects.status(conn, caller.installation, names)
        received = handover.received_objects(conn, caller.installation)  # held under the installation it came from
        for name in names:
            if name in received and name not in found:
                found[name] = {"received": int(json.loads(received[name][1])["stored_size"]), "held": True}
        return JSONResponse({"objects": found})


def _escrow(engine: Engine, accounts: _Accounts, caller: Caller, body: bytes) -> JSONResponse:
    try:
        token, slots, recovery = escrow.parse(body, caller.installation)
    except escrow.EscrowRefusal as exc:
        return _error(exc.status, exc.message)
    with engine.begin() as conn:
        _registered(conn, caller.installation)
        accounts.check(conn, caller)
        stored = escrow.store(conn, caller.installation, caller.user, token, slots, recovery)
    return JSONResponse({"stored": stored})


def _recovery(engine: Engine, installation: str) -> JSONResponse:
    try:
        with engine.connect() as conn:
            return JSONResponse({"recoveries": escrow.recovery_files(conn, installation)})
    except escrow.EscrowRefusal as exc:
        return _error(exc.status, exc.message)


def _keyslots(engine: Engine, installation: str, token: str | None) -> JSONResponse:
    try:
        with engine.connect() as conn:
            slots = escrow.key_slots(conn, installation, token)  # a list, newest first
            # With them, the installation's TLS client certificates (mutual TLS): a wiped laptop holds none.
            return JSONResponse({"keyslots": slots, "tls_certificates": peer.certificates_of(conn, installation)})
    except escrow.EscrowRefusal as exc:
        return _error(exc.status, exc.message)


def _entries(engine: Engine, accounts: _Accounts, caller: Caller, after: int) -> JSONResponse:
    """Up to ``verify.MAX_ENTRIES`` entries from entry ``after + 1``, for a restore (as pushed: wire.row_to_json).

    The log is the installation's, whole, as every account of it reads it on the laptop; the content of a case
    (its evidence) is served only to those who may read the case (``_object_declaration``, access.py)."""
    with engine.connect() as conn:
        _registered(conn, caller.installation)
        accounts.check(conn, caller)
        cols = [entries.c[name] for name in ROW_COLUMNS]
        rows = conn.execute(select(*cols).where(entries.c.installation_id == caller.installation,
                                                entries.c.seq > after)
                            .order_by(entries.c.seq).limit(verify.MAX_ENTRIES)).all()
    return JSONResponse({"entries": [wire.row_to_json(tuple(r)) for r in rows]})


def _object_list(engine: Engine, accounts: _Accounts, readers: access.CaseReaders, caller: Caller) -> JSONResponse:
    """The objects held, of the cases the caller may read now (access.py)."""
    with engine.connect() as conn:
        _registered(conn, caller.installation)
        accounts.check(conn, caller)
        own = objects.held(conn, caller.installation)
        mine = {o["name"] for o in own}
        received = [{"name": name, "declaration": decl} for name, (_, decl)
                    in sorted(handover.received_objects(conn, caller.installation).items()) if name not in mine]
        listed = own + received
        # Only the objects of the cases the caller may read now (access.py).
        keep = readers.filter(conn, caller.installation, caller.user,
                              [str(json.loads(o["declaration"]).get("case")) for o in listed])
    return JSONResponse({"objects": [o for o, ok in zip(listed, keep, strict=True) if ok]})


def _object_declaration(engine: Engine, accounts: _Accounts, readers: access.CaseReaders, caller: Caller,
                        name: str) -> tuple[str, str]:
    """(the object's declaration, the installation it is held under: the caller's, or the one that handed over
    the case of an exhibit the caller's installation received), to a caller who may read its case now."""
    with engine.connect() as conn:
        _registered(conn, caller.installation)
        accounts.check(conn, caller)
        found = objects.declaration_of(conn, caller.installation, name)
        if found is not None:
            source = caller.installation
        else:
            received = handover.received_objects(conn, caller.installation).get(name)
            if received is None:
                raise Refused(404, objects.MSG_NOT_HELD.format(name=name))
            source, found = received[0], received[1]
        readers.check(conn, caller.installation, caller.user, str(json.loads(found).get("case")))
    return found, source


def check_team(cosigner: Cosigner, caller: Caller, other: str) -> None:
    """With a team list, the caller (already a supervisor by their log) must supervise a team holding ``other``."""
    if cosigner.teams is not None:
        refusal = cosigner.teams.refusal(caller.installation, caller.user, other)
        if refusal is not None:
            raise review.ReviewRefusal(403, refusal)


def _review(engine: Engine, cosigner: Cosigner, caller: Caller, other: str, case: str) -> JSONResponse:
    """A case of installation ``other`` for a supervisor of the requesting installation (unit/review.py)."""
    try:
        with engine.connect() as conn:
            _registered(conn, caller.installation)
            review.check_supervisor(_held(conn, caller.installation), caller.installation, caller.user, caller.key)
            check_team(cosigner, caller, other)
            _registered(conn, other)
            last = _last_checkpoint(conn, other)
            # Read after the checkpoint: a push that commits in between adds entries beyond it, left out here.
            held = _held(conn, other)[: last.tree_size] if last is not None else []
    except review.ReviewRefusal as exc:
        return _error(exc.status, exc.message)
    if last is None or not held:
        return _error(404, review.MSG_NO_CASE.format(case=case, id=other))
    try:
        text = review.case_export(held, other, case, cosigner.name, cosigner.signer)
    except review.ReviewRefusal as exc:
        return _error(exc.status, exc.message)
    log.info("review: case %s of installation %s served to %s of installation %s", case, other, caller.user,
             caller.installation)
    return JSONResponse({"export": text, "checkpoint": last.note, "tree_size": last.tree_size})


def _officer(engine: Engine, accounts: _Accounts, cosigner: Cosigner, caller: Caller, other: str,
             user: str) -> JSONResponse:
    """The unit's signed word on ``user`` of installation ``other``, for an enabled account of the caller's."""
    try:
        with engine.connect() as conn:
            _registered(conn, caller.installation)
            accounts.check(conn, caller)
            _registered(conn, other)
            last = _last_checkpoint(conn, other)
            held = _held(conn, other)[: last.tree_size] if last is not None else []
        return JSONResponse(handover.officer_statement(held, other, user, cosigner.signer))
    except handover.HandoverRefusal as exc:
        return _error(exc.status, exc.message)


def _handover(engine: Engine, accounts: _Accounts, cosigner: Cosigner, caller: Caller, other: str,
              case: str) -> JSONResponse:
    """Case ``case`` of installation ``other``, for the officer of the caller's installation it was handed to."""
    try:
        with engine.connect() as conn:
            _registered(conn, caller.installation)
            accounts.check(conn, caller)
            _registered(conn, other)
            last = _last_checkpoint(conn, other)
            found = handover.handovers_to(conn, other, case, caller.installation, caller.user)
            if last is None or not found:
                raise handover.HandoverRefusal(404, handover.MSG_NO_HANDOVER.format(
                    case=case, other=other, user=caller.user, id=caller.installation))
            held = handover.held_rows(conn, other, last.tree_size)
            listing = handover.case_objects(conn, other, case)
        text = review.case_export(held, other, case, cosigner.name, cosigner.signer)
    except (handover.HandoverRefusal, review.ReviewRefusal) as exc:
        return _error(exc.status, exc.message)
    log.info("hand-over: case %s of installation %s served to %s of installation %s", case, other, caller.user,
             caller.installation)
    return JSONResponse({"export": text, "checkpoint": last.note, "tree_size": last.tree_size, "objects": listing})


def _handover_object(engine: Engine, accounts: _Accounts, caller: Caller, other: str, name: str
                     ) -> tuple[str, str]:
    """(declaration, the installation the object is held under: ``other``, or one that handed the case to it)."""
    with engine.connect() as conn:
        _registered(conn, caller.installation)
        accounts.check(conn, caller)
        found, source = objects.declaration_of(conn, other, name), other
        if found is None:
            source, found = handover.received_objects(conn, other).get(name, (other, None))
        case = json.loads(found).get("case") if found is not None else None
        if not isinstance(case, str) or not handover.handovers_to(conn, other, case, caller.installation,
                                                                   caller.user):
            raise Refused(404, handover.MSG_NOT_HANDED.format(name=name, other=other, user=caller.user,
                                                              id=caller.installation))
    assert found is not None
    return found, source


def _take_statement(engine: Engine, cosigner: Cosigner, caller: Caller, other: str, case: str,
                    body: bytes) -> JSONResponse:
    """A supervisor's review statement about case ``case`` of installation ``other``, kept with the unit's voucher
    (unit/review.py; docs/sync-protocol.md, "Review statements"). The same statement again is kept once."""
    try:
        found, signature = review.parse_statement(body)
        with engine.begin() as conn:
            _registered(conn, caller.installation)
            mine = _held(conn, caller.installation)
            review.check_supervisor(mine, caller.installation, caller.user, caller.key)
            check_team(cosigner, caller, other)  # the read's rules: a team list, when the unit has one
            _registered(conn, other)
            last = _last_checkpoint(conn, other)
            held = _held(conn, other)[: last.tree_size] if last is not None else []
            review.check_statement(found, signature, held, other, case, caller.installation, caller.user,
                                   caller.key)
            review.check_reviewer_name(found, mine, caller.installation, caller.user)
            digest = statement.digest(found)
            vouched = review.voucher(found, len(mine), cosigner.signer)
            new_id = conn.execute(pg_insert(review_statements).values(
                installation_id=other, case_ref=case, reviewer_installation=caller.installation,
                reviewer=caller.user, reviewer_key=caller.key,
                statement=statement.canonical(found).decode("utf-8"), statement_sha256=digest,
                signature=signature, voucher=vouched["signature"], reviewer_tree_size=vouched["tree_size"],
            ).on_conflict_do_nothing(constraint="uq_review_statements_statement")
                .returning(review_statements.c.id)).scalar()
            if new_id is None:  # sent again (an answer lost after the commit): the one kept, as it was
                kept = conn.execute(select(review_statements.c.id, review_statements.c.voucher,
                                           review_statements.c.reviewer_tree_size)
                                    .where(review_statements.c.installation_id == other,
                                           review_statements.c.statement_sha256 == digest)).one()
                new_id, vouched = kept.id, {"signature": kept.voucher, "tree_size": kept.reviewer_tree_size}
    except review.ReviewRefusal as exc:
        return _error(exc.status, exc.message)
    log.info("review: statement %d (%s) about case %s of installation %s from %s of installation %s", new_id,
             found["decision"], case, other, caller.user, caller.installation)
    return JSONResponse({"statement_id": new_id, "voucher": vouched, "unit": cosigner.name,
                         "unit_key": cosigner.signer.public_hex})


def _statements(engine: Engine, accounts: _Accounts, caller: Caller, after: int) -> JSONResponse:
    """The review statements about the caller's installation's cases kept after ``after``, oldest first."""
    with engine.connect() as conn:
        _registered(conn, caller.installation)
        accounts.check(conn, caller)
        rows = conn.execute(select(review_statements.c.id, review_statements.c.statement,
                                   review_statements.c.signature, review_statements.c.voucher,
                                   review_statements.c.reviewer_tree_size)
                            .where(review_statements.c.installation_id == caller.installation,
                                   review_statements.c.id > after)
                            .order_by(review_statements.c.id).limit(review.STATEMENTS_PER_ANSWER)).all()
    return JSONResponse({"statements": [
        {"id": r.id, "statement": json.loads(r.statement), "signature": r.signature,
         "voucher": {"signature": r.voucher, "tree_size": r.reviewer_tree_size}} for r in rows]})


FORKS_PER_ANSWER = 10


def _forks(engine: Engine, accounts: _Accounts, caller: Caller, after: int) -> JSONResponse:
    """The kept segments of the caller's installation after ``after`` that fork the log the unit holds
    (``conflicts.find_fork``: they link to a held entry, and their chain, signatures and authority hold with the keys
    the log registered up to there): the entries its other copy wrote (docs/sync-protocol.md, "Offline conflicts").
    A kept segment that is not a fork (garbage, another installation's entries, a forgery) is never served as one.
    ``scanned``: the last kept segment looked at, so the client asks on from there."""
    with engine.connect() as conn:
        _registered(conn, caller.installation)
        accounts.check(conn, caller)
        held = _held(conn, caller.installation)
        kept = conn.execute(select(rejected_segments.c.id, rejected_segments.c.body)
                            .where(rejected_segments.c.installation_id == caller.installation,
                                   rejected_segments.c.id > after)
                            .order_by(rejected_segments.c.id).limit(100)).all()
    found, scanned = [], after
    for row in kept:
        scanned = int(row.id)
        try:
            doc = json.loads(row.body)
            items = doc.get("entries") if isinstance(doc, dict) else None
            if not isinstance(items, list):
                raise conflicts.NotAFork(conflicts.NOT_FORK_EMPTY)
            fork, _ = conflicts.find_fork(held, [conflicts.row_from_json(i) for i in items])
        except (ValueError, conflicts.NotAFork) as exc:
            log.info("forks: kept segment %d of installation %s is not a fork: %s", row.id, caller.installation, exc)
            continue
        found.append({"id": int(row.id), "fork_point": fork.point, "sha256": fork.sha256(),
                      "entries": [wire.row_to_json(r) for r in fork.rows]})
        if len(found) >= FORKS_PER_ANSWER:
            break
    return JSONResponse({"forks": found, "scanned": scanned})


def _known_caller(engine: Engine, caller: Caller) -> bool:
    """Is the caller an active account of the installation, with the key it signed with, in the log the unit holds?"""
    with engine.connect() as conn:
        held = _held(conn, caller.installation)
    if not held:
        return False
    try:
        _check_reader(held, caller)
    except Refused:
        return False
    return True


def _keep_rejected(engine: Engine, caller: Caller, reason: str, first: int | None, count: int, body: bytes) -> int:
    with engine.begin() as conn:
        kept: int = conn.execute(insert(rejected_segments).values(
            installation_id=caller.installation, pushed_by=caller.user, actor_key=caller.key, reason=reason,
            first_seq=first, count=count, body=body.decode("utf-8", "replace").replace("\x00", "\ufffd"),
        ).returning(rejected_segments.c.id)).scalar_one()
    return kept
