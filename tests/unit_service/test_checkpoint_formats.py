"""The C2SP encodings the unit and the installations share, checked without a server."""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

import pytest

from casedesk.custody import checkpoint, merkle
from casedesk.custody.signing import Signer
from casedesk.errors import UsageError
from casedesk.unit.server import load_cosigner_key, verifier_key_text, write_cosigner_key


def test_cosigner_keys_load_back_whatever_their_base64_holds(tmp_path: Path) -> None:
    # About half of all keys have a '+' in their base64: each must load back as the key that was written.
    for i in range(40):
        made = write_cosigner_key(tmp_path / f"k{i}", "casedesk.unit.example")
        loaded = load_cosigner_key(tmp_path / f"k{i}")
        assert (loaded.name, loaded.signer.public_key) == (made.name, made.signer.public_key)
    assert oct((tmp_path / "k0").stat().st_mode & 0o777) == "0o600"


def test_a_cosigner_key_file_is_never_replaced(tmp_path: Path) -> None:
    write_cosigner_key(tmp_path / "k", "casedesk.unit.example")
    before = (tmp_path / "k").read_bytes()
    with pytest.raises(UsageError, match="never replaces a file"):
        write_cosigner_key(tmp_path / "k", "casedesk.unit.example")
    assert (tmp_path / "k").read_bytes() == before


def test_cosignature_is_c2sp_cosignature_v1() -> None:
    signer = Signer(bytes(range(32)))
    cp = checkpoint.Checkpoint("casedesk/installation/x", 3, merkle.root([b"a" * 32, b"b" * 32, b"c" * 32]))
    sig = checkpoint.cosign(cp.text(), "unit.example", signer, 1_700_000_000)
    note = checkpoint.Note(cp.text(), (sig,))
    rendered = note.render()
    # The signature line: em dash, name, base64(key ID || 8-byte time || Ed25519 signature).
    line = rendered.split("\n\n", 1)[1]
    assert line.startswith("\u2014 unit.example ")
    raw = base64.b64decode(line.split(" ")[2])
    assert raw[:4] == hashlib.sha256(b"unit.example\n\x04" + signer.public_key).digest()[:4]
    assert int.from_bytes(raw[4:12], "big") == 1_700_000_000
    message = b"cosignature/v1\ntime 1700000000\n" + cp.text().encode()
    from nacl.signing import VerifyKey
    VerifyKey(signer.public_key).verify(message, raw[12:])
    parsed = checkpoint.Note.parse(rendered)
    assert checkpoint.cosignature(parsed, "unit.example", signer.public_key) is not None
    # Any change to the checkpoint breaks it.
    changed = checkpoint.Note(parsed.text.replace("\n3\n", "\n4\n"), parsed.signatures)
    assert checkpoint.cosignature(changed, "unit.example", signer.public_key) is None
    assert verifier_key_text("unit.example", signer.public_key).startswith("unit.example+" + raw[:4].hex() + "+")
