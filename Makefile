# The two commands of the README: `make dataset` and `make test`.
VERSION ?= 0.1.0
RELEASES ?= data/releases
CARGO ?= cargo
BIN := target/release/casualty-corpus

.PHONY: dataset test build schemas clean

## Build a release of data/raw into $(RELEASES)/$(VERSION).
dataset: build
	$(BIN) build --input data/raw --lexicons data/lexicons --out $(RELEASES) --release-version $(VERSION)
	$(BIN) verify $(RELEASES)/$(VERSION)

build:
	$(CARGO) build --release --locked

PYTHON ?= python3
VENV := .venv
DEBUG_BIN := target/debug/casualty-corpus
TEST_RELEASES := target/test-releases

## Every test: unit, property and end-to-end (one debug build), then the notebook-loading test.
test: $(VENV)/.installed
	$(CARGO) test --locked
	rm -rf $(TEST_RELEASES)
	$(DEBUG_BIN) build --input data/raw --out $(TEST_RELEASES) --release-version test
	$(VENV)/bin/python tests/python/test_load_release.py $(TEST_RELEASES)/test

## The pinned Python readers (pyarrow, polars, pandas, DuckDB, jsonschema, frictionless).
$(VENV)/.installed: tests/python/requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r tests/python/requirements.txt
	touch $@

## Regenerate the checked-in JSON Schemas from the table definitions.
schemas:
	UPDATE_SCHEMAS=1 $(CARGO) test --locked --test tests schemas_match_checked_in

clean:
	rm -rf $(RELEASES)
