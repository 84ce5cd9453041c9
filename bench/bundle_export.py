"""Bundle export speed and memory, and the cost of stamping against qpdf's own overlay, in the same run.

* A case of 200 exhibits (50 PDFs of 20 pages, 100 text documents of about
  three pages, 50 JPEG photos): ``Bundles.export`` end to end (full
  verification, decrypting every original, typesetting, placing, stamping,
  attaching, writing the PDF, sidecar, manifest and custody entry) in a child
  process on a prepared installation; figure: bundle pages per second of the
  ``export`` call (sign-in excluded), goal >= 100; the child's peak resident
  memory, goal < 500 MiB.
* Stamping the 1,000 original PDF pages: CaseDesk's placement of each page
  into the bundle's margins plus its stamp (a unique Bates number per page)
  against ``qpdf in.pdf --overlay stamp.pdf --repeat=1 -- out.pdf`` (one stamp
  repeated) on the same pages; goal <= 4x.

* In the same run, the comparisons for the export rate: reportlab's own
  typesetting rate (a plain canvas drawing the same text exhibits line by
  line in Courier, pages/s) and ``qpdf --empty --pages ... --`` copying the
  same original PDFs into one file (pages/s).
* The PDF/A-3b check the export makes before it declares the bundle PDF/A
  (``archival.problems``: pikepdf's full validator once the benchmark's PDFs
  conform, their Helvetica substituted), timed again on the written bundle,
  against the whole export's time.
* One large exhibit (1 GiB of incompressible bytes; 256 MiB with ``--quick``)
  exported alone: seconds and peak memory of the export, against
  ``qpdf --add-attachment`` putting the same original into a PDF (its time and
  peak memory, from ``/usr/bin/time``); goal: peak memory independent of the
  exhibit's size.

``--quick``: 20 exhibits (5 PDFs, 10 texts, 5 photos) and a 256 MiB exhibit.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

from bench.common import Row, timed, timed_command

PASSWORD = "bench-password-0417"
CASE = "BENCH-0005"


def _env(data: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["XDG_DATA_HOME"] = str(data.with_name(data.name + ".xdg"))
    env["PYTHON_KEYRING_BACKEND"] = "keyrings.alt.file.PlaintextKeyring"
    env.pop("CASEDESK_HOME", None)
    return env


def make_inputs(folder: Path, pdfs: int, texts: int, photos: int) -> dict[str, list[Path]]:
    from PIL import Image
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    out: dict[str, list[Path]] = {"pdf": [], "text": [], "photo": []}
    (folder / "pdf").mkdir(parents=True)
    (folder / "text").mkdir()
    (folder / "photo").mkdir()
    for n in range(pdfs):
        path = folder / "pdf" / f"statement-{n:03d}.pdf"
        c = Canvas(str(path), pagesize=A4, invariant=1)
        for page in range(20):
            c.setFont("Helvetica-Bold", 13)
            c.drawString(60, 780, f"Statement {n}, page {page + 1} of 20")
            c.setFont("Helvetica", 10)
            for line in range(44):
                c.drawString(60, 750 - line * 15.5, f"{line + 1:>2}  The witness saw the suspect at the cash machine "
                             f"on the evening of {line % 28 + 1} March 2026.")
            c.showPage()
        c.save()
        out["pdf"].append(path)
    for n in range(texts):
        path = folder / "text" / f"message-log-{n:03d}.txt"
        lines = [f"2026-03-{n % 28 + 1:02d} 21:{i % 60:02d} user{i % 5}: message {i} about the transfer of £{i * 13} "
                 "to the account ending 0417 – confirmed" for i in range(190)]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        out["text"].append(path)
    for n in range(photos):
        path = folder / "photo" / f"IMG_{n:04d}.jpg"
        image = Image.new("RGB", (1600, 1200), (40 + n * 3 % 200, 80, 120))
        for x in range(0, 1600, 50):
            image.paste((200, 150 + n % 100, 70), (x, (x * 7 + n * 31) % 1100, x + 35, (x * 7 + n * 31) % 1100 + 90))
        image.save(path, "JPEG", quality=85)
        out["photo"].append(path)
    return out


def make_large(folder: Path, mib: int) -> Path:
    """``mib`` MiB of incompressible bytes (a video exhibit, as far as a bundle is concerned)."""
    folder.mkdir(parents=True)
    path = folder / "cctv-export.bin"
    block = os.urandom(1 << 20)
    with path.open("wb") as fh:
        for n in range(mib):
            fh.write(n.to_bytes(8, "big") + block[8:])  # every MiB differs, none compresses
    return path


def _reportlab_rate(texts: list[Path], work: Path) -> float:
    """reportlab's own typesetting: the same text exhibits drawn line by line on a plain canvas, pages/s."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    pages = 0

    def typeset() -> None:
        nonlocal pages
        pages = 0
        c = Canvas(str(work / "reportlab.pdf"), pagesize=A4, invariant=1)
        for path in texts:
            y = 800.0
            c.setFont("Courier", 7.6)
            for line in path.read_text(encoding="utf-8").splitlines():
                if y < 50:
                    c.showPage()
                    c.setFont("Courier", 7.6)
                    pages += 1
                    y = 800.0
                c.drawString(40, y, line)
                y -= 9.4
            c.showPage()
            pages += 1
        c.save()

    seconds = timed(typeset, repeat=3)
    return pages / seconds


def _qpdf_copy_rate(pdfs: list[Path], pages: int, work: Path) -> float:
    """``qpdf`` copying the same original PDFs into one file, pages/s."""
    seconds = timed_command(["qpdf", "--empty", "--pages", *map(str, pdfs), "--", str(work / "copied.pdf")],
                            repeat=3)
    return pages / seconds


def _qpdf_attach(big: Path, work: Path) -> tuple[float, float]:
    """(seconds, peak MiB) of ``qpdf --add-attachment`` putting ``big`` into a one-page PDF."""
    import pikepdf

    base = work / "one-page.pdf"
    with pikepdf.new() as pdf:
        pdf.add_blank_page()
        pdf.save(base)
    start = time.perf_counter()
    proc = subprocess.run(["/usr/bin/time", "-f", "%M", "qpdf", "--add-attachment", str(big), "--", str(base),
                           str(work / "attached.pdf")], capture_output=True, text=True, check=True)
    seconds = time.perf_counter() - start
    (work / "attached.pdf").unlink()
    return seconds, int(proc.stderr.strip().splitlines()[-1]) / 1024


def _worker(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["setup", "export"])
    parser.add_argument("data")
    parser.add_argument("target")
    parser.add_argument("--counts", default="50,100,50")
    parser.add_argument("--big-mib", type=int, default=0)
    args = parser.parse_args(argv)
    from casedesk.datadir import DataDir
    from casedesk.services.accounts import Accounts
    from casedesk.services.cases import Cases
    from casedesk.services.evidence import Evidence, IngestMetadata
    from casedesk.services.installation import Installation

    inst = Installation(DataDir(Path(args.data)))
    if args.mode == "setup":
        inst.initialise("admin", PASSWORD, "Bench Admin", "BA")
        admin = inst.sign_in("admin", PASSWORD)
        Accounts(admin).add("det", "detective", "Bench Detective", "BD", PASSWORD)
        admin.close()
        det = inst.sign_in("det", PASSWORD)
        Cases(det).create(CASE, "Operation Benchmark", ["Fraud Act 2006 s.2"])
        Cases(det).set_summary(CASE, "A benchmark case of 200 exhibits. " * 20)
        if args.big_mib:
            inputs = {"large": [make_large(Path(args.target), args.big_mib)]}
        else:
            pdfs, texts, photos = (int(v) for v in args.counts.split(","))
            inputs = make_inputs(Path(args.target), pdfs, texts, photos)
        evidence = Evidence(det)
        for kind, paths in inputs.items():
            evidence.ingest(CASE, paths, IngestMetadata(description=f"Benchmark {kind} exhibit",
                                                        seized_from="Bench premises", seal="BENCH0001"))
        det.close()
        return 0
    from casedesk.services.bundles import Bundles

    det = inst.sign_in("det", PASSWORD)
    start = time.perf_counter()
    result = Bundles(det).export(CASE, Path(args.target))
    seconds = time.perf_counter() - start
    det.close()
    pdfa = json.loads(result.manifest_path.read_text("utf-8"))["pdfa"]
    print(json.dumps({"seconds": seconds, "pages": result.pages, "peak_mib": _peak_mib(),
                      "exhibits": len(result.included), "size": result.size, "pdfa": pdfa}))
    return 0


def _peak_mib() -> float:
    """This process's own peak resident memory (VmHWM, per address space).

    Not getrusage's ru_maxrss: Linux carries that high-water mark across fork and exec, so a
    worker started by a parent that once held 1 GiB (the custody benchmark's log) would report it.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _child(data: Path, *args: str) -> str:
    proc = subprocess.run([sys.executable, "-m", "bench.bundle_export", "--worker", *args], env=_env(data),
                          capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"bundle bench worker failed: {proc.stderr[-2000:]}")
    return proc.stdout


def _stamping(work: Path, pdfs: list[Path]) -> tuple[float, float, int]:
    """(CaseDesk placement + stamping seconds, qpdf overlay seconds, pages) on the same original pages."""
    import pikepdf
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    from casedesk.outputs import Scratch
    from casedesk.reports.stamping import Stamper, place_pdf

    joined = work / "originals.pdf"
    with pikepdf.new() as pdf:
        sources = [pikepdf.open(p) for p in pdfs]
        for src in sources:
            pdf.pages.extend(src.pages)
        pdf.save(joined)
        for src in sources:
            src.close()
    with pikepdf.open(joined) as pdf:
        pages = len(pdf.pages)
    stamp = work / "stamp.pdf"
    c = Canvas(str(stamp), pagesize=A4, invariant=1)
    c.setFont("Helvetica", 7.5)
    c.drawString(28, 17, f"{CASE}-000001")
    c.drawRightString(A4[0] - 28, A4[1] - 24, f"Page 1 of {pages}")
    c.showPage()
    c.save()
    qpdf = timed_command(["qpdf", str(joined), "--overlay", str(stamp), "--repeat=1", "--", str(work / "qpdf.pdf")],
                         repeat=3)

    def ours() -> None:
        placed = place_pdf(joined, work / "placed.pdf", "BD/1")
        scratch = Scratch(work, ".bench-stamp-")
        with pikepdf.open(work / "placed.pdf") as src, pikepdf.new() as out:
            stamper = Stamper(out, scratch, CASE, "OFFICIAL-SENSITIVE", placed.pages)
            for number, page in enumerate(src.pages, start=1):
                out.pages.append(page)
                stamper.stamp(out.pages[-1], number, placed.captions[number - 1])
            out.save(work / "ours.pdf", deterministic_id=True, compress_streams=False,
                     stream_decode_level=pikepdf.StreamDecodeLevel.none,
                     object_stream_mode=pikepdf.ObjectStreamMode.generate)
        scratch.close()

    return timed(ours, repeat=3), qpdf, pages


def _pdfa_check(bundle: Path) -> tuple[float, float, int, int]:
    """(seconds, CPU seconds, objects, findings) of the export's PDF/A check (``archival.problems``) on ``bundle``."""
    import pikepdf

    from casedesk.reports import archival

    with pikepdf.open(bundle) as pdf:
        objects = len(pdf.objects)
        found: list[str] = []

        def check() -> None:
            found[:] = archival.problems(pdf)

        cpu = time.process_time()
        seconds = timed(check, repeat=1)
        cpu = time.process_time() - cpu
    return seconds, cpu, objects, len(found)


def run(workdir: Path, quick: bool) -> list[Row]:
    counts = (5, 10, 5) if quick else (50, 100, 50)
    data = workdir / "data"
    evidence = workdir / "evidence"
    _child(data, "setup", str(data), str(evidence), "--counts", ",".join(map(str, counts)))
    runs = [json.loads(_child(data, "export", str(data), str(workdir / f"bundle-{i}.pdf")).strip().splitlines()[-1])
            for i in range(1 if quick else 2)]
    best = min(runs, key=lambda r: r["seconds"])
    rate = best["pages"] / best["seconds"]
    peak = max(r["peak_mib"] for r in runs)
    pdfs = sorted((evidence / "pdf").glob("*.pdf"))
    typeset_rate = _reportlab_rate(sorted((evidence / "text").glob("*.txt")), workdir)
    copy_rate = _qpdf_copy_rate(pdfs, 20 * len(pdfs), workdir)
    check_seconds, check_cpu, check_objects, check_findings = _pdfa_check(workdir / "bundle-0.pdf")
    ours, qpdf, pages = _stamping(workdir, pdfs)
    n = sum(counts)
    label = f"{n} exhibits ({counts[0]} PDFs x 20 pages, {counts[1]} texts, {counts[2]} photos)"

    big_mib = 256 if quick else 1024
    big_data = workdir / "data-large"
    big_evidence = workdir / "evidence-large"
    _child(big_data, "setup", str(big_data), str(big_evidence), "--big-mib", str(big_mib))
    big = json.loads(_child(big_data, "export", str(big_data), str(workdir / "bundle-large.pdf"))
                     .strip().splitlines()[-1])
    (workdir / "bundle-large.pdf").unlink()
    attach_seconds, attach_peak = _qpdf_attach(big_evidence / "cctv-export.bin", workdir)
    big_rate = big_mib / big["seconds"]
    attach_rate = big_mib / attach_seconds
    return [
        Row(f"bundle export, {label}: {best['pages']} pages", f"{rate:,.0f} pages/s ({best['seconds']:.1f} s)", "-",
            "-", ">= 100 pages/s", rate >= 100),
        Row("  the same export against reportlab typesetting the same texts on a plain canvas (time a page)",
            f"{rate:,.0f} pages/s", f"reportlab: {typeset_rate:,.0f} pages/s", f"{typeset_rate / rate:.1f}x", "-",
            None),
        Row("  the same export against qpdf copying the same original PDFs, qpdf --empty --pages (time a page)",
            f"{rate:,.0f} pages/s", f"qpdf: {copy_rate:,.0f} pages/s", f"{copy_rate / rate:.1f}x", "-", None),
        Row(f"  of which the PDF/A-3b full check (pikepdf.pdfa, {check_objects:,} objects; the bundle "
            f"{'is PDF/A-3b' if best.get('pdfa') and not check_findings else 'is not PDF/A'})",
            f"{check_seconds:.1f} s ({check_cpu:.1f} s CPU)", f"the whole export: {best['seconds']:.1f} s",
            f"{check_seconds / best['seconds']:.2f}x", "-", None),
        Row(f"bundle export peak memory, {label}", f"{peak:,.0f} MiB", "-", "-", "< 500 MiB", peak < 500),
        Row(f"bundle export, one {big_mib:,} MiB exhibit (incompressible)",
            f"{big_rate:,.0f} MiB/s ({big['seconds']:.1f} s)",
            f"qpdf --add-attachment: {attach_rate:,.0f} MiB/s ({attach_seconds:.1f} s)",
            f"{attach_rate / big_rate:.2f}x", "-", None),
        Row(f"bundle export peak memory, one {big_mib:,} MiB exhibit", f"{big['peak_mib']:,.0f} MiB",
            f"qpdf --add-attachment: {attach_peak:,.0f} MiB", f"{big['peak_mib'] / attach_peak:.2f}x",
            "independent of exhibit size (< 500 MiB)", big["peak_mib"] < 500),
        Row(f"stamp {pages} original PDF pages (place in margins + unique Bates stamp)", f"{ours:.2f} s",
            f"qpdf --overlay (one stamp, --repeat=1): {qpdf:.2f} s", f"{ours / qpdf:.2f}x", "<= 4x",
            ours / qpdf <= 4),
    ]


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        sys.exit(_worker(sys.argv[2:]))
    print("run through `python -m bench --only bundle_export`", file=sys.stderr)
    sys.exit(2)
