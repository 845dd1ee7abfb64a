#!/usr/bin/env bash
# Optimise www/pkg/convviz_bg.wasm with wasm-opt when it is on PATH; keep the result only if the
# package still loads and computes in Node (tools/check-pkg.mjs), else keep wasm-bindgen's output.
# usage: tools/wasm-opt.sh [PKG_DIR=www/pkg]
set -euo pipefail
pkg=${1:-www/pkg}
wasm="$pkg/convviz_bg.wasm"
here=$(dirname "$0")
if ! command -v wasm-opt >/dev/null 2>&1; then
  echo "wasm-opt not on PATH: skipping size/speed optimisation (apt-get install binaryen)"
  exit 0
fi
# rustc's wasm32 defaults (Rust >= 1.82/1.87) plus +simd128 from .cargo/config.toml.
features=(--enable-simd --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext
          --enable-mutable-globals --enable-reference-types --enable-multivalue)
tmp="$wasm.opt.tmp"
before=$(stat -c %s "$wasm")
if ! wasm-opt -O3 "${features[@]}" "$wasm" -o "$tmp"; then
  rm -f "$tmp"
  echo "warning: wasm-opt failed; keeping the unoptimised module" >&2
  exit 0
fi
if node "$here/check-pkg.mjs" "$pkg" "$tmp"; then
  mv "$tmp" "$wasm"
  echo "wasm-opt -O3: $before -> $(stat -c %s "$wasm") bytes"
else
  rm -f "$tmp"
  echo "warning: the wasm-opt output does not load; keeping the unoptimised module" >&2
fi
