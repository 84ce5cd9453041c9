"""Evidence: ingest into the vault, the exhibit register, viewing, extraction, verification.

Every state change (ingest, withdrawal, sensitivity) is one write transaction
holding the change and its custody entry; every access to content (view,
extract) records a custody entry. ``verify`` records nothing: the custody
verify command records its own ``verified`` entry around it.

Decisions recorded here so the front ends agree:

* Only case members (or supervisors) may ingest, and only into open cases;
  the producing officer must be on the case too.
* Withdrawn exhibits stay in the vault and can still be viewed and
  extracted (the defence may ask for unused material; CPIA requires it to
  be retained), and ``verify`` checks them; they leave the default register.
* ``duplicate_of`` names the first exhibit of the same case with identical
  content; content shared with another case is stored once but not
  announced (that would tell a user about a case they may not see).
"""

from __future__ import annotations

import builtins
import contextlib
import dataclasses
import functools
import gc
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Collection, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, BinaryIO, NamedTuple, TypeVar, cast

import sqlcipher3
from sqlalchemy import Engine, Select, func, literal, select
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.orm import aliased, object_session

from casedesk import settings, tool_id
from casedesk.custody.handover import handed_over_message
from casedesk.datadir import DataDir
from casedesk.errors import (
    Cancelled,
    CaseContentLocked,
    IntegrityError,
    NotFound,
    PermissionDenied,
    StoreError,
    UsageError,
)
from casedesk.evidence import references
from casedesk.evidence.filetype import HEAD_BYTES, TypeDetector
from casedesk.evidence.objectformat import encrypted_size, write_all
from casedesk.evidence.pipeline import Ingester, StoredFile
from casedesk.evidence.readback import ObjectProblem, SinkError, mismatches, open_verified, read_object
from casedesk.evidence.sources import SkippedItem, collect
from casedesk.evidence.vault import CleanupReport, Pending, Vault, clean_up
from casedesk.outputs import NewFile, check_target, inside, publish_all
from casedesk.progress import CancelToken, Progress, no_progress
from casedesk.security.roles import Permission, Role
from casedesk.services import inputs
from casedesk.services.casekeys import CaseKeys, current_epoch
from casedesk.services.legacyvault import remove_leftovers
from casedesk.services.session import Session
from casedesk.store.bulk import insert_values
from casedesk.store.engine import read_session, store_problem
from casedesk.store.models import Case, CaseMember, Exhibit, User, VaultObject
from casedesk.timeutil import iso_utc, parse_iso, to_utc, utc_now

log = logging.getLogger("casedesk.evidence")

DEFAULT_LOCATION = "CaseDesk vault"
BATCH_FILES = 500
# While the next file is not stored yet, this process records a batch already published, or at the start hands
# over a first batch of at least this many files, instead of waiting idle for a full one. Only the first batch is
# smaller: every batch has a fixed cost (about 25 ms: the transaction, the seal, the head copies, two flushes).
IDLE_BATCH_FILES = 100
BATCH_BYTES = 256 << 20
BATCH_SECONDS = 5.0

__all__ = [
    "ROW_FIELDS",
    "Evidence",
    "ExhibitProblem",
    "ExhibitRow",
    "ExhibitView",
    "FileToIngest",
    "IngestMetadata",
    "IngestSummary",
    "SkippedItem",
    "clean_up_vault",
]


@dataclass(frozen=True)
class IngestMetadata:
    description: str
    seized_from: str = ""
    seized_at: datetime | None = None  # aware; the CLI parses --seized-at with a zone
    location: str = ""  # where seized / received
    seal: str = ""
    producer: str | None = None  # producing officer's user name; default the signed-in user
    sensitive: bool = False  # MG6D-like; excluded from bundles by default


@dataclass(frozen=True)
class ExhibitView:
    """Everything the register, the GUI detail pane and the bundle need about one exhibit."""

    case_ref: str
    reference: str
    description: str
    producer: str
    producer_name: str
    seized_from: str
    seized_at: datetime | None
    seized_location: str
    seal: str
    original_name: str
    relative_path: str
    size: int
    fs_modified: datetime | None
    fs_changed: datetime | None
    fs_accessed: datetime | None
    mime_type: str
    type_description: str
    type_warning: str | None
    sha256: str
    md5: str | None
    sha1: str | None
    duplicate_of: str | None
    ingested_by: str
    ingested_at: datetime
    tool: str
    sensitive: bool
    status: str
    withdrawn_reason: str | None
    custodian: str
    custodian_is_user: bool
    location: str
    checked_out: bool
    seized_offset: str | None = None  # the UTC offset the seizure time was entered with, e.g. +01:00


class ExhibitRow(NamedTuple):
    """One line of the register as a list shows it: what its columns, filter, highlighting and the actions on a
    selection (move, check out, withdraw, mark sensitive) read. The rest of an exhibit (seizure details, producer,
    MD5/SHA-1, file times, ingest) is ``Evidence.show``'s, read when one exhibit is chosen: reading all 33
    columns of 20,000 rows costs twice the read of these (issue 13).

    The values as the store holds them, one tuple made in one call per row: a frozen dataclass with the flags
    and the time converted cost 2 us a row, 45 ms of the 20,000-exhibit register (issue 13). ``seized_at``,
    ``sensitive``, ``custodian_is_user`` and ``checked_out`` answer as ``ExhibitView``'s fields of the same
    names do (a datetime, bools), converted when read: a view reads them only for the rows it shows."""

    case_ref: str
    reference: str
    description: str
    original_name: str
    relative_path: str
    size: int
    seized_at_stored: str | None  # iso_utc text as stored; see seized_at
    mime_type: str
    type_description: str
    type_warning: str | None
    sha256: str
    duplicate_of: str | None
    sensitive_stored: int  # 0 or 1 as stored; see sensitive
    status: str
    custodian: str
    custodian_is_user_stored: int
    location: str
    checked_out_stored: int

    @property
    def seized_at(self) -> datetime | None:
        text = self.seized_at_stored
        return None if text is None else _stored_time(text)

    @property
    def sensitive(self) -> bool:
        return bool(self.sensitive_stored)

    @property
    def custodian_is_user(self) -> bool:
        return bool(self.custodian_is_user_stored)

    @property
    def checked_out(self) -> bool:
        return bool(self.checked_out_stored)


# The ExhibitView fields an ExhibitRow answers, with the same values.
ROW_FIELDS = tuple(name.removesuffix("_stored") for name in ExhibitRow._fields)


@dataclass
class IngestSummary:
    ingested: list[ExhibitView] = field(default_factory=list)
    skipped: list[SkippedItem] = field(default_factory=list)
    cancelled: bool = False
    # Files already in the case (same path in the source and same SHA-256): not ingested again, e.g. when a
    # folder is ingested again after a cancel. (path, the exhibit that holds it)
    already: list[tuple[str, str]] = field(default_factory=list)

    @property
    def duplicates(self) -> list[ExhibitView]:
        return [e for e in self.ingested if e.duplicate_of is not None]

    @property
    def warnings(self) -> list[ExhibitView]:
        return [e for e in self.ingested if e.type_warning]


@dataclass(frozen=True)
class FileToIngest:
    """A file an ingest of the paths given would read, as a form lists it before the ingest starts."""

    relative_path: str  # as the register will record it, and as ``ingest(descriptions=...)`` names it
    name: str
    size: int
    type_description: str  # libmagic's, from the first bytes; "" when they cannot be read
    source: str = ""  # where it is read from: tells apart files given with the same relative path


@dataclass(frozen=True)
class ExhibitProblem:
    case_ref: str
    reference: str
    kind: str  # "missing object" | "wrong hash" | "failed authentication" | "wrong size" | ...
    message: str


def _offset_text(value: datetime) -> str:
    off = value.utcoffset() or timedelta(0)
    minutes = int(off.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def _clean_meta(meta: IngestMetadata, each_described: bool = False) -> IngestMetadata:
    """``each_described``: every file has its own description, so the common one may be blank."""
    description = inputs.text(meta.description, "an exhibit's description", inputs.DESCRIPTION,
                              empty=None if each_described else
                              "an exhibit needs a description, e.g. 'Dossier handed over by the journalist'",
                              field="description", cli_hint="--description TEXT")
    if meta.seized_at is not None:
        inputs.moment(meta.seized_at, "the seizure time", cli_hint="--seized-at")
        if to_utc(meta.seized_at) > utc_now() + timedelta(minutes=5):
            raise UsageError("the seizure time is in the future; check the date and the time zone")
    return IngestMetadata(
        description=description,
        seized_from=inputs.text(meta.seized_from, "who it was seized from", inputs.LINE, field="seized_from",
                                cli_hint="--seized-from"),
        seized_at=meta.seized_at,
        location=inputs.text(meta.location, "the seizure location", inputs.LINE, field="location",
                             cli_hint="--location"),
        seal=inputs.text(meta.seal, "the seal or bag number", inputs.SEAL, field="seal", cli_hint="--seal"),
        producer=inputs.text(meta.producer, "the officer who seized it", inputs.NAME, field="producer",
                             cli_hint="--seized-by") or None,
        sensitive=bool(meta.sensitive),
    )


def path_key(path: str) -> str:
    """A file's path as the register records it (``photos/IMG_0001.jpg``), from how a person may write it."""
    key = path.strip().replace("\\", "/")
    while key.startswith("./"):
        key = key[2:]
    return key


def _clean_descriptions(descriptions: Mapping[str, str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for path, text in descriptions.items():
        key = path_key(path)
        if key in out:
            raise UsageError(f"{key} is given two descriptions; keep one. Nothing was ingested",
                             field="descriptions", cli_hint="--descriptions FILE")
        out[key] = inputs.text(text, f"the description of {key}", inputs.DESCRIPTION, field="descriptions",
                               cli_hint="--descriptions FILE")
    return out


def _describe(files: Sequence[Any], descriptions: dict[str, str], common: str) -> dict[str, str]:
    """Each file's description (relative path -> text): its own when given, else the common one. A path given
    that is not among the files, or a file left with no description at all, refuses the whole ingest."""
    paths = {f.relative_path for f in files}
    unknown = sorted(set(descriptions) - paths)
    if unknown:
        more = f" (and {len(unknown) - 1} more)" if len(unknown) > 1 else ""
        raise UsageError(f"a description is given for {unknown[0]}{more}, which is not among the files to ingest; "
                         "write each path as the register shows it, e.g. photos/IMG_0001.jpg. Nothing was ingested",
                         field="descriptions", cli_hint="--descriptions FILE")
    counts: dict[str, int] = {}
    for f in files:
        counts[f.relative_path] = counts.get(f.relative_path, 0) + 1
    shared = sorted(p for p in descriptions if counts.get(p, 0) > 1)
    if shared:  # two files of the same name given from different folders: the description could be either's
        raise UsageError(f"{shared[0]} is the path of {counts[shared[0]]} of the files given (the same name in "
                         "different folders), so its description would not say which; give the folders that "
                         "hold them instead, their paths then differ. Nothing was ingested",
                         field="descriptions", cli_hint="--descriptions FILE")
    chosen = {f.relative_path: descriptions.get(f.relative_path) or common for f in files}
    blank = sorted(p for p, text in chosen.items() if not text)
    if blank:
        more = f" (and {len(blank) - 1} more)" if len(blank) > 1 else ""
        raise UsageError(f"{blank[0]}{more} has no description; give each file one, or a common description. "
                         "Nothing was ingested", field="descriptions", cli_hint="--description TEXT")
    return chosen


def _refuse_data_dir(paths: Sequence[Path], root: Path) -> None:
    """CaseDesk's own files are never evidence: a source inside the data directory, or holding it, is refused."""
    for given in paths:
        path = Path(given).expanduser().absolute()
        if inside(path, root):
            raise UsageError(f"{given} is inside CaseDesk's data directory {os.path.realpath(root)}; "
                             "CaseDesk's own files are never ingested: name the evidence itself. Nothing was ingested")
        if path.is_dir() and not path.is_symlink() and inside(root, path):
            raise UsageError(f"{given} holds CaseDesk's data directory {os.path.realpath(root)}; name the folders "
                             "beside it instead, or keep the data directory elsewhere. Nothing was ingested")


def require_open(case: Case) -> None:
    """Exhibits of a closed case are fixed: no ingest, transfer, check-out, withdrawal or sensitivity change."""
    if case.status == "closed":
        raise UsageError(f"case {case.reference} is closed; its exhibits can no longer change")
    db = object_session(case)
    if case.status == "handed_over" and db is not None:
        # Before anything is read or written (an ingest encrypts its files first): the line Session.record says.
        raise PermissionDenied(handed_over_message(db, case.reference))


def _on_case(db: OrmSession, case: Case, user: User) -> bool:
    if user.role == Role.SUPERVISOR.value or case.officer_in_charge_id == user.id:
        return True
    return db.get(CaseMember, (case.id, user.id)) is not None


def _referenced_names(engine: Engine, names: list[str]) -> set[str]:
    if not names:
        return set()
    with read_session(engine) as db:
        found: set[str] = set()
        for i in range(0, len(names), 500):
            part = names[i: i + 500]
            found.update(db.scalars(select(VaultObject.name).where(VaultObject.name.in_(part))))
        return found


def clean_up_vault(datadir: DataDir, engine: Engine) -> CleanupReport | None:
    """Remove leftovers of interrupted ingests (called at sign-in, after migrations)."""
    report = clean_up(datadir.vault, lambda names: _referenced_names(engine, names))
    # Legacy objects a re-encryption committed away but did not remove (a crash): the register no longer names them.
    remove_leftovers(datadir.vault, engine)
    if report is not None and (report.temporary_files or report.orphan_objects):
        log.info("vault clean-up: %d temporary file(s), %d unreferenced object(s) removed",
                 report.temporary_files, report.orphan_objects)
    return report


# The register's read path (list, search): one Core select whose columns are ExhibitView's fields in order
# (names joined in SQL), read as plain values and made into views with no ORM object, no type processor and
# no dataclass __init__ per row. (Through the ORM, 20,000 exhibits were 760,000 instrumented attribute reads
# and 100,000 ISO-time parses.)
_FIELDS = tuple(f.name for f in dataclasses.fields(ExhibitView))
_TIMES = tuple(i for i, f in enumerate(dataclasses.fields(ExhibitView)) if f.type in ("datetime", "datetime | None"))
_BOOLS = tuple(i for i, f in enumerate(dataclasses.fields(ExhibitView)) if f.type == "bool")
_new_view = object.__new__
_V = TypeVar("_V")
sqlite_errors = (sqlite3.Error, sqlcipher3.Error)


def register_query() -> Select[Any]:
    """The select every register read starts from: add its WHERE and ORDER BY, read it with ``register_views``."""
    producer, ingester, original = aliased(User), aliased(User), aliased(Exhibit)
    special = {
        "case_ref": Case.reference, "producer": func.coalesce(producer.username, "?"),
        "producer_name": func.coalesce(producer.full_name, "?"), "ingested_by": func.coalesce(ingester.username, "?"),
        "duplicate_of": original.reference,
    }
    columns = []
    for name in _FIELDS:
        column = special.get(name, getattr(Exhibit, name, None))
        if column is None:
            raise RuntimeError(f"ExhibitView.{name} has no column in the register's read (services/evidence.py)")
        columns.append(column)
    return (select(*columns).select_from(Exhibit)
            .join(Case, Case.id == Exhibit.case_id)
            .outerjoin(producer, producer.id == Exhibit.producer_id)
            .outerjoin(ingester, ingester.id == Exhibit.ingested_by_id)
            .outerjoin(original, original.id == Exhibit.duplicate_of_id))


_collector_lock = threading.Lock()
_collector_pausers = 0
_collector_was_enabled = False


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off while a register is read (every thread's pauses nested in one).

    Reading 20,000 exhibits makes 40,000 tuples: enough to start 60 young collections and, every few reads, a
    full one over every object of the app (SQLAlchemy, Qt); none finds anything, since rows hold no cycles, and
    they cost 20% of the read. Reference counting still frees everything as usual meanwhile."""
    global _collector_pausers, _collector_was_enabled
    with _collector_lock:
        if _collector_pausers == 0:
            _collector_was_enabled = gc.isenabled()
            gc.disable()
        _collector_pausers += 1
    try:
        yield
    finally:
        with _collector_lock:
            _collector_pausers -= 1
            if _collector_pausers == 0 and _collector_was_enabled:
                gc.enable()


def _plain_rows(db: OrmSession, query: Select[Any]) -> list[tuple[Any, ...]]:
    """The rows as the driver returns them (times as text, booleans as 0/1): SQLAlchemy's Row objects and
    result processors cost a third of the read of 20,000 exhibits; ``_views_of`` converts whole columns."""
    result = db.connection().execute(query)
    try:
        return list(result.cursor.fetchall())
    except sqlite_errors as exc:  # a damaged page met while reading: worded as the engine words any store error
        problem = store_problem(exc, Path(str(db.connection().engine.url.database)))
        if problem is None:
            raise
        raise problem from None
    finally:
        result.close()


def register_views(db: OrmSession, query: Select[Any]) -> list[ExhibitView]:
    """The ExhibitViews of ``query``'s rows (a ``register_query``), in the query's order."""
    with collector_paused():
        return _views_of(_plain_rows(db, query))


def register_by_id(db: OrmSession, ids: Collection[int]) -> dict[int, ExhibitView]:
    """The ExhibitViews of the exhibits ``ids`` (the caller has checked that their cases may be seen)."""
    if not ids:
        return {}
    with collector_paused():
        rows = _plain_rows(db, register_query().add_columns(Exhibit.id).where(Exhibit.id.in_(list(ids))))
        return dict(zip((row[-1] for row in rows), _views_of(rows), strict=True))


def _views_of(rows: Sequence[tuple[Any, ...]]) -> list[ExhibitView]:
    return _frozen(ExhibitView, rows, _FIELDS, _TIMES, _BOOLS)


def _frozen(cls: type[_V], rows: Sequence[tuple[Any, ...]], fields: tuple[str, ...], times: tuple[int, ...],
            flags: tuple[int, ...]) -> list[_V]:
    new, setattr_ = _new_view, object.__setattr__
    parsed: dict[str, datetime] = {}  # seizure and ingest times repeat across a folder's exhibits
    views = []
    for row in rows:
        values = list(row)
        for i in times:
            text = values[i]
            if text is not None:
                when = parsed.get(text)
                if when is None:
                    when = parsed[text] = _time(text)
                values[i] = when
        for i in flags:
            values[i] = bool(values[i])
        # A frozen dataclass's __init__ sets its 33 fields one object.__setattr__ at a time (most of the cost
        # here); the view gets exactly the attributes __init__ would give it, every field set (zip stops at the
        # last field: register_by_id's rows end with the id).
        view = new(cls)
        setattr_(view, "__dict__", dict(zip(fields, values, strict=False)))
        views.append(view)
    return views


def row_query(case: Case) -> Select[Any]:
    """ExhibitRow's columns of ``case``'s exhibits, the case reference given as a constant (add the status
    condition and the order)."""
    original = aliased(Exhibit)
    columns: list[Any] = [literal(case.reference)]
    for name in ROW_FIELDS[1:]:
        columns.append(original.reference if name == "duplicate_of" else getattr(Exhibit, name))
    # The outer join costs a lookup only on the rows that have a duplicate_of_id.
    query: Select[Any] = select(*columns).select_from(Exhibit)
    return query.outerjoin(original, original.id == Exhibit.duplicate_of_id).where(Exhibit.case_id == case.id)


def _time(text: str) -> datetime:
    # Stored times are iso_utc's ``...Z`` form, which fromisoformat reads as UTC at a tenth of parse_iso's cost.
    value = datetime.fromisoformat(text)
    return value if value.tzinfo is not None else parse_iso(text)


# The columns an ingest batch writes, in the order of its rows' values (``_IngestBatch``).
_OBJECT_COLUMNS = ("id", "name", "size", "sha256", "created_at", "case_id", "epoch")
_EXHIBIT_COLUMNS = (
    "id", "case_id", "reference", "initials", "number", "description", "producer_id", "seized_from", "seized_at",
    "seized_offset", "seized_location", "seal", "original_name", "relative_path", "size", "fs_modified", "fs_changed",
    "fs_accessed", "mime_type", "type_description", "type_warning", "sha256", "md5", "sha1", "object_id",
    "duplicate_of_id", "ingested_by_id", "ingested_at", "tool", "sensitive", "status", "withdrawn_reason", "custodian",
    "custodian_is_user", "location", "checked_out",
)


class _IngestBatch:
    """What every exhibit of one ingest batch shares (case, producer, ingesting user, time, tool), converted once;
    ``exhibit`` makes one file's register row, custody entry and view from it.

    The row's values are those the database receives (``store.bulk.insert_values``): times as ``iso_utc`` text
    and flags as 0 or 1, as the columns' own conversions would send them; a file's times are converted once for
    both its row and its entry.
    """

    def __init__(self, case_id: int, case_ref: str, producer: User, ingester: User, now: datetime, tool: str) -> None:
        self.case_id = case_id
        self.case_ref = case_ref
        self.producer_id = producer.id
        self.producer = producer.username
        self.producer_name = producer.full_name
        self.initials = producer.initials
        self.ingester = ingester.username
        self.ingester_id = ingester.id
        self.now = now
        self.now_text = iso_utc(now)
        self.tool = tool
        self._meta: IngestMetadata | None = None
        self._seized_at: str | None = None
        self._seized_offset: str | None = None

    def _seizure(self, meta: IngestMetadata) -> tuple[str | None, str | None]:
        if meta is not self._meta:  # a batch shares its metadata (or differs by description alone)
            self._meta = meta
            self._seized_at = iso_utc(meta.seized_at) if meta.seized_at else None
            self._seized_offset = _offset_text(meta.seized_at) if meta.seized_at else None
        return self._seized_at, self._seized_offset

    def exhibit(self, meta: IngestMetadata, b: StoredFile, ex_id: int, ref: str, number: int, object_id: int,
                duplicate: tuple[int, str] | None, bound: dict[str, str] | None = None
                ) -> tuple[tuple[Any, ...], dict[str, Any], ExhibitView]:
        """The register row, the custody entry and the view of one file; ``bound``: the entry's ``data.object``
        (``object_binding``), for a file that brings a new vault object."""
        seized_at, seized_offset = self._seizure(meta)
        modified = iso_utc(b.modified) if b.modified else None
        changed = iso_utc(b.changed) if b.changed else None
        accessed = iso_utc(b.accessed) if b.accessed else None
        src, ftype, digests = b.source, b.file_type, b.digests
        name, relative, size, sha256 = src.path.name, src.relative_path, b.pending.size, b.sha256
        md5, sha1 = digests.get("md5"), digests.get("sha1")
        location = meta.location or DEFAULT_LOCATION
        row = (ex_id, self.case_id, ref, self.initials, number, meta.description, self.producer_id, meta.seized_from,
               seized_at, seized_offset, meta.location, meta.seal, name, relative, size, modified, changed, accessed,
               ftype.mime, ftype.description, ftype.warning, sha256, md5, sha1, object_id,
               duplicate[0] if duplicate else None, self.ingester_id, self.now_text, self.tool,
               1 if meta.sensitive else 0, "active", None, self.producer, 1, location, 0)
        data: dict[str, Any] = {
            "size": size, "mime": ftype.mime, "type": ftype.description, "original_name": name,
            "relative_path": relative, "producer": self.producer, "seized_from": meta.seized_from,
            "seized_location": meta.location, "seal": meta.seal, "sensitive": meta.sensitive, "seized_at": seized_at,
            "seized_offset": seized_offset, "fs_modified": modified, "fs_changed": changed, "fs_accessed": accessed,
        }
        if md5 is not None:
            data["md5"] = md5
        if sha1 is not None:
            data["sha1"] = sha1
        if duplicate:
            data["duplicate_of"] = duplicate[1]
        if ftype.warning:
            data["type_warning"] = ftype.warning
        if bound is not None:
            data["object"] = bound
        entry = {"case_ref": self.case_ref, "exhibit_ref": ref, "sha256": sha256, "to_party": self.producer,
                 "location": location, "text": meta.description, "data": data, "at": self.now}
        view = ExhibitView(
            case_ref=self.case_ref, reference=ref, description=meta.description, producer=self.producer,
            producer_name=self.producer_name, seized_from=meta.seized_from, seized_at=meta.seized_at,
            seized_location=meta.location, seal=meta.seal, original_name=name, relative_path=relative, size=size,
            fs_modified=b.modified, fs_changed=b.changed, fs_accessed=b.accessed, mime_type=ftype.mime,
            type_description=ftype.description, type_warning=ftype.warning, sha256=sha256, md5=md5, sha1=sha1,
            duplicate_of=duplicate[1] if duplicate else None, ingested_by=self.ingester, ingested_at=self.now,
            tool=self.tool, sensitive=meta.sensitive, status="active", withdrawn_reason=None,
            custodian=self.producer, custodian_is_user=True, location=location, checked_out=False,
            seized_offset=seized_offset,
        )
        return row, entry, view


# A folder's exhibits share their seizure time: a register sorted by it reads a handful of distinct texts.
_stored_time = functools.lru_cache(maxsize=1024)(_time)


class Evidence:
    def __init__(self, session: Session) -> None:
        self.s = session
        self.sealed_only = 0  # objects the last ``verify`` could check only from outside (no case key)
        # The store key's vault: only objects written before case keys (vault_objects.epoch NULL) open with it.
        self.vault = Vault(session.datadir.vault, session.keys.vault_encryption, session.keys.vault_naming)
        self.keys = CaseKeys(session)

    def case_vault(self, db: OrmSession, case: Case, epoch: int) -> Vault:
        """The vault as seen through epoch ``epoch`` of ``case``'s key (``CaseContentLocked`` without it)."""
        return Vault(self.s.datadir.vault, self.keys.content_keys(db, case, epoch).vault_encryption,
                     self.keys.naming_key(db, case))

    def _vault_for(self, db: OrmSession, case: Case, obj: VaultObject) -> Vault:
        if obj.epoch is None:
            return self.vault
        if obj.case_id != case.id:
            raise IntegrityError(f"the register points an exhibit of {case.reference} at another case's vault "
                                 "object; run `casedesk verify`")
        return self.case_vault(db, case, obj.epoch)

    # --- helpers -----------------------------------------------------------
    def _users(self, db: OrmSession) -> dict[int, User]:
        return {u.id: u for u in db.scalars(select(User))}

    def _view(self, case: Case, ex: Exhibit, users: dict[int, User], refs: dict[int, str]) -> ExhibitView:
        producer = users.get(ex.producer_id)
        ingester = users.get(ex.ingested_by_id)
        return ExhibitView(
            case_ref=case.reference, reference=ex.reference, description=ex.description,
            producer=producer.username if producer else "?", producer_name=producer.full_name if producer else "?",
            seized_from=ex.seized_from, seized_at=ex.seized_at, seized_location=ex.seized_location, seal=ex.seal,
            original_name=ex.original_name, relative_path=ex.relative_path, size=ex.size,
            fs_modified=ex.fs_modified, fs_changed=ex.fs_changed, fs_accessed=ex.fs_accessed,
            mime_type=ex.mime_type, type_description=ex.type_description, type_warning=ex.type_warning,
            sha256=ex.sha256, md5=ex.md5, sha1=ex.sha1,
            duplicate_of=refs.get(ex.duplicate_of_id) if ex.duplicate_of_id else None,
            ingested_by=ingester.username if ingester else "?", ingested_at=ex.ingested_at, tool=ex.tool,
            sensitive=ex.sensitive, status=ex.status, withdrawn_reason=ex.withdrawn_reason,
            custodian=ex.custodian, custodian_is_user=ex.custodian_is_user, location=ex.location,
            checked_out=ex.checked_out, seized_offset=ex.seized_offset,
        )

    def _views(self, db: OrmSession, case: Case, rows: Sequence[Exhibit]) -> list[ExhibitView]:
        users = self._users(db)
        dup_ids = {r.duplicate_of_id for r in rows if r.duplicate_of_id}
        refs = {r.id: r.reference for r in rows}
        missing = dup_ids - set(refs)
        if missing:
            refs.update({i: ref for i, ref in db.execute(
                select(Exhibit.id, Exhibit.reference).where(Exhibit.id.in_(missing)))})
        return [self._view(case, r, users, refs) for r in rows]

    def _exhibit(self, db: OrmSession, case: Case, exhibit_ref: str) -> Exhibit:
        ref = references.normalise(exhibit_ref)
        ex = db.scalar(select(Exhibit).where(Exhibit.case_id == case.id, Exhibit.reference == ref))
        if ex is None:
            raise NotFound(f"no exhibit {ref} in case {case.reference}",
                           cli_hint=f"`casedesk evidence list {case.reference}` shows the register")
        return ex

    def _check_writable(self) -> None:
        if self.s.integrity_alerts:
            raise self.s.blocked("changes")

    # --- the register ------------------------------------------------------
    def list(self, case_ref: str, include_withdrawn: bool = False) -> list[ExhibitView]:
        """The case's exhibits in natural reference order (JAS/2 before JAS/10)."""
        with self.s.read() as db:
            case = self.s.case(db, case_ref, Permission.CASE_CONTENT)
            query = register_query().where(Exhibit.case_id == case.id)
            if not include_withdrawn:
                query = query.where(Exhibit.status == "active")
            # (initials, number) is references.sort_key of every reference CaseDesk writes, and the order of
            # the uq_exhibit_number index: SQLite reads the rows in that order and sorts nothing.
            return register_views(db, query.order_by(Exhibit.initials, Exhibit.number))

    def rows(self, case_ref: str, include_withdrawn: bool = False) -> builtins.list[ExhibitRow]:
        """``list``'s exhibits, in its order, as the register's lines (``ExhibitRow``); ``show`` reads the rest of
        one of them. The same permission as ``list``."""
        with self.s.read() as db:
            case = self.s.case(db, case_ref, Permission.CASE_CONTENT)
            query = row_query(case)
            if not include_withdrawn:
                query = query.where(Exhibit.status == "active")
            with collector_paused():
                return builtins.list(map(ExhibitRow._make,
                                         _plain_rows(db, query.order_by(Exhibit.initials, Exhibit.number))))

    def show(self, case_ref: str, exhibit_ref: str) -> ExhibitView:
        with self.s.read() as db:
            case = self.s.case(db, case_ref, Permission.CASE_CONTENT)
            return self._views(db, case, [self._exhibit(db, case, exhibit_ref)])[0]

    # --- ingest ------------------------------------------------------------
    def ingest(self, case_ref: str, paths: Sequence[Path], meta: IngestMetadata,
               progress: Progress = no_progress, cancel: CancelToken | None = None, *,
               skip_existing: bool = False, in_files: bool = False,
               descriptions: Mapping[str, str] | None = None) -> IngestSummary:
        """Hash, type and encrypt ``paths`` (files and folders) into the case's register.

        ``descriptions``: a description per file, by its path as the register records it (relative to the
        folder's parent: ``photos/IMG_0001.jpg``); files not named take ``meta.description``. A path that is
        not among the files refuses the ingest before anything is read.

        ``skip_existing``: a file whose path in the source and SHA-256 match an exhibit of the case is not
        ingested again (a folder ingested again after a cancel); ``summary.already`` lists them.
        ``in_files``: ``progress`` counts files (done, total files) instead of bytes.
        """
        self.s.require(Permission.EVIDENCE_INGEST)
        own = _clean_descriptions(descriptions or {})
        meta = _clean_meta(meta, each_described=bool(own))
        if not paths:
            raise UsageError("nothing to ingest: name at least one file or folder")
        with self.s.read() as db:
            case = self.s.case(db, case_ref, Permission.EVIDENCE_INGEST)
            require_open(case)
            producer = self._producer(db, case, meta.producer)
            algorithms = list(settings.get(db, "digests.extra"))
            case_ref = case.reference
            settle = self.keys.needs_work(db, case)
        self._check_writable()
        _refuse_data_dir(paths, self.s.datadir.root)
        if settle:  # the case's first key, a due rotation or a pending grant: before any new content
            with self.s.write() as db:
                self.keys.settle(db, self.s.case(db, case_ref, Permission.EVIDENCE_INGEST))
        with self.s.read() as db:
            case = self.s.case(db, case_ref, Permission.EVIDENCE_INGEST)
            epoch = current_epoch(db, case)
            if epoch == 0:
                raise self.keys.locked(db, case)
            vault = self.case_vault(db, case, epoch)
            held = {(rel, sha): ref for rel, sha, ref in db.execute(
                select(Exhibit.relative_path, Exhibit.sha256, Exhibit.reference).where(Exhibit.case_id == case.id))}
        ingester = Ingester(vault, algorithms)  # its worker processes start while a large folder is listed
        try:
            files, skipped = collect([Path(p) for p in paths], exclude=self.s.datadir.root, listed=ingester.listed)
            described = _describe(files, own, meta.description)
        except BaseException:
            ingester.close()
            raise
        summary = IngestSummary(skipped=list(skipped))
        cancel = cancel or CancelToken()
        finished = 0

        def file_progress(done_bytes: int, total_bytes: int, message: str) -> None:
            if in_files:  # a bar in bytes sat at 95 % while most files remained
                progress(finished, len(files), message)
            else:
                progress(done_bytes, total_bytes, message)

        started = time.monotonic()
        # A full batch is published (flushed and named in the vault: file system waits, no Python work to speak
        # of) by a thread while this one records the batch published before it: a batch is recorded only once its
        # objects are durable under their names, as before, but the waits for the disk overlap the work.
        publisher = ThreadPoolExecutor(1, thread_name_prefix="casedesk-publish")
        published: builtins.list[tuple[builtins.list[StoredFile], set[Path], Future[Path]]] = []

        def record_published() -> None:
            held_batch, kept, publishing = published[0]
            journal = self._published(vault, publishing)
            del published[0]
            summary.ingested += self._commit(case_ref, epoch, producer, meta, described, held_batch, journal, kept)

        def hand_over(full: builtins.list[StoredFile]) -> None:
            """Publish ``full`` in the background; record the batch published before it meanwhile."""
            kept: set[Path] = set()  # objects stored before under the name: the vault keeps those, not these
            published.append((full, kept, publisher.submit(vault.publish, [b.pending for b in full], kept)))
            if len(published) > 1:
                record_published()

        with ingester, self.vault.ingest_lock():
            batch: builtins.list[StoredFile] = []
            batch_bytes = 0
            batch_started = time.monotonic()
            handled = 0
            try:
                for item in ingester.run(files, file_progress, cancel, idle_marks=True):
                    if item is None:  # the next file is not ready: work rather than wait
                        if published:
                            record_published()
                        elif not summary.ingested and len(batch) >= IDLE_BATCH_FILES:
                            hand_over(batch)  # the first batch, smaller: no extra batches after it (each costs)
                            batch, batch_bytes, batch_started = [], 0, time.monotonic()
                        continue
                    handled += 1
                    finished = handled
                    if not isinstance(item, StoredFile):
                        summary.skipped.append(SkippedItem(str(item.source.path), item.reason))
                        continue
                    already = held.get((item.source.relative_path, item.sha256)) if skip_existing else None
                    if already is not None:  # ingested before from the same path: not a second exhibit
                        item.pending.temp.unlink(missing_ok=True)
                        summary.already.append((item.source.relative_path, already))
                        continue
                    batch.append(item)
                    batch_bytes += item.pending.size
                    if (len(batch) >= BATCH_FILES or batch_bytes >= BATCH_BYTES
                            or time.monotonic() - batch_started >= BATCH_SECONDS):
                        hand_over(batch)
                        batch, batch_bytes, batch_started = [], 0, time.monotonic()
                if batch:
                    hand_over(batch)
                    batch = []
                while published:
                    record_published()
            finally:
                publisher.shutdown(wait=True)  # a publication under way ends before anything is cleaned up
                for held_batch, _, _ in published:  # not recorded: an error stopped the ingest (objects already
                    batch += held_batch  # named stay with their journal for the next sign-in's clean-up)
                for item in batch:  # not committed: an error stopped the ingest
                    item.pending.temp.unlink(missing_ok=True)
        summary.cancelled = cancel.cancelled and handled < len(files)  # a cancel after the last file changes nothing
        log.info("ingest into %s: %d exhibit(s), %d duplicate(s), %d already in the case, %d skipped%s in %.1f s",
                 case_ref, len(summary.ingested), len(summary.duplicates), len(summary.already), len(summary.skipped),
                 " (cancelled)" if summary.cancelled else "", time.monotonic() - started)
        return summary

    def files_to_ingest(self, case_ref: str, paths: Sequence[Path], cancel: CancelToken | None = None
                        ) -> tuple[builtins.list[FileToIngest], builtins.list[SkippedItem]]:
        """The files ``ingest`` into ``case_ref`` would read from ``paths`` (folders walked as it walks them), with
        their size and type, so that each can be given a description of its own. The same permission as
        ``ingest``; records nothing; reads the first 4 KiB of each."""
        self.s.require(Permission.EVIDENCE_INGEST)
        with self.s.read() as db:
            self.s.case(db, case_ref, Permission.EVIDENCE_INGEST)
        _refuse_data_dir(paths, self.s.datadir.root)
        files, skipped = collect([Path(p) for p in paths], exclude=self.s.datadir.root)
        detector = TypeDetector()
        listed: builtins.list[FileToIngest] = []
        for f in files:
            if cancel is not None and cancel.cancelled:
                raise Cancelled("listing cancelled")
            try:
                with open(f.path, "rb") as fh:
                    kind = detector.detect(fh.read(HEAD_BYTES), f.path.name).description
            except OSError:
                kind = ""
            listed.append(FileToIngest(f.relative_path, f.path.name, f.size, kind, str(f.path)))
        return listed, list(skipped)

    def _producer(self, db: OrmSession, case: Case, username: str | None) -> str:
        user = self.s.user_by_name(db, username) if username else db.get(User, self.s.user.id)
        assert user is not None
        if user.disabled or user.role == Role.ADMIN.value:
            raise UsageError(f"{user.username} cannot produce exhibits (disabled or administrator account)")
        if not _on_case(db, case, user):
            raise UsageError(f"the producing officer {user.username} is not a member of case {case.reference}; "
                             "a supervisor can add them to the case", field="producer",
                             cli_hint="`casedesk case member add`")
        return user.username

    @staticmethod
    def _published(vault: Vault, publishing: Future[Path]) -> Path:
        """The journal of a batch whose publication (``Vault.publish``) has ended; its error as a StoreError."""
        try:
            return publishing.result()
        except OSError as exc:
            raise StoreError(f"cannot write to the vault at {vault.root}: "
                             f"{(exc.strerror or type(exc).__name__).lower()}") from None

    def _commit(self, case_ref: str, epoch: int, producer_name: str, meta: IngestMetadata,
                described: dict[str, str], batch: builtins.list[StoredFile], journal: Path,
                kept: set[Path]) -> builtins.list[ExhibitView]:
        """Insert the exhibits and custody entries of a batch whose objects are published (durable under their
        names, ``journal`` listing them; ``kept``: those the vault held already), in one transaction."""
        now = utc_now()
        tool = tool_id()
        with self.s.write() as db:
            case = self.s.case(db, case_ref, Permission.EVIDENCE_INGEST)
            require_open(case)
            if current_epoch(db, case) != epoch:
                # A member left meanwhile (another process rotated the key): this batch is under the old key.
                raise CaseContentLocked(
                    f"the key of case {case.reference} was rotated during the ingest; the last "
                    f"{len(batch)} file(s) were not added: ingest them again"
                )
            producer = self.s.user_by_name(db, producer_name)
            names = sorted({b.pending.name for b in batch})
            objects: dict[str, tuple[int, int, str]] = {}
            for i in range(0, len(names), 500):
                for o in db.scalars(select(VaultObject).where(VaultObject.name.in_(names[i: i + 500]))):
                    objects[o.name] = (o.id, o.size, o.sha256)
            # By content, not by object: an exhibit from before case keys has a store-key object of another name.
            first: dict[str, tuple[int, str]] = {}
            digests = sorted({b.sha256 for b in batch})
            for i in range(0, len(digests), 500):
                rows = db.execute(
                    select(Exhibit.sha256, Exhibit.id, Exhibit.reference)
                    .where(Exhibit.case_id == case.id, Exhibit.sha256.in_(digests[i: i + 500]))
                    .order_by(Exhibit.id)
                )
                for digest, ex_id, ref in rows:
                    first.setdefault(digest, (ex_id, ref))
            next_object = int(db.scalar(select(func.max(VaultObject.id))) or 0) + 1
            next_exhibit = int(db.scalar(select(func.max(Exhibit.id))) or 0) + 1
            number = references.next_number(db, case.id, producer.initials)
            new_objects: builtins.list[tuple[Any, ...]] = []
            new_exhibits: builtins.list[tuple[Any, ...]] = []
            entries: builtins.list[dict[str, Any]] = []
            views: builtins.list[ExhibitView] = []
            ingester = db.get(User, self.s.user.id)
            assert ingester is not None
            fixed = _IngestBatch(case.id, case.reference, producer, ingester, now, tool)
            for b in batch:
                obj = objects.get(b.pending.name)
                bound = None
                if obj is None:
                    bound = object_binding(b.pending, kept)
                    obj = (next_object, b.pending.size, b.sha256)
                    next_object += 1
                    objects[b.pending.name] = obj
                    new_objects.append((obj[0], b.pending.name, b.pending.size, b.sha256, fixed.now_text, case.id,
                                        epoch))
                elif obj[1] != b.pending.size or obj[2] != b.sha256:
                    raise IntegrityError(
                        f"the register's vault object {b.pending.name[:12]}... disagrees with content that "
                        "has the same name; run `casedesk verify` before ingesting more"
                    )
                dup = first.get(b.sha256)
                ref = references.format_reference(producer.initials, number)
                text = described[b.source.relative_path]
                own = meta if text == meta.description else dataclasses.replace(meta, description=text)
                row, entry, view = fixed.exhibit(own, b, next_exhibit, ref, number, obj[0], dup, bound)
                new_exhibits.append(row)
                entries.append(entry)
                views.append(view)
                if dup is None:
                    first[b.sha256] = (next_exhibit, ref)
                next_exhibit += 1
                number += 1
            # One executemany each: the batch's rows need no ORM objects.
            insert_values(db, VaultObject, _OBJECT_COLUMNS, new_objects)
            insert_values(db, Exhibit, _EXHIBIT_COLUMNS, new_exhibits)
            self.s.record_many(db, "exhibit.ingested", entries)
        with contextlib.suppress(OSError):
            journal.unlink()
        return views

    # --- content -----------------------------------------------------------
    def _locate(self, case_ref: str, exhibit_ref: str,
                permission: Permission) -> tuple[str, Exhibit, VaultObject, Vault]:
        """The exhibit, its object and the vault that opens it (through the case key this user holds)."""
        with self.s.read() as db:
            case = self.s.case(db, case_ref, permission)
            ex = self._exhibit(db, case, exhibit_ref)
            obj = db.get(VaultObject, ex.object_id)
            if obj is None:
                raise IntegrityError(f"exhibit {ex.reference}: the register has no vault object for it")
            return case.reference, ex, obj, self._vault_for(db, case, obj)

    @contextlib.contextmanager
    def read_original(self, case_ref: str, exhibit_ref: str) -> Iterator[BinaryIO]:
        """The exhibit's original bytes, authenticated; records NOTHING (the caller records its own entry)."""
        case, ex, obj, vault = self._locate(case_ref, exhibit_ref, Permission.CASE_CONTENT)
        stream = open_verified(vault, obj.name, ex.size, ex.sha256, f"{ex.reference} in {case}")
        try:
            yield cast(BinaryIO, stream)
        finally:
            stream.close()

    @contextlib.contextmanager
    def open_content(self, case_ref: str, exhibit_ref: str) -> Iterator[BinaryIO]:
        """View an exhibit: records one ``exhibit.viewed`` entry, then streams the original bytes."""
        case, ex, obj, vault = self._locate(case_ref, exhibit_ref, Permission.CASE_CONTENT)
        stream = open_verified(vault, obj.name, ex.size, ex.sha256, f"{ex.reference} in {case}")
        try:
            with self.s.write() as db:
                self.s.record(db, "exhibit.viewed", case_ref=case, exhibit_ref=ex.reference, sha256=ex.sha256,
                              data={"size": ex.size})
            yield cast(BinaryIO, stream)
        finally:
            stream.close()

    def extract(self, case_ref: str, exhibit_ref: str, dest: Path, progress: Progress = no_progress,
                cancel: CancelToken | None = None) -> Path:
        """Write the original bytes to ``dest`` (a new file, or into an existing folder).

        The bytes go to an anonymous file in the target's folder
        (``casedesk.outputs``) and are re-hashed as they are decrypted; only
        when every recorded digest matches is the file linked to its name, in
        the transaction that records ``exhibit.extracted``. A mismatch raises
        ``IntegrityError`` and leaves nothing at ``dest``; a kill leaves nothing
        anywhere. A target that exists, or inside the data directory, is refused.
        """
        self.s.require(Permission.EVIDENCE_EXTRACT)
        case, ex, obj, vault = self._locate(case_ref, exhibit_ref, Permission.EVIDENCE_EXTRACT)
        self._check_writable()
        dest = Path(dest).expanduser()
        target = check_target(dest / ex.original_name if dest.is_dir() else dest, self.s.datadir.root,
                              "an extracted original")
        try:
            out = NewFile(target)
        except OSError as exc:
            raise UsageError(f"cannot write in {target.parent}: {exc.strerror}") from None
        label = f"{ex.reference} in {case}"
        try:
            done = [0]

            def on_bytes(n: int) -> None:
                done[0] += n
                progress(done[0], ex.size, ex.original_name)

            result = read_object(vault, obj.name, ex.size, self._recorded(ex),
                                 sink=lambda view: write_all(out.fd, view), cancel=cancel, on_bytes=on_bytes)
            wrong = mismatches(result, ex.size, {"sha256": ex.sha256, "md5": ex.md5, "sha1": ex.sha1})
            if wrong:
                raise IntegrityError(f"exhibit {label}: wrong hash ({', '.join(wrong)} differs from the register); "
                                     f"nothing was written at {target}")
            with self.s.write() as db:
                self.s.record(db, "exhibit.extracted", case_ref=case, exhibit_ref=ex.reference, sha256=ex.sha256,
                              data={"destination": str(target), "size": result.size, "status": ex.status})
                publish_all([out])  # refuses a name that appeared meanwhile; the entry is then not committed
        except ObjectProblem as exc:
            raise IntegrityError(f"exhibit {label}: {exc.kind}: {exc.detail}; nothing was written at {target}") \
                from None
        except SinkError as exc:
            raise UsageError(f"cannot write {target}: {exc}; nothing was written there") from None
        except BaseException:
            out.unpublish()
            raise
        finally:
            out.close()
        log.info("extracted %s from %s (%d bytes)", ex.reference, case, ex.size)
        return target

    @staticmethod
    def _recorded(ex: Exhibit) -> builtins.list[str]:
        return ["sha256"] + [a for a in ("md5", "sha1") if getattr(ex, a)]

    # --- verification ------------------------------------------------------
    def verify(self, case_ref: str | None, progress: Progress = no_progress,
               cancel: CancelToken | None = None) -> builtins.list[ExhibitProblem]:
        """Re-hash every vault object of the case (or of every visible case) against the register.

        Records nothing. An empty list means every exhibit's object is
        present, authenticates and has the registered size and digests.
        Objects of a case whose key this user does not hold (an administrator,
        a member whose grant is pending) can only be checked from outside:
        present, with the size the register implies; ``sealed_only`` counts them.
        """
        self.s.require(Permission.VERIFY)
        with self.s.read() as db:
            if case_ref is not None:
                cases = [self.s.case(db, case_ref, Permission.VERIFY)]
            else:
                cases = [c for c in db.scalars(select(Case).order_by(Case.reference)) if self.s.case_visible(db, c)]
            refs = {c.id: c.reference for c in cases}
            exhibits = list(db.scalars(select(Exhibit).where(Exhibit.case_id.in_(list(refs)))))
            object_ids = {e.object_id for e in exhibits}
            objects = {o.id: o for o in db.scalars(select(VaultObject).where(VaultObject.id.in_(list(object_ids))))}
            by_id = {c.id: c for c in cases}
            vaults: dict[int, Vault | None] = {}  # object id -> the vault that opens it, None: not this user's
            for o in objects.values():
                owner = by_id.get(o.case_id) if o.case_id is not None else None
                if o.epoch is None:
                    vaults[o.id] = self.vault
                elif owner is None:
                    vaults[o.id] = None
                else:
                    try:
                        vaults[o.id] = self.case_vault(db, owner, o.epoch)
                    except CaseContentLocked:
                        vaults[o.id] = None
        problems: builtins.list[ExhibitProblem] = []
        by_object: dict[int, builtins.list[Exhibit]] = {}
        for ex in exhibits:
            obj = objects.get(ex.object_id)
            if obj is None:
                problems.append(ExhibitProblem(refs[ex.case_id], ex.reference, "missing object",
                                               "the register has no vault object for this exhibit"))
                continue
            vault = vaults[obj.id]
            if obj.case_id is not None and obj.case_id != ex.case_id:
                registered = ""  # another case's object: it would not open with this case's key
            elif vault is None:
                registered = obj.name  # the name is a keyed hash under a key this user does not hold
            else:
                registered = vault.name_for(bytes.fromhex(obj.sha256)) if len(obj.sha256) == 64 else ""
            if ex.sha256 != obj.sha256 or ex.size != obj.size or registered != obj.name:
                problems.append(ExhibitProblem(refs[ex.case_id], ex.reference, "register mismatch",
                                               "the exhibit's hash or size disagrees with its vault object's record"))
                continue
            by_object.setdefault(obj.id, []).append(ex)
        total = sum(objects[i].size for i in by_object)
        self.sealed_only = sum(1 for i in by_object if vaults[i] is None)
        done = [0]
        cancel = cancel or CancelToken()

        def on_bytes(n: int) -> None:
            done[0] += n

        def check(object_id: int) -> builtins.list[ExhibitProblem]:
            obj = objects[object_id]
            group = by_object[object_id]
            vault = vaults[object_id]
            if vault is None:
                return self._check_sealed(obj, group, refs)
            algorithms = sorted({a for ex in group for a in self._recorded(ex)})
            try:
                result = read_object(vault, obj.name, obj.size, algorithms, cancel=cancel, on_bytes=on_bytes)
            except ObjectProblem as exc:
                return [ExhibitProblem(refs[ex.case_id], ex.reference, exc.kind, exc.detail) for ex in group]
            out = []
            for ex in group:
                wrong = mismatches(result, ex.size, {"sha256": ex.sha256, "md5": ex.md5, "sha1": ex.sha1})
                if wrong:
                    out.append(ExhibitProblem(
                        refs[ex.case_id], ex.reference, "wrong hash",
                        f"the decrypted content's {', '.join(wrong)} differs from the register "
                        "(altered or swapped object)"))
            return out

        order = sorted(by_object, key=lambda i: -objects[i].size)  # big ones first: better overlap
        with ThreadPoolExecutor(2, thread_name_prefix="casedesk-verify") as pool:
            futures = [pool.submit(check, i) for i in order]
            try:
                for fut in futures:
                    while True:
                        try:
                            problems.extend(fut.result(timeout=0.1))
                            break
                        except TimeoutError:
                            progress(done[0], total, "verifying exhibits")
                    progress(done[0], total, "verifying exhibits")
            except BaseException:
                cancel.cancel()
                for fut in futures:
                    fut.cancel()
                raise
        if cancel.cancelled:
            raise Cancelled("verification cancelled; no result")
        problems.sort(key=lambda p: (p.case_ref, references.sort_key(p.reference)))
        log.info("verified %d exhibit object(s): %d problem(s)", len(by_object), len(problems))
        return problems

    def _check_sealed(self, obj: VaultObject, group: builtins.list[Exhibit],
                      refs: dict[int, str]) -> builtins.list[ExhibitProblem]:
        """What can be checked without the case key: the object is there with the size the register implies."""
        try:
            size = self.vault.object_path(obj.name).stat().st_size
        except FileNotFoundError:
            return [ExhibitProblem(refs[ex.case_id], ex.reference, "missing object",
                                   "the encrypted object is missing from the vault") for ex in group]
        if size != encrypted_size(obj.size):
            return [ExhibitProblem(refs[ex.case_id], ex.reference, "wrong size",
                                   f"the encrypted object has {size} bytes, the register implies "
                                   f"{encrypted_size(obj.size)}") for ex in group]
        return []

    # --- state changes -----------------------------------------------------
    def withdraw(self, case_ref: str, exhibit_ref: str, reason: str) -> None:
        """Take an exhibit out of the register (never deleted; its number is never reused)."""
        self.s.require(Permission.EVIDENCE_WITHDRAW)
        reason = inputs.text(reason, "the reason for withdrawing the exhibit", inputs.REASON,
                             empty="give a reason for withdrawing the exhibit", field="reason", cli_hint="--reason")
        with self.s.write() as db:
            case = self.s.case(db, case_ref, Permission.EVIDENCE_WITHDRAW)
            require_open(case)
            ex = self._exhibit(db, case, exhibit_ref)
            if ex.status == "withdrawn":
                raise UsageError(f"exhibit {ex.reference} is already withdrawn")
            ex.status = "withdrawn"
            ex.withdrawn_reason = reason
            self.s.record(db, "exhibit.withdrawn", case_ref=case.reference, exhibit_ref=ex.reference,
                          sha256=ex.sha256, reason=reason)

    def set_sensitive(self, case_ref: str, exhibit_ref: str, sensitive: bool, reason: str) -> None:
        """Mark an exhibit sensitive (MG6D-like, left out of bundles by default) or not."""
        self.s.require(Permission.EVIDENCE_SENSITIVITY)
        reason = inputs.text(reason, "the reason for the change of sensitivity", inputs.REASON,
                             empty="give a reason for the change of sensitivity", field="reason",
                             cli_hint="--reason")
        with self.s.write() as db:
            case = self.s.case(db, case_ref, Permission.EVIDENCE_SENSITIVITY)
            require_open(case)
            ex = self._exhibit(db, case, exhibit_ref)
            if ex.sensitive == sensitive:
                state = "sensitive" if sensitive else "not sensitive"
                raise UsageError(f"exhibit {ex.reference} is already marked {state}")
            ex.sensitive = sensitive
            self.s.record(db, "exhibit.sensitivity_changed", case_ref=case.reference, exhibit_ref=ex.reference,
                          reason=reason, data={"sensitive": sensitive})



def object_binding(pending: Pending, kept: set[Path]) -> dict[str, str] | None:
    """``data.object`` of the entry that introduces a new vault object: its name and the address of its bytes as
    written, which the unit holds every upload of that name to (docs/sync-protocol.md, "Objects", row O3b). None
    when the vault kept bytes stored before under the name (their address is not known here) or none was taken."""
    if pending.address is None or pending.temp in kept:
        return None
    return {"name": pending.name, "address": pending.address}
