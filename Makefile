# briefing — the two commands a newcomer types are `make briefings` and `make test`.
# Both work on a fresh machine: they install what is missing (Debian packages
# when run as root, otherwise they say exactly what to install), create
# .venv and install the project into it.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
OUT    ?= build
JOBS   ?= $(shell nproc 2>/dev/null || echo 2)

# Debian packages: Pango and HarfBuzz (with its subsetter, for small and
# reproducible font subsets) for WeasyPrint; the rest are used by the tests
# (read PDFs back, convert DOCX with LibreOffice, check pandoc sees headings,
# drive the web page in a real browser, check signatures with pdfsig and gpg).
RUNTIME_DEBS := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 libffi8 shared-mime-info
TEST_DEBS    := poppler-utils qpdf pandoc libreoffice-writer-nogui chromium gnupg

.PHONY: briefings serve test slow check lint typecheck golden bench clean distclean deps-runtime deps-test

briefings: $(VENV)/.installed
	$(BIN)/briefing build --all -j $(JOBS) --out $(OUT)

# The web page and API on http://127.0.0.1:8000/ (see README, "On demand").
serve: $(VENV)/.installed
	$(BIN)/briefing serve --host $(or $(HOST),127.0.0.1) --port $(or $(PORT),8000) --workers $(JOBS)

test: $(VENV)/.installed deps-test
	$(BIN)/briefing check --strict
	$(BIN)/ruff check generator tests tools bench
	$(BIN)/mypy
	$(BIN)/pytest -q -n auto

# The tests that lay out the whole catalogue (typographic goals of all PDFs,
# every Word file through LibreOffice with and without Noto Sans).
slow: $(VENV)/.installed deps-test
	$(BIN)/pytest -q -m slow

check: $(VENV)/.installed
	$(BIN)/briefing check --strict

lint: $(VENV)/.installed
	$(BIN)/ruff check generator tests tools bench

typecheck: $(VENV)/.installed
	$(BIN)/mypy

# Regenerate the golden HTML files after an intended change to templates,
# composition or content; review the diff before committing.
golden: $(VENV)/.installed
	UPDATE_GOLDEN=1 $(BIN)/pytest -q tests/test_html_golden.py

bench: $(VENV)/.installed deps-test
	$(BIN)/python bench/run.py

# The package's bytecode is compiled at install, as pip does for an installed
# package: an editable install compiles on first import, which
# PYTHONDONTWRITEBYTECODE (set on some machines) prevents, and every command
# would compile the package again (0.05 s of each start-up).
$(VENV)/.installed: pyproject.toml | deps-runtime
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev,serve,cluster,publish]'
	$(BIN)/python -m compileall -q generator
	touch $@

deps-runtime:
	@sh tools/debs.sh $(RUNTIME_DEBS)
	@$(PYTHON) -c "import ensurepip, venv" 2>/dev/null || sh tools/debs.sh python3-venv

deps-test:
	@sh tools/debs.sh $(TEST_DEBS)

clean:
	rm -rf $(OUT) .pytest_cache .mypy_cache .ruff_cache bench/work
	find . -name __pycache__ -type d -prune -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV) *.egg-info
