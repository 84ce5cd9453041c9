"""The register written from the log: every table a projection of the custody entries, for a restored installation.

``write_register`` fills an empty store (migrated, no rows) with the custody entries as given and the tables
the projection of those entries establishes (``casedesk.custody.projection``): accounts and their keys, cases,
members, key epochs and grants, exhibits, notes and settings, in the very text ``casedesk verify`` compares
them with (``casedesk.custody.register``). The vault objects' rows come from what the unit held of each
(``RestoredObject``): the log records content, not the object a case key wrapped it in.

The only facts the tables hold that no entry records are the ones nothing relies on: row ids (assigned in log
order) and an account's last password change (left empty). An object the unit never received is listed under
the name its content has in its case (``missing_name``, for whoever restores holding the case key) or else a
name no file has, so ``casedesk verify`` reports it missing rather than the restore hiding it.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from casedesk.custody import digest, encoding
from casedesk.custody.projection import BOX_KEY_ACTIONS, Projection, replay
from casedesk.custody.signing import Signer
from casedesk.evidence.references import REFERENCE_RE

MissingName = Callable[[Projection, str, str], "str | None"]


@dataclass(frozen=True)
class RestoredObject:
    name: str
    case: str
    sha256: str  # of the content
    size: int  # of the content
    epoch: int


def _data(row: Sequence[Any]) -> dict[str, Any]:
    try:
        return encoding.parse_data(row[17])
    except encoding.EncodingError:
        return {}


def _insert(conn: Any, table: str, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    columns = list(rows[0])
    sql = (f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})")
    conn.exec_driver_sql(sql, [tuple(r[c] for c in columns) for r in rows])


def write_register(conn: Any, rows: Sequence[Sequence[Any]], objects: Sequence[RestoredObject],
                   installation_id: str, missing_name: MissingName | None = None) -> Projection:
    """Write ``rows`` (``encoding.ROW_COLUMNS`` order, from entry 1) and their projection into an empty store.

    ``missing_name(state, case, sha256)``: the vault name of content whose object is not among ``objects``
    (None when it cannot be known)."""
    state = replay(rows)
    times = {r[0]: r[2] for r in rows}
    conn.exec_driver_sql(
        f"INSERT INTO custody_entries ({', '.join(encoding.ROW_COLUMNS)}) "
        f"VALUES ({', '.join('?' for _ in encoding.ROW_COLUMNS)})", [tuple(r) for r in rows])
    _insert(conn, "casedesk_meta", [
        {"key": "installation_id", "value": installation_id},
        {"key": "created_at", "value": rows[0][2]},
        {"key": "created_by_tool", "value": rows[0][15]},
    ])
    users = {name: i for i, name in enumerate(state.users, start=1)}
    _insert(conn, "users", [
        {"id": users[name], "username": name, "full_name": f.full_name, "initials": f.initials, "role": f.role,
         "disabled": int(f.disabled), "created_at": f.created_at, "password_changed_at": None}
        for name, f in state.users.items()])
    _keys(conn, rows, users, state)
    _insert(conn, "settings", [{"key": k, "value": json.dumps(v)} for k, v in state.settings.items()])
    cases = {ref: i for i, ref in enumerate(state.cases, start=1)}
    _insert(conn, "cases", [
        {"id": cases[ref], "reference": ref, "title": f.title, "offences": "\n".join(f.offences),
         "status": f.status, "officer_in_charge_id": users[f.officer_in_charge],
         "summary": f.summary if f.summary is not None else "", "created_at": f.created_at,
         "created_by_id": users[f.created_by], "closed_at": f.closed_at,
         "closed_by_id": users[f.closed_by] if f.closed_by else None, "case_salt": f.salt}
        for ref, f in state.cases.items()])
    _insert(conn, "case_members", [
        {"case_id": cases[ref], "user_id": users[user], "added_at": at}
        for ref, f in state.cases.items() for user, at in f.members.items()])
    _insert(conn, "case_key_epochs", [
        {"case_id": cases[ref], "epoch": epoch, "created_at": times[seq], "created_by_id": users[creator],
         "reason": reason}
        for ref, epochs in state.epochs.items() for epoch, (creator, reason, seq) in epochs.items()])
    _insert(conn, "case_key_grants", [
        {"case_id": cases[ref], "epoch": epoch, "user_id": users[user], "box_public": bytes.fromhex(g.box_key),
         "sealed": base64.b64decode(g.sealed), "granted_at": times[g.seq], "custody_seq": g.seq}
        for (ref, epoch, user), g in state.grants.items()])
    exhibits = _exhibits(conn, rows, state, users, cases, objects, missing_name)
    _insert(conn, "notes", [
        {"id": i, "case_id": cases[n.case], "exhibit_id": exhibits.get((n.case, n.exhibit)) if n.exhibit else None,
         "author_id": users[n.author], "created_at": n.created_at, "text": n.text, "custody_seq": seq}
        for i, (seq, n) in enumerate(sorted(state.notes.items()), start=1)])
    return state


def seal(conn: Any, signer_name: str, signer: Signer) -> None:
    """Seal the register just written (docs/register-digest.md), in the same transaction: it is the log's own
    projection, so the first sign-in need not replay the log. A seal whose key the log does not register to
    ``signer_name`` for the next entry holds nothing, and that sign-in replays in full."""
    def execute(sql: str) -> Any:
        return conn.exec_driver_sql(sql)

    at = digest.head(execute)
    if at is not None:
        digest.store(conn.exec_driver_sql, digest.make(at[0], at[1], digest.scan(execute), signer_name, signer))


def _keys(conn: Any, rows: Sequence[Sequence[Any]], users: dict[str, int], state: Projection) -> None:
    """Signing keys (each registration; retired when the next one or a revocation came) and box keys."""
    signing: list[dict[str, Any]] = []
    current: dict[str, dict[str, Any]] = {}
    boxes: list[dict[str, Any]] = []
    box_current: dict[str, dict[str, Any]] = {}
    logged = {u: list(keys) for u, keys in state.box_keys.items()}
    for r in rows:
        if r[8] is not None or r[7] not in ("account.key_registered", "account.key_revoked", *BOX_KEY_ACTIONS):
            continue
        d = _data(r)
        user = d.get("user")
        if not isinstance(user, str) or user not in users:
            continue
        if r[7] == "account.key_revoked" and user in current and current[user]["public_key"].hex() == d.get(
                "public_key"):
            current.pop(user)["retired_at"] = r[2]
        if r[7] == "account.key_registered" and isinstance(d.get("public_key"), str):
            if user in current:
                current.pop(user)["retired_at"] = r[2]
            row = {"user_id": users[user], "public_key": bytes.fromhex(d["public_key"]), "created_at": r[2],
                   "retired_at": None}
            signing.append(row)
            current[user] = row
        box = d.get("box_key")
        if r[7] in BOX_KEY_ACTIONS and isinstance(box, str) and logged.get(user) and logged[user][0] == box:
            logged[user].pop(0)  # the projection's own list, in its order: only the keys it counted
            if user in box_current:
                box_current.pop(user)["retired_at"] = r[2]
            row = {"user_id": users[user], "public_key": bytes.fromhex(box), "created_at": r[2], "retired_at": None}
            boxes.append(row)
            box_current[user] = row
    _insert(conn, "signing_keys", [{"id": i, **r} for i, r in enumerate(signing, start=1)])
    _insert(conn, "box_keys", [{"id": i, **r} for i, r in enumerate(boxes, start=1)])


def _exhibits(conn: Any, rows: Sequence[Sequence[Any]], state: Projection, users: dict[str, int],
              cases: dict[str, int], objects: Sequence[RestoredObject],
              missing_name: MissingName | None) -> dict[tuple[str, str], int]:
    by_content = {(o.case, o.sha256): o for o in objects}
    entry = {r[0]: r for r in rows}
    vault: dict[tuple[str, str], int] = {}
    object_rows: list[dict[str, Any]] = []
    ids: dict[tuple[str, str], int] = {}
    exhibit_rows: list[dict[str, Any]] = []
    order = sorted(state.exhibits, key=lambda k: state.ingest_seq[k])
    for i, key in enumerate(order, start=1):
        ids[key] = i
    for key in order:
        f = state.exhibits[key]
        content = (f.case, f.sha256)
        if content not in vault:
            found = by_content.get(content)
            vault[content] = len(object_rows) + 1
            name = found.name if found else (missing_name(state, f.case, f.sha256) if missing_name else None)
            object_rows.append({
                "id": vault[content],
                # Never received by the unit: no file has its name, so verify says the object is missing.
                "name": name or hashlib.sha256(f"missing|{f.case}|{f.sha256}".encode()).hexdigest(),
                "size": f.size, "sha256": f.sha256, "created_at": f.ingested_at, "case_id": cases[f.case],
                "epoch": found.epoch if found else 1})
        d = _data(entry[state.ingest_seq[key]])
        m = REFERENCE_RE.match(f.reference)
        exhibit_rows.append({
            "id": ids[key], "case_id": cases[f.case], "reference": f.reference,
            "initials": m.group(1) if m else f.reference, "number": int(m.group(2)) if m else ids[key],
            "description": f.description, "producer_id": users[f.producer], "seized_from": f.seized_from,
            "seized_at": f.seized_at, "seized_offset": f.seized_offset, "seized_location": f.seized_location,
            "seal": f.seal, "original_name": f.original_name, "relative_path": f.relative_path, "size": f.size,
            "fs_modified": d.get("fs_modified"), "fs_changed": d.get("fs_changed"), "fs_accessed": d.get("fs_accessed"),
            "mime_type": f.mime_type, "type_description": f.type_description, "type_warning": f.type_warning,
            "sha256": f.sha256, "md5": f.md5, "sha1": f.sha1, "object_id": vault[content],
            "duplicate_of_id": ids.get((f.case, f.duplicate_of)) if f.duplicate_of else None,
            "ingested_by_id": users[f.ingested_by], "ingested_at": f.ingested_at, "tool": f.tool,
            "sensitive": int(f.sensitive), "status": f.status, "withdrawn_reason": f.withdrawn_reason,
            "custodian": f.custodian, "custodian_is_user": int(f.custodian_is_user), "location": f.location,
            "checked_out": int(f.checked_out)})
    _insert(conn, "vault_objects", object_rows)
    _insert(conn, "exhibits", exhibit_rows)
    return ids
