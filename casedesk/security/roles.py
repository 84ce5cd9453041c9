"""Roles and what each may do. The service layer is the only place this is checked.

Case-level rules that depend on more than the role (membership of the case,
being the officer in charge, being an exhibit's current custodian) are
checked by the services on top of these permissions; the README shows the
whole table.
"""

from __future__ import annotations

from enum import StrEnum


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
