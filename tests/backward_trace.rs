//! The backward trace: its numbers equal the function's, its intermediates are what they say
//! (Wᵀ·∂L/∂y, col2im of that, the halo folded back by the page's halo map), and its steps
//! replay the stored gradients bit for bit.

use convviz::backward::{conv2d_backward, fold_halo, Conv2dBackwardTrace};
use convviz::conv2d::Conv2dTrace;
use convviz::init::SplitMix64;
use convviz::params::{Conv2dOptions, Padding, PaddingMode, UnfoldOptions};
use convviz::steps::TapKind;
use convviz::unfold::{fold, overlap_counts};
use ndarray::{Array4, Axis};
use proptest::prelude::*;

#[derive(Debug, Clone)]
struct Config {
    n: usize,
    groups: usize,
    cin_g: usize,
    cout_g: usize,
    kernel: [usize; 2],
    stride: [usize; 2],
    dilation: [usize; 2],
    padding: [usize; 2],
    same: bool,
    mode: PaddingMode,
    input: [usize; 2],
    seed: u64,
}

fn config() -> impl Strategy<Value = Config> {
    (
        (1usize..=2, 1usize..=2, 1usize..=2, 1usize..=3),
        (
            [1usize..=3, 1..=3],
            [1usize..=3, 1..=3],
            [1usize..=2, 1..=2],
            [0usize..=2, 0..=2],
        ),
        (any::<bool>(), 0usize..4, [0usize..=3, 0..=3], any::<u64>()),
    )
        .prop_map(
            |(
                (n, groups, cin_g, cout_g),
                (kernel, mut stride, dilation, padding),
                (same, m, extra, seed),
            )| {
                if same {
                    stride = [1, 1];
                }
                let input = [0, 1].map(|d| {
                    let total = dilation[d] * (kernel[d] - 1);
                    let (a, b) = if same {
                        (total / 2, total - total / 2)
                    } else {
                        (padding[d], padding[d])
                    };
                    (total + 1).saturating_sub(a + b).max(a.max(b) + 1) + extra[d]
                });
                Config {
                    n,
                    groups,
                    cin_g,
                    cout_g,
                    kernel,
                    stride,
                    dilation,
                    padding,
                    same,
                    mode: [
                        PaddingMode::Zeros,
                        PaddingMode::Reflect,
                        PaddingMode::Replicate,
                        PaddingMode::Circular,
                    ][m],
                    input,
                    seed,
                }
            },
        )
}

impl Config {
    fn opts(&self) -> Conv2dOptions {
        Conv2dOptions {
            stride: self.stride.map(|v| v as i64),
            padding: if self.same {
                Padding::Same
            } else {
                Padding::Explicit(self.padding.map(|v| v as i64))
            },
            dilation: self.dilation.map(|v| v as i64),
            groups: self.groups as i64,
            padding_mode: self.mode,
        }
    }

    /// Input, weight and ∂L/∂y, uniform in [−1, 1).
    fn tensors(&self) -> (Array4<f32>, Array4<f32>, Array4<f32>) {
        let mut rng = SplitMix64::new(self.seed);
        let mut v = move || rng.uniform(-1.0, 1.0);
        let x = Array4::from_shape_simple_fn(
            (
                self.n,
                self.groups * self.cin_g,
                self.input[0],
                self.input[1],
            ),
            &mut v,
        );
        let w = Array4::from_shape_simple_fn(
            (
                self.groups * self.cout_g,
                self.cin_g,
                self.kernel[0],
                self.kernel[1],
            ),
            &mut v,
        );
        let t = Conv2dTrace::new(x.view(), w.view(), None, &self.opts()).unwrap();
        let gy = Array4::from_shape_simple_fn(t.output.dim(), &mut v);
        (x, w, gy)
    }
}

fn close<D: ndarray::Dimension>(a: &ndarray::Array<f32, D>, b: &ndarray::Array<f32, D>) -> bool {
    a.shape() == b.shape()
        && a.iter()
            .zip(b.iter())
            .all(|(x, y)| (x - y).abs() <= 1e-5 * y.abs().max(1.0))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1_000, failure_persistence: None, ..ProptestConfig::default() })]

    /// The trace's gradients are the function's; its forward stages are the forward trace's.
    #[test]
    fn trace_equals_the_function(c in config()) {
        let (x, w, gy) = c.tensors();
        let opts = c.opts();
        let t = Conv2dBackwardTrace::new(x.view(), w.view(), gy.view(), &opts).unwrap();
        let f = conv2d_backward(x.view(), w.view(), gy.view(), &opts).unwrap();
        prop_assert!(close(&t.grad_input, &f.grad_input));
        prop_assert!(close(&t.grad_weight, &f.grad_weight));
        prop_assert_eq!(&t.grad_bias, &f.grad_bias);
        let fwd = Conv2dTrace::new(x.view(), w.view(), None, &opts).unwrap();
        prop_assert_eq!(&t.padded_input, &fwd.padded_input);
        prop_assert_eq!(&t.columns, &fwd.columns);
        prop_assert_eq!(&t.halo_source, &fwd.halo_source);
        prop_assert_eq!((&t.input, &t.weight, &t.grad_output), (&x, &w, &gy));
    }

    /// grad_columns = Wᵀ·∂L/∂y per group; grad_padded_input = F.fold of it (no padding: the
    /// halo is part of the canvas); grad_input = grad_padded_input with the halo folded back.
    #[test]
    fn intermediates_are_what_they_say(c in config()) {
        let (x, w, gy) = c.tensors();
        let t = Conv2dBackwardTrace::new(x.view(), w.view(), gy.view(), &c.opts()).unwrap();
        let g = t.geometry;
        let (k, l, cout_g) = (g.patch_len(), g.positions(), g.out_per_group());
        let gmat = gy.to_shape((g.batch, g.out_channels, l)).unwrap();
        let wmat = w.to_shape((g.out_channels, k)).unwrap();
        for b in 0..g.batch {
            for grp in 0..g.groups {
                let wg = wmat.slice(ndarray::s![grp * cout_g..(grp + 1) * cout_g, ..]);
                let gg = gmat.slice(ndarray::s![b, grp * cout_g..(grp + 1) * cout_g, ..]);
                let want = wg.t().dot(&gg);
                let got = t.grad_columns.slice(ndarray::s![b, grp * k..(grp + 1) * k, ..]);
                prop_assert!(close(&got.to_owned(), &want));
            }
        }
        let u = UnfoldOptions {
            kernel_size: g.kernel.map(|v| v as i64),
            dilation: g.dilation.map(|v| v as i64),
            padding: [0, 0],
            stride: g.stride.map(|v| v as i64),
        };
        let folded = fold(t.grad_columns.view(), g.padded.map(|v| v as i64), &u).unwrap();
        prop_assert_eq!(&folded, &t.grad_padded_input);
        let back = fold_halo(t.grad_padded_input.view(), g.input, g.pad_before, g.padding_mode);
        prop_assert_eq!(&back, &t.grad_input);
        // ∂L/∂W = Σₙ G·Xᵀ and ∂L/∂b = Σ G.
        for o in 0..g.out_channels {
            let grp = o / cout_g;
            for kk in 0..k {
                let mut want = 0.0f64;
                for b in 0..g.batch {
                    for p in 0..l {
                        want += gmat[[b, o, p]] as f64 * t.columns[[b, grp * k + kk, p]] as f64;
                    }
                }
                let got = t.grad_weight.as_slice().unwrap()[o * k + kk] as f64;
                prop_assert!((got - want).abs() <= 1e-5 * want.abs().max(1.0));
            }
        }
        let sums = gy.sum_axis(Axis(3)).sum_axis(Axis(2)).sum_axis(Axis(0));
        prop_assert!(close(&t.grad_bias, &sums));
    }

    /// Every weight entry's steps and every input cell's steps replay the trace bit for bit.
    #[test]
    fn steps_replay_the_trace_bit_for_bit(c in config()) {
        let (x, w, gy) = c.tensors();
        let t = Conv2dBackwardTrace::new(x.view(), w.view(), gy.view(), &c.opts()).unwrap();
        let g = t.geometry;
        let [ho, wo] = g.output;
        for ((o, ci, i, j), &gw) in t.grad_weight.indexed_iter() {
            let s = t.weight_steps(o, ci, i, j).unwrap();
            prop_assert_eq!(s.sum.to_bits(), gw.to_bits());
            prop_assert_eq!(s.terms.len(), g.batch * ho * wo);
            prop_assert_eq!(s.terms.last().unwrap().sum.to_bits(), gw.to_bits());
            let c_abs = o / g.out_per_group() * g.in_per_group() + ci;
            for term in &s.terms {
                prop_assert_eq!(term.c, c_abs);
                prop_assert_eq!(term.x, t.padded_input[[term.n, c_abs, term.ph, term.pw]]);
                prop_assert_eq!(term.g, gy[[term.n, o, term.oh, term.ow]]);
                let (r, q) = (t.halo_source[[term.ph, 2 * term.pw]], t.halo_source[[term.ph, 2 * term.pw + 1]]);
                prop_assert_eq!(term.source, (r >= 0).then_some((r as usize, q as usize)));
                let inside = term.source == Some((term.ph.wrapping_sub(g.pad_before[0]), term.pw.wrapping_sub(g.pad_before[1])));
                prop_assert_eq!(term.kind == TapKind::Input, inside);
                if let Some((r, q)) = term.source {
                    prop_assert_eq!(term.x, x[[term.n, c_abs, r, q]]);
                }
            }
        }
        let [kh, kw] = g.kernel;
        for ((n, ci, ih, iw), &gx) in t.grad_input.indexed_iter() {
            let s = t.input_steps(n, ci, ih, iw).unwrap();
            prop_assert_eq!(s.sum.to_bits(), gx.to_bits());
            // The cells are exactly those the page's halo map says hold (ih, iw), row-major.
            let mut holding = Vec::new();
            for ph in 0..g.padded[0] {
                for pw in 0..g.padded[1] {
                    if t.halo_source[[ph, 2 * pw]] == ih as i32 && t.halo_source[[ph, 2 * pw + 1]] == iw as i32 {
                        holding.push((ph, pw));
                    }
                }
            }
            let cells: Vec<_> = s.cells.iter().map(|c| (c.ph, c.pw)).collect();
            prop_assert_eq!(cells, holding);
            prop_assert_eq!(s.cells.iter().filter(|c| c.inside).count(), 1);
            for cell in &s.cells {
                prop_assert_eq!(cell.value.to_bits(), t.grad_padded_input[[n, ci, cell.ph, cell.pw]].to_bits());
                for (a, b) in cell.terms.iter().zip(cell.terms.iter().skip(1)) {
                    prop_assert!((a.i, a.j, a.c_out) < (b.i, b.j, b.c_out));
                }
                for term in &cell.terms {
                    prop_assert_eq!(term.oh * g.stride[0] + term.i * g.dilation[0], cell.ph);
                    prop_assert_eq!(term.ow * g.stride[1] + term.j * g.dilation[1], cell.pw);
                    prop_assert_eq!(term.w, w[[term.c_out, ci % g.in_per_group(), term.i, term.j]]);
                    prop_assert_eq!(term.g, gy[[n, term.c_out, term.oh, term.ow]]);
                    prop_assert_eq!(term.product, term.w * term.g);
                }
                // The last term of each tap is the grad_columns entry.
                for (a, b) in cell.terms.iter().zip(cell.terms.iter().skip(1).map(Some).chain([None])) {
                    if b.is_none_or(|b| (b.i, b.j) != (a.i, a.j)) {
                        let row = (ci * kh + a.i) * kw + a.j;
                        let col = t.grad_columns[[n, row, a.oh * wo + a.ow]];
                        prop_assert_eq!(a.column.to_bits(), col.to_bits());
                    }
                }
            }
        }
    }
}

#[test]
fn the_lecture_example_counts_the_windows_over_each_cell() {
    // Conv2d(3, 1, 3) on ones(1, 3, 5, 5), weights and ∂L/∂y all ones: ∂L/∂x is how many
    // windows cover each cell, ∂L/∂W is 9 everywhere (each tap meets 9 ones).
    let x = Array4::<f32>::ones((1, 3, 5, 5));
    let w = Array4::<f32>::ones((1, 3, 3, 3));
    let gy = Array4::<f32>::ones((1, 1, 3, 3));
    let t =
        Conv2dBackwardTrace::new(x.view(), w.view(), gy.view(), &Conv2dOptions::default()).unwrap();
    let count = overlap_counts([5, 5], [3, 3], [3, 3], [1, 1], [0, 0], [1, 1]);
    for c in 0..3 {
        assert_eq!(
            t.grad_input.index_axis(Axis(0), 0).index_axis(Axis(0), c),
            count.mapv(|v| v as f32)
        );
    }
    assert!(t.grad_weight.iter().all(|&v| v == 9.0));
    assert_eq!(t.grad_bias.to_vec(), [9.0]);
    let s = t.weight_steps(0, 2, 1, 1).unwrap();
    assert_eq!(s.terms.len(), 9);
    assert!(s.terms.iter().all(|t| t.product == 1.0));
    let s = t.input_steps(0, 1, 2, 2).unwrap();
    assert_eq!((s.cells.len(), s.cells[0].terms.len(), s.sum), (1, 9, 9.0));
}

#[test]
fn the_halo_gradient_lands_on_the_cells_it_copies() {
    // One row of 4, padding 2 on each side, a 1×1 kernel of weight 1 and ∂L/∂y numbering the
    // 8 padded positions 1, 10, 100, …: each input cell collects the positions holding it.
    let x = Array4::from_shape_fn((1, 1, 1, 4), |(_, _, _, w)| w as f32);
    let w = Array4::<f32>::ones((1, 1, 1, 1));
    let gy = Array4::from_shape_fn((1, 1, 1, 8), |(_, _, _, p)| 10f32.powi(p as i32));
    let want = |mode| -> [f32; 4] {
        match mode {
            // padded:       0      1       2      3     4      5      6      7
            // reflect:      2      1   |   0      1     2      3  |   2      1
            PaddingMode::Reflect => [1e2, 1e1 + 1e3 + 1e7, 1e0 + 1e4 + 1e6, 1e5],
            // replicate:    0      0   |   0 1 2 3  |   3      3
            PaddingMode::Replicate => [1e0 + 1e1 + 1e2, 1e3, 1e4, 1e5 + 1e6 + 1e7],
            // circular:     2      3   |   0 1 2 3  |   0      1
            PaddingMode::Circular => [1e2 + 1e6, 1e3 + 1e7, 1e0 + 1e4, 1e1 + 1e5],
            PaddingMode::Zeros => [1e2, 1e3, 1e4, 1e5],
        }
    };
    for mode in [
        PaddingMode::Zeros,
        PaddingMode::Reflect,
        PaddingMode::Replicate,
        PaddingMode::Circular,
    ] {
        let opts = Conv2dOptions {
            padding: Padding::Explicit([0, 2]),
            padding_mode: mode,
            ..Default::default()
        };
        let f = conv2d_backward(x.view(), w.view(), gy.view(), &opts).unwrap();
        let t = Conv2dBackwardTrace::new(x.view(), w.view(), gy.view(), &opts).unwrap();
        assert_eq!(f.grad_input.as_slice().unwrap(), want(mode), "{mode}");
        assert_eq!(t.grad_input, f.grad_input, "{mode}");
        // Before the fold-back the padded gradient is ∂L/∂y itself (a 1×1 kernel).
        assert_eq!(t.grad_padded_input, gy, "{mode}");
    }
}
