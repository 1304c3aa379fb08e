#!/usr/bin/env bash
# The dependency direction is model <- sync <- {node, hub}. model and sync stay pure:
# no runtime, socket, database, GUI or S3 crate may enter them; node never depends on hub.
# (aws-lc-rs, the crypto library of the backup archive in sync, is not the AWS SDK.)
set -euo pipefail
cd "$(dirname "$0")/.."

forbidden='^(tokio|tokio-[a-z-]+|mio|socket2|hyper|hyper-[a-z-]+|axum|tungstenite|tokio-tungstenite|reqwest|sqlx|sqlx-[a-z-]+|rusqlite|libsqlite3-sys|postgres|egui|eframe|egui[_-][a-z_-]+|winit|glow|wgpu|aws-(sdk|config|smithy|sigv4|credential|runtime|types)[a-z0-9-]*|s3s|s3s-fs) '
status=0
for crate in dermis-model dermis-sync; do
  bad=$(cargo tree -p "$crate" -e normal --prefix none --no-dedupe 2>/dev/null | sort -u | grep -E "$forbidden" || true)
  if [ -n "$bad" ]; then
    echo "layering: $crate must stay free of IO crates, but depends on:" >&2
    echo "$bad" | sed 's/^/  /' >&2
    status=1
  fi
done
if cargo tree -p dermis-node -e normal --prefix none 2>/dev/null | grep -q '^dermis-hub '; then
  echo "layering: dermis-node must not depend on dermis-hub" >&2
  status=1
fi
# The node's store owns its tables: SQL (statements, or the calls that run them) appears
# only under node/src/store; every other module calls the store's typed functions.
sql='\.(execute|execute_batch|query_row|query_map|query_and_then|prepare|prepare_cached|exec|pragma_update|pragma_query|pragma_query_value|unchecked_transaction|transaction|transaction_with_behavior|savepoint)\(|Connection::open|params!\[|r?#*"[[:space:]]*(SELECT|INSERT|UPDATE|DELETE|REPLACE|PRAGMA|CREATE|DROP|ALTER|WITH|ATTACH|DETACH|VACUUM|BEGIN)[[:space:]]'
outside=$(grep -rnE --include='*.rs' "$sql" node/src | grep -v '^node/src/store/' || true)
if [ -n "$outside" ]; then
  echo "layering: SQL outside node/src/store (add a typed function to the store instead):" >&2
  echo "$outside" | sed 's/^/  /' >&2
  status=1
fi
scripts/check_hub_layers.sh || status=1
[ $status -eq 0 ] && echo "layering: ok (model and sync are pure; node does not depend on hub; node SQL only in node/src/store; hub imports run one way)"
exit $status
