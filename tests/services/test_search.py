"""Search across cases: what is found, and only where the user may look."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from casedesk.errors import AuthenticationError, PermissionDenied, UsageError
from casedesk.services.accounts import Accounts
from casedesk.services.cases import Cases
from casedesk.services.evidence import Evidence, IngestMetadata
from casedesk.services.search import DESCRIPTION, FILE_NAME, NOTE, REFERENCE, SHA256, Search
from tests.helpers.cli import run
from tests.helpers.evidence import write
from tests.helpers.store import CASE, Store

OTHER = "MPS-2026-0999"  # bpatel's case; jsmith is not a member
INVOICE = b"%PDF-1.4 invoice from Harbour Freight"
SECRET = b"bpatel's informant log"


@pytest.fixture
def cases(store: Store, tmp_path: Path) -> Store:
    jsmith = store.sign_in("jsmith")
    ev = Evidence(jsmith)
    ev.ingest(CASE, [write(tmp_path / "src" / "Invoice_2041.pdf", INVOICE)],
              IngestMetadata(description="Invoices from the warehouse office"))
    ev.ingest(CASE, [write(tmp_path / "src" / "ledger.xls", b"ledger rows")],
              IngestMetadata(description="Ledger seized at the lock-up", sensitive=True))
    ev.ingest(CASE, [write(tmp_path / "src" / "50%_off_flyer.txt", b"flyer")],
              IngestMetadata(description="A flyer"))
    Cases(jsmith).add_note(CASE, "The courier called himself Ladbroke and asked for the invoice", exhibit="JAS/1")
    Cases(jsmith).add_note(CASE, "Nothing of note at the lock-up")
    jsmith.close()
    bpatel = store.sign_in("bpatel")
    Cases(bpatel).create(OTHER, "Operation Heron")
    Evidence(bpatel).ingest(OTHER, [write(tmp_path / "other" / "invoice_informant.txt", SECRET)],
                            IngestMetadata(description="Informant invoices"))
    Cases(bpatel).add_note(OTHER, "Ladbroke is our informant; never disclose")
    bpatel.close()
    return store


def find(store: Store, user: str, text: str, **kw: object) -> list[tuple[str, str, str | None]]:
    session = store.sign_in(user)
    try:
        result = Search(session).find(text, **kw)  # type: ignore[arg-type]
    finally:
        session.close()
    return [(h.case_ref, h.matched, h.exhibit.reference if h.exhibit else None) for h in result.hits]


def test_finds_by_file_name_hash_prefix_reference_description_and_note(cases: Store) -> None:
    assert find(cases, "jsmith", "invoice_20") == [(CASE, FILE_NAME, "JAS/1")]  # any case of letters
    digest = hashlib.sha256(INVOICE).hexdigest()
    assert find(cases, "jsmith", digest[:6].upper()) == [(CASE, SHA256, "JAS/1")]
    assert find(cases, "jsmith", digest) == [(CASE, SHA256, "JAS/1")]
    assert find(cases, "jsmith", "jas/2") == [(CASE, REFERENCE, "JAS/2")]
    assert find(cases, "jsmith", "warehouse") == [(CASE, DESCRIPTION, "JAS/1")]
    # a note is found by its text (decrypted with the case key), with the exhibit it is about
    assert find(cases, "jsmith", "LADBROKE") == [(CASE, NOTE, "JAS/1")]
    assert find(cases, "jsmith", "lock-up") == [(CASE, DESCRIPTION, "JAS/2"), (CASE, NOTE, None)]


def test_a_user_finds_nothing_in_a_case_they_may_not_open(cases: Store) -> None:
    assert find(cases, "jsmith", "invoice") == [(CASE, FILE_NAME, "JAS/1"), (CASE, NOTE, "JAS/1")]
    assert find(cases, "jsmith", "informant") == []
    assert find(cases, "jsmith", hashlib.sha256(SECRET).hexdigest()[:8]) == []
    assert find(cases, "bpatel", "ladbroke") == [(OTHER, NOTE, None)]
    # a supervisor sees every case
    assert find(cases, "sgt", "ladbroke") == [(CASE, NOTE, "JAS/1"), (OTHER, NOTE, None)]
    admin = cases.sign_in("admin")
    with pytest.raises(PermissionDenied):
        Search(admin).find("invoice")  # administrators never see evidence content
    admin.close()


def test_a_member_removed_finds_the_case_no_more(cases: Store) -> None:
    sgt = cases.sign_in("sgt")
    Cases(sgt).add_member(OTHER, "jsmith")
    assert find(cases, "jsmith", "informant") == [(OTHER, FILE_NAME, "BP/1"), (OTHER, NOTE, None)]
    Cases(sgt).remove_member(OTHER, "jsmith", "left the inquiry")
    sgt.close()
    assert find(cases, "jsmith", "informant") == []


def test_notes_of_a_case_whose_key_is_not_yet_granted_are_named_not_searched(cases: Store) -> None:
    admin = cases.sign_in("admin")  # an administrator adds the member: no key holder has granted the key yet
    Cases(admin).add_member(OTHER, "jsmith")
    admin.close()
    jsmith = cases.sign_in("jsmith")
    result = Search(jsmith).find("informant")
    jsmith.close()
    assert [(h.case_ref, h.matched) for h in result.hits] == [(OTHER, FILE_NAME)]  # the register is readable
    assert result.notes_locked == [OTHER]


def test_withdrawn_only_when_asked_and_sensitive_marked_as_in_the_register(cases: Store) -> None:
    jsmith = cases.sign_in("jsmith")
    Evidence(jsmith).withdraw(CASE, "JAS/1", "scanned twice")
    search = Search(jsmith)
    assert [h.exhibit.reference for h in search.find("invoice_2041").hits if h.exhibit] == []
    (hit,) = search.find("invoice_2041", include_withdrawn=True).hits
    assert hit.exhibit is not None and hit.exhibit.status == "withdrawn"
    (ledger,) = search.find("ledger.xls").hits
    assert ledger.exhibit is not None and ledger.exhibit.sensitive
    assert ledger.exhibit == Evidence(jsmith).show(CASE, "JAS/2")  # the register's own view, every field
    jsmith.close()


def test_wildcards_are_plain_text_and_empty_text_is_refused(cases: Store) -> None:
    assert find(cases, "jsmith", "50%_") == [(CASE, FILE_NAME, "JAS/3")]
    assert find(cases, "jsmith", "%") == [(CASE, FILE_NAME, "JAS/3")]
    assert find(cases, "jsmith", "_") == [(CASE, FILE_NAME, "JAS/1"), (CASE, FILE_NAME, "JAS/3")]
    jsmith = cases.sign_in("jsmith")
    with pytest.raises(UsageError, match="type something"):
        Search(jsmith).find("   ")
    jsmith.close()


def test_more_than_the_limit_says_so(cases: Store) -> None:
    jsmith = cases.sign_in("jsmith")
    result = Search(jsmith).find("jas/", limit=2)
    jsmith.close()
    assert [h.exhibit.reference for h in result.hits if h.exhibit] == ["JAS/1", "JAS/2"]
    assert result.more


def test_an_account_disabled_meanwhile_searches_nothing(cases: Store) -> None:
    jsmith = cases.sign_in("jsmith")
    admin = cases.sign_in("admin")
    Accounts(admin).disable("jsmith")
    admin.close()
    with pytest.raises(AuthenticationError, match="disabled"):
        Search(jsmith).find("invoice")
    jsmith.close()


def test_cli_search(cases: Store, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    r = run(capsys, monkeypatch, cases.root, "search", "invoice", user="jsmith")
    assert r.code == 0, r.err
    lines = r.out.splitlines()
    assert lines[0].startswith(f"{CASE} ") and "JAS/1" in lines[0] and "Invoice_2041.pdf" in lines[0]
    assert "note" in lines[1] and "Ladbroke" in lines[1]
    assert "informant" not in r.out.lower()
    r = run(capsys, monkeypatch, cases.root, "search", "ladbroke", "--json", user="sgt")
    assert [(h["case_ref"], h["matched"]) for h in r.json()["hits"]] == [(CASE, NOTE), (OTHER, NOTE)]
    r = run(capsys, monkeypatch, cases.root, "search", "", user="jsmith")
    assert r.code != 0 and r.err.count("\n") == 1 and "type something" in r.err


def test_the_text_index_finds_exactly_what_the_scan_finds(cases: Store, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """A text of three characters or more is looked up in the trigram index (migration 0006, issue 13): for every
    user, withdrawn or not, it finds the same exhibits with the same labels as the scan of the covering indexes,
    and no case the user may not open; letters beyond ASCII match exactly, as LIKE matches them."""
    from casedesk.services import search as search_module

    jsmith = cases.sign_in("jsmith")
    ev = Evidence(jsmith)
    for name in ("Überweisung_März.PDF", "überweisung_märz.pdf", "back\\slash 100%.txt", "a_b_c.txt", "JAS_7.txt"):
        ev.ingest(CASE, [write(tmp_path / "more" / name, name.encode())],
                  IngestMetadata(description=f"Bank transfer {name} from the LOCK-UP"))
    ev.withdraw(CASE, "JAS/7", "scanned twice")  # a_b_c.txt
    jsmith.close()
    texts = ("invoice", "INVOICE_20", "nvoic", "Überweisung", "überweisung", "ÜBERWEISUNG", "märz", "100%",
             "back\\slash", "ck\\s", "_b_", "a_b", "50%_off", "jas/", "JAS/1", "s_7", "lock-up", "transfer b",
             "informant", "invoices", "zzz", "in", "%_%")
    indexed = search_module.text_index_finds
    assert [t for t in texts if not indexed(t)] == ["_b_", "a_b", "s_7", "in", "%_%"]  # no 3 plain letters: scanned
    sessions = {user: cases.sign_in(user) for user in ("jsmith", "bpatel", "sgt")}
    try:
        found: dict[bool, list[list[tuple[str, str, str | None]]]] = {}
        for index in (True, False):
            monkeypatch.setattr(search_module, "text_index_finds", indexed if index else lambda _t: False)
            found[index] = [[(h.case_ref, h.matched, h.exhibit.reference if h.exhibit else None)
                             for h in Search(session).find(t, include_withdrawn=w).hits]
                            for session in sessions.values() for t in texts for w in (False, True)]
    finally:
        for session in sessions.values():
            session.close()
    assert found[True] == found[False]
    assert sum(map(len, found[True])) > 50  # most texts find something
    monkeypatch.setattr(search_module, "text_index_finds", indexed)
    assert find(cases, "jsmith", "Überweisung") == [(CASE, FILE_NAME, "JAS/4")]  # LIKE folds ASCII letters only
    assert find(cases, "jsmith", "überweisung") == [(CASE, FILE_NAME, "JAS/5")]
    assert find(cases, "jsmith", "a_b", include_withdrawn=True) == [(CASE, FILE_NAME, "JAS/7")]
    assert find(cases, "jsmith", "100%") == [(CASE, FILE_NAME, "JAS/6")]
    assert find(cases, "bpatel", "invoice") == [(OTHER, FILE_NAME, "BP/1")]  # never jsmith's JAS/1
