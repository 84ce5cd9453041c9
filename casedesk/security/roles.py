"""Roles and what each may do. The service layer is the only place this is checked.

Case-level rules that depend on more than the role (membership of the case,
being the officer in charge, being an exhibit's current custodian) are
checked by the services on top of these permissions; the README shows the
whole table.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pprint import pformat
from typing import Any, Protocol


class Role(StrEnum):
    DETECTIVE = "detective"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"


class Permission(StrEnum):
    USER_MANAGE = "user.manage"
    SETTINGS_MANAGE = "settings.manage"
    CASE_LIST = "case.list"
    CASE_CREATE = "case.create"
    CASE_VIEW_ALL = "case.view_all"  # see every case, not only those one is a member of
    CASE_CONTENT = "case.content"  # exhibits, notes, custody of cases one may see
    CASE_EDIT = "case.edit"  # summary, notes (officer in charge or supervisor for the summary)
    CASE_MEMBERS = "case.members"
    CASE_CLOSE = "case.close"
    CASE_CLOSE_OVERRIDE = "case.close_override"
    EVIDENCE_INGEST = "evidence.ingest"
    EVIDENCE_EXTRACT = "evidence.extract"
    EVIDENCE_WITHDRAW = "evidence.withdraw"
    EVIDENCE_SENSITIVITY = "evidence.sensitivity"
    CUSTODY_TRANSFER = "custody.transfer"  # as current custodian; supervisors for anyone
    CUSTODY_TRANSFER_ANY = "custody.transfer_any"
    CUSTODY_REVIEW = "custody.review"
    CUSTODY_RESOLVE = "custody.resolve_conflict"  # close an offline custody conflict (docs/sync-protocol.md)
    CUSTODY_EXPORT = "custody.export"
    VERIFY = "verify"
    BUNDLE_EXPORT = "bundle.export"


_DETECTIVE = {
    Permission.CASE_LIST,
    Permission.CASE_CREATE,
    Permission.CASE_CONTENT,
    Permission.CASE_EDIT,
    Permission.EVIDENCE_INGEST,
    Permission.EVIDENCE_EXTRACT,
    Permission.EVIDENCE_WITHDRAW,
    Permission.EVIDENCE_SENSITIVITY,
    Permission.CUSTODY_TRANSFER,
    Permission.CUSTODY_EXPORT,
    Permission.VERIFY,
    Permission.BUNDLE_EXPORT,
}

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.DETECTIVE: frozenset(_DETECTIVE),
    Role.SUPERVISOR: frozenset(
        _DETECTIVE
        | {
            Permission.CASE_VIEW_ALL,
            Permission.CASE_MEMBERS,
            Permission.CASE_CLOSE,
            Permission.CASE_CLOSE_OVERRIDE,
            Permission.CUSTODY_TRANSFER_ANY,
            Permission.CUSTODY_REVIEW,
            Permission.CUSTODY_RESOLVE,
        }
    ),
    # IT administration: accounts and settings, the case list, membership and
    # integrity checks; no access to evidence content (need to know).
    Role.ADMIN: frozenset(
        {
            Permission.USER_MANAGE,
            Permission.SETTINGS_MANAGE,
            Permission.CASE_LIST,
            Permission.CASE_VIEW_ALL,
            Permission.CASE_MEMBERS,
            Permission.VERIFY,
        }
    ),
}


def allowed(role: Role | str, permission: Permission) -> bool:
    return permission in ROLE_PERMISSIONS[Role(role)]


def parse_role(text: str) -> Role:
    try:
        return Role(text.strip().lower())
    except ValueError:
        choices = ", ".join(r.value for r in Role)
        raise ValueError(f"unknown role {text!r}; choose one of: {choices}") from None


# --- authority of custody entries ---------------------------------------------------------------
# One table of who may write which custody entry. The service layer refuses to record an entry whose rule
# fails (``Session.record``), and replay of the log (``casedesk.custody.projection``) flags any entry in the
# log whose signer had no right to make it at that point, so a role or membership edited into the tables, or
# an entry signed with a valid key by the wrong person, changes nothing a court relies on.


class Facts(Protocol):
    """What the rules ask about the state just before an entry."""

    def role(self, user: str) -> str | None: ...
    def disabled(self, user: str) -> bool: ...
    def case_exists(self, case: str) -> bool: ...
    def case_open(self, case: str) -> bool: ...
    def case_handed_over(self, case: str) -> bool: ...  # handed to another installation (case.handed_over)
    def is_member(self, case: str, user: str) -> bool: ...
    def is_officer_in_charge(self, case: str, user: str) -> bool: ...
    def custodian(self, case: str, exhibit: str) -> tuple[str, bool] | None: ...
    def returns_to(self, case: str, exhibit: str) -> str | None: ...
    def author_of(self, seq: int) -> tuple[str, str | None] | None: ...
    def box_key(self, user: str) -> str | None: ...  # the user's registered X25519 box key (hex), as the log says
    # An administrator's reset of ``user``'s password not yet confirmed by someone else: (the administrator, the box
    # key ``user`` registered themselves since the reset, or None); None when no reset awaits confirmation.
    def reset_pending(self, user: str) -> tuple[str, str | None] | None: ...
    # The administrator who created ``user``'s account where a second administrator must confirm it and none has
    # yet (the two-person rule at account creation); None for a confirmed account, or one that needs no confirmation.
    def creation_pending(self, user: str) -> str | None: ...
    # A promotion of ``user`` (a role change to supervisor or admin, or re-enabling a disabled account) awaiting a
    # second administrator's confirmation: (the administrator who made it, the new role or ``ENABLED``); None when
    # none awaits. Until confirmed the account keeps its old role (or stays disabled).
    def promotion_pending(self, user: str) -> tuple[str, str] | None: ...
    # How many administrators are active and confirmed (their accounts not awaiting confirmation): with one, its
    # holder may confirm a change they made themselves while there were two (nobody else can; they could make it
    # alone at once).
    def confirmed_admins(self) -> int: ...
    # Why the review statement a ``case.reviewed_remotely`` entry carries reviews nothing (one of the REMOTE_ words
    # below, docs/custody-encoding.md "Remote reviews"), None when it holds: signed by the key it names, vouched for
    # by a unit whose cosignature the log recorded earlier, about this installation, this case and an earlier entry
    # of it with the hash the supervisor saw.
    def remote_review(self, entry: EntryLike) -> str | None: ...


class EntryLike(Protocol):
    @property
    def actor(self) -> str: ...
    @property
    def case(self) -> str | None: ...
    @property
    def exhibit(self) -> str | None: ...
    @property
    def data(self) -> dict[str, Any]: ...


class Scope(StrEnum):
    ANY = "any"  # an active account
    SELF = "self"  # about the actor's own account
    CASE = "case"  # a case whose content the actor may see (member, officer in charge, or a role seeing all)
    CASE_OPEN = "case-open"  # the same, and the case is open
    CASE_EXISTS = "case-exists"  # a case the actor may list (membership, closing: supervisors, admins)
    SUMMARY = "summary"  # the officer in charge or a supervisor, case open
    CUSTODIAN = "custodian"  # the exhibit's current custodian, or a role that moves anyone's exhibits
    RETURN = "return"  # the holder, the officer it returns to, or a role that moves anyone's exhibits
    CORRECT = "correct"  # the author of the corrected entry, a reviewer, or an administrator (no case)
    OPTIONAL_CASE = "optional-case"  # CASE when the entry names a case, else ANY
    NOTE = "note"  # CASE, and an edit (data.revises) revises an entry the actor wrote in the same case
    GRANT = "grant"  # CASE, and sealed to the registered box key of someone who may hold the case's key
    CONFIRM = "confirm"  # about another account with a pending reset, by neither its administrator nor a pending one
    CONFIRM_CREATION = "confirm-creation"  # about an account awaiting confirmation, by another administrator
    CONFIRM_PROMOTION = "confirm-promotion"  # the promotion awaiting confirmation, by neither its maker nor its subject
    # A case this installation holds, and the review statement carried in holds (``Facts.remote_review``): the
    # supervisor signed it on another installation; the carrier (whoever synced) adds no authority of its own.
    REMOTE_REVIEW = "remote-review"


@dataclass(frozen=True)
class Rule:
    permission: Permission | None
    scope: Scope


ACTION_RULES: dict[str, Rule] = {
    "account.created": Rule(Permission.USER_MANAGE, Scope.ANY),
    "account.key_registered": Rule(Permission.USER_MANAGE, Scope.ANY),
    "account.role_changed": Rule(Permission.USER_MANAGE, Scope.ANY),
    "account.password_reset": Rule(Permission.USER_MANAGE, Scope.ANY),
    "account.disabled": Rule(Permission.USER_MANAGE, Scope.ANY),
    "account.enabled": Rule(Permission.USER_MANAGE, Scope.ANY),
    "account.key_revoked": Rule(Permission.USER_MANAGE, Scope.ANY),
    "account.unlocked": Rule(Permission.USER_MANAGE, Scope.ANY),
    "account.details_changed": Rule(Permission.USER_MANAGE, Scope.ANY),
    "account.password_changed": Rule(None, Scope.SELF),
    "account.login": Rule(None, Scope.ANY),
    "account.login_failed": Rule(None, Scope.ANY),
    "settings.changed": Rule(Permission.SETTINGS_MANAGE, Scope.ANY),
    "case.created": Rule(Permission.CASE_CREATE, Scope.ANY),
    "case.member_added": Rule(Permission.CASE_MEMBERS, Scope.CASE_EXISTS),
    "case.member_removed": Rule(Permission.CASE_MEMBERS, Scope.CASE_EXISTS),
    # Case keys: only someone who may see the content holds the key to make, rotate or grant it; a grant or a
    # rotation an administrator's change calls for is recorded as due, for the next holder to do.
    "case.key_created": Rule(Permission.CASE_CONTENT, Scope.CASE),
    "case.key_rotated": Rule(Permission.CASE_CONTENT, Scope.CASE),
    "case.key_granted": Rule(Permission.CASE_CONTENT, Scope.GRANT),
    # A legacy vault object (under the store key) re-encrypted under the case key: only a key holder has it.
    "vault.object_reencrypted": Rule(Permission.CASE_CONTENT, Scope.CASE),
    # A legacy case summary (in the clear, before case keys) sealed under the case key: only a key holder has it.
    "case.summary_reencrypted": Rule(Permission.CASE_CONTENT, Scope.CASE),
    "case.key_grant_pending": Rule(None, Scope.CASE_EXISTS),
    "case.key_rotation_due": Rule(None, Scope.CASE_EXISTS),
    "case.summary_edited": Rule(Permission.CASE_EDIT, Scope.SUMMARY),
    "case.closed": Rule(Permission.CASE_CLOSE, Scope.CASE_EXISTS),
    "case.reopened": Rule(Permission.CASE_CLOSE, Scope.CASE_EXISTS),
    "case.close_override": Rule(Permission.CASE_CLOSE_OVERRIDE, Scope.CASE_EXISTS),
    "case.reviewed": Rule(Permission.CUSTODY_REVIEW, Scope.CASE),
    "note.added": Rule(Permission.CASE_EDIT, Scope.NOTE),
    "exhibit.ingested": Rule(Permission.EVIDENCE_INGEST, Scope.CASE_OPEN),
    "exhibit.viewed": Rule(Permission.CASE_CONTENT, Scope.CASE),
    "exhibit.extracted": Rule(Permission.EVIDENCE_EXTRACT, Scope.CASE),
    "exhibit.withdrawn": Rule(Permission.EVIDENCE_WITHDRAW, Scope.CASE_OPEN),
    "exhibit.sensitivity_changed": Rule(Permission.EVIDENCE_SENSITIVITY, Scope.CASE_OPEN),
    "exhibit.transferred": Rule(Permission.CUSTODY_TRANSFER, Scope.CUSTODIAN),
    "exhibit.checked_out": Rule(Permission.CUSTODY_TRANSFER, Scope.CUSTODIAN),
    "exhibit.returned": Rule(Permission.CUSTODY_TRANSFER, Scope.RETURN),
    "entry.corrected": Rule(None, Scope.CORRECT),
    "custody.exported": Rule(Permission.CUSTODY_EXPORT, Scope.OPTIONAL_CASE),
    "bundle.exported": Rule(Permission.BUNDLE_EXPORT, Scope.CASE),
    "schedule.exported": Rule(Permission.BUNDLE_EXPORT, Scope.CASE),
    "case.exported": Rule(Permission.BUNDLE_EXPORT, Scope.CASE),
    "verify.run": Rule(Permission.VERIFY, Scope.OPTIONAL_CASE),
    "custody.head_reset": Rule(Permission.USER_MANAGE, Scope.ANY),
    # The register rebuilt from the log into a new data directory (services/repair.py): the new log's last entry.
    "custody.register_rebuilt": Rule(Permission.USER_MANAGE, Scope.ANY),
    "installation.recovery_key_created": Rule(Permission.USER_MANAGE, Scope.ANY),
    # The SQLCipher key changed when an account was disabled (docs/keyslots.md, "The database key").
    "installation.database_key_changed": Rule(Permission.USER_MANAGE, Scope.ANY),
    "custody.time_acknowledged": Rule(Permission.CUSTODY_REVIEW, Scope.ANY),
    # A user's own X25519 box key, registered at their first sign-in after the upgrade to case keys, and at their
    # first password change after an administrator's reset.
    "account.box_key_registered": Rule(None, Scope.SELF),
    # The unit's certificates of this installation and its officers' keys (docs/unit-trust.md).
    "installation.enrolled": Rule(Permission.USER_MANAGE, Scope.ANY),
    # Two-person rule: a supervisor, in person, vouches that the account whose password an administrator reset is
    # back in its owner's hands (docs/keyslots.md, "Password resets"); until then no case key is sealed to it.
    "account.identity_confirmed": Rule(Permission.CUSTODY_REVIEW, Scope.CONFIRM),
    # Two-person rule at account creation: where two or more administrators are confirmed, an account one of them
    # creates is pending (signs in to nothing, acts with no authority, holds no case key) until another confirms.
    "account.creation_confirmed": Rule(Permission.USER_MANAGE, Scope.CONFIRM_CREATION),
    # Hand-over of a case to an officer of another installation (docs/sync-protocol.md, "Handing a case over"): the
    # officer in charge or a supervisor, of an open case, as for the case summary; receiving it is like creating a
    # case, and each exhibit comes in as an ingest would.
    "case.handed_over": Rule(Permission.CASE_EDIT, Scope.SUMMARY),
    "case.received": Rule(Permission.CASE_CREATE, Scope.ANY),
    "exhibit.received": Rule(Permission.EVIDENCE_INGEST, Scope.CASE_OPEN),
    # Two-person rule at promotion: where two or more administrators are confirmed, a role change to supervisor or
    # admin, or re-enabling a disabled account, takes effect only once another administrator confirms it.
    "account.promotion_confirmed": Rule(Permission.USER_MANAGE, Scope.CONFIRM_PROMOTION),
    # Review from any desk (docs/sync-protocol.md, "Review statements"): a supervisor of another installation reads
    # this installation's case from the unit and records that (``unit.review_fetched``) and the statement they
    # signed (``unit.review_sent``) in their own log; this installation's sync brings the statement in.
    "unit.review_fetched": Rule(Permission.CUSTODY_REVIEW, Scope.ANY),
    "unit.review_sent": Rule(Permission.CUSTODY_REVIEW, Scope.ANY),
    "case.reviewed_remotely": Rule(None, Scope.REMOTE_REVIEW),
    # Offline conflicts (docs/sync-protocol.md, "Offline conflicts"): whoever syncs records the other copy's entries
    # the unit kept (the record adds no authority: replay holds its account of this log to what the log says); only
    # a supervisor closes a conflict, naming both entries (replay checks it names an open one).
    "custody.fork_recorded": Rule(None, Scope.ANY),
    "custody.conflict_resolved": Rule(Permission.CUSTODY_RESOLVE, Scope.CASE),
}
# What may still be recorded in a case this installation handed over (docs/sync-protocol.md, "Handing a case over"):
# reading its log; any other entry naming it is refused when written and flagged by replay.
AFTER_HANDOVER = frozenset({"custody.exported", "verify.run"})
# An action without a rule needs an active account and changes no state in replay.
DEFAULT_RULE = Rule(None, Scope.ANY)

# --- the exact words replay uses (docs/custody-export.md lists them) -----------------------------
MSG_NO_ACCOUNT = "{action} by {actor}, who has no account at this point: ignored"
MSG_DISABLED = "{action} by {actor}, whose account is disabled at this point: ignored"
MSG_UNCONFIRMED = ("{action} by {actor}, whose account {creator} created and no second administrator has confirmed "
                   "at this point: ignored")
MSG_NO_ROLE = "{action} by {actor}, whose role ({role}) may not {what} at this point: ignored"
MSG_NO_CASE = "{action} names case {case}, which the log never created: ignored"
MSG_NOT_MEMBER = "{action} by {actor}, who is not a member of case {case} at this point: ignored"
MSG_CASE_CLOSED = "{action} in case {case}, which is closed at this point: ignored"
MSG_HANDED_OVER = ("{action} in case {case}, which was handed over to another installation at this point: "
                   "ignored")
MSG_NOT_CUSTODIAN = "{action} by {actor}, who does not hold exhibit {exhibit} at this point: ignored"
MSG_NOT_SELF = "{action} by {actor} about another account: ignored"
MSG_SUMMARY = "{action} by {actor}, who is neither the officer in charge nor a supervisor: ignored"
MSG_CORRECT = "{action} by {actor}, who neither wrote entry {target} nor may review it: ignored"
MSG_REVISE = "{action} by {actor} revises entry {target}, which is not a note {actor} wrote in case {case}: ignored"
MSG_GRANT_HOLDER = ("{action} by {actor} gave the key of case {case} to {user}, who may not hold it at this point: "
                    "ignored")
MSG_GRANT_BOX = ("{action} by {actor} sealed the key of case {case} to a box key that is not {user}'s registered box "
                 "key at this point: ignored")

MSG_GRANT_UNCONFIRMED = ("{action} by {actor} sealed the key of case {case} to {user}, whose password an administrator "
                         "reset and no one else has confirmed at this point: ignored")
MSG_CONFIRM = "{action} by {actor} about {user}: {why}: ignored"
CONFIRM_NOT_PENDING = "no password reset of theirs awaits confirmation"
CONFIRM_SELF = "nobody confirms their own account"
CONFIRM_RESETTER = "the administrator who reset the password cannot confirm it"
CONFIRM_ACTOR_PENDING = "the confirmer's own password reset is not confirmed"
CONFIRM_KEY = "the box key named is not one {user} registered themselves after the reset"
CREATION_NOT_PENDING = "no creation of that account awaits confirmation"
CREATION_CREATOR = "the administrator who created the account cannot confirm it"
PROMOTION_NOT_PENDING = "no promotion of that account awaits confirmation"
PROMOTION_OTHER = "the promotion awaiting confirmation is to {pending}, not to {to}"
PROMOTION_MAKER = "the administrator who made the change cannot confirm it"
PROMOTION_SELF = "nobody confirms their own promotion"

# The roles a change to needs a second administrator's confirmation, and the word a re-enabling is named by.
PROMOTED_ROLES = frozenset({Role.SUPERVISOR.value, Role.ADMIN.value})
ENABLED = "enabled"
# An administrator whose change to supervisor awaits confirmation loses the administrator role at once and holds
# this one meanwhile (supervisor brings review authority and every case's key, which an administrator has not).
ADMIN, DEMOTED = Role.ADMIN.value, Role.DETECTIVE.value
MSG_REMOTE_REVIEW = "{action} by {actor}: the review statement it carries {why}: it reviews nothing"
REMOTE_MALFORMED = "is not well formed ({detail})"
REMOTE_COPIES = "is not what the entry copies of it (decision, up_to, text)"
REMOTE_SIGNATURE = "is not signed by the key it names"
REMOTE_INSTALLATION = "is about installation {theirs}, not this one"
REMOTE_CASE = "is about case {theirs}, not case {case}"
REMOTE_UNIT = "is vouched for by unit key {key}..., of which this log records no cosignature before it"
REMOTE_VOUCHER = "has no valid voucher of unit key {key}... that its reviewer was a supervisor"
REMOTE_UP_TO = "reviews up to entry {n}, which is not an earlier entry of case {case} in this log"
REMOTE_HASH = "reviews up to entry {n} with hash {hash}..., but entry {n} of this log has another hash"


def authority_problem(action: str, entry: EntryLike, facts: Facts) -> str | None:
    """Why the entry's signer had no right to make it given ``facts`` (None: they had).

    Runs once per entry in replay (a million times in a large verify): permissions are looked up by the
    role's text, not through the enum.
    """
    actor = entry.actor
    role = facts.role(actor)
    permissions = _PERMISSIONS_BY_VALUE.get(role) if role is not None else None
    if permissions is None or role is None:
        return MSG_NO_ACCOUNT.format(action=action, actor=actor)
    if facts.disabled(actor):
        return MSG_DISABLED.format(action=action, actor=actor)
    creator = facts.creation_pending(actor)
    if creator is not None:
        return MSG_UNCONFIRMED.format(action=action, actor=actor, creator=creator)
    rule = ACTION_RULES.get(action, DEFAULT_RULE)
    if rule.permission is not None and rule.permission not in permissions:
        return MSG_NO_ROLE.format(action=action, actor=actor, role=role, what=PERMISSION_WORDS[rule.permission])
    scope = rule.scope
    if scope == Scope.ANY:
        return None
    if scope == Scope.SELF:
        return None if entry.data.get("user") == actor else MSG_NOT_SELF.format(action=action, actor=actor)
    if scope == Scope.CONFIRM:
        why = confirm_problem(actor, entry.data.get("user"), entry.data.get("box_key"), facts.reset_pending)
        return None if why is None else MSG_CONFIRM.format(action=action, actor=actor, user=entry.data.get("user"),
                                                           why=why)
    if scope == Scope.CONFIRM_CREATION:
        user = entry.data.get("user")
        pending = facts.creation_pending(user) if isinstance(user, str) else None
        why = (CREATION_NOT_PENDING if pending is None else
               CREATION_CREATOR if pending == actor and facts.confirmed_admins() > 1 else None)
        return None if why is None else MSG_CONFIRM.format(action=action, actor=actor, user=user, why=why)
    if scope == Scope.CONFIRM_PROMOTION:
        user = entry.data.get("user")
        why = promotion_problem(actor, user, entry.data.get("to"), facts.promotion_pending,
                                alone=facts.confirmed_admins() <= 1)
        return None if why is None else MSG_CONFIRM.format(action=action, actor=actor, user=user, why=why)
    case = entry.case
    if scope == Scope.CORRECT:
        target = entry.data.get("corrects")
        author = facts.author_of(target) if isinstance(target, int) and not isinstance(target, bool) else None
        if author is not None and (author[0] == actor or Permission.CUSTODY_REVIEW in permissions
                                   or (author[1] is None and Permission.USER_MANAGE in permissions)):
            return None
        return MSG_CORRECT.format(action=action, actor=actor, target=target)
    if case is None:
        if scope == Scope.OPTIONAL_CASE:
            return None
        return MSG_NO_CASE.format(action=action, case=None)
    if not facts.case_exists(case):
        return MSG_NO_CASE.format(action=action, case=case)
    if action not in AFTER_HANDOVER and facts.case_handed_over(case):
        return MSG_HANDED_OVER.format(action=action, case=case)
    if scope == Scope.CASE_EXISTS:
        return None
    if scope == Scope.REMOTE_REVIEW:
        why = facts.remote_review(entry)
        return None if why is None else MSG_REMOTE_REVIEW.format(action=action, actor=actor, why=why)
    if Permission.CASE_VIEW_ALL not in permissions and not facts.is_member(case, actor):
        return MSG_NOT_MEMBER.format(action=action, actor=actor, case=case)
    if scope in (Scope.CASE, Scope.OPTIONAL_CASE):
        return None
    if scope == Scope.NOTE:
        target = entry.data.get("revises")
        if target is None:
            return None
        author = facts.author_of(target) if isinstance(target, int) and not isinstance(target, bool) else None
        if author is not None and author == (actor, case):
            return None
        return MSG_REVISE.format(action=action, actor=actor, target=target, case=case)
    if scope == Scope.GRANT:
        return _grant_problem(action, entry, facts, case)
    if scope == Scope.CASE_OPEN:
        return None if facts.case_open(case) else MSG_CASE_CLOSED.format(action=action, case=case)
    if scope == Scope.SUMMARY:
        if not facts.case_open(case):
            return MSG_CASE_CLOSED.format(action=action, case=case)
        if facts.is_officer_in_charge(case, actor) or role == Role.SUPERVISOR.value:
            return None
        return MSG_SUMMARY.format(action=action, actor=actor)
    exhibit = entry.exhibit or ""
    if Permission.CUSTODY_TRANSFER_ANY in permissions:
        return None
    holder = facts.custodian(case, exhibit)
    if holder is not None and holder[1] and holder[0] == actor:
        return None
    if scope == Scope.RETURN and facts.returns_to(case, exhibit) == actor:
        return None
    return MSG_NOT_CUSTODIAN.format(action=action, actor=actor, exhibit=exhibit)


def may_hold_case_key(facts: Facts, case: str, user: str) -> bool:
    """Members, the officer in charge and every supervisor hold a case's key; never an administrator, never a
    disabled account or one awaiting a second administrator's confirmation (``casedesk.services.casekeys
    .holder_ids`` and ``unconfirmed_ids`` ask the same of the store)."""
    role = facts.role(user)
    if role is None or role == Role.ADMIN.value or facts.disabled(user) or facts.creation_pending(user) is not None:
        return False
    return role == Role.SUPERVISOR.value or facts.is_member(case, user)


def _grant_problem(action: str, entry: EntryLike, facts: Facts, case: str) -> str | None:
    """A case key sealed to someone who may not hold it, or to a box key the log never gave the grantee (an
    insider's own key put in place of a holder's in the box_keys table), gives nobody the key."""
    user = entry.data.get("user")
    if not isinstance(user, str) or not may_hold_case_key(facts, case, user):
        return MSG_GRANT_HOLDER.format(action=action, actor=entry.actor, case=case, user=user)
    box = entry.data.get("box_key")
    if not isinstance(box, str) or box != facts.box_key(user):
        return MSG_GRANT_BOX.format(action=action, actor=entry.actor, case=case, user=user)
    if facts.reset_pending(user) is not None:
        return MSG_GRANT_UNCONFIRMED.format(action=action, actor=entry.actor, case=case, user=user)
    return None


def confirm_problem(actor: str, user: Any, box: Any,
                    reset_pending: Callable[[str], tuple[str, str | None] | None]) -> str | None:
    """Why ``actor`` may not confirm that ``user``'s account, reset by an administrator, is back in ``user``'s hands
    with box key ``box`` (None: they may). The permission (a supervisor's) is checked by the caller. The box key
    ``user`` registered since the reset is their current one: any later registration replaces or clears it."""
    pending = reset_pending(user) if isinstance(user, str) else None
    if pending is None:
        return CONFIRM_NOT_PENDING
    if actor == user:
        return CONFIRM_SELF
    if actor == pending[0]:
        return CONFIRM_RESETTER
    if reset_pending(actor) is not None:
        return CONFIRM_ACTOR_PENDING
    if pending[1] is None or box != pending[1]:
        return CONFIRM_KEY.format(user=user)
    return None


def promotion_problem(actor: str, user: Any, to: Any,
                      promotion_pending: Callable[[str], tuple[str, str] | None], alone: bool = False) -> str | None:
    """Why ``actor`` may not confirm the promotion of ``user`` to ``to`` (a role, or ``ENABLED``); None: they may.
    The confirmation names what it confirms, so a change replaced after the confirmer looked is not confirmed.
    ``alone``: the actor is the only confirmed administrator, who may confirm a change they made themselves."""
    pending = promotion_pending(user) if isinstance(user, str) else None
    if pending is None:
        return PROMOTION_NOT_PENDING
    if actor == user:
        return PROMOTION_SELF
    if actor == pending[0] and not alone:
        return PROMOTION_MAKER
    if to != pending[1]:
        return PROMOTION_OTHER.format(pending=pending[1], to=to)
    return None


ROLE_VALUES = frozenset(r.value for r in Role)
_PERMISSIONS_BY_VALUE: dict[str, frozenset[Permission]] = {r.value: p for r, p in ROLE_PERMISSIONS.items()}

PERMISSION_WORDS: dict[Permission, str] = {
    Permission.USER_MANAGE: "manage user accounts",
    Permission.SETTINGS_MANAGE: "change installation settings",
    Permission.CASE_LIST: "list cases",
    Permission.CASE_CREATE: "create cases",
    Permission.CASE_VIEW_ALL: "see every case",
    Permission.CASE_CONTENT: "see case content",
    Permission.CASE_EDIT: "edit cases",
    Permission.CASE_MEMBERS: "change case membership",
    Permission.CASE_CLOSE: "close cases",
    Permission.CASE_CLOSE_OVERRIDE: "override the review check when closing a case",
    Permission.EVIDENCE_INGEST: "ingest evidence",
    Permission.EVIDENCE_EXTRACT: "extract exhibits",
    Permission.EVIDENCE_WITHDRAW: "withdraw exhibits",
    Permission.EVIDENCE_SENSITIVITY: "mark exhibits sensitive",
    Permission.CUSTODY_TRANSFER: "transfer custody",
    Permission.CUSTODY_TRANSFER_ANY: "transfer exhibits held by someone else",
    Permission.CUSTODY_REVIEW: "review custody logs",
    Permission.CUSTODY_RESOLVE: "resolve custody conflicts",
    Permission.CUSTODY_EXPORT: "export custody logs",
    Permission.VERIFY: "run verification",
    Permission.BUNDLE_EXPORT: "export case bundles",
}


# --- the table as plain data, for the stand-alone verifier ----------------------------------------
# tools/verify_custody.py runs without CaseDesk, so it carries a generated copy of this table between the markers
# below; tests/security/test_authority_table.py checks that the copy is ``standalone_source()``, that the tool
# decides every rule as ``authority_problem`` does, and that docs/custody-encoding.md lists the same table.
STANDALONE_BEGIN = "# BEGIN AUTHORITY TABLE (generated by casedesk/security/roles.py: standalone_source(); do not edit)"
STANDALONE_END = "# END AUTHORITY TABLE"


def standalone_table() -> dict[str, Any]:
    """Roles, rules, words and messages of the authority check, in plain JSON-like data."""
    messages = {name: value for name, value in globals().items()
                if name.startswith(("MSG_", "CONFIRM_", "CREATION_", "PROMOTION_", "REMOTE_"))
                and isinstance(value, str)}
    return {
        "permissions": {role.value: sorted(p.value for p in perms) for role, perms in ROLE_PERMISSIONS.items()},
        "rules": {action: [None if rule.permission is None else rule.permission.value, rule.scope.value]
                  for action, rule in sorted(ACTION_RULES.items())},
        "default": [None if DEFAULT_RULE.permission is None else DEFAULT_RULE.permission.value,
                    DEFAULT_RULE.scope.value],
        "words": {p.value: words for p, words in sorted(PERMISSION_WORDS.items())},
        "messages": dict(sorted(messages.items())),
        "after_handover": sorted(AFTER_HANDOVER),
    }


def standalone_source() -> str:
    """The block tools/verify_custody.py embeds, markers included."""
    table = pformat(standalone_table(), width=116, sort_dicts=True)
    return f"{STANDALONE_BEGIN}\nAUTHORITY = {table}\n{STANDALONE_END}\n"
