//! The JavaScript boundary: every `#[wasm_bindgen]` item of the crate, and nothing else,
//! by role:
//!
//! | module | role |
//! |---|---|
//! | `args` | reading JS values into the core's typed options and tensors |
//! | `marshal` | result objects, each built from one list of named fields in one crossing |
//! | `ops` | the free functions (`conv2d`, `unfold`, `conv2dOutputSize`, …) |
//! | `trace` | the trace handles (`conv2dTrace`, `convTranspose2dTrace`) |
//! | `layer` | the module handles (`Conv2d`, `ConvTranspose2d`) |
//!
//! Arguments arrive as loose JavaScript values and are checked, field by field, into the
//! core's typed options, in PyTorch's order; every failure is a JS `Error` whose `.message` is
//! `"<arg>: <message>"` and which carries `.arg` (the argument's name) and `.kind` (its
//! [`crate::ErrorKind`]'s name; see docs/js-api.md). Nothing here may panic: a panic would
//! trap the module.

mod args;
mod layer;
mod marshal;
mod ops;
mod trace;

pub use layer::{Conv2dModule, ConvTranspose2dModule};
pub use ops::{
    conv2d, conv2d_output_size, conv_matrix, conv_transpose2d, conv_transpose2d_output_size,
    default_init_js, fold, unfold,
};
pub use trace::{conv2d_trace, conv_transpose2d_trace, Conv2dTrace, ConvTranspose2dTrace};

use wasm_bindgen::prelude::*;

/// Installs `console_error_panic_hook` when the module starts: a panic (a bug) is logged on the
/// console with its message and stack before the module traps.
#[wasm_bindgen(start)]
pub fn start() {
    console_error_panic_hook::set_once();
}

/// The crate version.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

/// The element cap on any one tensor or intermediate ([`crate::MAX_ELEMENTS`]).
#[wasm_bindgen(js_name = maxElements)]
pub fn max_elements() -> f64 {
    crate::MAX_ELEMENTS as f64
}
