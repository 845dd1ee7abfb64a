#!/usr/bin/env bash
# Run every check of `make test` as a separate step, continue past failures, and finish with a
# PASS/FAIL/SKIP table and, as the very last line, `N passed, M failed` (steps, not test cases).
set -uo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
MAKE=${MAKE:-make}

names=() results=() secs=()

run_step() { # name, command...
  local name=$1; shift
  local t0=$SECONDS
  echo
  echo "==> [$name] $*"
  if "$@"; then
    results+=(PASS)
  else
    results+=("FAIL")
    echo "==> [$name] FAILED"
  fi
  names+=("$name") secs+=($((SECONDS - t0)))
}

skip_step() { # name, reason
  echo
  echo "==> [$1] skipped: $2"
  names+=("$1") results+=("SKIP") secs+=(0)
}

# --workspace: the main crate, the GIF encoder (crates/gif) and the newer ops' module (crates/more).
run_step fmt cargo fmt --all --check
run_step clippy cargo clippy --workspace --all-targets -- -D warnings
run_step clippy-wasm cargo clippy --workspace --target wasm32-unknown-unknown --lib -- -D warnings
run_step cargo-test cargo test --workspace
if [ -f tests/wasm_api.rs ]; then
  run_step wasm-bindgen-test env CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
    cargo test -p convviz --target wasm32-unknown-unknown --test wasm_api
else
  skip_step wasm-bindgen-test "tests/wasm_api.rs does not exist yet"
fi
run_step build "$MAKE" --no-print-directory build
run_step node-unit node --test tests/node/
run_step golden node tests/golden.mjs
run_step golden-relaxed node tests/golden.mjs --wasm www/pkg/convviz_relaxed_bg.wasm
run_step js-api-fuzz node tests/js_api_fuzz.mjs
run_step golden-more node tests/golden-more.mjs
run_step js-api-fuzz-more node tests/js_api_fuzz_more.mjs
if compgen -G 'tests/e2e/*.test.mjs' >/dev/null; then
  run_step e2e node --test tests/e2e/
else
  skip_step e2e "no tests/e2e/*.test.mjs yet"
fi
# the Jupyter widget: its wheel, pytest, a notebook in a real JupyterLab (a venv from PyPI, made
# once in target/pyvenv: ~1 min the first time, ~20-35 s after; never torch: make test-torch)
run_step python "$MAKE" --no-print-directory test-python

passed=0 failed=0 skipped=0
echo
echo "==> make test summary"
for i in "${!names[@]}"; do
  printf '  %-4s  %-18s %5ss\n' "${results[$i]}" "${names[$i]}" "${secs[$i]}"
  case ${results[$i]} in
    PASS) passed=$((passed + 1)) ;;
    FAIL) failed=$((failed + 1)) ;;
    SKIP) skipped=$((skipped + 1)) ;;
  esac
done
echo "  ($skipped skipped, ${SECONDS}s in all)"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
