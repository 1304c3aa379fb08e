#!/usr/bin/env bash
# Validates infra/docker-compose.yml (and the maintenance-ports override) with whichever
# Compose is installed (`docker compose`, or Debian's `docker-compose` package, which
# needs no Docker engine for `config`). Skips with a notice when neither is
# (scripts/setup.sh installs it). Checks three things:
#   - with .env.example plus test values for the required secrets, the file is valid;
#   - with .env.example alone (no passwords), Compose refuses, naming what is missing;
#   - Postgres and MinIO publish no port unless the override is added, and then only
#     on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."
file=infra/docker-compose.yml
ports=infra/docker-compose.ports.yml
if docker compose version >/dev/null 2>&1; then
  compose=(docker compose)
elif command -v docker-compose >/dev/null 2>&1; then
  compose=(docker-compose)
else
  echo "compose: no docker compose / docker-compose here; skipped (apt-get install docker-compose)" >&2
  exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# Compose reads variables from the environment before the env file: start clean.
clean=(env -u POSTGRES_PASSWORD -u MINIO_ROOT_USER -u MINIO_ROOT_PASSWORD -u S3_ACCESS_KEY_ID
  -u S3_SECRET_ACCESS_KEY -u JWT_SECRET -u HUB_PUBLISH)
# Test values only, to let `config` run: never use them anywhere.
cp .env.example "$tmp/test.env"
cat >>"$tmp/test.env" <<'EOF'
POSTGRES_PASSWORD=check-compose-postgres
MINIO_ROOT_USER=check-compose-root
MINIO_ROOT_PASSWORD=check-compose-minio
S3_ACCESS_KEY_ID=check-compose-hub
S3_SECRET_ACCESS_KEY=check-compose-hub-secret
JWT_SECRET=check-compose-jwt-secret-0123456789abcdef
EOF

config() {
  "${clean[@]}" "${compose[@]}" --project-directory infra --env-file "$1" "${@:2}" config
}

if ! config "$tmp/test.env" -f "$file" >"$tmp/config.yml" 2>"$tmp/err"; then
  cat "$tmp/err" >&2
  echo "compose: $file is invalid" >&2
  exit 1
fi
# Which host addresses each service publishes (from the resolved configuration).
published() {
  python3 - "$1" <<'PY'
import sys, yaml
services = yaml.safe_load(open(sys.argv[1]))["services"]
for name, service in sorted(services.items()):
    for port in service.get("ports") or []:
        if isinstance(port, dict):
            host = port.get("host_ip") or "0.0.0.0"
            print(name, host, port.get("published"), port.get("target"))
        else:
            parts = str(port).split(":")
            host = parts[0] if len(parts) == 3 else "0.0.0.0"
            print(name, host, parts[-2] if len(parts) > 1 else parts[0], parts[-1].split("/")[0])
PY
}
published "$tmp/config.yml" >"$tmp/published"
if [ "$(cat "$tmp/published")" != "hub 127.0.0.1 8000 8000" ]; then
  echo "compose: by default only the hub may be published, on 127.0.0.1:8000; found:" >&2
  cat "$tmp/published" >&2
  exit 1
fi
if ! config "$tmp/test.env" -f "$file" -f "$ports" >"$tmp/ports.yml" 2>"$tmp/err"; then
  cat "$tmp/err" >&2
  echo "compose: $ports is invalid" >&2
  exit 1
fi
published "$tmp/ports.yml" >"$tmp/published"
if grep -v '^hub ' "$tmp/published" | grep -qv ' 127\.0\.0\.1 '; then
  echo "compose: $ports publishes Postgres or MinIO beyond 127.0.0.1:" >&2
  cat "$tmp/published" >&2
  exit 1
fi
for port in 5432 9000 9001; do
  grep -q " 127\.0\.0\.1 $port " "$tmp/published" || {
    echo "compose: $ports does not publish $port on 127.0.0.1" >&2
    exit 1
  }
done
# Without the secrets Compose must refuse, and say which.
if config .env.example -f "$file" >/dev/null 2>"$tmp/refused"; then
  echo "compose: $file starts without passwords (a default must have crept back in)" >&2
  exit 1
fi
for name in POSTGRES_PASSWORD MINIO_ROOT_PASSWORD S3_SECRET_ACCESS_KEY JWT_SECRET; do
  # Compose names the first missing variable; each must be required on its own.
  sed "/^$name=/d" "$tmp/test.env" >"$tmp/missing.env"
  if config "$tmp/missing.env" -f "$file" >/dev/null 2>"$tmp/refused"; then
    echo "compose: $file starts without $name" >&2
    exit 1
  fi
  if ! grep -q "$name" "$tmp/refused"; then
    cat "$tmp/refused" >&2
    echo "compose: the refusal does not name $name" >&2
    exit 1
  fi
done
echo "compose: $file is valid, needs its secrets, and keeps Postgres and MinIO off the network (${compose[*]})"
