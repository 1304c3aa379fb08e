#!/usr/bin/env bash
# Frees Dermis's fixed ports (hub 8000, Postgres 5432, MinIO 9000/9001): shows the
# processes listening on them, asks, then stops only those (SIGTERM, then SIGKILL after
# 5 s). Nothing else is touched. Usage: scripts/kill_ports.sh [--yes] [PORT...]
set -euo pipefail
yes=0
ports=()
for arg in "$@"; do
  case "$arg" in
    -y|--yes) yes=1 ;;
    ''|*[!0-9]*) echo "usage: $0 [--yes] [PORT...]" >&2; exit 2 ;;
    *) ports+=("$arg") ;;
  esac
done
[ ${#ports[@]} -eq 0 ] && ports=(8000 5432 9000 9001)

pids_on() { # port -> pids listening on it
  if command -v ss >/dev/null; then
    ss -Hltnp "sport = :$1" 2>/dev/null | grep -o 'pid=[0-9]*' | cut -d= -f2 | sort -u
  elif command -v lsof >/dev/null; then
    lsof -nP -t -iTCP:"$1" -sTCP:LISTEN 2>/dev/null | sort -u
  else
    echo "kill_ports: need ss (iproute2) or lsof" >&2; exit 1
  fi
}

declare -A victims=()
for port in "${ports[@]}"; do
  for pid in $(pids_on "$port"); do
    cmd=$(ps -o user=,args= -p "$pid" 2>/dev/null | cut -c1-120 || true)
    echo "port $port: pid $pid  $cmd"
    victims[$pid]=1
  done
done
if [ ${#victims[@]} -eq 0 ]; then
  echo "ports ${ports[*]}: nothing is listening"
  exit 0
fi
if [ $yes -eq 0 ]; then
  if [ ! -t 0 ]; then echo "not a terminal: pass --yes to stop them" >&2; exit 1; fi
  read -r -p "stop these processes? [y/N] " answer
  case "$answer" in y|Y|yes) ;; *) echo "nothing stopped"; exit 1 ;; esac
fi
for pid in "${!victims[@]}"; do kill "$pid" 2>/dev/null || true; done
for pid in "${!victims[@]}"; do
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$pid" 2>/dev/null; then kill -9 "$pid" 2>/dev/null || true; echo "killed $pid"; else echo "stopped $pid"; fi
done
