//! The JavaScript boundary of the module, by role (as the core's `src/wasm/`):
//!
//! | module | role |
//! |---|---|
//! | `args` | reading JS values into typed options and tensors: **the core's own file**, `src/wasm/args.rs` |
//! | `marshal` | result objects from named field lists (`record!`, `records!`, `keyed!`), tensors to JS: **the core's own file**, `src/wasm/marshal.rs` |
//! | `options` | this module's readers on top of `args`: 1-D and pooling options, ranks, stacks of layers |
//! | `backward` | `conv2dBackward`, `conv2dGradInput`, `conv2dGradWeight`, `convTranspose2dBackward`, `conv2dBackwardTrace` (#18) |
//! | `conv1d` | `conv1d`, `conv1dTrace` (#19) |
//! | `pool` | `maxPool2d`, `avgPool2d`, `poolWindow`, `pool2dOutputSize` (#19) |
//! | `receptive` | `receptiveField`, `pathCounts`, `stackSizes`, `conv2dParams`, `conv1dParams`, `convTranspose2dParams` (#19) |
//!
//! `args` and `marshal` are compiled from the core's sources rather than exported by the core
//! crate: one copy of the code that reads arguments (PyTorch's forms, words and order of checks)
//! and builds results, while the core module's code stays exactly what it is without this
//! module (public items would be compiled with external linkage and inlined differently,
//! which made the core module 639 bytes larger). What they reach through `crate::` (`error`,
//! `params`, `tensor`, `Result`, `MAX_ELEMENTS`) is the core crate's, through the `use`s of
//! `lib.rs`. Nothing here may panic: a panic would trap the module.

#[allow(dead_code)] // the core's readers of conv2d, fold, layers… are not all used here
#[path = "../../../../src/wasm/args.rs"]
mod args;
#[allow(dead_code)]
#[path = "../../../../src/wasm/marshal.rs"]
mod marshal;

mod backward;
mod conv1d;
mod options;
mod pool;
mod receptive;
