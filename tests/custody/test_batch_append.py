"""Entries written as a batch (``Session.record_many``, one insert for many): the same entries, the same checks."""

from __future__ import annotations

from datetime import UTC, datetime
from itertools import pairwise

import pytest
from nacl.bindings import crypto_sign_open
from sqlalchemy import func, select

from casedesk.custody import encoding
from casedesk.errors import PermissionDenied
from casedesk.store.models import CustodyEntry
from tests.helpers.store import CASE, Store

ODD = {"text": 'quote " backslash \\ bell \x07 \u2028 \U0001f50e', "data": {"z": "ä", "n": None, "b": False, "i": -7}}


def test_a_batch_is_hashed_chained_and_signed_like_single_entries(store: Store) -> None:
    s = store.sign_in("jsmith")
    try:
        with s.write() as db:
            single = s.record(db, "note.added", case_ref=CASE, text="first, on its own")
            at = datetime.now(UTC).replace(microsecond=5)
            seqs = s.record_many(db, "note.added", [
                {"case_ref": CASE, "text": ODD["text"], "data": ODD["data"], "at": at},
                {"case_ref": CASE, "text": "nested", "data": {"list": [1, {"k": "v"}]}, "at": at},
                {"case_ref": CASE, "text": "plain", "at": at},
            ])
        assert seqs == [single.seq + 1, single.seq + 2, single.seq + 3]
        with s.read() as db:
            rows = list(db.scalars(select(CustodyEntry).where(CustodyEntry.seq >= single.seq)
                                   .order_by(CustodyEntry.seq)))
    finally:
        s.close()
    assert [r.text for r in rows] == ["first, on its own", ODD["text"], "nested", "plain"]
    assert rows[1].timestamp == rows[3].timestamp == at.strftime("%Y-%m-%dT%H:%M:%S.000005Z")
    assert encoding.parse_data(rows[1].data) == ODD["data"]
    for before, row in pairwise(rows):
        assert row.prev_hash == before.entry_hash
    for row in rows:
        raw = [getattr(row, c) for c in encoding.ROW_COLUMNS]
        assert encoding.hash_row(raw)[0] == row.entry_hash
        assert row.case_commit is not None and row.version == encoding.VERSION
        crypto_sign_open(bytes.fromhex(row.signature) + encoding.signing_message(row.entry_hash),
                         bytes.fromhex(row.actor_key))


def test_a_batch_with_one_entry_its_signer_may_not_make_writes_nothing(store: Store) -> None:
    s = store.sign_in("bpatel")  # not a member of the case
    try:
        with s.read() as db:
            before = db.scalar(select(func.count()).select_from(CustodyEntry))
        with pytest.raises(PermissionDenied, match="bpatel may not do this"), s.write() as db:
            s.record_many(db, "exhibit.ingested", [{"case_ref": CASE, "exhibit_ref": "BP/1", "sha256": "00" * 32}])
        with s.read() as db:
            assert db.scalar(select(func.count()).select_from(CustodyEntry)) == before
    finally:
        s.close()


@pytest.mark.parametrize("data", [{}, {"a": 1, "b": "ä\u2028", "c": None, "d": True},
                                  {"x": [1, {"y": "z"}], "w": {"v": 2}},
                                  {"size": 1, "object": {"name": "ab", "address": "\u00e9\u2028", "n": None}},
                                  {"o": {"p": {"q": 1}}, "r": {}}])
def test_body_from_data_text_is_the_body_bytes(data: dict[str, object]) -> None:
    fields = ("exhibit.ingested", CASE, "JAS/1", None, "loc\n", None, "jsmith", "ab" * 32, "CaseDesk", "t\x00")
    assert encoding.body_text(*fields, encoding.canonical_data(data)) == encoding.body_bytes(*fields, data)


def test_data_that_has_no_canonical_form_is_refused_by_the_fast_path_too() -> None:
    with pytest.raises(TypeError):
        encoding.canonical_data({"a": 1.5})
    with pytest.raises(TypeError):
        encoding.canonical_data({"a": {1: "x"}})
    with pytest.raises(TypeError):
        encoding.canonical_data({"a": 1, "object": {"b": 1.5}})
    with pytest.raises(TypeError):
        encoding.canonical_data({1: "x"})
