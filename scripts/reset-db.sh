#!/usr/bin/env bash
# `make reset-db`: empties the dev hub's database.
# - Embedded (no DATABASE_URL): stops the dev hub (by its pid file), deletes
#   .dev/hub/hub.db (and its WAL), and starts the hub again if it was running.
# - DATABASE_URL set: drops and recreates the `public` schema of that database (the
#   hub migrates it on its next start). Asks first unless --yes; without a terminal it
#   refuses unless --yes is given.
# Node data dirs are left alone: after a reset, re-enroll them (make clean && make dev).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
DEV=$ROOT/.dev
yes=0
for arg in "$@"; do
  case "$arg" in
    -y|--yes) yes=1 ;;
    *) echo "usage: scripts/reset-db.sh [--yes]" >&2; exit 2 ;;
  esac
done
if [ -f .env ] && [ -z "${DATABASE_URL:-}" ]; then
  DATABASE_URL=$(grep -E '^DATABASE_URL=' .env | tail -n1 | cut -d= -f2- || true)
fi

confirm() {
  [ $yes -eq 1 ] && return 0
  if [ ! -t 0 ]; then echo "reset-db: not a terminal; pass --yes (make reset-db ARGS=--yes)" >&2; exit 1; fi
  read -r -p "$1 [y/N] " answer
  case "$answer" in y|Y|yes) ;; *) echo "nothing changed"; exit 1 ;; esac
}

if [ -n "${DATABASE_URL:-}" ]; then
  command -v psql >/dev/null || { echo "reset-db: psql is needed (apt-get install postgresql-client)" >&2; exit 1; }
  shown=$(printf '%s' "$DATABASE_URL" | sed -E 's#//([^:/@]+):[^@]*@#//\1:***@#')
  confirm "drop every table of $shown?"
  psql "$DATABASE_URL" -v ON_ERROR_STOP=1 -q -c 'DROP SCHEMA public CASCADE; CREATE SCHEMA public;'
  echo "reset-db: schema public recreated on $shown; the hub migrates it on start"
  exit 0
fi

was_running=0
if [ -f "$DEV/pids/hub.pid" ] && kill -0 "$(cat "$DEV/pids/hub.pid")" 2>/dev/null; then
  was_running=1
fi
confirm "delete the dev hub's embedded database $DEV/hub/hub.db?"
if [ $was_running -eq 1 ]; then
  pid=$(cat "$DEV/pids/hub.pid")
  kill "$pid"
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  rm -f "$DEV/pids/hub.pid"
  echo "reset-db: stopped the dev hub (pid $pid)"
fi
rm -f "$DEV/hub/hub.db" "$DEV/hub/hub.db-wal" "$DEV/hub/hub.db-shm" "$DEV/clinic_id" "$DEV/admin_password"
echo "reset-db: deleted $DEV/hub/hub.db"
echo "reset-db: the dev nodes were enrolled in the old database: make clean && make dev starts afresh"
if [ $was_running -eq 1 ]; then
  echo "reset-db: run make dev to start the hub again (it creates the clinic and admin anew)"
fi
