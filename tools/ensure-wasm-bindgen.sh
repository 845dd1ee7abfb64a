#!/usr/bin/env bash
# Make sure `wasm-bindgen` (and `wasm-bindgen-test-runner`) on PATH is exactly the version of the
# `wasm-bindgen` crate in Cargo.lock; otherwise `cargo install` that version (about 4 min on 2 cores).
# No --locked: the registry copy of wasm-bindgen-cli pins versions its lock file cannot get.
set -euo pipefail
cd "$(dirname "$0")/.."
want=$(bash tools/wasm-bindgen-version.sh)
have=""
if command -v wasm-bindgen >/dev/null 2>&1; then
  have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')
fi
runner=""
if command -v wasm-bindgen-test-runner >/dev/null 2>&1; then
  runner=$(wasm-bindgen-test-runner --version 2>/dev/null | awk '{print $2}')
fi
if [ "$have" = "$want" ] && [ "$runner" = "$want" ]; then
  echo "wasm-bindgen $want: already installed ($(command -v wasm-bindgen))"
  exit 0
fi
echo "wasm-bindgen: want $want, have ${have:-none}; installing wasm-bindgen-cli $want"
cargo install wasm-bindgen-cli --version "$want" --force
installed=$(wasm-bindgen --version | awk '{print $2}')
if [ "$installed" != "$want" ]; then
  echo "wasm-bindgen on PATH ($(command -v wasm-bindgen)) is $installed, not $want: put ~/.cargo/bin first on PATH" >&2
  exit 1
fi
