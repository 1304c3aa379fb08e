#!/usr/bin/env bash
# Prints Dermis's performance figures. Release builds; the first run compiles for a while.
#   make bench                    everything
#   scripts/bench.sh store|sync|gui|pos|photos|attacks|readmodel|api|fhir   one part
# Scale with DERMIS_BENCH_PATIENTS (sync catch-up, default 10000) and DERMIS_BENCH_BIG
# (reconnect among many documents, default 50000); photos with DERMIS_BENCH_THUMBS
# (thumbnails timed, default 6) and DERMIS_BENCH_UPLOAD_MB (uploaded, default 100) on
# the hub side, DERMIS_BENCH_PHOTO_MB (the node's upload over a cut link, default 10);
# the hub's read models with DERMIS_BENCH_CHANGES (projector catch-up, default 10000) and
# DERMIS_BENCH_SEARCH_PATIENTS (patient search, default 50000), on Postgres too when
# DERMIS_TEST_DATABASE_URL is set.
# The node store figures print twice: a plain store (baseline) and the encrypted store
# every workstation runs (SQLCipher), so the cost of encryption at rest shows in one run.
set -euo pipefail
cd "$(dirname "$0")/.."
part=${1:-all}
cargo build --release -q -p dermis-hub -p dermis-node
if [ "$part" = all ] || [ "$part" = store ]; then
  cargo bench -q -p dermis-node --bench store
fi
if [ "$part" = all ] || [ "$part" = sync ]; then
  cargo bench -q -p dermis-node --bench sync
fi
if [ "$part" = all ] || [ "$part" = gui ]; then
  echo "== desktop app: frame times while typing a search over 50k patients =="
  cargo test -q --release -p dermis-node --test gui_bench -- --ignored --nocapture 2>&1 | grep -vE '^(running|test result|$)'
fi
if [ "$part" = all ] || [ "$part" = gui ]; then
  echo "== desktop app: the photos screen's worker time, opening and refreshing (DERMIS_BENCH_PHOTOS, default 40) =="
  cargo test -q --release -p dermis-node --test gui_photo_refresh -- --ignored --nocapture 2>&1 | grep -vE '^(running|test result|\.|$)'
fi
if [ "$part" = all ] || [ "$part" = pos ]; then
  echo "== desktop app: the till with 1,000 products and 100,000 past sales =="
  cargo test -q --release -p dermis-node --test gui_pos_bench -- --ignored --nocapture 2>&1 | grep -vE '^(running|test result|$)'
fi
if [ "$part" = all ] || [ "$part" = photos ]; then
  cargo bench -q -p dermis-hub --bench photos
  cargo bench -q -p dermis-node --bench photos
fi
if [ "$part" = all ] || [ "$part" = attacks ]; then
  # Peak RSS of a release hub process under each attack (DERMIS_BENCH_HUB: another build).
  cargo bench -q -p dermis-hub --bench attacks
fi
if [ "$part" = all ] || [ "$part" = readmodel ]; then
  cargo bench -q -p dermis-hub --bench readmodel
fi
if [ "$part" = all ] || [ "$part" = api ]; then
  # /api/v1 search latency at DERMIS_BENCH_API_PATIENTS (default 50000) patients.
  cargo test -q --release -p dermis-hub --test api_bench -- --ignored --nocapture 2>&1 | grep -vE '^(running|test result|$)'
fi
if [ "$part" = all ] || [ "$part" = fhir ]; then
  # $export of a 10k-patient clinic (DERMIS_BENCH_FHIR_PATIENTS): the FHIR side.
  cargo bench -q -p dermis-hub --bench fhir
fi
