# CaseDesk: the two Quick start commands are `make run` and `make test`.
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: run test test-full bench screenshots bundle-preview lint audit setup translations

setup:
	@./scripts/bootstrap.sh

run: setup
	$(VENV)/bin/casedesk

test: setup
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q

test-full: setup
	CASEDESK_TEST_FULL=1 QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q

bench: setup
	QT_QPA_PLATFORM=offscreen $(PY) -m bench

screenshots: setup
	QT_QPA_PLATFORM=offscreen $(PY) -m casedesk.ui.screenshots docs/screenshots

# The catalogue translators work from: every tr() string of the desktop app (tests/ui/test_translations.py
# checks it is current).
translations: setup
	$(VENV)/bin/pyside6-lupdate -no-obsolete $$(git ls-files 'casedesk/ui/*.py') -ts resources/translations/casedesk_en_GB.ts

bundle-preview: setup
	$(PY) -m casedesk.reports.preview docs/bundle-preview

lint: setup
	$(VENV)/bin/ruff check casedesk tests tools bench
	$(VENV)/bin/mypy casedesk

audit: setup
	./scripts/audit.sh constraints.txt
