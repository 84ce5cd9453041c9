"""Type detection with libmagic and the extension check."""

from __future__ import annotations

import os
import random
from pathlib import Path

import magic
import pytest

from casedesk.evidence.filetype import TypeDetector, extension_warning
from tests.helpers.evidence import META, PE, evidence_for, write
from tests.helpers.store import CASE, Store


def test_fallback_pair_matches_libmagic() -> None:
    """Where libmagic knows nothing the MIME type is derived, and equals libmagic's own answer."""
    det = TypeDetector()
    mime = magic.Magic(mime=True)
    rng = random.Random(7)
    for size in (0, 1, 17, 4096, 10_240):
        for _ in range(20):
            data = rng.randbytes(size)
            got = det.detect(data, "x.bin")
            assert got.mime == mime.from_buffer(data[:4096])


def test_known_formats() -> None:
    det = TypeDetector()
    assert det.detect(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "a.pdf").mime == "application/pdf"
    assert det.detect(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "a.jpg").mime == "image/jpeg"
    t = det.detect(b"Name,Account\nA N Other,00000000\n", "accounts.csv")
    assert t.mime.startswith("text/") and t.warning is None
    assert det.detect(b"", "empty.pdf").warning is None  # zero bytes contradict nothing


def test_extension_warning_rules() -> None:
    assert extension_warning("invoice.pdf", "application/x-dosexec", "PE32 executable") == (
        "content is PE32 executable (application/x-dosexec), not what the .pdf extension suggests")
    assert extension_warning("INVOICE.PDF", "application/pdf", "PDF document") is None
    assert extension_warning("notes.txt", "text/x-python", "Python script") is None  # still text
    assert extension_warning("report.docx", "application/zip", "Zip archive data") is None
    assert extension_warning("blob.xyz", "application/pdf", "PDF document") is None  # unknown: not judged
    assert extension_warning("README", "text/plain", "ASCII text") is None


def test_mismatch_is_recorded_and_shown(store: Store, tmp_path: Path) -> None:
    exe = write(tmp_path / "invoice.pdf", PE)
    good = write(tmp_path / "real.pdf", b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n")
    with evidence_for(store) as ev:
        summary = ev.ingest(CASE, [exe, good], META)
        bad, ok = summary.ingested
        assert bad.type_warning is not None and ".pdf extension" in bad.type_warning
        assert "executable" in bad.type_warning.lower()
        assert ok.type_warning is None and ok.mime_type == "application/pdf"
        assert [v.reference for v in summary.warnings] == [bad.reference]
        assert ev.show(CASE, bad.reference).type_warning == bad.type_warning


@pytest.mark.parametrize("workers", [2, 4])
def test_detection_from_many_threads_agrees(workers: int) -> None:
    from concurrent.futures import ThreadPoolExecutor

    det = TypeDetector()
    samples = [(b"%PDF-1.4 x", "a.pdf"), (PE, "b.exe"), (os.urandom(3000), "c.bin"), (b"plain words\n", "d.txt")]
    expected = [det.detect(d, n) for d, n in samples]
    with ThreadPoolExecutor(workers) as pool:
        for _ in range(5):
            assert list(pool.map(lambda s: det.detect(*s), samples)) == expected
