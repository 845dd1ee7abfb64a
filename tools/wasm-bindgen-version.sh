#!/usr/bin/env bash
# Print the exact version of the `wasm-bindgen` crate this project builds against.
# Source of truth: Cargo.lock (created with `cargo generate-lockfile` when missing);
# falls back to the `=x.y.z` pin in Cargo.toml.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f Cargo.lock ]; then
  cargo generate-lockfile --quiet >&2 || true
fi
v=""
if [ -f Cargo.lock ]; then
  v=$(awk '$0 == "name = \"wasm-bindgen\"" { getline; gsub(/^version = "|"$/, ""); print; exit }' Cargo.lock)
fi
if [ -z "$v" ]; then
  v=$(sed -n 's/^wasm-bindgen *= *"=\{0,1\}\([0-9][0-9.]*\)".*/\1/p' Cargo.toml | head -n 1)
fi
if [ -z "$v" ]; then
  echo "wasm-bindgen-version: cannot find the wasm-bindgen crate version in Cargo.lock or Cargo.toml" >&2
  exit 1
fi
echo "$v"
