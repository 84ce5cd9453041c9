"""Custody log actions as a reader of a bundle says them: "Exhibit ingested", not ``exhibit.ingested``."""

from __future__ import annotations

ACTION_NAMES: dict[str, str] = {
    "installation.initialised": "Installation set up",
    "installation.enrolled": "Unit certificates imported (enrolment)",
    "account.created": "Account created",
    "account.disabled": "Account disabled",
    "account.enabled": "Account enabled",
    "account.key_registered": "Signing key registered",
    "account.login": "Signed in",
    "account.login_failed": "Sign-in failed",
    "account.password_changed": "Password changed",
    "account.password_reset": "Password reset",
    "account.role_changed": "Role changed",
    "account.identity_confirmed": "Password reset confirmed in person",
    "case.created": "Case opened",
    "case.closed": "Case closed",
    "case.close_override": "Case closed with unreviewed entries (override)",
    "case.member_added": "Member added to the case",
    "case.reviewed": "Supervisor's review",
    "case.reviewed_remotely": "Supervisor's review from another desk",
    "unit.review_fetched": "Another installation's case read for review",
    "unit.review_sent": "Review sent to another installation",
    "case.summary_edited": "Case summary edited",
    "case.handed_over": "Case handed over to another installation",
    "case.received": "Case received from another installation",
    "note.added": "Note added",
    "exhibit.ingested": "Exhibit ingested",
    "exhibit.received": "Exhibit received with the case (hand-over)",
    "exhibit.viewed": "Exhibit viewed",
    "exhibit.extracted": "Exhibit copied out",
    "exhibit.transferred": "Custody transferred",
    "exhibit.checked_out": "Checked out",
    "exhibit.returned": "Returned",
    "exhibit.withdrawn": "Exhibit withdrawn",
    "exhibit.sensitivity_changed": "Sensitivity changed",
    "custody.fork_recorded": "Entries of the installation's other copy recorded (custody conflict)",
    "custody.conflict_resolved": "Custody conflict resolved by a supervisor",
    "entry.corrected": "Entry corrected",
    "verify.run": "Verification run",
    "custody.exported": "Custody log exported",
    "bundle.exported": "Bundle exported",
    "schedule.exported": "Disclosure schedule exported",
    "case.exported": "Case exported (CASE/UCO)",
    "settings.changed": "Setting changed",
    "unit.checkpoint_cosigned": "Log witnessed by the unit service",
    "unit.rollback_detected": "Roll-back found at sync with the unit service",
}


def action_name(action: str) -> str:
    """The readable name of a custody action; one not in the table is spelt out from its code."""
    known = ACTION_NAMES.get(action)
    if known is not None:
        return known
    words = action.replace(".", " ").replace("_", " ").split()
    return " ".join(words).capitalize() if words else action
