"""No plaintext of an ingested file appears anywhere under the data directory."""

from __future__ import annotations

import uuid
from pathlib import Path

from tests.helpers.evidence import META, all_files, evidence_for, pattern, write
from tests.helpers.store import CASE, Store


def test_marker_never_appears_in_the_data_directory(store: Store, tmp_path: Path) -> None:
    marker = f"UNIQUE-MARKER-{uuid.uuid4().hex}".encode()
    small = write(tmp_path / "src" / "letter.txt", b"Dear Sir,\n" + marker + b"\nYours faithfully\n")
    big = write(tmp_path / "src" / "dump.bin", pattern(3 << 20)[: 2 << 20] + marker + pattern(1 << 20, seed=2))
    boundary = write(tmp_path / "src" / "edge.bin", pattern((1 << 20) - 10, seed=3) + marker)  # spans two chunks
    with evidence_for(store) as ev:
        views = ev.ingest(CASE, [tmp_path / "src"], META).ingested
        assert len(views) == 3
        with ev.open_content(CASE, views[0].reference) as stream:  # viewing writes nothing in the clear
            assert marker in stream.read()
        out = tmp_path / "out"
        out.mkdir()
        for v in views:
            ev.extract(CASE, v.reference, out)
    for src in (small, big, boundary):
        assert (out / src.name).read_bytes() == src.read_bytes()
    hits = [p for p in all_files(store.root) if marker in p.read_bytes()]
    assert hits == []
    # Sanity check of the check itself: the marker is found where it is in the clear.
    assert sorted(p.name for p in all_files(out) if marker in p.read_bytes()) == sorted(["dump.bin", "edge.bin",
                                                                                   "letter.txt"])
