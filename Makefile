# The two commands of the README: `make dataset` and `make test`.
VERSION ?= 0.1.0
RELEASES ?= data/releases
CARGO ?= cargo
BIN := target/release/casualty-corpus

.PHONY: dataset dataset-ray test build schemas quality clean

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

## The same release computed by Ray: 4 map tasks on the cluster at RAY_ADDRESS (else a local
## one), then the reduce (scale/ray_build.py; the run's record goes to $(RAY_WORK)/runs/).
RAY_WORK ?= target/ray-work
dataset-ray: build $(VENV)/.installed
	$(VENV)/bin/python scale/ray_build.py --input data/raw --lexicons data/lexicons --shards 4 --fresh \
		--work $(RAY_WORK) --out $(RELEASES) --release-version $(VERSION) --binary $(BIN)
	$(BIN) verify $(RELEASES)/$(VERSION)

## Every test: unit, property and end-to-end (one debug build), then the notebook-loading test
## and the Ray driver's (local clusters it starts and stops itself).
test: $(VENV)/.installed
	$(CARGO) test --locked
	rm -rf $(TEST_RELEASES)
	$(DEBUG_BIN) build --input data/raw --out $(TEST_RELEASES) --release-version test
	$(VENV)/bin/python tests/python/test_load_release.py $(TEST_RELEASES)/test
	tests/browser/setup.sh
	test -f $(TEST_RELEASES)/test/report.html || $(DEBUG_BIN) report $(TEST_RELEASES)/test
	$(VENV)/bin/python tests/browser/test_report.py release $(TEST_RELEASES)/test
	$(VENV)/bin/python tests/browser/gen_release.py $(TEST_RELEASES)/large-100k --claims 100000
	$(DEBUG_BIN) report $(TEST_RELEASES)/large-100k
	$(VENV)/bin/python tests/browser/test_report.py large $(TEST_RELEASES)/large-100k.report.html 100000 --bound-seconds 15
	mkdir -p target/test-inputs/quiet && printf 'The market opened early on a calm Tuesday.\n' > target/test-inputs/quiet/quiet.txt
	$(DEBUG_BIN) --quiet build --input target/test-inputs/quiet --out $(TEST_RELEASES) --release-version empty-tables
	$(VENV)/bin/python tests/python/run_notebook.py notebooks/explore.ipynb $(TEST_RELEASES)/test $(TEST_RELEASES)/empty-tables
	CASUALTY_CORPUS_BIN=$(DEBUG_BIN) $(VENV)/bin/python -m pytest -p no:cacheprovider -q scale/test_ray_build.py

## The pinned Python readers (pyarrow, polars, pandas, DuckDB, jsonschema, frictionless) and Ray.
$(VENV)/.installed: tests/python/requirements.txt scale/requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r tests/python/requirements.txt -r scale/requirements.txt
	touch $@

## Re-measure extraction quality on the gold sets (data/quality/extraction.json, quoted by the card).
quality:
	UPDATE_QUALITY=1 $(CARGO) test --locked --test tests the_quality_file_matches_what_eval_measures

## Regenerate the checked-in JSON Schemas from the table definitions.
schemas:
	UPDATE_SCHEMAS=1 $(CARGO) test --locked --test tests schemas_match_checked_in

clean:
	rm -rf $(RELEASES)

## The benchmark (issues 7 and 10): generated corpora of BENCH_SIZES (default 100MB,1GB), the release
## build at --threads 1 and 2, the floor (SHA-256 of the same files), the peer (datatrove, in its own
## venv under target/bench/), the Ray build on a local cluster of 2 CPUs (Ray from .venv) and the
## reduce alone; prints the tables and rewrites bench/results.md. See bench/run.py.
.PHONY: bench
bench: $(VENV)/.installed
	BENCH_RAY_PYTHON=$(VENV)/bin/python $(PYTHON) bench/run.py
