#!/usr/bin/env bash
# Inside the hub, imports run one way: each top-level module sits in a layer, and a module
# may use only modules below it — settings and storage at the bottom, then the hub's
# shared state (`state::Hub`) that request handlers, sessions and jobs take; what
# assembles them (config, the router in server, the CLI) at the top, so no module
# imports the one that assembles it. An edge against the order fails the check unless it is listed in
# scripts/hub_layers.allow (today's debt, to be paid down, never added to); a listed edge
# that no longer exists fails too, so the list only shrinks.
# Edges are `crate::<module>` paths outside comments and outside a file's test module.
set -euo pipefail
cd "$(dirname "$0")/.."

# Bottom first.
layers=(
  secrets settings credentials pool metrics
  store readmodel reports
  reply blobs auth oidc origin apikeys
  state principal
  jobs webhooks photos erasure docwrite fhir backup
  api openapi admin
  config server cli
)
declare -A rank
for i in "${!layers[@]}"; do rank[${layers[$i]}]=$i; done

modules=$(find hub/src -mindepth 1 -maxdepth 1 \( -name '*.rs' -o -type d \) \
  ! -name lib.rs ! -name main.rs -printf '%f\n' | sed 's/\.rs$//' | sort)
status=0
for m in $modules; do
  if [ -z "${rank[$m]+x}" ]; then
    echo "hub layers: module $m has no layer in scripts/check_hub_layers.sh" >&2
    status=1
  fi
done

edges=$(find hub/src -name '*.rs' ! -path hub/src/lib.rs ! -path hub/src/main.rs | sort |
  while read -r file; do
    top=${file#hub/src/}; top=${top%%/*}; top=${top%.rs}
    awk -v top="$top" '
      /^#\[cfg\(test\)\]/ { exit }
      /^[[:space:]]*\/\// { next }
      { line = $0
        while (match(line, /crate::[a-z_0-9]+/)) {
          print top, substr(line, RSTART + 7, RLENGTH - 7)
          line = substr(line, RSTART + RLENGTH)
        } }' "$file"
  done | sort -u)

backward=$(while read -r from to; do
  if [ -n "${rank[$to]+x}" ] && [ -n "${rank[$from]+x}" ] && [ "${rank[$to]}" -gt "${rank[$from]}" ]; then
    echo "$from -> $to"
  fi
done <<<"$edges" | sort -u)

allowed=$( (grep -v '^#' scripts/hub_layers.allow || true) | sed '/^$/d' | sort -u)
new=$(comm -23 <(echo "$backward" | sed '/^$/d') <(echo "$allowed"))
gone=$(comm -13 <(echo "$backward" | sed '/^$/d') <(echo "$allowed"))
if [ -n "$new" ]; then
  echo "hub layers: these imports run upward (move the shared type down instead):" >&2
  echo "$new" | sed 's/^/  /' >&2
  status=1
fi
if [ -n "$gone" ]; then
  echo "hub layers: no longer imported, remove from scripts/hub_layers.allow:" >&2
  echo "$gone" | sed 's/^/  /' >&2
  status=1
fi
[ $status -ne 0 ] || echo "hub layers: ok ($(echo "$allowed" | sed '/^$/d' | wc -l) upward imports left in scripts/hub_layers.allow)"
exit $status
