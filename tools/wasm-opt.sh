#!/usr/bin/env bash
# Optimise a wasm-bindgen package's module (www/pkg/convviz_bg.wasm, www/pkg/gif/convviz_gif_bg.wasm)
# with wasm-opt -O3, keeping the result only if the package still loads and works in Node
# (tools/check-pkg.mjs); otherwise keep wasm-bindgen's output.
#
# Candidates, in order: node_modules/.bin/wasm-opt (npm `binaryen`, a devDependency: a recent
# Binaryen), then `wasm-opt` on PATH (Debian 12's binaryen 108 is too old for wasm-bindgen's
# externref table: it re-points the `__wbindgen_externrefs` export at the funcref table, and the
# module fails at init — the load check catches that and the next candidate / no optimisation wins).
#
# -O3, not -Oz: -Oz made the module 2.9 KB smaller (gzipped: the same) and the GEMM / conv cases
# 5-10 % slower in A/B runs.
#
# usage: tools/wasm-opt.sh [PKG_DIR=www/pkg] [NAME=convviz] [WASM=PKG_DIR/NAME_bg.wasm]
#        (NAME: the package's --out-name; WASM: another module for the same glue, e.g. the
#        relaxed-SIMD build www/pkg/convviz_relaxed_bg.wasm: a name with "relaxed" enables it)
#        tools/wasm-opt.sh --candidates  (list them)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")

candidates() {
  if [ -x "$root/node_modules/.bin/wasm-opt" ]; then echo "$root/node_modules/.bin/wasm-opt"; fi
  if command -v wasm-opt >/dev/null 2>&1; then command -v wasm-opt; fi
}

if [ "${1:-}" = "--candidates" ]; then
  candidates | tr '\n' ' '
  exit 0
fi

pkg=${1:-www/pkg}
name=${2:-convviz}
wasm=${3:-$pkg/${name}_bg.wasm}
# rustc's wasm32 defaults (Rust >= 1.82/1.87) plus +simd128 from .cargo/config.toml.
features=(--enable-simd --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext
          --enable-mutable-globals --enable-reference-types --enable-multivalue)
case $(basename "$wasm") in *relaxed*) features+=(--enable-relaxed-simd) ;; esac
tmp="$wasm.opt.tmp"
before=$(stat -c %s "$wasm")
found=0
while IFS= read -r opt; do
  [ -n "$opt" ] || continue
  found=1
  version=$("$opt" --version 2>/dev/null | head -n 1)
  # The producers and target-features custom sections are for tools, not for the browser.
  if ! "$opt" -O3 "${features[@]}" --strip-producers --strip-target-features "$wasm" -o "$tmp"; then
    echo "warning: $opt ($version) failed" >&2
    rm -f "$tmp"
    continue
  fi
  if node "$here/check-pkg.mjs" "$pkg" "$tmp" "$name" >/dev/null 2>&1; then
    mv "$tmp" "$wasm"
    echo "wasm-opt -O3 ($version, $opt): $before -> $(stat -c %s "$wasm") bytes"
    exit 0
  fi
  rm -f "$tmp"
  echo "warning: the output of $opt ($version) does not load; trying the next wasm-opt" >&2
done < <(candidates)
if [ "$found" = 0 ]; then
  echo "no wasm-opt (npm ci installs binaryen; or apt-get install binaryen): keeping the unoptimised module"
else
  echo "warning: no wasm-opt produced a working module; keeping the unoptimised module ($before bytes)" >&2
fi
