//! # convviz-more
//!
//! The JavaScript API of convviz's newer operations, as a wasm module of its own
//! (`www/pkg/more/`, built by `make build`): the page's first visit downloads only the core
//! module (`www/pkg/convviz_bg.wasm`, held under 60 KB gzipped), and `loadMore()` of
//! `www/engine.js` brings this one when a learner first opens a tab that needs it.
//!
//! The maths is the core crate's (`convviz`, linked without its `bindings` feature, so none of
//! the core module's exports come along); this crate is only the boundary, `src/wasm/` (see
//! there): `conv2dBackward`, `convTranspose2dBackward`, `conv2dBackwardTrace` (#18); `conv1d`,
//! `conv1dTrace`, `maxPool2d`, `avgPool2d`, `poolWindow`, `pool2dOutputSize`,
//! `receptiveField`, `pathCounts`, `stackSizes`, `conv2dParams`, `conv1dParams`,
//! `convTranspose2dParams` (#19); and `version`, `maxElements`. It reads arguments and builds
//! results with the core's own `src/wasm/args.rs` and `src/wasm/marshal.rs`, compiled in here,
//! and words errors with `convviz_common::js`.
//!
//! Every failure is a JS `Error` with `.arg` and `.kind`, as in the core module
//! (docs/js-api.md); nothing here may panic, since a panic would trap the module.
#![warn(missing_docs)]

mod wasm;

// What the core's src/wasm/args.rs and marshal.rs, compiled into this crate, reach through
// `crate::`.
use convviz::{error, params, tensor, Result, MAX_ELEMENTS};

use wasm_bindgen::prelude::*;

/// Installs `console_error_panic_hook` when the module starts: a panic (a bug) is logged on the
/// console with its message and stack before the module traps.
#[wasm_bindgen(start)]
pub fn start() {
    console_error_panic_hook::set_once();
}

/// The crate version (the core's and this module's are released together).
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

/// The element cap on any one tensor or intermediate (`convviz::MAX_ELEMENTS`), as the core
/// module's `maxElements()`.
#[wasm_bindgen(js_name = maxElements)]
pub fn max_elements() -> f64 {
    MAX_ELEMENTS as f64
}
