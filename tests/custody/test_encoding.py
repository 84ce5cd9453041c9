"""The canonical encoding, frozen by a worked example (the same one as docs/custody-encoding.md)."""

from __future__ import annotations

import hashlib
import json

import pytest
from nacl.bindings import crypto_sign_open, crypto_sign_seed_keypair
from nacl.exceptions import BadSignatureError

from casedesk.custody import encoding
from casedesk.custody.signing import Signer
from casedesk.errors import UsageError
from tests.helpers.store import CASE, Store

EXAMPLE = {
    "seq": 42,
    "prev": "9f" * 32,
    "time": "2026-11-20T10:00:00.123456Z",
    "tz": "Europe/London",
    "offset": "+00:00",
    "actor": "jsmith",
    "key": "d04ab232742bb4ab3a1368bd4615e4e6d0224ab71a016baf8520a332c9778737",
    "action": "exhibit.transferred",
    "case": "MPS-2026-0417",
    "exhibit": "JAS/1",
    "reason": "Sealed bag booked in \u2013 seal 0042",
    "location": "Property store, Charing Cross, locker 14",
    "from": "jsmith",
    "to": "Property store, Charing Cross, locker 14",
    "sha256": "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "tool": "CaseDesk 0.1.0",
    "text": None,
    "data": {"to_is_user": False, "from_is_user": True, "previous_location": "CaseDesk vault"},
}
BODY = (
    '["exhibit.transferred","MPS-2026-0417","JAS/1","Sealed bag booked in \u2013 seal 0042",'
    '"Property store, Charing Cross, locker 14","jsmith","Property store, Charing Cross, locker 14",'
    '"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855","CaseDesk 0.1.0",null,'
    '{"from_is_user":true,"previous_location":"CaseDesk vault","to_is_user":false}]'
)
BODY_HASH = "19440d6e0f5e1e74b2fbf8f3194398e63667d61263b3fda32104f7a20f8675de"
ENTRY_HASH = "dcfa0dc28d071310eb49954f06e3d52f7939b845b7ec263ea07441c760e31cf3"


def test_body_bytes_are_the_documented_json() -> None:
    f = EXAMPLE
    body = encoding.body_bytes(f["action"], f["case"], f["exhibit"], f["reason"], f["location"], f["from"],
                               f["to"], f["sha256"], f["tool"], f["text"], f["data"])
    assert body.decode("utf-8") == BODY
    assert body == json.dumps(
        [f[n] for n, _ in encoding.BODY_FIELDS], sort_keys=True, separators=(",", ":"), ensure_ascii=False
    ).encode("utf-8")


def test_worked_example_hashes() -> None:
    digest, body_hash = encoding.hash_fields(EXAMPLE)
    assert body_hash == hashlib.sha256(b"CASEDESK-CUSTODY-BODY-V1\x00" + BODY.encode()).hexdigest()
    header = (f'[1,42,"{"9f" * 32}","2026-11-20T10:00:00.123456Z","Europe/London","+00:00","jsmith",'
              f'"{EXAMPLE["key"]}","{body_hash}"]')
    assert digest == hashlib.sha256(b"CASEDESK-CUSTODY-ENTRY-V1\x00" + header.encode()).hexdigest()
    assert (body_hash, digest) == (BODY_HASH, ENTRY_HASH)


def test_fast_row_path_matches_the_field_path() -> None:
    odd = dict(EXAMPLE, text='quote " backslash \\ bell \x07 newline \n tab \t DEL \x7f \u2028 \U0001f50e',
               data={"b": [1, -2, True, None, {"z": "ä", "a": ""}], "a": 10**30})
    row = [odd[name] if column != "data" else encoding.canonical_json(odd["data"])
           for name, column in encoding.FIELDS]
    assert encoding.hash_row([*row, "", "", 1, None]) == encoding.hash_fields(odd)
    v2 = dict(odd, version=2, commit="ab" * 32)
    assert encoding.hash_row([*row, "", "", 2, "ab" * 32]) == encoding.hash_fields(v2)
    assert encoding.hash_row([*row, "", "", 2, None]) == encoding.hash_fields(dict(v2, commit=None))
    body = encoding.body_bytes(*(odd[n] for n, _ in encoding.BODY_FIELDS))
    assert b'\\u0007' in body and b"\\n" in body and "\x7f \u2028 \U0001f50e".encode() in body


@pytest.mark.parametrize("data", ['{"a":1.5}', '{"a":NaN}', "[1]", "{bad json", '{"a":1e3}'])
def test_data_without_a_canonical_form_is_refused(data: str) -> None:
    row = [EXAMPLE[n] for n, _ in encoding.HEADER_FIELDS] + [EXAMPLE[n] for n, _ in encoding.BODY_FIELDS[:-1]]
    with pytest.raises(encoding.EncodingError):
        encoding.hash_row([*row, data, "", "", 2, None])


def test_signature_is_over_the_domain_and_the_raw_hash() -> None:
    signer = Signer(bytes(range(32)))
    digest, _ = encoding.hash_fields(EXAMPLE)
    sig = signer.sign(encoding.signing_message(digest))
    public, _ = crypto_sign_seed_keypair(bytes(range(32)))
    crypto_sign_open(sig + b"CASEDESK-CUSTODY-SIG-V1\x00" + bytes.fromhex(digest), public)
    with pytest.raises(BadSignatureError):
        crypto_sign_open(sig + b"CASEDESK-CUSTODY-SIG-V1\x00" + bytes.fromhex(digest[::-1]), public)


def test_text_that_is_not_unicode_cannot_be_recorded(store: Store) -> None:
    s = store.sign_in("jsmith")
    try:
        with pytest.raises(UsageError, match="cannot record this custody entry"), s.write() as db:
            s.record(db, "note.added", case_ref=CASE, text="argv byte \udcff")
    finally:
        s.close()


SALT = bytes(range(32))  # the case's salt in the version-2 worked example
COMMIT = "4cfebf04e438d7bb419987c7161bb31bccde0d72cd2833f3b3e3fe12ab5ca1d5"
ENTRY_HASH_V2 = "8a6b73cbf0dbe42eacfa58b226b98d9c6fa012a885fd156cbc3ab7cd44d22a47"


def test_version_2_worked_example() -> None:
    """The same entry written in encoding version 2: the header carries the case commitment."""
    seq_bytes = (42).to_bytes(8, "big")
    assert encoding.case_commit(SALT, 42) == COMMIT == hashlib.sha256(
        b"CASEDESK-CUSTODY-CASE-COMMIT-V2\x00" + SALT + seq_bytes).hexdigest()
    digest, body_hash = encoding.hash_fields(dict(EXAMPLE, version=2, commit=COMMIT))
    header = (f'[2,42,"{"9f" * 32}","2026-11-20T10:00:00.123456Z","Europe/London","+00:00","jsmith",'
              f'"{EXAMPLE["key"]}","{COMMIT}","{body_hash}"]')
    assert digest == hashlib.sha256(b"CASEDESK-CUSTODY-ENTRY-V1\x00" + header.encode()).hexdigest() == ENTRY_HASH_V2
    assert body_hash == BODY_HASH
    with pytest.raises(encoding.EncodingError):  # a version-1 entry has no commitment
        encoding.hash_fields(dict(EXAMPLE, version=1, commit=COMMIT))
    with pytest.raises(encoding.EncodingError):
        encoding.hash_fields(dict(EXAMPLE, version=3))
