//! Property tests over random valid configurations: the three routes of a convolution agree
//! (direct sums, im2col + GEMM, the matrix C), the adjoint identity holds, fold∘unfold
//! multiplies by the overlap count, the animation steps replay the product bit for bit, and
//! both transposed-convolution routes agree.

use convviz::conv2d::{conv2d, Conv2dTrace};
use convviz::conv_transpose2d::{conv_transpose2d, ConvTranspose2dTrace};
use convviz::init::SplitMix64;
use convviz::matrix::conv_matrix;
use convviz::params::{Conv2dOptions, ConvTranspose2dOptions, Padding, PaddingMode, UnfoldOptions};
use convviz::unfold::{fold, overlap_counts, unfold};
use ndarray::{s, Array1, Array4, ArrayView1, ArrayView4};
use proptest::prelude::*;

/// One random valid Conv2d configuration.
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
    input: [usize; 2],
    mode: PaddingMode,
    bias: bool,
    seed: u64,
}

fn config() -> impl Strategy<Value = Config> {
    (
        (1usize..=2, 1usize..=3, 1usize..=2, 1usize..=2),
        (
            [1usize..=3, 1..=3],
            [1usize..=3, 1..=3],
            [1usize..=2, 1..=2],
            [0usize..=2, 0..=2],
        ),
        ([0usize..=4, 0..=4], 0usize..4, any::<bool>(), any::<u64>()),
    )
        .prop_map(
            |(
                (n, groups, cin_g, cout_g),
                (kernel, stride, dilation, padding),
                (extra, m, bias, seed),
            )| {
                let mode = [
                    PaddingMode::Zeros,
                    PaddingMode::Reflect,
                    PaddingMode::Replicate,
                    PaddingMode::Circular,
                ][m];
                let mut input = [0; 2];
                for d in 0..2 {
                    let eff = dilation[d] * (kernel[d] - 1) + 1;
                    // Smallest input that leaves at least one output, then a little more.
                    let min = eff
                        .saturating_sub(2 * padding[d])
                        .max(1)
                        .max(padding[d] + 1);
                    input[d] = min + extra[d];
                }
                Config {
                    n,
                    groups,
                    cin_g,
                    cout_g,
                    kernel,
                    stride,
                    dilation,
                    padding,
                    input,
                    mode,
                    bias,
                    seed,
                }
            },
        )
}

impl Config {
    fn opts(&self) -> Conv2dOptions {
        Conv2dOptions {
            stride: self.stride.map(|v| v as i64),
            padding: Padding::Explicit(self.padding.map(|v| v as i64)),
            dilation: self.dilation.map(|v| v as i64),
            groups: self.groups as i64,
            padding_mode: self.mode,
        }
    }
    /// Small integers and halves: sums of products stay exact in f32.
    fn tensors(&self) -> (Array4<f32>, Array4<f32>, Option<Array1<f32>>) {
        let mut rng = SplitMix64::new(self.seed);
        let mut v = move || ((rng.next_u64() % 9) as f32 - 4.0) * 0.5;
        let cin = self.groups * self.cin_g;
        let cout = self.groups * self.cout_g;
        let x = Array4::from_shape_simple_fn((self.n, cin, self.input[0], self.input[1]), &mut v);
        let w = Array4::from_shape_simple_fn(
            (cout, self.cin_g, self.kernel[0], self.kernel[1]),
            &mut v,
        );
        let b = self
            .bias
            .then(|| Array1::from_shape_simple_fn(cout, &mut v));
        (x, w, b)
    }
}

/// The definition, summed directly: y[n,o,i,j] = b[o] + Σ_c Σ_p Σ_q w[o,c,p,q]·pad(x)[…].
fn direct(
    x: ArrayView4<f32>,
    w: ArrayView4<f32>,
    b: Option<ArrayView1<f32>>,
    c: &Config,
) -> Array4<f32> {
    let (n, _, h, wd) = x.dim();
    let (cout, cin_g, kh, kw) = w.dim();
    let cout_g = cout / c.groups;
    let src = |p: i64, len: usize| -> Option<usize> {
        let l = len as i64;
        if (0..l).contains(&p) {
            return Some(p as usize);
        }
        match c.mode {
            PaddingMode::Zeros => None,
            PaddingMode::Replicate => Some(p.clamp(0, l - 1) as usize),
            PaddingMode::Circular => Some(p.rem_euclid(l) as usize),
            PaddingMode::Reflect => Some(if p < 0 { -p } else { 2 * (l - 1) - p } as usize),
        }
    };
    let ho = (h + 2 * c.padding[0] - c.dilation[0] * (kh - 1) - 1) / c.stride[0] + 1;
    let wo = (wd + 2 * c.padding[1] - c.dilation[1] * (kw - 1) - 1) / c.stride[1] + 1;
    Array4::from_shape_fn((n, cout, ho, wo), |(b_, o, i, j)| {
        let grp = o / cout_g;
        let mut acc = b.map_or(0.0, |b| b[o]);
        for cl in 0..cin_g {
            for p in 0..kh {
                for q in 0..kw {
                    let r = (i * c.stride[0] + p * c.dilation[0]) as i64 - c.padding[0] as i64;
                    let s_ = (j * c.stride[1] + q * c.dilation[1]) as i64 - c.padding[1] as i64;
                    if let (Some(r), Some(s_)) = (src(r, h), src(s_, wd)) {
                        acc += w[[o, cl, p, q]] * x[[b_, grp * cin_g + cl, r, s_]];
                    }
                }
            }
        }
        acc
    })
}

fn close(a: &Array4<f32>, b: &Array4<f32>) -> bool {
    a.dim() == b.dim()
        && a.iter()
            .zip(b.iter())
            .all(|(x, y)| (x - y).abs() <= 1e-4 * y.abs().max(1.0))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 10_000, failure_persistence: None, ..ProptestConfig::default() })]

    /// Direct sums == im2col + GEMM == trace == Σ_c C(w[o,c])·x[c] == steps, for 10,000
    /// random configurations (every padding mode, groups, rectangular everything).
    #[test]
    fn direct_im2col_matrix_and_steps_agree(c in config()) {
        let (x, w, b) = c.tensors();
        let bv = b.as_ref().map(|b| b.view());
        let want = direct(x.view(), w.view(), bv, &c);
        let fast = conv2d(x.view(), w.view(), bv, &c.opts()).unwrap();
        prop_assert!(close(&fast, &want), "im2col route differs from the direct sums");
        let t = Conv2dTrace::new(x.view(), w.view(), bv, &c.opts()).unwrap();
        prop_assert!(close(&t.output, &want), "trace differs from the direct sums");
        // Matrix form: one C per (output channel, input channel) pair.
        let (n, cout, ho, wo) = want.dim();
        let cout_g = cout / c.groups;
        for o in 0..cout {
            let grp = o / cout_g;
            let mut y = Array1::<f32>::from_elem(ho * wo, b.as_ref().map_or(0.0, |b| b[o]));
            for cl in 0..c.cin_g {
                let cm = conv_matrix(c.input, w.slice(s![o, cl, .., ..]), &Conv2dOptions { groups: 1, ..c.opts() }).unwrap();
                let xs = x.slice(s![0, grp * c.cin_g + cl, .., ..]).to_owned().into_shape_with_order(c.input[0] * c.input[1]).unwrap();
                y = y + cm.dot(&xs);
            }
            for (k, v) in y.iter().enumerate() {
                let e = want[[0, o, k / wo, k % wo]];
                prop_assert!((v - e).abs() <= 1e-4 * e.abs().max(1.0), "C·x differs at {o},{k}");
            }
        }
        // The animation replays the product exactly.
        let last = (n - 1, cout - 1, ho - 1, wo - 1);
        for &(bn, o, i, j) in &[(0, 0, 0, 0), last] {
            let st = t.steps(bn, o, i, j).unwrap();
            prop_assert_eq!(st.sum, t.product[[bn, o, i * wo + j]]);
            prop_assert_eq!(st.output, t.output[[bn, o, i, j]]);
        }
    }

    /// ⟨conv2d(x), y⟩ = ⟨x, conv_transpose2d(y)⟩ with the same weight and settings (zeros
    /// padding), output_padding chosen so that the transpose returns x's size.
    #[test]
    fn adjoint_identity(c in config()) {
        let c = Config { mode: PaddingMode::Zeros, bias: false, ..c };
        let (x, w, _) = c.tensors();
        let cx = conv2d(x.view(), w.view(), None, &c.opts()).unwrap();
        let mut rng = SplitMix64::new(c.seed ^ 0xABCD);
        let y = Array4::from_shape_simple_fn(cx.dim(), || rng.uniform(-1.0, 1.0));
        let out = [cx.dim().2, cx.dim().3];
        let op = [0, 1].map(|d| {
            let eff = c.dilation[d] * (c.kernel[d] - 1) + 1;
            (c.input[d] + 2 * c.padding[d] - eff) % c.stride[d]
        });
        let topts = ConvTranspose2dOptions {
            stride: c.stride.map(|v| v as i64),
            padding: c.padding.map(|v| v as i64),
            output_padding: op.map(|v| v as i64),
            dilation: c.dilation.map(|v| v as i64),
            groups: c.groups as i64,
            output_size: None,
        };
        let cty = conv_transpose2d(y.view(), w.view(), None, &topts).unwrap();
        prop_assert_eq!(cty.dim(), x.dim());
        let lhs: f64 = cx.iter().zip(y.iter()).map(|(a, b)| *a as f64 * *b as f64).sum();
        let rhs: f64 = x.iter().zip(cty.iter()).map(|(a, b)| *a as f64 * *b as f64).sum();
        prop_assert!((lhs - rhs).abs() <= 1e-3 * lhs.abs().max(1.0), "{lhs} != {rhs} for out {out:?}");
        // Cᵀ·y is the transposed convolution, channel pair by channel pair.
        if c.groups == 1 && c.cin_g == 1 && c.cout_g == 1 {
            let cm = conv_matrix(c.input, w.slice(s![0, 0, .., ..]), &c.opts()).unwrap();
            let ys = y.slice(s![0, 0, .., ..]).to_owned().into_shape_with_order(out[0] * out[1]).unwrap();
            let ct = cm.t().dot(&ys);
            for (k, v) in ct.iter().enumerate() {
                let e = cty[[0, 0, k / c.input[1], k % c.input[1]]];
                prop_assert!((v - e).abs() <= 1e-4 * e.abs().max(1.0));
            }
        }
    }

    /// fold(unfold(x)) = x ⊙ overlap count.
    #[test]
    fn fold_of_unfold_multiplies_by_count(c in config()) {
        let (x, _, _) = c.tensors();
        let opts = UnfoldOptions {
            kernel_size: c.kernel.map(|v| v as i64),
            dilation: c.dilation.map(|v| v as i64),
            padding: c.padding.map(|v| v as i64),
            stride: c.stride.map(|v| v as i64),
        };
        let cols = unfold(x.view(), &opts).unwrap();
        let back = fold(cols.view(), c.input.map(|v| v as i64), &opts).unwrap();
        let eff = [0, 1].map(|d| c.dilation[d] * (c.kernel[d] - 1) + 1);
        let blocks = [0, 1].map(|d| (c.input[d] + 2 * c.padding[d] - eff[d]) / c.stride[d] + 1);
        let count = overlap_counts(c.input, blocks, c.kernel, c.dilation, c.padding, c.stride);
        for ((b, ch, i, j), v) in back.indexed_iter() {
            prop_assert_eq!(*v, x[[b, ch, i, j]] * count[[i, j]] as f32);
        }
    }

    /// The scatter (col2im) route and the zero-insertion route give the same output, and the
    /// trace agrees with the plain op.
    #[test]
    fn scatter_equals_zero_insertion(c in config(), op in [0usize..=2, 0..=2], use_size in any::<bool>()) {
        let (x, w, b) = c.tensors();
        // The conv weight (C_out, C_in/g, kh, kw) read as a transposed weight maps C_out
        // channels to C_in: feed it the conv's own output.
        let op = [0, 1].map(|d| (op[d] % c.stride[d].max(c.dilation[d])) as i64);
        let mut topts = ConvTranspose2dOptions {
            stride: c.stride.map(|v| v as i64),
            padding: c.padding.map(|v| v as i64),
            output_padding: op,
            dilation: c.dilation.map(|v| v as i64),
            groups: c.groups as i64,
            output_size: None,
        };
        let xin = conv2d(x.view(), w.view(), None, &Conv2dOptions { padding_mode: PaddingMode::Zeros, ..c.opts() }).unwrap();
        let w_t = w;
        let bias = b.map(|b| Array1::from_shape_fn(c.groups * c.cin_g, |i| b[i % b.len()]));
        let bv = bias.as_ref().map(|b| b.view());
        let plain = conv_transpose2d(xin.view(), w_t.view(), bv, &topts);
        let Ok(plain) = plain else { return Ok(()); }; // padding may crop everything
        // PyTorch's output_size range is [min, min + stride − 1]: an output_padding that only
        // dilation allows has no output_size spelling.
        if use_size && (0..2).all(|d| (op[d] as usize) < c.stride[d]) {
            topts.output_size = Some([plain.dim().2 as i64, plain.dim().3 as i64]);
            topts.output_padding = [0, 0];
        }
        let t = ConvTranspose2dTrace::new(xin.view(), w_t.view(), bv, &topts).unwrap();
        prop_assert!(close(&t.output, &plain));
        prop_assert!(close(&t.zero_insertion.output, &plain));
    }
}
