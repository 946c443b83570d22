# The two commands: `make run` and `make test`. Everything else is a step of them.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
# fonts-noto-cjk: Chinese in report PDFs; poppler-utils: the tests read PDFs back;
# chromium: the browser tests (driven by Playwright, whose own download is not used).
# postgresql-15, redis-server: the drills that stop a private server of their own
# under a running worker (never the shared one).
# libreoffice-calc-nogui: the import tests read a workbook saved by LibreOffice
# (soffice --headless --convert-to xlsx), as the offices that use it send them;
# the export tests print the XLSX files to PDF to check they fit the page and
# show every date.
DEBIAN_PACKAGES := fonts-noto-cjk gettext poppler-utils chromium postgresql-15 redis-server \
                   libreoffice-calc-nogui
export DJANGO_SETTINGS_MODULE ?= config.settings.local

.PHONY: run test setup static venv system-packages database migrate demo messages lint format \
        check stop-db clean

# Quiet set-up (one line per step, the details in var/log/make-run.log), then
# the banner with the URL and the demo logins, then the service's own logs.
# HOST and PORT (default 127.0.0.1:8000) choose where the web server listens.
run:
	@scripts/quiet-setup.sh "$(MAKE)" "$(PY)"
	@$(PY) manage.py runall

# One test process per core (pytest-xdist), handing tests to whichever process
# is free; TEST_PROCESSES=0 runs them all in this process.
TEST_PROCESSES ?= auto
test: export DJANGO_SETTINGS_MODULE = config.settings.test
test: setup
	$(PY) -m pytest -n $(TEST_PROCESSES) --dist worksteal $(PYTEST_ARGS)

# Benchmarks, not part of `make test`: one table of ratios, each against a baseline
# measured in the same run, in throwaway databases (see bench/README.md); also
# written to var/bench/latest.md. QUICK=1: small sizes, under two minutes on an
# idle machine. BENCH_ARGS="--seed 7" for another world.
.PHONY: bench
bench: export DJANGO_SETTINGS_MODULE = config.settings.test
bench: venv database
	$(PY) -m bench $(if $(QUICK),--quick) --markdown var/bench/latest.md $(BENCH_ARGS)
	$(PY) -m bench.forecast_backtest $(if $(QUICK),--quick)

# Fault drills against real processes (gunicorn, a Celery worker, beat) on a
# private PostgreSQL cluster and redis-server of their own (see drills/README.md),
# one line of figures each. DRILL=name (or a comma-separated list) runs some;
# QUICK=1 a short version; DRILL_TRIALS, DRILL_SEED. Not part of `make test`.
.PHONY: drills
drills: export DJANGO_SETTINGS_MODULE = config.settings.test
drills: venv system-packages messages
	DRILL="$(DRILL)" QUICK="$(QUICK)" $(PY) -m drills

setup: venv system-packages messages database migrate static

static: venv
	$(PY) manage.py collectstatic --noinput -v 0

venv: $(STAMP)
$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

system-packages:
	@scripts/debian-packages.sh $(DEBIAN_PACKAGES)

messages: venv
	@command -v msgfmt >/dev/null || { echo "!! gettext (msgfmt) is missing: install the Debian package gettext" >&2; exit 1; }
	$(PY) manage.py compilemessages --ignore=.venv -v 0

database: venv
	$(PY) -m config.devdb prepare

migrate: database
	$(PY) manage.py migrate --noinput -v 0

demo: migrate
	$(PY) manage.py load_demo
	$(PY) manage.py generate_reports --demo-history

check: venv
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: venv
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

stop-db:
	@test -x $(PY) && $(PY) -m config.devdb stop || true

clean: stop-db
	rm -rf $(VENV) var
