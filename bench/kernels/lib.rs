//! Raw `extern "C"` exports of convviz's kernels for timing them inside wasm, without the JS
//! boundary (bench/kernels.mjs). Each call repeats the operation `reps` times.
#![allow(clippy::missing_safety_doc, clippy::too_many_arguments)]

use convviz::params::{Conv2dOptions, ConvTranspose2dOptions, Padding};
use ndarray::{ArrayView1, ArrayView2, ArrayView4, ArrayViewMut2};

/// A zeroed buffer of `n` floats, leaked (the benchmark owns it for the process's life).
#[no_mangle]
pub extern "C" fn buf(n: usize) -> *mut f32 {
    Box::leak(vec![0.0f32; n].into_boxed_slice()).as_mut_ptr()
}

#[no_mangle]
pub unsafe extern "C" fn gemm(
    m: usize,
    k: usize,
    n: usize,
    a: *const f32,
    b: *const f32,
    c: *mut f32,
    reps: usize,
) {
    let a = ArrayView2::from_shape_ptr((m, k), a);
    let b = ArrayView2::from_shape_ptr((k, n), b);
    let mut c = ArrayViewMut2::from_shape_ptr((m, n), c);
    for _ in 0..reps {
        convviz::gemm::matmul_into(a, b, &mut c);
    }
}

#[no_mangle]
pub unsafe extern "C" fn conv2d(
    n: usize,
    cin: usize,
    h: usize,
    w: usize,
    cout: usize,
    k: usize,
    stride: i64,
    pad: i64,
    x: *const f32,
    wt: *const f32,
    bias: *const f32,
    out: *mut f32,
    reps: usize,
) -> usize {
    let x = ArrayView4::from_shape_ptr((n, cin, h, w), x);
    let wt = ArrayView4::from_shape_ptr((cout, cin, k, k), wt);
    let b = ArrayView1::from_shape_ptr(cout, bias);
    let opts = Conv2dOptions {
        stride: [stride; 2],
        padding: Padding::Explicit([pad; 2]),
        ..Default::default()
    };
    let mut len = 0;
    for _ in 0..reps {
        let y = convviz::conv2d::conv2d(x, wt, Some(b), &opts).expect("valid");
        len = y.len();
        std::ptr::copy_nonoverlapping(y.as_ptr(), out, len);
    }
    len
}

#[no_mangle]
pub unsafe extern "C" fn conv_transpose2d(
    n: usize,
    cin: usize,
    h: usize,
    w: usize,
    cout: usize,
    k: usize,
    stride: i64,
    pad: i64,
    x: *const f32,
    wt: *const f32,
    bias: *const f32,
    out: *mut f32,
    reps: usize,
) -> usize {
    let x = ArrayView4::from_shape_ptr((n, cin, h, w), x);
    let wt = ArrayView4::from_shape_ptr((cin, cout, k, k), wt);
    let b = ArrayView1::from_shape_ptr(cout, bias);
    let opts = ConvTranspose2dOptions {
        stride: [stride; 2],
        padding: [pad; 2],
        ..Default::default()
    };
    let mut len = 0;
    for _ in 0..reps {
        let y = convviz::conv_transpose2d::conv_transpose2d(x, wt, Some(b), &opts).expect("valid");
        len = y.len();
        std::ptr::copy_nonoverlapping(y.as_ptr(), out, len);
    }
    len
}
