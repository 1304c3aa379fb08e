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
[ $status -eq 0 ] && echo "layering: ok (model and sync are pure; node does not depend on hub)"
exit $status
