"""The register as the signed log says it is: replay of custody entries into state, with authority.

The custody log is the record; the tables (users, cases, members, exhibits,
notes, settings) are a projection of it. ``Projection.apply`` is the one
place that says what an entry does to that state. Replaying the whole log
through it gives the register a court may rely on; ``compare`` (in
``casedesk.custody.register``) names every row and column of the tables that
differs from it.

Replay also derives, at every entry, who held which role, who was a member of
which case, who held each exhibit and whether an account was disabled, and
flags every entry its signer had no right to make (``casedesk.security.roles
.ACTION_RULES``: the same table the service layer enforces when it writes).
A flagged entry stays in the log (nothing is ever removed) but changes
nothing: a review by a detective is no review, a transfer by someone who did
not hold the exhibit moves nothing.

Entries written before the upgrade that made the log the record carry less
(a summary edit records only the summary's SHA-256): the projection keeps
what they carry and the comparison checks what it can (the hash).

Imports nothing heavy: runs in ``verify`` and at sign-in.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from casedesk.custody import conflicts, encoding, statement
from casedesk.custody.chain import ACCOUNT_ACTIONS as ADMIN_ACTIONS
from casedesk.custody.chain import Problem
from casedesk.security.roles import ACTION_RULES, ADMIN, DEMOTED, ENABLED, PROMOTED_ROLES, Scope, authority_problem


@dataclass
class UserFact:
    username: str
    full_name: str
    initials: str
    role: str
    disabled: bool = False
    created_at: str = ""
    disabled_at: int = 0  # the entry that disabled the account (0: never, or enabled again)


@dataclass
class CaseFact:
    reference: str
    title: str
    offences: list[str]
    officer_in_charge: str
    created_by: str
    created_at: str
    status: str = "open"
    closed_at: str | None = None
    closed_by: str | None = None
    members: dict[str, str] = field(default_factory=dict)  # user -> time added
    summary: str | None = ""  # None: only the hash is known (an entry from before the upgrade)
    salt: str | None = None  # the case commitment salt its case.created disclosed (None: a case from before v2)
    summary_sha256: str = hashlib.sha256(b"").hexdigest()
    # Where the case was created, across installations: (installation id, entry number of its case.created, salt).
    # None for a case created in this log (its identity is this installation, that entry and ``salt``).
    origin: tuple[str, int, str] | None = None
    handed_to: tuple[str, str] | None = None  # (installation, user) the case was handed over to (status handed_over)


@dataclass
class ExhibitFact:
    case: str
    reference: str
    description: str
    producer: str
    sha256: str
    size: int
    mime_type: str
    type_description: str
    type_warning: str | None
    original_name: str
    relative_path: str
    seized_from: str
    seized_at: str | None
    seized_offset: str | None
    seized_location: str
    seal: str
    md5: str | None
    sha1: str | None
    ingested_by: str
    ingested_at: str
    tool: str
    duplicate_of: str | None
    sensitive: bool
    custodian: str
    custodian_is_user: bool = True
    location: str = ""
    checked_out: bool = False
    status: str = "active"
    withdrawn_reason: str | None = None
    returns_to: tuple[str, bool, str] | None = None  # custodian, is a user, location to return to


@dataclass
class NoteFact:
    seq: int
    case: str
    exhibit: str | None
    author: str
    created_at: str
    text: str


# The columns ``Entry`` reads, in ``from_replay_row``'s order: a replay reads these alone (the chain check reads the
# rest), about half the text of a row.
REPLAY_COLUMNS: tuple[str, ...] = ("seq", "timestamp", "actor", "action", "case_ref", "exhibit_ref", "reason",
                                   "location", "from_party", "to_party", "sha256", "tool", "text", "data")


@dataclass
class GrantFact:
    box_key: str  # hex
    sealed: str  # base64, as the entry carries it
    seq: int


class Entry:
    """The fields of one custody entry that replay reads; ``data`` parsed on first use (most entries never need it)."""

    __slots__ = ("_data", "_raw", "action", "actor", "case", "exhibit", "from_party", "location", "reason", "seq",
                 "sha256", "text", "time", "to_party", "tool")

    def __init__(self, seq: int, time: str, actor: str, action: str, case: str | None, exhibit: str | None,
                 reason: str | None, location: str | None, from_party: str | None, to_party: str | None,
                 sha256: str | None, tool: str, text: str | None, data: dict[str, Any] | str) -> None:
        self.seq, self.time, self.actor, self.action = seq, time, actor, action
        self.case, self.exhibit, self.reason, self.location = case, exhibit, reason, location
        self.from_party, self.to_party, self.sha256, self.tool, self.text = from_party, to_party, sha256, tool, text
        self._data: dict[str, Any] | None = data if isinstance(data, dict) else None
        self._raw = data if isinstance(data, str) else "{}"

    @property
    def data(self) -> dict[str, Any]:
        if self._data is None:
            try:
                self._data = encoding.parse_data(self._raw) if self._raw.__class__ is str else {}
            except encoding.EncodingError:
                self._data = {}
        return self._data

    @classmethod
    def from_replay_row(cls, row: Sequence[Any]) -> Entry:
        """From a row of ``REPLAY_COLUMNS`` (what replay reads: no hashes, links, keys or signatures)."""
        return cls(row[0], row[1], row[2], row[3], row[4], row[5], row[6], row[7], row[8], row[9],
                   row[10], row[11], row[12], row[13] if row[13].__class__ is str else "{}")

    @classmethod
    def from_row(cls, row: Sequence[Any]) -> Entry:
        """From a raw row in ``encoding.ROW_COLUMNS`` order."""
        return cls(row[0], row[2], row[5], row[7], row[8], row[9], row[10], row[11], row[12], row[13],
                   row[14], row[15], row[16], row[17] if row[17].__class__ is str else "{}")


def _text(value: Any, default: str = "") -> str:
    return value if isinstance(value, str) else default


def _opt(value: Any) -> str | None:
    return value if isinstance(value, str) else None


class Projection:
    """State replayed from the log, entry by entry, with the authority of each signer checked.

    ``entry_of``: (recorded hash, case) of entry ``n`` (None: no such entry), for the one rule that needs an entry's
    hash (a remote review names the hash of the entry it reviews up to); replay reads no hashes itself, and a
    replay of only the entries that change the register (the sign-in check) does not see the entry named.
    """

    def __init__(self, entry_of: Callable[[int], tuple[str | None, str | None] | None] | None = None) -> None:
        self.entry_of = entry_of
        self.installation_id: str | None = None  # the first installation.initialised entry's
        self.unit_keys: set[str] = set()  # cosigner keys of the unit.checkpoint_cosigned entries so far
        self._seq = 0  # the entry being judged
        self.users: dict[str, UserFact] = {}
        self.cases: dict[str, CaseFact] = {}
        self.exhibits: dict[tuple[str, str], ExhibitFact] = {}
        self.notes: dict[int, NoteFact] = {}
        self.ingest_seq: dict[tuple[str, str], int] = {}
        # The last entry that changed each exhibit (ingest, move, withdrawal, sensitivity, conflict resolution).
        self.changed: dict[tuple[str, str], int] = {}
        # Offline conflicts: the fork records and their resolutions (``casedesk.custody.conflicts``).
        self.conflicts = conflicts.ConflictBook()
        self.settings: dict[str, Any] = {}
        self.problems: list[Problem] = []
        self.flagged: set[int] = set()
        self.reviews: dict[str, list[tuple[int, dict[str, Any]]]] = {}  # case -> valid review entries
        self.actions: dict[int, tuple[str, str | None]] = {}  # seq -> (actor, case) of every entry
        # What broken entries (reported by the chain check) were about: rows the comparison leaves alone, since
        # their entry is already named and the register cannot be derived past it.
        self.tainted: set[tuple[Any, ...]] = set()
        # Salts of cases created before encoding version 2, as the first custody.encoding_upgraded names them.
        self.legacy_salts: frozenset[str] | None = None
        # installation.enrolled entries made with authority (docs/unit-trust.md): the unit's certificates.
        self.enrolments: list[int] = []
        # Authority answers for rules that depend only on (action, actor, case) and the state (see _MEMO_ACTIONS),
        # valid until the next entry that changes the state: most of a large log is views, exports and checks.
        self._authority: dict[tuple[Any, Any, Any], str | None] = {}
        # Key material: each user's box keys in the order the log registered them (hex; the last is current),
        # each case's key epochs (epoch -> (creator, reason, entry)) and
        # grants ((case, epoch, user) -> the latest grant: a password reset seals the epoch again to the new key).
        self.box_keys: dict[str, list[str]] = {}
        self.epochs: dict[str, dict[int, tuple[str, str, int]]] = {}
        self.grants: dict[tuple[str, int, str], GrantFact] = {}
        # Legacy vault objects re-encrypted under a case key (``vault.object_reencrypted``):
        # (case, content sha256) -> (new object name, epoch, entry).
        self.reencrypted: dict[tuple[str, str], tuple[str, int, int]] = {}
        # Password resets by an administrator awaiting a second person's confirmation (see ``note_reset``).
        self.resets: dict[str, tuple[str, str | None]] = {}
        # Accounts awaiting a second administrator's confirmation: user -> the administrator who created it. The
        # rule is in force from the first account.created that states how it was applied (``data.confirmation``).
        self.creations: dict[str, str] = {}
        self.creation_rule = False
        # Promotions awaiting a second administrator's confirmation: user -> (the administrator who made it, the new
        # role or ``ENABLED``); the account keeps its old role (or stays disabled) until then. Under the same rule,
        # which is in force from the first account entry that states how it was applied (``data.confirmation``).
        self.promotions: dict[str, tuple[str, str]] = {}

    def skip(self, e: Entry) -> None:
        """Leave out an entry the chain check found broken (hash, link, signature): it proves nothing."""
        self.actions[e.seq] = (e.actor, e.case)
        if isinstance(e.case, str):
            self.tainted.add(("case", e.case) if e.exhibit is None else ("exhibit", e.case, e.exhibit))
            if e.action == "note.added":
                self.tainted.add(("note", e.seq))
        else:
            user = e.data.get("user")
            self.tainted.add(("user", user) if isinstance(user, str) else ("settings",))

    # --- Facts (what the authority rules ask) -----------------------------------
    def role(self, user: str) -> str | None:
        fact = self.users.get(user)
        return None if fact is None else fact.role

    def disabled(self, user: str) -> bool:
        fact = self.users.get(user)
        return fact is not None and fact.disabled

    def case_exists(self, case: str) -> bool:
        return case in self.cases

    def case_open(self, case: str) -> bool:
        fact = self.cases.get(case)
        return fact is not None and fact.status == "open"

    def case_handed_over(self, case: str) -> bool:
        fact = self.cases.get(case)
        return fact is not None and fact.status == "handed_over"

    def is_member(self, case: str, user: str) -> bool:
        fact = self.cases.get(case)
        return fact is not None and (user in fact.members or fact.officer_in_charge == user)

    def is_officer_in_charge(self, case: str, user: str) -> bool:
        fact = self.cases.get(case)
        return fact is not None and fact.officer_in_charge == user

    def custodian(self, case: str, exhibit: str) -> tuple[str, bool] | None:
        fact = self.exhibits.get((case, exhibit))
        return None if fact is None else (fact.custodian, fact.custodian_is_user)

    def returns_to(self, case: str, exhibit: str) -> str | None:
        fact = self.exhibits.get((case, exhibit))
        return None if fact is None or fact.returns_to is None or not fact.returns_to[1] else fact.returns_to[0]

    def author_of(self, seq: int) -> tuple[str, str | None] | None:
        return self.actions.get(seq)

    def box_key(self, user: str) -> str | None:
        keys = self.box_keys.get(user)
        return keys[-1] if keys else None

    def reset_pending(self, user: str) -> tuple[str, str | None] | None:
        return self.resets.get(user)

    def creation_pending(self, user: str) -> str | None:
        return self.creations.get(user)

    def promotion_pending(self, user: str) -> tuple[str, str] | None:
        return self.promotions.get(user)
    def remote_review(self, entry: Any) -> str | None:
        def entry_of(n: int) -> tuple[str | None, Any] | None:
            return self.entry_of(n) if 0 < n < self._seq and self.entry_of is not None else None

        return statement.problem(entry.data, getattr(entry, "text", None), entry.case, self.installation_id,
                                 self.unit_keys, entry_of)

    def confirmed_admins(self, besides: str | None = None) -> int:
        """Administrators whose accounts are active and confirmed, ``besides`` left out (the account a change is
        about): two or more, and a new account, a promotion or a re-enabling needs a second one's confirmation."""
        return len(self.confirmed_admin_names(besides))

    def confirmed_admin_names(self, besides: str | None = None) -> list[str]:
        return sorted(name for name, f in self.users.items()
                      if f.role == "admin" and not f.disabled and name not in self.creations and name != besides)

    # --- replay -------------------------------------------------------------------
    def apply(self, e: Entry) -> str | None:
        """What entry ``e`` does to the register, if its signer had the right to do it; why not, if they had not
        (the entry then changes nothing), else None."""
        self.actions[e.seq] = (e.actor, e.case)
        self._seq = e.seq
        if e.action == "installation.initialised" and self.installation_id is None and e.case is None:
            found = e.data.get("installation_id")
            self.installation_id = found if isinstance(found, str) else None
        if not self.users:
            # The genesis: the first administrator creates the installation and their own account (the chain
            # check reports anyone else writing before the first key registration).
            if e.action == "account.created" and e.data.get("user") == e.actor:
                self._apply_account(e)
            return None
        action = e.action
        if action in _MEMO_ACTIONS:
            key = (action, e.actor, e.case)
            memo = self._authority
            if key in memo:
                message = memo[key]
            else:
                message = memo[key] = authority_problem(action, e, self)
        else:
            message = authority_problem(action, e, self)
        if message is not None:
            self.flagged.add(e.seq)
            if not named_by_key_check(e.action, e.case, message):
                exhibit = e.exhibit if isinstance(e.exhibit, str) else None
                self.problems.append(Problem(e.seq, exhibit, message, e.case if isinstance(e.case, str) else None))
            return message
        handler = _HANDLERS.get(e.action)
        if handler is not None:
            self._authority.clear()  # the facts the answers were drawn from may change now
            handler(self, e)
        return None

    def apply_row(self, row: Sequence[Any]) -> None:
        """``apply`` of a row of ``REPLAY_COLUMNS``; an entry that changes nothing and whose signer's authority is
        already known to hold (a view, an export, a check: most of a large log) costs no ``Entry``."""
        if not self.apply_known(row[0], row[3], row[2], row[4]):
            self.apply(Entry.from_replay_row(row))

    def apply_known(self, seq: int, action: Any, actor: Any, case: Any) -> bool:
        """``apply`` of an entry known only by its action, actor and case, when that is all it takes (it changes
        nothing and its signer's authority is already known to hold); False: the whole entry is needed."""
        if action in _MEMO_ACTIONS and action not in _HANDLERS and self.users \
                and self._authority.get((action, actor, case), "") is None:
            self.actions[seq] = (actor, case)
            return True
        return False

    def _apply_account(self, e: Entry) -> None:
        d = e.data
        user = d.get("user")
        if not isinstance(user, str) or e.case is not None:
            return  # an account entry counts only without a case: a case's export shows it header-only
        action = e.action
        if "confirmation" in d and action in _RULE_MARKS:
            self.creation_rule = True  # the two-person rules are in force from here on
        if action == "account.created":
            if self.creation_rule and self.confirmed_admins(user) >= 2:
                self.creations[user] = e.actor
            else:
                self.creations.pop(user, None)
            self.promotions.pop(user, None)
            self.users[user] = UserFact(user, _text(d.get("full_name"), user), _text(d.get("initials")),
                                        _text(d.get("role")), created_at=e.time)
            return
        fact = self.users.get(user)
        if fact is None:
            return
        if action == "account.role_changed":
            to = _text(d.get("to"), fact.role)
            self.promotions.pop(user, None)  # a later change replaces one awaiting confirmation
            if to != fact.role and to in PROMOTED_ROLES and self.creation_rule and self.confirmed_admins(user) >= 2:
                self.promotions[user] = (e.actor, to)
                if fact.role == ADMIN:
                    fact.role = DEMOTED  # an administrator made supervisor: the administrator role ends at once
            else:
                fact.role = to
        elif action == "account.disabled":
            fact.disabled, fact.disabled_at = True, e.seq
            self.promotions.pop(user, None)
        elif action == "account.enabled":
            self.promotions.pop(user, None)
            if fact.disabled and self.creation_rule and self.confirmed_admins(user) >= 2:
                self.promotions[user] = (e.actor, ENABLED)
            else:
                fact.disabled, fact.disabled_at = False, 0
        elif action == "account.details_changed":
            fact.full_name = _text(d.get("full_name"), fact.full_name)
            fact.initials = _text(d.get("initials"), fact.initials)

    def _case_created(self, e: Entry) -> None:
        d = e.data
        offences = [o for o in d.get("offences", []) if isinstance(o, str)] if isinstance(d.get("offences"), list) \
            else []
        oic = _text(d.get("officer_in_charge"), _text(e.to_party, e.actor))
        fact = CaseFact(_text(e.case), _text(d.get("title")), offences, oic, e.actor, e.time,
                        salt=_opt(d.get("case_salt")))
        fact.members[e.actor] = e.time
        fact.members.setdefault(oic, e.time)
        self.cases[fact.reference] = fact

    def _member_added(self, e: Entry) -> None:
        fact = self.cases.get(_text(e.case))
        user = e.data.get("user")
        if fact is not None and isinstance(user, str):
            fact.members.setdefault(user, e.time)

    def _member_removed(self, e: Entry) -> None:
        fact = self.cases.get(_text(e.case))
        user = e.data.get("user")
        if fact is not None and isinstance(user, str):
            fact.members.pop(user, None)

    def _summary(self, e: Entry) -> None:
        fact = self.cases.get(_text(e.case))
        if fact is None:
            return
        if isinstance(e.text, str) and "summary_sha256" not in e.data:
            # Under case keys the entry's text is the summary encrypted for the case's key holders, the very
            # string of the cases.summary column (docs/keyslots.md, "Encrypted text"): compared as it is.
            fact.summary = e.text
            fact.summary_sha256 = hashlib.sha256(fact.summary.encode("utf-8")).hexdigest()
        elif "summary" in e.data and isinstance(e.data["summary"], str):
            fact.summary = e.data["summary"]
            fact.summary_sha256 = hashlib.sha256(fact.summary.encode("utf-8")).hexdigest()
        else:  # written before the upgrade: only the hash
            fact.summary = None
            fact.summary_sha256 = _text(e.data.get("summary_sha256"))

    def _summary_reencrypted(self, e: Entry) -> None:
        """A summary from before case keys, sealed under the case key by a key holder: the entry's text (the same
        ciphertext as the table's) replaces it only if it names the summary the log holds (``data.summary_sha256``,
        the SHA-256 of the text in the clear, as the earlier entries record it) and that summary is still the
        legacy one; else nothing changes, and the comparison names the table's summary."""
        fact = self.cases.get(_text(e.case))
        if fact is None or not isinstance(e.text, str) or not e.text.startswith("cdx1."):
            return
        if fact.summary is not None and fact.summary.startswith("cdx1."):
            return
        if e.data.get("summary_sha256") != fact.summary_sha256:
            return
        fact.summary = e.text
        fact.summary_sha256 = hashlib.sha256(fact.summary.encode("utf-8")).hexdigest()

    def _closed(self, e: Entry) -> None:
        fact = self.cases.get(_text(e.case))
        if fact is not None:
            fact.status, fact.closed_at, fact.closed_by = "closed", e.time, e.actor

    def _reopened(self, e: Entry) -> None:
        fact = self.cases.get(_text(e.case))
        if fact is not None:
            fact.status, fact.closed_at, fact.closed_by = "open", None, None

    def _note(self, e: Entry) -> None:
        self.notes[e.seq] = NoteFact(e.seq, _text(e.case), _opt(e.exhibit), e.actor, e.time, _text(e.text))

    def _ingested(self, e: Entry) -> None:
        d = e.data
        # A received exhibit's producer on this installation is its receiver: the accounts of the installation it
        # came from are not this log's (their names are in data.origin).
        received = e.action == "exhibit.received"
        held = self.exhibits.get((_text(e.case), _text(e.exhibit))) if received else None
        if held is not None:
            # The case came back (handed over and received again): the exhibit this log already holds keeps its
            # ingest; the entry gives its state as the other installation's log left it.
            held.custodian, held.custodian_is_user = _text(e.to_party, held.custodian), d.get("to_is_user") is not False
            held.location, held.sensitive = _text(e.location), d.get("sensitive") is True
            held.checked_out, held.returns_to = False, None
            if d.get("status") == "withdrawn":
                held.status, held.withdrawn_reason = "withdrawn", _opt(d.get("withdrawn_reason"))
            return
        producer = e.actor if received else _text(d.get("producer"), _text(e.to_party, e.actor))
        size = d.get("size")
        fact = ExhibitFact(
            case=_text(e.case), reference=_text(e.exhibit), description=_text(e.text), producer=producer,
            sha256=_text(e.sha256), size=size if isinstance(size, int) else -1,
            mime_type=_text(d.get("mime")), type_description=_text(d.get("type")),
            type_warning=_opt(d.get("type_warning")), original_name=_text(d.get("original_name")),
            relative_path=_text(d.get("relative_path")), seized_from=_text(d.get("seized_from")),
            seized_at=_opt(d.get("seized_at")), seized_offset=_opt(d.get("seized_offset")),
            seized_location=_text(d.get("seized_location")), seal=_text(d.get("seal")),
            md5=_opt(d.get("md5")), sha1=_opt(d.get("sha1")), ingested_by=e.actor, ingested_at=e.time,
            tool=e.tool, duplicate_of=_opt(d.get("duplicate_of")), sensitive=d.get("sensitive") is True,
            custodian=_text(e.to_party, producer), location=_text(e.location),
        )
        if received:
            fact.custodian_is_user = d.get("to_is_user") is not False
            if d.get("status") == "withdrawn":
                fact.status, fact.withdrawn_reason = "withdrawn", _opt(d.get("withdrawn_reason"))
        self.exhibits[(fact.case, fact.reference)] = fact
        self.ingest_seq[(fact.case, fact.reference)] = e.seq
        self.changed[(fact.case, fact.reference)] = e.seq

    def _handed_over(self, e: Entry) -> None:
        fact = self.cases.get(_text(e.case))
        if fact is not None:
            fact.status = "handed_over"
            fact.handed_to = (_text(e.data.get("to_installation")), _text(e.data.get("to_user")))

    def _received(self, e: Entry) -> None:
        """A case handed over from another installation (docs/sync-protocol.md, "Handing a case over"): created here
        by its receiver, who is its officer in charge and holds its keys, sealed to them by the hand-over."""
        case = _text(e.case)
        d = e.data
        raw = d.get("identity")
        ident: dict[str, Any] = raw if isinstance(raw, dict) else {}
        seq = ident.get("seq")
        origin = (_text(ident.get("installation")), seq if isinstance(seq, int) else 0, _text(ident.get("salt")))
        offences = [o for o in d.get("offences", []) if isinstance(o, str)] if isinstance(d.get("offences"), list) \
            else []
        summary = d.get("summary")
        fact = self.cases.get(case)
        if fact is not None:
            # A reference this log already holds is never taken for another installation's case, unless it is
            # this very case coming back: handed over from here, and the identity the entry names is its own.
            mine = (fact.origin[0], fact.origin[2]) if fact.origin is not None else (self.installation_id, fact.salt)
            if fact.status != "handed_over" or mine != (origin[0], origin[2]):
                return
            fact.status, fact.handed_to, fact.officer_in_charge = "open", None, e.actor
            fact.title, fact.offences = _text(d.get("title"), fact.title), offences
        else:
            fact = CaseFact(case, _text(d.get("title")), offences, e.actor, e.actor, e.time,
                            salt=_opt(d.get("case_salt")))
            fact.origin = origin
            self.cases[case] = fact
        fact.summary = summary if isinstance(summary, str) else ""
        fact.summary_sha256 = hashlib.sha256(fact.summary.encode("utf-8")).hexdigest()
        fact.members.setdefault(e.actor, e.time)
        reason = f"received from installation {origin[0]}"
        for item in d.get("keys", []) if isinstance(d.get("keys"), list) else []:
            epoch = item.get("epoch") if isinstance(item, dict) else None
            if isinstance(epoch, int) and not isinstance(epoch, bool):
                self.epochs.setdefault(case, {}).setdefault(epoch, (e.actor, reason, e.seq))  # kept if held here
                self.grants[(case, epoch, e.actor)] = GrantFact(_text(item.get("box_key")), _text(item.get("sealed")),
                                                                e.seq)

    def _moved(self, e: Entry) -> None:
        fact = self.exhibits.get((_text(e.case), _text(e.exhibit)))
        if fact is None:
            return
        d = e.data
        if e.action == "exhibit.checked_out":
            fact.returns_to = (fact.custodian, fact.custodian_is_user, fact.location)
            fact.checked_out = True
        elif e.action == "exhibit.returned":
            fact.checked_out = False
            fact.returns_to = None
        fact.custodian = _text(e.to_party, fact.custodian)
        fact.custodian_is_user = d.get("to_is_user") is not False
        fact.location = _text(e.location, fact.location)
        self.changed[(fact.case, fact.reference)] = e.seq

    def _withdrawn(self, e: Entry) -> None:
        fact = self.exhibits.get((_text(e.case), _text(e.exhibit)))
        if fact is not None:
            fact.status, fact.withdrawn_reason = "withdrawn", _opt(e.reason)
            self.changed[(fact.case, fact.reference)] = e.seq

    def _sensitivity(self, e: Entry) -> None:
        fact = self.exhibits.get((_text(e.case), _text(e.exhibit)))
        if fact is not None and isinstance(e.data.get("sensitive"), bool):
            fact.sensitive = e.data["sensitive"]
            self.changed[(fact.case, fact.reference)] = e.seq

    def _fork_recorded(self, e: Entry) -> None:
        """The entries of the installation's other copy (a fork of this log the unit kept): every exhibit they changed
        gets an open custody conflict (``casedesk.custody.conflicts``). The record says what this log held of each
        exhibit; replay holds it to that, so a record cannot misstate this log's side."""
        if e.case is not None:
            return
        items = e.data.get("conflicts")
        for message in self.conflicts.record(e.seq, e.time, e.action, e.actor, e.data):
            self.problems.append(Problem(e.seq, None, message))
        for item in items if isinstance(items, list) else []:
            if not isinstance(item, dict) or not isinstance(item.get("case"), str):
                continue
            key = (item["case"], _text(item.get("exhibit")))
            fact = self.exhibits.get(key)
            actual = None if fact is None else {"seq": self.changed.get(key), **conflicts.state_of(fact)}
            claimed = item.get("here")
            if claimed != actual and not (isinstance(claimed, dict) and actual is not None
                                          and {k: claimed.get(k) for k in actual} == actual):
                self.problems.append(Problem(e.seq, key[1], conflicts.MSG_RECORD_HERE.format(
                    action=e.action, actor=e.actor, exhibit=key[1], case=key[0],
                    claimed=conflicts.shown(claimed if isinstance(claimed, dict) else None),
                    actual=conflicts.shown(actual)), key[0]))

    def _conflict_resolved(self, e: Entry) -> None:
        """A supervisor's resolution (authority checked before): closes the conflict it names and sets the exhibit's
        custodian and location to the state that holds; one that names no open conflict changes nothing."""
        why = self.conflicts.resolve(e.seq, e.action, e.actor, e.case, e.exhibit, e.data)
        if why is not None:
            self.flagged.add(e.seq)
            self.problems.append(Problem(e.seq, _opt(e.exhibit), why, _opt(e.case)))
            return
        fact = self.exhibits.get((_text(e.case), _text(e.exhibit)))
        if fact is None:
            return  # an exhibit only the other copy holds: the resolution closes the conflict and adds nothing
        fact.custodian = _text(e.to_party, fact.custodian)
        fact.custodian_is_user = e.data.get("to_is_user") is not False
        fact.location = _text(e.location, fact.location)
        fact.checked_out, fact.returns_to = False, None
        self.changed[(fact.case, fact.reference)] = e.seq

    def _setting(self, e: Entry) -> None:
        key = e.data.get("key")
        if isinstance(key, str):
            self.settings[key] = e.data.get("to")

    def _box_key(self, e: Entry) -> None:
        if e.case is not None:
            return
        user, box = e.data.get("user"), e.data.get("box_key")
        if isinstance(user, str) and isinstance(box, str) and user in self.users:
            self.box_keys.setdefault(user, []).append(box)  # one from before case keys carries none: no change
        note_reset(self.resets, e.action, e.actor, e.data)

    def _creation_confirmed(self, e: Entry) -> None:
        user = e.data.get("user")
        if e.case is None and isinstance(user, str):
            self.creations.pop(user, None)

    def _promotion_confirmed(self, e: Entry) -> None:
        user = e.data.get("user")
        pending = self.promotions.pop(user, None) if e.case is None and isinstance(user, str) else None
        fact = self.users.get(user) if isinstance(user, str) else None
        if pending is None or fact is None:
            return
        if pending[1] == ENABLED:
            fact.disabled, fact.disabled_at = False, 0
        else:
            fact.role = pending[1]

    def _reset(self, e: Entry) -> None:
        if e.case is None:
            note_reset(self.resets, e.action, e.actor, e.data)

    def _epoch(self, e: Entry) -> None:
        epoch = e.data.get("epoch")
        if isinstance(e.case, str) and isinstance(epoch, int) and not isinstance(epoch, bool):
            self.epochs.setdefault(e.case, {})[epoch] = (e.actor, _text(e.data.get("reason")), e.seq)

    def _granted(self, e: Entry) -> None:
        d = e.data
        user, epoch = d.get("user"), d.get("epoch")
        if isinstance(e.case, str) and isinstance(user, str) and isinstance(epoch, int) and not isinstance(epoch, bool):
            self.grants[(e.case, epoch, user)] = GrantFact(_text(d.get("box_key")), _text(d.get("sealed")), e.seq)

    def _reencrypted(self, e: Entry) -> None:
        new, epoch = e.data.get("new_object"), e.data.get("epoch")
        if (isinstance(e.case, str) and isinstance(e.sha256, str) and isinstance(new, str)
                and isinstance(epoch, int) and not isinstance(epoch, bool)):
            self.reencrypted[(e.case, e.sha256)] = (new, epoch, e.seq)

    def _encoding_upgraded(self, e: Entry) -> None:
        legacy = e.data.get("legacy_cases")
        if self.legacy_salts is None and e.case is None and isinstance(legacy, dict):
            self.legacy_salts = frozenset(k for k in legacy if isinstance(k, str))

    def _enrolled(self, e: Entry) -> None:
        if e.case is None:
            self.enrolments.append(e.seq)

    def _review(self, e: Entry) -> None:
        if e.case is not None:
            self.reviews.setdefault(e.case, []).append((e.seq, e.data))

    def _cosigned(self, e: Entry) -> None:
        key = e.data.get("unit_key")
        if e.case is None and isinstance(key, str):
            self.unit_keys.add(key)


_HANDLERS = {
    "account.created": Projection._apply_account,
    "account.role_changed": Projection._apply_account,
    "account.disabled": Projection._apply_account,
    "account.enabled": Projection._apply_account,
    "account.details_changed": Projection._apply_account,
    "case.created": Projection._case_created,
    "case.member_added": Projection._member_added,
    "case.member_removed": Projection._member_removed,
    "case.summary_edited": Projection._summary,
    "case.summary_reencrypted": Projection._summary_reencrypted,
    "case.closed": Projection._closed,
    "case.reopened": Projection._reopened,
    "note.added": Projection._note,
    "exhibit.ingested": Projection._ingested,
    "exhibit.received": Projection._ingested,
    "case.handed_over": Projection._handed_over,
    "case.received": Projection._received,
    "exhibit.transferred": Projection._moved,
    "exhibit.checked_out": Projection._moved,
    "exhibit.returned": Projection._moved,
    "exhibit.withdrawn": Projection._withdrawn,
    "exhibit.sensitivity_changed": Projection._sensitivity,
    conflicts.FORK_RECORDED: Projection._fork_recorded,
    conflicts.RESOLVED: Projection._conflict_resolved,
    "settings.changed": Projection._setting,
    "case.reviewed": Projection._review,
    statement.ACTION: Projection._review,
    "unit.checkpoint_cosigned": Projection._cosigned,
    "custody.encoding_upgraded": Projection._encoding_upgraded,
    "installation.enrolled": Projection._enrolled,
    "account.key_registered": Projection._box_key,
    "account.box_key_registered": Projection._box_key,
    "case.key_created": Projection._epoch,
    "case.key_rotated": Projection._epoch,
    "case.key_granted": Projection._granted,
    "vault.object_reencrypted": Projection._reencrypted,
    "account.password_reset": Projection._reset,
    "account.identity_confirmed": Projection._reset,
    "account.creation_confirmed": Projection._creation_confirmed,
    "account.promotion_confirmed": Projection._promotion_confirmed,
}
# The entries that say how the two-person rules applied (``data.confirmation``): the rules hold from the first on.
_RULE_MARKS = frozenset({"account.created", "account.role_changed", "account.enabled"})
# The entries that decide which accounts await a second administrator's confirmation (``Projection.creations``).
# And the promotions awaiting one (``Projection.promotions``).
CREATION_ACTIONS = ("account.created", "account.role_changed", "account.disabled", "account.enabled",
                    "account.creation_confirmed", "account.promotion_confirmed")

# The entries ``note_reset`` follows (each names the account in ``data.user``).
RESET_ACTIONS = ("account.password_reset", "account.key_registered", "account.box_key_registered",
                 "account.identity_confirmed")


def note_reset(resets: dict[str, tuple[str, str | None]], action: str, actor: str, data: dict[str, Any]) -> None:
    """The two-person rule's state after an entry its signer had the right to make.

    An administrator's reset of someone else's password leaves it pending, with the administrator's name; a box
    key the administrator's reset registered is not the user's own (None), one the user registered themselves since
    (``account.box_key_registered``, at their password change) is; a confirmation ends it.
    """
    user = data.get("user")
    if not isinstance(user, str):
        return
    if action == "account.password_reset":
        if actor != user:
            resets[user] = (actor, None)
    elif action == "account.identity_confirmed":
        resets.pop(user, None)
    elif user in resets:
        box = data.get("box_key")
        own = box if action == "account.box_key_registered" and actor == user and isinstance(box, str) else None
        resets[user] = (resets[user][0], own)

# The entries that register a user's box key (``data.user``, ``data.box_key``); the service asks the log for them.
BOX_KEY_ACTIONS = ("account.key_registered", "account.box_key_registered")

# Actions that change the register (the sign-in check replays only these), and the first entry, which names the
# installation a remote review must be about.
CHANGING_ACTIONS = frozenset(_HANDLERS) | {"installation.initialised"}
# Actions whose rule reads nothing of the entry but its action, actor and case (not its data, exhibit or the entry it
# corrects), and no fact but roles, accounts, cases and membership: the same question gets the same answer until an
# entry changes the state, and only CHANGING_ACTIONS (the handlers) do.
_MEMO_SCOPES = frozenset({Scope.ANY, Scope.CASE, Scope.CASE_OPEN, Scope.CASE_EXISTS, Scope.SUMMARY,
                          Scope.OPTIONAL_CASE})
_MEMO_ACTIONS = frozenset(action for action, rule in ACTION_RULES.items() if rule.scope in _MEMO_SCOPES)
# The actions of entries that ``apply_known`` can replay from action, actor and case alone (a verify's worker
# processes send only those for most entries).
KNOWN_BY_KEY = _MEMO_ACTIONS - CHANGING_ACTIONS


def named_by_key_check(action: str, case: Any, message: str) -> bool:
    """An account change by someone whose role (as replay has it: a promotion awaiting confirmation is not yet the
    role) may not manage accounts: the key check (``casedesk.custody.keybook``), which decides by the same replay,
    names it ("who is not an administrator at this point") and replay does not repeat it."""
    return action in ADMIN_ACTIONS and case is None and ", whose role (" in message


def replay(rows: Iterable[Sequence[Any]], broken: frozenset[int] = frozenset()) -> Projection:
    """The register the log establishes, from raw rows in ``encoding.ROW_COLUMNS`` order, in log order.

    ``broken``: entries the chain check found broken, left out.
    """
    held = rows if isinstance(rows, Sequence) else list(rows)

    def entry_of(n: int) -> tuple[str | None, str | None] | None:  # rows from entry 1, in order, as callers hold them
        row = held[n - 1] if 0 < n <= len(held) else None
        return (row[18], row[8]) if row is not None and row[0] == n else None

    state = Projection(entry_of)
    for row in held:
        entry = Entry.from_row(row)
        if entry.seq in broken:
            state.skip(entry)
        else:
            state.apply(entry)
    return state


ACCOUNT_STATE_ACTIONS = ("account.created", "account.role_changed", "account.disabled", "account.enabled",
                         "account.creation_confirmed", "account.promotion_confirmed")


def supervisors_over_time(rows: Iterable[Sequence[Any]]) -> dict[str, list[tuple[int, bool]]]:
    """For each user, ``(from entry, may review)`` in log order, replayed from the account entries.

    ``rows``: raw rows (``encoding.ROW_COLUMNS`` order) of at least every entry whose action is in
    ``ACCOUNT_STATE_ACTIONS``, in log order. Only changes the log establishes count (an account change by a
    non-administrator changes nothing), so a role edited into the users table reviews nothing.
    """
    state = Projection()
    out: dict[str, list[tuple[int, bool]]] = {}
    for row in rows:
        e = Entry.from_row(row)
        before = {u: (f.role == "supervisor" and not f.disabled and u not in state.creations)
                  for u, f in state.users.items()}
        state.apply(e)
        for user, fact in state.users.items():
            now = fact.role == "supervisor" and not fact.disabled and user not in state.creations
            if before.get(user) != now:
                out.setdefault(user, []).append((e.seq, now))
    return out


def may_review_at(history: dict[str, list[tuple[int, bool]]], user: str, seq: int) -> bool:
    ok = False
    for since, value in history.get(user, []):
        if since < seq:
            ok = value
        else:
            break
    return ok
