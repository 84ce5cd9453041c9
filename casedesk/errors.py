"""The one error hierarchy.

A ``CaseDeskError`` is a condition of the world (wrong password, tampered
object, disk full) with a one-line message a detective can act on. The CLI
prints it on one line and exits non-zero; the GUI shows it in a message box.
Any other exception is a bug: logged with its traceback, shown as
"unexpected error, details in <log path>".
"""

from __future__ import annotations


class CaseDeskError(Exception):
    """Base for every expected, user-actionable failure.

    ``str(exc)`` is the message for people, as a dialog shows it: no command-line
    syntax. ``field`` names the input at fault (``"password"``, ``"initials"``…) so a
    form can put the focus there; ``cli_hint`` is what the CLI adds after the message
    (a flag or a command to run), never shown in the desktop app.
    """

    exit_code = 1

    def __init__(self, *args: object, field: str | None = None, cli_hint: str | None = None) -> None:
        super().__init__(*args)
        self.field = field
        self.cli_hint = cli_hint

    def cli_message(self) -> str:
        """The message as the CLI prints it: the text, then the hint for the command line."""
        return f"{self} ({self.cli_hint})" if self.cli_hint else str(self)


class UsageError(CaseDeskError):
    """Bad input from the user: a value that cannot be accepted."""

    exit_code = 2


class NotFound(CaseDeskError):
    """A case, exhibit, user or file that does not exist."""

    exit_code = 3


class AuthenticationError(CaseDeskError):
    """Wrong password, unknown user, locked or disabled account."""

    exit_code = 4


class PermissionDenied(CaseDeskError):
    """The signed-in user's role or membership does not allow the action."""

    exit_code = 5


class CaseContentLocked(PermissionDenied):
    """The case's content is encrypted for its key holders and this user holds no key of it (yet)."""


class StoreError(CaseDeskError):
    """The data directory or database cannot be used as it is."""

    exit_code = 6


class ClockError(StoreError):
    """The computer's clock is behind the custody log: an entry would go back in time."""


class KeySlotError(StoreError):
    """The key slots file is missing, corrupt or does not match the store."""


class KeyringUnavailable(StoreError):
    """The OS keyring holding this installation's device secret is missing."""


class IntegrityError(CaseDeskError):
    """Evidence, vault objects or the custody log fail verification."""

    exit_code = 7


class VerifyIncomplete(CaseDeskError):
    """A verification could not be carried to its end (a worker process died): it concludes nothing."""


class UnitError(CaseDeskError):
    """The unit service cannot be reached, or refused a sync (docs/sync-protocol.md)."""

    exit_code = 8


class Cancelled(CaseDeskError):
    """The user cancelled a long-running operation."""

    exit_code = 130
