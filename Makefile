# Two commands on a fresh machine (Python 3.11 with pip): `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STORE  := output/store

.PHONY: demo test install install-test clean

$(BIN)/kg: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	@touch $@

$(VENV)/.test-installed: $(BIN)/kg
	$(BIN)/pip install --quiet -e '.[test]'
	@touch $@

install: $(BIN)/kg

install-test: $(VENV)/.test-installed

demo: install
	rm -rf $(STORE)
	$(BIN)/kg build examples/ --store $(STORE)
	$(BIN)/kg stats --store $(STORE)
	$(BIN)/kg export --format ttl --out output/graph.ttl --store $(STORE)
	$(BIN)/kg render --out output/graph.html --store $(STORE)
	$(MAKE) --no-print-directory install-test  # Playwright drives the system chromium for the PNG
	-$(BIN)/kg render --out output/graph.html --png output/graph.png --store $(STORE)  # skipped without chromium
	$(BIN)/kg query --name who-did-what --store $(STORE)

test: install-test
	$(BIN)/python -m pytest -q

clean:
	rm -rf $(VENV) output/store output/*.html output/*.ttl output/*.png
