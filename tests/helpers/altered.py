"""A genuine bundle with its custody export, and the three altered copies of issue 12 an attacker would make.

Each altered copy lies in its own folder as ``bundle.pdf`` with its
``.sha256`` and ``.manifest.json`` files rewritten to match it (the strongest
attacker: everything beside the PDF agrees with the PDF):

- ``pages``: a page edited (the cover's head hash painted over) and the whole file saved again;
- ``update``: an incremental update appended to the genuine bytes, giving the cover new content;
- ``paperclip``: the paperclip on the first exhibit's label opens another file (the name tree is untouched);
- ``original``: the first exhibit's attached original replaced, and the manifest inside and beside the PDF
  rewritten to give the new file's SHA-256 and size (every file agrees; only the custody log does not).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pikepdf

from casedesk.logsetup import remove_file_logs
from casedesk.services.bundles import Bundles
from casedesk.services.custody import Custody
from casedesk.services.evidence import Evidence, IngestMetadata
from tests.helpers.store import CASE, copy_store

FORGED = b"A statement the witness never made.\n"


@dataclass(frozen=True)
class Case:
    genuine: Path  # bundle.pdf, with its .sha256 and .manifest.json beside it
    log: Path  # the case's custody export, made after the bundle's export
    altered: dict[str, Path]  # pages | update | paperclip -> bundle.pdf in its own folder


def make_case(template: tuple[Path, Path, str], base: Path) -> Case:
    """Export a bundle of two small exhibits and the case's custody log; alter three copies."""
    old = {k: os.environ.get(k) for k in ("XDG_DATA_HOME", "PYTHON_KEYRING_BACKEND")}
    store = copy_store(template[0], template[1], base / "store", base / "xdg")
    os.environ["XDG_DATA_HOME"] = str(base / "xdg")
    os.environ["PYTHON_KEYRING_BACKEND"] = "keyrings.alt.file.PlaintextKeyring"
    try:
        src = base / "evidence"
        src.mkdir()
        (src / "statement.txt").write_text("I saw the van at 21:40 outside number 12.\n" * 20, "utf-8")
        pdf = pikepdf.new()
        pdf.add_blank_page()
        pdf.save(src / "invoice.pdf", deterministic_id=True)
        session = store.sign_in("jsmith")
        try:
            Evidence(session).ingest(CASE, [src / "invoice.pdf", src / "statement.txt"],
                                     IngestMetadata(description="Seized paperwork"))
            # A sensitive (MG6D) exhibit: left out of the bundle, its entries withheld lines in the custody export.
            (src / "informant.txt").write_text("Source handling notes.\n", "utf-8")
            secret = Evidence(session).ingest(CASE, [src / "informant.txt"], IngestMetadata(description="Notes"))
            Evidence(session).set_sensitive(CASE, secret.ingested[0].reference, True, "informant (MG6D)")
            (base / "genuine").mkdir()
            result = Bundles(session).export(CASE, base / "genuine" / "bundle.pdf")
            log = Custody(session).export_log(CASE, base / "custody.jsonl")
        finally:
            session.close()
    finally:
        remove_file_logs()
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    altered = {name: _copy(result.path, base / name) for name in ("pages", "update", "paperclip", "original")}
    _edit_pages(altered["pages"])
    _append_update(altered["update"])
    _swap_paperclip(altered["paperclip"])
    _replace_original(altered["original"])
    for path in altered.values():
        rewrite_sidecars(path)
    return Case(result.path, log, altered)


def _copy(genuine: Path, folder: Path) -> Path:
    folder.mkdir()
    for item in genuine.parent.iterdir():
        shutil.copy(item, folder / item.name)
    return folder / genuine.name


def rewrite_sidecars(path: Path) -> None:
    """What an attacker does after altering the PDF: the .sha256 and .manifest.json files made to match it."""
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    path.with_name(path.name + ".sha256").write_text(f"{digest}  {path.name}\n")
    manifest_file = path.with_name(path.name + ".manifest.json")
    manifest = json.loads(manifest_file.read_text())
    with pikepdf.open(path) as pdf:  # the manifest inside, as the attacker may have rewritten it
        manifest.update(json.loads(pdf.attachments["CaseDesk-manifest.json"].get_file().read_bytes()))
    manifest["bundle"] = {"file": path.name, "sha256": digest, "size": len(data)}
    manifest_file.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")


def _save(pdf: pikepdf.Pdf, path: Path) -> None:
    out = path.with_name("rewritten.pdf")
    pdf.save(out, static_id=True)
    pdf.close()
    out.replace(path)


def _edit_pages(path: Path) -> None:
    pdf = pikepdf.open(path)
    cover = pdf.pages[0]
    cover.contents_add(pikepdf.Stream(pdf, b"q 1 1 1 rg 40 300 515 120 re f Q"), prepend=False)
    _save(pdf, path)


def _append_update(path: Path) -> None:
    """An incremental update, as a PDF editor saves one: a new version of the cover's content stream."""
    with pikepdf.open(path) as pdf:
        contents = pdf.pages[0].obj.Contents
        target = contents[0] if isinstance(contents, pikepdf.Array) else contents
        number = target.objgen[0]
        root = pdf.Root.objgen[0]
        size = len(pdf.objects) + 1
    data = path.read_bytes()
    prev = int(re.findall(rb"startxref\s+(\d+)", data)[-1])
    body = b"BT /F1 24 Tf 72 700 Td (Amended) Tj ET"
    at = len(data)
    obj = b"%d 0 obj\n<< /Length %d >>\nstream\n%s\nendstream\nendobj\n" % (number, len(body), body)
    xref_at = at + len(obj)
    update = obj + (b"xref\n0 1\n0000000000 65535 f \n%d 1\n%010d 00000 n \n" % (number, at)
                    + b"trailer\n<< /Size %d /Root %d 0 R /Prev %d >>\nstartxref\n%d\n%%%%EOF\n"
                    % (size, root, prev, xref_at))
    path.write_bytes(data + update)
    with pikepdf.open(path) as check:  # a reader shows the amended cover
        assert b"Amended" in check.pages[0].obj.Contents[0].read_bytes() if isinstance(
            check.pages[0].obj.Contents, pikepdf.Array) else b"Amended" in check.pages[0].obj.Contents.read_bytes()


def _swap_paperclip(path: Path) -> None:
    pdf = pikepdf.open(path)
    for page in pdf.pages:
        for annot in page.obj.get("/Annots", []):
            if annot.get("/Subtype") == "/FileAttachment":
                forged = pikepdf.Stream(pdf, FORGED)
                forged.Type = pikepdf.Name.EmbeddedFile
                forged.Params = pikepdf.Dictionary(Size=len(FORGED))
                annot.FS = pdf.make_indirect(pikepdf.Dictionary(
                    Type=pikepdf.Name.Filespec, F=pikepdf.String(str(annot.FS.F)), UF=pikepdf.String(str(annot.FS.UF)),
                    EF=pikepdf.Dictionary(F=forged, UF=forged), Desc=annot.FS.Desc,
                    AFRelationship=pikepdf.Name.Source))
                _save(pdf, path)
                return
    raise AssertionError("no paperclip in the bundle")


def _replace_original(path: Path) -> None:
    pdf = pikepdf.open(path)
    manifest = json.loads(pdf.attachments["CaseDesk-manifest.json"].get_file().read_bytes())
    first = manifest["exhibits"][0]
    spec = pdf.attachments[first["attachment"]].obj
    forged = pikepdf.Stream(pdf, FORGED)
    forged.Type = pikepdf.Name.EmbeddedFile
    forged.Params = pikepdf.Dictionary(Size=len(FORGED))
    spec.EF = pikepdf.Dictionary(F=forged, UF=forged)
    first["sha256"], first["size"] = hashlib.sha256(FORGED).hexdigest(), len(FORGED)
    data = (json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode()
    stream = pikepdf.Stream(pdf, data)
    stream.Type = pikepdf.Name.EmbeddedFile
    stream.Subtype = pikepdf.Name("/application#2Fjson")
    manifest_spec = pdf.attachments["CaseDesk-manifest.json"].obj
    manifest_spec.EF = pikepdf.Dictionary(F=stream, UF=stream)
    _save(pdf, path)
