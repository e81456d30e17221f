# Two commands do everything: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DATA ?= data

.PHONY: run test test-lowest lint clean
CHROMIUM := /usr/bin/chromium

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "make: $(PYTHON) not found; install Python 3.11 or run 'make PYTHON=python3 ...'"; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

# Crawl the bundled sample site (served on 127.0.0.1) with the real spider, index, serve.
run: $(STAMP)
	$(BIN)/halonotes crawl --sample --data $(DATA)
	$(BIN)/halonotes index --data $(DATA)
	$(BIN)/halonotes serve --data $(DATA) $(if $(PORT),--port $(PORT),--port 8000 --next-free-port)

# The browser tests drive Debian's Chromium: install it when missing (root), else say how.
$(CHROMIUM):
	@if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "make: installing Debian's chromium for the browser tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else \
		echo "make: the browser tests need Chromium at $(CHROMIUM): run 'sudo apt-get install chromium', then make test"; \
		exit 1; \
	fi

test: $(STAMP) | $(CHROMIUM)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest -q

# The suite on the lowest version of every dependency pyproject.toml declares, in its own venv.
LOWEST := .venv-lowest
test-lowest: $(STAMP) | $(CHROMIUM)
	rm -rf $(LOWEST)
	$(PYTHON) -m venv $(LOWEST)
	$(BIN)/uv pip install --quiet --python $(LOWEST)/bin/python --resolution lowest-direct -e '.[dev]'
	$(LOWEST)/bin/python -m pytest -q -p no:cacheprovider

lint: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) $(LOWEST) build *.egg-info .pytest_cache .ruff_cache
