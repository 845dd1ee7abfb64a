//! Gradients of `Conv2d` and `ConvTranspose2d`: what `y.backward(grad_output)` leaves in
//! `input.grad`, `weight.grad` and `bias.grad` in PyTorch.
//!
//! Both operations are linear in the input and in the weight, so the gradients are the
//! transposed products of the forward pass. For `Conv2d`, per group `g` and per image, with
//! `X` the forward's columns matrix (see [`crate::unfold`]) and `G` = ∂L/∂y as a
//! (C_out/groups × L) matrix:
//!
//! ```text
//! forward    x ──pad──► x̃ ──im2col──► X ──W·──► y (+ bias)
//!
//! ∂L/∂W[g] = Σₙ G[g] · X[g]ᵀ                               (C_out/g × C_in/g·kh·kw)
//! ∂L/∂b[o] = Σₙ Σ_oh Σ_ow ∂L/∂y[n, o, oh, ow]
//! ∂L/∂x    : W[g]ᵀ · G[g] ──col2im──► ∂L/∂x̃ ──fold the halo back──► ∂L/∂x
//!            (the columns)            (padded)     (see fold_halo)
//! ```
//!
//! `ConvTranspose2d` is the same pair read the other way round: its ∂L/∂x is a `Conv2d` of
//! ∂L/∂y (zero padding, the weight as it is), and its ∂L/∂W the product of the input with that
//! convolution's columns.
//!
//! [`conv2d_backward`] and [`conv_transpose2d_backward`] are the fast routes (the SIMD GEMM of
//! [`crate::gemm`] for both products; [`conv2d_grad_input`] and [`conv2d_grad_weight`] run one
//! of them, as `torch.nn.grad.conv2d_input` / `conv2d_weight` do); [`Conv2dBackwardTrace`]
//! keeps every intermediate the page draws and sums in an order its steps replay bit for bit.

mod trace;

pub use trace::{
    Conv2dBackwardTrace, InputGradSteps, InputGradTerm, PaddedCellGrad, WeightGradSteps,
    WeightGradTerm,
};

use crate::conv2d::{check_finite4, conv2d_geometry};
use crate::conv_transpose2d::conv_transpose2d_geometry;
use crate::error::{list, Error, Result};
use crate::gemm::matmul_into;
use crate::pad::{pad_planes, source_index};
use crate::params::{
    Conv2dGeometry, Conv2dOptions, ConvTranspose2dGeometry, ConvTranspose2dOptions, PaddingMode,
};
use crate::tensor::{checked_len, flat, from_vec_exact, view2, view2_mut};
use crate::unfold::{col2im_into, im2col_into};
use ndarray::{Array1, Array4, ArrayView4};

/// The three gradients of one backward pass, shaped like what they are the gradient of.
#[derive(Debug, Clone, PartialEq)]
pub struct Conv2dGrads {
    /// ∂L/∂input, the input's shape (N, C_in, H, W).
    pub grad_input: Array4<f32>,
    /// ∂L/∂weight, the weight's shape.
    pub grad_weight: Array4<f32>,
    /// ∂L/∂bias (C_out): `grad_output` summed over N, H_out and W_out. It does not depend on
    /// whether the layer has a bias (PyTorch reports it only when it has one).
    pub grad_bias: Array1<f32>,
}

/// Refuse a tensor with an empty dimension (no tensor from the page has one, and an empty
/// input would leave the halo without a source).
fn check_not_empty(arg: &'static str, shape: &[usize]) -> Result<()> {
    if shape.contains(&0) {
        return Err(Error::shape(
            arg,
            format!(
                "every dimension must be at least 1, got shape {}",
                list(shape)
            ),
        ));
    }
    Ok(())
}

/// Check that `grad_output` has the shape of the forward's output, and finite values.
fn check_grad_output(grad_output: &ArrayView4<f32>, output: [usize; 4]) -> Result<()> {
    let got = grad_output.shape();
    if got != output {
        return Err(Error::shape(
            "grad_output",
            format!(
                "Mismatch in shape: grad_output has a shape of torch.Size({}) and output has a shape of torch.Size({})",
                list(got),
                list(&output)
            ),
        ));
    }
    check_finite4("grad_output", grad_output)
}

/// Validate the arguments and tensors of a `Conv2d` backward pass.
///
/// # Errors
/// Everything the forward refuses (see [`Conv2dGeometry::new`]: the argument named as there),
/// a tensor with an empty dimension, a `grad_output` whose shape is not the output's
/// (`grad_output`, [`ErrorKind::Shape`](crate::ErrorKind::Shape)), NaN/±∞ in any tensor
/// ([`ErrorKind::NonFinite`](crate::ErrorKind::NonFinite) naming it).
pub fn conv2d_backward_geometry(
    input: &ArrayView4<f32>,
    weight: &ArrayView4<f32>,
    grad_output: &ArrayView4<f32>,
    opts: &Conv2dOptions,
) -> Result<Conv2dGeometry> {
    check_not_empty("input", input.shape())?;
    check_not_empty("weight", weight.shape())?;
    let g = conv2d_geometry(input, weight, None, opts)?;
    check_not_empty("grad_output", grad_output.shape())?;
    let [ho, wo] = g.output;
    check_grad_output(grad_output, [g.batch, g.out_channels, ho, wo])?;
    Ok(g)
}

/// Validate the arguments and tensors of a `ConvTranspose2d` backward pass.
///
/// # Errors
/// As [`conv2d_backward_geometry`], with the forward's checks of
/// [`ConvTranspose2dGeometry::new`].
pub fn conv_transpose2d_backward_geometry(
    input: &ArrayView4<f32>,
    weight: &ArrayView4<f32>,
    grad_output: &ArrayView4<f32>,
    opts: &ConvTranspose2dOptions,
) -> Result<ConvTranspose2dGeometry> {
    check_not_empty("input", input.shape())?;
    check_not_empty("weight", weight.shape())?;
    let g = conv_transpose2d_geometry(input, weight, None, opts)?;
    check_not_empty("grad_output", grad_output.shape())?;
    let [ho, wo] = g.output;
    check_grad_output(grad_output, [g.batch, g.out_channels, ho, wo])?;
    Ok(g)
}

/// Fold the gradient of a padded tensor back onto the tensor: every padded cell adds its value
/// to the input cell it holds (by [`source_index`], the map [`crate::pad::pad`] copies by and
/// the page draws); cells of zero padding hold none and drop out. The adjoint of `pad`.
///
/// ```text
/// reflect, 4 input cells, 2 of padding in front, 2 behind:
///
///   padded index      0   1 | 2   3   4   5 | 6   7
///   holds input       2   1 | 0   1   2   3 | 2   1
///
///   ∂L/∂x[0] = ∂L/∂x̃[2]
///   ∂L/∂x[1] = ∂L/∂x̃[1] + ∂L/∂x̃[3] + ∂L/∂x̃[7]
///   ∂L/∂x[2] = ∂L/∂x̃[0] + ∂L/∂x̃[4] + ∂L/∂x̃[6]
///   ∂L/∂x[3] = ∂L/∂x̃[5]
/// ```
///
/// In two dimensions a cell holds input `(row source, column source)`: a corner of the halo
/// adds to an input corner.
///
/// **Panics** if the padded planes are smaller than `pad_before + input`, or an `input`
/// dimension is 0 while the mode is not zeros (the forward's checks rule out both).
///
/// ```
/// use convviz::{backward::fold_halo, pad::pad, params::PaddingMode};
/// use ndarray::Array4;
/// let x = Array4::from_shape_fn((1, 1, 1, 4), |(_, _, _, w)| w as f32);
/// let g = Array4::<f32>::ones((1, 1, 1, 8));
/// let gx = fold_halo(g.view(), [1, 4], [0, 2], PaddingMode::Reflect);
/// assert_eq!(gx.into_raw_vec_and_offset().0, [1.0, 3.0, 3.0, 1.0]);
/// // Adjoint of pad: ⟨pad(x), g⟩ = ⟨x, fold_halo(g)⟩.
/// let padded = pad(x.view(), [0, 2], [1, 8], PaddingMode::Reflect);
/// assert_eq!(padded.sum(), 0.0 * 1.0 + 1.0 * 3.0 + 2.0 * 3.0 + 3.0 * 1.0);
/// ```
pub fn fold_halo(
    grad_padded: ArrayView4<f32>,
    input: [usize; 2],
    pad_before: [usize; 2],
    mode: PaddingMode,
) -> Array4<f32> {
    let (n, c, hp, wp) = grad_padded.dim();
    assert!(
        hp >= pad_before[0] + input[0] && wp >= pad_before[1] + input[1],
        "the padded planes hold the input"
    );
    let mut out = vec![0.0; n * c * input[0] * input[1]];
    fold_halo_planes(
        &flat(&grad_padded),
        input,
        pad_before,
        [hp, wp],
        mode,
        &mut out,
    );
    from_vec_exact((n, c, input[0], input[1]), out)
}

/// [`fold_halo`] over row-major data: `src` holds planes of `padded` values, `dst` as many
/// planes of `input` values, added to. Padded cells are visited in row-major order.
pub(crate) fn fold_halo_planes(
    src: &[f32],
    input: [usize; 2],
    pad_before: [usize; 2],
    padded: [usize; 2],
    mode: PaddingMode,
    dst: &mut [f32],
) {
    let rows: Vec<Option<usize>> = (0..padded[0])
        .map(|p| source_index(p, input[0], pad_before[0], mode))
        .collect();
    let cols: Vec<Option<usize>> = (0..padded[1])
        .map(|p| source_index(p, input[1], pad_before[1], mode))
        .collect();
    let (plane_p, plane_i) = (padded[0] * padded[1], input[0] * input[1]);
    for (s, d) in src
        .chunks_exact(plane_p.max(1))
        .zip(dst.chunks_exact_mut(plane_i.max(1)))
    {
        for (srow, r) in s.chunks_exact(padded[1].max(1)).zip(&rows) {
            let Some(r) = *r else { continue };
            let drow = &mut d[r * input[1]..][..input[1]];
            for (&v, c) in srow.iter().zip(&cols) {
                if let Some(c) = *c {
                    drow[c] += v;
                }
            }
        }
    }
}

/// `grad_output` summed over N, H_out, W_out: one value per output channel, summed in
/// (n, oh, ow) order.
fn grad_bias(gy: &[f32], batch: usize, channels: usize, plane: usize) -> Array1<f32> {
    let mut gb = vec![0.0f32; channels];
    for image in gy.chunks_exact((channels * plane).max(1)).take(batch) {
        for (acc, p) in gb.iter_mut().zip(image.chunks_exact(plane.max(1))) {
            for &v in p {
                *acc += v;
            }
        }
    }
    Array1::from_vec(gb)
}

/// Add `src` to `dst` elementwise.
fn add_into(dst: &mut [f32], src: &[f32]) {
    for (d, &s) in dst.iter_mut().zip(src) {
        *d += s;
    }
}

/// The gradients of `nn.Conv2d` (any `padding_mode`): given the forward's `input` and
/// `weight` and ∂L/∂y = `grad_output` (the output's shape), ∂L/∂input, ∂L/∂weight and
/// ∂L/∂bias, as `y.backward(grad_output)` leaves them in PyTorch.
///
/// Per image and group, the forward's columns `X` are rebuilt (pad, im2col) and both products
/// run on the SIMD GEMM of [`crate::gemm`]: ∂L/∂W += G·Xᵀ, and the columns Wᵀ·G are folded
/// (col2im) onto the input. With a reflect / replicate / circular `padding_mode` they are
/// folded onto the padded input first, whose halo then folds back onto the cells it copies
/// ([`fold_halo`]); with zeros, straight onto the input, the halo's share dropped. Input cells
/// no window reaches (the floor in the output size) get 0.
///
/// # Errors
/// See [`conv2d_backward_geometry`]: every argument the forward refuses, named as there; a
/// `grad_output` of another shape than the output; NaN/±∞; sizes over the caps.
///
/// ```
/// use convviz::{backward::conv2d_backward, params::Conv2dOptions};
/// use ndarray::Array4;
/// // The lecture's Conv2d(3, 1, 3) on a 5×5 input, ∂L/∂y all ones: each input cell's gradient
/// // counts the windows covering it, each weight's sums the 3×3 cells it meets.
/// let x = Array4::<f32>::ones((1, 3, 5, 5));
/// let w = Array4::<f32>::ones((1, 3, 3, 3));
/// let gy = Array4::<f32>::ones((1, 1, 3, 3));
/// let g = conv2d_backward(x.view(), w.view(), gy.view(), &Conv2dOptions::default()).unwrap();
/// assert_eq!(g.grad_input[[0, 0, 0, 0]], 1.0);
/// assert_eq!(g.grad_input[[0, 2, 2, 2]], 9.0);
/// assert!(g.grad_weight.iter().all(|&v| v == 9.0));
/// assert_eq!(g.grad_bias[0], 9.0);
/// ```
pub fn conv2d_backward(
    input: ArrayView4<f32>,
    weight: ArrayView4<f32>,
    grad_output: ArrayView4<f32>,
    opts: &Conv2dOptions,
) -> Result<Conv2dGrads> {
    let g = conv2d_backward_geometry(&input, &weight, &grad_output, opts)?;
    let (grad_input, grad_weight) = conv2d_grads(&g, input, weight, grad_output, true, true)?;
    Ok(Conv2dGrads {
        grad_input,
        grad_weight,
        grad_bias: grad_bias(&flat(&grad_output), g.batch, g.out_channels, g.positions()),
    })
}

/// ∂L/∂input of `nn.Conv2d` alone (`torch.nn.grad.conv2d_input`): [`conv2d_backward`]'s
/// `grad_input` without the ∂L/∂W product. Only the input's shape is used.
///
/// # Errors
/// As [`conv2d_backward`].
pub fn conv2d_grad_input(
    input: ArrayView4<f32>,
    weight: ArrayView4<f32>,
    grad_output: ArrayView4<f32>,
    opts: &Conv2dOptions,
) -> Result<Array4<f32>> {
    let g = conv2d_backward_geometry(&input, &weight, &grad_output, opts)?;
    Ok(conv2d_grads(&g, input, weight, grad_output, true, false)?.0)
}

/// ∂L/∂weight of `nn.Conv2d` alone (`torch.nn.grad.conv2d_weight`): [`conv2d_backward`]'s
/// `grad_weight` without the columns gradient and its col2im. Only the weight's shape is used.
///
/// # Errors
/// As [`conv2d_backward`].
pub fn conv2d_grad_weight(
    input: ArrayView4<f32>,
    weight: ArrayView4<f32>,
    grad_output: ArrayView4<f32>,
    opts: &Conv2dOptions,
) -> Result<Array4<f32>> {
    let g = conv2d_backward_geometry(&input, &weight, &grad_output, opts)?;
    Ok(conv2d_grads(&g, input, weight, grad_output, false, true)?.1)
}

/// ∂L/∂input and ∂L/∂weight of a `Conv2d` checked against `g`, each computed only when
/// asked for (zeros otherwise).
fn conv2d_grads(
    g: &Conv2dGeometry,
    input: ArrayView4<f32>,
    weight: ArrayView4<f32>,
    grad_output: ArrayView4<f32>,
    want_input: bool,
    want_weight: bool,
) -> Result<(Array4<f32>, Array4<f32>)> {
    let (n, cin, cout) = (g.batch, g.in_channels, g.out_channels);
    let [kh, kw] = g.kernel;
    let (l, k, cout_g) = (g.positions(), g.patch_len(), g.out_per_group());
    let rows = cin * kh * kw;
    // One image's columns (and their gradient) at a time.
    checked_len("input", &[rows, l])?;
    let (x, w, gy) = (flat(&input), flat(&weight), flat(&grad_output));
    let ([h, wi], [hp, wp]) = (g.input, g.padded);
    let (image_in, image_out) = (cin * h * wi, cout * l);
    let zeros = g.padding_mode == PaddingMode::Zeros;
    let buffer = |wanted: bool, len: usize| vec![0.0f32; if wanted { len } else { 0 }];
    let mut grad_x = vec![0.0f32; n * image_in];
    let mut grad_w = vec![0.0f32; cout * k];
    let mut cols = buffer(want_weight, rows * l);
    let mut gw_image = buffer(want_weight, cout_g * k);
    let mut gcols = buffer(want_input, rows * l);
    let mut gpad = buffer(want_input && !zeros, cin * hp * wp);
    for b in 0..n {
        let gyb = &gy[b * image_out..][..image_out];
        if want_weight {
            let xb = &x[b * image_in..][..image_in];
            let padded = pad_planes(xb, cin, g.input, g.pad_before, g.padded, g.padding_mode);
            im2col_into(
                &padded, g.padded, g.kernel, g.dilation, g.stride, g.output, &mut cols,
            );
            for grp in 0..g.groups {
                let gg = view2(cout_g, l, &gyb[grp * cout_g * l..]);
                let xg = view2(k, l, &cols[grp * k * l..]);
                matmul_into(gg, xg.t(), &mut view2_mut(cout_g, k, &mut gw_image));
                add_into(&mut grad_w[grp * cout_g * k..][..cout_g * k], &gw_image);
            }
        }
        if !want_input {
            continue;
        }
        for grp in 0..g.groups {
            let gg = view2(cout_g, l, &gyb[grp * cout_g * l..]);
            let wg = view2(cout_g, k, &w[grp * cout_g * k..]);
            matmul_into(wg.t(), gg, &mut view2_mut(k, l, &mut gcols[grp * k * l..]));
        }
        let gx = &mut grad_x[b * image_in..][..image_in];
        if zeros {
            // Entries that land on the (zero) halo are dropped by col2im itself.
            col2im_into(
                &gcols,
                g.output,
                g.kernel,
                g.dilation,
                g.pad_before,
                g.stride,
                g.input,
                gx,
            );
        } else {
            gpad.fill(0.0);
            col2im_into(
                &gcols,
                g.output,
                g.kernel,
                g.dilation,
                [0, 0],
                g.stride,
                g.padded,
                &mut gpad,
            );
            fold_halo_planes(&gpad, g.input, g.pad_before, g.padded, g.padding_mode, gx);
        }
    }
    Ok((
        from_vec_exact((n, cin, h, wi), grad_x),
        from_vec_exact(weight.raw_dim(), grad_w),
    ))
}

/// The gradients of `nn.ConvTranspose2d` (with `forward`'s `output_size`): given the forward's
/// `input` (N, C_in, H, W), `weight` (C_in, C_out/groups, kh, kw) and ∂L/∂y = `grad_output`
/// (the output's shape), ∂L/∂input, ∂L/∂weight and ∂L/∂bias.
///
/// ```text
/// forward     X ──W[g]ᵀ·──► columns ──col2im──► full canvas ──crop padding──► y
/// backward    ∂L/∂y ──zero-pad by padding──► canvas ──im2col (H × W positions)──► C
///             ∂L/∂x[g] = W[g] · C[g]            (a Conv2d of ∂L/∂y with the weight as is)
///             ∂L/∂W[g] = Σₙ X[g] · C[g]ᵀ
/// ```
///
/// Rows and columns of ∂L/∂y that only `output_padding` made (no stamp reaches them) add
/// nothing to ∂L/∂x or ∂L/∂W; they still count in ∂L/∂bias.
///
/// # Errors
/// See [`conv_transpose2d_backward_geometry`].
///
/// ```
/// use convviz::{backward::conv_transpose2d_backward, params::ConvTranspose2dOptions};
/// use ndarray::Array4;
/// // The lecture's ConvTranspose2d(2, 1, 3, stride=2, padding=1), output_size (5, 5).
/// let x = Array4::<f32>::ones((1, 2, 3, 3));
/// let w = Array4::<f32>::ones((2, 1, 3, 3));
/// let gy = Array4::<f32>::ones((1, 1, 5, 5));
/// let opts = ConvTranspose2dOptions { stride: [2, 2], padding: [1, 1], output_size: Some([5, 5]),
///                                     ..Default::default() };
/// let g = convviz::backward::conv_transpose2d_backward(x.view(), w.view(), gy.view(), &opts)
///     .unwrap();
/// assert_eq!(g.grad_input[[0, 0, 1, 1]], 9.0); // a centre stamp lands whole inside
/// assert_eq!(g.grad_input[[0, 0, 0, 0]], 4.0); // a corner stamp loses 5 cells to the crop
/// assert_eq!(g.grad_bias[0], 25.0);
/// ```
pub fn conv_transpose2d_backward(
    input: ArrayView4<f32>,
    weight: ArrayView4<f32>,
    grad_output: ArrayView4<f32>,
    opts: &ConvTranspose2dOptions,
) -> Result<Conv2dGrads> {
    let g = conv_transpose2d_backward_geometry(&input, &weight, &grad_output, opts)?;
    let (n, cin, cout) = (g.batch, g.in_channels, g.out_channels);
    let [kh, kw] = g.kernel;
    let ([h, wi], [ho, wo], [hf, wf]) = (g.input, g.output, g.full);
    let (cin_g, kr, hw) = (g.in_per_group(), g.out_per_group() * kh * kw, h * wi);
    let (x, w, gy) = (flat(&input), flat(&weight), flat(&grad_output));
    let (image_in, image_out) = (cin * hw, cout * ho * wo);
    // Checked by the geometry: the canvas (N·C_out·Hf·Wf) and the columns (C_out·kh·kw × H·W).
    let mut grad_x = vec![0.0f32; n * image_in];
    let mut grad_w = vec![0.0f32; cin * kr];
    let mut cols = vec![0.0f32; cout * kh * kw * hw];
    let mut gw_image = vec![0.0f32; cin_g * kr];
    for b in 0..n {
        let canvas = pad_planes(
            &gy[b * image_out..][..image_out],
            cout,
            g.output,
            g.padding,
            g.full,
            PaddingMode::Zeros,
        );
        im2col_into(
            &canvas,
            [hf, wf],
            g.kernel,
            g.dilation,
            g.stride,
            g.input,
            &mut cols,
        );
        let xb = &x[b * image_in..][..image_in];
        let gx = &mut grad_x[b * image_in..][..image_in];
        for grp in 0..g.groups {
            let cg = view2(kr, hw, &cols[grp * kr * hw..]);
            let wg = view2(cin_g, kr, &w[grp * cin_g * kr..]);
            matmul_into(
                wg,
                cg,
                &mut view2_mut(cin_g, hw, &mut gx[grp * cin_g * hw..]),
            );
            let xg = view2(cin_g, hw, &xb[grp * cin_g * hw..]);
            matmul_into(xg, cg.t(), &mut view2_mut(cin_g, kr, &mut gw_image));
            add_into(&mut grad_w[grp * cin_g * kr..][..cin_g * kr], &gw_image);
        }
    }
    Ok(Conv2dGrads {
        grad_input: from_vec_exact((n, cin, h, wi), grad_x),
        grad_weight: from_vec_exact(weight.raw_dim(), grad_w),
        grad_bias: grad_bias(&gy, n, cout, ho * wo),
    })
}
