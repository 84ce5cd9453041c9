"""Office documents and SVG drawings shown as a reader sees them: converted to PDF by LibreOffice.

LibreOffice (``soffice --headless --convert-to pdf``, from Debian's
``libreoffice-writer-nogui`` and ``libreoffice-draw-nogui``) lays the
document out; its PDF's pages are then placed like any original PDF's
(``stamping.place_pdf``), so only page content reaches the bundle: the
converter's dates, IDs, producer and XMP stay behind, and the same document
gives the same bytes.

LibreOffice cannot read a file that has no name (the decrypted copies of the
bundle build are anonymous files), so each conversion gets a private folder
(mode 0700, inside the build's own private folder, named with this process's
id so that a later build removes what a killed one left; see
``assemble.remove_stale_work``). Its input copy, its PDF and LibreOffice's
own temporary files (``TMPDIR``) and profile are there, and the folder is
removed as soon as the pages are placed. Each run is bounded in time; when
it overruns, its whole process group is killed.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

SOFFICE = "soffice"
CONVERT_TIMEOUT = 180.0  # seconds for one document, LibreOffice's start included
CONVERT_BYTE_CAP = 64 * 1024 * 1024  # larger documents are described, not converted

# MIME type (as libmagic names it) -> the file name extension LibreOffice chooses its import filter by.
_OOXML = "application/vnd.openxmlformats-officedocument."
CONVERTIBLE: dict[str, str] = {
    _OOXML + "wordprocessingml.document": ".docx",
    "application/msword": ".doc",
    "application/vnd.oasis.opendocument.text": ".odt",
    "application/rtf": ".rtf",
    "text/rtf": ".rtf",
    "image/svg+xml": ".svg",
}
WHAT = {".docx": "Word document", ".doc": "Word document", ".odt": "OpenDocument text",
        ".rtf": "RTF document", ".svg": "SVG drawing"}


# The private profile's settings, written before LibreOffice first starts. A document can link images from a web
# server (a DOCX relationship with TargetMode="External"): LibreOffice would fetch them while converting, telling
# whoever runs that server that the police opened the exhibit, and from where (a web beacon). It blocks links from
# documents outside its trusted locations when BlockUntrustedRefererLinks is set; the private profile trusts none.
PROFILE_SETTINGS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" \
xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Common/Security/Scripting">\
<prop oor:name="BlockUntrustedRefererLinks" oor:op="fuse"><value>true</value></prop></item>
</oor:items>
"""


class ConversionProblem(Exception):
    """A document LibreOffice could not convert; the message says why, for a placeholder page."""


_SVG = "http://www.w3.org/2000/svg"
_XLINK = "http://www.w3.org/1999/xlink"
_HREFS = ("href", f"{{{_XLINK}}}href")
_URL = re.compile(r"url\(\s*['\"]?(?!#)[^)]*\)", re.IGNORECASE)


def sanitize_svg(data: bytes) -> tuple[bytes, int]:
    """The drawing with every reference outside itself removed, and how many there were.

    LibreOffice draws an SVG's ``<image href="file:///...">`` from the computer that converts it: a drawing
    could pull any picture of the officer's disk into the bundle. Only references within the drawing (``#id``)
    and embedded data (``data:``) are kept; the XML is parsed by defusedxml (a drawing that declares entities is
    refused) and written again, so no DOCTYPE reaches LibreOffice either.
    """
    ET.register_namespace("", _SVG)
    ET.register_namespace("xlink", _XLINK)
    try:
        root = SafeET.fromstring(data)
    except ET.ParseError as exc:
        raise ConversionProblem(f"the SVG drawing is not well-formed XML ({exc})") from None
    except DefusedXmlException:
        raise ConversionProblem("the SVG drawing declares XML entities or a DTD, which could read files of the "
                                "computer converting it; it is not converted") from None
    removed = 0
    for element in root.iter():
        for name in _HREFS:
            value = element.get(name)
            if value is not None and not value.strip().startswith(("#", "data:")):
                del element.attrib[name]
                removed += 1
        style = element.get("style")
        if style and _URL.search(style):
            element.set("style", _URL.sub("none", style))
            removed += 1
        if element.tag == f"{{{_SVG}}}style" and element.text and (_URL.search(element.text) or "@import" in
                                                                      element.text):
            element.text = _URL.sub("none", element.text).replace("@import", "")
            removed += 1
    return ET.tostring(root, encoding="utf-8", xml_declaration=True), removed


def convertible(mime_type: str) -> bool:
    return mime_type.split(";")[0].strip().lower() in CONVERTIBLE


@dataclass(frozen=True)
class ToolRun:
    returncode: int
    stderr: str


def run_bounded(argv: Sequence[str], timeout: float, env: dict[str, str], cwd: Path) -> ToolRun:
    """Run a tool in its own process group; kill the whole group if it overruns ``timeout``."""
    with subprocess.Popen(
        list(argv), cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE, start_new_session=True,
    ) as proc:
        try:
            _, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            raise
        finally:
            # LibreOffice's launcher may leave its worker behind on failure: nothing of the group outlives the run.
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(proc.pid, signal.SIGKILL)
    return ToolRun(proc.returncode, err.decode("utf-8", "replace"))


# The guard of a private folder: a small process that waits for the end of its pipe, which only the exporting
# process holds. When the export ends, or is killed (SIGKILL closes the pipe too), it kills every process still
# working in the folder (a LibreOffice, OCRmyPDF or Tesseract run: their working directory is in it) and removes
# the folder with the decrypted copies in it, then exits.
_GUARD = """
import os, shutil, signal, sys, time
path = os.path.realpath(sys.argv[1])
sys.stdin.buffer.read()
def inside(pid):
    try:
        cwd = os.readlink('/proc/%s/cwd' % pid)
    except OSError:
        return False
    cwd = cwd[:-len(' (deleted)')] if cwd.endswith(' (deleted)') else cwd
    return cwd == path or cwd.startswith(path + os.sep)
for _ in range(100):
    pids = [int(p) for p in os.listdir('/proc') if p.isdigit() and inside(p)] if os.path.isdir('/proc') else []
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    shutil.rmtree(path, ignore_errors=True)
    if not pids and not os.path.exists(path):
        break
    time.sleep(0.05)
"""


class PrivateFolder:
    """A folder only this user can open, for tools that need named files; removed on ``close``.

    A guard process removes it, and stops every tool still working in it, as soon as this process ends, even
    killed: a killed export leaves no decrypted copy behind (issue 10: no plaintext anywhere after a kill). It is
    also named ``<prefix><pid>-...``, so that if the guard itself could not run, the next build removes it.
    """

    def __init__(self, parent: Path, prefix: str) -> None:
        self.path = Path(tempfile.mkdtemp(prefix=f"{prefix}{os.getpid()}-", dir=parent))  # mode 0700
        try:
            # stderr is inherited: whoever waits for this process's output also waits for the guard's clean-up.
            self._guard: subprocess.Popen[bytes] | None = subprocess.Popen(
                [sys.executable, "-I", "-c", _GUARD, str(self.path)], stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL, cwd="/", start_new_session=True, close_fds=True)
        except OSError:
            self._guard = None

    def job(self, name: str) -> Path:
        """A fresh private sub-folder for one run."""
        return Path(tempfile.mkdtemp(prefix=name, dir=self.path))

    def close(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)
        if self._guard is not None:
            guard, self._guard = self._guard, None
            assert guard.stdin is not None
            guard.stdin.close()
            with contextlib.suppress(subprocess.TimeoutExpired):
                guard.wait(timeout=10)


def tool_env(home: Path) -> dict[str, str]:
    """The environment of a helper tool: its home and temporary files in the private folder, one thread."""
    keep = ("PATH", "LANG", "LC_ALL", "FONTCONFIG_FILE", "SOURCE_DATE_EPOCH")
    env = {k: v for k, v in os.environ.items() if k in keep}
    env.update(HOME=str(home), TMPDIR=str(home), OMP_THREAD_LIMIT="1", SAL_USE_VCLPLUGIN="svp")
    env.setdefault("PATH", "/usr/bin:/bin")
    return env


class Converter:
    """LibreOffice conversions for one bundle build, sharing one private LibreOffice profile."""

    def __init__(self, private: PrivateFolder, timeout: float | None = None) -> None:
        self.private = private
        self.timeout = CONVERT_TIMEOUT if timeout is None else timeout
        self.profile = private.path / "libreoffice-profile"
        (self.profile / "user").mkdir(parents=True)
        (self.profile / "user" / "registrymodifications.xcu").write_text(PROFILE_SETTINGS, encoding="utf-8")

    def to_pdf(self, source: Path, mime_type: str, size: int, reference: str) -> tuple[Path, int]:
        """Convert ``source`` (a decrypted copy) to PDF in a private job folder; returns that PDF.

        With it, the number of references outside the document that were removed first (SVG only).

        The caller places its pages and then calls ``done`` with the returned path's folder.
        Raises ``ConversionProblem`` with the reason a placeholder page gives.
        """
        suffix = CONVERTIBLE[mime_type.split(";")[0].strip().lower()]
        what = WHAT[suffix]
        if size > CONVERT_BYTE_CAP:
            raise ConversionProblem(
                f"the {what} is larger than {CONVERT_BYTE_CAP // (1024 * 1024)} MiB, the limit for converting it "
                "to pages; open the attached original with a suitable program"
            )
        soffice = shutil.which(SOFFICE)
        if soffice is None:
            raise ConversionProblem(
                f"LibreOffice is not installed on the computer that made this bundle, so the {what} could not be "
                "converted to pages (Debian packages libreoffice-writer-nogui and libreoffice-draw-nogui)"
            )
        job = self.private.job("convert-")
        try:
            name = f"exhibit{suffix}"
            removed = 0
            if suffix == ".svg":
                clean, removed = sanitize_svg(source.read_bytes())
                with (job / name).open("xb") as dst:
                    dst.write(clean)
            else:
                with source.open("rb") as src, (job / name).open("xb") as dst:
                    shutil.copyfileobj(src, dst, 1 << 20)
            argv = [soffice, f"-env:UserInstallation={self.profile.as_uri()}", "--headless", "--invisible",
                    "--norestore", "--nolockcheck", "--nodefault", "--nologo",
                    "--convert-to", "pdf", "--outdir", str(job / "out"), str(job / name)]
            try:
                run = run_bounded(argv, self.timeout, tool_env(job), job)
            except subprocess.TimeoutExpired:
                raise ConversionProblem(
                    f"LibreOffice did not finish converting the {what} within {self.timeout:g} seconds; "
                    "it was stopped"
                ) from None
            except OSError as exc:
                raise ConversionProblem(f"LibreOffice could not be started ({exc.strerror or exc})") from None
            (job / name).unlink()
            pdf = job / "out" / "exhibit.pdf"
            if not pdf.is_file() or pdf.stat().st_size == 0:
                said = " ".join(line for line in run.stderr.splitlines()
                                if line.strip() and "javaldx" not in line)[:160]
                raise ConversionProblem(
                    f"LibreOffice could not read the {what} (exit {run.returncode}"
                    + (f": {said}" if said else "") + ")"
                )
            return pdf, removed
        except BaseException:
            shutil.rmtree(job, ignore_errors=True)
            raise

    @staticmethod
    def done(pdf: Path) -> None:
        """Remove a conversion's job folder (its PDF among it) once its pages are placed."""
        shutil.rmtree(pdf.parent.parent, ignore_errors=True)


def tool_version(converter: Converter) -> str | None:
    """LibreOffice's version (``7.4.7.2``), or None when it cannot be run (the conversion will say why)."""
    soffice = shutil.which(SOFFICE)
    if soffice is None:
        return None
    job = converter.private.job("version-")
    try:
        out = subprocess.run(
            [soffice, f"-env:UserInstallation={converter.profile.as_uri()}", "--headless", "--version"],
            env=tool_env(job), cwd=job, capture_output=True, timeout=60, start_new_session=True, check=False,
        ).stdout.decode("utf-8", "replace")
    except (OSError, subprocess.TimeoutExpired):
        return None
    finally:
        shutil.rmtree(job, ignore_errors=True)
    words = out.split()
    return words[1] if len(words) > 1 and words[0] == "LibreOffice" else None
