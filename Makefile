# Innovate: `make run` to try it, `make test` to check it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint format assets bench clean serve

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet ".[dev]"
	touch $(STAMP)

## run: make the virtual environment, migrate the embedded SQLite database, load the demo
## data once and serve on http://127.0.0.1:8000, with the worker that sends reminders beside
## it (emails are printed here); Ctrl-C stops both
run: $(STAMP)
	DJANGO_DEBUG=1 $(BIN)/python manage.py migrate --no-input
	DJANGO_DEBUG=1 $(BIN)/python manage.py seed_demo
	DJANGO_DEBUG=1 $(BIN)/python manage.py schedule_jobs
	DJANGO_DEBUG=1 $(BIN)/python scripts/dev

# The node modules the tests use (the W3C HTML checker), from the lock file; without
# their install scripts, which would download what the machine already has.
node_modules/.package-lock.json: package-lock.json
	command -v npm >/dev/null && npm ci --ignore-scripts --no-audit --no-fund || echo "npm is missing: the HTML checker's test will be skipped"

## test: the whole suite; PostgreSQL when DATABASE_URL is set, SQLite otherwise
test: $(STAMP) node_modules/.package-lock.json
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/python manage.py makemigrations --check --dry-run
	DJANGO_ALLOW_ASYNC_UNSAFE=true $(BIN)/pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## assets: rebuild the compiled CSS and vendored scripts from the pinned npm packages
assets:
	npm ci
	npm run build:css
	npm run vendor

## bench: build the national-scale PostgreSQL database, then time the pages with wrk (installed
## from Debian if missing) and run mixed load
## (DATABASE_URL must name an empty PostgreSQL database)
bench: $(STAMP)
	@test -n "$(DATABASE_URL)" || (echo "Set DATABASE_URL to an empty PostgreSQL database"; exit 1)
	@command -v wrk >/dev/null || { echo "Installing wrk (Debian's package)"; \
		apt-get install -y -qq wrk || sudo apt-get install -y -qq wrk; }
	@command -v wrk >/dev/null || (echo "wrk is needed: apt-get install wrk"; exit 1)
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python bench/generate.py
	$(BIN)/python bench/timing.py
	$(BIN)/python bench/load.py

clean:
	rm -rf $(VENV) staticfiles
