# The two commands of the README: `make dataset` and `make test`.
VERSION ?= 0.1.0
RELEASES ?= data/releases
CARGO ?= cargo
BIN := target/release/casualty-corpus

.PHONY: dataset test build schemas quality clean

## Build a release of data/raw into $(RELEASES)/$(VERSION).
dataset: build
	$(BIN) build --input data/raw --lexicons data/lexicons --out $(RELEASES) --release-version $(VERSION)
	$(BIN) verify $(RELEASES)/$(VERSION)

build:
	$(CARGO) build --release --locked

## Every test: unit, property and end-to-end (one debug build).
test:
	$(CARGO) test --locked

## Regenerate the checked-in JSON Schemas from the table definitions.
schemas:
	UPDATE_SCHEMAS=1 $(CARGO) test --locked --test tests schemas_match_checked_in

clean:
	rm -rf $(RELEASES)
