"""The tables against the register the log establishes: every row and column that differs, named.

``compare`` reads the store's tables over a plain DB-API connection (the same
one ``verify`` uses) and checks them against a ``Projection`` replayed from the
log. Whoever edits a table with SQL (an insider holding the store key) makes
the tables say something no signed entry says; this is where it shows.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterator
from typing import Any

from casedesk.custody import digest
from casedesk.custody.chain import Problem, natural_key
from casedesk.custody.keybook import build_registry
from casedesk.custody.log import salt_commitment
from casedesk.custody.projection import CaseFact, Projection
from casedesk.settings import SPECS

MSG_COLUMN = "the register's {column} is {table} but the custody log says {log}"
MSG_ROW_EXTRA = "{what} is in the register but the custody log never recorded it"
MSG_ROW_MISSING = "{what} recorded in the custody log (entry {seq}) is missing from the register"

# SHA-256 is left to ``chain.check_exhibits`` (the same check the stand-alone verifier makes on an export).
_EXHIBIT_COLUMNS = (
    "description", "seized_from", "seized_at", "seized_offset", "seized_location", "seal", "original_name",
    "relative_path", "size", "mime_type", "type_description", "type_warning", "md5", "sha1",
    "ingested_at", "tool", "sensitive", "status", "withdrawn_reason", "custodian", "custodian_is_user",
    "location", "checked_out",
)


def _shown(value: Any) -> str:
    if value is None:
        return "empty"
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    if len(text) > 80:
        text = text[:77] + "..."
    return repr(text) if isinstance(value, str) else text


def _as_bool(value: Any) -> Any:
    return bool(value) if isinstance(value, int) else value


def _differ(column: str, table: Any, log: Any) -> str:
    return MSG_COLUMN.format(column=column, table=_shown(table), log=_shown(log))


def compare(conn: Any, state: Projection, cases: frozenset[str] | None = None) -> list[Problem]:
    """Differences between the tables and ``state``; ``cases``: limit case rows to these (None: all); accounts,
    box keys and settings are always compared."""
    users = {r[0]: r for r in conn.execute(
        "SELECT id, username, full_name, initials, role, disabled FROM users")}
    names = {uid: r[1] for uid, r in users.items()}
    problems: list[Problem] = []
    # Accounts, their keys and the settings belong to no case: compared whoever verifies (a detective's verify of
    # their own cases said OK while their sign-in said an account's row differed from the log).
    problems.extend(_users(users, state))
    problems.extend(_box_keys(conn, state, names))
    problems.extend(_settings(conn, state))
    problems.extend(_cases(conn, state, names, cases))
    problems.extend(_case_keys(conn, state, names, cases))
    problems.extend(_exhibits(conn, state, names, cases))
    problems.extend(_reencrypted(conn, state, cases))
    problems.extend(_notes(conn, state, names, cases))
    if cases is None and not problems:
        problems.extend(_sealed(conn))
    return problems


MSG_SEALED = ("the {table} table differs from the register digest sealed after entry {seq}: a value no custody entry "
              "records (a row id, a time, a file's own dates) was changed outside CaseDesk")


def _sealed(conn: Any) -> Iterator[Problem]:
    """The tables against the seal of the last write (``casedesk.custody.digest``), for what the comparison above does
    not read: what sign-in alerts on, verify names (by table: a digest cannot say which row)."""
    from casedesk.custody.verify import registry_rows

    last = conn.execute("SELECT max(seq) FROM custody_entries").fetchone()[0] or 0
    registry, _ = build_registry(registry_rows(conn, last))
    result = digest.check(conn.execute, registry)
    for table in result.differ:
        yield Problem(None, None, MSG_SEALED.format(table=table, seq=result.seq))


def _users(users: dict[int, tuple[Any, ...]], state: Projection) -> Iterator[Problem]:
    seen = set()
    for _, username, full_name, initials, role, disabled in sorted(users.values(), key=lambda r: str(r[1])):
        seen.add(username)
        if ("user", username) in state.tainted:
            continue
        fact = state.users.get(username)
        where = f"account {username}"
        if fact is None:
            yield Problem(None, None, f"{where}: " + MSG_ROW_EXTRA.format(what="the account"))
            continue
        for column, table, log in (("full name", full_name, fact.full_name), ("initials", initials, fact.initials),
                                   ("role", role, fact.role), ("disabled flag", bool(disabled), fact.disabled)):
            if table != log:
                yield Problem(None, None, f"{where}: " + _differ(column, table, log))
    for username in sorted(set(state.users) - seen):
        yield Problem(None, None, f"account {username}: the account recorded in the custody log is missing "
                                  "from the register")


def _box_keys(conn: Any, state: Projection, names: dict[int, str]) -> Iterator[Problem]:
    """Each account's box keys (case keys are sealed to the current one) are the ones the log registered, in its
    order: a key of the insider's own put in a holder's place would have the next holder seal every case key
    to it."""
    history: dict[str, list[str]] = {}
    current: dict[str, list[str]] = {}
    for user_id, public, retired in conn.execute("SELECT user_id, public_key, retired_at FROM box_keys ORDER BY id"):
        user = names.get(user_id, f"#{user_id}")
        history.setdefault(user, []).append(bytes(public).hex())
        if retired is None:
            current.setdefault(user, []).append(bytes(public).hex())
    for user in sorted(set(history) | set(state.box_keys)):
        if ("user", user) in state.tainted:
            continue
        logged = state.box_keys.get(user, [])
        table = current.get(user, [])
        if table != logged[-1:]:
            yield Problem(None, None, f"account {user}: " + _differ(
                "box key", table[0] if len(table) == 1 else (table or None), logged[-1] if logged else None))
        elif history.get(user, []) != logged:
            yield Problem(None, None, f"account {user}: " + MSG_BOX_HISTORY)


MSG_BOX_HISTORY = "the register's earlier box keys are not the ones the custody log registered"


def _settings(conn: Any, state: Projection) -> Iterator[Problem]:
    if ("settings",) in state.tainted:
        return
    stored = {}
    for key, value in conn.execute("SELECT key, value FROM settings"):
        try:
            stored[key] = json.loads(value)
        except (TypeError, ValueError):
            stored[key] = value
    for key in sorted(set(stored) | set(state.settings) | set(SPECS)):
        default = SPECS[key].default if key in SPECS else None
        table = stored.get(key, default)
        log = state.settings.get(key, default)
        if table != log:
            yield Problem(None, None, f"setting {key}: " + _differ("value", table, log))


def _cases(conn: Any, state: Projection, names: dict[int, str], only: frozenset[str] | None) -> Iterator[Problem]:
    members: dict[int, set[str]] = {}
    for case_id, user_id in conn.execute("SELECT case_id, user_id FROM case_members"):
        members.setdefault(case_id, set()).add(names.get(user_id, f"#{user_id}"))
    seen = set()
    rows = conn.execute("SELECT id, reference, title, offences, status, officer_in_charge_id, summary, "
                        "created_by_id, closed_by_id, case_salt FROM cases ORDER BY reference")
    for case_id, ref, title, offences, status, oic, summary, created_by, closed_by, salt in rows:
        if only is not None and ref not in only:
            continue
        seen.add(ref)
        if ("case", ref) in state.tainted:
            continue
        fact = state.cases.get(ref)
        if fact is None:
            yield Problem(None, None, MSG_ROW_EXTRA.format(what="the case"), ref)
            continue
        for column, table, log in _case_columns(fact, title, offences, status, names.get(oic), summary,
                                                names.get(created_by), names.get(closed_by) if closed_by else None):
            yield Problem(None, None, _differ(column, table, log), ref)
        problem = _salt_problem(fact, salt, state)
        if problem is not None:
            yield Problem(None, None, problem, ref)
        table_members = members.get(case_id, set())
        log_members = set(fact.members)
        for user in sorted(table_members - log_members):
            yield Problem(None, None, f"the register lists {user} as a member, but the custody log never "
                                      "added them", ref)
        for user in sorted(log_members - table_members):
            yield Problem(None, None, f"the custody log added {user} as a member, but the register does not "
                                      "list them", ref)
    for ref in sorted(set(state.cases) - seen):
        if only is None or ref in only:
            yield Problem(None, None, "the case recorded in the custody log is missing from the register", ref)


MSG_SALT = ("the register's case commitment salt is not the one the custody log {how}: entries written with it would "
            "not prove which case they belong to")


def _salt_problem(fact: CaseFact, salt: Any, state: Projection) -> str | None:
    """The salt entries' case commitments are made with: the one its case.created disclosed, or for a case older
    than encoding version 2, one the upgrade entry vouched for (by SHA-256 of salt and reference)."""
    if fact.salt is not None:
        return None if salt == fact.salt else MSG_SALT.format(how="disclosed when the case was created")
    if state.legacy_salts is None:
        return None  # the log has not been upgraded yet: no salt to check
    try:
        digest = salt_commitment(salt, fact.reference) if isinstance(salt, str) else None
    except ValueError:
        digest = None
    return None if digest in state.legacy_salts else MSG_SALT.format(how="vouched for at the upgrade")


def _case_columns(fact: CaseFact, title: Any, offences: Any, status: Any, oic: Any, summary: Any,
                  created_by: Any, closed_by: Any) -> Iterator[tuple[str, Any, Any]]:
    pairs: list[tuple[str, Any, Any]] = [
        ("title", title, fact.title), ("offences", offences, "\n".join(fact.offences)), ("status", status, fact.status),
        ("officer in charge", oic, fact.officer_in_charge), ("creator", created_by, fact.created_by),
        ("closed by", closed_by, fact.closed_by),
    ]
    if fact.summary is not None:
        pairs.append(("summary", summary, fact.summary))
    else:
        digest = hashlib.sha256(str(summary or "").encode("utf-8", "surrogateescape")).hexdigest()
        pairs.append(("summary (SHA-256)", digest, fact.summary_sha256))
    for column, table, log in pairs:
        if table != log:
            yield column, table, log


MSG_EPOCH_EXTRA = "the register has case key epoch {epoch}, but the custody log never made it"
MSG_EPOCH_MISSING = "the custody log made case key epoch {epoch} (entry {seq}), but the register does not have it"
MSG_GRANT_EXTRA = ("the register holds a grant of the case key (epoch {epoch}) to {user}, but the custody log never "
                   "recorded it")
MSG_GRANT_MISSING = ("the custody log granted the case key (epoch {epoch}) to {user} (entry {seq}), but the register "
                     "does not hold the grant")


def _case_keys(conn: Any, state: Projection, names: dict[int, str],
               only: frozenset[str] | None) -> Iterator[Problem]:
    """Case key epochs and grants, as the ``case.key_created`` / ``rotated`` / ``granted`` entries made them."""
    refs = {cid: ref for cid, ref in conn.execute("SELECT id, reference FROM cases")}

    def wanted(ref: str) -> bool:
        return (only is None or ref in only) and ("case", ref) not in state.tainted

    epochs: dict[tuple[str, int], tuple[Any, Any]] = {}
    for case_id, epoch, creator, reason in conn.execute(
            "SELECT case_id, epoch, created_by_id, reason FROM case_key_epochs ORDER BY case_id, epoch"):
        epochs[(refs.get(case_id, f"#{case_id}"), epoch)] = (names.get(creator), reason)
    logged = {(ref, ep): fact for ref, eps in state.epochs.items() for ep, fact in eps.items()}
    for ref, epoch in sorted(set(epochs) | set(logged)):
        if not wanted(ref):
            continue
        if (ref, epoch) not in logged:
            yield Problem(None, None, MSG_EPOCH_EXTRA.format(epoch=epoch), ref)
        elif (ref, epoch) not in epochs:
            yield Problem(logged[(ref, epoch)][2], None,
                          MSG_EPOCH_MISSING.format(epoch=epoch, seq=logged[(ref, epoch)][2]), ref)
        else:
            creator, reason, seq = logged[(ref, epoch)]
            for column, table, log in ((f"key epoch {epoch} creator", epochs[(ref, epoch)][0], creator),
                                       (f"key epoch {epoch} reason", epochs[(ref, epoch)][1], reason)):
                if table != log:
                    yield Problem(seq, None, _differ(column, table, log), ref)
    grants: dict[tuple[str, int, str], tuple[str, str, Any]] = {}
    for case_id, epoch, user_id, public, sealed, seq in conn.execute(
            "SELECT case_id, epoch, user_id, box_public, sealed, custody_seq FROM case_key_grants"):
        key = (refs.get(case_id, f"#{case_id}"), epoch, names.get(user_id, f"#{user_id}"))
        grants[key] = (bytes(public).hex(), base64.b64encode(bytes(sealed)).decode("ascii"), seq)
    for ref, epoch, user in sorted(set(grants) | set(state.grants)):
        if not wanted(ref):
            continue
        fact = state.grants.get((ref, epoch, user))
        row = grants.get((ref, epoch, user))
        if fact is None:
            yield Problem(None, None, MSG_GRANT_EXTRA.format(epoch=epoch, user=user), ref)
        elif row is None:
            yield Problem(fact.seq, None, MSG_GRANT_MISSING.format(epoch=epoch, user=user, seq=fact.seq), ref)
        else:
            checks: tuple[tuple[str, Any, Any], ...] = (
                ("box key", row[0], fact.box_key), ("sealed key", row[1], fact.sealed), ("entry", row[2], fact.seq))
            for column, table, log in checks:
                if table != log:
                    yield Problem(fact.seq, None, f"grant of the case key (epoch {epoch}) to {user}: "
                                  + _differ(column, table, log), ref)


def _exhibits(conn: Any, state: Projection, names: dict[int, str],
              only: frozenset[str] | None) -> Iterator[Problem]:
    refs = {cid: ref for cid, ref in conn.execute("SELECT id, reference FROM cases")}
    cols = ", ".join(_EXHIBIT_COLUMNS)
    seen = set()
    found: list[tuple[str, tuple[Any, ...], Problem]] = []
    for row in conn.execute(f"SELECT case_id, reference, producer_id, ingested_by_id, {cols} FROM exhibits"):
        case = refs.get(row[0], f"#{row[0]}")
        if only is not None and case not in only:
            continue
        ref = row[1]
        seen.add((case, ref))
        if ("exhibit", case, ref) in state.tainted:
            continue
        fact = state.exhibits.get((case, ref))
        key = natural_key(ref)
        if fact is None:
            found.append((case, key, Problem(None, ref, MSG_ROW_EXTRA.format(what="the exhibit"), case)))
            continue
        checks = [("producer", names.get(row[2]), fact.producer), ("ingesting officer", names.get(row[3]),
                                                                    fact.ingested_by)]
        for column, table in zip(_EXHIBIT_COLUMNS, row[4:], strict=True):
            log = getattr(fact, column)
            if isinstance(log, bool):
                table = _as_bool(table)
            checks.append((column.replace("_", " "), table, log))
        for column, table, log in checks:
            if table != log:
                found.append((case, key, Problem(None, ref, _differ(column, table, log), case)))
    for (case, ref) in state.exhibits:
        if (case, ref) not in seen and (only is None or case in only) and ("exhibit", case, ref) not in state.tainted:
            seq = _ingest_seq(state, case, ref)
            found.append((case, natural_key(ref),
                          Problem(seq, ref, MSG_ROW_MISSING.format(what="the exhibit", seq=seq), case)))
    found.sort(key=lambda t: (t[0], t[1]))
    yield from (p for *_, p in found)


MSG_REENCRYPTED = ("the register points the exhibit at vault object {table} but the custody log (entry {seq}) "
                   "re-encrypted its content as {log} under the case key (epoch {epoch})")


def _reencrypted(conn: Any, state: Projection, only: frozenset[str] | None) -> Iterator[Problem]:
    """Exhibits whose content a ``vault.object_reencrypted`` entry moved under the case key: each must point at
    that object, of that case and epoch (pointing one back at its legacy object would make it readable with the
    store key again)."""
    if not state.reencrypted:
        return
    refs = {cid: ref for cid, ref in conn.execute("SELECT id, reference FROM cases")}
    found: list[tuple[str, tuple[Any, ...], Problem]] = []
    for case_id, ref, sha256, name, obj_case, epoch in conn.execute(
            "SELECT e.case_id, e.reference, e.sha256, v.name, v.case_id, v.epoch FROM exhibits e "
            "LEFT JOIN vault_objects v ON v.id = e.object_id"):
        case = refs.get(case_id, f"#{case_id}")
        fact = state.reencrypted.get((case, sha256))
        if fact is None or (only is not None and case not in only) or ("exhibit", case, ref) in state.tainted:
            continue
        new, new_epoch, seq = fact
        if name != new or obj_case != case_id or epoch != new_epoch:
            shown = "none" if name is None else f"{name[:12]}... ({'legacy' if epoch is None else f'epoch {epoch}'})"
            found.append((case, natural_key(ref), Problem(seq, ref, MSG_REENCRYPTED.format(
                table=shown, seq=seq, log=f"{new[:12]}...", epoch=new_epoch), case)))
    found.sort(key=lambda t: (t[0], t[1]))
    yield from (p for *_, p in found)


def _ingest_seq(state: Projection, case: str, ref: str) -> int | None:
    return state.ingest_seq.get((case, ref))


def _notes(conn: Any, state: Projection, names: dict[int, str], only: frozenset[str] | None) -> Iterator[Problem]:
    refs = {cid: ref for cid, ref in conn.execute("SELECT id, reference FROM cases")}
    exhibits = {eid: ref for eid, ref in conn.execute("SELECT id, reference FROM exhibits")}
    seen = set()
    rows = conn.execute("SELECT id, case_id, exhibit_id, author_id, text, custody_seq FROM notes ORDER BY custody_seq")
    for note_id, case_id, exhibit_id, author_id, text, seq in rows:
        case = refs.get(case_id, f"#{case_id}")
        if only is not None and case not in only:
            continue
        seen.add(seq)
        if ("note", seq) in state.tainted:
            continue
        fact = state.notes.get(seq)
        if fact is None:
            yield Problem(seq, None, f"note {note_id}: " + MSG_ROW_EXTRA.format(what="the note"), case)
            continue
        for column, table, log in (("case", case, fact.case), ("exhibit", exhibits.get(exhibit_id), fact.exhibit),
                                   ("author", names.get(author_id), fact.author), ("text", text, fact.text)):
            if table != log:
                yield Problem(seq, None, f"note {note_id}: " + _differ(column, table, log), case)
    for seq, fact in sorted(state.notes.items()):
        if seq not in seen and (only is None or fact.case in only) and ("note", seq) not in state.tainted:
            yield Problem(seq, None, MSG_ROW_MISSING.format(what="the note", seq=seq), fact.case)
