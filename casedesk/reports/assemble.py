"""Building the bundle PDF from a ``BundleSpec``: typeset, place, stamp, attach, bookmark, link, save.

The work is streamed: pages are typeset into chunk files, each original is
copied once into an attachment carrier (and a plain copy while it is being
rendered), PDF originals are placed page by page into their own files, and
only then is the bundle put together by pikepdf, which reads page and file
data from those files as it writes. With more sources than ``batch_sources``
the pages are first gathered into intermediate files of that many sources
each, so the number of open files stays bounded too.

Reproducible: reportlab runs in invariant mode, pikepdf writes a
deterministic ``/ID``, every name is fixed, inputs are in exhibit-reference
order, and the only time in the file is the export time given.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import os
import re
import shutil
import unicodedata
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import pikepdf
import reportlab
from pikepdf import Array, Dictionary, Name, NameTree, OutlineItem, Pdf, Stream, String

from casedesk.outputs import Scratch
from casedesk.progress import CancelToken, Progress, no_progress
from casedesk.reports import archival as A
from casedesk.reports import content as C
from casedesk.reports import email_view as E
from casedesk.reports import ocr as O
from casedesk.reports import sections as S
from casedesk.reports.carrier import write_carrier
from casedesk.reports.convert import ConversionProblem, Converter, PrivateFolder, tool_version
from casedesk.reports.font_substitutes import Substitution, share_programs
from casedesk.reports.manifest import manifest_bytes, verifier_sha256
from casedesk.reports.model import BundleSpec, CustodyLine, ExhibitInfo, OpenOriginal, bates, exhibit_sort_key
from casedesk.reports.splice import Original, marker, splice
from casedesk.reports.stamping import PlacementError, Stamper, place_pdf
from casedesk.reports.typeset import CONTENT_W, MARGIN_BOTTOM, PAGE_H, TOP, PageSink, Segment, Writer
from casedesk.timeutil import iso_utc, to_utc

log = logging.getLogger("casedesk.reports")

WORK_PREFIX = ".casedesk-bundle-"
_WORK_RE = re.compile(r"\.casedesk-bundle-(\d+)-\w+")
MANIFEST_NAME = "CaseDesk-manifest.json"
MANIFEST_FORMAT = "casedesk-bundle-manifest/1"
FILES_KEY = Name("/CaseDeskFiles")
# How the bundle's skeleton is written: a plain xref table the splice can move (splice.py); the PDF/A check
# judges the file these settings write. The bundle verifiers (bundle_pdf.py, browser/verifier.html) read that one
# table and reject any other layout: keep it so (docs/bundle.md, "What CaseDesk writes that makes this simple").
WRITE_KWARGS: dict[str, Any] = {
    "deterministic_id": True, "compress_streams": False,
    "stream_decode_level": pikepdf.StreamDecodeLevel.none,
    "object_stream_mode": pikepdf.ObjectStreamMode.disable,
}


@dataclass
class ExhibitOutcome:
    reference: str
    rendering: str  # pdf | text | image | other | placeholder
    problem: str | None
    first_page: int  # 1-based bundle page of the label
    last_page: int
    attachment: str
    size: int
    sha256: str
    md5: str | None  # as recorded at ingest (None when it was not)
    sha1: str | None
    original_name: str
    checksum: str = ""  # MD5 of the attached bytes, for the PDF's own /CheckSum of the embedded file
    notes: list[str] = field(default_factory=list)
    cut: dict[str, int | None] | None = None  # a text typeset in part: first_line, last_line, of_lines
    fonts_substituted: dict[str, str] = field(default_factory=dict)  # font not embedded -> substitute shown
    fonts_not_substituted: dict[str, str] = field(default_factory=dict)  # font not embedded -> why it stays so


@dataclass(frozen=True)
class BuildResult:
    pages: int
    exhibits: list[ExhibitOutcome]
    problems: list[tuple[str, str]]  # (exhibit reference, why it is a placeholder)
    manifest: dict[str, Any]  # as embedded in the PDF (no hash of the PDF itself)


@dataclass
class _Exhibit:
    info: ExhibitInfo
    index: int
    carrier: Path
    original: Original  # the attachment's stream data in the carrier, spliced into the bundle as it is written
    compressed: bool
    outcome: ExhibitOutcome
    label_page: int  # body index
    label_rect: tuple[float, float, float, float]
    last_body_page: int


def software() -> dict[str, str]:
    return {"reportlab": reportlab.Version, "pikepdf": pikepdf.__version__, "qpdf": pikepdf.__libqpdf_version__}


_PAGE_OF = re.compile(r" - original page (\d+ of \d+)")
_SAFE = re.compile(r"[^A-Za-z0-9._-]+")
_RUNS = re.compile(r"_+")


def _keep(ch: str) -> bool:
    # Letters, marks and digits of any script stay (Müller, 証拠, हिंदी); anything else (spaces, slashes,
    # controls, direction overrides and other format characters) becomes "_".
    return ch in "._-" or unicodedata.category(ch)[0] in "LMN"


def attachment_name(reference: str, original_name: str, taken: set[str]) -> str:
    """A unique file name for an exhibit's attachment that keeps its letters: ``JAS-3_Müller_Aussage.pdf``."""
    kept = "".join(ch if _keep(ch) else "_" for ch in unicodedata.normalize("NFC", original_name))
    stem = _RUNS.sub("_", kept).strip("._") or "original"
    stem = stem[-80:]
    base = f"{_SAFE.sub('-', reference).strip('-')}_{stem}"
    name = base
    n = 2
    while name.casefold() in taken:
        name = f"{base}-{n}"
        n += 1
    taken.add(name.casefold())
    return name


def ascii_file_name(name: str) -> str:
    """The attachment's name in plain ASCII, for the file specification's legacy ``/F`` entry (``/UF`` has it all)."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return _SAFE.sub("_", plain).strip("._") or "original"


def pdf_date(value: datetime) -> str:
    return to_utc(value).strftime("D:%Y%m%d%H%M%SZ")


def _check(cancel: CancelToken | None) -> None:
    if cancel is not None:
        cancel.check()


def build_bundle(
    spec: BundleSpec,
    open_original: OpenOriginal,
    out_path: Path,
    *,
    progress: Progress = no_progress,
    cancel: CancelToken | None = None,
    text_page_cap: int = C.TEXT_PAGE_CAP,
    batch_sources: int = 400,
    chunk_pages: int = 250,
    work_folder: Path | None = None,
) -> BuildResult:
    """Write the bundle for ``spec`` to ``out_path`` (opened for writing, so overwritten).

    Work files (plain copies of originals among them) are anonymous files in
    ``work_folder`` (default: beside ``out_path``): they have no name on disk
    and vanish with this process, however it ends (see ``casedesk.outputs``).
    """
    folder = work_folder if work_folder is not None else out_path.parent
    folder.mkdir(parents=True, exist_ok=True)
    remove_stale_work(folder)  # left by builds of earlier versions, or where anonymous files are not available
    work = Scratch(folder, WORK_PREFIX)
    build = _Build(spec, open_original, work, progress, cancel, text_page_cap, batch_sources, chunk_pages)
    try:
        return build.run(out_path)
    finally:
        build.close()
        work.close()


def process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def remove_stale_work(folder: Path) -> int:
    """Remove work folders that builds killed before they could clean up left in ``folder``."""
    removed = 0
    with contextlib.suppress(OSError):
        for entry in folder.iterdir():
            m = _WORK_RE.fullmatch(entry.name)
            if m is None or not entry.is_dir() or entry.is_symlink() or process_alive(int(m.group(1))):
                continue
            shutil.rmtree(entry, ignore_errors=True)
            removed += 1
    if removed:
        log.info("removed %d work folder(s) left by interrupted bundle builds", removed)
    return removed


class _Build:
    def __init__(self, spec: BundleSpec, open_original: OpenOriginal, work: Scratch, progress: Progress,
                 cancel: CancelToken | None, text_page_cap: int, batch_sources: int, chunk_pages: int) -> None:
        self.spec = spec
        self.open_original = open_original
        self.work = work
        self.progress = progress
        self.cancel = cancel
        self.text_page_cap = text_page_cap
        self.batch_sources = max(4, batch_sources)
        self.chunk_pages = chunk_pages
        self.steps = len(spec.exhibits) + 4
        self.exhibits: list[_Exhibit] = []
        self.problems: list[tuple[str, str]] = []
        self.cuts: list[tuple[str, str]] = []  # (exhibit reference, what of it is typeset)
        self.sensitive_pages: set[int] = set()  # bundle pages stamped as showing sensitive material
        self.used: dict[str, str] = {}  # helper tools this build ran, with their versions (for the manifest)
        self.private: PrivateFolder | None = None  # named files for helper tools (LibreOffice, OCR)
        self.converter: Converter | None = None

    def close(self) -> None:
        if self.private is not None:
            self.private.close()
            self.private = None

    def _private(self) -> PrivateFolder:
        if self.private is None:
            self.private = PrivateFolder(self.work.folder, WORK_PREFIX)
        return self.private

    def _ocr_version(self) -> None:
        if "tesseract" not in self.used:
            version = O.version(self._private())
            if version:
                self.used["tesseract"] = version

    def _read_words(self, image: Any) -> list[O.Word]:
        self._ocr_version()
        return O.read_image(image, self._private())

    def _converter(self) -> Converter:
        if self.converter is None:
            self.converter = Converter(self._private())
            version = tool_version(self.converter)
            if version:
                self.used["libreoffice"] = version
        return self.converter

    # --- the body ----------------------------------------------------------------------
    def _custody_for(self, reference: str) -> list[CustodyLine]:
        return [e for e in self.spec.custody if e.exhibit_ref == reference]

    def _exhibit(self, w: Writer, index: int, info: ExhibitInfo, taken: set[str]) -> None:
        kind = C.kind_of(info.mime_type)
        carrier = self.work.new(f"attach-{index:05d}.pdf")
        copy = self.work.new(f"original-{index:05d}") if kind != "other" else None
        with self.open_original(info) as source:
            carried = write_carrier(source, carrier, info.sha256, info.reference, copy, self.cancel)
        attachment = attachment_name(info.reference, info.original_name, taken)
        problem: str | None = None
        notes: list[str] = []
        placed = None
        prepared = None
        text: C.PreparedText | None = None
        message: E.PreparedEmail | None = None
        cut: dict[str, int | None] | None = None
        fonts = Substitution()
        try:
            if kind == "email":
                assert copy is not None
                try:
                    message = E.prepare_email(copy, info) if info.size <= E.EMAIL_BYTE_CAP else None
                except E.EmailProblem as exc:
                    notes.append(f"The message could not be read as an e-mail ({exc}); its source is shown as text.")
                if message is None:
                    kind = "text"
                elif message.cut:
                    notes.append(message.cut)
                    self.cuts.append((info.reference, message.cut))
            if kind == "document":
                assert copy is not None
                target = self.work.new(f"placed-{index:05d}.pdf")
                try:
                    converted, removed = self._converter().to_pdf(copy, info.mime_type, info.size, info.reference)
                    if removed:
                        notes.append(f"{removed} reference(s) of the drawing to files or addresses outside it "
                                     "(pictures, styles) were not followed: they are left out of its pages. The "
                                     "attached original still holds them.")
                    try:
                        placed = place_pdf(converted, target, info.reference)
                    finally:
                        Converter.done(converted)
                except (ConversionProblem, PlacementError) as exc:
                    problem = str(exc)
                if placed is not None:
                    placed = dataclasses.replace(placed, captions=[
                        _PAGE_OF.sub(r" - LibreOffice page \1", c, 1) for c in placed.captions])
                    notes.append(
                        "The document's pages were laid out and printed to PDF by LibreOffice "
                        f"{self.used.get('libreoffice', '')}".rstrip() + " on the computer that made this bundle, "
                        "as a reader opening it in an office program would see it; fonts it names that are not "
                        "installed are replaced by similar ones. The attached original is unchanged."
                    )
                    fonts = placed.fonts  # LibreOffice embeds its fonts; were one not, the label would say so
                    notes.extend(_font_notes(fonts))
            if kind == "pdf":
                assert copy is not None
                target = self.work.new(f"placed-{index:05d}.pdf")
                scanned = O.scanned_pages(copy)
                searchable: Path | None = None
                if scanned:
                    try:
                        self._ocr_version()
                        searchable = O.ocr_pdf(copy, scanned, self._private())
                    except O.OcrProblem as exc:
                        notes.append(f"{scanned} page(s) of the PDF are pictures without text, and no text layer "
                                     f"could be added to them: {exc}.")
                try:
                    placed = place_pdf(searchable or copy, target, info.reference)
                except PlacementError as exc:
                    problem = str(exc)
                finally:
                    if searchable is not None:
                        O.done(searchable)
                if placed is not None and searchable is not None:
                    notes.append(
                        f"{scanned} page(s) of the PDF are pictures without text (a scan): a text layer recognised by "
                        f"OCR (Tesseract {self.used.get('tesseract', '')}, through OCRmyPDF) lies invisibly over "
                        "them, so that search finds their words; OCR may misread. The pictures are unchanged, and "
                        "so is the attached original."
                    )
                if placed is not None and placed.owner_protected:
                    notes.append(
                        "The PDF is protected by an owner password only (restrictions such as on printing or "
                        "copying), not by a password to open it: any reader shows its pages, and so does this "
                        "bundle. The attached original is unchanged."
                    )
                if placed is not None and placed.flattened:
                    notes.append(
                        f"{placed.flattened} form field(s), comment(s) or stamp(s) of the original are drawn into "
                        "its pages as a PDF reader shows them; in the attached original they remain interactive."
                    )
                if placed is not None and placed.not_drawn:
                    notes.append(
                        f"{placed.not_drawn} annotation(s) of the original have no appearance of their own and are "
                        "not drawn on its pages here; open the attached original to see them."
                    )
                if placed is not None:
                    fonts = placed.fonts
                    notes.extend(_font_notes(fonts))
                if placed is not None and placed.warnings:
                    notes.append(
                        f"The PDF is damaged: qpdf repaired {placed.warnings} problem(s) to read it, and its pages "
                        "are shown as repaired. The attached original is unchanged."
                    )
            elif kind == "text":
                assert copy is not None
                text = C.prepare_text(copy, info, self.text_page_cap)
                if text.cut:
                    notes.append(text.cut)
                    self.cuts.append((info.reference, text.cut))
                    cut = {"first_line": text.first_line, "last_line": text.last_line,
                           "of_lines": text.total_lines}
            elif kind == "image":
                assert copy is not None
                try:
                    prepared = C.prepare_image(copy, CONTENT_W, TOP - MARGIN_BOTTOM - 46, self._read_words)
                except C.ImageProblem as exc:
                    problem = str(exc)
                if prepared is not None and prepared.ocr_problem:
                    notes.append(f"No text layer could be made for the image: {prepared.ocr_problem}.")
            rendering = "placeholder" if problem else kind
            if problem:
                notes.append(f"Its content cannot be shown: {problem}. A page saying so follows.")
            place = S.label(w, info, self._custody_for(info.reference), rendering, attachment, notes)
            if problem:
                C.render_placeholder(w, info, problem)
                self.problems.append((info.reference, problem))
            elif kind in ("pdf", "document"):
                assert placed is not None
                w.sink.add_placed(target, placed.pages, placed.captions)
            elif kind == "text":
                assert text is not None
                C.render_text(w, text)
            elif kind == "email":
                assert message is not None
                E.render_email(w, message, info)
            elif kind == "image":
                assert prepared is not None
                C.render_image(w, prepared, info)
            else:
                C.render_other(w, info)
        finally:
            if copy is not None:
                self.work.drop(copy)
        last = w.sink.last_index()
        outcome = ExhibitOutcome(
            reference=info.reference, rendering=rendering, problem=problem, first_page=0, last_page=0,
            attachment=attachment, size=carried.size, sha256=carried.sha256, md5=info.md5,
            sha1=info.sha1, original_name=info.original_name, checksum=carried.md5, notes=notes, cut=cut,
            fonts_substituted=dict(fonts.shown_with), fonts_not_substituted=dict(fonts.not_substituted),
        )
        self.exhibits.append(_Exhibit(info, index, carrier,
                                      Original(carrier, carried.data_offset, carried.data_length),
                                      carried.compressed, outcome, place.page, place.attachment_rect, last))

    def run(self, out_path: Path) -> BuildResult:
        spec = self.spec
        body = PageSink(self.work, "body", self.chunk_pages)
        w = Writer(body)
        starts: dict[str, int] = {}
        self.progress(0, self.steps, "case summary and exhibit list")
        S.summary(w, spec)
        starts["summary"] = 0
        note_pages: dict[int, int] = {}
        if spec.case_notes:
            starts["notes"] = w.new_page()
            note_pages = S.case_notes(w, spec)
        starts["exhibit list"] = w.new_page()
        marked: set[int] = set()  # body pages that show sensitive (MG6D) material
        S.exhibit_list(w, spec, marked)
        taken = {MANIFEST_NAME.casefold()}
        for i, info in enumerate(spec.exhibits):
            _check(self.cancel)
            self.progress(i + 1, self.steps, f"exhibit {info.reference}")
            self._exhibit(w, i, info, taken)
        _check(self.cancel)
        self.progress(len(spec.exhibits) + 1, self.steps, "chain of custody")
        starts["custody"] = w.new_page()
        custody_starts = S.custody(w, spec, marked)
        starts["integrity"] = w.new_page()
        S.integrity(w, spec, self.problems, self.cuts)
        body.close()
        if self.exhibits:
            starts["exhibits"] = self.exhibits[0].label_page
        for ex in self.exhibits:
            if ex.info.sensitive:
                marked.update(range(ex.label_page, ex.last_body_page + 1))
        body_pages = body.pages

        # --- the front matter, now that every body page number is known -------------
        sections = [("summary", "Case summary")]
        if spec.case_notes:
            sections.append(("notes", "Case notes"))
        sections.append(("exhibit list", "Exhibit list (MG12)"))
        if self.exhibits:
            sections.append(("exhibits", "Exhibits"))
        sections += [("custody", "Chain of custody"), ("integrity", "Integrity statement")]
        order = [key for key, _ in sections]

        def section_end(key: str) -> int:
            pos = order.index(key)
            return (starts[order[pos + 1]] - 1) if pos + 1 < len(order) else body_pages - 1

        # The cover takes as many pages as the case's title and offences need, the index as many as its
        # rows: typeset the front matter, and again with the page numbers that gives until they agree.
        index_pages = S.index_pages(2 + len(sections) + len(self.exhibits) + len(spec.left_out))
        cover_pages = 1
        for attempt in range(8):
            front_pages = cover_pages + index_pages

            def number(body_index: int, front_pages: int = front_pages) -> int:
                return front_pages + body_index + 1

            for ex in self.exhibits:
                ex.outcome.first_page = number(ex.label_page)
                ex.outcome.last_page = number(ex.last_body_page)
            total = front_pages + body_pages
            entries = [
                S.IndexEntry(0, "Cover", "Case, marking, export time, custody log head", 1, cover_pages),
                S.IndexEntry(0, "Index", "This index", cover_pages + 1, front_pages),
            ]
            for key, title in sections:
                entries.append(S.IndexEntry(0, title, "", number(starts[key]), number(section_end(key))))
                if key == "exhibits":
                    # Every reference of the case in order; those not in the bundle point to the exhibit list.
                    listed = number(starts["exhibit list"])
                    rows = [S.IndexEntry(1, ex.info.reference, ex.info.description, ex.outcome.first_page,
                                         ex.outcome.last_page, ex.info.sensitive) for ex in self.exhibits]
                    rows += [S.IndexEntry(1, e.reference, f"Not in this bundle: {e.why}",
                                          listed, listed) for e in spec.left_out]
                    entries += sorted(rows, key=lambda r: exhibit_sort_key(r.label))
            front = PageSink(self.work, f"front{attempt}", self.chunk_pages)
            fw = Writer(front)
            S.cover(fw, spec, len(self.exhibits), total)
            typeset_cover = fw.new_page()
            marked_front: set[int] = set()
            links = S.index(fw, entries, spec.case.reference, 0, marked_front)
            front.close()
            if typeset_cover == cover_pages and front.pages == front_pages:
                break
            for segment in front.segments:
                self.work.drop(segment.path)
            cover_pages = max(1, typeset_cover)
        else:
            raise AssertionError(f"front matter has {front.pages} pages, planned {front_pages}")

        self.sensitive_pages = {number(i) for i in marked} | {i + 1 for i in marked_front}
        manifest = self._manifest(total)
        outline = self._outline(sections, starts, custody_starts, number, cover_pages, note_pages)
        _check(self.cancel)
        self.progress(len(spec.exhibits) + 2, self.steps, "stamping and assembling pages")
        segments = front.segments + body.segments
        self._assemble(out_path, segments, total, manifest, outline, links, number)
        self.progress(self.steps, self.steps, "bundle written")
        log.info("bundle built: %d pages, %d exhibits, %d placeholders", total, len(self.exhibits),
                 len(self.problems))
        return BuildResult(total, [e.outcome for e in self.exhibits], list(self.problems), manifest)

    # --- manifest and outline -------------------------------------------------------
    def _manifest(self, total: int) -> dict[str, Any]:
        spec = self.spec
        return {
            "format": MANIFEST_FORMAT,
            "case": spec.case.reference,
            "title": spec.case.title,
            "marking": spec.marking,
            "exported_at": iso_utc(spec.at),
            "tool": spec.tool,
            "software": {**software(), **dict(sorted(self.used.items()))},
            "pages": total,
            "bates": [bates(spec.case.reference, 1), bates(spec.case.reference, total)],
            "custody_head": {"seq": spec.head_seq, "entry_hash": spec.head_hash},
            "unit": None if spec.unit is None else {"name": spec.unit[0], "fingerprint": spec.unit[1],
                                                    "uncertified": len(spec.unit_uncertified)},
            "custody_tree": {"size": spec.head_seq, "root": spec.tree_root},
            "verifier_sha256": verifier_sha256(),  # the browser check written beside the bundle
            "exhibits": [
                {
                    "reference": e.outcome.reference,
                    "attachment": e.outcome.attachment,
                    "original_name": e.outcome.original_name,
                    "size": e.outcome.size,
                    "sha256": e.outcome.sha256,
                    "md5": e.outcome.md5,
                    "sha1": e.outcome.sha1,
                    "pages": [e.outcome.first_page, e.outcome.last_page],
                    "bates": [bates(spec.case.reference, e.outcome.first_page),
                              bates(spec.case.reference, e.outcome.last_page)],
                    "rendering": e.outcome.rendering,
                    "problem": e.outcome.problem,
                    "typeset_part": e.outcome.cut,
                    "fonts_substituted": [{"font": font, "shown_with": shown}
                                          for font, shown in sorted(e.outcome.fonts_substituted.items())],
                    "fonts_not_substituted": [{"font": font, "why": why}
                                              for font, why in sorted(e.outcome.fonts_not_substituted.items())],
                }
                for e in self.exhibits
            ],
            **({"notes": [
                {"note": n.number, "entry": n.entry, "entry_hash": n.entry_hash, "version": n.version,
                 "revises": n.revises, "exhibit": n.exhibit, "sha256": n.sha256}
                for n in spec.case_notes
            ]} if spec.case_notes else {}),
        }

    def _outline(self, sections: list[tuple[str, str]], starts: dict[str, int], custody_starts: dict[str, int],
                 number: Callable[[int], int], cover_pages: int,
                 note_pages: dict[int, int]) -> list[tuple[str, int, list[tuple[str, int]]]]:
        items: list[tuple[str, int, list[tuple[str, int]]]] = [("Cover", 1, []), ("Index", cover_pages + 1, [])]
        for key, title in sections:
            children: list[tuple[str, int]] = []
            if key == "exhibits":
                children = [(f"{e.info.reference} – {_one_line(e.info.description)}", e.outcome.first_page)
                            for e in self.exhibits]
            elif key == "notes":
                children = [(f"Note {note.number} – {_one_line(note.author)}", number(note_pages[note.number]))
                            for note in self.spec.case_notes]
            elif key == "custody":
                children = [("Case entries", number(custody_starts["case"]))]
                children += [(f"{e.info.reference}", number(custody_starts[e.info.reference]))
                             for e in self.exhibits if e.info.reference in custody_starts]
            items.append((title, number(starts[key]), children))
        return items

    # --- assembly ---------------------------------------------------------------------
    def _assemble(self, out_path: Path, segments: list[Segment], total: int, manifest: dict[str, Any],
                  outline: list[tuple[str, int, list[tuple[str, int]]]], links: list[S.IndexLink],
                  number: Callable[[int], int]) -> None:
        # Which exhibit's attachment goes with which segment: the one holding its label page.
        seg_first: list[int] = []
        page = 1
        for seg in segments:
            seg_first.append(page)
            page += seg.count
        attach_at: dict[int, list[_Exhibit]] = {}
        for ex in self.exhibits:
            label_number = number(ex.label_page)
            pos = max(i for i, first in enumerate(seg_first) if first <= label_number)
            attach_at.setdefault(pos, []).append(ex)
        batches: list[list[int]] = [[]]
        sources = 0
        for i, _seg in enumerate(segments):
            cost = 1 + len(attach_at.get(i, []))
            if batches[-1] and sources + cost > self.batch_sources:
                batches.append([])
                sources = 0
            batches[-1].append(i)
            sources += cost
        spec = self.spec
        if len(batches) == 1:
            out = Pdf.new()
            with ExitStack() as stack:
                files = self._fill(out, stack, segments, batches[0], seg_first, attach_at, total)
                self._finish(out, files, manifest, outline, links, total)
                self.progress(self.steps - 1, self.steps, "writing the bundle")
                self._write(out, out_path)
        else:
            parts: list[Path] = []
            for b, members in enumerate(batches):
                _check(self.cancel)
                part = Pdf.new()
                with ExitStack() as stack:
                    files = self._fill(part, stack, segments, members, seg_first, attach_at, total)
                    part.Root[FILES_KEY] = Array([spec_ for _, spec_ in files])
                    path = self.work.new(f"batch-{b:04d}.pdf")
                    _save(part, path)
                    parts.append(path)
                for i in members:
                    if segments[i].kind == "placed":
                        self.work.drop(segments[i].path)
            out = Pdf.new()
            with ExitStack() as stack:
                files = []
                for path in parts:
                    src = stack.enter_context(Pdf.open(path))
                    out.pages.extend(src.pages)
                    for filespec in src.Root[FILES_KEY]:
                        copied = out.copy_foreign(filespec)
                        files.append((str(copied.F), copied))
                self._finish(out, files, manifest, outline, links, total)
                self.progress(self.steps - 1, self.steps, "writing the bundle")
                self._write(out, out_path)
        del spec

    def _write(self, out: Pdf, target: Path) -> None:
        """Save ``out`` with placeholders, then splice each original in (memory independent of its size)."""
        skeleton = self.work.new("skeleton.pdf")
        with open(skeleton, "wb") as fh:  # through a stream: see _save
            out.save(fh, **WRITE_KWARGS)
        splice(skeleton, target, {ex.outcome.attachment: ex.original for ex in self.exhibits},
               {ex.outcome.attachment: marker(ex.index) for ex in self.exhibits})
        self.work.drop(skeleton)

    def _fill(self, out: Pdf, stack: ExitStack, segments: list[Segment], members: list[int],
              seg_first: list[int], attach_at: dict[int, list[_Exhibit]], total: int) -> list[tuple[str, Any]]:
        stamper = Stamper(out, self.work, self.spec.case.reference, self.spec.marking, total)
        files: list[tuple[str, Any]] = []
        for i in members:
            _check(self.cancel)
            seg = segments[i]
            src = stack.enter_context(Pdf.open(seg.path))
            for k in range(seg.count):
                n = seg_first[i] + k
                out.pages.append(src.pages[seg.first + k])
                if Name.Trans in out.pages[-1].obj and not out.pages[-1].obj.Trans.keys():
                    del out.pages[-1].obj[Name.Trans]  # reportlab's empty transition: nothing PDF/A should see
                caption = seg.captions[k] if seg.captions else ""
                stamper.stamp(out.pages[-1], n, caption, n in self.sensitive_pages)
            for ex in attach_at.get(i, []):
                # A placeholder: the original's bytes are spliced in as the bundle is written (splice.py).
                stream = Stream(out, marker(ex.index))
                if ex.compressed:
                    stream.Filter = Name.FlateDecode
                filespec = _filespec(out, stream, ex)
                page = out.pages[ex.outcome.first_page - seg_first[members[0]]]
                _attach_annotation(out, page, filespec, ex)
                files.append((ex.outcome.attachment, filespec))
        return files

    def _finish(self, out: Pdf, files: list[tuple[str, Any]], manifest: dict[str, Any],
                outline: list[tuple[str, int, list[tuple[str, int]]]], links: list[S.IndexLink],
                total: int) -> None:
        spec = self.spec
        data = manifest_bytes(manifest)
        stream = Stream(out, data)
        stream.Type = Name.EmbeddedFile
        stream.Subtype = Name("/application/json")
        stream.Params = Dictionary(Size=len(data))
        manifest_spec = out.make_indirect(Dictionary(
            Type=Name.Filespec, F=String(MANIFEST_NAME), UF=String(MANIFEST_NAME),
            EF=Dictionary(F=stream, UF=stream), AFRelationship=Name.Data,
            Desc=String("CaseDesk manifest: the bundle's exhibits, their hashes and the custody log head"),
        ))
        manifest["pdfa"], manifest["pdfa_problems"] = None, []  # set below, once the document is complete
        tree = NameTree.new(out)
        for name, filespec in sorted([*files, (MANIFEST_NAME, manifest_spec)], key=lambda item: item[0]):
            tree[name] = filespec
        out.Root.Names = Dictionary(EmbeddedFiles=tree.obj)
        # Index links.
        for link in links:
            page = out.pages[link.page]
            target = out.pages[link.target - 1]
            annot = Dictionary(
                Type=Name.Annot, Subtype=Name.Link, Rect=Array([round(v, 2) for v in link.rect]),
                Border=Array([0, 0, 0]), Dest=Array([target.obj, Name.XYZ, 0, PAGE_H, 0]),
            )
            _add_annot(out, page, annot)
        # Bookmarks.
        with out.open_outline() as tree_outline:
            for title, first, children in outline:
                # The page number in every bookmark, as the e-bundle guidance asks.
                item = OutlineItem(f"{title} (p. {first})", first - 1)
                for child_title, child_first in children:
                    item.children.append(OutlineItem(f"{child_title} (p. {child_first})", child_first - 1))
                tree_outline.root.append(item)
        out.Root.PageMode = Name.UseOutlines
        out.Root.OpenAction = Array([out.pages[0].obj, Name.XYZ, None, None, 1])  # opens at 100 %
        out.Root.Lang = String("en-GB")
        out.Root.ViewerPreferences = Dictionary(DisplayDocTitle=True)
        stamp = pdf_date(spec.at)
        out.docinfo = out.make_indirect(Dictionary(
            Title=String(f"Case bundle {spec.case.reference} – {spec.case.title}"),
            Subject=String(f"Case bundle, {total} pages, {spec.marking}"),
            Author=String(spec.prepared_by),
            Creator=String(spec.tool),
            Producer=String(f"{spec.tool} (reportlab {reportlab.Version}, pikepdf {pikepdf.__version__}, "
                            f"qpdf {pikepdf.__libqpdf_version__})"),
            CreationDate=String(stamp),
            ModDate=String(stamp),
        ))
        share_programs(out)  # one copy of each substitute font, however many originals use it
        # PDF/A-3b, declared only if nothing stands in the way; the manifest says which (see archival.py).
        A.prepare(out, spec.at)
        found = A.problems(out)
        if found:
            A.undeclare(out)
        manifest["pdfa"] = None if found else "PDF/A-3b"
        manifest["pdfa_problems"] = found[:20]
        data = manifest_bytes(manifest)
        stream.write(data)
        stream.Params = Dictionary(Size=len(data))


_FONTS_LISTED = 12  # fonts a label names; the manifest has every one


def _font_notes(fonts: Substitution) -> list[str]:
    """What the label says of an original's fonts that are not embedded in it."""
    notes: list[str] = []
    if fonts.shown_with:
        shown_with = sorted(fonts.shown_with.items())
        pairs = ", ".join(f"{font} with {shown}" for font, shown in shown_with[:_FONTS_LISTED])
        if len(shown_with) > _FONTS_LISTED:
            pairs += f" and {len(shown_with) - _FONTS_LISTED} more (the manifest lists them all)"
        liberation = [shown.startswith("Liberation") for shown in fonts.shown_with.values()]
        source = "Liberation" if all(liberation) else "URW base35 and Liberation" if any(liberation) else "URW base35"
        notes.append(
            "Fonts not embedded in the original were shown with the metric-compatible substitutes a PDF reader "
            f"uses, now embedded in these pages so that every reader shows the same: {pairs} ({source} fonts). "
            "The text and its layout are the original's; the attached original is unchanged."
        )
    if fonts.not_substituted:
        left = sorted(fonts.not_substituted.items())
        listed = "; ".join(f"{font} ({why})" for font, why in left[:_FONTS_LISTED])
        if len(left) > _FONTS_LISTED:
            listed += f"; and {len(left) - _FONTS_LISTED} more (the manifest lists them all)"
        notes.append(
            f"Fonts not embedded in the original were left so, as no substitute could be embedded: {listed}. "
            "A reader shows them with a font of its own choosing, and this bundle is not PDF/A."
        )
    if fonts.problem:
        notes.append(
            f"Fonts not embedded in the original could not be given substitutes: {fonts.problem}. A reader shows "
            "them with fonts of its own choosing, and this bundle is not PDF/A."
        )
    return notes


def _one_line(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 90 else text[:89] + "…"


def _filespec(out: Pdf, stream: Any, ex: _Exhibit) -> Any:
    stream.Type = Name.EmbeddedFile
    mime = ex.info.mime_type.split(";")[0].strip() or "application/octet-stream"
    # The name is the MIME type itself (written /application#2Fpdf in the file, read back as application/pdf).
    stream.Subtype = Name("/" + mime) if re.fullmatch(r"[\w.+-]+/[\w.+-]+", mime) else Name(
        "/application/octet-stream")
    stream.Params = Dictionary(Size=ex.outcome.size, CheckSum=String(bytes.fromhex(ex.outcome.checksum)))
    desc = f"Exhibit {ex.info.reference}: {_one_line(ex.info.description)} (SHA-256 {ex.outcome.sha256})"
    return out.make_indirect(Dictionary(
        Type=Name.Filespec, F=String(ascii_file_name(ex.outcome.attachment)), UF=String(ex.outcome.attachment),
        EF=Dictionary(F=stream, UF=stream), Desc=String(desc), AFRelationship=Name.Source,
    ))


def _add_annot(out: Pdf, page: pikepdf.Page, annot: Dictionary) -> None:
    annots = page.obj.get(Name.Annots)
    if annots is None:
        annots = Array()
        page.obj[Name.Annots] = annots
    annot.P = page.obj
    annots.append(out.make_indirect(annot))


def _attach_annotation(out: Pdf, page: pikepdf.Page, filespec: Any, ex: _Exhibit) -> None:
    x0, y0, _x1, y1 = ex.label_rect
    mid = (y0 + y1) / 2
    annot = Dictionary(
        Type=Name.Annot, Subtype=Name.FileAttachment, FS=filespec, Name=Name.Paperclip,
        Rect=Array([round(x0 - 20, 2), round(mid - 9, 2), round(x0 - 6, 2), round(mid + 9, 2)]),
        Contents=String(f"Original of exhibit {ex.info.reference}: {ex.outcome.attachment}"),
        F=4,
    )
    _add_annot(out, page, annot)


def _save(pdf: Pdf, path: Path) -> None:
    # Through a stream: given a name that exists, pikepdf would write a temporary file beside it and rename.
    with open(path, "wb") as fh:
        pdf.save(
            fh, deterministic_id=True, compress_streams=False,
            stream_decode_level=pikepdf.StreamDecodeLevel.none,
            object_stream_mode=pikepdf.ObjectStreamMode.generate,
        )
