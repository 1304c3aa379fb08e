#!/usr/bin/env bash
# `make doctor`: checks what `make dev` needs and prints each problem with its fix.
# Exits non-zero when anything is unhealthy. Reads .env (the environment wins).
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
DEV=$ROOT/.dev
if [ -f .env ]; then
  while IFS='=' read -r k v; do
    case "$k" in ''|\#*) continue ;; esac
    [ -z "${!k:-}" ] && export "$k=$v"
  done < .env
fi
HUB_BIND=${HUB_BIND:-127.0.0.1:8000}
[ "${HUB_BIND%:*}" = "0.0.0.0" ] && HUB_BIND="127.0.0.1:${HUB_BIND#*:}"
HUB_URL=http://$HUB_BIND
BIN=${CARGO_TARGET_DIR:-$ROOT/target}/debug
problems=0

ok()   { printf '  ok    %s\n' "$*"; }
bad()  { printf '  FAIL  %s\n        fix: %s\n' "$1" "$2"; problems=$((problems + 1)); }
note() { printf '  note  %s\n' "$*"; }

# Who listens on a port: "pid command" lines (ss, else lsof).
listeners() {
  if command -v ss >/dev/null; then
    ss -Hltnp "sport = :$1" 2>/dev/null | grep -o 'pid=[0-9]*' | cut -d= -f2 | sort -u |
      while read -r pid; do echo "$pid $(tr '\0' ' ' </proc/"$pid"/cmdline 2>/dev/null | cut -c1-80)"; done
  elif command -v lsof >/dev/null; then
    lsof -nP -iTCP:"$1" -sTCP:LISTEN -Fpc 2>/dev/null | paste -sd' ' -
  fi
}
our_pid() { [ -f "$DEV/pids/$1.pid" ] && cat "$DEV/pids/$1.pid"; }

echo "ports"
hub_pid=$(our_pid hub || true)
for port in "${HUB_BIND#*:}" 5432 9000 9001; do
  who=$(listeners "$port")
  if [ -z "$who" ]; then
    ok "port $port is free"
  elif [ "$port" = "${HUB_BIND#*:}" ] && [ -n "$hub_pid" ] && echo "$who" | grep -q "^$hub_pid "; then
    ok "port $port: our hub (pid $hub_pid)"
  elif [ "$port" = 5432 ] && echo "$who" | grep -q postgres; then
    ok "port 5432: PostgreSQL"
  elif [ "$port" = 9000 ] || [ "$port" = 9001 ]; then
    if echo "$who" | grep -q minio; then ok "port $port: MinIO"; else
      bad "port $port is taken by: $who" "scripts/kill_ports.sh (shows the process, then stops it)"; fi
  else
    bad "port $port is taken by: $who" "scripts/kill_ports.sh (shows the process, then stops it), or make down if it is ours"
  fi
done

echo "hub"
if [ -n "$hub_pid" ] && kill -0 "$hub_pid" 2>/dev/null; then
  body=$(curl -sS -m 5 "$HUB_URL/api/healthz" 2>&1)
  case "$body" in
    *'"status":"ok"'*) ok "hub healthy at $HUB_URL ($body)" ;;
    *'"db":"unreachable"'*) bad "hub: database unreachable ($body)" "see 'database' below; docs/RUNBOOK.md 'Hub database down'" ;;
    *'"storage":"unwritable"'*) bad "hub: blob storage not writable ($body)" "check free space and permissions of $DEV/hub/blobs (or S3_ENDPOINT); docs/RUNBOOK.md 'Photo storage is down'" ;;
    *'"storage":"unreachable"'*) bad "hub: S3 blob storage unreachable ($body)" "check S3_ENDPOINT and the S3_* keys; docker compose -f infra/docker-compose.yml up -d minio; docs/PHOTOS.md" ;;
    *) bad "hub does not answer at $HUB_URL ($body)" "make logs; then make down && make dev" ;;
  esac
  ready=$(curl -s -m 5 -o /dev/null -w '%{http_code}' "$HUB_URL/api/readyz")
  [ "$ready" = 200 ] && ok "hub ready" || bad "hub not ready (readyz $ready)" "make logs (migrations or database)"
else
  note "the dev hub is not running (make dev starts it)"
fi

echo "database"
if [ -n "${DATABASE_URL:-}" ]; then
  if command -v pg_isready >/dev/null; then
    if pg_isready -q -d "$DATABASE_URL" -t 5; then ok "Postgres reachable (DATABASE_URL)"; else
      bad "Postgres at DATABASE_URL does not answer" "start it (docker compose -f infra/docker-compose.yml up -d postgres, or pg_ctlcluster 15 main start)"; fi
  else
    note "pg_isready is missing: cannot check DATABASE_URL (apt-get install postgresql-client)"
  fi
elif [ -f "$DEV/hub/hub.db" ]; then
  if command -v sqlite3 >/dev/null; then
    if [ "$(sqlite3 "file:$DEV/hub/hub.db?mode=ro" 'PRAGMA quick_check' 2>&1)" = ok ]; then ok "embedded store $DEV/hub/hub.db opens and checks ok"; else
      bad "embedded store $DEV/hub/hub.db fails its check" "make reset-db (deletes the dev hub's data), or restore it: docs/RUNBOOK.md"; fi
  elif [ -x "$BIN/dermis-hub" ]; then
    if "$BIN/dermis-hub" --data-dir "$DEV/hub" node list >/dev/null 2>&1; then ok "embedded store $DEV/hub/hub.db opens"; else
      bad "embedded store $DEV/hub/hub.db does not open" "make reset-db, or restore it: docs/RUNBOOK.md"; fi
  fi
else
  note "no dev hub database yet (make dev creates .dev/hub/hub.db)"
fi
if [ -n "${DERMIS_TEST_DATABASE_URL:-}" ] && command -v pg_isready >/dev/null; then
  if pg_isready -q -d "$DERMIS_TEST_DATABASE_URL" -t 3; then ok "test Postgres reachable (DERMIS_TEST_DATABASE_URL)"; else
    bad "test Postgres at DERMIS_TEST_DATABASE_URL does not answer" "scripts/setup.sh starts it"; fi
fi

echo "storage"
if [ -n "${S3_ENDPOINT:-}" ]; then
  code=$(curl -s -m 5 -o /dev/null -w '%{http_code}' "${S3_ENDPOINT%/}/minio/health/live")
  [ "$code" = 200 ] && ok "S3 endpoint $S3_ENDPOINT is live" || bad "S3 endpoint $S3_ENDPOINT does not answer ($code)" "docker compose -f infra/docker-compose.yml up -d minio"
elif [ -d "$DEV/hub" ]; then
  mkdir -p "$DEV/hub/blobs" 2>/dev/null
  probe="$DEV/hub/blobs/.doctor-$$"
  if ( : >"$probe" ) 2>/dev/null; then rm -f "$probe"; ok "blob folder $DEV/hub/blobs is writable"; else
    bad "blob folder $DEV/hub/blobs is not writable" "check its owner and free space (df -h $DEV)"; fi
fi

echo "nodes"
found=0
for dir in "$DEV"/node*/; do
  [ -d "$dir" ] || continue
  found=1
  name=$(basename "$dir")
  if [ ! -f "$dir/dermis-node.db" ]; then
    bad "$name: no store in $dir" "make clean && make dev (re-enrolls the dev nodes)"
  elif [ -x "$BIN/dermis-node" ] && ! out=$("$BIN/dermis-node" --data-dir "$dir" status --json 2>&1); then
    bad "$name: its store does not open: $(echo "$out" | head -n1)" "stop it (make down), then make dev; if it stays broken: make clean && make dev"
  else
    ok "$name: store opens ($dir)"
  fi
done
[ $found = 0 ] && note "no node data dirs yet (make dev creates .dev/node1, .dev/node2)"

echo
if [ $problems -eq 0 ]; then echo "doctor: healthy"; else echo "doctor: $problems problem(s)"; fi
[ $problems -eq 0 ]
