"""The files beside a bundle: ``bundle.pdf.sha256`` (sha256sum format) and ``bundle.pdf.manifest.json``.

Documented in docs/bundle.md. The manifest is the one embedded in the PDF
(``CaseDesk-manifest.json``: case, export time, custody log head, every
exhibit's attachment name, size, hashes and bundle pages) plus a ``bundle``
object with the PDF's own file name, size and SHA-256, which the embedded copy
cannot hold.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from pathlib import Path
from typing import Any

SIDECAR_SUFFIX = ".sha256"
MANIFEST_SUFFIX = ".manifest.json"
VERIFIER_SUFFIX = ".verify.html"  # the browser verifier, the same page beside every bundle
VERIFIER_PAGE = Path(__file__).resolve().parent / "browser" / "verifier.html"
_SUM_LINE = re.compile(r"^([0-9a-fA-F]{64}) [ *](.+)$")


def sidecar_path(bundle: Path) -> Path:
    return bundle.with_name(bundle.name + SIDECAR_SUFFIX)


def manifest_path(bundle: Path) -> Path:
    return bundle.with_name(bundle.name + MANIFEST_SUFFIX)


def verifier_path(bundle: Path) -> Path:
    return bundle.with_name(bundle.name + VERIFIER_SUFFIX)


def verifier_bytes() -> bytes:
    """The self-contained page a prosecutor opens to check the bundle in a browser (docs/bundle.md)."""
    return VERIFIER_PAGE.read_bytes()


def verifier_sha256() -> str:
    """The page's SHA-256: the same for every bundle of this CaseDesk version, so a copy kept apart can be trusted."""
    return hashlib.sha256(verifier_bytes()).hexdigest()


def file_sha256(path: Path) -> str:
    with path.open("rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def sidecar_text(sha256: str, file_name: str) -> str:
    """One ``sha256sum`` line; ``sha256sum -c`` run in the bundle's folder checks it."""
    return f"{sha256}  {file_name}\n"


def parse_sidecar(text: str) -> dict[str, str]:
    """``{file name: sha256}`` from sha256sum-format text (unparseable lines are ignored)."""
    out: dict[str, str] = {}
    for line in text.splitlines():
        m = _SUM_LINE.match(line.strip())
        if m:
            out[m.group(2)] = m.group(1).lower()
    return out


def full_manifest(embedded: dict[str, Any], file_name: str, sha256: str, size: int) -> dict[str, Any]:
    return {**embedded, "bundle": {"file": file_name, "sha256": sha256, "size": size}}


def _json_escape(ch: str) -> str:
    code = ord(ch)
    if code > 0xFFFF:
        code -= 0x10000
        return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
    return f"\\u{code:04x}"


def _invisible(ch: str) -> bool:
    return ch != "\n" and unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Zl", "Zp")


def manifest_bytes(manifest: dict[str, Any]) -> bytes:
    """The manifest as UTF-8 JSON, readable letters kept, but every control, direction-override or other
    invisible character written as a ``\\uXXXX`` escape: a file name with a right-to-left override
    cannot pose as another in a text editor (the parsed value is the same)."""
    text = json.dumps(manifest, indent=2, ensure_ascii=False, sort_keys=True)
    if not text.isascii():
        text = "".join(_json_escape(ch) if _invisible(ch) else ch for ch in text)
    return text.encode("utf-8") + b"\n"

