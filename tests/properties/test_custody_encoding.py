"""The canonical custody-entry encoding: it round-trips, and distinct entries never share an encoding or a hash."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import assume, given
from hypothesis import strategies as st

from casedesk.custody import encoding

# Any text a user, a file name or a seized device can put in an entry (no lone surrogates: not Unicode).
TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)
HEX64 = st.binary(min_size=32, max_size=32).map(bytes.hex)
JSON_SCALAR = st.none() | st.booleans() | st.integers(min_value=-(2**70), max_value=2**70) | TEXT
JSON = st.recursive(
    JSON_SCALAR,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=12,
)
DATA = st.dictionaries(TEXT, JSON, max_size=5)

HEADER_NAMES = [name for name, _ in encoding.HEADER_FIELDS]
BODY_NAMES = [name for name, _ in encoding.BODY_FIELDS]
OPTIONAL = {"case", "exhibit", "reason", "location", "from", "to", "sha256", "text"}


@st.composite
def entries(draw: st.DrawFn) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "seq": draw(st.integers(min_value=1, max_value=2**53)),
        "prev": draw(HEX64),
        "time": draw(TEXT),
        "tz": draw(TEXT),
        "offset": draw(TEXT),
        "actor": draw(TEXT),
        "key": draw(HEX64),
        "action": draw(TEXT),
        "tool": draw(TEXT),
        "data": draw(DATA),
    }
    for name in OPTIONAL:
        fields[name] = draw(st.none() | TEXT)
    fields["version"] = draw(st.sampled_from([1, 2]))
    fields["commit"] = None if fields["version"] == 1 else draw(st.none() | HEX64)
    return fields


def body(f: dict[str, Any]) -> bytes:
    return encoding.body_bytes(*(f[name] for name in BODY_NAMES))


def header(f: dict[str, Any]) -> bytes:
    return encoding.header_bytes(*(f[name] for name in HEADER_NAMES), encoding.body_hash(body(f)),
                                 f["version"], f["commit"])


def row(f: dict[str, Any]) -> tuple[Any, ...]:
    """The entry as the database holds it (``ROW_COLUMNS`` order, ``data`` as canonical text)."""
    values = [encoding.canonical_json(f[name]) if name == "data" else f[name] for name, _ in encoding.FIELDS]
    return (*values, "", "", f["version"], f["commit"])


@given(entries())
def test_encoding_round_trips(f: dict[str, Any]) -> None:
    b, h = body(f), header(f)
    assert json.loads(b.decode("utf-8")) == [f[name] for name in BODY_NAMES]
    commit = [f["commit"]] if f["version"] == 2 else []
    assert json.loads(h.decode("utf-8")) == [f["version"], *(f[n] for n in HEADER_NAMES), *commit,
                                             encoding.body_hash(b)]
    # Canonical: decoding and encoding again gives the same bytes.
    assert encoding.canonical_json(json.loads(b.decode("utf-8"))).encode("utf-8") == b
    stored = encoding.canonical_json(f["data"])
    assert encoding.parse_data(stored) == f["data"]
    # The fast path verify uses on raw rows gives exactly the hashes of the field path.
    assert encoding.hash_row(row(f)) == encoding.hash_fields(f)


NAMES = HEADER_NAMES + BODY_NAMES + ["commit"]


@given(entries(), st.sampled_from(NAMES), st.data())
def test_changing_any_one_field_changes_the_hash(f: dict[str, Any], name: str, data: st.DataObject) -> None:
    if name == "commit":
        assume(f["version"] == 2)
        other: Any = data.draw(st.none() | HEX64)
    elif name == "seq":
        other = data.draw(st.integers(min_value=1, max_value=2**53))
    elif name in ("prev", "key"):
        other = data.draw(HEX64)
    elif name == "data":
        other = data.draw(DATA)
    elif name in OPTIONAL:
        other = data.draw(st.none() | TEXT)
    else:
        other = data.draw(TEXT)
    assume(other != f[name] or type(other) is not type(f[name]))
    g = dict(f, **{name: other})
    assert encoding.hash_fields(g)[0] != encoding.hash_fields(f)[0]
    assert (body(g), header(g)) != (body(f), header(f))


@given(entries())
def test_the_version_is_part_of_the_hash(f: dict[str, Any]) -> None:
    """A version-2 entry without a commitment never hashes like the same entry in version 1."""
    v1, v2 = dict(f, version=1, commit=None), dict(f, version=2, commit=None)
    assert encoding.hash_fields(v1)[0] != encoding.hash_fields(v2)[0]


@given(entries(), entries())
def test_distinct_entries_have_distinct_encodings_and_hashes(f: dict[str, Any], g: dict[str, Any]) -> None:
    assume(f != g)
    assert (body(f), header(f)) != (body(g), header(g))
    assert encoding.hash_fields(f)[0] != encoding.hash_fields(g)[0]


@given(entries(), st.sampled_from([(a, b) for a in BODY_NAMES[:-1] for b in BODY_NAMES[:-1] if a < b]))
def test_moving_text_between_fields_changes_the_hash(f: dict[str, Any], pair: tuple[str, str]) -> None:
    """Field boundaries are part of the encoding: 'reason: x, location: y' is not 'reason: y, location: x'."""
    a, b = pair
    assume(f[a] != f[b])
    g = dict(f, **{a: f[b], b: f[a]})
    assert encoding.hash_fields(g)[0] != encoding.hash_fields(f)[0]


@given(entries(), st.sampled_from(sorted(OPTIONAL)))
def test_absent_and_empty_are_different(f: dict[str, Any], name: str) -> None:
    assert encoding.hash_fields(dict(f, **{name: None}))[0] != encoding.hash_fields(dict(f, **{name: ""}))[0]


@given(entries(), TEXT, st.integers(min_value=-(2**40), max_value=2**40))
def test_types_inside_data_are_kept_apart(f: dict[str, Any], key: str, number: int) -> None:
    as_int = dict(f, data={key: number})
    as_text = dict(f, data={key: str(number)})
    assert encoding.hash_fields(as_int)[0] != encoding.hash_fields(as_text)[0]


@given(entries(), st.sampled_from(BODY_NAMES[:-1]), TEXT, TEXT)
def test_a_lone_surrogate_is_refused_not_encoded(f: dict[str, Any], name: str, before: str, after: str) -> None:
    bad = dict(f, **{name: before + "\ud800" + after})
    try:
        encoding.hash_fields(bad)
    except encoding.EncodingError:
        return
    raise AssertionError("text that is not Unicode was given a hash")
