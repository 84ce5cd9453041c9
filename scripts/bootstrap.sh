#!/bin/sh
# Prepare everything CaseDesk needs on a Debian/Ubuntu machine with Python 3.11+:
# system libraries (libmagic, Qt runtime libraries) where missing, a virtual
# environment in .venv, and the Python packages pinned by constraints.txt.
# Idempotent: a second run only checks and returns.
set -eu
cd "$(dirname "$0")/.."

say() { printf 'bootstrap: %s\n' "$*" >&2; }

PYTHON="${PYTHON:-python3}"
if ! command -v "$PYTHON" >/dev/null 2>&1; then
    say "python3 not found: install Python 3.11 or newer (sudo apt-get install python3 python3-venv)"; exit 1
fi
if ! "$PYTHON" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)'; then
    say "Python 3.11 or newer is required; found $("$PYTHON" --version 2>&1)"; exit 1
fi

# --- system packages -------------------------------------------------------
# `--tests` (make test) adds what only the test suite uses: a throwaway PostgreSQL, Chromium, Xvfb, poppler.
FOR_TESTS=0
[ "${1:-}" = "--tests" ] && FOR_TESTS=1
missing=""
need_pkg() { dpkg -s "$1" >/dev/null 2>&1 || missing="$missing $1"; }
if command -v dpkg >/dev/null 2>&1; then
    need_pkg libmagic1
    # LibreOffice (headless, no GUI): bundles show DOCX/ODT/RTF documents and SVG drawings as a reader sees
    # them (casedesk/reports/convert.py; tests/reports/test_rendering_documents.py).
    need_pkg libreoffice-writer-nogui
    need_pkg libreoffice-draw-nogui
    # Tesseract (English model) and OCRmyPDF: the OCR text layer on scanned pages and photographed documents
    # (casedesk/reports/ocr.py; tests/reports/test_rendering_ocr.py).
    need_pkg tesseract-ocr-eng
    need_pkg ocrmypdf
    # URW base35 fonts: embedded in the placed pages of PDFs that name Helvetica, Times, Courier... without
    # embedding them, so the bundle is PDF/A (casedesk/reports/font_substitutes.py; tests/reports/test_pdfa.py).
    need_pkg fonts-urw-base35
    # Liberation fonts: the same for TrueType fonts named Arial, Times New Roman, Courier New (font_substitutes.py).
    need_pkg fonts-liberation2
    if [ "$FOR_TESTS" = 1 ]; then
        # What only the tests use (`make test`; `make run` installs none of it: a laptop runs no server):
        # pdftotext and pdftoppm: the bundle tests check text as a lawyer's tools find it.
        need_pkg poppler-utils
        # Xvfb and xdotool: the desktop app's walk in a real X11 window (tests/ui/test_xvfb_walk.py).
        need_pkg xvfb
        need_pkg xdotool
        # PostgreSQL (initdb, postgres): tests/unit_service start a throwaway cluster for the unit service.
        need_pkg postgresql
        # Chromium: the browser verifier shipped beside each bundle runs in it headless
        # (tests/reports/test_browser_verifier.py).
        need_pkg chromium
    fi
    # Qt 6 runtime libraries (offscreen and xcb platforms).
    for p in libegl1 libgl1 libxkbcommon0 libfontconfig1 libdbus-1-3 libglib2.0-0 \
             libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 \
             libxcb-shape0 libxcb-render-util0 libxcb-image0 libxcb-xinerama0; do
        need_pkg "$p"
    done
    "$PYTHON" -m venv --help >/dev/null 2>&1 && "$PYTHON" -c 'import ensurepip' 2>/dev/null \
        || missing="$missing python3-venv"
fi
if [ -n "$missing" ]; then
    if [ "$(id -u)" = 0 ]; then SUDO=""; elif command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else SUDO="none"; fi
    if [ "$SUDO" = none ] || ! command -v apt-get >/dev/null 2>&1; then
        say "missing system packages:$missing; install them (apt-get install$missing) and run again"; exit 1
    fi
    say "installing system packages:$missing"
    if ! { $SUDO apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q $missing >/dev/null; }; then
        say "could not install$missing; install them yourself (apt-get install$missing) and run again"; exit 1
    fi
fi

# --- virtual environment ---------------------------------------------------
if [ ! -x .venv/bin/python ]; then
    say "creating virtual environment in .venv"
    "$PYTHON" -m venv .venv
fi
stamp=.venv/.casedesk-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ] || [ constraints.txt -nt "$stamp" ]; then
    say "installing Python packages (pinned by constraints.txt)"
    .venv/bin/python -m pip install -q --upgrade pip >/dev/null 2>&1 || true
    .venv/bin/python -m pip install -q -c constraints.txt -e ".[test,dev]"
    touch "$stamp"
fi
