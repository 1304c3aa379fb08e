#!/usr/bin/env bash
# Prints Dermis's performance figures. Release builds; the first run compiles for a while.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo bench -p dermis-node --bench store
