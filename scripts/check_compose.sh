#!/usr/bin/env bash
# Validates infra/docker-compose.yml with whichever Compose is installed (`docker
# compose`, or Debian's `docker-compose` package, which needs no Docker engine for
# `config`). Skips with a notice when neither is (scripts/setup.sh installs it).
set -euo pipefail
cd "$(dirname "$0")/.."
file=infra/docker-compose.yml
if docker compose version >/dev/null 2>&1; then
  compose=(docker compose)
elif command -v docker-compose >/dev/null 2>&1; then
  compose=(docker-compose)
else
  echo "compose: no docker compose / docker-compose here; skipped (apt-get install docker-compose)" >&2
  exit 0
fi
# Against .env.example, so a missing or partial .env cannot hide a broken reference.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"${compose[@]}" -f "$file" --project-directory infra --env-file .env.example config --quiet 2>"$tmp/err" || {
  cat "$tmp/err" >&2
  echo "compose: $file is invalid" >&2
  exit 1
}
echo "compose: $file is valid (${compose[*]})"
