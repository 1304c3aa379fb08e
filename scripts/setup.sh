#!/usr/bin/env bash
# Installs and starts what the tests need, idempotently: safe to run on every `make test`.
# Debian packages are installed only when missing; PostgreSQL is started when down.
set -euo pipefail

need_pkgs=()
have() { command -v "$1" >/dev/null 2>&1; }
have chromium || need_pkgs+=(chromium)
# The hub's browser test drives Chromium with playwright-core (npm); its OIDC tests run
# the oidc-provider package under Node (20.19 or later).
have node || need_pkgs+=(nodejs)
have npm || need_pkgs+=(npm)
# Only to validate infra/docker-compose.yml (`config` needs no Docker engine).
have docker-compose || docker compose version >/dev/null 2>&1 || need_pkgs+=(docker-compose)
have pg_ctlcluster || have pg_ctl || need_pkgs+=(postgresql)
# The hub's backup test runs RUNBOOK's Postgres procedure: pg_dump piped through gpg.
have gpg || need_pkgs+=(gnupg)
# The node's keyring test runs a private session bus and GNOME Keyring's Secret Service.
have dbus-daemon || need_pkgs+=(dbus-daemon)
have dbus-send || need_pkgs+=(dbus-bin)
have gnome-keyring-daemon || need_pkgs+=(gnome-keyring)

if [ ${#need_pkgs[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ] && ! have sudo; then
    echo "setup: please install: ${need_pkgs[*]} (apt-get install -y ${need_pkgs[*]})" >&2
    exit 1
  fi
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  echo "setup: installing ${need_pkgs[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq </dev/null >/dev/null
  $SUDO apt-get install -y -qq --no-install-recommends "${need_pkgs[@]}" </dev/null >/dev/null
fi

# PostgreSQL on 127.0.0.1:5432 for the hub's tests.
pg_up() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }
if ! pg_up; then
  if have pg_ctlcluster && [ -d /etc/postgresql ]; then
    echo "setup: starting PostgreSQL" >&2
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
    $SUDO pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
  fi
  for _ in $(seq 1 100); do pg_up && break; sleep 0.1; done
fi
if pg_up; then
  echo "setup: PostgreSQL is up on 127.0.0.1:5432" >&2
else
  echo "setup: PostgreSQL is not reachable on 127.0.0.1:5432 (the hub's Postgres tests need it)" >&2
  [ "${CI:-}" = "true" ] && exit 1
fi
# The browser tests' and the OIDC tests' npm dependencies (playwright-core; the
# oidc-provider OpenID Provider and jose), from the committed lock file.
browser=$(cd "$(dirname "$0")/.." && pwd)/hub/tests/browser
missing_npm=false
for pkg in playwright-core oidc-provider jose; do
  [ -f "$browser/node_modules/$pkg/package.json" ] || missing_npm=true
done
if have npm && [ "$missing_npm" = true ]; then
  echo "setup: npm ci in hub/tests/browser" >&2
  if ! (cd "$browser" && npm ci --no-audit --no-fund >/dev/null); then
    echo "setup: npm ci failed (is the npm registry reachable?); the browser and OIDC tests will fail" >&2
    [ "${CI:-}" = "true" ] && exit 1
  fi
fi
exit 0
