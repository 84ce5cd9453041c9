"""A searchable text layer on scanned pages and photographed documents: Tesseract OCR, invisible text.

UK e-bundle guidance asks for text a reader can search on every page. Two
kinds of exhibit carry text only as pixels:

- images (a photographed letter, a scan saved as JPEG or TIFF): the image is
  sent to ``tesseract`` on its standard input, in memory, and the words it
  reads, with their boxes, come back on its standard output (TSV); they are
  drawn over the image in invisible text (render mode 3), each scaled to its
  box, so search and copy find them where they are seen. Nothing is written
  to disk;
- PDF pages that are only a picture (a scanner's output): ``ocrmypdf``
  (``--skip-text``: pages that have text are left alone; ``--output-type
  pdf --optimize 0``: the page images are kept as they are) adds the text
  layer, and those pages are placed instead of the original's. OCRmyPDF
  needs files: its input, output and work files lie in the build's private
  folder (mode 0700, see ``convert.PrivateFolder``) and are removed at once.

Both run with one thread (``OMP_THREAD_LIMIT=1``, ``--jobs 1``), so they
read the same words each time, within a time limit. The placed picture is
unchanged; the label page says the text layer was recognised by OCR and may
hold errors. Tesseract's English model is used (Debian's
``tesseract-ocr-eng``).
"""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pikepdf
from pikepdf import Name, Pdf
from PIL import Image

from casedesk.reports.convert import PrivateFolder, run_bounded, tool_env

TESSERACT = "tesseract"
OCRMYPDF = "ocrmypdf"
LANGUAGE = "eng"
MIN_CONFIDENCE = 40.0  # words Tesseract is less sure of are left out (photographs yield noise)
OCR_PIXELS = 3000  # the longer side of the image Tesseract reads
IMAGE_TIMEOUT = 120.0
PDF_TIMEOUT_BASE = 60.0
PDF_TIMEOUT_PER_PAGE = 30.0
PDF_PAGE_CAP = 300  # a longer scanned PDF is placed without a text layer (the label says so)


class OcrProblem(Exception):
    """OCR could not be run or did not finish; the message says why (the label repeats it)."""


@dataclass(frozen=True)
class Word:
    text: str
    box: tuple[float, float, float, float]  # left, top, width, height as fractions of the image
    confidence: float


def _tool(name: str, shown: str, package: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise OcrProblem(f"{shown} is not installed on the computer that made this bundle (Debian package {package})")
    return path


def version(private: PrivateFolder) -> str | None:
    """Tesseract's version (``5.3.0``), or None when it cannot be run."""
    path = shutil.which(TESSERACT)
    if path is None:
        return None
    job = private.job("tesseract-")
    try:
        out = subprocess.run([path, "--version"], env=tool_env(job), cwd=job, capture_output=True,
                             timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    finally:
        shutil.rmtree(job, ignore_errors=True)
    words = (out.stdout or out.stderr).decode("utf-8", "replace").split()
    return words[1] if len(words) > 1 and words[0] == "tesseract" else None


def read_image(image: Image.Image, private: PrivateFolder) -> list[Word]:
    """The words Tesseract reads in ``image`` (as shown: oriented, any mode), positions relative to it."""
    tesseract = _tool(TESSERACT, "Tesseract", "tesseract-ocr-eng")
    shown = image.convert("L")
    if max(shown.size) > OCR_PIXELS:
        shown.thumbnail((OCR_PIXELS, OCR_PIXELS), Image.Resampling.BILINEAR)
    png = io.BytesIO()
    shown.save(png, "PNG")
    width, height = shown.size
    job = private.job("ocr-")  # its home and TMPDIR only: the image goes through a pipe
    try:
        proc = subprocess.run(
            [tesseract, "stdin", "stdout", "-l", LANGUAGE, "--psm", "3", "tsv"],
            input=png.getvalue(), capture_output=True, env=tool_env(job), cwd=job, timeout=IMAGE_TIMEOUT,
            check=False, start_new_session=True,
        )
    except subprocess.TimeoutExpired:
        raise OcrProblem(f"Tesseract did not finish within {IMAGE_TIMEOUT:g} seconds; it was stopped") from None
    except OSError as exc:
        raise OcrProblem(f"Tesseract could not be started ({exc.strerror or exc})") from None
    finally:
        shutil.rmtree(job, ignore_errors=True)
    if proc.returncode != 0:
        said = " ".join(proc.stderr.decode("utf-8", "replace").split())[:160]
        raise OcrProblem(f"Tesseract could not read the image (exit {proc.returncode}: {said})")
    words: list[Word] = []
    rows = csv.DictReader(io.StringIO(proc.stdout.decode("utf-8", "replace")), delimiter="\t",
                          quoting=csv.QUOTE_NONE)
    for row in rows:
        text = (row.get("text") or "").strip()
        if row.get("level") != "5" or not text:
            continue
        try:
            conf = float(row["conf"])
            left, top, w, h = (int(row[k]) for k in ("left", "top", "width", "height"))
        except (KeyError, TypeError, ValueError):
            continue
        if conf < MIN_CONFIDENCE or w <= 0 or h <= 0:
            continue
        words.append(Word(text, (left / width, top / height, w / width, h / height), conf))
    return words


# --- scanned PDFs -----------------------------------------------------------------


def _has_fonts(resources: pikepdf.Object, depth: int = 0) -> tuple[bool, bool]:
    """(uses a font, shows an image) for a resource dictionary, looking into its form XObjects."""
    fonts = bool(resources.get(Name.Font))
    images = False
    xobjects = resources.get(Name.XObject)
    for _, xobject in (xobjects.items() if isinstance(xobjects, pikepdf.Dictionary) else []):
        subtype = xobject.get(Name.Subtype) if isinstance(xobject, pikepdf.Stream) else None
        if subtype == Name.Image:
            images = True
        elif subtype == Name.Form and depth < 4:
            inner = xobject.get(Name.Resources)
            if isinstance(inner, pikepdf.Dictionary):
                f, i = _has_fonts(inner, depth + 1)
                fonts, images = fonts or f, images or i
    return fonts, images


_TEXT_OPERATORS = "Tj TJ ' \""


def _shows_text(obj: pikepdf.Object, depth: int = 0) -> bool:
    """Whether a page or form XObject draws any text (a font in its resources alone says nothing)."""
    if pikepdf.parse_content_stream(obj, _TEXT_OPERATORS):
        return True
    resources = obj.get(Name.Resources)
    xobjects = resources.get(Name.XObject) if isinstance(resources, pikepdf.Dictionary) else None
    for _, xobject in (xobjects.items() if isinstance(xobjects, pikepdf.Dictionary) else []):
        if (isinstance(xobject, pikepdf.Stream) and xobject.get(Name.Subtype) == Name.Form and depth < 4
                and _shows_text(xobject, depth + 1)):
            return True
    return False


def scanned_pages(path: Path) -> int:
    """How many pages of the PDF are pictures without text (a scanner's output); 0 when it cannot tell."""
    try:
        with Pdf.open(path) as pdf:
            count = 0
            for page in pdf.pages:
                resources = page.obj.get(Name.Resources)
                if not isinstance(resources, pikepdf.Dictionary):
                    continue
                fonts, images = _has_fonts(resources)
                count += images and not (fonts and _shows_text(page.obj))
            return count
    except (pikepdf.PdfError, pikepdf.PasswordError, OSError, ValueError):
        return 0


def ocr_pdf(source: Path, pages: int, private: PrivateFolder) -> Path:
    """A copy of the PDF with a text layer on its picture-only pages, in a private job folder.

    The caller places its pages, then removes the folder with ``done``. Raises ``OcrProblem``.
    """
    ocrmypdf = _tool(OCRMYPDF, "OCRmyPDF", "ocrmypdf")
    _tool(TESSERACT, "Tesseract", "tesseract-ocr-eng")
    if pages > PDF_PAGE_CAP:
        raise OcrProblem(f"the PDF has more than {PDF_PAGE_CAP} pages without text; they are shown without OCR")
    job = private.job("ocrpdf-")
    try:
        src = job / "in.pdf"
        with source.open("rb") as fh, src.open("xb") as out:
            shutil.copyfileobj(fh, out, 1 << 20)
        target = job / "out.pdf"
        timeout = PDF_TIMEOUT_BASE + PDF_TIMEOUT_PER_PAGE * pages
        argv = [ocrmypdf, "--skip-text", "--output-type", "pdf", "--optimize", "0", "--jobs", "1",
                "--quiet", "-l", LANGUAGE, str(src), str(target)]
        try:
            run = run_bounded(argv, timeout, tool_env(job), job)
        except subprocess.TimeoutExpired:
            raise OcrProblem(f"OCRmyPDF did not finish within {timeout:g} seconds; it was stopped") from None
        except OSError as exc:
            raise OcrProblem(f"OCRmyPDF could not be started ({exc.strerror or exc})") from None
        src.unlink()
        if run.returncode != 0 or not target.is_file():
            said = " ".join(run.stderr.split())[:160]
            raise OcrProblem(f"OCRmyPDF could not add a text layer (exit {run.returncode}: {said})")
        fixed = job / "fixed.pdf"
        _name_layers(target, fixed)
        target.unlink()
        return fixed
    except BaseException:
        shutil.rmtree(job, ignore_errors=True)
        raise


def _name_layers(source: Path, target: Path) -> None:
    """Give OCRmyPDF's text layers fixed names: it names each ``/OCR-<random>``, which would differ every run."""
    with Pdf.open(source) as pdf:
        for number, page in enumerate(pdf.pages):
            resources = page.obj.get(Name.Resources)
            xobjects = resources.get(Name.XObject) if isinstance(resources, pikepdf.Dictionary) else None
            if not isinstance(xobjects, pikepdf.Dictionary):
                continue
            renames = {key: f"/OCR-{number:05d}-{i}" for i, key in
                       enumerate(sorted(k for k in xobjects.keys() if k.startswith("/OCR-")))}
            if not renames:
                continue
            for old, new in renames.items():
                xobjects[new] = xobjects[old]
                del xobjects[old]
            ops: list[Any] = []
            for instruction in pikepdf.parse_content_stream(page.obj):
                if (isinstance(instruction, pikepdf.ContentStreamInstruction) and str(instruction.operator) == "Do"
                        and instruction.operands and str(instruction.operands[0]) in renames):
                    instruction = pikepdf.ContentStreamInstruction(
                        [Name(renames[str(instruction.operands[0])])], instruction.operator)
                ops.append(instruction)
            page.obj.Contents = pdf.make_stream(pikepdf.unparse_content_stream(ops))
        pdf.save(target, deterministic_id=True)


def done(pdf: Path) -> None:
    shutil.rmtree(pdf.parent, ignore_errors=True)
