"""Search across every case the signed-in user may open: exhibits and notes.

What a search text finds, in every case whose content the user may see (the
cases ``Evidence.list`` would show them: member, officer in charge, or a
supervisor; the account checked as in every read):

* exhibits whose SHA-256 starts with it (4 to 64 hex digits, any case);
* exhibits whose reference, file name or description contains it (SQLite's
  LIKE: case-insensitive for ASCII letters, exact for others);
* notes whose text contains it (case-insensitive).

Withdrawn exhibits are found only when asked, sensitive ones as in the
register (listed, marked sensitive), exactly as ``Evidence.list``.

Notes are ciphertext under their case's key (docs/vault-format.md), so SQL
cannot look into them: they are decrypted in this process with the keys the
user holds, and each plaintext is kept in memory for the rest of the session
(keyed by case and ciphertext), as the notes tab shows it. A case whose key
is not yet granted to this user has its notes left out, and the result names
it. Nothing about a note's content is stored to make it searchable: an index
of words in the database would give away under the store key what the case
key protects.

Exhibit fields are plain columns of the (SQLCipher-encrypted) store; the file
name and description are found by scanning narrow covering indexes
(migration 0005), the SHA-256 prefix by a range on its index.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session as OrmSession

from casedesk.errors import CaseContentLocked, UsageError
from casedesk.evidence import references
from casedesk.security.roles import Permission
from casedesk.services import inputs
from casedesk.services.casekeys import CaseKeys
from casedesk.services.evidence import ExhibitView, register_by_id
from casedesk.services.session import Session
from casedesk.store.models import Case, CaseMember, Exhibit, Note, User

NOTE_PURPOSE = "note.added"  # the purpose notes are sealed under (services/cases.py NOTE_ACTION)
DEFAULT_LIMIT = 200
HASH_PREFIX = re.compile(r"[0-9a-f]{4,64}")

# What matched, in the order a hit is labelled when several fields match.
SHA256, REFERENCE, FILE_NAME, DESCRIPTION, NOTE = "SHA-256", "reference", "file name", "description", "note"

# Plaintext of notes already opened in this session, by (case id, ciphertext): a search types one letter at a
# time, and opening each note again for each letter would cost more than the rest of the search.
_OPENED: weakref.WeakKeyDictionary[Session, dict[tuple[int, str], str]] = weakref.WeakKeyDictionary()


@dataclass(frozen=True)
class NoteHit:
    id: int
    author: str
    created_at: datetime
    text: str
    custody_seq: int


@dataclass(frozen=True)
class SearchHit:
    case_ref: str
    matched: str  # SHA256 | REFERENCE | FILE_NAME | DESCRIPTION | NOTE
    exhibit: ExhibitView | None  # the exhibit found; for a note, the exhibit it is about (None: about the case)
    note: NoteHit | None = None


@dataclass(frozen=True)
class SearchResult:
    text: str
    hits: list[SearchHit]
    more: bool  # more hits than the limit: the first ``limit`` by case and reference are listed
    notes_locked: list[str] = field(default_factory=list)  # cases whose notes could not be searched (no key yet)


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


class Search:
    def __init__(self, session: Session) -> None:
        self.s = session

    def _cases(self, db: OrmSession) -> list[Case]:
        """The cases whose content this user may see (Session.case's rule, for every case at once)."""
        query = select(Case)
        if not self.s.can(Permission.CASE_VIEW_ALL):
            me = self.s.user.id
            member = select(CaseMember.case_id).where(CaseMember.user_id == me)
            query = query.where(or_(Case.officer_in_charge_id == me, Case.id.in_(member)))
        return list(db.scalars(query))

    def find(self, text: str, include_withdrawn: bool = False, limit: int = DEFAULT_LIMIT) -> SearchResult:
        """Exhibits and notes matching ``text`` in every case this user may open, by case and reference."""
        self.s.require(Permission.CASE_CONTENT)
        needle = inputs.text(text, "the search text", inputs.LINE, field="text")
        if not needle:
            raise UsageError("type something to search for: part of a file name, a reference, a SHA-256 or a note",
                             field="text")
        if limit < 1:
            raise UsageError("the number of results must be at least 1", cli_hint="--limit N")
        with self.s.read() as db:
            cases = {c.id: c for c in self._cases(db)}
            if not cases:
                return SearchResult(needle, [], False)
            ids = list(cases)

            def scoped(condition: ColumnElement[bool], *columns: Any) -> list[Sequence[Any]]:
                # ``case_id + 0``: on the bare column SQLite would seek ix_exhibit_case for each case and read
                # every exhibit row of those cases; as an expression it is checked on the entries of the index
                # that holds every column the query reads (migration 0005), scanned instead of the table.
                query = select(Exhibit.id, *columns).where(condition, (Exhibit.case_id + 0).in_(ids))
                if not include_withdrawn:
                    query = query.where(Exhibit.status == "active")
                return list(db.execute(query.limit(limit + 1)).all())

            # One narrow scan per index (an OR across them makes SQLite read every row), the label of the first
            # field that matches.
            matched: dict[int, str] = {}
            pattern = _like(needle)
            lowered = needle.lower()
            if HASH_PREFIX.fullmatch(lowered):
                upper = lowered[:-1] + chr(ord(lowered[-1]) + 1)
                for row in scoped((Exhibit.sha256 >= lowered) & (Exhibit.sha256 < upper)):
                    matched.setdefault(row[0], SHA256)
            for row in scoped(or_(Exhibit.reference.like(pattern, escape="\\"),
                                  Exhibit.original_name.like(pattern, escape="\\")), Exhibit.reference):
                matched.setdefault(row[0], REFERENCE if lowered in row[1].lower() else FILE_NAME)
            for row in scoped(Exhibit.description.like(pattern, escape="\\")):
                matched.setdefault(row[0], DESCRIPTION)
            hits = [SearchHit(v.case_ref, matched[i], v) for i, v in register_by_id(db, matched).items()]
            note_hits, locked = self._notes(db, cases, needle.casefold(), limit + 1)
            hits.extend(note_hits)
        hits.sort(key=lambda h: (h.case_ref, h.note is not None,
                                 references.sort_key(h.exhibit.reference) if h.exhibit else ("", 0, ""),
                                 h.note.id if h.note else 0))
        return SearchResult(needle, hits[:limit], len(hits) > limit, sorted(locked))

    def _notes(self, db: OrmSession, cases: dict[int, Case], needle: str,
               limit: int) -> tuple[list[SearchHit], list[str]]:
        opened = _OPENED.setdefault(self.s, {})
        keys = CaseKeys(self.s)
        locked: set[int] = set()
        found: list[tuple[int, int, int | None, int, datetime, str, int]] = []
        rows = db.execute(select(Note.id, Note.case_id, Note.exhibit_id, Note.author_id, Note.created_at, Note.text,
                                 Note.custody_seq).where(Note.case_id.in_(list(cases))).order_by(Note.id))
        for note_id, case_id, exhibit_id, author_id, created_at, sealed, seq in rows:
            if case_id in locked:
                continue
            plain = opened.get((case_id, sealed))
            if plain is None:
                try:
                    plain = keys.open_text(db, cases[case_id], NOTE_PURPOSE, sealed)
                except CaseContentLocked:
                    locked.add(case_id)
                    continue
                opened[(case_id, sealed)] = plain
            if needle in plain.casefold():
                found.append((note_id, case_id, exhibit_id, author_id, created_at, plain, seq))
                if len(found) >= limit:
                    break
        if not found:
            return [], [cases[c].reference for c in locked]
        names: dict[int, str] = {uid: name for uid, name in db.execute(select(User.id, User.username))}
        about = register_by_id(db, {f[2] for f in found if f[2] is not None})
        hits = [SearchHit(cases[c].reference, NOTE, about.get(e) if e is not None else None,
                          NoteHit(i, names.get(a, "?"), when, plain, seq))
                for i, c, e, a, when, plain, seq in found]
        return hits, [cases[c].reference for c in locked]
