"""The verify's fast path (``chain.check_clean`` over the database's JSON arrays) says "nothing wrong" only where the
full check (``chain.check_rows``) says so too, with the same leaves, times and counts, whatever an insider writes
into the table: any text, numbers, blobs (also ones SQLite would read as JSONB), null, non-canonical ``data``, and
entries re-hashed and re-signed over what the fast path would hash."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from nacl.bindings import crypto_sign, crypto_sign_seed_keypair
from sqlcipher3 import dbapi2 as sqlcipher

from casedesk.custody import chain, encoding, verify
from tests.properties.test_custody_encoding import DATA, TEXT, entries

SEED = bytes(range(32))
PUBLIC = crypto_sign_seed_keypair(SEED)[0].hex()
SECRET = crypto_sign_seed_keypair(SEED)[1]
REGISTRY = chain.Registry(keys={"alice": [(0, PUBLIC)]})
COLUMNS = encoding.ROW_COLUMNS
# The store's table as the schema makes it, and as an insider could make it again: no column types, so that a
# number or a blob stays what it is in any column.
TYPED = ("CREATE TABLE custody_entries (seq INTEGER NOT NULL, prev_hash VARCHAR(64) NOT NULL, timestamp VARCHAR(32) "
         "NOT NULL, time_zone VARCHAR(64) NOT NULL, utc_offset VARCHAR(6) NOT NULL, actor VARCHAR(64) NOT NULL, "
         "actor_key VARCHAR(64) NOT NULL, action VARCHAR(64) NOT NULL, case_ref VARCHAR(64), exhibit_ref VARCHAR(64), "
         "reason TEXT, location TEXT, from_party TEXT, to_party TEXT, sha256 VARCHAR(64), tool VARCHAR(64) NOT NULL, "
         "text TEXT, data TEXT NOT NULL, entry_hash VARCHAR(64) NOT NULL, signature VARCHAR(128) NOT NULL, "
         "version INTEGER DEFAULT '1' NOT NULL, case_commit VARCHAR(64), PRIMARY KEY (seq))")
UNTYPED = f"CREATE TABLE custody_entries ({', '.join(COLUMNS)}, PRIMARY KEY (seq))"
# Values an insider may write into any column: besides text, what the canonical encoding refuses.
ODD = (st.integers(min_value=-(2**63), max_value=2**63 - 1) | st.floats(allow_nan=False) | st.none()
       | st.binary(max_size=12) | st.sampled_from([b"\x17a", b"\x0c", b"\x13", b"\x87abc"])
       | st.sampled_from(["a\x00b", "\u2028", "\x7f", "\x1f\"\\", "\U0001f600", "2026-02-30T09:15:00.000000Z"]))
# Stored data that is not the canonical text of an object, or is that object's text written another way.
ODD_DATA = st.sampled_from(['{"a": 1}', '{"b":1,"a":2}', '{"a":1.0}', '{"a":1,"a":2}', '{"a":"\\u00e9"}', "[]",
                            '{"a":NaN}', "{", '{"a":1e3}', '{"a":100000000000000000000000}', ' {}', "{}\n"])


def _sign(entry_hash: str) -> str:
    return crypto_sign(encoding.signing_message(entry_hash), SECRET)[:64].hex()


@st.composite
def logs(draw: st.DrawFn) -> list[list[Any]]:
    """A valid run of 1 to 4 entries from entry 1, signed by alice, each of a case or of none, in version 1 then 2."""
    rows: list[list[Any]] = []
    prev = encoding.GENESIS_PREV
    version = 1
    for seq in range(1, draw(st.integers(1, 4)) + 1):
        f = draw(entries())
        version = draw(st.sampled_from([version, 2]))  # version 1 never after version 2
        if version == 2 and f["case"] is not None:
            commit = draw(st.binary(min_size=32, max_size=32)).hex()
        else:
            commit = None
        f.update(seq=seq, prev=prev, actor="alice", key=PUBLIC, version=version, commit=commit,
                 time=f"2026-01-31T09:15:{seq:02d}.000000Z", data=draw(DATA))
        values = [encoding.canonical_json(f["data"]) if name == "data" else f[name] for name, _ in encoding.FIELDS]
        digest = encoding.hash_fields(f)[0]
        rows.append([*values, digest, _sign(digest), version, commit])
        prev = digest
    return rows


def _store(ddl: str, rows: list[list[Any]]) -> Any:
    conn = sqlcipher.connect(":memory:")
    conn.execute(ddl)
    conn.executemany(f"INSERT INTO custody_entries VALUES ({', '.join('?' * len(COLUMNS))})", rows)
    return conn


def _forge_last(conn: Any, seq: int) -> None:
    """Re-hash and re-sign the last entry over what the fast path hashes (an insider holding their own key)."""
    try:
        row = conn.execute(verify._SELECT_CLEAN.format(signature="signature"), (seq, seq + 1)).fetchone()
    except sqlcipher.OperationalError:
        return
    if row is None:  # its number is no longer the last one's
        return
    body, head, data = row[chain.CLEAN_BODY], row[chain.CLEAN_HEADER], row[chain.CLEAN_DATA]
    if body is None or head is None or data.__class__ is not str:
        return
    try:
        data_text = "{}" if data == "{}" else encoding.encode_data(encoding.parse_data(data))
    except (encoding.EncodingError, ValueError):
        data_text = data  # the forger hashes the stored text as it is
    body_hash = encoding.body_hash((body[:-1] + "," + data_text + "]").encode("utf-8", "surrogatepass"))
    digest = encoding.entry_hash((head[:-1] + ',"' + body_hash + '"]').encode("utf-8", "surrogatepass"))
    conn.execute("UPDATE custody_entries SET entry_hash = ?, signature = ? WHERE seq = ?", (digest, _sign(digest), seq))


def _checks(conn: Any, signatures: bool) -> tuple[chain.ChunkResult | None, chain.ChunkResult, list[Any], list[Any]]:
    block = (1, 5)
    try:
        clean = conn.execute(verify._SELECT_CLEAN.format(signature="signature" if signatures else "NULL"),
                             block).fetchall()
    except sqlcipher.OperationalError:
        clean = None
    fast = None if clean is None else chain.check_clean(clean, REGISTRY, signatures, block)
    full = verify.read_rows(conn, *block)
    return fast, chain.check_rows(full, REGISTRY, signatures, None, block), clean or [], full


def _same(fast: chain.ChunkResult, full: chain.ChunkResult) -> bool:
    """The same result; ``rising`` (the fast path's hint that the times need no second look) aside."""
    return all(getattr(fast, name) == getattr(full, name) for name in chain.ChunkResult.__dataclass_fields__
               if name != "rising")


@given(logs(), st.booleans())
def test_the_fast_path_checks_a_valid_log_as_the_full_check_does(rows: list[list[Any]], signatures: bool) -> None:
    conn = _store(TYPED, rows)
    fast, full, clean, raw = _checks(conn, signatures)
    assert full.problems == []
    assert fast is not None and _same(fast, full)
    # What the replay is handed from the fast path's rows is the entry as the full row gives it.
    assert [verify._clean_entry(c) for c in clean] == [verify._row_entry(r) for r in raw]


@given(logs(), st.sampled_from(COLUMNS), ODD | TEXT, st.booleans(), st.booleans(), st.booleans())
def test_the_fast_path_never_passes_what_the_full_check_finds_wrong(
        rows: list[list[Any]], column: str, value: Any, typed: bool, forge: bool, signatures: bool) -> None:
    last = len(rows)
    conn = _store(TYPED if typed else UNTYPED, rows)
    try:
        conn.execute(f"UPDATE custody_entries SET {column} = ? WHERE seq = ?", (value, last))
    except sqlcipher.IntegrityError:  # null where the typed table says NOT NULL, or a second seq: the valid log
        pass
    if forge:
        _forge_last(conn, last)
    fast, full, _, _ = _checks(conn, signatures)
    if fast is not None:
        assert full.problems == [] and _same(fast, full)


@given(logs(), ODD_DATA, st.booleans())
def test_data_not_in_canonical_form_is_never_passed_by_the_fast_path(rows: list[list[Any]], data: str,
                                                                    signatures: bool) -> None:
    last = len(rows)
    conn = _store(TYPED, rows)
    conn.execute("UPDATE custody_entries SET data = ? WHERE seq = ?", (data, last))
    _forge_last(conn, last)
    fast, full, _, _ = _checks(conn, signatures)
    if fast is not None:
        assert full.problems == [] and _same(fast, full)


# What an insider would try first: each a value the canonical encoding refuses or writes otherwise, in every column
# it could go in, the entry then re-hashed and re-signed over what the database's JSON arrays make of it.
ATTEMPTS = [
    *((column, value) for column in ("action", "case_ref", "exhibit_ref", "reason", "location", "from_party",
                                     "to_party", "sha256", "tool", "text", "prev_hash", "timestamp", "time_zone",
                                     "utc_offset", "actor_key", "case_commit")
      for value in (b"\x17a", b"\x0c", 7, 2.5)),
    ("case_commit", "A" * 64), ("case_commit", "g" * 64), ("case_commit", "ab" * 31 + "a\n"), ("version", 2.0),
    ("version", "2"), ("version", 3), ("data", b"\x0c"), ("data", 5), ("data", '{"a":1.0}'), ("data", '{"a": 1}'),
    ("timestamp", "2026-02-30T09:15:00.000000Z"), ("timestamp", "2026-01-31T24:15:00.000000Z"),
    ("timestamp", "2026-01-31 09:15:00.000000Z"), ("timestamp", "٢٠٢٦-01-31T09:15:00.000000Z"),
]


def _two_entries() -> list[list[Any]]:
    rows = []
    prev = encoding.GENESIS_PREV
    for seq in (1, 2):
        f = {"seq": seq, "prev": prev, "time": f"2026-01-31T09:15:0{seq}.000000Z", "tz": "Europe/London",
             "offset": "+00:00", "actor": "alice", "key": PUBLIC, "action": "exhibit.viewed", "case": "MPS-1",
             "exhibit": "JAS/1", "reason": "r", "location": "l", "from": "f", "to": "t", "sha256": "ab" * 32,
             "tool": "CaseDesk", "text": "x", "data": {"n": seq}, "version": 2, "commit": "cd" * 32}
        digest = encoding.hash_fields(f)[0]
        values = [encoding.canonical_json(f["data"]) if name == "data" else f[name] for name, _ in encoding.FIELDS]
        rows.append([*values, digest, _sign(digest), 2, f["commit"]])
        prev = digest
    return rows


def test_what_an_insider_writes_and_re_signs_is_never_passed_by_the_fast_path() -> None:
    rows = _two_entries()
    refused = 0
    for ddl in (TYPED, UNTYPED):
        for column, value in ATTEMPTS:
            conn = _store(ddl, rows)
            conn.execute(f"UPDATE custody_entries SET {column} = ? WHERE seq = 2", (value,))
            _forge_last(conn, 2)
            for signatures in (False, True):
                fast, full, _, _ = _checks(conn, signatures)
                refused += bool(full.problems)
                if fast is not None:
                    assert full.problems == [] and _same(fast, full), (ddl, column, value, full.problems)
    assert refused > len(ATTEMPTS)  # most attempts are refused by the full check: the fast path was put to the test


@pytest.mark.parametrize("number", [2.5, 7, float("inf")])
def test_a_number_where_text_belongs_is_reported_by_the_full_check_not_taken(number: float) -> None:
    """In a table made again without column types, a number in a text field, re-hashed and re-signed over what
    Python's JSON encoder writes for it: not an entry the encoding allows (was: taken as intact; inf: a crash)."""
    conn = _store(UNTYPED, _two_entries())
    conn.execute("UPDATE custody_entries SET reason = ? WHERE seq = 2", (number,))
    row = verify.read_rows(conn, 2, 3)[0]
    body = json.dumps([*row[7:17], encoding.parse_data(row[17])], sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False).encode("utf-8")
    head = encoding.header_bytes(*row[0:7], encoding.body_hash(body), 2, row[21])
    digest = encoding.entry_hash(head)
    conn.execute("UPDATE custody_entries SET entry_hash = ?, signature = ? WHERE seq = 2", (digest, _sign(digest)))
    for signatures in (False, True):
        fast, full, _, _ = _checks(conn, signatures)
        assert fast is None
        assert [(p.seq, p.message) for _, _, p in full.problems] == [(2, chain.MSG_UNENCODABLE)]


def test_the_database_escapes_every_character_as_the_canonical_encoding_does() -> None:
    """The fast path rests on this: SQLite's json_array writes each string exactly as encode_basestring does
    (ensure_ascii off), for every Unicode code point, control characters, quotes and backslashes included."""
    conn = sqlcipher.connect(":memory:")
    points = [cp for cp in range(0x110000) if not 0xD800 <= cp <= 0xDFFF]
    for at in range(0, len(points), 4096):
        text = "".join(map(chr, points[at:at + 4096]))
        got = conn.execute("SELECT json_array(?, ?, NULL)", (text, 'a"b\\c\x00')).fetchone()[0]
        assert got == "[" + encoding.encode_basestring(text) + "," + encoding.encode_basestring('a"b\\c\x00') + ",null]"


def test_data_that_holds_an_object_only_with_the_next_entry_s_is_never_passed_by_the_fast_path() -> None:
    """The fast path parses a run's data texts together: two texts that are not objects each (the first ends inside
    a string the second closes) read there as two objects. Both entries re-hashed and re-signed over the stored
    texts, as an insider would: the full check finds them unencodable, and the fast path does not pass them."""
    conn = _store(TYPED, _two_entries())
    conn.execute("UPDATE custody_entries SET data = ? WHERE seq = 1", ('{"a":1},{"b":"}',))
    conn.execute("UPDATE custody_entries SET data = ? WHERE seq = 2", ('{"}',))
    _forge_last(conn, 1)
    conn.execute("UPDATE custody_entries SET prev_hash = (SELECT entry_hash FROM custody_entries WHERE seq = 1) "
                 "WHERE seq = 2")
    _forge_last(conn, 2)
    for signatures in (False, True):
        fast, full, _, _ = _checks(conn, signatures)
        assert [(p.seq, p.message) for _, _, p in full.problems] == [(1, chain.MSG_UNENCODABLE),
                                                                      (2, chain.MSG_UNENCODABLE)]
        assert fast is None
