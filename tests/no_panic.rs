//! "Never panics": arbitrary argument values (zero, negative, enormous, mismatched shapes,
//! data of the wrong length, NaN/±∞) give `Err` with a message naming an argument — never a
//! panic. The deterministic twin of the `cargo fuzz` target in fuzz/.

use convviz::conv2d::{conv2d, Conv2dTrace};
use convviz::conv_transpose2d::{conv_transpose2d, ConvTranspose2dTrace};
use convviz::init::{default_init, LayerKind};
use convviz::matrix::conv_matrix;
use convviz::params::{Conv2dOptions, ConvTranspose2dOptions, Padding, PaddingMode, UnfoldOptions};
use convviz::tensor::{tensor1, tensor3, tensor4};
use convviz::unfold::{fold, unfold};
use ndarray::Array2;
use proptest::prelude::*;

/// Mostly small values, sometimes hostile ones.
fn arg() -> impl Strategy<Value = i64> {
    prop_oneof![
        6 => -1i64..=4,
        1 => Just(i64::MAX),
        1 => Just(i64::MIN),
        1 => Just(1i64 << 40),
        1 => Just(1i64 << 24),
        1 => Just(-(1i64 << 31)),
    ]
}

fn pair() -> impl Strategy<Value = [i64; 2]> {
    [arg(), arg()]
}

fn dim() -> impl Strategy<Value = i64> {
    prop_oneof![8 => 0i64..=5, 1 => Just(-1i64), 1 => Just(1i64 << 33), 1 => Just(5000i64)]
}

fn value() -> impl Strategy<Value = f32> {
    prop_oneof![20 => -3.0f32..3.0, 1 => Just(f32::NAN), 1 => Just(f32::INFINITY), 1 => Just(f32::NEG_INFINITY)]
}

/// Data for `shape`, or (sometimes) of the wrong length; capped so the test stays fast.
fn data_for(shape: &[i64], fill: &[f32], wrong: i64) -> Vec<f32> {
    let len = shape
        .iter()
        .try_fold(1i64, |a, &d| a.checked_mul(d.max(0)))
        .unwrap_or(0);
    let len = len.saturating_add(wrong).clamp(0, 4096) as usize;
    (0..len).map(|i| fill[i % fill.len()]).collect()
}

fn named(e: &convviz::Error) -> bool {
    !e.arg().is_empty() && !e.message().is_empty() && e.to_string().starts_with(e.arg())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3_000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn no_argument_panics(
        xs in [dim(), dim(), dim(), dim()],
        ws in [dim(), dim(), dim(), dim()],
        bs in dim(),
        stride in pair(), padding in pair(), dilation in pair(), out_pad in pair(), out_size in pair(),
        groups in arg(), mode in 0usize..4, pad_kind in 0usize..3, use_size in any::<bool>(),
        wrong in prop_oneof![6 => Just(0i64), 1 => -2i64..=2],
        fill in proptest::collection::vec(value(), 1..8),
    ) {
        let modes = [PaddingMode::Zeros, PaddingMode::Reflect, PaddingMode::Replicate, PaddingMode::Circular];
        let copts = Conv2dOptions {
            stride, dilation, groups, padding_mode: modes[mode],
            padding: [Padding::Explicit(padding), Padding::Same, Padding::Valid][pad_kind],
        };
        let topts = ConvTranspose2dOptions {
            stride, padding, output_padding: out_pad, dilation, groups,
            output_size: use_size.then_some(out_size),
        };
        let uopts = UnfoldOptions { kernel_size: [ws[2], ws[3]], dilation, padding, stride };
        let x = tensor4("input", &xs, data_for(&xs, &fill, wrong));
        let w = tensor4("weight", &ws, data_for(&ws, &fill, 0));
        let b = tensor1("bias", &[bs], data_for(&[bs], &fill, 0));
        let cols = tensor3("input", &xs[..3], data_for(&xs[..3], &fill, wrong));
        let mut results: Vec<Result<(), convviz::Error>> = vec![
            x.as_ref().map(|_| ()).map_err(Clone::clone),
            w.as_ref().map(|_| ()).map_err(Clone::clone),
        ];
        if let (Ok(x), Ok(w)) = (&x, &w) {
            let bv = b.as_ref().ok().map(|b| b.view());
            results.push(conv2d(x.view(), w.view(), bv, &copts).map(|_| ()));
            results.push(Conv2dTrace::new(x.view(), w.view(), bv, &copts).map(|t| {
                let g = t.geometry;
                let _ = t.steps(g.batch - 1, g.out_channels - 1, g.output[0] - 1, g.output[1] - 1).unwrap();
                assert!(t.steps(g.batch, 0, 0, 0).is_err());
            }));
            results.push(conv_transpose2d(x.view(), w.view(), bv, &topts).map(|_| ()));
            results.push(ConvTranspose2dTrace::new(x.view(), w.view(), bv, &topts).map(|t| {
                let g = t.geometry;
                let _ = t.stamp(g.batch - 1, g.in_channels - 1, g.input[0] - 1, g.input[1] - 1).unwrap();
            }));
            results.push(unfold(x.view(), &uopts).map(|_| ()));
            let k = Array2::from_shape_fn((w.dim().2, w.dim().3), |(i, j)| w[[0, 0, i, j]]);
            results.push(conv_matrix([x.dim().2, x.dim().3], k.view(), &copts).map(|_| ()));
        }
        if let Ok(cols) = &cols {
            results.push(fold(cols.view(), out_size, &uopts).map(|_| ()));
        }
        results.push(default_init(LayerKind::Conv2d, xs[1], ws[0], [ws[2], ws[3]], groups, true, 7).map(|_| ()));
        results.push(default_init(LayerKind::ConvTranspose2d, xs[1], ws[0], [ws[2], ws[3]], groups, false, 7).map(|_| ()));
        for r in results {
            if let Err(e) = r {
                prop_assert!(named(&e), "unnamed error: {e:?}");
            }
        }
    }
}

#[test]
fn oversized_requests_are_refused_before_allocating() {
    // 2^20 × 2^20 would be 4 TiB of f32: refused by the shape check, not by the allocator.
    let e = tensor4("input", &[1, 1, 1 << 20, 1 << 20], vec![]).unwrap_err();
    assert_eq!(e.kind(), convviz::ErrorKind::TooLarge);
    assert_eq!(e.arg(), "input");
    // A small input whose transposed output would be enormous.
    let x = tensor4("input", &[1, 1, 2, 2], vec![1.0; 4]).unwrap();
    let w = tensor4("weight", &[1, 1, 2, 2], vec![1.0; 4]).unwrap();
    let opts = ConvTranspose2dOptions {
        stride: [1 << 23, 1 << 23],
        ..Default::default()
    };
    let e = conv_transpose2d(x.view(), w.view(), None, &opts).unwrap_err();
    assert_eq!(e.kind(), convviz::ErrorKind::TooLarge);
    // Dilation so large that the padded-input check must not overflow.
    let opts = Conv2dOptions {
        dilation: [i64::MAX, 1],
        ..Default::default()
    };
    assert!(conv2d(x.view(), w.view(), None, &opts).is_err());
}

#[test]
fn settings_that_would_freeze_the_tab_are_refused() {
    // The fuzzer's find: a 5000-tall kernel sliding over a 40,000-row zero-inserted input is
    // 1.6·10⁹ multiply-adds — over MAX_MACS, refused up front instead of computed for seconds.
    let x = tensor4("input", &[1, 1, 40_000, 8], vec![0.5; 320_000]).unwrap();
    let w = tensor4("weight", &[1, 1, 5000, 1], vec![1.0; 5000]).unwrap();
    let e = conv2d(x.view(), w.view(), None, &Conv2dOptions::default()).unwrap_err();
    assert_eq!(e.kind(), convviz::ErrorKind::TooLarge);
    assert!(e.to_string().contains("multiply-adds"), "{e}");
    let x = tensor4("input", &[1, 64, 64, 64], vec![0.5; 64 * 64 * 64]).unwrap();
    let w = tensor4("weight", &[64, 64, 9, 9], vec![0.1; 64 * 64 * 81]).unwrap();
    let e =
        conv_transpose2d(x.view(), w.view(), None, &ConvTranspose2dOptions::default()).unwrap_err();
    assert_eq!(e.kind(), convviz::ErrorKind::TooLarge);
}

#[test]
fn stride_wider_than_the_padded_input_is_computed_not_a_panic() {
    // Found by the page's random-interaction test: a 1×1 input, stride (1, 3), dilation (3, 3),
    // reflect padding. The fast route once split the input by column phase out of range.
    let x = tensor4("input", &[1, 1, 1, 1], vec![2.0]).unwrap();
    let w = tensor4("weight", &[1, 1, 1, 1], vec![3.0]).unwrap();
    let opts = Conv2dOptions {
        stride: [1, 3],
        dilation: [3, 3],
        padding_mode: PaddingMode::Reflect,
        ..Default::default()
    };
    let y = conv2d(x.view(), w.view(), None, &opts).unwrap();
    assert_eq!(y.as_slice().unwrap(), &[6.0]);
    let x = tensor4("input", &[1, 2, 2, 3], (0..12).map(|v| v as f32).collect()).unwrap();
    let w = tensor4("weight", &[1, 2, 1, 2], vec![1.0, 1.0, 1.0, 1.0]).unwrap();
    let opts = Conv2dOptions {
        stride: [1, 5],
        padding: Padding::Explicit([0, 1]),
        ..Default::default()
    };
    let y = conv2d(x.view(), w.view(), None, &opts).unwrap();
    let t = Conv2dTrace::new(x.view(), w.view(), None, &opts).unwrap();
    assert_eq!(y, t.output);
}
