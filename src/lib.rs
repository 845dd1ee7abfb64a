//! # convviz
//!
//! PyTorch-exact `Conv2d`, `ConvTranspose2d`, `Unfold` and `Fold` in pure Rust (`ndarray`),
//! keeping every intermediate matrix so that a page can draw how a convolution works.
//!
//! Tensors are NCHW `f32`. The maths lives in modules free of `wasm-bindgen`; `wasm` (the
//! default feature `bindings`) is the only JavaScript boundary. `crates/more`, the module of the
//! newer operations, links the maths without it and builds its own boundary on the same
//! `wasm/args.rs` and `wasm/marshal.rs`.
//!
//! | module | owns |
//! |---|---|
//! | [`error`] | the error type: which argument, what kind, PyTorch-like message |
//! | [`params`] | argument types, validation, the output-size formulas |
//! | [`tensor`] | checked tensors from shape + data, the element cap [`MAX_ELEMENTS`] |
//! | [`pad`] | zeros / reflect / replicate / circular padding, halo sources |
//! | [`unfold`] | im2col / col2im (`F.unfold` / `F.fold`), overlap counts |
//! | [`gemm`] | the matrix products |
//! | [`conv2d`] | `Conv2d` and its trace |
//! | [`conv_transpose2d`] | `ConvTranspose2d`, its trace and the zero-insertion route |
//! | [`conv1d`] | `Conv1d` and its trace, through [`conv2d`] on a single row |
//! | [`pool`] | `max_pool2d` (with indices), `avg_pool2d`, one output cell's window |
//! | [`receptive`] | receptive fields of a stack, path counts back to the input, parameter counts |
//! | [`matrix`] | the sparse convolution matrix `C` |
//! | [`steps`] | per-output-cell taps and running sums for the animation |
//! | [`backward`] | gradients of `Conv2d` / `ConvTranspose2d` (halo folded back) and their trace |
//! | [`init`] | PyTorch's default parameter initialisation |
//! | [`layer`] | prepared `Conv2d` / `ConvTranspose2d` modules: weights checked and packed once |
#![warn(missing_docs)]

pub mod backward;
pub mod conv1d;
pub mod conv2d;
pub mod conv_transpose2d;
pub mod error;
pub mod gemm;
pub mod init;
pub mod layer;
pub mod matrix;
pub mod pad;
pub mod params;
pub mod pool;
pub mod receptive;
pub mod steps;
pub mod tensor;
pub mod unfold;
#[cfg(feature = "bindings")]
pub mod wasm;

pub use error::{Error, ErrorKind, Result};

/// The wasm allocator: `talc` instead of the standard library's dlmalloc, 5.5 KB smaller in the
/// optimised module and as fast on the benchmark cases (bench/run.mjs; memory use the same).
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
#[global_allocator]
static TALC: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();
pub use tensor::{MAX_ELEMENTS, MAX_MACS};
