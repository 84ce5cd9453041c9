#!/usr/bin/env python3
"""Stand-alone verifier for a CaseDesk custody log export (``casedesk custody export``).

Needs only Python 3.11+ and PyNaCl (``pip install pynacl``): no CaseDesk, no
database, no keys. It re-implements, independently of CaseDesk's own code,
the canonical entry encoding (docs/custody-encoding.md) and the checks of
``casedesk verify`` (docs/custody-export.md), and reports the same problems
in the same words:

- every entry's hash recomputed from its content (or, for another case's
  entry, from its header and body hash), the link to the previous entry,
  the numbering from 1 without gaps;
- every signature, with the key the log itself registered for the author at
  that point (the first administrator's self-registered key is the root of
  trust; later keys count only when registered by an administrator whose
  account is active and confirmed, under the two-person rules, as the replay
  of the account entries has it);
- times never more than the tolerance earlier than any time before them;
- the case commitment in every entry's header (encoding version 2): each
  entry of the exported case carries its case's, and no header-only line
  does, so no entry of the case can be passed off as another case's; entries
  written before version 2 are counted against the number CaseDesk recorded
  when it upgraded the log;
- the export's last line: signed by the exporting officer's registered key,
  over the SHA-256 of every line before it and the log heads recorded outside
  the database at export time (which must be there);
- who had the right to make each entry (the authority table of
  casedesk/security/roles.py, copied into this file): roles, accounts,
  membership, custodians, replayed from the log as casedesk verify replays
  them; an entry made without it is named and changes nothing (header-only
  and withheld lines: only their signer's account can be judged);
- each exhibit's register hash against the hash logged at ingest, every
  register field (custodian, location, status, sensitivity, description...)
  against the log replayed, and the vault check CaseDesk made at export time;
- entries of sensitive (MG6D) exhibits withheld from the export ("withheld" lines:
  header, case commitment and body hash only) checked like every other line,
  counted and named per exhibit, with why they are not shown;
- the RFC 6962 Merkle tree over the entries: its root, and with ``--earlier
  SIZE:ROOT`` (from an earlier bundle or export) that the log only grew;
- with ``--unit-fingerprint FP`` (docs/unit-trust.md): that the log is
  enrolled with the unit key of that fingerprint (an installation certificate
  whose checkpoint is the log's first entries) and that every later entry is
  signed by a key the unit certified for its author, valid and not revoked.

Usage::

    python3 verify_custody.py log.jsonl [--json] [--earlier SIZE:ROOT] [--expect-head SEQ:HASH] [--workers N]
                              [--unit-fingerprint FP]

Exit status: 0 all checks hold, 1 problems found, 2 the file is not a readable export.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import hashlib
import json
import mmap
import multiprocessing
import os
import re
import sys
from datetime import UTC, datetime

try:
    from nacl.bindings import crypto_sign_open
    from nacl.exceptions import BadSignatureError, CryptoError
except ImportError:  # pragma: no cover - said plainly to the person running it
    sys.stderr.write("verify_custody.py needs PyNaCl: pip install pynacl\n")
    sys.exit(2)

FORMAT = "casedesk-custody-export/2"
BODY_DOMAIN = b"CASEDESK-CUSTODY-BODY-V1\x00"
ENTRY_DOMAIN = b"CASEDESK-CUSTODY-ENTRY-V1\x00"
SIG_DOMAIN = b"CASEDESK-CUSTODY-SIG-V1\x00"
COMMIT_DOMAIN = b"CASEDESK-CUSTODY-CASE-COMMIT-V2\x00"
SALT_DOMAIN = b"CASEDESK-CUSTODY-CASE-SALT-V2\x00"
EXPORT_SIG_DOMAIN = b"CASEDESK-CUSTODY-EXPORT-SIG-V2\x00"
CASE_CREATED = "case.created"
# A case handed over from another installation begins in this log with case.received (docs/sync-protocol.md):
# its receiver is its officer in charge and only member, its salt is data.case_salt as for case.created.
CASE_RECEIVED = "case.received"
HANDED_OVER = "case.handed_over"
UPGRADED = "custody.encoding_upgraded"
GENESIS_PREV = "0" * 64
HEADER_NAMES = ("seq", "prev", "time", "tz", "offset", "actor", "key")
BODY_NAMES = ("action", "case", "exhibit", "reason", "location", "from", "to", "sha256", "tool", "text")
KEY_REGISTERED = "account.key_registered"
KEY_REVOKED = "account.key_revoked"
ACCOUNT_ACTIONS = frozenset({"account.created", KEY_REGISTERED, "account.role_changed",
                             "account.password_reset", "account.disabled", "account.enabled", KEY_REVOKED})
# The entries the keys follow: the account changes, and the confirmations that make an administrator whose creation,
# promotion or re-enabling awaited a second administrator's one (build_keys).
REGISTRY_ACTIONS = ACCOUNT_ACTIONS | {"account.creation_confirmed", "account.promotion_confirmed"}
INGESTED = "exhibit.ingested"
# ... and each of its exhibits with exhibit.received: the hash and facts the giving installation recorded.
RECEIVED = "exhibit.received"
ARRIVALS = (INGESTED, RECEIVED)
# The register fields of an exhibit line, and the names casedesk verify gives them (docs/custody-export.md).
REGISTER_FIELDS = ("producer", "ingested_by", "description", "seized_from", "seized_at", "seized_offset",
                   "seized_location", "seal", "original_name", "relative_path", "size", "mime_type",
                   "type_description", "type_warning", "md5", "sha1", "ingested_at", "tool", "sensitive", "status",
                   "withdrawn_reason", "custodian", "custodian_is_user", "location", "checked_out")
FIELD_NAMES = {"producer": "producer", "ingested_by": "ingesting officer"}
MOVES = ("exhibit.transferred", "exhibit.checked_out", "exhibit.returned")
# Offline custody conflicts (docs/sync-protocol.md, "Offline conflicts"): a record of the installation's other copy's
# entries opens a conflict per exhibit; a supervisor's resolution naming an open one closes it and sets the exhibit's
# custodian and location (and ends a check-out), as casedesk/custody/projection.py replays it.
FORK_RECORDED = "custody.fork_recorded"
RESOLVED = "custody.conflict_resolved"
M_NO_CONFLICT = ("{action} by {actor} names no open custody conflict on exhibit {exhibit} of case {case} with "
                 "entry {other} of the other copy (recorded by entry {record}): ignored")
REGISTER_ACTIONS = frozenset({*ARRIVALS, *MOVES, RESOLVED, "exhibit.withdrawn", "exhibit.sensitivity_changed"})
CHUNK = 1 << 13
TIME_TOLERANCE_SECONDS = 300  # as casedesk verify: see docs/custody-export.md
TIME_ACKNOWLEDGED = "custody.time_acknowledged"  # a supervisor's signed word that an entry's time is wrong
PARALLEL_MIN = 100_000
RANK_SEQUENCE, RANK_HASH, RANK_LINK, RANK_SIGNATURE, RANK_AUTHORITY, RANK_TIME, RANK_COMMIT, RANK_WITHHELD = range(8)
TIME_RE = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z\Z")
HEX64 = re.compile(r"[0-9a-f]{64}\Z")
HEX128 = re.compile(r"[0-9a-f]{128}\Z")
ZERO = bytes(32)

# The words of every problem, exactly as casedesk verify prints them.
M_NOT_FROM_ONE = "the log does not start at entry 1: entries 1 to {n} are missing"
M_MISSING_ONE = "entry {n} is missing from the log"
M_MISSING_RANGE = "entries {a} to {b} are missing from the log"
M_UNENCODABLE = ("content cannot be encoded canonically (a value is not text, not valid Unicode "
                 "or not an integer): the entry was changed after it was written")
M_HASH = "content does not match its recorded hash: the entry was changed after it was written"
M_BAD_HASH = "the recorded entry hash is not 64 hexadecimal digits"
M_FIRST_LINK = "the first entry does not start the chain (its previous-entry hash is not zero)"
M_LINK = "does not follow on from entry {p}: its link to the previous entry's hash is broken"
M_NO_KEY = "no signing key is registered for {actor} at this point"
M_WRONG_KEY = "names a signing key that is not the one registered for {actor} at this point"
M_SIGNATURE = "the signature does not verify with the key registered for {actor}"
M_NO_GENESIS = "the log has no key registration, so no signature can be checked"
M_GENESIS_SELF = "the first key registration is not its author registering their own key"
M_BEFORE_GENESIS = "written by {actor} before any key was registered for them"
M_NOT_ADMIN = "{action} by {actor}, who is not an administrator at this point: ignored"
M_BAD_REGISTRATION = "key registration without a user name and a 64-hex-digit public key: ignored"
M_REVOKED = "signed with a key of {actor} that was revoked at entry {r}"
M_BAD_REVOCATION = "key revocation without a user name and a 64-hex-digit public key: ignored"
M_TIME_FORMAT = "timestamp {time!r} is not a UTC time of the form 2026-01-31T09:15:00.000000Z"
M_TIME_BACK = "timestamp {time} is more than {tol} s earlier than {latest}, the time of entry {m}"
M_VERSION_BACK = "written in encoding version 1 after entry {p}, which is in version 2"
M_NO_COMMIT = "an entry of a case without a case commitment in its header"
M_STRAY_COMMIT = "an entry without a case but with a case commitment in its header"
M_BAD_COMMIT = "the case commitment in its header is not 64 hexadecimal digits"
M_COMMIT_WRONG = "the case commitment in its header does not match case {case}'s salt"
M_WITHHELD = ("shown header-only, but its case commitment shows it is an entry of case {case}: "
              "the export withholds it")
M_REDACTED_NO_COMMIT = ("shown header-only, but its header has no case commitment: an entry without a case "
                        "is always shown in full")
M_WHOLE_REDACTED = "shown header-only in an export of the whole installation, which shows every entry in full"
M_FOREIGN = "an entry of case {case} shown in full in an export of case {scope}"
M_NO_SALT = ("no salt is given for case {case}, so header-only lines cannot be shown to be of other "
               "cases")
M_NO_CREATED = "the log shows no case.created entry for case {case}"
M_SALT_DIFFERS = "the salt given for case {case} is not the one recorded when it was created"
M_NO_UPGRADE = ("case {case} was created before encoding version 2 and the log shows no "
                  "custody.encoding_upgraded entry that vouches for its salt")
M_SALT_UNVOUCHED = "the salt given for case {case} is not one that the custody.encoding_upgraded entry recorded"
M_LEGACY_WITHHELD = ("{n} of the {m} entries of case {case} written in encoding version 1 are shown in full: "
                       "the others are withheld as header-only lines")
M_LINES_CHANGED = ("the export's lines do not have the SHA-256 its last line records: the file was changed "
                   "after it was written")
M_EXPORT_NO_KEY = "no signing key is registered for {user}, who is named as the exporter"
M_EXPORT_SIGNATURE = ("the export's last line is not signed with the key registered for {user}: the file was "
                      "changed after it was written")
M_NO_OUTSIDE_HEAD = ("the export records no log head kept outside the database, so entries cut off the end "
                     "would go unnoticed")
# Sensitive (MG6D) material withheld from an export (docs/custody-export.md, "withheld").
M_SENS_NO_EXHIBIT = "withheld as sensitive without naming the case and exhibit it is about"
M_SENS_NO_COMMIT = ("withheld as sensitive, but its header has no case commitment: an entry without a case is "
                    "always shown in full")
M_SENS_FOREIGN = "withheld as sensitive material of case {case} in an export of case {scope}"
M_SENS_NOT_OURS = "withheld as sensitive material of case {case}, but its case commitment is not case {case}'s"
M_SENS_INCLUDED = "withheld as sensitive in an export that says it includes sensitive material"
M_SENS_SHOWN = ("withheld as sensitive, but the export lists exhibit {exhibit} as not sensitive: its register "
                "line is shown in full")
M_SENS_UNLISTED = "withheld as sensitive, but the export has no withheld register line for exhibit {exhibit}"
M_SENS_PARTLY = "shown in full, but the export withholds exhibit {exhibit} as sensitive"
M_COLUMN = "the register's {column} is {table} but the custody log says {log}"
M_ROW_EXTRA = "the exhibit is in the register but the custody log never recorded it"
M_ROW_MISSING = "the exhibit recorded in the custody log (entry {seq}) is missing from the register"
M_HEAD_AHEAD = ("the {source} records entry {seq} but the log ends at entry {last}: entries were cut off "
                "the end, or an older copy of the database was restored")
M_HEAD_DIFFERS = "the {source} records a different hash for entry {seq}: the log was replaced by another copy"
M_NO_INGEST = "no ingest entry for this exhibit in the custody log"
M_REGISTER_HASH = ("the exhibit register records SHA-256 {reg} but the custody log recorded {log} "
                   "when it was ingested (entry {seq})")
M_LOG_HASH = "records SHA-256 {x} for the exhibit, not the {log} recorded when it was ingested (entry {seq})"
M_NOT_IN_REGISTER = "ingested at entry {seq} but missing from the exhibit register"
M_EARLIER_SHORT = "the earlier log had {m} entries but this one has only {n}: entries were removed"
M_EARLIER_ROOT = ("the first {m} entries are not those of the earlier log (Merkle root differs): "
                  "entries were changed, removed or reordered since")


# Who may make which entry: the authority table of casedesk/security/roles.py (docs/custody-encoding.md,
# "Authority"), copied here so that this tool needs no CaseDesk; a test keeps the copy equal to the original.
# BEGIN AUTHORITY TABLE (generated by casedesk/security/roles.py: standalone_source(); do not edit)
AUTHORITY = {'after_handover': ['custody.exported', 'verify.run'],
 'default': [None, 'any'],
 'messages': {'CONFIRM_ACTOR_PENDING': "the confirmer's own password reset is not confirmed",
              'CONFIRM_KEY': 'the box key named is not one {user} registered themselves after the reset',
              'CONFIRM_NOT_PENDING': 'no password reset of theirs awaits confirmation',
              'CONFIRM_RESETTER': 'the administrator who reset the password cannot confirm it',
              'CONFIRM_SELF': 'nobody confirms their own account',
              'CREATION_CREATOR': 'the administrator who created the account cannot confirm it',
              'CREATION_NOT_PENDING': 'no creation of that account awaits confirmation',
              'MSG_CASE_CLOSED': '{action} in case {case}, which is closed at this point: ignored',
              'MSG_CONFIRM': '{action} by {actor} about {user}: {why}: ignored',
              'MSG_CORRECT': '{action} by {actor}, who neither wrote entry {target} nor may review it: ignored',
              'MSG_DISABLED': '{action} by {actor}, whose account is disabled at this point: ignored',
              'MSG_GRANT_BOX': '{action} by {actor} sealed the key of case {case} to a box key that is not '
                               "{user}'s registered box key at this point: ignored",
              'MSG_GRANT_HOLDER': '{action} by {actor} gave the key of case {case} to {user}, who may not hold it '
                                  'at this point: ignored',
              'MSG_GRANT_UNCONFIRMED': '{action} by {actor} sealed the key of case {case} to {user}, whose '
                                       'password an administrator reset and no one else has confirmed at this '
                                       'point: ignored',
              'MSG_HANDED_OVER': '{action} in case {case}, which was handed over to another installation at this '
                                 'point: ignored',
              'MSG_NOT_CUSTODIAN': '{action} by {actor}, who does not hold exhibit {exhibit} at this point: '
                                   'ignored',
              'MSG_NOT_MEMBER': '{action} by {actor}, who is not a member of case {case} at this point: ignored',
              'MSG_NOT_SELF': '{action} by {actor} about another account: ignored',
              'MSG_NO_ACCOUNT': '{action} by {actor}, who has no account at this point: ignored',
              'MSG_NO_CASE': '{action} names case {case}, which the log never created: ignored',
              'MSG_NO_ROLE': '{action} by {actor}, whose role ({role}) may not {what} at this point: ignored',
              'MSG_REMOTE_REVIEW': '{action} by {actor}: the review statement it carries {why}: it reviews nothing',
              'MSG_REVISE': '{action} by {actor} revises entry {target}, which is not a note {actor} wrote in case '
                            '{case}: ignored',
              'MSG_SUMMARY': '{action} by {actor}, who is neither the officer in charge nor a supervisor: ignored',
              'MSG_UNCONFIRMED': '{action} by {actor}, whose account {creator} created and no second administrator '
                                 'has confirmed at this point: ignored',
              'PROMOTION_MAKER': 'the administrator who made the change cannot confirm it',
              'PROMOTION_NOT_PENDING': 'no promotion of that account awaits confirmation',
              'PROMOTION_OTHER': 'the promotion awaiting confirmation is to {pending}, not to {to}',
              'PROMOTION_SELF': 'nobody confirms their own promotion',
              'REMOTE_CASE': 'is about case {theirs}, not case {case}',
              'REMOTE_COPIES': 'is not what the entry copies of it (decision, up_to, text)',
              'REMOTE_HASH': 'reviews up to entry {n} with hash {hash}..., but entry {n} of this log has another '
                             'hash',
              'REMOTE_INSTALLATION': 'is about installation {theirs}, not this one',
              'REMOTE_MALFORMED': 'is not well formed ({detail})',
              'REMOTE_SIGNATURE': 'is not signed by the key it names',
              'REMOTE_UNIT': 'is vouched for by unit key {key}..., of which this log records no cosignature before '
                             'it',
              'REMOTE_UP_TO': 'reviews up to entry {n}, which is not an earlier entry of case {case} in this log',
              'REMOTE_VOUCHER': 'has no valid voucher of unit key {key}... that its reviewer was a supervisor'},
 'permissions': {'admin': ['case.list',
                           'case.members',
                           'case.view_all',
                           'settings.manage',
                           'user.manage',
                           'verify'],
                 'detective': ['bundle.export',
                               'case.content',
                               'case.create',
                               'case.edit',
                               'case.list',
                               'custody.export',
                               'custody.transfer',
                               'evidence.extract',
                               'evidence.ingest',
                               'evidence.sensitivity',
                               'evidence.withdraw',
                               'verify'],
                 'supervisor': ['bundle.export',
                                'case.close',
                                'case.close_override',
                                'case.content',
                                'case.create',
                                'case.edit',
                                'case.list',
                                'case.members',
                                'case.view_all',
                                'custody.export',
                                'custody.resolve_conflict',
                                'custody.review',
                                'custody.transfer',
                                'custody.transfer_any',
                                'evidence.extract',
                                'evidence.ingest',
                                'evidence.sensitivity',
                                'evidence.withdraw',
                                'verify']},
 'rules': {'account.box_key_registered': [None, 'self'],
           'account.created': ['user.manage', 'any'],
           'account.creation_confirmed': ['user.manage', 'confirm-creation'],
           'account.details_changed': ['user.manage', 'any'],
           'account.disabled': ['user.manage', 'any'],
           'account.enabled': ['user.manage', 'any'],
           'account.identity_confirmed': ['custody.review', 'confirm'],
           'account.key_registered': ['user.manage', 'any'],
           'account.key_revoked': ['user.manage', 'any'],
           'account.login': [None, 'any'],
           'account.login_failed': [None, 'any'],
           'account.password_changed': [None, 'self'],
           'account.password_reset': ['user.manage', 'any'],
           'account.promotion_confirmed': ['user.manage', 'confirm-promotion'],
           'account.role_changed': ['user.manage', 'any'],
           'account.unlocked': ['user.manage', 'any'],
           'bundle.exported': ['bundle.export', 'case'],
           'case.close_override': ['case.close_override', 'case-exists'],
           'case.closed': ['case.close', 'case-exists'],
           'case.created': ['case.create', 'any'],
           'case.exported': ['bundle.export', 'case'],
           'case.handed_over': ['case.edit', 'summary'],
           'case.key_created': ['case.content', 'case'],
           'case.key_grant_pending': [None, 'case-exists'],
           'case.key_granted': ['case.content', 'grant'],
           'case.key_rotated': ['case.content', 'case'],
           'case.key_rotation_due': [None, 'case-exists'],
           'case.member_added': ['case.members', 'case-exists'],
           'case.member_removed': ['case.members', 'case-exists'],
           'case.received': ['case.create', 'any'],
           'case.reopened': ['case.close', 'case-exists'],
           'case.reviewed': ['custody.review', 'case'],
           'case.reviewed_remotely': [None, 'remote-review'],
           'case.summary_edited': ['case.edit', 'summary'],
           'case.summary_reencrypted': ['case.content', 'case'],
           'custody.conflict_resolved': ['custody.resolve_conflict', 'case'],
           'custody.exported': ['custody.export', 'optional-case'],
           'custody.fork_recorded': [None, 'any'],
           'custody.head_reset': ['user.manage', 'any'],
           'custody.register_rebuilt': ['user.manage', 'any'],
           'custody.time_acknowledged': ['custody.review', 'any'],
           'entry.corrected': [None, 'correct'],
           'exhibit.checked_out': ['custody.transfer', 'custodian'],
           'exhibit.extracted': ['evidence.extract', 'case'],
           'exhibit.ingested': ['evidence.ingest', 'case-open'],
           'exhibit.received': ['evidence.ingest', 'case-open'],
           'exhibit.returned': ['custody.transfer', 'return'],
           'exhibit.sensitivity_changed': ['evidence.sensitivity', 'case-open'],
           'exhibit.transferred': ['custody.transfer', 'custodian'],
           'exhibit.viewed': ['case.content', 'case'],
           'exhibit.withdrawn': ['evidence.withdraw', 'case-open'],
           'installation.database_key_changed': ['user.manage', 'any'],
           'installation.enrolled': ['user.manage', 'any'],
           'installation.recovery_key_created': ['user.manage', 'any'],
           'note.added': ['case.edit', 'note'],
           'schedule.exported': ['bundle.export', 'case'],
           'settings.changed': ['settings.manage', 'any'],
           'unit.review_fetched': ['custody.review', 'any'],
           'unit.review_sent': ['custody.review', 'any'],
           'vault.object_reencrypted': ['case.content', 'case'],
           'verify.run': ['verify', 'optional-case']},
 'words': {'bundle.export': 'export case bundles',
           'case.close': 'close cases',
           'case.close_override': 'override the review check when closing a case',
           'case.content': 'see case content',
           'case.create': 'create cases',
           'case.edit': 'edit cases',
           'case.list': 'list cases',
           'case.members': 'change case membership',
           'case.view_all': 'see every case',
           'custody.export': 'export custody logs',
           'custody.resolve_conflict': 'resolve custody conflicts',
           'custody.review': 'review custody logs',
           'custody.transfer': 'transfer custody',
           'custody.transfer_any': 'transfer exhibits held by someone else',
           'evidence.extract': 'extract exhibits',
           'evidence.ingest': 'ingest evidence',
           'evidence.sensitivity': 'mark exhibits sensitive',
           'evidence.withdraw': 'withdraw exhibits',
           'settings.manage': 'change installation settings',
           'user.manage': 'manage user accounts',
           'verify': 'run verification'}}
# END AUTHORITY TABLE


class ExportError(Exception):
    """The file is not a readable CaseDesk custody export."""


class Number:
    """A JSON number that is not an integer: kept, but it has no canonical encoding."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return self.text


DECODER = json.JSONDecoder(parse_float=Number, parse_constant=Number)


def loads(raw):
    """JSON with every non-integer number kept as a Number (it has no canonical encoding)."""
    return DECODER.decode(raw.decode("utf-8") if isinstance(raw, bytes) else raw)


def quiet_loads(raw):
    """A line that should be JSON, or None."""
    try:
        return loads(raw)
    except ValueError:
        return None


# --- canonical encoding ---------------------------------------------------------------------
class Unencodable(Exception):
    pass


ESCAPE = json.encoder.encode_basestring  # what json.dumps(ensure_ascii=False) uses for strings


def jstr(value):
    """A JSON string or null, as Python's json module writes it with ensure_ascii=False."""
    if value is None:
        return "null"
    if type(value) is not str:
        raise Unencodable
    return ESCAPE(value)


CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode
TEXT_OR_NULL = {str, type(None)}


def utf8(text):
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        raise Unencodable from None


def body_hash_of(rec):
    values = [rec.get(name) for name in BODY_NAMES]
    data = rec.get("data")
    if not TEXT_OR_NULL.issuperset(map(type, values)) or type(data) is not dict:
        raise Unencodable
    try:
        text = CANONICAL([*values, data])
    except (TypeError, ValueError):  # a Number in data, or anything else JSON cannot hold
        raise Unencodable from None
    return hashlib.sha256(BODY_DOMAIN + utf8(text)).hexdigest()


def entry_hash_of(rec):
    """The entry hash recomputed from a full record, or from a redacted record's body hash."""
    if rec["type"] == "entry":
        body = body_hash_of(rec)
    else:
        body = rec.get("body_hash")
        if type(body) is not str:
            raise Unencodable
    seq, version, commit = rec.get("seq"), rec.get("version"), rec.get("commit")
    if type(seq) is not int or type(version) is not int:
        raise Unencodable
    fields = [jstr(rec.get(n)) for n in HEADER_NAMES[1:]]
    if version == 1 and commit is None:  # written before case commitments
        head = "[1,{},{}]".format(seq, ",".join([*fields, jstr(body)]))
    elif version == 2:
        head = "[2,{},{}]".format(seq, ",".join([*fields, jstr(commit), jstr(body)]))
    else:
        raise Unencodable
    return hashlib.sha256(ENTRY_DOMAIN + utf8(head)).hexdigest()


def case_commit(salt, seq):
    return hashlib.sha256(COMMIT_DOMAIN + salt + seq.to_bytes(8, "big")).hexdigest()


def canonical_bytes(value):
    return utf8(CANONICAL(value))


def signature_valid(rec):
    key, sig, digest = rec.get("key"), rec.get("signature"), rec.get("hash")
    if not (type(key) is str and HEX64.match(key) and type(sig) is str and HEX128.match(sig)
            and type(digest) is str and HEX64.match(digest)):
        return False
    try:
        crypto_sign_open(bytes.fromhex(sig) + SIG_DOMAIN + bytes.fromhex(digest), bytes.fromhex(key))
    except (BadSignatureError, CryptoError, ValueError):
        return False
    return True


def good_time(text):
    """The one timestamp form (which sorts as text in time order), naming a real instant."""
    if type(text) is not str or not TIME_RE.match(text):
        return False
    try:
        datetime.fromisoformat(text[:-1])
    except ValueError:
        return False
    return True


def time_us(text):
    dt = datetime.fromisoformat(text[:-1]).replace(tzinfo=UTC)
    return int(dt.timestamp()) * 1_000_000 + dt.microsecond


# --- RFC 6962 Merkle tree ------------------------------------------------------------------------
def mth(nodes):
    """Root over consecutive aligned subtree hashes (leaf hashes, or roots of full 2^k blocks + a last one)."""
    if not nodes:
        return hashlib.sha256(b"").digest()
    level = list(nodes)
    while len(level) > 1:
        nxt = [hashlib.sha256(b"\x01" + level[i] + level[i + 1]).digest() for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            nxt.append(level[-1])
        level = nxt
    return level[0]


def leaf_hashes(blob):
    return [hashlib.sha256(b"\x00" + blob[i:i + 32]).digest() for i in range(0, len(blob), 32)]


# --- checking a run of entry lines (in a worker process) -----------------------------------------
def check_lines(job):
    """Everything that needs only the lines themselves; keys are matched to the registry later."""
    path, start, end, first_index, wanted, scope, salt = job
    with open(path, "rb") as fh:
        fh.seek(start)
        raw = fh.read(end - start)
    out = {"index": first_index, "seqs": [], "times": [], "problems": [], "actors": [], "keys": [],
           "sig_ok": bytearray(), "shown": [], "accounts": [], "logged": [], "leaves": [], "time_acks": [],
           "recorded": [],
           "first_prev": None, "last_hash": None, "hashes": {}, "first_version": None, "last_version": None,
           "legacy_full": 0, "legacy_redacted": 0, "created": None, "upgraded": None, "register": [],
           "enrolments": [], "withheld": [], "authority": []}
    intern = {}
    problems = out["problems"]
    prev_seq = prev_hash = prev_version = None
    for n, line in enumerate(raw.splitlines()):
        try:
            rec = loads(line)
        except ValueError:
            raise ExportError(f"line {first_index + n + 2} is not JSON") from None
        if (not isinstance(rec, dict) or rec.get("type") not in ("entry", "redacted", "withheld")
                or type(rec.get("seq")) is not int):
            raise ExportError(f"line {first_index + n + 2} is not a custody entry")
        seq = rec["seq"]
        full = rec["type"] == "entry"
        secret = rec["type"] == "withheld"  # a sensitive exhibit's entry: header, case and exhibit only
        case = rec.get("case") if full or secret else None
        exhibit = rec.get("exhibit") if full or secret else None
        shown = ((exhibit if type(exhibit) is str else None), (case if type(case) is str else None))
        shown = intern.setdefault(shown, shown)
        ex, cs = shown
        version = rec.get("version")
        if prev_seq is None:
            out["first_prev"] = rec.get("prev")
            out["first_version"] = version
        else:
            if seq != prev_seq + 1:
                problems.append(missing(prev_seq + 1, seq - 1))
            if rec.get("prev") != prev_hash:
                problems.append((seq, RANK_LINK, (seq, ex, M_LINK.format(p=prev_seq), cs)))
        recorded = rec.get("hash")
        # The unit's checkpoint is over the recorded hashes, as the installation had them when it asked.
        out["recorded"].append(bytes.fromhex(recorded) if type(recorded) is str and HEX64.match(recorded) else ZERO)
        hash_ok = False
        try:
            digest = entry_hash_of(rec)
            out["leaves"].append(bytes.fromhex(digest))
            hash_ok = digest == recorded
            if not hash_ok:
                msg = M_HASH if type(recorded) is str and HEX64.match(recorded) else M_BAD_HASH
                problems.append((seq, RANK_HASH, (seq, ex, msg, cs)))
        except Unencodable:
            out["leaves"].append(ZERO)
            problems.append((seq, RANK_HASH, (seq, ex, M_UNENCODABLE, cs)))
        sig_ok = signature_valid(rec)
        stamp = rec.get("time")
        if not good_time(stamp):
            problems.append((seq, RANK_TIME, (seq, ex, M_TIME_FORMAT.format(time=stamp), cs)))
            stamp = None
        if secret:
            withheld_commitment(rec, seq, version, prev_seq, prev_version, scope, salt if hash_ok else None, shown,
                                out)
        else:
            commitment(rec, full, seq, version, prev_seq, prev_version, scope, salt if hash_ok else None, shown,
                       out)
        actor, key = rec.get("actor"), rec.get("key")
        out["actors"].append(intern.setdefault(("a", actor), actor) if type(actor) is str else actor)
        out["keys"].append(intern.setdefault(("k", key), key) if type(key) is str else key)
        out["sig_ok"].append(1 if sig_ok else 0)
        out["seqs"].append(seq)
        out["times"].append(stamp)
        out["shown"].append(shown)
        if seq in wanted:  # a head recorded elsewhere names this entry
            out["hashes"][seq] = recorded
        if full and case is None and rec.get("action") == TIME_ACKNOWLEDGED and hash_ok and sig_ok:
            target = rec.get("data", {}).get("entry") if isinstance(rec.get("data"), dict) else None
            if type(target) is int and 0 < target < seq:
                out["time_acks"].append((target, seq, actor, rec.get("reason")))
        action = rec.get("action") if full else None
        if full and case is None and action in REGISTRY_ACTIONS:
            out["accounts"].append((seq, action, actor, key, rec.get("data"), hash_ok, sig_ok))
        if full and case is None and action in (INITIALISED, ENROLLED):
            out["enrolments"].append((seq, action, rec.get("data")))
        if full and case is not None and exhibit is not None:
            if rec.get("sha256") is not None:
                out["logged"].append((seq, case, exhibit, action, rec.get("sha256")))
            if action in REGISTER_ACTIONS:
                data = rec.get("data") if isinstance(rec.get("data"), dict) else {}
                if action not in ARRIVALS:
                    data = {k: data[k] for k in ("to_is_user", "sensitive") if k in data}
                out["register"].append((seq, case, exhibit, action, rec.get("to"), rec.get("location"),
                                        rec.get("reason"), rec.get("text"), data, actor, stamp_raw(rec),
                                        rec.get("tool")))
        if full and action in (CASE_CREATED, CASE_RECEIVED) and case == scope and out["created"] is None:
            data = rec.get("data")
            out["created"] = (seq, version, data.get("case_salt") if isinstance(data, dict) else None)
        if full:
            data = rec.get("data")
            slim = {k: data[k] for k in AUTHORITY_DATA if k in data} if isinstance(data, dict) else None
            if action == REMOTE_REVIEW and isinstance(data, dict):
                slim = {**data, TEXT_KEY: rec.get("text")}  # the whole statement, and the text it must match
            elif action == COSIGNED and isinstance(data, dict) and "unit_key" in data:
                slim = {**(slim or {}), "unit_key": data["unit_key"]}
            elif action == FORK_RECORDED and isinstance(data, dict):
                slim = {"conflicts": data.get("conflicts")}  # not the forked entries' list: the conflicts it opens
            elif action == RESOLVED and isinstance(data, dict):
                slim = {**(slim or {}), **{k: data[k] for k in ("record", "other_seq", "other_hash") if k in data}}
            out["authority"].append((seq, FULL, intern.setdefault(("c", action), action), actor, case, exhibit,
                                     rec.get("to"), slim or None))
        else:
            out["authority"].append((seq, WITHHELD if secret else REDACTED, None, actor, cs, ex, None, None))
        if full and case is None and action == UPGRADED and out["upgraded"] is None:
            data = rec.get("data")
            out["upgraded"] = (seq, data.get("legacy_cases") if isinstance(data, dict) else None)
        prev_seq, prev_hash, prev_version = seq, recorded, version
    out["last_hash"] = prev_hash
    out["last_version"] = prev_version
    out["count"] = len(out["seqs"])
    out["leaves"] = b"".join(out["leaves"])
    out["recorded"] = b"".join(out["recorded"])
    if out["count"] == CHUNK:
        out["root"] = mth(leaf_hashes(out["leaves"]))
    return out


def commitment(rec, full, seq, version, prev_seq, prev_version, scope, salt, shown, out):
    """The case commitment of one line: present exactly for an entry of a case, the exported case's own.

    ``salt`` is None when the line's hash does not verify (reported): its commitment proves nothing.
    """
    problems = out["problems"]
    ex, cs = shown
    commit = rec.get("commit")
    if type(version) is not int:
        return  # no encoding: reported by the hash check
    if version == 1:
        if prev_seq is not None and prev_version == 2:
            problems.append((seq, RANK_COMMIT, (seq, ex, M_VERSION_BACK.format(p=prev_seq), cs)))
        if not full and scope is None:
            problems.append((seq, RANK_COMMIT, (seq, ex, M_WHOLE_REDACTED, cs)))
        elif not full:
            out["legacy_redacted"] += 1
        elif scope is not None and rec.get("case") not in (None, scope):
            problems.append((seq, RANK_COMMIT, (seq, ex, M_FOREIGN.format(case=rec.get("case"), scope=scope), cs)))
        elif scope is not None and rec.get("case") == scope:
            out["legacy_full"] += 1
        return
    if version != 2:
        return  # no encoding: reported by the hash check
    ours = salt is not None and 0 <= seq < 1 << 64 and case_commit(salt, seq)
    if not full and scope is None:
        problems.append((seq, RANK_COMMIT, (seq, ex, M_WHOLE_REDACTED, cs)))
        return
    if full:
        case = rec.get("case")
        if case is not None and scope is not None and case != scope:
            problems.append((seq, RANK_COMMIT, (seq, ex, M_FOREIGN.format(case=case, scope=scope), cs)))
        if case is None:
            if commit is not None:
                problems.append((seq, RANK_COMMIT, (seq, ex, M_STRAY_COMMIT, cs)))
        elif commit is None:
            problems.append((seq, RANK_COMMIT, (seq, ex, M_NO_COMMIT, cs)))
        elif type(commit) is not str or not HEX64.match(commit):
            problems.append((seq, RANK_COMMIT, (seq, ex, M_BAD_COMMIT, cs)))
        elif ours and case == scope and commit != ours:
            problems.append((seq, RANK_COMMIT, (seq, ex, M_COMMIT_WRONG.format(case=case), cs)))
    elif commit is None:
        problems.append((seq, RANK_COMMIT, (seq, ex, M_REDACTED_NO_COMMIT, cs)))
    elif type(commit) is not str or not HEX64.match(commit):
        problems.append((seq, RANK_COMMIT, (seq, ex, M_BAD_COMMIT, cs)))
    elif commit == ours:
        problems.append((seq, RANK_COMMIT, (seq, ex, M_WITHHELD.format(case=scope), cs)))


def withheld_commitment(rec, seq, version, prev_seq, prev_version, scope, salt, shown, out):
    """A sensitive exhibit's entry withheld from the export: it must be an entry of the exported case.

    Its case commitment proves that (version 2, with the case's salt); a version-1 line is counted with the
    case's own version-1 entries. That it is about a sensitive exhibit rests on the exporter's signature.
    """
    problems = out["problems"]
    ex, cs = shown
    commit = rec.get("commit")
    if ex is None or cs is None:
        problems.append((seq, RANK_WITHHELD, (seq, ex, M_SENS_NO_EXHIBIT, cs)))
    else:
        out["withheld"].append((seq, cs, ex))
    if scope is not None and cs is not None and cs != scope:
        problems.append((seq, RANK_WITHHELD, (seq, ex, M_SENS_FOREIGN.format(case=cs, scope=scope), cs)))
    if type(version) is not int:
        return  # no encoding: reported by the hash check
    if version == 1:
        if prev_seq is not None and prev_version == 2:
            problems.append((seq, RANK_COMMIT, (seq, ex, M_VERSION_BACK.format(p=prev_seq), cs)))
        if scope is not None and cs == scope:
            out["legacy_full"] += 1  # one of the case's own version-1 entries, accounted for
        return
    if version != 2:
        return
    if commit is None:
        problems.append((seq, RANK_COMMIT, (seq, ex, M_SENS_NO_COMMIT, cs)))
    elif type(commit) is not str or not HEX64.match(commit):
        problems.append((seq, RANK_COMMIT, (seq, ex, M_BAD_COMMIT, cs)))
    elif salt is not None and 0 <= seq < 1 << 64 and cs == scope and commit != case_commit(salt, seq):
        problems.append((seq, RANK_COMMIT, (seq, ex, M_SENS_NOT_OURS.format(case=cs), cs)))


def withheld_problems(header, chunks, exhibit_lines, withheld_lines):
    """Withheld entries against the export's register lines: all of a sensitive exhibit, or none of it."""
    found = []
    listed = {(e.get("case"), e.get("exhibit")) for e in withheld_lines}
    shown = {(e.get("case"), e.get("exhibit")) for e in exhibit_lines}
    secret = {}
    for c in chunks:
        for seq, cs, ex in c["withheld"]:
            secret[seq] = (cs, ex)
            if header.get("sensitive") == "included":
                found.append((seq, RANK_WITHHELD, (seq, ex, M_SENS_INCLUDED, cs)))
            if (cs, ex) in shown:
                found.append((seq, RANK_WITHHELD, (seq, ex, M_SENS_SHOWN.format(exhibit=ex), cs)))
            elif (cs, ex) not in listed:
                found.append((seq, RANK_WITHHELD, (seq, ex, M_SENS_UNLISTED.format(exhibit=ex), cs)))
    if listed:
        for c in chunks:
            for seq, (ex, cs) in zip(c["seqs"], c["shown"], strict=True):
                if (cs, ex) in listed and seq not in secret:
                    found.append((seq, RANK_WITHHELD, (seq, ex, M_SENS_PARTLY.format(exhibit=ex), cs)))
    return found, secret


def missing(a, b):
    msg = M_MISSING_ONE.format(n=a) if a == b else M_MISSING_RANGE.format(a=a, b=b)
    return (a, RANK_SEQUENCE, (a, None, msg, None))


# --- keys registered in the log -------------------------------------------------------------------
class Keys:
    def __init__(self):
        self.by_user = {}
        self.revoked = {}  # user -> {key: revoking entry}

    def revoked_at(self, actor, key, seq):
        at = self.revoked.get(actor, {}).get(key) if type(actor) is str else None
        return at if at is not None and at < seq else None

    def key_for(self, actor, seq):
        found = None
        for after, key in self.by_user.get(actor, []) if type(actor) is str else []:
            if after < seq:
                found = key
            else:
                break
        return found


def registration(data):
    if not isinstance(data, dict):
        return None
    user, key = data.get("user"), data.get("public_key")
    if type(user) is str and user and type(key) is str and HEX64.match(key):
        return user, key
    return None


def build_keys(accounts, early):
    """``accounts``: (seq, action, actor, key, data, hash ok, signature ok) of the entries without a case that the
    keys follow (REGISTRY_ACTIONS), in log order.

    ``early(gseq)`` yields (seq, actor) of every entry before the genesis entry. An account change counts for the
    keys only when intact, signed with its author's registered key, and made by someone the replay (``Authority``,
    fed these entries alone) finds allowed to manage accounts at that point: an administrator whose account is
    active and confirmed, under the two-person rules (custody-encoding.md, "Whose key signs what").
    """
    keys, problems = Keys(), []
    genesis = next((a for a in accounts if a[1] == KEY_REGISTERED), None)
    if genesis is None:
        return keys, [(0, RANK_AUTHORITY, (None, None, M_NO_GENESIS, None))], 0
    gseq, _, gactor, _, gdata, _, _ = genesis
    reg = registration(gdata)
    if reg is None or reg[0] != gactor:
        return keys, [(gseq, RANK_AUTHORITY, (gseq, None, M_GENESIS_SELF, None))], gseq
    keys.by_user[gactor] = [(0, reg[1])]
    for seq, actor in early(gseq):
        if actor != gactor:
            problems.append((seq, RANK_AUTHORITY, (seq, None, M_BEFORE_GENESIS.format(actor=actor), None)))
    state = Authority()  # the account state the replay derives, from these entries alone
    for seq, action, actor, key, data, hash_ok, sig_ok in accounts:
        data = data if isinstance(data, dict) else {}
        if seq <= gseq:
            if actor == gactor:
                state.entry(seq, FULL, action, actor, None, None, None, data)
            continue
        registered = keys.key_for(actor, seq)
        if not (hash_ok and sig_ok and registered and registered == key):
            continue
        if not state.users and actor != gactor:
            message = ", whose role ("  # no account of the first administrator's (replay judges nobody): only they
        elif not state.users:
            message = None
        else:
            message = state.problem(action, actor, None, None, data)
        if message is not None:
            if action in ACCOUNT_ACTIONS and ", whose role (" in message:  # else the replay names it
                problems.append((seq, RANK_AUTHORITY, (seq, None, M_NOT_ADMIN.format(action=action, actor=actor),
                                                       None)))
            continue
        state.apply(action, actor, None, None, None, data)
        if action == KEY_REGISTERED:
            reg = registration(data)
            if reg is None:
                problems.append((seq, RANK_AUTHORITY, (seq, None, M_BAD_REGISTRATION, None)))
            else:
                keys.by_user.setdefault(reg[0], []).append((seq, reg[1]))
        elif action == KEY_REVOKED:
            reg = registration(data)
            if reg is None:
                problems.append((seq, RANK_AUTHORITY, (seq, None, M_BAD_REVOCATION, None)))
            else:
                keys.revoked.setdefault(reg[0], {}).setdefault(reg[1], seq)
                if keys.key_for(reg[0], seq + 1) == reg[1]:
                    keys.by_user[reg[0]].append((seq, ""))  # no key for the user until a new registration
    return keys, problems, gseq


# --- authority: who had the right to make each entry (casedesk/custody/projection.py) -----------------------------
FULL, REDACTED, WITHHELD = 0, 1, 2
# What the rules and the state they read take from an entry's data.
AUTHORITY_DATA = ("user", "role", "to", "officer_in_charge", "producer", "to_is_user", "box_key", "corrects",
                  "revises", "confirmation", "identity", "case_salt")
M_AUTH_OTHER_CASE = "an entry of another case was made without authority"
M_AUTH_WITHHELD = "withheld as sensitive, but made by {actor}, {why} at this point: ignored"
WHY_NO_ACCOUNT, WHY_DISABLED = "who has no account", "whose account is disabled"
WHY_UNCONFIRMED = "whose account {creator} created and no second administrator has confirmed"
MSG = AUTHORITY["messages"]
PERMISSIONS = {role: frozenset(perms) for role, perms in AUTHORITY["permissions"].items()}
RULES = {action: tuple(rule) for action, rule in AUTHORITY["rules"].items()}
DEFAULT_RULE = tuple(AUTHORITY["default"])
AFTER_HANDOVER = frozenset(AUTHORITY["after_handover"])
MEMO_SCOPES = frozenset({"any", "case", "case-open", "case-exists", "summary", "optional-case"})
ACCOUNT_STATE = frozenset({"account.created", "account.role_changed", "account.disabled", "account.enabled",
                           "account.creation_confirmed", "account.promotion_confirmed"})
PROMOTED_ROLES, ENABLED = frozenset({"supervisor", "admin"}), "enabled"  # the two-person rule at promotion
RULE_MARKS = frozenset({"account.created", "account.role_changed", "account.enabled"})  # carry data.confirmation
BOX_KEYS = frozenset({KEY_REGISTERED, "account.box_key_registered"})
RESETS = frozenset({"account.password_reset", "account.identity_confirmed"})
CASE_STATE = frozenset({CASE_CREATED, "case.member_added", "case.member_removed", "case.closed", "case.reopened",
                        CASE_RECEIVED, HANDED_OVER})
OTHER_CASE = object()  # the case of a header-only line: not the exported case (its commitment shows it)


def is_int(value):
    return type(value) is int


# --- remote reviews (docs/custody-encoding.md, "Remote reviews"; docs/sync-protocol.md, "Review statements") ------
REMOTE_REVIEW = "case.reviewed_remotely"
COSIGNED = "unit.checkpoint_cosigned"
TEXT_KEY = "\x00text"  # where a remote review's entry text rides with its data here (no entry's data key can be it)
STATEMENT_FORMAT = "casedesk-review-statement/1"
STATEMENT_DOMAIN = b"CASEDESK-REVIEW-STATEMENT-V1\x00"
VOUCHER_FORMAT = "casedesk-unit-voucher/v1"
STATEMENT_FIELDS = ("case", "decision", "format", "installation", "key", "made_at", "reviewer",
                    "reviewer_installation", "text", "up_to", "up_to_hash")
STATEMENT_DECISIONS = ("approve", "query")


def ed25519_ok(message, signature, key):
    if not (type(signature) is str and HEX128.match(signature) and type(key) is str and HEX64.match(key)):
        return False
    try:
        crypto_sign_open(bytes.fromhex(signature) + message, bytes.fromhex(key))
    except (BadSignatureError, CryptoError, ValueError):
        return False
    return True


def statement_shape(s):
    """Why ``s`` is not a review statement (None: it is); the words of casedesk/custody/statement.py."""
    if not isinstance(s, dict):
        return "not an object"
    if sorted(s) != list(STATEMENT_FIELDS) and sorted(s) != sorted((*STATEMENT_FIELDS, "reviewer_name")):
        return "its fields are not " + ", ".join(STATEMENT_FIELDS) + " (and reviewer_name)"
    if s["format"] != STATEMENT_FORMAT:
        return f"format is not {STATEMENT_FORMAT}"
    if "reviewer_name" in s and (type(s["reviewer_name"]) is not str or not s["reviewer_name"].strip()):
        return "reviewer_name is not a name"
    for name in ("installation", "case", "reviewer_installation", "reviewer", "made_at", "text"):
        if type(s[name]) is not str:
            return f"{name} is not text"
    if not is_int(s["up_to"]) or s["up_to"] < 1:
        return "up_to is not an entry number"
    if type(s["up_to_hash"]) is not str or not HEX64.match(s["up_to_hash"]):
        return "up_to_hash is not 64 hex digits"
    if type(s["key"]) is not str or not HEX64.match(s["key"]):
        return "key is not 64 hex digits"
    if s["decision"] not in STATEMENT_DECISIONS:
        return "decision is not " + " or ".join(STATEMENT_DECISIONS)
    if s["decision"] == "query" and not s["text"].strip():
        return "a query without text"
    return None


def statement_digest(s):
    return hashlib.sha256(canonical_bytes(s)).digest()


def voucher_message(s, tree_size):
    lines = (VOUCHER_FORMAT, s["installation"], statement_digest(s).hex(), s["reviewer_installation"],
             s["reviewer"], s["key"], "supervisor", str(tree_size))
    return "".join(line + "\n" for line in lines).encode("utf-8")


def statement_problem(data, case, installation, unit_keys, entry_of):
    """Why a remote review's statement reviews nothing (None: it holds); statement.problem's rules and words."""
    s = data.get("statement")
    shape = statement_shape(s)
    if shape is not None:
        return MSG["REMOTE_MALFORMED"].format(detail=shape)
    if data.get("decision") != s["decision"] or data.get("up_to") != s["up_to"] or (
            data.get(TEXT_KEY) or "") != s["text"]:
        return MSG["REMOTE_COPIES"]
    try:
        message = STATEMENT_DOMAIN + statement_digest(s)
    except Unencodable as exc:
        return MSG["REMOTE_MALFORMED"].format(detail=str(exc))
    if not ed25519_ok(message, data.get("signature"), s["key"]):
        return MSG["REMOTE_SIGNATURE"]
    if s["installation"] != installation:
        return MSG["REMOTE_INSTALLATION"].format(theirs=s["installation"])
    if s["case"] != case:
        return MSG["REMOTE_CASE"].format(theirs=s["case"], case=case)
    unit_key, voucher = data.get("unit_key"), data.get("voucher")
    shown = unit_key[:16] if type(unit_key) is str else str(unit_key)
    if type(unit_key) is not str or unit_key not in unit_keys:
        return MSG["REMOTE_UNIT"].format(key=shown)
    size = voucher.get("tree_size") if isinstance(voucher, dict) else None
    if not is_int(size) or size < 1 or not ed25519_ok(voucher_message(s, size), voucher.get("signature"), unit_key):
        return MSG["REMOTE_VOUCHER"].format(key=shown)
    target = entry_of(s["up_to"])
    if target is None or target[1] != case:
        return MSG["REMOTE_UP_TO"].format(n=s["up_to"], case=case)
    if target[0] != s["up_to_hash"]:
        return MSG["REMOTE_HASH"].format(n=s["up_to"], hash=s["up_to_hash"][:16])
    return None


class Authority:
    """The state replay derives at every entry (accounts, cases, custodians, box keys, resets) and the rules."""

    def __init__(self):
        self.users = {}  # user -> [role, disabled]
        self.cases = {}  # case -> [open, officer in charge, members]
        self.exhibits = {}  # (case, exhibit) -> [custodian, is a user, returns to (user or None)]
        self.authors = {}  # seq -> (actor, case)
        self.box_keys = {}  # user -> the box key the log last registered for them
        self.resets = {}  # user -> (the administrator who reset their password, box key they registered since)
        self.creations = {}  # user -> the administrator whose creation of the account awaits a second's confirmation
        self.creation_rule = False  # from the first account entry that says how the rule applied (confirmation)
        self.promotions = {}  # user -> (administrator, new role or ENABLED) awaiting a second's confirmation
        self.handed = set()  # cases handed over to another installation (case.handed_over)
        self.identities = {}  # case -> (installation, salt) of the case.created that began it, wherever that was
        self.memo = {}
        self.flagged = set()
        self.installation = None  # the export's installation (its header): what a remote review must be about
        self.unit_keys = set()  # cosigner keys of the unit.checkpoint_cosigned entries so far
        self.recorded = lambda seq: None  # the recorded hash of an entry of the export
        self.seq = 0  # the entry being judged
        # Offline conflicts: (case, exhibit) -> [record entry, other copy's entry, its hash, open]; and every
        # (case, exhibit, other entry, hash) recorded (one recorded again opens nothing).
        self.conflicts = {}
        self.conflicts_seen = set()

    def entry_of(self, n):
        """(recorded hash, case) of an entry before the one being judged (None: there is none)."""
        if not is_int(n) or not 0 < n < self.seq or n not in self.authors:
            return None
        return self.recorded(n), self.authors[n][1]

    # The facts the rules ask (roles.Facts).
    def role(self, user):
        fact = self.users.get(user)
        return None if fact is None else fact[0]

    def disabled(self, user):
        fact = self.users.get(user)
        return fact is not None and fact[1]

    def is_member(self, case, user):
        fact = self.cases.get(case)
        return fact is not None and (user in fact[2] or fact[1] == user)

    def confirmed_admins(self, besides=None):
        """Active, confirmed administrators, ``besides`` (the account a change is about) left out."""
        return sum(1 for name, (role, disabled) in self.users.items()
                   if role == "admin" and not disabled and name not in self.creations and name != besides)

    def may_hold_case_key(self, case, user):
        role = self.role(user)
        if role is None or role == "admin" or self.disabled(user) or user in self.creations:
            return False
        return role == "supervisor" or self.is_member(case, user)

    def problem(self, action, actor, case, exhibit, data):
        """Why the signer had no right to make the entry (None: they had); roles.authority_problem."""
        role = self.role(actor)
        permissions = PERMISSIONS.get(role) if role is not None else None
        if permissions is None:
            return MSG["MSG_NO_ACCOUNT"].format(action=action, actor=actor)
        if self.disabled(actor):
            return MSG["MSG_DISABLED"].format(action=action, actor=actor)
        if actor in self.creations:
            return MSG["MSG_UNCONFIRMED"].format(action=action, actor=actor, creator=self.creations[actor])
        permission, scope = RULES.get(action, DEFAULT_RULE)
        if permission is not None and permission not in permissions:
            return MSG["MSG_NO_ROLE"].format(action=action, actor=actor, role=role,
                                             what=AUTHORITY["words"][permission])
        if scope == "any":
            return None
        if scope == "self":
            return None if data.get("user") == actor else MSG["MSG_NOT_SELF"].format(action=action, actor=actor)
        if scope == "confirm":
            user = data.get("user")
            why = self.confirm_problem(actor, user, data.get("box_key"))
            return None if why is None else MSG["MSG_CONFIRM"].format(action=action, actor=actor, user=user, why=why)
        if scope == "confirm-creation":
            user = data.get("user")
            pending = self.creations.get(user) if type(user) is str else None
            why = (MSG["CREATION_NOT_PENDING"] if pending is None else
                   MSG["CREATION_CREATOR"] if pending == actor and self.confirmed_admins() > 1 else None)
            return None if why is None else MSG["MSG_CONFIRM"].format(action=action, actor=actor, user=user, why=why)
        if scope == "confirm-promotion":
            user, to = data.get("user"), data.get("to")
            pending = self.promotions.get(user) if type(user) is str else None
            why = (MSG["PROMOTION_NOT_PENDING"] if pending is None else MSG["PROMOTION_SELF"] if actor == user else
                   MSG["PROMOTION_MAKER"] if actor == pending[0] and self.confirmed_admins() > 1 else
                   MSG["PROMOTION_OTHER"].format(pending=pending[1], to=to) if to != pending[1] else None)
            return None if why is None else MSG["MSG_CONFIRM"].format(action=action, actor=actor, user=user, why=why)
        if scope == "correct":
            target = data.get("corrects")
            author = self.authors.get(target) if is_int(target) else None
            if author is not None and (author[0] == actor or "custody.review" in permissions
                                       or (author[1] is None and "user.manage" in permissions)):
                return None
            return MSG["MSG_CORRECT"].format(action=action, actor=actor, target=target)
        if case is None:
            return None if scope == "optional-case" else MSG["MSG_NO_CASE"].format(action=action, case=None)
        fact = self.cases.get(case)
        if fact is None:
            return MSG["MSG_NO_CASE"].format(action=action, case=case)
        if case in self.handed and action not in AFTER_HANDOVER:
            return MSG["MSG_HANDED_OVER"].format(action=action, case=case)
        if scope == "case-exists":
            return None
        if scope == "remote-review":
            why = statement_problem(data, case, self.installation, self.unit_keys, self.entry_of)
            return None if why is None else MSG["MSG_REMOTE_REVIEW"].format(action=action, actor=actor, why=why)
        if "case.view_all" not in permissions and not self.is_member(case, actor):
            return MSG["MSG_NOT_MEMBER"].format(action=action, actor=actor, case=case)
        if scope in ("case", "optional-case"):
            return None
        if scope == "note":
            target = data.get("revises")
            if target is None:
                return None
            author = self.authors.get(target) if is_int(target) else None
            if author is not None and author == (actor, case):
                return None
            return MSG["MSG_REVISE"].format(action=action, actor=actor, target=target, case=case)
        if scope == "grant":
            user, box = data.get("user"), data.get("box_key")
            if type(user) is not str or not self.may_hold_case_key(case, user):
                return MSG["MSG_GRANT_HOLDER"].format(action=action, actor=actor, case=case, user=user)
            if type(box) is not str or box != self.box_keys.get(user):
                return MSG["MSG_GRANT_BOX"].format(action=action, actor=actor, case=case, user=user)
            if user in self.resets:
                return MSG["MSG_GRANT_UNCONFIRMED"].format(action=action, actor=actor, case=case, user=user)
            return None
        if scope == "case-open":
            return None if fact[0] else MSG["MSG_CASE_CLOSED"].format(action=action, case=case)
        if scope == "summary":
            if not fact[0]:
                return MSG["MSG_CASE_CLOSED"].format(action=action, case=case)
            if fact[1] == actor or role == "supervisor":
                return None
            return MSG["MSG_SUMMARY"].format(action=action, actor=actor)
        exhibit = exhibit or ""
        if "custody.transfer_any" in permissions:
            return None
        held = self.exhibits.get((case, exhibit))
        if held is not None and held[1] and held[0] == actor:
            return None
        if scope == "return" and held is not None and held[2] == actor:
            return None
        return MSG["MSG_NOT_CUSTODIAN"].format(action=action, actor=actor, exhibit=exhibit)

    def confirm_problem(self, actor, user, box):
        pending = self.resets.get(user) if type(user) is str else None
        if pending is None:
            return MSG["CONFIRM_NOT_PENDING"]
        if actor == user:
            return MSG["CONFIRM_SELF"]
        if actor == pending[0]:
            return MSG["CONFIRM_RESETTER"]
        if actor in self.resets:
            return MSG["CONFIRM_ACTOR_PENDING"]
        if pending[1] is None or box != pending[1]:
            return MSG["CONFIRM_KEY"].format(user=user)
        return None

    # What an entry made with authority does to that state.
    def apply(self, action, actor, case, exhibit, to, data):
        if action in ACCOUNT_STATE or action in BOX_KEYS or action in RESETS:
            if case is None:  # an account entry counts only without a case (custody-encoding.md)
                self.account(action, actor, data)
        elif action in CASE_STATE:
            self.case(action, actor, case, to, data)
        elif action in ARRIVALS or action in MOVES:
            self.custody(action, actor, case, exhibit, to, data)
        elif action == COSIGNED and case is None and type(data.get("unit_key")) is str:
            self.unit_keys.add(data["unit_key"])
        elif action == FORK_RECORDED and case is None:
            self.fork_recorded(data)
            return
        elif action == RESOLVED:
            self.custody(action, actor, case, exhibit, to, data)
        else:
            return
        self.memo.clear()  # the answers were drawn from the state this entry changed

    def fork_recorded(self, data):
        """The conflicts a custody.fork_recorded opens (casedesk/custody/conflicts.py, ConflictBook.record)."""
        items = data.get("conflicts")
        for item in items if type(items) is list else []:
            other = item.get("other") if type(item) is dict else None
            if (type(other) is not dict or type(item.get("case")) is not str or type(item.get("exhibit")) is not str
                    or item.get("kind") not in ("moved", "reference", "new") or not is_int(other.get("seq"))
                    or type(other.get("hash")) is not str or not HEX64.match(other["hash"])
                    or (item.get("here") is not None and type(item.get("here")) is not dict)):
                continue  # casedesk verify names a malformed item; it opens nothing
            tag = (item["case"], item["exhibit"], other["seq"], other["hash"])
            if tag in self.conflicts_seen:
                continue
            self.conflicts_seen.add(tag)
            self.conflicts[(item["case"], item["exhibit"])] = [self.seq, other["seq"], other["hash"], True]

    def resolve(self, seq, action, actor, case, exhibit, data):
        """Why a resolution resolves nothing (None: it closes the open conflict it names)."""
        found = self.conflicts.get((case, exhibit))
        if (found is None or not found[3] or data.get("record") != found[0] or data.get("other_seq") != found[1]
                or data.get("other_hash") != found[2]):
            return M_NO_CONFLICT.format(action=action, actor=actor, exhibit=exhibit, case=case,
                                        other=data.get("other_seq"), record=data.get("record"))
        found[3] = False
        return None

    def account(self, action, actor, data):
        user = data.get("user")
        if type(user) is not str:
            return
        fact = self.users.get(user)
        if "confirmation" in data and action in RULE_MARKS:
            self.creation_rule = True  # the two-person rules are in force from here on
        rule = self.creation_rule and self.confirmed_admins(user) >= 2
        if action == "account.created":
            if rule:
                self.creations[user] = actor
            else:
                self.creations.pop(user, None)
            self.promotions.pop(user, None)
            self.users[user] = [_text(data.get("role")), False]
        elif action == "account.creation_confirmed":
            self.creations.pop(user, None)
        elif action == "account.promotion_confirmed":
            pending = self.promotions.pop(user, None)
            if pending is not None and fact is not None:
                if pending[1] == ENABLED:
                    fact[1] = False
                else:
                    fact[0] = pending[1]
        elif action == "account.role_changed" and fact is not None:
            to = _text(data.get("to"), fact[0])
            self.promotions.pop(user, None)  # a later change replaces one awaiting confirmation
            if to != fact[0] and to in PROMOTED_ROLES and rule:
                self.promotions[user] = (actor, to)
                if fact[0] == "admin":
                    fact[0] = "detective"  # an administrator made supervisor: the administrator role ends at once
            else:
                fact[0] = to
        elif action == "account.disabled" and fact is not None:
            fact[1] = True
            self.promotions.pop(user, None)
        elif action == "account.enabled" and fact is not None:
            self.promotions.pop(user, None)
            if fact[1] and rule:
                self.promotions[user] = (actor, ENABLED)
            else:
                fact[1] = False
        elif action in BOX_KEYS:
            box = data.get("box_key")
            if type(box) is str and fact is not None:
                self.box_keys[user] = box
        if action in BOX_KEYS or action in RESETS:
            self.note_reset(action, actor, user, data)

    def note_reset(self, action, actor, user, data):
        """The two-person rule's state (projection.note_reset)."""
        if action == "account.password_reset":
            if actor != user:
                self.resets[user] = (actor, None)
        elif action == "account.identity_confirmed":
            self.resets.pop(user, None)
        elif user in self.resets:
            box = data.get("box_key")
            own = box if action == "account.box_key_registered" and actor == user and type(box) is str else None
            self.resets[user] = (self.resets[user][0], own)

    def case(self, action, actor, case, to, data):
        case = _text(case)
        if action == CASE_CREATED:
            oic = _text(data.get("officer_in_charge"), _text(to, actor))
            self.cases[case] = [True, oic, {actor, oic}]
            self.identities[case] = (self.installation, data.get("case_salt"))
            return
        if action == CASE_RECEIVED:
            raw = data.get("identity")
            ident = (raw.get("installation"), raw.get("salt")) if isinstance(raw, dict) else None
            if case not in self.cases:  # a reference the log already holds is never taken for another's case
                self.cases[case] = [True, actor, {actor}]
                self.identities[case] = ident
            elif case in self.handed and ident is not None and self.identities.get(case) == ident:
                # This very case coming back (handed over from here): held here again, by its receiver.
                fact = self.cases[case]
                fact[0], fact[1] = True, actor
                fact[2].add(actor)
                self.handed.discard(case)
            return
        fact = self.cases.get(case)
        if fact is None:
            return
        user = data.get("user")
        if action == "case.member_added" and type(user) is str:
            fact[2].add(user)
        elif action == "case.member_removed" and type(user) is str:
            fact[2].discard(user)
        elif action in ("case.closed", "case.reopened"):
            fact[0] = action == "case.reopened"
        elif action == HANDED_OVER:
            fact[0] = False  # held by the other installation now: nothing needing an open case counts here
            self.handed.add(case)

    def custody(self, action, actor, case, exhibit, to, data):
        key = (_text(case), _text(exhibit))
        if action == INGESTED:
            producer = _text(data.get("producer"), _text(to, actor))
            self.exhibits[key] = [_text(to, producer), True, None]
            return
        if action == RECEIVED:  # a new exhibit, or one this log holds coming back with its case: its state there
            self.exhibits[key] = [_text(to, actor), data.get("to_is_user") is not False, None]
            return
        fact = self.exhibits.get(key)
        if fact is None:
            return
        if action == "exhibit.checked_out":
            fact[2] = fact[0] if fact[1] else None
        elif action in ("exhibit.returned", RESOLVED):
            fact[2] = None
        fact[0] = _text(to, fact[0])
        fact[1] = data.get("to_is_user") is not False

    def entry(self, seq, kind, action, actor, case, exhibit, to, data):
        """Judge one line and apply it; the problem to report, or None."""
        if kind == REDACTED:
            case = OTHER_CASE
        self.authors[seq] = (actor, case)
        self.seq = seq
        if not self.users:
            # The genesis: the first administrator creates the installation and their own account.
            if kind == FULL and action == "account.created" and data and data.get("user") == actor:
                self.account(action, actor, data)
            return None
        if kind != FULL:  # what the line says is not shown: only its signer's account can be judged
            why = WHY_NO_ACCOUNT if PERMISSIONS.get(self.role(actor)) is None else (
                WHY_DISABLED if self.disabled(actor) else
                WHY_UNCONFIRMED.format(creator=self.creations[actor]) if actor in self.creations else None)
            if why is None:
                return None
            self.flagged.add(seq)
            if kind == REDACTED:
                return (seq, None, M_AUTH_OTHER_CASE, None)
            return (seq, exhibit, M_AUTH_WITHHELD.format(actor=actor, why=why), case)
        data = data or {}
        rule = RULES.get(action, DEFAULT_RULE)
        if rule[1] in MEMO_SCOPES:
            key = (action, actor, case)
            if key in self.memo:
                message = self.memo[key]
            else:
                message = self.memo[key] = self.problem(action, actor, case, exhibit, data)
        else:
            message = self.problem(action, actor, case, exhibit, data)
        if message is None and action == RESOLVED:
            message = self.resolve(seq, action, actor, case, exhibit, data)
        if message is None:
            self.apply(action, actor, case, exhibit, to, data)
            return None
        self.flagged.add(seq)
        if action in ACCOUNT_ACTIONS and case is None and ", whose role (" in message:
            return None  # the key check (build_keys, by this same replay) says "who is not an administrator"
        return (seq, exhibit if type(exhibit) is str else None, message, case if type(case) is str else None)


def authority_problems(chunks, broken, installation=None):
    """Every entry its signer had no right to make, in log order; and the entries left out of the register."""
    state = Authority()
    state.installation = installation
    starts = [(c["seqs"][0], c) for c in chunks if c["count"]]

    def recorded(n):
        for first, c in starts:
            i = n - first
            if 0 <= i < c["count"] and c["seqs"][i] == n:
                blob = c["recorded"][32 * i: 32 * i + 32]
                return None if blob == ZERO else blob.hex()
        return None

    state.recorded = recorded
    found = []
    judged = {FULL: 0, REDACTED: 0, WITHHELD: 0}
    for c in chunks:
        for seq, kind, action, actor, case, exhibit, to, data in c["authority"]:
            if seq in broken:  # a broken entry proves nothing: left out (its author is still known)
                state.authors[seq] = (actor, OTHER_CASE if kind == REDACTED else case)
                continue
            judged[kind] += 1
            problem = state.entry(seq, kind, action, actor, case, exhibit, to, data)
            if problem is not None:
                found.append(problem)
    conflicts = [{"case": case, "exhibit": exhibit, "record": record, "other_seq": other}
                 for (case, exhibit), (record, other, _, still) in state.conflicts.items() if still]
    return found, state.flagged, judged, conflicts


# --- the unit's root of trust (docs/unit-trust.md) ---------------------------------------------------
INITIALISED = "installation.initialised"
ENROLLED = "installation.enrolled"
CERT_FORMAT = "casedesk-unit-cert/1"
REVOCATION_FORMAT = "casedesk-unit-revocation/1"
CERT_DOMAIN = b"CASEDESK-UNIT-CERT-V1\x00"
REVOCATION_DOMAIN = b"CASEDESK-UNIT-REVOCATION-V1\x00"
CERT_FIELDS = frozenset({"format", "unit", "serial", "kind", "installation_id", "subject", "full_name", "role",
                         "public_key", "valid_from", "issued_at", "checkpoint", "signature"})
REVOCATION_FIELDS = frozenset({"format", "unit", "serial", "public_key", "revoked_at", "reason", "signature"})
ROLES = ("detective", "supervisor", "admin")
SERIAL_RE = re.compile(r"[0-9a-f]{32}\Z")
M_NOT_ENROLLED = ("the log holds no installation.enrolled entry with a certificate of this installation from "
                  "unit {fp}: nothing shows that this installation or its keys belong to the unit")
M_UNIT_MALFORMED = "is not a {what} of a unit ({why})"
M_OTHER_UNIT = "is signed by unit key {other}, not by the pinned unit key {pinned}"
M_UNIT_SIGNATURE = "does not carry a valid signature of unit key {pinned}"
M_NOT_A_LIST = "the enrolment's {what} are not a list"
M_OTHER_INSTALLATION = "is for installation {theirs}, but this log is installation {ours}'s"
M_CHECKPOINT_AHEAD = "vouches for {n} entries, but the log had only {m} before the enrolment that carries it"
M_CHECKPOINT_ROOT = ("vouches for the first {n} entries with Merkle root {root}, but those entries have root "
                     "{actual}: entries written before the enrolment were changed or made up afterwards")
M_UNCERTIFIED = "signed with a key of {actor} that unit {fp} has not certified"
M_NOT_YET_VALID = ("signed at {time}, before unit {fp}'s certificate of {actor}'s key (serial {serial}) became "
                   "valid at {valid_from}")
M_CERT_REVOKED = ("signed with a key of {actor} whose certificate (serial {serial}) unit {fp} revoked at {at}: "
                  "{reason}")


class Malformed(Exception):
    pass


def parse_vkey(text):
    """(name, public key bytes, fingerprint hex) of a C2SP verifier key ``name+keyid+base64(0x01 || key)``."""
    parts = text.split("+", 2) if type(text) is str else []
    if len(parts) != 3:
        raise Malformed("the unit verifier key is not of the form NAME+KEYID+KEY")
    name, kid, b64 = parts
    if (not name or len(name) > 200 or any(ch.isspace() or ord(ch) < 0x20 or ord(ch) == 0x7F for ch in name)):
        raise Malformed("the unit verifier key has a bad name or key")
    try:
        raw = base64.b64decode(b64, validate=True)
    except (binascii.Error, ValueError):
        raise Malformed("the unit verifier key has a bad name or key") from None
    if len(raw) != 33 or raw[0] != 1:
        raise Malformed("the unit verifier key is not an Ed25519 key")
    fp = hashlib.sha256(name.encode("utf-8") + b"\n" + raw).hexdigest()
    if kid != fp[:8]:
        raise Malformed("the unit verifier key's key ID does not match its name and key")
    return name, raw[1:], fp


def unit_time(value, name):
    if type(value) is not str or not TIME_RE.match(value):
        raise Malformed(f"{name} is not a UTC time of the form 2026-01-31T09:15:00.000000Z")
    if not good_time(value):
        raise Malformed(f"{name} is not a real date and time")
    return value


def unit_text(value, name, optional=False):
    if value is None and optional:
        return None
    if type(value) is not str or not value or len(value) > 500:
        raise Malformed(f"{name} is not text of 1 to 500 characters")
    return value


def decode_cert(obj):
    """A unit certificate's members after the checks of docs/unit-trust.md, or Malformed saying why."""
    if not isinstance(obj, dict):
        raise Malformed("it is not a JSON object")
    if set(obj) != CERT_FIELDS:
        raise Malformed("its fields are not " + ", ".join(sorted(CERT_FIELDS)))
    if obj["format"] != CERT_FORMAT:
        raise Malformed(f"its format is not {CERT_FORMAT}")
    if obj["kind"] not in ("installation", "officer"):
        raise Malformed("its kind is neither installation nor officer")
    common_checks(obj)
    officer = obj["kind"] == "officer"
    if officer and (obj["role"] not in ROLES or obj["checkpoint"] is not None):
        raise Malformed("an officer's certificate needs a role and no checkpoint")
    if not officer and (obj["role"] is not None or obj["full_name"] is not None
                        or obj["subject"] != obj["installation_id"]):
        raise Malformed("an installation's certificate names the installation only")
    unit_text(obj["installation_id"], "installation_id")
    unit_text(obj["subject"], "subject")
    unit_text(obj["full_name"], "full_name", optional=True)
    unit_time(obj["valid_from"], "valid_from")
    unit_time(obj["issued_at"], "issued_at")
    if not officer:
        cp = obj["checkpoint"]
        if not isinstance(cp, dict) or set(cp) != {"size", "root"}:
            raise Malformed("checkpoint is not an object with size and root")
        if type(cp["size"]) is not int or cp["size"] < 0 or type(cp["root"]) is not str or not HEX64.match(cp["root"]):
            raise Malformed("checkpoint size is not a whole number or its root not 64 hex digits")
    return obj


def common_checks(obj):
    if type(obj["serial"]) is not str or not SERIAL_RE.match(obj["serial"]):
        raise Malformed("its serial is not 32 hex digits")
    if type(obj["public_key"]) is not str or not HEX64.match(obj["public_key"]):
        raise Malformed("its public key is not 64 hex digits")
    if type(obj["signature"]) is not str or not HEX128.match(obj["signature"]):
        raise Malformed("its signature is not 128 hex digits")
    parse_vkey(obj["unit"])


def decode_revocation(obj):
    if not isinstance(obj, dict):
        raise Malformed("it is not a JSON object")
    if set(obj) != REVOCATION_FIELDS:
        raise Malformed("its fields are not " + ", ".join(sorted(REVOCATION_FIELDS)))
    if obj["format"] != REVOCATION_FORMAT:
        raise Malformed(f"its format is not {REVOCATION_FORMAT}")
    common_checks(obj)
    unit_time(obj["revoked_at"], "revoked_at")
    unit_text(obj["reason"], "reason")
    return obj


def unit_signature_problem(obj, domain, pinned):
    _, key, fp = parse_vkey(obj["unit"])
    if fp != pinned:
        return M_OTHER_UNIT.format(other=fp, pinned=pinned)
    body = {k: v for k, v in obj.items() if k != "signature"}
    try:
        crypto_sign_open(bytes.fromhex(obj["signature"]) + domain + canonical_bytes(body), key)
    except (BadSignatureError, CryptoError, ValueError, Unencodable, TypeError):
        return M_UNIT_SIGNATURE.format(pinned=pinned)
    return None


def describe_cert(obj):
    if obj["kind"] == "installation":
        return f"installation {obj['installation_id']}"
    return f"officer {obj['subject']} ({obj['role']}) of installation {obj['installation_id']}"


class UnitCheck:
    """The log's keys against the certificates its installation.enrolled entries carry, for one fingerprint."""

    def __init__(self, fingerprint, enrolments, broken, given=()):
        self.fp = fingerprint
        self.broken = broken
        self.problems = []
        self.keys = {}  # (user, key) -> [certificate]
        self.revoked = {}  # key -> [(revocation, carried at)]
        self.checkpoints = []  # (enrolment seq, size, root, label)
        self.enrolled, self.vouched, self.unit_name = False, 0, None
        self.rules = {}  # (user, key) -> what rule() gives, computed once
        self.installation_id = next((d.get("installation_id") for _, a, d in enrolments
                                     if a == INITIALISED and isinstance(d, dict)), None)
        for seq, action, data in enrolments:
            if action == ENROLLED and seq not in broken and isinstance(data, dict):
                self.read(seq, data)
        for i, obj in enumerate(given, 1):  # from the unit, given on the command line: they count by time alone
            try:
                decode_revocation(obj)
                problem = unit_signature_problem(obj, REVOCATION_DOMAIN, self.fp)
            except Malformed as exc:
                problem = M_UNIT_MALFORMED.format(what="revocation", why=exc)
            if problem is not None:
                self.problems.append((None, None, f"revocation {i} given to the verifier {problem}", None))
            else:
                self.revoked.setdefault(obj["public_key"], []).append((obj, 1 << 62))

    def read(self, seq, data):
        found = data.get("certificates")
        if not isinstance(found, list):
            self.problems.append((seq, None, M_NOT_A_LIST.format(what="certificates"), None))
            found = []
        for i, obj in enumerate(found, 1):
            who = "?"
            try:
                decode_cert(obj)
                who = describe_cert(obj)
                problem = unit_signature_problem(obj, CERT_DOMAIN, self.fp)
            except Malformed as exc:
                problem = M_UNIT_MALFORMED.format(what="certificate", why=exc)
            if problem is None and obj["installation_id"] != self.installation_id:
                problem = M_OTHER_INSTALLATION.format(theirs=obj["installation_id"], ours=self.installation_id)
            if problem is None and obj["kind"] == "installation":
                size = obj["checkpoint"]["size"]
                if size >= seq:
                    problem = M_CHECKPOINT_AHEAD.format(n=size, m=seq - 1)
                else:
                    self.checkpoints.append((seq, size, obj["checkpoint"]["root"], f"certificate {i} ({who})"))
                    if not self.enrolled:
                        self.enrolled, self.vouched = True, size
                        self.unit_name = parse_vkey(obj["unit"])[0]
            if problem is not None:
                self.problems.append((seq, None, f"certificate {i} ({who}) {problem}", None))
            elif obj["kind"] == "officer":
                self.keys.setdefault((obj["subject"], obj["public_key"]), []).append(obj)
        revocations = data.get("revocations", [])
        if not isinstance(revocations, list):
            self.problems.append((seq, None, M_NOT_A_LIST.format(what="revocations"), None))
            revocations = []
        for i, obj in enumerate(revocations, 1):
            try:
                decode_revocation(obj)
                problem = unit_signature_problem(obj, REVOCATION_DOMAIN, self.fp)
            except Malformed as exc:
                problem = M_UNIT_MALFORMED.format(what="revocation", why=exc)
            if problem is not None:
                self.problems.append((seq, None, f"revocation {i} {problem}", None))
            else:
                self.revoked.setdefault(obj["public_key"], []).append((obj, seq))

    def entry_problem(self, seq, stamp, actor, key):
        rule = self.rules.get((actor, key))
        if rule is None:
            rule = self.rules[(actor, key)] = self.rule(actor, key)
        if rule is False:
            return M_UNCERTIFIED.format(actor=actor, fp=self.fp[:16])
        if stamp is None:
            return None  # a malformed time is named by the time check
        earliest, first, revocations = rule
        if time_us(stamp) < earliest:
            return M_NOT_YET_VALID.format(time=stamp, fp=self.fp[:16], actor=actor, serial=first["serial"],
                                          valid_from=first["valid_from"])
        for rev, carried in revocations:
            if seq > carried or stamp >= rev["revoked_at"]:  # one fixed-width form: text order is time order
                return M_CERT_REVOKED.format(actor=actor, serial=rev["serial"], fp=self.fp[:16],
                                             at=rev["revoked_at"], reason=rev["reason"])
        return None

    def rule(self, actor, key):
        """False for a key no certificate covers; else (earliest time in microseconds, its certificate, the
        revocations of the key's certificates)."""
        found = self.keys.get((actor, key)) if type(actor) is str and type(key) is str else None
        if not found:
            return False
        first = min(found, key=lambda c: c["valid_from"])
        serials = {c["serial"] for c in found}
        return (time_us(first["valid_from"]) - TIME_TOLERANCE_SECONDS * 1_000_000, first,
                [(rev, carried) for rev, carried in self.revoked.get(key, []) if rev["serial"] in serials])

    def run(self, chunks, leaves):
        found = list(self.problems)
        first_holds = True
        for n, (seq, size, root, label) in enumerate(self.checkpoints):
            if 32 * size <= len(leaves):
                actual = mth(leaf_hashes(leaves[:32 * size])).hex()
                if actual != root:
                    found.append((seq, None, f"{label} " + M_CHECKPOINT_ROOT.format(n=size, root=root, actual=actual),
                                  None))
                    first_holds = first_holds and n > 0
        if not self.enrolled or not first_holds:
            self.enrolled = False
            return [(None, None, M_NOT_ENROLLED.format(fp=self.fp), None),
                    *sorted(found, key=lambda p: p[0] or 0)]
        for c in chunks:
            for seq, stamp, actor, key, shown in zip(c["seqs"], c["times"], c["actors"], c["keys"], c["shown"],
                                                     strict=True):
                if seq <= self.vouched or seq in self.broken:
                    continue
                msg = self.entry_problem(seq, stamp, actor, key)
                if msg is not None:
                    found.append((seq, shown[0], msg, shown[1]))
        return sorted(found, key=lambda p: p[0] or 0)


# --- the whole file -----------------------------------------------------------------------------
def line_offsets(mm, start, count):
    """Byte offsets of the next ``count`` line starts after ``start``, plus the end of the last."""
    offsets = [start]
    pos = start
    for _ in range(count):
        nl = mm.find(b"\n", pos)
        if nl < 0:
            raise ExportError("the file ends in the middle of the entries: it is incomplete")
        pos = nl + 1
        offsets.append(pos)
    return offsets


def parse_pair(text, what):
    try:
        left, right = text.split(":", 1)
        return int(left), right.strip().lower()
    except ValueError:
        raise SystemExit(f"verify_custody.py: {what} must look like NUMBER:HEX") from None


def verify(path, workers=None, earlier=None, expect_head=None, unit_fingerprint=None, revocations=()):
    with open(path, "rb") as fh:
        try:
            mm = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
        except ValueError:
            raise ExportError("the file is empty") from None
    try:
        first_nl = mm.find(b"\n")
        header = quiet_loads(mm[:first_nl]) if first_nl > 0 else None
        if not isinstance(header, dict) or header.get("format") != FORMAT:
            raise ExportError(f"the first line does not announce a {FORMAT} file")
        tail_start = mm.rfind(b"\n", 0, len(mm) - 1) + 1
        trailer = quiet_loads(mm[tail_start:])
        if not isinstance(trailer, dict) or trailer.get("type") != "trailer":
            raise ExportError("the last line is not the trailer: the file is incomplete")
        n_entries, n_exhibits = trailer.get("entries"), trailer.get("exhibits")
        if type(n_entries) is not int or type(n_exhibits) is not int:
            raise ExportError("the trailer does not give the numbers of entries and exhibits")
        offsets = line_offsets(mm, first_nl + 1, n_entries)
        ex_offsets = line_offsets(mm, offsets[-1], n_exhibits)
        if ex_offsets[-1] != tail_start:
            raise ExportError("the numbers of lines do not match the trailer")
        exhibit_lines = [quiet_loads(mm[ex_offsets[i]:ex_offsets[i + 1]]) for i in range(n_exhibits)]
        if not all(isinstance(e, dict) and e.get("type") in ("exhibit", "withheld_exhibit") for e in exhibit_lines):
            raise ExportError("the exhibit lines are damaged")
        with memoryview(mm) as whole, whole[:tail_start] as lines:
            lines_sha256 = hashlib.sha256(lines).hexdigest()
    finally:
        mm.close()
    heads = trailer.get("outside_heads")
    wanted = {h.get("seq") for h in heads if isinstance(h, dict)} if isinstance(heads, list) else set()
    if expect_head is not None:
        wanted.add(expect_head[0])
    scope = header.get("scope")
    salt = header.get("case_salt")
    salt = bytes.fromhex(salt) if type(salt) is str and HEX64.match(salt) else None
    jobs = [(path, offsets[i], offsets[min(i + CHUNK, n_entries)], i, frozenset(wanted), scope, salt)
            for i in range(0, n_entries, CHUNK)]
    if not workers:
        workers = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    if n_entries >= PARALLEL_MIN and workers > 1 and len(jobs) > 1:
        with multiprocessing.get_context("spawn").Pool(workers) as pool:
            chunks = pool.map(check_lines, jobs)
    else:
        chunks = [check_lines(job) for job in jobs]
    return judge(header, trailer, chunks, exhibit_lines, earlier, expect_head, lines_sha256, unit_fingerprint,
                 revocations)


def judge(header, trailer, chunks, all_exhibit_lines, earlier, expect_head, lines_sha256, unit_fingerprint=None,
          revocations=()):
    ranked = []
    exhibit_lines = [e for e in all_exhibit_lines if e.get("type") == "exhibit"]
    withheld_lines = [e for e in all_exhibit_lines if e.get("type") == "withheld_exhibit"]

    def add(item):
        seq, rank, problem = item
        ranked.append((seq if seq is not None else 0, rank, len(ranked), problem))

    accounts = [a for c in chunks for a in c["accounts"]]

    def early(gseq):
        for c in chunks:
            for seq, actor in zip(c["seqs"], c["actors"], strict=True):
                if seq < gseq:
                    yield seq, actor

    keys, key_problems, _ = build_keys(accounts, early)
    for item in key_problems:
        add(item)
    acks = {}
    for c in chunks:
        for target, by, actor, reason in c["time_acks"]:
            acks.setdefault(target, (by, actor, reason))
    acknowledged = []
    last_seq = last_hash = last_version = None
    latest, latest_seq = None, 0
    signatures = 0
    entries = 0
    for c in chunks:
        if not c["count"]:
            continue
        first = c["seqs"][0]
        if last_seq is None:
            if first != 1:
                add((1, RANK_SEQUENCE, (1, None, M_NOT_FROM_ONE.format(n=first - 1), None)))
            elif c["first_prev"] != GENESIS_PREV:
                ex, cs = c["shown"][0]
                add((1, RANK_LINK, (1, ex, M_FIRST_LINK, cs)))
        else:
            if first != last_seq + 1:
                add(missing(last_seq + 1, first - 1))
            if c["first_prev"] != last_hash:
                ex, cs = c["shown"][0]
                add((first, RANK_LINK, (first, ex, M_LINK.format(p=last_seq), cs)))
            if c["first_version"] == 1 and last_version == 2:
                ex, cs = c["shown"][0]
                add((first, RANK_COMMIT, (first, ex, M_VERSION_BACK.format(p=last_seq), cs)))
        for item in c["problems"]:
            add(item)
        for seq, actor, key, ok, shown in zip(c["seqs"], c["actors"], c["keys"], c["sig_ok"], c["shown"], strict=True):
            registered = keys.key_for(actor, seq)
            ex, cs = shown
            if not registered or registered != key:
                revoked = keys.revoked_at(actor, key, seq)
                if revoked is not None:
                    msg = M_REVOKED.format(actor=actor, r=revoked)
                else:
                    msg = (M_NO_KEY if not registered else M_WRONG_KEY).format(actor=actor)
                add((seq, RANK_SIGNATURE, (seq, ex, msg, cs)))
            else:
                signatures += 1
                if not ok:
                    add((seq, RANK_SIGNATURE, (seq, ex, M_SIGNATURE.format(actor=actor), cs)))
        tol = TIME_TOLERANCE_SECONDS
        for seq, stamp, shown in zip(c["seqs"], c["times"], c["shown"], strict=True):
            if stamp is None:
                continue
            if seq in acks:  # its time was acknowledged as wrong: left out of the order check, and said
                by, actor, reason = acks[seq]
                acknowledged.append({"entry": seq, "time": stamp, "by": by, "actor": actor, "reason": reason})
                continue
            if latest is None or stamp > latest:
                latest, latest_seq = stamp, seq
            elif time_us(stamp) < time_us(latest) - tol * 1_000_000:
                msg = M_TIME_BACK.format(time=stamp, tol=tol, latest=latest, m=latest_seq)
                ex, cs = shown
                add((seq, RANK_TIME, (seq, ex, msg, cs)))
        entries += c["count"]
        last_seq, last_hash, last_version = c["seqs"][-1], c["last_hash"], c["last_version"]
    sens_problems, secret = withheld_problems(header, chunks, exhibit_lines, withheld_lines)
    for item in sens_problems:
        add(item)
    ranked.sort(key=lambda t: (t[0], t[1], t[2]))
    problems = [p for *_, p in ranked]

    # Heads recorded outside the database when the export was made (and any given on the command line).
    hashes = {}
    for c in chunks:
        for seq, h in c["hashes"].items():
            hashes.setdefault(seq, h)
    # The export itself: its signed last line, and the exported case's salt, which proves what is withheld.
    problems += export_problems(trailer, keys, last_seq or 0, lines_sha256)
    scope = header.get("scope")
    legacy_redacted = sum(c["legacy_redacted"] for c in chunks)
    if type(scope) is str:
        problems += salt_problems(header, scope, chunks)

    outside = trailer.get("outside_heads")
    outside = [h for h in outside if isinstance(h, dict)] if isinstance(outside, list) else []
    outside_problems = trailer.get("outside_head_problems")
    outside_problems = outside_problems if isinstance(outside_problems, list) else []
    if not outside and not outside_problems:
        problems.append((None, None, M_NO_OUTSIDE_HEAD, None))
    heads = [(h.get("source"), h.get("seq"), h.get("hash")) for h in outside]
    if expect_head is not None:
        heads.append(("head you gave", *expect_head))
    for source, seq, digest in heads:
        if type(seq) is not int:
            seq = 0
        if seq > (last_seq or 0):
            problems.append((seq, None, M_HEAD_AHEAD.format(source=source, seq=seq, last=last_seq or 0), None))
        elif hashes.get(seq) != digest:
            problems.append((seq, None, M_HEAD_DIFFERS.format(source=source, seq=seq), None))
    problems += [(None, None, str(msg), None) for msg in outside_problems]

    # Exhibits: the register against the log, the log against itself, every register field against the log
    # replayed, then the vault as CaseDesk found it.
    register = [(e.get("case"), e.get("exhibit"), e.get("register_sha256")) for e in exhibit_lines]
    logged = [item for c in chunks for item in c["logged"]]
    problems += exhibit_problems(register, logged)
    broken = {t[0] for t in ranked if t[0]}
    tainted = {(cs, ex) for c in chunks for seq, (ex, cs) in zip(c["seqs"], c["shown"], strict=True)
               if seq in broken and cs is not None and ex is not None}
    # Authority, replayed as casedesk verify replays it: an entry made without it is named and changes nothing.
    authority, flagged, judged, conflicts = authority_problems(chunks, broken, header.get("installation_id"))
    if header.get("scope"):
        conflicts = [c for c in conflicts if c["case"] == header.get("scope")]
    problems += authority
    problems += register_problems(exhibit_lines, [item for c in chunks for item in c["register"]],
                                  broken | flagged, tainted)
    for e in all_exhibit_lines:
        problems += [(None, e.get("exhibit"), msg, e.get("case")) for msg in e.get("vault_problems", [])]
    unit = None
    if unit_fingerprint is not None:
        check = UnitCheck(unit_fingerprint, [x for c in chunks for x in c["enrolments"]], broken, revocations)
        problems += check.run(chunks, b"".join(c["recorded"] for c in chunks))
        unit = {"fingerprint": unit_fingerprint, "name": check.unit_name, "enrolled": check.enrolled}

    # The Merkle tree: chunk roots where every chunk before the last is a full block.
    roots = [c.get("root") for c in chunks if c["count"]]
    blob = b"".join(c["leaves"] for c in chunks)
    if roots and all(r is not None for r in roots[:-1]):
        last = roots[-1] if roots[-1] is not None else mth(leaf_hashes(chunks[-1]["leaves"]))
        root = mth([*roots[:-1], last])
    else:
        root = mth(leaf_hashes(blob))
    if earlier is not None:
        size, want = earlier
        if size > entries:
            problems.append((None, None, M_EARLIER_SHORT.format(m=size, n=entries), None))
        elif mth(leaf_hashes(blob[:32 * size])).hex() != want:
            problems.append((None, None, M_EARLIER_ROOT.format(m=size), None))
    return {
        "ok": not problems,
        "problems": [{"seq": s, "exhibit": e, "case": c, "message": m} for s, e, m, c in problems],
        "entries": entries, "signatures": signatures, "exhibits": len(all_exhibit_lines),
        "redacted": trailer.get("redacted"), "legacy_redacted": legacy_redacted, "scope": header.get("scope"),
        "withheld": withheld_summary(secret, header.get("scope")),
        "head": {"seq": last_seq or 0, "hash": last_hash}, "tree": {"size": entries, "root": root.hex()},
        "exported_at": header.get("exported_at"), "exported_by": header.get("exported_by"),
        "time_acknowledged": acknowledged, "unit": unit,
        # Open custody conflicts (docs/sync-protocol.md, "Offline conflicts"): findings a supervisor resolves, not
        # problems of the log: they do not make "ok" false here (casedesk verify does not say OK while one is open).
        "conflicts": conflicts,
        "authority": {"judged": judged[FULL], "account_only": {"redacted": judged[REDACTED],
                                                                "withheld": judged[WITHHELD]}},
        "keys": [{"user": u, "public_key": k, "registered_at": a or 0}
                 for u, regs in keys.by_user.items() for a, k in regs],
    }


def withheld_summary(secret, scope):
    """How many entries were withheld as sensitive, per exhibit (``CASE REF`` for a whole-installation export)."""
    per = {}
    for cs, ex in secret.values():
        name = ex if scope is not None else f"{cs} {ex}"
        per[name] = per.get(name, 0) + 1
    return {"entries": len(secret), "exhibits": dict(sorted(per.items(), key=lambda kv: natural(kv[0])))}


def authority_text(result):
    """What the authority replay could judge: lines whose content the export withholds show only their signer."""
    a = result["authority"]
    said = (f"Authority: {a['judged']} {'entry' if a['judged'] == 1 else 'entries'} judged by the rules of who may "
            "do what")
    other, held = a["account_only"]["redacted"], a["account_only"]["withheld"]
    if other or held:
        parts = [f"{n} {what}" for n, what in ((other, "header-only lines of other cases"),
                                                (held, "lines withheld as sensitive")) if n]
        said += (f"; {' and '.join(parts)} only by their signer's account (it existed and was not disabled): "
                 "what they record is not in the file")
    return said


def withheld_text(result):
    """The plain words for what the file does not show, and why (printed whenever anything was withheld)."""
    w = result["withheld"]
    if not w["entries"]:
        return []
    n, k = w["entries"], len(w["exhibits"])
    parts = ", ".join(f"{ref} ({count})" for ref, count in w["exhibits"].items())
    return [
        f"Withheld as sensitive (MG6D): {n} {'entry' if n == 1 else 'entries'} of "
        f"{'exhibit' if k == 1 else 'exhibits'} {parts}, and {'its' if k == 1 else 'their'} register "
        f"{'line' if k == 1 else 'lines'}",
        "  Why: the exhibit is marked sensitive (MG6D material, not disclosed), so its name, description, hashes "
        "and movements are left out of this file.",
        "  Checked all the same: each withheld entry's hash, its link in the chain, its signature, its time and "
        "its case commitment. That these entries concern sensitive exhibits rests on the signature of "
        f"{result['exported_by']}, who made the export; an export made with --include-sensitive shows them in "
        "full and verifies to the same log head.",
    ]


def export_problems(trailer, keys, last_seq, lines_sha256):
    """The last line must be signed by the exporter's registered key, over the SHA-256 of the lines before it."""
    out = []
    user = trailer.get("signed_by")
    key = keys.key_for(user, last_seq + 1)
    if key is None:
        out.append((None, None, M_EXPORT_NO_KEY.format(user=user), None))
    else:
        body = {k: v for k, v in trailer.items() if k != "signature"}
        sig = trailer.get("signature")
        try:
            message = EXPORT_SIG_DOMAIN + hashlib.sha256(canonical_bytes(body)).digest()
        except (Unencodable, TypeError, ValueError):
            message = None
        ok = message is not None and type(sig) is str and HEX128.match(sig) is not None
        if ok:
            try:
                crypto_sign_open(bytes.fromhex(sig) + message, bytes.fromhex(key))
            except (BadSignatureError, CryptoError, ValueError):
                ok = False
        if not ok:
            out.append((None, None, M_EXPORT_SIGNATURE.format(user=user), None))
    if trailer.get("lines_sha256") != lines_sha256:
        out.append((None, None, M_LINES_CHANGED, None))
    return out


def salt_problems(header, scope, chunks):
    """The exported case's salt must be the one its case.created entry (or the log's upgrade entry) vouches for."""
    salt = header.get("case_salt")
    if type(salt) is not str or not HEX64.match(salt):
        return [(None, None, M_NO_SALT.format(case=scope), scope)]
    created = next((c["created"] for c in chunks if c["created"] is not None), None)
    if created is None:
        return [(None, None, M_NO_CREATED.format(case=scope), scope)]
    seq, version, recorded = created
    if version == 2:
        return [] if recorded == salt else [(seq, None, M_SALT_DIFFERS.format(case=scope), scope)]
    upgraded = next((c["upgraded"] for c in chunks if c["upgraded"] is not None), None)
    if upgraded is None:
        return [(None, None, M_NO_UPGRADE.format(case=scope), scope)]
    useq, legacy = upgraded
    try:
        vouched = hashlib.sha256(SALT_DOMAIN + bytes.fromhex(salt) + utf8(scope)).hexdigest()
    except Unencodable:
        vouched = None
    if not isinstance(legacy, dict) or type(legacy.get(vouched)) is not int:
        return [(useq, None, M_SALT_UNVOUCHED.format(case=scope), scope)]
    shown = sum(c["legacy_full"] for c in chunks)
    if shown != legacy[vouched]:
        return [(useq, None, M_LEGACY_WITHHELD.format(n=shown, m=legacy[vouched], case=scope), scope)]
    return []


def stamp_raw(rec):
    return rec.get("time")


def _text(value, default=""):
    return value if type(value) is str else default


def _opt(value):
    return value if type(value) is str else None


def replay(facts, ingest_seq, item):
    """What one exhibit entry does to the register, as casedesk verify replays it (custody/projection.py)."""
    seq, case, ref, action, to, location, reason, text, data, actor, time, tool = item
    key = (case, ref)
    if action == RECEIVED and key in facts:
        # The case came back: the exhibit keeps its ingest here, and takes the state the other installation's log
        # left it in (custody/projection.py).
        fact = facts[key]
        fact["custodian"], fact["custodian_is_user"] = _text(to, fact["custodian"]), data.get("to_is_user") is not False
        fact["location"], fact["sensitive"], fact["checked_out"] = _text(location), data.get("sensitive") is True, False
        if data.get("status") == "withdrawn":
            fact["status"], fact["withdrawn_reason"] = "withdrawn", _opt(data.get("withdrawn_reason"))
        return
    if action in ARRIVALS:
        # A received exhibit's producer here is its receiver (the giving installation's is in data.origin).
        producer = actor if action == RECEIVED else _text(data.get("producer"), _text(to, actor))
        size = data.get("size")
        facts[key] = {
            "producer": producer, "ingested_by": actor, "description": _text(text),
            "seized_from": _text(data.get("seized_from")), "seized_at": _opt(data.get("seized_at")),
            "seized_offset": _opt(data.get("seized_offset")), "seized_location": _text(data.get("seized_location")),
            "seal": _text(data.get("seal")), "original_name": _text(data.get("original_name")),
            "relative_path": _text(data.get("relative_path")), "size": size if isinstance(size, int) else -1,
            "mime_type": _text(data.get("mime")), "type_description": _text(data.get("type")),
            "type_warning": _opt(data.get("type_warning")), "md5": _opt(data.get("md5")),
            "sha1": _opt(data.get("sha1")), "ingested_at": time, "tool": tool,
            "sensitive": data.get("sensitive") is True, "status": "active", "withdrawn_reason": None,
            "custodian": _text(to, producer), "custodian_is_user": True, "location": _text(location),
            "checked_out": False,
        }
        if action == RECEIVED:
            facts[key]["custodian_is_user"] = data.get("to_is_user") is not False
            if data.get("status") == "withdrawn":
                facts[key]["status"], facts[key]["withdrawn_reason"] = "withdrawn", _opt(data.get("withdrawn_reason"))
        ingest_seq[key] = seq
        return
    fact = facts.get(key)
    if fact is None:
        return
    if action in MOVES or action == RESOLVED:
        if action == "exhibit.checked_out":
            fact["checked_out"] = True
        elif action in ("exhibit.returned", RESOLVED):
            fact["checked_out"] = False
        fact["custodian"] = _text(to, fact["custodian"])
        fact["custodian_is_user"] = data.get("to_is_user") is not False
        fact["location"] = _text(location, fact["location"])
    elif action == "exhibit.withdrawn":
        fact["status"], fact["withdrawn_reason"] = "withdrawn", _opt(reason)
    elif action == "exhibit.sensitivity_changed" and type(data.get("sensitive")) is bool:
        fact["sensitive"] = data["sensitive"]


def shown_value(value):
    """A value as casedesk verify names it: empty, 'text' (Python repr), or JSON; cut at 80 characters."""
    if value is None:
        return "empty"
    try:
        text = value if type(value) is str else json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        text = repr(value)
    if len(text) > 80:
        text = text[:77] + "..."
    return repr(text) if type(value) is str else text


def register_problems(exhibit_lines, entries, broken, tainted):
    """Every exhibit line against the case's entries replayed. ``broken``: entries with a problem of their own or
    made without authority (left out of the replay); ``tainted``: the (case, exhibit) named by entries with a
    problem of their own, which are not compared."""
    facts, ingest_seq = {}, {}
    for item in entries:
        if item[0] not in broken:
            replay(facts, ingest_seq, item)
    found, seen = [], set()
    for line in exhibit_lines:
        case, ref = line.get("case"), line.get("exhibit")
        seen.add((case, ref))
        if (case, ref) in tainted:
            continue
        fact = facts.get((case, ref))
        if fact is None:
            found.append((str(case), natural(ref), (None, ref, M_ROW_EXTRA, case)))
            continue
        for name in REGISTER_FIELDS:
            table, log = line.get(name), fact[name]
            if table != log:
                column = FIELD_NAMES.get(name, name.replace("_", " "))
                msg = M_COLUMN.format(column=column, table=shown_value(table), log=shown_value(log))
                found.append((str(case), natural(ref), (None, ref, msg, case)))
    for (case, ref), seq in ingest_seq.items():
        if (case, ref) not in seen and (case, ref) not in tainted:
            found.append((str(case), natural(ref), (seq, ref, M_ROW_MISSING.format(seq=seq), case)))
    found.sort(key=lambda t: (t[0], t[1]))
    return [p for *_, p in found]


def natural(ref):
    text = ref if isinstance(ref, str) else str(ref)
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", text))


def exhibit_problems(register, logged):
    ingest, found = {}, []
    for seq, case, ref, action, sha in logged:
        first = ingest.get((case, ref))
        if first is None:
            if action in ARRIVALS:
                ingest[(case, ref)] = (seq, sha)
            continue
        if sha != first[1]:
            found.append((case, ref, seq, (seq, ref, M_LOG_HASH.format(x=sha, log=first[1], seq=first[0]), case)))
    seen = set()
    for case, ref, sha in register:
        seen.add((case, ref))
        first = ingest.get((case, ref))
        if first is None:
            found.append((case, ref, 0, (None, ref, M_NO_INGEST, case)))
        elif sha != first[1]:
            msg = M_REGISTER_HASH.format(reg=sha, log=first[1], seq=first[0])
            found.append((case, ref, first[0], (first[0], ref, msg, case)))
    for (case, ref), (seq, _) in ingest.items():
        if (case, ref) not in seen:
            found.append((case, ref, seq, (seq, ref, M_NOT_IN_REGISTER.format(seq=seq), case)))
    found.sort(key=lambda t: (str(t[0]), natural(t[1]), t[2]))
    return [p for *_, p in found]


def describe(p):
    where = []
    if p["seq"] is not None:
        where.append(f"entry {p['seq']}")
    if p["exhibit"] is not None:
        where.append(f"exhibit {p['case'] + ' ' if p['case'] else ''}{p['exhibit']}")
    elif p["case"] is not None:
        where.append(f"case {p['case']}")
    return (", ".join(where) + ": " if where else "") + p["message"]


def main(argv=None):
    parser = argparse.ArgumentParser(description="Verify a CaseDesk custody log export without CaseDesk.")
    parser.add_argument("export", help="the .jsonl file written by `casedesk custody export`")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.add_argument("--earlier", metavar="SIZE:ROOT",
                        help="Merkle tree size and root from an earlier bundle or export: check the log only grew")
    parser.add_argument("--expect-head", metavar="SEQ:HASH", help="a log head from elsewhere (e.g. a bundle) to check")
    parser.add_argument("--workers", type=int, default=None, help="processes to use (default: every core)")
    parser.add_argument("--unit-fingerprint", metavar="FP",
                        help="the unit key's fingerprint (64 hex digits, as published by the force): accept the log "
                             "only if every key chains to it (docs/unit-trust.md)")
    parser.add_argument("--unit-revocations", metavar="FILE", action="append", default=[],
                        help="a revocation file of that unit (from `casedesk unit revoke`); may be repeated")
    args = parser.parse_args(argv)
    revocations = []
    for name in args.unit_revocations:
        try:
            with open(name, "rb") as fh:
                doc = loads(fh.read())
        except (OSError, ValueError) as exc:
            sys.stderr.write(f"verify_custody.py: {name}: cannot be read as JSON ({exc})\n")
            return 2
        if not isinstance(doc, dict) or doc.get("format") != "casedesk-enrolment-answer/1" \
                or not isinstance(doc.get("revocations"), list):
            sys.stderr.write(f"verify_custody.py: {name} is not a CaseDesk revocation file\n")
            return 2
        revocations += doc["revocations"]
    if revocations and args.unit_fingerprint is None:
        sys.stderr.write("verify_custody.py: --unit-revocations needs --unit-fingerprint\n")
        return 2
    fingerprint = None
    if args.unit_fingerprint is not None:
        fingerprint = re.sub(r"[\s:]+", "", args.unit_fingerprint).lower()
        if not HEX64.match(fingerprint):
            sys.stderr.write(f"verify_custody.py: {args.unit_fingerprint!r} is not a unit fingerprint "
                             "(64 hexadecimal digits)\n")
            return 2
    earlier = parse_pair(args.earlier, "--earlier") if args.earlier else None
    head = parse_pair(args.expect_head, "--expect-head") if args.expect_head else None
    try:
        result = verify(args.export, args.workers, earlier, head, fingerprint, revocations)
    except (OSError, ExportError, ValueError) as exc:
        sys.stderr.write(f"verify_custody.py: {args.export}: {exc}\n")
        return 2
    if args.json:
        print(json.dumps(result, indent=2, ensure_ascii=False))
        return 0 if result["ok"] else 1
    scope = f"case {result['scope']}" if result["scope"] else "the whole installation"
    print(f"CaseDesk custody export of {scope}, made {result['exported_at']} by {result['exported_by']}")
    held = len(result["withheld"]["exhibits"])
    print(f"Entries: {result['entries']} ({result['redacted']} of other cases, header only); "
          f"signatures checked: {result['signatures']}; exhibits: {result['exhibits']}"
          + (f" ({held} withheld as sensitive)" if held else ""))
    if result["legacy_redacted"]:
        print(f"Header-only lines written before case commitments (encoding version 1): {result['legacy_redacted']}; "
              "they are shown to be of other cases only by the count of the case's own version-1 entries")
    print(f"Log head: entry {result['head']['seq']}, hash {result['head']['hash']}")
    print(f"Merkle tree (RFC 6962): size {result['tree']['size']}, root {result['tree']['root']}")
    genesis = next((k for k in result["keys"] if k["registered_at"] == 0), None)
    if result["unit"] is not None:
        unit = result["unit"]
        said = f" ({unit['name']}): every key must chain to it" if unit["enrolled"] else ": the log is not enrolled"
        print(f"Unit key pinned: {unit['fingerprint']}{said}")
    elif genesis:
        print(f"Root of trust: {genesis['user']}'s key {genesis['public_key']} (registered at the log's start; "
              "give --unit-fingerprint to require the unit's)")
    print(authority_text(result))
    for line in withheld_text(result):
        print(line)
    for a in result["time_acknowledged"]:
        print(f"Acknowledged: entry {a['entry']}: its time {a['time']} was acknowledged as wrong by {a['actor']} "
              f"in entry {a['by']}: {a['reason']}")
    for c in result["conflicts"]:
        print(f"Open custody conflict: exhibit {c['case']} {c['exhibit']}: the installation's other copy moved it "
              f"(its entry {c['other_seq']}, recorded by entry {c['record']}); no supervisor has resolved it")
    if result["ok"]:
        print("OK: every check holds" + (f"; {len(result['conflicts'])} custody conflict(s) still open"
                                         if result["conflicts"] else ""))
        return 0
    n = len(result["problems"])
    print(f"FAILED: {n} problem{'s' if n != 1 else ''}")
    for p in result["problems"]:
        print(f"  {describe(p)}")
    return 1


if __name__ == "__main__":
    sys.exit(main())
