#!/usr/bin/env bash
# Runs every test of the workspace. Sets up what the tests need first (scripts/setup.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export DERMIS_TEST_DATABASE_URL="${DERMIS_TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
if cargo nextest --version >/dev/null 2>&1; then
  cargo nextest run --workspace --no-fail-fast "$@"
  cargo test --workspace --doc --quiet
else
  cargo test --workspace --no-fail-fast "$@"
fi
