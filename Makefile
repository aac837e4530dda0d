# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
BIN := $(CURDIR)/$(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum requirements.lock | cut -d' ' -f1)
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/test
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15
PYTEST_WORKERS ?= auto

.PHONY: install run test test-main test-postgres lint format lock messages totp entry-link bench

$(STAMP): requirements.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	rm -f $(VENV)/.installed-*
	touch $@

install: $(STAMP)
	$(PY) manage.py compile_translations

# Set up everything and start the academy with demo data: web, Celery worker and beat.
run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_academy
	@echo "The academy starts at http://127.0.0.1:8000/ (Ctrl-C stops web, worker and beat)."
	PATH="$(BIN):$$PATH" $(BIN)/honcho --procfile Procfile.dev start

# The whole suite: SQLite (or $$DATABASE_URL) first, then the PostgreSQL-only tests.
test: install test-main test-postgres

test-main:
	ACADEMY_TESTING=1 $(PY) -m pytest -n $(PYTEST_WORKERS) -m "not postgres" $(PYTEST_ARGS)

test-postgres:
	@if $(PY) -m academy.probe postgres "$(TEST_DATABASE_URL)"; then \
		ACADEMY_TESTING=1 DATABASE_URL="$(TEST_DATABASE_URL)" $(PY) -m pytest -n $(PYTEST_WORKERS) --dist loadfile -m postgres; \
		status=$$?; [ $$status -eq 5 ] && status=0; exit $$status; \
	elif [ "$$REQUIRE_SERVICES" = "1" ]; then \
		echo "PostgreSQL is not reachable at $(TEST_DATABASE_URL), and REQUIRE_SERVICES=1"; exit 1; \
	else \
		echo "PostgreSQL is not reachable at $(TEST_DATABASE_URL): its tests are skipped"; \
	fi

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Extract translatable strings of every app into its .po file (needs GNU gettext).
messages: install
	$(PY) manage.py update_translations

lock:
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/pip install --quiet ".[dev]"
	{ echo "# Exact versions that install together on Python 3.11; regenerate with 'make lock'."; \
	  .lock-venv/bin/pip freeze --exclude pip --exclude setuptools --exclude shopkeeper-academy | sort -f; } > requirements.lock
	rm -rf .lock-venv

# Current two-factor code of the demo staff accounts.
totp: install
	$(PY) manage.py demo_totp

# A demo 进入商学院 link as the platform's app would open it (once, within five minutes).
entry-link: install
	$(PY) manage.py platform_entry_link

# The benchmark suite (production stack on PostgreSQL + Redis, wrk); see bench/run.py.
bench: install
	$(PY) bench/run.py
