"""Canonical byte encoding of a custody entry (documented in docs/custody-encoding.md).

An entry has a *header* (sequence number, link to the previous entry, time,
actor and the actor's key) and a *body* (action, case, exhibit, reason,
location, parties, exhibit hash, tool, free text and the ``data`` object).
The entry hash commits to the header and to the SHA-256 of the body, so an
export of one case can withhold the body of another case's entry and still
let a third party check every hash, link and signature of the whole chain::

    body_hash  = SHA-256(BODY_DOMAIN  || canonical JSON array of the body fields)
    entry_hash = SHA-256(ENTRY_DOMAIN || canonical JSON array of the header fields + body_hash)
    signature  = Ed25519(actor's key, SIG_DOMAIN || entry_hash as 32 raw bytes)

Version 2 (every entry written since) adds one header field, the *case
commitment*: ``SHA-256(COMMIT_DOMAIN || case salt || seq as 8 bytes)`` for an
entry of a case, null for an entry without one. The case's random salt is
disclosed only with that case's own entries (its ``case.created`` entry), so
an export can prove that each header-only line is *not* an entry of the
exported case, while lines of one other case cannot be linked to each other.
Version-1 entries keep their version-1 encoding and hash.

Canonical JSON here is what ``json.dumps(value, sort_keys=True,
separators=(",", ":"), ensure_ascii=False)`` produces, restricted to strings,
integers, booleans, null, arrays and objects (no floating point), encoded as
UTF-8. The stand-alone verifier in ``tools/verify_custody.py`` re-implements
this independently; keep the two and the document in step.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from itertools import repeat
from json.encoder import c_make_encoder, encode_basestring  # type: ignore[attr-defined]
from typing import Any

VERSION = 2  # the version new entries are written in
LEGACY_VERSION = 1  # entries written before case commitments
VERSIONS = frozenset({LEGACY_VERSION, VERSION})
COMMIT_DOMAIN = b"CASEDESK-CUSTODY-CASE-COMMIT-V2\x00"
SALT_BYTES = 32
BODY_DOMAIN = b"CASEDESK-CUSTODY-BODY-V1\x00"
DOMAIN = b"CASEDESK-CUSTODY-ENTRY-V1\x00"
SIG_DOMAIN = b"CASEDESK-CUSTODY-SIG-V1\x00"
GENESIS_PREV = "0" * 64

# Encoding name -> CustodyEntry column, header first, each part in encoding order.
HEADER_FIELDS: tuple[tuple[str, str], ...] = (
    ("seq", "seq"),
    ("prev", "prev_hash"),
    ("time", "timestamp"),
    ("tz", "time_zone"),
    ("offset", "utc_offset"),
    ("actor", "actor"),
    ("key", "actor_key"),
)
BODY_FIELDS: tuple[tuple[str, str], ...] = (
    ("action", "action"),
    ("case", "case_ref"),
    ("exhibit", "exhibit_ref"),
    ("reason", "reason"),
    ("location", "location"),
    ("from", "from_party"),
    ("to", "to_party"),
    ("sha256", "sha256"),
    ("tool", "tool"),
    ("text", "text"),
    ("data", "data"),
)
FIELDS: tuple[tuple[str, str], ...] = HEADER_FIELDS + BODY_FIELDS

# Column order of a raw row as ``verify`` reads it: the encoded fields, the stored hash and signature, then
# the encoding version and (version 2) the case commitment, kept last so the earlier positions never move.
ROW_COLUMNS: tuple[str, ...] = (*(column for _, column in FIELDS), "entry_hash", "signature",
                                "version", "case_commit")
ROW_VERSION, ROW_COMMIT = 20, 21


class EncodingError(ValueError):
    """A value that has no canonical encoding (a float, a lone surrogate, invalid JSON in ``data``)."""


def _check_value(value: Any, path: str) -> None:
    if value is None or isinstance(value, (str, bool, int)):
        return
    if isinstance(value, list):
        for i, item in enumerate(value):
            _check_value(item, f"{path}[{i}]")
        return
    if isinstance(value, dict):
        for k, item in value.items():
            if not isinstance(k, str):
                raise TypeError(f"{path}: object keys must be strings")
            _check_value(item, f"{path}.{k}")
        return
    raise TypeError(f"{path}: {type(value).__name__} is not allowed in a custody entry")


def canonical_json(value: Any) -> str:
    _check_value(value, "$")
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _reject_number(text: str) -> Any:
    raise EncodingError(f"number {text} is not an integer")


_SCAN: Callable[[str, int], tuple[Any, int]] = json.JSONDecoder(  # the C scanner, without decode()'s wrapping
    parse_float=_reject_number, parse_constant=_reject_number).scan_once  # type: ignore[attr-defined]
_DUMPS = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode


def _no_default(value: Any) -> Any:
    raise TypeError(f"{type(value).__name__} has no canonical encoding")


# The C encoder json.dumps builds on each call, built once: same output as _DUMPS (sort_keys, compact,
# UTF-8 text kept, NaN refused), without rebuilding it a million times.
_C_ENCODER = c_make_encoder(None, _no_default, encode_basestring, None, ":", ",", True, False, False) \
    if c_make_encoder is not None else None
_TEXT = frozenset({str, type(None)})
_sha256 = hashlib.sha256


def parse_data(text: str) -> dict[str, Any]:
    """The ``data`` column as stored (canonical JSON text) back to an object; floats are refused."""
    if text == "{}":
        return {}
    try:
        value, end = _SCAN(text, 0)  # the C scanner itself: stored data is canonical, without whitespace
    except EncodingError:
        raise
    except json.JSONDecodeError as exc:
        raise EncodingError(f"data is not valid JSON ({exc.msg})") from None
    except (StopIteration, ValueError, TypeError):  # no JSON value; an integer beyond Python's digit limit
        raise EncodingError("data is not a JSON object") from None
    except RecursionError:  # arrays or objects nested thousands deep: nothing CaseDesk writes
        raise EncodingError("data is nested too deeply") from None
    if end != len(text) or value.__class__ is not dict:
        raise EncodingError("data is not a JSON object")
    return value


def _utf8(text: str) -> bytes:
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        raise EncodingError("text is not valid Unicode (lone surrogate)") from None


def body_bytes(action: Any, case: Any, exhibit: Any, reason: Any, location: Any, from_: Any, to: Any,
               sha256: Any, tool: Any, text: Any, data: dict[str, Any]) -> bytes:
    """``["action","case",...,{data}]`` as canonical JSON in UTF-8 (every field text or null)."""
    fields = (action, case, exhibit, reason, location, from_, to, sha256, tool, text)
    if not _TEXT.issuperset(map(type, fields)):
        raise EncodingError("a field of the entry is not text")
    if data.__class__ is not dict:
        raise EncodingError("data is not a JSON object")
    return _utf8(_DUMPS([*fields, data]))


_PLAIN = frozenset({str, int, bool, type(None)})


_KEYS = frozenset({str})


def _flat(value: dict[Any, Any]) -> bool:
    """An object of text keys and plain values (text, integers, booleans, nulls): checked by type sets in C."""
    return _KEYS.issuperset(map(type, value)) and _PLAIN.issuperset(map(type, value.values()))


def canonical_data(data: dict[str, Any]) -> str:
    """``canonical_json`` of an entry's ``data`` object; a flat object of text, integers, booleans and nulls, or
    one whose objects one level down are flat (an ingest entry's ``object``), is checked by types instead of by
    the recursive walk: the same text (``_DUMPS`` is ``canonical_json``'s encoder)."""
    if data.__class__ is not dict:
        raise EncodingError("data is not a JSON object")
    if _KEYS.issuperset(map(type, data)):
        values = data.values()
        if _PLAIN.issuperset(map(type, values)) or all(
                v.__class__ in _PLAIN or (v.__class__ is dict and _flat(v)) for v in values):
            return _DUMPS(data)
    return canonical_json(data)


def body_text(action: Any, case: Any, exhibit: Any, reason: Any, location: Any, from_: Any, to: Any,
              sha256: Any, tool: Any, text: Any, data_text: str) -> bytes:
    """``body_bytes`` with ``data`` given as its canonical JSON text (``canonical_data``): the same bytes, the
    data object encoded once for both the hash and the stored column."""
    fields = (action, case, exhibit, reason, location, from_, to, sha256, tool, text)
    if not _TEXT.issuperset(map(type, fields)):
        raise EncodingError("a field of the entry is not text")
    esc = encode_basestring
    return _utf8("[" + ",".join("null" if f is None else esc(f) for f in fields) + "," + data_text + "]")


def header_bytes(seq: Any, prev: Any, time: Any, tz: Any, offset: Any, actor: Any, key: Any,
                 body_hash_hex: str, version: Any = LEGACY_VERSION, commit: Any = None) -> bytes:
    """Version 1: ``[1,seq,"prev","time","tz","offset","actor","key","body hash"]``; version 2:
    ``[2,seq,"prev","time","tz","offset","actor","key","commit" or null,"body hash"]``; canonical JSON, UTF-8."""
    if seq.__class__ is not int:
        raise EncodingError("sequence number is not an integer")
    if version.__class__ is not int or version not in VERSIONS:
        raise EncodingError("unknown encoding version")
    if version == LEGACY_VERSION:
        if commit is not None:
            raise EncodingError("a version-1 entry has no case commitment")
        fields: tuple[Any, ...] = (prev, time, tz, offset, actor, key, body_hash_hex)
    else:
        fields = (prev, time, tz, offset, actor, key, commit, body_hash_hex)
    if not _TEXT.issuperset(map(type, fields)) or body_hash_hex.__class__ is not str:
        raise EncodingError("a field of the entry is not text")
    return _utf8(_DUMPS([version, seq, *fields]))


def case_commit(salt: bytes, seq: int) -> str:
    """The header's case commitment of entry ``seq`` of the case whose salt is ``salt`` (hex)."""
    return _sha256(COMMIT_DOMAIN + salt + seq.to_bytes(8, "big")).hexdigest()


def body_hash(encoded_body: bytes) -> str:
    return _sha256(BODY_DOMAIN + encoded_body).hexdigest()


def entry_hash(encoded_header: bytes) -> str:
    return _sha256(DOMAIN + encoded_header).hexdigest()


def hash_fields(fields: dict[str, Any]) -> tuple[str, str]:
    """``(entry hash, body hash)`` of an entry given as ``{encoding name: value}`` (data as a dict).

    ``version`` (default 1) and ``commit`` (default null) are optional keys.
    """
    missing = [name for name, _ in FIELDS if name not in fields]
    if missing:
        raise ValueError(f"custody entry lacks fields: {', '.join(missing)}")
    _check_value(fields["data"], "data")
    f = fields
    bh = body_hash(body_bytes(f["action"], f["case"], f["exhibit"], f["reason"], f["location"], f["from"],
                              f["to"], f["sha256"], f["tool"], f["text"], f["data"]))
    return entry_hash(header_bytes(f["seq"], f["prev"], f["time"], f["tz"], f["offset"], f["actor"],
                                   f["key"], bh, f.get("version", LEGACY_VERSION), f.get("commit"))), bh


def hash_row(row: Sequence[Any]) -> tuple[str, str]:
    """``(entry hash, body hash)`` of a raw row in ``ROW_COLUMNS`` order (``data`` as stored text).

    The fast path ``verify`` runs a million times; byte-identical to ``hash_fields``.
    Values are as SQLite returns them from the store's columns: the text
    columns (TEXT affinity) hold text, NULL, or a blob, which cannot be encoded.
    """
    seq, data, version, commit = row[0], row[17], row[20], row[21]
    if seq.__class__ is not int or data.__class__ is not str:
        raise EncodingError("a field of the entry is not text")
    if version.__class__ is not int or (version != VERSION and (version != LEGACY_VERSION or commit is not None)):
        raise EncodingError("unknown encoding version")
    fields = row[7:17]
    if not _TEXT.issuperset(map(type, fields)):  # a number the JSON encoder would write (or refuse: inf)
        raise EncodingError("a field of the entry is not text")
    body = [*fields, {} if data == "{}" else parse_data(data)]
    esc = encode_basestring
    try:
        text = "".join(_C_ENCODER(body, 0)) if _C_ENCODER is not None else _DUMPS(body)
        bh = _sha256(BODY_DOMAIN + text.encode("utf-8")).hexdigest()
        prev, time, tz, offset, actor, key = row[1:7]  # NOT NULL columns: never None
        if version == LEGACY_VERSION:
            head = (f"[1,{seq},{esc(prev)},{esc(time)},{esc(tz)},{esc(offset)},{esc(actor)},"
                    f"{esc(key)},{esc(bh)}]").encode()
        else:
            cm = "null" if commit is None else esc(commit)
            head = (f"[2,{seq},{esc(prev)},{esc(time)},{esc(tz)},{esc(offset)},{esc(actor)},"
                    f"{esc(key)},{cm},{esc(bh)}]").encode()
    except UnicodeEncodeError:
        raise EncodingError("text is not valid Unicode (lone surrogate)") from None
    except TypeError:  # a blob where text belongs
        raise EncodingError("a field of the entry is not text") from None
    return _sha256(DOMAIN + head).hexdigest(), bh


def encode_data(data: dict[str, Any]) -> str:
    """The canonical JSON text of a parsed ``data`` object (``parse_data``'s result): as ``hash_row`` encodes it."""
    return "".join(_C_ENCODER(data, 0)) if _C_ENCODER is not None else _DUMPS(data)


def all_canonical(texts: list[str]) -> bool:
    """Each of ``texts`` is exactly the canonical JSON text of an object: what ``encode_data(parse_data(text))``
    gives back for it (the stored ``data`` of every entry CaseDesk writes), so it can be hashed as it is.

    One parse of them all as one array, then each object encoded again and compared with its text (which also
    shows that the array's elements are the texts: no text holds more or less than one object). False, or an
    exception, otherwise.
    """
    joined = "[" + ",".join(texts) + "]"
    values, end = _SCAN(joined, 0)
    if end != len(joined) or len(values) != len(texts) or not set(map(type, values)) <= {dict}:
        return False
    if _C_ENCODER is None:
        return list(map(_DUMPS, values)) == texts
    return list(map("".join, map(_C_ENCODER, values, repeat(0)))) == texts


def signing_message(entry_hash_hex: str) -> bytes:
    return SIG_DOMAIN + bytes.fromhex(entry_hash_hex)


def fields_from_row(row: Any) -> dict[str, Any]:
    """Encoding fields from a CustodyEntry row (or any object with its columns)."""
    out: dict[str, Any] = {}
    for name, column in FIELDS:
        value = getattr(row, column)
        out[name] = parse_data(value) if column == "data" else value
    out["version"] = row.version
    out["commit"] = row.case_commit
    return out
