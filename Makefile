# Two commands set up everything on a fresh machine: `make site` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
SOURCES := generator tests bench tools
NODE_STAMP  := node_modules/.installed
CHROME_PATH ?= /usr/bin/chromium
export NO_MKDOCS_2_WARNING := 1
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: site build check cache serve test lint typecheck bench golden clean help debs pdf-libs qr-sheet new export import deploy deploy-ready

help:
	@echo "make site    - build the sample catalogue into public/ (vi at /, en at /en/)"
	@echo "make serve   - live preview on http://127.0.0.1:8000/ while editing"
	@echo "make check   - validate products/ and producers/ without building"
	@echo "make cache PART=2/4 - fill build/cache/ for part 2 of 4 of the products (a CI matrix job)"
	@echo "make test    - run the test suite (lint, types, tests)"
	@echo "make verify  - check the built site in Chromium: HTML, axe, Lighthouse, XSS, links, CSP, phone layout"
	@echo "make bench   - benchmark builds (N=1000,5000) and the search page (N=1000,20000)"
	@echo "make golden  - regenerate the golden Markdown files used by the tests"
	@echo "make qr-sheet - A4 QR label sheets into build/qr-sheets/ (QR_ARGS=--producer ID)"
	@echo "make new     - start a new product file; asks what is missing (NEW_ARGS='--name \"…\" …')"
	@echo "make export  - the editing spreadsheet into build/bang-san-pham.xlsx (EXPORT_ARGS='--out F.csv')"
	@echo "make import FILE=bang.xlsx - create or update products and producers from a spreadsheet (IMPORT_ARGS=--dry-run)"
	@echo "make deploy TARGET=ssh|github-pages|s3 - publish public/ (mkdocs.yml extra.deploy; DEPLOY_ARGS='--host …')"
	@echo "make deploy TARGET=rollback - switch the ssh server back to its previous release"

# The virtual environment is rebuilt whenever the lock file changes. The generator runs from the
# project folder (`python -m generator`), so it is not installed into the environment.
$(STAMP): requirements.lock pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -r requirements.lock
	touch $(STAMP)

# Debian libraries WeasyPrint (PDF spec sheets) loads at run time: installed when the import
# fails and possible (root), otherwise the command to run is printed.
PDF_DEBS := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 libfontconfig1
pdf-libs: $(STAMP)
	@if ! $(PY) -c 'import weasyprint' >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(PDF_DEBS) >/dev/null; \
	  else echo "error: WeasyPrint needs Debian's $(PDF_DEBS): sudo apt-get install $(PDF_DEBS)"; exit 1; fi; \
	fi

site build: $(STAMP) pdf-libs
	$(PY) -m generator build

check: $(STAMP)
	$(PY) -m generator check

# One job of a CI matrix: photos, share images, QR codes and PDF sheets of part PART (K/N) of the
# products into build/cache/; a build on the union of the parts' caches encodes nothing
# (docs/benchmarks.md, "More cores, or a CI matrix").
PART ?= 1/1
cache: $(STAMP) pdf-libs
	$(PY) -m generator cache --part $(PART)

serve: $(STAMP)
	$(PY) -m generator serve

qr-sheet: $(STAMP)
	$(PY) -m generator qr --sheet $(QR_ARGS)

new: $(STAMP)
	$(PY) -m generator new $(NEW_ARGS)

# Spreadsheet for district officials (docs/spreadsheet.md): export, edit in Excel, import back.
export: $(STAMP)
	$(PY) -m generator export $(EXPORT_ARGS)

import: $(STAMP)
	@test -n "$(FILE)" || { echo "usage: make import FILE=bang.xlsx [IMPORT_ARGS=--dry-run]"; exit 2; }
	$(PY) -m generator import "$(FILE)" $(IMPORT_ARGS)

# Deployment (docs/deployment.md) of the release public/ points at: an SSH server (rsync into
# <path>/releases/, atomic switch of <path>/current; TARGET=rollback goes back), a gh-pages branch,
# or S3-compatible storage. Settings in mkdocs.yml extra.deploy, overridden by DEPLOY_ARGS.
deploy: deploy-ready $(STAMP)
	$(PY) -m generator deploy $(TARGET) $(DEPLOY_ARGS)

deploy-ready:
	@test -n "$(TARGET)" || { echo "usage: make deploy TARGET=ssh|github-pages|s3|rollback [DEPLOY_ARGS='--host user@server --path /var/www/ocop']"; exit 2; }
	@test "$(TARGET)" = rollback || test -e public || { echo "chưa có public/: hãy chạy make site trước / public/ does not exist: run make site first"; exit 2; }

lint: $(STAMP)
	$(PY) -m ruff check $(SOURCES)
	$(PY) -m ruff format --check $(SOURCES)

typecheck: $(STAMP)
	$(PY) -m mypy

# Debian packages the tests use: nginx and Apache answer the generated redirect and header rules
# for real; poppler's pdftotext reads the printed product page and the PDF spec sheets back; rsync
# deploys (make deploy TARGET=ssh, tests/test_deploy.py). Installed when missing
# and possible (root); otherwise those tests are skipped with the reason.
DEBS := nginx-light poppler-utils apache2-bin rsync
debs:
	@if ! { command -v nginx || test -x /usr/sbin/nginx; } >/dev/null || ! command -v pdftotext >/dev/null \
	    || ! test -x /usr/sbin/apache2 || ! command -v rsync >/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(DEBS) >/dev/null) \
	      && (service nginx stop >/dev/null 2>&1 || true) \
	      || echo "warning: could not install $(DEBS); the nginx, Apache, PDF text and deploy tests will be skipped"; \
	  else echo "note: run 'sudo apt-get install $(DEBS)' to run the nginx, Apache, PDF text and deploy tests"; fi; \
	fi

test: $(STAMP) debs pdf-libs chromium lint typecheck
	$(PY) -m pytest -q

# Build benchmark (bench/run.py, N = 1,000 and 5,000; builds only under build/bench/, with one
# rendition/PDF cache for every N in build/bench/cache), then the catalogue search page in headless
# Chromium (bench/search.py, needs the sample build and the npm packages). `BENCH_ARGS=--write` and
# `SEARCH_BENCH_ARGS=--write` refresh docs/benchmarks.md. `BENCH_ARGS=--cold` empties the shared
# cache first (a cold build of N = 1,000 took 24 min on 2 shared cores). The target size, once the
# cache holds the photos: BENCH_ARGS="--sizes 20000 --distinct-photos 3000".
BENCH_ARGS ?=
SEARCH_BENCH_ARGS ?=
bench: $(STAMP) site $(NODE_STAMP) chromium
	$(PY) -m bench.run $(BENCH_ARGS)
	CHROME_PATH=$(CHROME_PATH) $(PY) -m bench.search $(SEARCH_BENCH_ARGS)

golden: $(STAMP)
	$(PY) -m tests.golden --update

clean:
	rm -rf build public public.* .pytest_cache .mypy_cache .ruff_cache

# Offline checks of the built site in a real browser (docs/verification.md): HTML validity, axe,
# Lighthouse, the XSS fixture, links. npm packages are pinned in package-lock.json; nothing downloads
# a browser (Debian chromium) or a Java runtime (vnu-jar's postinstall is skipped: Java is present).
# VERIFY_LH_RUNS=1 for a quicker run; VERIFY_CHECKS=html,axe,lighthouse,xss,links picks checks.
.PHONY: verify chromium
$(NODE_STAMP): package.json package-lock.json
	PUPPETEER_SKIP_DOWNLOAD=1 PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --ignore-scripts --no-audit --no-fund
	touch $(NODE_STAMP)

# Debian's chromium for the browser checks (nothing downloads a browser); installed when missing
# and possible (root).
chromium:
	@if ! test -x $(CHROME_PATH); then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "error: install Debian's chromium (sudo apt-get install chromium)"; exit 1; fi; \
	fi

verify: site $(NODE_STAMP) chromium
	CHROME_PATH=$(CHROME_PATH) PYTHON=$(PY) node verify/run.mjs
