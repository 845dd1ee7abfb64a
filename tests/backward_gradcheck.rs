//! Gradient checks independent of PyTorch: on small random configurations (every padding mode,
//! 'same', groups, strides, dilations, output_padding / output_size), the gradients equal
//! central finite differences of L = Σ y·∂L/∂y, with y from a float64 convolution written
//! here from the definition; and the adjoint identities ⟨conv(x), g⟩ = ⟨x, ∂L/∂x⟩ =
//! ⟨w, ∂L/∂w⟩ hold against the crate's own forward.

use convviz::backward::{
    conv2d_backward, conv2d_grad_input, conv2d_grad_weight, conv_transpose2d_backward, Conv2dGrads,
};
use convviz::conv2d::conv2d;
use convviz::conv_transpose2d::conv_transpose2d;
use convviz::init::SplitMix64;
use convviz::params::{Conv2dOptions, ConvTranspose2dOptions, Padding, PaddingMode};
use ndarray::{Array1, Array4};
use proptest::prelude::*;

/// One random valid configuration of either operation.
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
    /// Conv2d: 'same' instead of `padding` (stride forced to 1).
    same: bool,
    mode: PaddingMode,
    /// ConvTranspose2d: output_padding (made valid: below stride or dilation).
    output_padding: [usize; 2],
    /// ConvTranspose2d: pass the output size (from output_padding) as `output_size` instead.
    use_size: bool,
    extra: [usize; 2],
    seed: u64,
}

fn config() -> impl Strategy<Value = Config> {
    (
        (1usize..=2, 1usize..=2, 1usize..=2, 1usize..=2),
        (
            [1usize..=3, 1..=3],
            [1usize..=3, 1..=3],
            [1usize..=2, 1..=2],
            [0usize..=2, 0..=2],
        ),
        (any::<bool>(), 0usize..4, [0usize..=2, 0..=2], any::<bool>()),
        ([0usize..=3, 0..=3], any::<u64>()),
    )
        .prop_map(
            |(
                (n, groups, cin_g, cout_g),
                (kernel, mut stride, dilation, padding),
                (same, m, op, use_size),
                (extra, seed),
            )| {
                if same {
                    stride = [1, 1];
                }
                // Below stride or dilation; below stride when given as output_size.
                let output_padding = [0, 1].map(|d| {
                    op[d]
                        % if use_size {
                            stride[d]
                        } else {
                            stride[d].max(dilation[d])
                        }
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
                    output_padding,
                    use_size,
                    extra,
                    seed,
                }
            },
        )
}

impl Config {
    /// Conv2d's pads (before, after) per dimension.
    fn pads(&self) -> [[usize; 2]; 2] {
        [0, 1].map(|d| {
            if self.same {
                let total = self.dilation[d] * (self.kernel[d] - 1);
                [total / 2, total - total / 2]
            } else {
                [self.padding[d]; 2]
            }
        })
    }

    /// A Conv2d input size every mode accepts, with at least one output.
    fn conv_input(&self) -> [usize; 2] {
        let pads = self.pads();
        [0, 1].map(|d| {
            let eff = self.dilation[d] * (self.kernel[d] - 1) + 1;
            let [a, b] = pads[d];
            eff.saturating_sub(a + b).max(a.max(b) + 1) + self.extra[d]
        })
    }

    fn conv_opts(&self) -> Conv2dOptions {
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

    /// A ConvTranspose2d input size with a non-empty output.
    fn transpose_input(&self) -> [usize; 2] {
        [0, 1].map(|d| {
            let reach = self.dilation[d] * (self.kernel[d] - 1) + 1 + self.output_padding[d];
            let mut h = 1;
            while (h - 1) * self.stride[d] + reach <= 2 * self.padding[d] {
                h += 1;
            }
            h + self.extra[d] / 2
        })
    }

    fn transpose_output(&self) -> [usize; 2] {
        let h = self.transpose_input();
        [0, 1].map(|d| {
            (h[d] - 1) * self.stride[d]
                + self.dilation[d] * (self.kernel[d] - 1)
                + 1
                + self.output_padding[d]
                - 2 * self.padding[d]
        })
    }

    fn transpose_opts(&self) -> ConvTranspose2dOptions {
        let out = self.transpose_output();
        ConvTranspose2dOptions {
            stride: self.stride.map(|v| v as i64),
            padding: self.padding.map(|v| v as i64),
            output_padding: if self.use_size {
                [0, 0]
            } else {
                self.output_padding.map(|v| v as i64)
            },
            dilation: self.dilation.map(|v| v as i64),
            groups: self.groups as i64,
            output_size: self.use_size.then_some(out.map(|v| v as i64)),
        }
    }

    fn random(&self, shape: (usize, usize, usize, usize), salt: u64) -> Array4<f32> {
        let mut rng = SplitMix64::new(self.seed ^ salt);
        Array4::from_shape_simple_fn(shape, || rng.uniform(-1.0, 1.0))
    }
}

/// The Conv2d definition in float64: y[n,o,oh,ow] = b[o] + Σ w[o,c,i,j]·x̃[n, g·C_in/g + c,
/// oh·s + i·d, ow·s + j·d], x̃ padded by the mode (reflect / replicate / circular written out
/// here, independently of src/pad.rs).
fn conv2d_f64(x: &Array4<f64>, w: &Array4<f64>, b: &Array1<f64>, c: &Config) -> Array4<f64> {
    let (n, _, h, wd) = x.dim();
    let (cout, cin_g, kh, kw) = w.dim();
    let cout_g = cout / c.groups;
    let pads = c.pads();
    let src = |p: i64, len: usize| -> Option<usize> {
        let l = len as i64;
        if (0..l).contains(&p) {
            return Some(p as usize);
        }
        match c.mode {
            PaddingMode::Zeros => None,
            PaddingMode::Replicate => Some(if p < 0 { 0 } else { len - 1 }),
            PaddingMode::Circular => Some(if p < 0 { p + l } else { p - l } as usize),
            PaddingMode::Reflect => Some(if p < 0 { -p } else { 2 * (l - 1) - p } as usize),
        }
    };
    let size = |d: usize, len: usize, k: usize| {
        (len + pads[d][0] + pads[d][1] - c.dilation[d] * (k - 1) - 1) / c.stride[d] + 1
    };
    let (ho, wo) = (size(0, h, kh), size(1, wd, kw));
    Array4::from_shape_fn((n, cout, ho, wo), |(bn, o, oh, ow)| {
        let grp = o / cout_g;
        let mut acc = b[o];
        for cl in 0..cin_g {
            for i in 0..kh {
                for j in 0..kw {
                    let r = (oh * c.stride[0] + i * c.dilation[0]) as i64 - pads[0][0] as i64;
                    let q = (ow * c.stride[1] + j * c.dilation[1]) as i64 - pads[1][0] as i64;
                    if let (Some(r), Some(q)) = (src(r, h), src(q, wd)) {
                        acc += w[[o, cl, i, j]] * x[[bn, grp * cin_g + cl, r, q]];
                    }
                }
            }
        }
        acc
    })
}

/// The ConvTranspose2d definition in float64: every input cell stamps value × kernel at
/// (ih·s + i·d − p, iw·s + j·d − p); what falls outside the output is dropped.
fn conv_transpose2d_f64(
    x: &Array4<f64>,
    w: &Array4<f64>,
    b: &Array1<f64>,
    c: &Config,
) -> Array4<f64> {
    let (n, cin, _, _) = x.dim();
    let (_, cout_g, kh, kw) = w.dim();
    let cin_g = cin / c.groups;
    let [ho, wo] = c.transpose_output();
    let mut y = Array4::from_shape_fn((n, cout_g * c.groups, ho, wo), |(_, o, _, _)| b[o]);
    for ((bn, ci, ih, iw), &v) in x.indexed_iter() {
        let grp = ci / cin_g;
        for o in 0..cout_g {
            for i in 0..kh {
                for j in 0..kw {
                    let r = (ih * c.stride[0] + i * c.dilation[0]) as i64 - c.padding[0] as i64;
                    let q = (iw * c.stride[1] + j * c.dilation[1]) as i64 - c.padding[1] as i64;
                    if (0..ho as i64).contains(&r) && (0..wo as i64).contains(&q) {
                        y[[bn, grp * cout_g + o, r as usize, q as usize]] += v * w[[ci, o, i, j]];
                    }
                }
            }
        }
    }
    y
}

type Forward = fn(&Array4<f64>, &Array4<f64>, &Array1<f64>, &Config) -> Array4<f64>;

/// Compare `grads` with central differences of L = Σ forward(x, w, b)·gy, all in f64.
fn finite_differences(
    forward: Forward,
    x: &Array4<f32>,
    w: &Array4<f32>,
    gy: &Array4<f32>,
    grads: &Conv2dGrads,
    c: &Config,
) -> Result<(), String> {
    let (mut x, mut w) = (x.mapv(f64::from), w.mapv(f64::from));
    let gy = gy.mapv(f64::from);
    let mut b = Array1::<f64>::zeros(gy.dim().1);
    let loss = |x: &Array4<f64>, w: &Array4<f64>, b: &Array1<f64>| -> f64 {
        let y = forward(x, w, b, c);
        assert_eq!(y.dim(), gy.dim(), "the reference's output shape");
        y.iter().zip(gy.iter()).map(|(a, g)| a * g).sum()
    };
    const EPS: f64 = 1e-3;
    let close = |name: &str, i: usize, got: f32, fd: f64| {
        if (got as f64 - fd).abs() <= 1e-4 * fd.abs().max(1.0) {
            Ok(())
        } else {
            Err(format!("{name}[{i}]: {got}, finite differences {fd}"))
        }
    };
    for i in 0..x.len() {
        let orig = x.as_slice().unwrap()[i];
        x.as_slice_mut().unwrap()[i] = orig + EPS;
        let up = loss(&x, &w, &b);
        x.as_slice_mut().unwrap()[i] = orig - EPS;
        let down = loss(&x, &w, &b);
        x.as_slice_mut().unwrap()[i] = orig;
        close(
            "grad_input",
            i,
            grads.grad_input.as_slice().unwrap()[i],
            (up - down) / (2.0 * EPS),
        )?;
    }
    for i in 0..w.len() {
        let orig = w.as_slice().unwrap()[i];
        w.as_slice_mut().unwrap()[i] = orig + EPS;
        let up = loss(&x, &w, &b);
        w.as_slice_mut().unwrap()[i] = orig - EPS;
        let down = loss(&x, &w, &b);
        w.as_slice_mut().unwrap()[i] = orig;
        close(
            "grad_weight",
            i,
            grads.grad_weight.as_slice().unwrap()[i],
            (up - down) / (2.0 * EPS),
        )?;
    }
    for i in 0..b.len() {
        b[i] = EPS;
        let up = loss(&x, &w, &b);
        b[i] = -EPS;
        let down = loss(&x, &w, &b);
        b[i] = 0.0;
        close(
            "grad_bias",
            i,
            grads.grad_bias[i],
            (up - down) / (2.0 * EPS),
        )?;
    }
    Ok(())
}

/// ⟨a, b⟩ in f64, and Σ|aᵢ·bᵢ| (the scale of its rounding error).
fn dot(a: &Array4<f32>, b: &Array4<f32>) -> (f64, f64) {
    a.iter().zip(b.iter()).fold((0.0, 0.0), |(s, m), (&x, &y)| {
        let p = x as f64 * y as f64;
        (s + p, m + p.abs())
    })
}

fn adjoint(name: &str, lhs: (f64, f64), rhs: (f64, f64)) -> Result<(), TestCaseError> {
    let scale = lhs.1.max(rhs.1).max(1.0);
    prop_assert!(
        (lhs.0 - rhs.0).abs() <= 1e-5 * scale,
        "{name}: {} vs {}",
        lhs.0,
        rhs.0
    );
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 150, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn conv2d_gradients_equal_finite_differences(c in config()) {
        let [h, w_] = c.conv_input();
        let cin = c.groups * c.cin_g;
        let x = c.random((c.n, cin, h, w_), 1);
        let w = c.random((c.groups * c.cout_g, c.cin_g, c.kernel[0], c.kernel[1]), 2);
        let y = conv2d(x.view(), w.view(), None, &c.conv_opts()).unwrap();
        let gy = c.random(y.dim(), 3);
        let grads = conv2d_backward(x.view(), w.view(), gy.view(), &c.conv_opts()).unwrap();
        let r = finite_differences(conv2d_f64, &x, &w, &gy, &grads, &c);
        prop_assert!(r.is_ok(), "{}", r.unwrap_err());
    }

    #[test]
    fn conv_transpose2d_gradients_equal_finite_differences(c in config()) {
        let [h, w_] = c.transpose_input();
        let cin = c.groups * c.cin_g;
        let x = c.random((c.n, cin, h, w_), 4);
        let w = c.random((cin, c.cout_g, c.kernel[0], c.kernel[1]), 5);
        let [ho, wo] = c.transpose_output();
        let gy = c.random((c.n, c.groups * c.cout_g, ho, wo), 6);
        let grads = conv_transpose2d_backward(x.view(), w.view(), gy.view(), &c.transpose_opts()).unwrap();
        let r = finite_differences(conv_transpose2d_f64, &x, &w, &gy, &grads, &c);
        prop_assert!(r.is_ok(), "{}", r.unwrap_err());
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2_000, failure_persistence: None, ..ProptestConfig::default() })]

    /// ⟨conv2d(x, w), g⟩ = ⟨x, ∂L/∂x⟩ = ⟨w, ∂L/∂w⟩, and ⟨1, g⟩ per channel = ∂L/∂b.
    #[test]
    fn conv2d_backward_is_the_adjoint_of_the_forward(c in config()) {
        let [h, w_] = c.conv_input();
        let x = c.random((c.n, c.groups * c.cin_g, h, w_), 7);
        let w = c.random((c.groups * c.cout_g, c.cin_g, c.kernel[0], c.kernel[1]), 8);
        let opts = c.conv_opts();
        let y = conv2d(x.view(), w.view(), None, &opts).unwrap();
        let gy = c.random(y.dim(), 9);
        let g = conv2d_backward(x.view(), w.view(), gy.view(), &opts).unwrap();
        let lhs = dot(&y, &gy);
        adjoint("input", lhs, dot(&x, &g.grad_input))?;
        adjoint("weight", lhs, dot(&w, &g.grad_weight))?;
        // Each gradient alone is the same arithmetic.
        prop_assert_eq!(conv2d_grad_input(x.view(), w.view(), gy.view(), &opts).unwrap(), g.grad_input);
        prop_assert_eq!(conv2d_grad_weight(x.view(), w.view(), gy.view(), &opts).unwrap(), g.grad_weight);
        for (o, &gb) in g.grad_bias.iter().enumerate() {
            let s: f64 = gy.index_axis(ndarray::Axis(1), o).iter().map(|&v| v as f64).sum();
            prop_assert!((gb as f64 - s).abs() <= 1e-5 * s.abs().max(1.0));
        }
    }

    /// The same for the transposed convolution.
    #[test]
    fn conv_transpose2d_backward_is_the_adjoint_of_the_forward(c in config()) {
        let [h, w_] = c.transpose_input();
        let cin = c.groups * c.cin_g;
        let x = c.random((c.n, cin, h, w_), 10);
        let w = c.random((cin, c.cout_g, c.kernel[0], c.kernel[1]), 11);
        let opts = c.transpose_opts();
        let y = conv_transpose2d(x.view(), w.view(), None, &opts).unwrap();
        let gy = c.random(y.dim(), 12);
        let g = conv_transpose2d_backward(x.view(), w.view(), gy.view(), &opts).unwrap();
        let lhs = dot(&y, &gy);
        adjoint("input", lhs, dot(&x, &g.grad_input))?;
        adjoint("weight", lhs, dot(&w, &g.grad_weight))?;
    }
}

#[test]
fn the_transposed_convolution_s_input_gradient_is_a_conv2d_of_the_output_gradient() {
    // ∂L/∂x of ConvTranspose2d(W) = Conv2d(∂L/∂y, W) with the same stride, padding, dilation
    // and groups (output_padding only adds rows nothing reads back).
    let c = Config {
        n: 2,
        groups: 2,
        cin_g: 2,
        cout_g: 3,
        kernel: [3, 2],
        stride: [2, 3],
        dilation: [1, 2],
        padding: [1, 1],
        same: false,
        mode: PaddingMode::Zeros,
        output_padding: [1, 2],
        use_size: false,
        extra: [3, 2],
        seed: 99,
    };
    let [h, w_] = c.transpose_input();
    let x = c.random((2, 4, h, w_), 1);
    let w = c.random((4, 3, 3, 2), 2);
    let opts = c.transpose_opts();
    let y = conv_transpose2d(x.view(), w.view(), None, &opts).unwrap();
    let gy = c.random(y.dim(), 3);
    let g = conv_transpose2d_backward(x.view(), w.view(), gy.view(), &opts).unwrap();
    let conv = Conv2dOptions {
        stride: [2, 3],
        padding: Padding::Explicit([1, 1]),
        dilation: [1, 2],
        groups: 2,
        padding_mode: PaddingMode::Zeros,
    };
    let z = conv2d(gy.view(), w.view(), None, &conv).unwrap();
    let z = z.slice(ndarray::s![.., .., ..h, ..w_]);
    for (a, b) in g.grad_input.iter().zip(z.iter()) {
        assert!((a - b).abs() <= 1e-5 * b.abs().max(1.0));
    }
}
