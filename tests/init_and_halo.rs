//! PyTorch's default initialisation (bounds, determinism, fan_in of each layer kind), the halo
//! sources of each padding mode, and the zero-insertion bookkeeping.

use convviz::conv2d::Conv2dTrace;
use convviz::conv_transpose2d::ConvTranspose2dTrace;
use convviz::init::{default_init, LayerKind};
use convviz::params::{Conv2dOptions, ConvTranspose2dOptions, Padding, PaddingMode};
use convviz::steps::TapKind;
use ndarray::Array4;

#[test]
fn default_init_is_uniform_in_one_over_sqrt_fan_in_and_deterministic() {
    let (w, b) = default_init(LayerKind::Conv2d, 4, 6, [3, 5], 2, true, 42).unwrap();
    assert_eq!(w.dim(), (6, 2, 3, 5));
    let bound = 1.0 / ((2 * 3 * 5) as f32).sqrt();
    let b = b.unwrap();
    assert!(w.iter().chain(b.iter()).all(|v| v.abs() <= bound));
    // Spread over the interval, not a constant.
    let max = w.iter().cloned().fold(f32::MIN, f32::max);
    let min = w.iter().cloned().fold(f32::MAX, f32::min);
    assert!(max > 0.5 * bound && min < -0.5 * bound);
    let (w2, _) = default_init(LayerKind::Conv2d, 4, 6, [3, 5], 2, true, 42).unwrap();
    assert_eq!(w, w2);
    let (w3, _) = default_init(LayerKind::Conv2d, 4, 6, [3, 5], 2, true, 43).unwrap();
    assert_ne!(w, w3);
    // ConvTranspose2d: weight (C_in, C_out/groups, kh, kw), fan_in = C_out/groups·kh·kw.
    let (wt, bt) = default_init(LayerKind::ConvTranspose2d, 2, 8, [3, 3], 1, false, 1).unwrap();
    assert_eq!(wt.dim(), (2, 8, 3, 3));
    assert!(bt.is_none());
    assert!(wt.iter().all(|v| v.abs() <= 1.0 / 72f32.sqrt()));
    assert_eq!(
        default_init(LayerKind::Conv2d, 3, 2, [3, 3], 2, true, 0)
            .unwrap_err()
            .arg(),
        "groups"
    );
}

fn trace(mode: PaddingMode) -> Conv2dTrace {
    // 1 × 1 × 3 × 4 input numbered 0..12, 3 × 3 kernel, padding 2 rows / 1 column.
    let x = Array4::from_shape_fn((1, 1, 3, 4), |(_, _, i, j)| (i * 4 + j) as f32);
    let w = Array4::ones((1, 1, 3, 3));
    let opts = Conv2dOptions {
        padding: Padding::Explicit([2, 1]),
        padding_mode: mode,
        ..Default::default()
    };
    Conv2dTrace::new(x.view(), w.view(), None, &opts).unwrap()
}

#[test]
fn halo_sources_say_which_input_cell_each_padding_cell_copies() {
    let src = |t: &Conv2dTrace, ph: usize, pw: usize| {
        (t.halo_source[[ph, 2 * pw]], t.halo_source[[ph, 2 * pw + 1]])
    };
    let z = trace(PaddingMode::Zeros);
    assert_eq!(src(&z, 0, 0), (-1, -1));
    assert_eq!(src(&z, 2, 1), (0, 0));
    assert_eq!(z.padded_input[[0, 0, 0, 0]], 0.0);
    let r = trace(PaddingMode::Reflect);
    assert_eq!(src(&r, 0, 0), (2, 1)); // two rows above row 0 reflect row 2; left of col 0 is col 1
    assert_eq!(r.padded_input[[0, 0, 0, 0]], 9.0);
    let p = trace(PaddingMode::Replicate);
    assert_eq!(src(&p, 0, 5), (0, 3));
    let c = trace(PaddingMode::Circular);
    assert_eq!(src(&c, 0, 0), (1, 3)); // wraps: row −2 → row 1, col −1 → col 3
    assert_eq!(c.padded_input[[0, 0, 0, 0]], 7.0);
    // Steps label halo taps as padding, with their source.
    let s = c.steps(0, 0, 0, 0).unwrap();
    assert_eq!(s.taps[0].kind, TapKind::Padding);
    assert_eq!(s.taps[0].source, Some((1, 3)));
    assert_eq!(s.output, c.output[[0, 0, 0, 0]]);
}

#[test]
fn dilation_holes_are_skip_taps() {
    let x = Array4::from_elem((1, 1, 5, 5), 1.0f32);
    let w = Array4::from_elem((1, 1, 2, 2), 2.0f32);
    let opts = Conv2dOptions {
        dilation: [2, 2],
        ..Default::default()
    };
    let t = Conv2dTrace::new(x.view(), w.view(), None, &opts).unwrap();
    let s = t.steps(0, 0, 0, 0).unwrap();
    // A 2×2 kernel at dilation 2 spans 3×3: 4 taps and 5 holes.
    assert_eq!(s.taps.len(), 9);
    assert_eq!(s.taps.iter().filter(|t| t.kind == TapKind::Skip).count(), 5);
    assert_eq!(s.output, 8.0);
}

#[test]
fn zero_insertion_pads_or_crops_as_conv_arithmetic_draws() {
    // The lecture's round trip: 3×3 → 6×6 with stride 2, padding 1, output_size (6, 6).
    let x = Array4::from_shape_fn((1, 2, 3, 3), |(_, c, i, j)| (c * 9 + i * 3 + j) as f32);
    let w = Array4::from_elem((2, 1, 3, 3), 1.0f32);
    let opts = ConvTranspose2dOptions {
        stride: [2, 2],
        padding: [1, 1],
        output_size: Some([6, 6]),
        ..Default::default()
    };
    let t = ConvTranspose2dTrace::new(x.view(), w.view(), None, &opts).unwrap();
    assert_eq!(t.geometry.output_padding, [1, 1]);
    assert_eq!(t.zero_insertion.padding, [1, 2, 1, 2]); // d(k−1) − p = 1, + output_padding below/right
    assert_eq!(t.zero_insertion.input.dim(), (1, 2, 8, 8)); // 5 dilated + 1 + 2
    assert_eq!(t.zero_insertion.output, t.output);
    // padding 3 > d(k−1) = 2: the zero-inserted input is cropped by one on each side.
    let opts = ConvTranspose2dOptions {
        stride: [2, 2],
        padding: [3, 3],
        ..Default::default()
    };
    let x = Array4::from_elem((1, 1, 4, 4), 1.0f32);
    let w = Array4::from_elem((1, 1, 3, 3), 1.0f32);
    let t = ConvTranspose2dTrace::new(x.view(), w.view(), None, &opts).unwrap();
    assert_eq!(t.zero_insertion.padding, [-1, -1, -1, -1]);
    assert_eq!(t.output.dim(), (1, 1, 3, 3));
    assert_eq!(t.zero_insertion.output, t.output);
    assert_eq!(t.overlap.dim(), (9, 9));
    assert_eq!(t.overlap[[2, 2]], 4); // four stamps overlap where stride 2 meets kernel 3
}
