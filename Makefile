# CaseDesk: the two Quick start commands are `make run` and `make test`.
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: run test test-full bench screenshots bundle-preview lint audit setup setup-tests translations catalogues

setup:
	@./scripts/bootstrap.sh

# The app's needs and what only the tests, benches and preview use (PostgreSQL, Chromium, Xvfb, poppler).
setup-tests:
	@./scripts/bootstrap.sh --tests

run: setup catalogues
	$(VENV)/bin/casedesk

test: setup-tests
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q

test-full: setup-tests
	CASEDESK_TEST_FULL=1 QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q

bench: setup-tests
	QT_QPA_PLATFORM=offscreen $(PY) -m bench

screenshots: setup
	QT_QPA_PLATFORM=offscreen $(PY) -m casedesk.ui.screenshots docs/screenshots

# The catalogues translators work from: every tr() string of the desktop app (tests/ui/test_translations.py
# checks they are current), then compiled to the .qm files the app loads for the user's locale.
translations: setup
	for ts in resources/translations/casedesk_*.ts; do \
		$(VENV)/bin/pyside6-lupdate -no-obsolete $$(git ls-files 'casedesk/ui/*.py') -ts $$ts || exit 1; done
	$(MAKE) catalogues

catalogues:
	$(VENV)/bin/pyside6-lrelease -silent resources/translations/casedesk_*.ts

bundle-preview: setup-tests
	$(PY) -m casedesk.reports.preview docs/bundle-preview

lint: setup
	$(VENV)/bin/ruff check casedesk tests tools bench
	$(VENV)/bin/mypy casedesk

audit: setup
	./scripts/audit.sh constraints.txt
