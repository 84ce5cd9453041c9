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

Exhibit fields are plain columns of the (SQLCipher-encrypted) store. A text
with three characters in a row that are not LIKE wildcards is looked up in the
trigram index of references, file names and descriptions (migration 0006),
which names the exhibits that may hold it; each is then checked with the
``LIKE`` above, so the index decides how few rows are read, never what is
found. A shorter text scans the narrow covering indexes of migration 0005
instead (a trigram index cannot look it up). The SHA-256 prefix is a range on
its index.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, or_, select, union
from sqlalchemy.orm import Session as OrmSession

from casedesk.errors import CaseContentLocked, UsageError
from casedesk.evidence import references
from casedesk.security.roles import Permission
from casedesk.services import inputs
from casedesk.services.casekeys import CaseKeys
from casedesk.services.evidence import ExhibitView, register_by_id
from casedesk.services.session import Session
from casedesk.store.models import EXHIBIT_TEXT, Case, CaseMember, Exhibit, Note, User

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


def text_index_finds(text: str) -> bool:
    """Whether the trigram index can look ``text`` up: three characters in a row that LIKE takes literally. For
    anything shorter FTS5 would read every row, slower than the covering indexes' scan."""
    return any(len(run) >= 3 for run in re.split(r"[%_]", text))


def _indexed(column: str, text: str) -> Select[tuple[int]]:
    """The ids of the exhibits whose ``column`` may contain ``text``, from the trigram index: ``text``'s own ``%``
    and ``_`` left as wildcards (no ESCAPE: FTS5 looks up only a plain LIKE), so these are all the exhibits the
    escaped LIKE finds and perhaps a few more, which that LIKE then leaves out."""
    return select(EXHIBIT_TEXT.c.rowid).where(EXHIBIT_TEXT.c[column].like(f"%{text}%"))


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
                # every exhibit row of those cases; as an expression it is checked on the rows the text index
                # names, or on the entries of the covering index scanned instead of the table (migration 0005).
                query = select(Exhibit.id, *columns).where(condition, (Exhibit.case_id + 0).in_(ids))
                if not include_withdrawn:
                    query = query.where(Exhibit.status == "active")
                return list(db.execute(query.limit(limit + 1)).all())

            # One look-up (or narrow scan) per index (an OR across them makes SQLite read every row), the label of
            # the first field that matches.
            matched: dict[int, str] = {}
            pattern = _like(needle)
            lowered = needle.lower()
            if HASH_PREFIX.fullmatch(lowered):
                upper = lowered[:-1] + chr(ord(lowered[-1]) + 1)
                for row in scoped((Exhibit.sha256 >= lowered) & (Exhibit.sha256 < upper)):
                    matched.setdefault(row[0], SHA256)
            names: ColumnElement[bool] = or_(Exhibit.reference.like(pattern, escape="\\"),
                                             Exhibit.original_name.like(pattern, escape="\\"))
            described: ColumnElement[bool] = Exhibit.description.like(pattern, escape="\\")
            if text_index_finds(needle):
                names = Exhibit.id.in_(union(_indexed("reference", needle), _indexed("original_name", needle))) & names
                described = Exhibit.id.in_(_indexed("description", needle)) & described
            for row in scoped(names, Exhibit.reference):
                matched.setdefault(row[0], REFERENCE if lowered in row[1].lower() else FILE_NAME)
            for row in scoped(described):
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
