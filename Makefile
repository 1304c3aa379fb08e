# Dermis: one command per task. `make help` lists them.
SHELL := /bin/bash
NODES ?= 2

.PHONY: help dev down logs doctor clean reset-db test check bench openapi-schema fmt

help: ## list the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-15s %s\n", $$1, $$2}'

dev: ## run a hub on its embedded defaults plus NODES nodes (default 2), enrolled; prints the URLs
	@scripts/dev.sh up $(NODES)

down: ## stop what `make dev` started
	@scripts/dev.sh down

logs: ## follow the logs of what `make dev` started
	@scripts/dev.sh logs

doctor: ## check ports, hub health, database, storage and node data dirs; says how to fix each problem (non-zero when unhealthy)
	@scripts/doctor.sh

clean: ## stop the processes `make dev` started (by pid) and delete their state
	@scripts/dev.sh clean

reset-db: ## delete the dev hub's database (embedded, or the DATABASE_URL schema); ARGS=--yes skips the question
	@scripts/reset-db.sh $(ARGS)

test: ## run every test (installs and starts what they need)
	@scripts/test.sh

check: ## rustfmt, clippy and rustdoc with warnings as errors (also the keyring code for macOS and Windows), the layering rules, the compose file
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets -- -D warnings
	RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps -q
	scripts/check_keyring.sh
	scripts/check_layering.sh
	scripts/check_compose.sh

bench: ## print the performance figures (release build)
	@scripts/bench.sh

openapi-schema: ## write docs/openapi.json from the hub
	cargo run -q -p dermis-hub -- openapi > docs/openapi.json

fmt: ## format the code
	cargo fmt --all
