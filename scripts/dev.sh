#!/usr/bin/env bash
# `make dev` and friends: a hub on its embedded defaults (SQLite + blob folder under
# .dev/hub) plus N nodes, each with its own data dir, enrolled automatically. Windows
# where there is a display, headless sync daemons where there is none. A second run
# reuses the state in .dev/. Only processes started here (by pid file) are ever stopped.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
DEV=$ROOT/.dev
PIDS=$DEV/pids
LOGS=$DEV/logs
HUB_BIND=${HUB_BIND:-127.0.0.1:8000}
HUB_URL=http://$HUB_BIND
BIN=${CARGO_TARGET_DIR:-$ROOT/target}/debug

say() { printf '%s\n' "$*"; }
die() { printf 'dev: %s\n' "$*" >&2; exit 1; }

running() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

start() { # name, log, command...
  local name=$1; shift
  if running "$PIDS/$name.pid"; then say "  $name already running (pid $(cat "$PIDS/$name.pid"))"; return; fi
  nohup "$@" >>"$LOGS/$name.log" 2>&1 &
  echo $! >"$PIDS/$name.pid"
}

wait_healthy() {
  for _ in $(seq 1 300); do
    if curl -fsS "$HUB_URL/api/healthz" >/dev/null 2>&1; then return 0; fi
    sleep 0.1
  done
  die "the hub did not become healthy; see $LOGS/hub.log"
}

up() {
  local nodes=${1:-2}
  command -v curl >/dev/null || die "curl is needed (apt-get install curl)"
  mkdir -p "$PIDS" "$LOGS" "$DEV/hub"
  say "building dermis-hub and dermis-node (debug)…"
  cargo build -q -p dermis-hub -p dermis-node
  if ! running "$PIDS/hub.pid" && (exec 3<>/dev/tcp/${HUB_BIND%:*}/${HUB_BIND#*:}) 2>/dev/null; then
    die "port ${HUB_BIND#*:} is taken by another program (scripts/kill_ports.sh frees it; make doctor explains)"
  fi
  start hub env -u DATABASE_URL -u S3_ENDPOINT HUB_BIND="$HUB_BIND" "$BIN/dermis-hub" --data-dir "$DEV/hub" serve
  wait_healthy
  if [ ! -s "$DEV/clinic_id" ]; then
    "$BIN/dermis-hub" --data-dir "$DEV/hub" clinic add --name "Dev Clinic" >"$DEV/clinic_id"
  fi
  local clinic; clinic=$(cat "$DEV/clinic_id")
  if [ ! -s "$DEV/admin_password" ] && "$BIN/dermis-hub" --help 2>/dev/null | grep -q '^  admin'; then
    printf 'dermis-dev-admin\n' >"$DEV/admin_password"
    "$BIN/dermis-hub" --data-dir "$DEV/hub" admin add --username admin <"$DEV/admin_password" >/dev/null
  fi
  for i in $(seq 1 "$nodes"); do
    local dir=$DEV/node$i
    if [ ! -f "$dir/dermis-node.db" ]; then
      local code; code=$("$BIN/dermis-hub" --data-dir "$DEV/hub" node add --clinic "$clinic" --name "node$i")
      "$BIN/dermis-node" --data-dir "$dir" enroll --hub "$HUB_URL" --code "$code" --node-name "Workstation $i" >/dev/null
      if [ "$i" = 1 ]; then
        "$BIN/dermis-node" --data-dir "$dir" demo --patients 200 --seed 1 >/dev/null
      fi
    fi
    start "node$i-sync" "$BIN/dermis-node" --data-dir "$dir" sync
    if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && [ "${HEADLESS:-}" != 1 ]; then
      start "node$i-app" "$BIN/dermis-node" --data-dir "$dir" gui
    fi
  done
  say ""
  say "Dermis is running:"
  say "  hub          $HUB_URL   (health: $HUB_URL/api/healthz, admin: $HUB_URL/admin)"
  [ -s "$DEV/admin_password" ] && say "  hub admin    admin / $(cat "$DEV/admin_password")"
  for i in $(seq 1 "$nodes"); do
    say "  node $i       data dir $DEV/node$i   ($BIN/dermis-node --data-dir $DEV/node$i status)"
  done
  say "  node logins  admin, doctor, nurse, reception, cashier / dermis-demo"
  say "  logs         make logs      stop: make down      reset: make clean"
}

down() {
  [ -d "$PIDS" ] || { say "nothing is running"; return; }
  for f in "$PIDS"/*.pid; do
    [ -e "$f" ] || continue
    local pid; pid=$(cat "$f")
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -9 "$pid" 2>/dev/null || true
      say "stopped $(basename "$f" .pid) (pid $pid)"
    fi
    rm -f "$f"
  done
}

case "${1:-up}" in
  up) up "${2:-2}" ;;
  down) down ;;
  logs) mkdir -p "$LOGS"; touch "$LOGS/hub.log"; exec tail -n 50 -F "$LOGS"/*.log ;;
  clean) down; rm -rf "$DEV"; say "removed $DEV" ;;
  *) die "usage: scripts/dev.sh up [N] | down | logs | clean" ;;
esac
