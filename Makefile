# convviz — build, serve and test.
#
#   make serve   build the wasm package and serve the repo root at http://127.0.0.1:$(PORT)/
#   make test    install what is missing (make deps), then run every check; last line "N passed, M failed"
#   make build   Rust -> wasm32 -> wasm-bindgen (www/pkg, www/pkg/gif, www/pkg/more) -> wasm-opt (npm's binaryen)
#   make dist    the static site in dist/ (relative URLs: deploy it at any path; docs/embed.md)
#   make deps    idempotent installs: wasm32 target, wasm-bindgen-cli, chromium, binaryen, npm ci
#   make python  the Jupyter widget's wheel (python/dist/convviz-*.whl) from the built package
#   make test-python       pytest + the JupyterLab end-to-end test (a venv in target/pyvenv)
#   make test-torch        the same with torch installed (a multi-GB venv of its own, target/pyvenv-torch)
#   make bench   node bench/run.mjs
#   make clean   remove build outputs

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := build
.DELETE_ON_ERROR:
MAKEFLAGS += --no-builtin-rules

export PATH := $(HOME)/.cargo/bin:$(PATH)
export DEBIAN_FRONTEND := noninteractive

PORT ?= 8000
HOST ?= 127.0.0.1
WASM_TARGET := wasm32-unknown-unknown
RAW_WASM := target/$(WASM_TARGET)/release/convviz.wasm
PKG := www/pkg
PKG_STAMP := $(PKG)/.built
# The same crate built with relaxed SIMD too (the GEMM micro-kernel's multiply-adds become
# f32x4.relaxed_madd: one fused multiply-add where the CPU has FMA). Same JS glue; www/engine.js
# loads it where the browser validates relaxed SIMD (Chrome and Edge since 114), else the
# simd128 module. --config appends to .cargo/config.toml's rustflags.
RELAXED_DIR := target/relaxed
RAW_RELAXED_WASM := $(RELAXED_DIR)/$(WASM_TARGET)/release/convviz.wasm
RELAXED_CONFIG := target.$(WASM_TARGET).rustflags=["-C","target-feature=+relaxed-simd"]
RELAXED_WASM := $(PKG)/convviz_relaxed_bg.wasm
# The GIF encoder (crates/gif): a module of its own, which the page imports on the first GIF export.
RAW_GIF_WASM := target/$(WASM_TARGET)/release/convviz_gif.wasm
GIF_PKG := $(PKG)/gif
GIF_STAMP := $(GIF_PKG)/.built
# The newer ops' JS API (crates/more: backward, conv1d, pooling, receptive fields): a module of its
# own, which the page imports when one of their tabs first opens (www/engine.js, loadMore). Built
# in a cargo invocation of its own: in the workspace build, cargo would unify the core crate's
# features and link the core's exports (feature `bindings`) into it as well. And in a target dir
# of its own: the core crate, a dependency here with other features, is a cdylib too, whose
# unhashed deps/convviz.wasm the two builds would overwrite in turn (each rebuilding it).
MORE_DIR := target/more
RAW_MORE_WASM := $(MORE_DIR)/$(WASM_TARGET)/release/convviz_more.wasm
MORE_PKG := $(PKG)/more
MORE_STAMP := $(MORE_PKG)/.built
# What the package was made with: a change (new CLI, a wasm-opt appearing) remakes it.
STAMP_TEXT = $$(wasm-bindgen --version) / $$(bash tools/wasm-opt.sh --candidates)
# apt needs root: use sudo when we are not root and sudo exists.
SUDO := $(shell if [ "$$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then echo sudo; fi)

.PHONY: all build serve dist examples test deps python python-venv test-python test-torch deps-rust deps-system deps-node wasm-target \
        wasm-bindgen-cli rust-components bench clean

all: build

# ---------------------------------------------------------------- build

wasm-target:
	@rustup target list --installed | grep -qx '$(WASM_TARGET)' || rustup target add $(WASM_TARGET)

# Order-only chain so that `make -j deps` never runs two rustup/cargo installs at once.
wasm-bindgen-cli: | rust-components
	@bash tools/ensure-wasm-bindgen.sh

# cargo decides itself whether a .wasm is stale (it does not touch a fresh output); wasm-bindgen
# and wasm-opt rerun for a package only when its .wasm, this Makefile, tools/wasm-opt.sh, the CLI
# version or the wasm-opt candidates changed. wasm-opt is optional (tools/wasm-opt.sh), but
# deps-node comes first so that npm's binaryen is there: `make serve` on a fresh machine serves the
# optimised module (~139 KB), the one CI builds and the benchmark measures, not wasm-bindgen's (~209 KB).
build: wasm-target wasm-bindgen-cli deps-node
	cargo build --release --target $(WASM_TARGET) --workspace --exclude convviz-more
	cargo build --release --target $(WASM_TARGET) -p convviz-more --target-dir $(MORE_DIR)
	cargo build --release --target $(WASM_TARGET) -p convviz --target-dir $(RELAXED_DIR) \
	  --config '$(RELAXED_CONFIG)'
	@if [ ! -f $(PKG)/convviz.js ] || [ ! -f $(PKG)/convviz_bg.wasm ] || [ ! -f $(RELAXED_WASM) ] || \
	    [ "$$(cat $(PKG_STAMP) 2>/dev/null)" != "$(STAMP_TEXT)" ]; then \
	  rm -f $(PKG_STAMP); fi
	@if [ ! -f $(GIF_PKG)/convviz_gif.js ] || [ ! -f $(GIF_PKG)/convviz_gif_bg.wasm ] || \
	    [ "$$(cat $(GIF_STAMP) 2>/dev/null)" != "$(STAMP_TEXT)" ]; then \
	  rm -f $(GIF_STAMP); fi
	@if [ ! -f $(MORE_PKG)/convviz_more.js ] || [ ! -f $(MORE_PKG)/convviz_more_bg.wasm ] || \
	    [ "$$(cat $(MORE_STAMP) 2>/dev/null)" != "$(STAMP_TEXT)" ]; then \
	  rm -f $(MORE_STAMP); fi
	@$(MAKE) --no-print-directory $(PKG_STAMP) $(GIF_STAMP) $(MORE_STAMP)

# www/pkg is remade whole but for gif/ and more/, which have their own rules.
$(PKG_STAMP): $(RAW_WASM) $(RAW_RELAXED_WASM) Makefile tools/wasm-opt.sh
	mkdir -p $(PKG)
	find $(PKG) -mindepth 1 -maxdepth 1 ! -name gif ! -name more -exec rm -rf {} +
	wasm-bindgen --target web --out-dir $(PKG) --out-name convviz $(RAW_WASM)
	bash tools/wasm-opt.sh $(PKG) convviz
	rm -rf $(RELAXED_DIR)/pkg
	wasm-bindgen --target web --out-dir $(RELAXED_DIR)/pkg --out-name convviz $(RAW_RELAXED_WASM)
	@# one glue for both modules: the relaxed build must need exactly the same JS
	diff -r -x convviz_bg.wasm -x convviz_relaxed_bg.wasm -x gif -x more -x .built $(RELAXED_DIR)/pkg $(PKG)
	mv $(RELAXED_DIR)/pkg/convviz_bg.wasm $(RELAXED_WASM)
	bash tools/wasm-opt.sh $(PKG) convviz $(RELAXED_WASM)
	@echo "$(STAMP_TEXT)" > $@
	@ls -l $(PKG)

$(GIF_STAMP): $(RAW_GIF_WASM) Makefile tools/wasm-opt.sh
	rm -rf $(GIF_PKG)
	wasm-bindgen --target web --out-dir $(GIF_PKG) --out-name convviz_gif $(RAW_GIF_WASM)
	bash tools/wasm-opt.sh $(GIF_PKG) convviz_gif
	@echo "$(STAMP_TEXT)" > $@
	@ls -l $(GIF_PKG)

$(MORE_STAMP): $(RAW_MORE_WASM) Makefile tools/wasm-opt.sh
	rm -rf $(MORE_PKG)
	wasm-bindgen --target web --out-dir $(MORE_PKG) --out-name convviz_more $(RAW_MORE_WASM)
	bash tools/wasm-opt.sh $(MORE_PKG) convviz_more
	@echo "$(STAMP_TEXT)" > $@
	@ls -l $(MORE_PKG)

# ---------------------------------------------------------------- serve

serve: build examples
	@echo "convviz: open http://$(HOST):$(PORT)/  (the example deck: http://$(HOST):$(PORT)/examples/slides.html)"
	node tools/serve.mjs --root . --host $(HOST) --port $(PORT)

# reveal.js (npm, a dev dependency) for the example deck examples/slides.html: its files are
# copied into examples/vendor/reveal (git-ignored), where the deck finds them in the repo and in dist/.
examples: deps-node
	@node tools/dist.mjs --vendor

# ---------------------------------------------------------------- dist

# The static site: index.html, www/ (modules, embed.js, the optimised wasm of www/pkg), examples/.
# Relative URLs only (tools/dist.mjs fails on an absolute one): deploy dist/ at any path.
dist: build examples
	node tools/dist.mjs

# ---------------------------------------------------------------- python

# The widget's wheel: python/src/convviz/static/ gets the bundled front end (tools/pybundle.mjs:
# python/js/widget.js and the www/ modules it imports, stylesheets inlined) and the SIMD128 wasm;
# then a standard build (hatchling) in a venv of ours. Needs `make build` done (www/pkg).
PYVENV := target/pyvenv
PYVENV_STAMP := $(PYVENV)/.installed
PY_STATIC := python/src/convviz/static
PY_DEPS := jupyterlab anywidget numpy pytest build hatchling

$(PYVENV_STAMP):
	python3 -m venv $(PYVENV)
	$(PYVENV)/bin/pip install -q --disable-pip-version-check $(PY_DEPS)
	@touch $@

python-venv: $(PYVENV_STAMP)

python: $(PYVENV_STAMP)
	@test -f $(PKG)/convviz_bg.wasm || { echo "www/pkg is not built: run make build first" >&2; exit 1; }
	rm -rf $(PY_STATIC) python/dist
	mkdir -p $(PY_STATIC)
	node tools/pybundle.mjs $(PY_STATIC)/widget.js
	cp $(PKG)/convviz_bg.wasm $(PY_STATIC)/
	cd python && ../$(PYVENV)/bin/python -m build --wheel --no-isolation --outdir dist . >/dev/null
	@ls -l python/dist/*.whl

# pytest: reading modules and arrays into state (torch-only tests skip without torch), then the
# end-to-end test (a JupyterLab server on 127.0.0.1, a notebook run in Chromium).
test-python: python
	$(PYVENV)/bin/pip install -q --disable-pip-version-check --force-reinstall --no-deps python/dist/*.whl
	cd python && ../$(PYVENV)/bin/python -m pytest -q -p no:cacheprovider tests

# The same tests with torch: PyPI's wheel, multi-GB with its CUDA libraries (not part of make deps or make test).
PYVENV_TORCH := target/pyvenv-torch
test-torch: python
	@test -f $(PYVENV_TORCH)/.installed || { python3 -m venv $(PYVENV_TORCH) && \
	  $(PYVENV_TORCH)/bin/pip install -q --disable-pip-version-check $(PY_DEPS) torch && touch $(PYVENV_TORCH)/.installed; }
	$(PYVENV_TORCH)/bin/pip install -q --disable-pip-version-check --force-reinstall --no-deps python/dist/*.whl
	cd python && ../$(PYVENV_TORCH)/bin/python -m pytest -q -p no:cacheprovider tests

# ---------------------------------------------------------------- test

test: deps
	@MAKE="$(MAKE)" bash tools/run-tests.sh

# ---------------------------------------------------------------- deps

# Independent groups: `make -j3 -Otarget deps` (as .ci/run does) installs them side by side.
deps: deps-rust deps-system deps-node

rust-components: | wasm-target
	@for c in rustfmt clippy; do \
	  rustup component list --installed | grep -q "^$$c" || rustup component add $$c; done

deps-rust: wasm-target wasm-bindgen-cli rust-components

# chromium is required (browser tests); binaryen (wasm-opt) is optional. apt-get update runs
# only when something has to be installed.
deps-system:
	@need=""; \
	command -v chromium >/dev/null 2>&1 || need="$$need chromium"; \
	command -v wasm-opt >/dev/null 2>&1 || need="$$need binaryen"; \
	if [ -z "$$need" ]; then echo "chromium and wasm-opt: already installed"; exit 0; fi; \
	if ! command -v apt-get >/dev/null 2>&1; then \
	  echo "missing:$$need and no apt-get here: install them by hand" >&2; \
	  command -v chromium >/dev/null 2>&1 || exit 1; exit 0; fi; \
	echo "installing:$$need"; \
	$(SUDO) apt-get update -q; \
	if ! command -v chromium >/dev/null 2>&1; then $(SUDO) apt-get install -y -q chromium; fi; \
	if ! command -v wasm-opt >/dev/null 2>&1; then \
	  $(SUDO) apt-get install -y -q binaryen || echo "binaryen unavailable: building without wasm-opt"; fi

# npm ci only when node_modules is missing or older than package-lock.json
# (npm writes node_modules/.package-lock.json on every install).
deps-node: node_modules/.package-lock.json

node_modules/.package-lock.json: package.json $(wildcard package-lock.json)
	@if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi
	@touch $@

# ---------------------------------------------------------------- bench

bench: build deps-node
	@if [ ! -f bench/run.mjs ]; then echo "bench/run.mjs does not exist yet: no benchmarks to run" >&2; exit 1; fi
	node bench/run.mjs

# ---------------------------------------------------------------- clean

clean:
	rm -rf $(PKG) target tests/e2e/screenshots dist examples/vendor python/dist python/src/convviz/static
