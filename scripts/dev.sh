#!/usr/bin/env bash
# `make dev` and friends: a hub on its embedded defaults (SQLite + blob folder under
# .dev/hub) plus N nodes, each with its own data dir, enrolled automatically. Windows
# where there is a display, headless sync daemons where there is none. A second run
# reuses the state in .dev/. Only processes started here (by pid file) are ever stopped.
# The dev admin for /admin is `admin`, its password in .dev/admin_password.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
DEV=$ROOT/.dev
PIDS=$DEV/pids
LOGS=$DEV/logs
HUB_BIND=${HUB_BIND:-127.0.0.1:8000}
# Nodes reach the dev hub over loopback http (the only plain http they accept without
# --allow-insecure-http), also when it listens on every interface.
HUB_HOST=${HUB_BIND%:*}
case $HUB_HOST in 0.0.0.0 | "" | "[::]") HUB_HOST=127.0.0.1 ;; esac
HUB_URL=http://$HUB_HOST:${HUB_BIND##*:}
BIN=${CARGO_TARGET_DIR:-$ROOT/target}/debug
# The dev nodes keep their store keys in files (which `make clean` removes), not in the
# developer's OS keyring.
export DERMIS_NODE_KEYRING=off

say() { printf '%s\n' "$*"; }
die() { printf 'dev: %s\n' "$*" >&2; exit 1; }

running() { [ -f "$1" ] && ours "$(cat "$1")"; }

start() { # name, log, command...
  local name=$1; shift
  if running "$PIDS/$name.pid"; then say "  $name already running (pid $(cat "$PIDS/$name.pid"))"; return; fi
  nohup "$@" >>"$LOGS/$name.log" 2>&1 &
  echo $! >"$PIDS/$name.pid"
}

wait_healthy() {
  # Polls until healthy, up to 30 s; gives up at once if the hub died.
  for _ in $(seq 1 300); do
    if curl -fsS "$HUB_URL/api/healthz" >/dev/null 2>&1; then return 0; fi
    running "$PIDS/hub.pid" || die "the hub exited; see $LOGS/hub.log"
    sleep 0.1
  done
  die "the hub did not become healthy; see $LOGS/hub.log"
}

# Waits (up to 30 s) until `node list --json` shows n nodes online.
wait_online() {
  local want=$1
  for _ in $(seq 1 300); do
    local n
    n=$("$BIN/dermis-hub" --data-dir "$DEV/hub" node list --json 2>/dev/null | grep -c '"online": true' || true)
    [ "$n" -ge "$want" ] && return 0
    sleep 0.1
  done
  say "  (not every node is online yet; see make logs)"
}

up() {
  local nodes=${1:-2}
  command -v curl >/dev/null || die "curl is needed (apt-get install curl)"
  mkdir -p "$PIDS" "$LOGS" "$DEV/hub"
  say "building dermis-hub and dermis-node (debug)…"
  cargo build -q -p dermis-hub -p dermis-node
  if ! running "$PIDS/hub.pid" && (exec 3<>"/dev/tcp/${HUB_BIND%:*}/${HUB_BIND#*:}") 2>/dev/null; then
    die "port ${HUB_BIND#*:} is taken by another program (scripts/kill_ports.sh frees it; make doctor explains)"
  fi
  # A fixed JWT secret kept in .dev, so admin sessions survive a hub restart.
  if [ ! -s "$DEV/jwt_secret" ]; then
    (umask 077; head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$DEV/jwt_secret")
  fi
  start hub env -u DATABASE_URL -u DATABASE_URL_FILE -u S3_ENDPOINT -u JWT_SECRET \
    HUB_BIND="$HUB_BIND" JWT_SECRET_FILE="$DEV/jwt_secret" \
    "$BIN/dermis-hub" --data-dir "$DEV/hub" serve
  wait_healthy
  if [ ! -s "$DEV/clinic_id" ]; then
    "$BIN/dermis-hub" --data-dir "$DEV/hub" clinic add --name "Dev Clinic" >"$DEV/clinic_id"
  fi
  local clinic; clinic=$(cat "$DEV/clinic_id")
  if [ ! -s "$DEV/admin_password" ]; then
    (umask 077; printf 'dermis-dev-admin\n' >"$DEV/admin_password.new")
    "$BIN/dermis-hub" --data-dir "$DEV/hub" admin add --username admin <"$DEV/admin_password.new" >/dev/null
    mv "$DEV/admin_password.new" "$DEV/admin_password"
  fi
  local has_gui=0
  "$BIN/dermis-node" --help 2>/dev/null | grep -qE '^  gui ' && has_gui=1
  for i in $(seq 1 "$nodes"); do
    local dir=$DEV/node$i
    if [ ! -f "$dir/dermis-node.db" ]; then
      local code; code=$("$BIN/dermis-hub" --data-dir "$DEV/hub" node add --clinic "$clinic" --name "node$i")
      "$BIN/dermis-node" --data-dir "$dir" enroll --hub "$HUB_URL" --code "$code" --node-name "Workstation $i" >/dev/null
      if [ "$i" = 1 ]; then
        "$BIN/dermis-node" --data-dir "$dir" demo --patients 200 --seed 1 >/dev/null
      fi
    fi
    if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && [ "${HEADLESS:-}" != 1 ] && [ "$has_gui" = 1 ]; then
      # The window syncs on its own; no separate daemon for this node.
      start "node$i-app" "$BIN/dermis-node" --data-dir "$dir" gui
    else
      start "node$i-sync" "$BIN/dermis-node" --data-dir "$dir" sync
    fi
  done
  wait_online "$nodes"
  say ""
  say "Dermis is running:"
  say "  hub          $HUB_URL   (health: $HUB_URL/api/healthz, metrics: $HUB_URL/metrics)"
  say "  hub admin    $HUB_URL/admin   login admin / $(cat "$DEV/admin_password")   (password in $DEV/admin_password)"
  say "  API          $HUB_URL/api/openapi.json"
  for i in $(seq 1 "$nodes"); do
    say "  node $i       data dir $DEV/node$i   ($BIN/dermis-node --data-dir $DEV/node$i status)"
  done
  say "  node logins  admin, doctor, nurse, reception, cashier / dermis-demo"
  say "  node CLI     DERMIS_USER=admin DERMIS_PASSWORD=dermis-demo $BIN/dermis-node --data-dir $DEV/node1 patient search a"
  say "  logs         make logs      stop: make down      reset: make clean"
}

# Whether pid $1 is still one of our dermis processes (not a recycled pid).
ours() {
  kill -0 "$1" 2>/dev/null || return 1
  [ -r "/proc/$1/cmdline" ] || return 0   # no /proc (macOS): trust the pid file
  tr '\0' ' ' <"/proc/$1/cmdline" | grep -q 'dermis-'
}

stop() { # pid file
  local f=$1 pid; pid=$(cat "$f")
  if ours "$pid"; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
    say "stopped $(basename "$f" .pid) (pid $pid)"
  fi
  rm -f "$f"
}

# Removes the store keys of the dev nodes (kept outside their data dirs, by store id).
forget_keys() {
  local keys
  case "$(uname -s)" in
    Darwin) keys="$HOME/Library/Application Support/dermis/keys" ;;
    *) keys="${XDG_CONFIG_HOME:-$HOME/.config}/dermis/keys" ;;
  esac
  for f in "$DEV"/node*/store-id; do
    [ -e "$f" ] || continue
    local id; id=$(tr -cd '0-9a-f' <"$f")
    [ -n "$id" ] && rm -f "$keys/$id.key" && say "removed the key of $(dirname "$f")"
  done
}

down() {
  [ -d "$PIDS" ] || { say "nothing is running"; return; }
  # Nodes first, so the hub records their sessions' ends; the hub last.
  for f in "$PIDS"/node*.pid; do [ -e "$f" ] && stop "$f"; done
  for f in "$PIDS"/*.pid; do [ -e "$f" ] && stop "$f"; done
  return 0
}

case "${1:-up}" in
  up) up "${2:-2}" ;;
  down) down ;;
  logs) mkdir -p "$LOGS"; touch "$LOGS/hub.log"; exec tail -n 50 -F "$LOGS"/*.log ;;
  clean) down; forget_keys; rm -rf "$DEV"; say "removed $DEV" ;;
  status)
    for f in "$PIDS"/*.pid; do
      [ -e "$f" ] || continue
      if running "$f"; then say "$(basename "$f" .pid) running (pid $(cat "$f"))"; else say "$(basename "$f" .pid) stopped"; fi
    done ;;
  *) die "usage: scripts/dev.sh up [N] | down | logs | clean | status" ;;
esac
