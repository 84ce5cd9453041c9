"""E-mail exhibits shown as a mail reader shows them, with Python's ``email`` package.

Headers decoded (``=?utf-8?b?...?=`` becomes the text it encodes), the body as
text (the plain part, else the HTML part reduced to its text), and every
attachment listed with its type, size and SHA-256, so that it can be checked
once extracted from the attached original. Nothing is executed or fetched:
HTML is read for its text only.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from email import policy
from email.errors import MessageError
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

from casedesk.reports.content import human_size
from casedesk.reports.html_text import html_text
from casedesk.reports.model import ExhibitInfo
from casedesk.reports.typeset import GREY, Writer

EMAIL_BYTE_CAP = 32 * 1024 * 1024  # larger messages are typeset as text (their source)
BODY_LINE_CAP = 4000
HEADERS = ("From", "Sender", "Reply-To", "To", "Cc", "Bcc", "Date", "Subject", "Message-ID", "In-Reply-To")


class EmailProblem(Exception):
    """A message the ``email`` package cannot read as one."""


@dataclass(frozen=True)
class Attachment:
    name: str
    content_type: str
    size: int
    sha256: str


@dataclass(frozen=True)
class PreparedEmail:
    headers: list[tuple[str, str]]
    body: list[str]
    body_kind: str  # "plain text", "HTML, shown as its text", or "none"
    attachments: list[Attachment]
    cut: str | None


# What the email package raises on malformed input: the message is then shown as its source text.
_MALFORMED = (MessageError, ValueError, LookupError, TypeError, AttributeError, IndexError, UnicodeError)


def prepare_email(path: Path, exhibit: ExhibitInfo) -> PreparedEmail:
    try:
        return _prepare(path, exhibit)
    except _MALFORMED as exc:
        raise EmailProblem(f"{type(exc).__name__}: {str(exc)[:120]}") from None


def _prepare(path: Path, exhibit: ExhibitInfo) -> PreparedEmail:
    with path.open("rb") as fh:
        try:
            message = BytesParser(policy=policy.default).parse(fh)
        except (ValueError, TypeError, LookupError) as exc:
            raise EmailProblem(f"the message cannot be parsed ({exc})") from None
    if not isinstance(message, EmailMessage) or not message.keys():
        raise EmailProblem("the file has no e-mail headers")
    headers: list[tuple[str, str]] = []
    for name in HEADERS:
        for value in message.get_all(name, []):
            try:
                headers.append((name, str(value)))
            except (ValueError, TypeError, LookupError):
                headers.append((name, "(undecodable)"))
    body_part = message.get_body(preferencelist=("plain", "html"))
    body_kind, text = "none", ""
    if body_part is not None:
        try:
            content = body_part.get_content()
        except (LookupError, ValueError):  # an unknown charset: the bytes as Latin-1, nothing lost
            payload = body_part.get_payload(decode=True)
            content = payload.decode("latin-1") if isinstance(payload, bytes) else ""
        if isinstance(content, bytes):
            content = content.decode("latin-1")
        if body_part.get_content_subtype() == "html":
            body_kind, text = "HTML, shown as its text", html_text(str(content))
        else:
            body_kind, text = "plain text", str(content)
    lines = text.replace("\r\n", "\n").split("\n")
    cut = None
    if len(lines) > BODY_LINE_CAP:
        cut = (f"Only the first {BODY_LINE_CAP:,} of the {len(lines):,} lines of the message body are typeset "
               f"here; the complete original, {human_size(exhibit.size)}, is attached to this PDF.")
        lines = lines[:BODY_LINE_CAP]
    attachments: list[Attachment] = []
    for part in message.iter_attachments():
        payload = part.get_payload(decode=True)
        data = payload if isinstance(payload, bytes) else part.as_bytes()
        attachments.append(Attachment(part.get_filename() or "(no name)", part.get_content_type(), len(data),
                                      hashlib.sha256(data).hexdigest()))
    return PreparedEmail(headers, lines, body_kind, attachments, cut)


def render_email(w: Writer, prepared: PreparedEmail, exhibit: ExhibitInfo) -> None:
    w.new_page()
    w.heading(f"E-mail of exhibit {exhibit.reference}", 11)
    w.para("Headers decoded and the body shown as a mail reader shows them; the original message, with its "
           "attachments, is attached to this PDF unchanged.", size=8, colour=GREY)
    w.space(4)
    w.fields(prepared.headers or [("Headers", "(none)")], label_width=80, size=9)
    w.heading(f"Message ({prepared.body_kind})", 10)
    if prepared.body_kind == "none":
        w.para("The message has no text body.", size=9, colour=GREY)
    for line in prepared.body:
        w.para(line or " ", size=9, leading=12.2)
    if prepared.cut:
        w.space(4)
        w.note(prepared.cut)
    w.heading(f"Attachments of the message ({len(prepared.attachments)})", 10)
    if not prepared.attachments:
        w.para("None.", size=9, colour=GREY)
    for item in prepared.attachments:
        w.fields([("Name", item.name), ("Type, size", f"{item.content_type}, {human_size(item.size)}")],
                 label_width=80, size=9)
        w.hashes([("SHA-256", item.sha256)], label_width=80, size=8.5)
        w.space(4)
