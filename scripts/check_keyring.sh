#!/usr/bin/env bash
# Compiles (with clippy, warnings as errors) the store-key keyring code for the systems
# this machine cannot run: macOS (Keychain) and Windows (Credential Manager). The crate
# `dermis-keyring` holds no C code, so only the Rust standard library of each target is
# needed; it is installed with rustup when missing. Under CI a target that cannot be
# installed is a failure; elsewhere it is skipped with a warning.
set -euo pipefail
cd "$(dirname "$0")/.."
targets=(aarch64-apple-darwin x86_64-pc-windows-gnu)

for t in "${targets[@]}"; do
  if ! rustup target list --installed 2>/dev/null | grep -qx "$t"; then
    if ! rustup target add "$t" >/dev/null 2>&1; then
      if [ "${CI:-}" = true ]; then
        echo "check_keyring: could not install the Rust target $t (rustup target add $t)" >&2
        exit 1
      fi
      echo "check_keyring: warning: Rust target $t is not installed and could not be; its keyring code is not checked" >&2
      continue
    fi
  fi
  cargo clippy -q -p dermis-keyring --target "$t" -- -D warnings
  echo "check_keyring: $t compiles"
done
