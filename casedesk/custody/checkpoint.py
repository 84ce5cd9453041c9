"""Checkpoints of an installation's custody log and the unit's cosignatures, in the C2SP formats.

The formats are C2SP's, not CaseDesk's own (docs/sync-protocol.md shows examples):

- **signed note** (c2sp.org/signed-note): a UTF-8 text ending in a line feed, a blank line, then one
  signature line per signer, ``— <key name> <base64(key ID || signature)>``. For an Ed25519 note
  signature the key ID is ``SHA-256(name || 0x0A || 0x01 || public key)[:4]`` and the signature is over
  the text.
- **checkpoint** (c2sp.org/tlog-checkpoint): the note text is the origin line, the tree size in decimal,
  the RFC 6962 root hash in base64, then extension lines. Here the origin is
  ``casedesk/installation/<installation id>`` and the log's own signature is made by the installation's
  user who syncs (key name ``casedesk/installation/<id>/<user>``).
- **cosignature** (c2sp.org/tlog-cosignature, ``cosignature/v1``): the key ID is
  ``SHA-256(name || 0x0A || 0x04 || public key)[:4]``; the signature is ``timestamp (8 bytes, big
  endian) || Ed25519 signature`` over ``"cosignature/v1\\ntime <timestamp>\\n" || note text``.

Imports nothing heavy: used by the unit service and by the installation's sync client alike.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass, field

from nacl.bindings import crypto_sign_open
from nacl.exceptions import BadSignatureError, CryptoError

from casedesk.custody.signing import Signer

ORIGIN_PREFIX = "casedesk/installation/"
DASH = "\u2014"  # the signature line's em dash
ALG_ED25519 = b"\x01"
ALG_COSIGNATURE_V1 = b"\x04"
COSIGNATURE_HEADER = "cosignature/v1\n"
MAX_NOTE_CHARS = 16_384


class NoteError(ValueError):
    """A note, checkpoint or signature line that is not in its format."""


def origin(installation_id: str) -> str:
    return ORIGIN_PREFIX + installation_id


def log_key_name(installation_id: str, user: str) -> str:
    """The signed-note key name of an installation user signing their log's checkpoint."""
    return f"{origin(installation_id)}/{user}"


def key_id(name: str, algorithm: bytes, public_key: bytes) -> bytes:
    return hashlib.sha256(name.encode("utf-8") + b"\n" + algorithm + public_key).digest()[:4]


def check_key_name(name: str) -> None:
    if not name or "+" in name or any(ch.isspace() for ch in name):
        raise NoteError(f"key name {name!r} is empty or holds white space or '+'")


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    root: bytes  # 32 raw bytes
    extensions: tuple[str, ...] = ()

    def text(self) -> str:
        lines = [self.origin, str(self.size), base64.b64encode(self.root).decode("ascii"), *self.extensions]
        return "".join(line + "\n" for line in lines)

    @classmethod
    def parse(cls, text: str) -> Checkpoint:
        if not text.endswith("\n"):
            raise NoteError("a checkpoint ends with a line feed")
        lines = text[:-1].split("\n")
        if len(lines) < 3 or not lines[0] or any(not line for line in lines[3:]):
            raise NoteError("a checkpoint has an origin, a size and a root hash line (extension lines not empty)")
        if not lines[1].isdigit() or (len(lines[1]) > 1 and lines[1][0] == "0") or not lines[1].isascii():
            raise NoteError("the checkpoint's size is not a decimal number without leading zeroes")
        try:
            root = base64.b64decode(lines[2], validate=True)
        except binascii.Error:
            raise NoteError("the checkpoint's root hash is not base64") from None
        if len(root) != 32:
            raise NoteError("the checkpoint's root hash is not 32 bytes")
        return cls(lines[0], int(lines[1]), root, tuple(lines[3:]))


@dataclass(frozen=True)
class Signature:
    name: str
    key_id: bytes
    blob: bytes  # what follows the key ID: an Ed25519 signature, or timestamp + signature for a cosignature

    def line(self) -> str:
        return f"{DASH} {self.name} {base64.b64encode(self.key_id + self.blob).decode('ascii')}\n"

    @property
    def cosigned_at(self) -> int:
        """The cosignature's POSIX timestamp (cosignatures only)."""
        return int.from_bytes(self.blob[:8], "big")


@dataclass(frozen=True)
class Note:
    text: str
    signatures: tuple[Signature, ...] = field(default_factory=tuple)

    def render(self) -> str:
        return self.text + "\n" + "".join(s.line() for s in self.signatures)

    @classmethod
    def parse(cls, note: str) -> Note:
        if len(note) > MAX_NOTE_CHARS:
            raise NoteError("the note is too long")
        text, sep, sigs = note.rpartition("\n\n")
        if not sep or not sigs.endswith("\n"):
            raise NoteError("a signed note is a text, a blank line and signature lines, each ending in a line feed")
        out = []
        for line in sigs[:-1].split("\n"):
            parts = line.split(" ")
            if len(parts) != 3 or parts[0] != DASH:
                raise NoteError("a signature line is '— <key name> <base64 signature>'")
            try:
                raw = base64.b64decode(parts[2], validate=True)
            except binascii.Error:
                raise NoteError("a note signature is not base64") from None
            if len(raw) < 5:
                raise NoteError("a note signature is too short")
            out.append(Signature(parts[1], raw[:4], raw[4:]))
        return cls(text + "\n", tuple(out))

    def with_signature(self, sig: Signature) -> Note:
        return Note(self.text, (*self.signatures, sig))

    def find(self, name: str, kid: bytes) -> Signature | None:
        return next((s for s in self.signatures if s.name == name and s.key_id == kid), None)


def _ok(signature: bytes, message: bytes, public_key: bytes) -> bool:
    try:
        crypto_sign_open(signature + message, public_key)
    except (BadSignatureError, CryptoError, ValueError):
        return False
    return True


def sign_note(text: str, name: str, signer: Signer) -> Signature:
    check_key_name(name)
    return Signature(name, key_id(name, ALG_ED25519, signer.public_key), signer.sign(text.encode("utf-8")))


def note_signature_ok(note: Note, name: str, public_key: bytes) -> bool:
    sig = note.find(name, key_id(name, ALG_ED25519, public_key))
    return sig is not None and len(sig.blob) == 64 and _ok(sig.blob, note.text.encode("utf-8"), public_key)


def cosigned_message(text: str, timestamp: int) -> bytes:
    return f"{COSIGNATURE_HEADER}time {timestamp}\n{text}".encode()


def cosign(text: str, name: str, signer: Signer, timestamp: int) -> Signature:
    check_key_name(name)
    if not 0 <= timestamp < 2**63:
        raise NoteError("a cosignature's timestamp is out of range")
    sig = signer.sign(cosigned_message(text, timestamp))
    return Signature(name, key_id(name, ALG_COSIGNATURE_V1, signer.public_key), timestamp.to_bytes(8, "big") + sig)


def cosignature(note: Note, name: str, public_key: bytes) -> Signature | None:
    """The cosignature by ``name`` / ``public_key`` on ``note`` if there is one and it verifies."""
    sig = note.find(name, key_id(name, ALG_COSIGNATURE_V1, public_key))
    if sig is None or len(sig.blob) != 72:
        return None
    stamp = sig.cosigned_at
    return sig if _ok(sig.blob[8:], cosigned_message(note.text, stamp), public_key) else None
