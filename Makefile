# The two commands a newcomer needs: `make run` and `make test`.
UV ?= $(shell command -v uv 2>/dev/null || echo .venv-bootstrap/bin/uv)
PY := .venv/bin/python
TEST_ENV := SECRET_KEY=test-only-not-secret DEBUG=0 SECURE_SSL_REDIRECT=0
# The benchmarks' PostgreSQL holds the city-sized set (about 1.1 GB) in its own memory, as a
# database server sized for its data does; loaddata_large --prewarm reads it in before measuring.
BENCH_SHARED_BUFFERS ?= 2GB
BENCH_ENV := $(TEST_ENV) KEEP_PG_DATA=.bench/pg PG_OPTIONS="-c shared_buffers=$(BENCH_SHARED_BUFFERS)"

.PHONY: run test test-quick venv lint check bench bench-pages load loaddata-large messages screenshots

venv: .venv/.synced

.venv/.synced: pyproject.toml uv.lock
	@command -v uv >/dev/null 2>&1 || [ -x .venv-bootstrap/bin/uv ] || \
		(python3 -m venv .venv-bootstrap && .venv-bootstrap/bin/pip install -q uv)
	$(UV) sync --frozen
	@touch $@

run: venv
	DEBUG=1 $(PY) manage.py migrate --no-input
	DEBUG=1 $(PY) manage.py seed_demo
	DEBUG=1 $(PY) manage.py runserver 127.0.0.1:8000

test: venv
	$(TEST_ENV) scripts/test-services.sh $(PY) -m pytest $(PYTEST_ARGS)

# The suite on SQLite with Celery eager: quick feedback while working, not what CI runs.
test-quick: venv
	$(TEST_ENV) $(PY) -m pytest -m "not integration" $(PYTEST_ARGS)

# The reach figures on the city-sized data set (the cluster in .bench/pg, shared with bench-pages
# and load): the live report against hand-written SQL, the recount, the dashboard and downloads
# reading the kept figures. About 1.5 minutes once the set is built. BENCH_ARGS=--help.
bench: venv
	$(BENCH_ENV) scripts/test-services.sh $(PY) scripts/bench_reach.py $(BENCH_ARGS)

# Median server time of the busy pages on the city-sized data set, one request at a time. The
# PostgreSQL cluster is kept in .bench/pg, so only the first run builds the set (minutes).
bench-pages: venv
	$(BENCH_ENV) scripts/test-services.sh $(PY) scripts/bench_pages.py $(BENCH_ARGS)

# The load test: gunicorn (gunicorn.conf.py), a Celery worker and celery beat on the city-sized
# set, locust on loopback with 17 coordinators, 5 partners and 2 project leaders, in phases with
# and without the leaders' reports (one run). LOAD_ARGS=--help.
load: venv
	$(BENCH_ENV) scripts/test-services.sh $(PY) scripts/load.py $(LOAD_ARGS)

# The city-sized data set (40 schools, 5 school years, ~860k contacts) in the empty PostgreSQL
# database of DATABASE_URL, for trying pages at scale. LARGE_ARGS="--scale 0.1" for a tenth.
loaddata-large: venv
	$(PY) manage.py migrate --no-input
	$(PY) manage.py loaddata_large $(LARGE_ARGS)

lint: venv
	$(PY) -m ruff check .

check: venv
	DEBUG=1 $(PY) manage.py makemigrations --check --dry-run
	DEBUG=1 $(PY) manage.py check

# Dutch catalogues: lists every string without a Dutch translation (add it by hand to the .po of
# the app whose code or templates use it; top-level templates/ go to familieschool's), then
# compiles the .mo files. tests/test_translations.py fails on any untranslated string.
messages: venv
	DEBUG=1 $(PY) scripts/untranslated.py || true
	DEBUG=1 $(PY) manage.py compilemessages -l nl --ignore=.venv

# docs/screenshots/: the walk-in, the partner's week and the dashboard at 390 and 1280 px, on demo data.
screenshots: venv
	$(PY) scripts/screenshots.py
