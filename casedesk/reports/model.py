"""What a bundle is made from: plain data handed over by the service layer.

``casedesk.reports`` never opens the store itself: the service layer reads the
case, the exhibits and the custody log under the user's permissions and
passes them here, with a function that opens an exhibit's decrypted
original.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime
from typing import BinaryIO


@dataclass(frozen=True)
class CaseInfo:
    reference: str
    title: str  # operation name
    offences: tuple[str, ...]
    officer_in_charge: str  # shown as it should read, e.g. "Jane A Smith (jsmith)"
    summary: str  # MG5-like case summary


@dataclass(frozen=True)
class ExhibitInfo:
    reference: str
    description: str
    producer: str
    seized_from: str
    seized_at: datetime | None
    seized_location: str
    seal: str
    original_name: str
    size: int
    mime_type: str
    type_description: str
    type_warning: str | None
    sha256: str
    md5: str | None
    sha1: str | None
    ingested_by: str
    ingested_at: datetime
    tool: str
    custodian: str
    location: str
    duplicate_of: str | None = None
    fs_modified: datetime | None = None
    sensitive: bool = False  # MG6D material, included only on request: marked on every page it appears on


@dataclass(frozen=True)
class LeftOut:
    """An exhibit of the case that is not in the bundle, and why, so no reference is skipped unexplained."""

    reference: str
    why: str  # as printed, e.g. "withdrawn from the register"


@dataclass(frozen=True)
class CustodyLine:
    seq: int
    timestamp: datetime
    actor: str
    action: str
    exhibit_ref: str | None
    entry_hash: str
    reason: str | None = None
    location: str | None = None
    from_party: str | None = None
    to_party: str | None = None
    sha256: str | None = None
    text: str | None = None


@dataclass(frozen=True)
class CaseNote:
    """A case note the officer chose to put in the bundle, in the version written up to the log head."""

    number: int  # the custody entry of the note's first version: the note's number in the case
    entry: int  # the custody entry of the version shown
    entry_hash: str
    author: str  # shown as it should read, e.g. "Jane A Smith (jsmith)"
    written_at: datetime
    text: str
    version: int  # 1 as first written; 2 after one edit, ...
    revises: int | None = None  # the entry of the version this one replaces
    exhibit: str | None = None  # the exhibit the note is about, or None: the case

    @property
    def sha256(self) -> str:
        """SHA-256 of the note's text as printed (UTF-8), recorded in the manifest and the export's entry."""
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class BundleSpec:
    case: CaseInfo
    exhibits: tuple[ExhibitInfo, ...]  # the exhibits to include, in bundle order
    custody: tuple[CustodyLine, ...]  # the case's entries up to the head, in log order
    marking: str
    at: datetime  # the export time printed in the bundle
    head_seq: int  # the custody log head the bundle was made from
    head_hash: str
    prepared_by: str
    tool: str
    verification: tuple[str, ...]  # what the verification run at export checked
    file_name: str = "bundle.pdf"
    left_out: tuple[LeftOut, ...] = ()  # the case's other exhibits at the head, in reference order
    notes: tuple[str, ...] = field(default_factory=tuple)
    # The unit key the installation is enrolled with (docs/unit-trust.md): (name, fingerprint); None: not enrolled.
    unit: tuple[str, str] | None = None
    # Entries of the log that do not chain to that unit key (each described), e.g. a new officer's not yet certified.
    unit_uncertified: tuple[str, ...] = ()
    # RFC 6962 Merkle root (hex) of the custody log's entries 1..head_seq: ``--earlier head_seq:root``
    tree_root: str = ""
    # The case notes chosen for the bundle, in the order of their numbers; none: no notes section.
    case_notes: tuple[CaseNote, ...] = ()
    notes_left_out: int = 0  # notes of --all-notes left out as about withheld sensitive material


SENSITIVE_MARK = "SENSITIVE (MG6D)"

OpenOriginal = Callable[[ExhibitInfo], AbstractContextManager[BinaryIO]]


_REF_PART = re.compile(r"(\d+)")


def exhibit_sort_key(reference: str) -> tuple[tuple[int, str | int], ...]:
    """Natural order of exhibit references: JAS/2 before JAS/10."""
    return tuple(
        (1, int(part)) if part.isdigit() else (0, part) for part in _REF_PART.split(reference) if part
    )


def bates(case_reference: str, number: int) -> str:
    """The Bates number of bundle page ``number`` (1-based): case prefix and zero-padded number."""
    return f"{case_reference}-{number:06d}"
