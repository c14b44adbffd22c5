# The two commands a newcomer runs: `make demo` and `make test`.
# Both work on a fresh Debian machine: they create .venv, install what is
# missing (Python packages, and Debian packages through apt-get) and go.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# The suite runs in two processes (pytest-xdist), one per core of the machines it runs on; an idle
# process takes tests queued for the other (worksteal), so one long test at the end does not hold
# the run while the other process waits.
TEST_PROCESSES ?= 2
HOST ?= 127.0.0.1
PORT ?= 8000
# apt-get as root, or through sudo for a normal user.
APT := $(if $(filter 0,$(shell id -u)),,sudo) env DEBIAN_FRONTEND=noninteractive apt-get

.PHONY: demo test worker serve install install-dev system-deps browser-deps node-deps messages migrate lint demo-smoke deploy-smoke loadtest clean

demo: install system-deps messages migrate ## install, migrate, load the demo data and serve on http://127.0.0.1:8000
	$(BIN)/python manage.py seed_demo
	@echo ""
	@echo "Serving the portal on http://$(HOST):$(PORT)/  (admin: http://$(HOST):$(PORT)/en/admin/)"
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: install-dev system-deps browser-deps messages ## install and run the whole suite
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest -n $(TEST_PROCESSES) --dist worksteal

worker: install ## a Celery worker with beat (needs REDIS_URL)
	$(BIN)/celery -A portal worker --beat --scheduler django_celery_beat.schedulers:DatabaseScheduler --loglevel INFO

serve: install
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); $(APT) update -qq && $(APT) install -y -qq python3-venv && $(PYTHON) -m venv $(VENV); }
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

# gettext compiles the translations; Pango draws the PDF receipts and reports.
system-deps:
	@command -v msgfmt >/dev/null 2>&1 && ldconfig -p | grep -q libpangoft2-1.0 || { \
		$(APT) update -qq && $(APT) install -y -qq gettext libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core >/dev/null; }

# Debian's Chromium drives the browser tests (no browser download); axe-core (package.json,
# pinned in package-lock.json) checks their pages' accessibility.
browser-deps: node-deps
	@test -x /usr/bin/chromium || { $(APT) update -qq && $(APT) install -y -qq chromium >/dev/null; }

node-deps: node_modules/.installed

node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null 2>&1 || { $(APT) update -qq && $(APT) install -y -qq nodejs npm >/dev/null; }
	npm ci --no-audit --no-fund --loglevel error
	touch $@

messages: install
	$(BIN)/python manage.py compilemessages --ignore "$(VENV)" -v 0

migrate: install
	$(BIN)/python manage.py migrate --noinput -v 1

lint: install-dev ## ruff, and the import contract (layers, no cycles) of .importlinter
	$(BIN)/ruff check .
	$(BIN)/lint-imports

# The zero-set-up path on SQLite, as `make demo` runs it, ending with a served home page.
demo-smoke: install messages
	.ci/demo-smoke

# The deployment as the README's "Deploying" section gives it, on PostgreSQL and Redis
# (production settings, collectstatic, gunicorn serving pages, static files and /health/).
deploy-smoke: install system-deps
	@command -v curl >/dev/null 2>&1 || { $(APT) update -qq && $(APT) install -y -qq curl >/dev/null; }
	.ci/deploy-smoke

# Deadline day under load (README, "Load test"): production settings, gunicorn, a worker, Locust.
# Options through the environment: LOADTEST_MODE, LOADTEST_APPLICANTS, LOADTEST_RATE, ...
loadtest: install-dev system-deps messages
	@command -v curl >/dev/null 2>&1 || { $(APT) update -qq && $(APT) install -y -qq curl >/dev/null; }
	loadtest/run

clean:
	rm -rf $(VENV) staticfiles .pytest_cache node_modules
