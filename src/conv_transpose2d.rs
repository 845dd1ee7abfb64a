//! `nn.ConvTranspose2d`: `columns = Wᵀ·X` per group → fold (col2im) → + bias, and the
//! zero-insertion picture of the same operation.
//!
//! ```text
//! scatter route:   every input cell stamps value × kernel onto the full canvas
//!                  (top-left at ih·stride), overlaps add, `padding` crops each side,
//!                  `output_padding` adds rows/columns at the bottom/right.
//! zero insertion:  input with stride−1 zeros between cells, padded by
//!                  dilation·(k−1) − padding (+ output_padding bottom/right; a negative pad
//!                  crops instead), convolved at stride 1 with the flipped, in/out-swapped kernel.
//! ```

use crate::conv2d::conv2d;
use crate::error::Result;
use crate::gemm::matmul_into;
use crate::params::{Conv2dOptions, ConvTranspose2dGeometry, ConvTranspose2dOptions, Padding};
use crate::tensor::{check_bias, check_view_finite, checked_len};
use crate::unfold::{col2im_add, overlap_counts};
use ndarray::{s, Array1, Array2, Array3, Array4, ArrayView1, ArrayView4, Axis};

/// Validate the arguments and tensors of a `ConvTranspose2d` call.
///
/// # Errors
/// See [`ConvTranspose2dGeometry::new`]; also a wrong bias shape and NaN/±∞ anywhere.
pub fn conv_transpose2d_geometry(
    input: &ArrayView4<f32>,
    weight: &ArrayView4<f32>,
    bias: Option<ArrayView1<f32>>,
    opts: &ConvTranspose2dOptions,
) -> Result<ConvTranspose2dGeometry> {
    let i = input.dim();
    let w = weight.dim();
    let g = ConvTranspose2dGeometry::new([i.0, i.1, i.2, i.3], [w.0, w.1, w.2, w.3], opts)?;
    check_bias(bias, g.out_channels)?;
    check_view_finite("input", input)?;
    check_view_finite("weight", weight)?;
    Ok(g)
}

/// `columns` of one image (C_out·kh·kw, H·W): per group, `W[g]ᵀ · X[g]` where `W[g]` is the
/// group's weight block reshaped to (C_in/g, C_out/g·kh·kw) and `X[g]` its input channels
/// reshaped to (C_in/g, H·W).
fn columns_of(
    g: &ConvTranspose2dGeometry,
    x: ArrayView4<f32>,
    wt: &Array2<f32>,
    b: usize,
) -> Array2<f32> {
    let (cin_g, k_rows) = (
        g.in_per_group(),
        g.out_per_group() * g.kernel[0] * g.kernel[1],
    );
    let hw = g.input[0] * g.input[1];
    let mut cols = Array2::<f32>::zeros((g.groups * k_rows, hw));
    for grp in 0..g.groups {
        let xg = x
            .slice(s![b, grp * cin_g..(grp + 1) * cin_g, .., ..])
            .to_shape((cin_g, hw))
            .expect("contiguous planes")
            .to_owned();
        let wg = wt.slice(s![grp * cin_g..(grp + 1) * cin_g, ..]);
        let mut dst = cols.slice_mut(s![grp * k_rows..(grp + 1) * k_rows, ..]);
        matmul_into(wg.t(), xg.view(), &mut dst);
    }
    cols
}

/// The weight (C_in, C_out/groups, kh, kw) as a (C_in, C_out/groups · kh · kw) matrix.
pub(crate) fn weight_rows(weight: ArrayView4<f32>) -> Array2<f32> {
    let (ci, co, kh, kw) = weight.dim();
    crate::tensor::from_vec_exact((ci, co * kh * kw), weight.iter().copied().collect())
}

fn add_bias4(out: &mut Array4<f32>, bias: Option<ArrayView1<f32>>) {
    if let Some(b) = bias {
        for mut img in out.axis_iter_mut(Axis(0)) {
            for (mut plane, &bv) in img.axis_iter_mut(Axis(0)).zip(b.iter()) {
                plane.mapv_inplace(|v| v + bv);
            }
        }
    }
}

/// `F.conv_transpose2d` (with `forward`'s `output_size`): (N, C_in, H, W) and a weight
/// (C_in, C_out/groups, kh, kw) → (N, C_out, H_out, W_out) with
/// `H_out = (H − 1)·stride − 2·padding + dilation·(kh − 1) + output_padding + 1`.
///
/// # Errors
/// See [`ConvTranspose2dGeometry::new`].
///
/// ```
/// use convviz::{conv_transpose2d::conv_transpose2d, params::ConvTranspose2dOptions};
/// use ndarray::Array4;
/// // The lecture's ConvTranspose2d(2, 1, 3, stride=2, padding=1) with output_size=(5, 5).
/// let x = Array4::<f32>::ones((1, 2, 3, 3));
/// let w = Array4::<f32>::ones((2, 1, 3, 3));
/// let opts = ConvTranspose2dOptions { stride: [2, 2], padding: [1, 1], output_size: Some([5, 5]),
///                                     ..Default::default() };
/// assert_eq!(conv_transpose2d(x.view(), w.view(), None, &opts).unwrap().dim(), (1, 1, 5, 5));
/// ```
pub fn conv_transpose2d(
    input: ArrayView4<f32>,
    weight: ArrayView4<f32>,
    bias: Option<ArrayView1<f32>>,
    opts: &ConvTranspose2dOptions,
) -> Result<Array4<f32>> {
    let g = conv_transpose2d_geometry(&input, &weight, bias, opts)?;
    Ok(conv_transpose2d_rows(input, &g, &weight_rows(weight), bias))
}

/// The transposed convolution of an input already checked against `g` (see
/// [`conv_transpose2d_geometry`]) with the weight reshaped by [`weight_rows`].
pub(crate) fn conv_transpose2d_rows(
    input: ArrayView4<f32>,
    g: &ConvTranspose2dGeometry,
    wt: &Array2<f32>,
    bias: Option<ArrayView1<f32>>,
) -> Array4<f32> {
    let mut out = Array4::<f32>::zeros((g.batch, g.out_channels, g.output[0], g.output[1]));
    for b in 0..g.batch {
        let cols = columns_of(g, input, wt, b);
        col2im_add(
            cols.view(),
            g.input,
            g.kernel,
            g.dilation,
            g.padding,
            g.stride,
            out.index_axis_mut(Axis(0), b),
        );
    }
    add_bias4(&mut out, bias);
    out
}

/// The zero-insertion equivalent of a transposed convolution (the conv_arithmetic picture).
#[derive(Debug, Clone)]
pub struct ZeroInsertion {
    /// The input with `stride − 1` zeros between cells, then padded (or cropped):
    /// (N, C_in, Hz, Wz).
    pub input: Array4<f32>,
    /// Padding on (top, bottom, left, right): `dilation·(k−1) − padding`, plus
    /// `output_padding` on bottom/right. Negative means that many rows/columns are cropped.
    pub padding: [i64; 4],
    /// For each cell of `input`, the original input `(ih, iw)` or `(-1, -1)` for an inserted
    /// or padding zero: shape (Hz, Wz·2).
    pub source: Array2<i32>,
    /// The kernel flipped in space with in/out channels swapped: (C_out, C_in/groups, kh, kw).
    pub weight: Array4<f32>,
    /// The stride-1 dilated convolution of the two: equals the transposed convolution's output.
    pub output: Array4<f32>,
}

/// Every stage of one `ConvTranspose2d` computation.
#[derive(Debug, Clone)]
pub struct ConvTranspose2dTrace {
    /// The validated sizes (with the output_padding actually used).
    pub geometry: ConvTranspose2dGeometry,
    /// The input (N, C_in, H, W).
    pub input: Array4<f32>,
    /// The weight (C_in, C_out/groups, kh, kw).
    pub weight: Array4<f32>,
    /// The bias, if any.
    pub bias: Option<Array1<f32>>,
    /// `columns` (N, C_out·kh·kw, H·W) = Wᵀ·X per group.
    pub columns: Array3<f32>,
    /// The scatter-add of every stamp on the full canvas (N, C_out, Hf, Wf), before `padding`
    /// crops it; no bias.
    pub full: Array4<f32>,
    /// How many stamps land on each full-canvas cell (Hf, Wf).
    pub overlap: Array2<i32>,
    /// `output` (N, C_out, H_out, W_out) = full cropped + bias.
    pub output: Array4<f32>,
    /// The zero-insertion route.
    pub zero_insertion: ZeroInsertion,
}

impl ConvTranspose2dTrace {
    /// Compute a `ConvTranspose2d` both ways and keep every stage.
    ///
    /// # Errors
    /// As [`conv_transpose2d`], and intermediates over the element cap.
    pub fn new(
        input: ArrayView4<f32>,
        weight: ArrayView4<f32>,
        bias: Option<ArrayView1<f32>>,
        opts: &ConvTranspose2dOptions,
    ) -> Result<Self> {
        let g = conv_transpose2d_geometry(&input, &weight, bias, opts)?;
        let [kh, kw] = g.kernel;
        let wt = weight_rows(weight);
        let hw = g.input[0] * g.input[1];
        let mut columns = Array3::<f32>::zeros((g.batch, g.out_channels * kh * kw, hw));
        let mut full = Array4::<f32>::zeros((g.batch, g.out_channels, g.full[0], g.full[1]));
        for b in 0..g.batch {
            let cols = columns_of(&g, input, &wt, b);
            col2im_add(
                cols.view(),
                g.input,
                g.kernel,
                g.dilation,
                [0, 0],
                g.stride,
                full.index_axis_mut(Axis(0), b),
            );
            columns.index_axis_mut(Axis(0), b).assign(&cols);
        }
        let overlap = overlap_counts(g.full, g.input, g.kernel, g.dilation, [0, 0], g.stride);
        let [ph, pw] = g.padding;
        let mut output = full
            .slice(s![.., .., ph..ph + g.output[0], pw..pw + g.output[1]])
            .to_owned();
        add_bias4(&mut output, bias);
        let zero_insertion = zero_insertion(&g, input, weight, bias)?;
        Ok(ConvTranspose2dTrace {
            geometry: g,
            input: input.to_owned(),
            weight: weight.to_owned(),
            bias: bias.map(|b| b.to_owned()),
            columns,
            full,
            overlap,
            output,
            zero_insertion,
        })
    }
}

/// The flipped, in/out-swapped kernel: `(C_out, C_in/groups, kh, kw)` with
/// `flipped[g·C_out/g + o, c, i, j] = weight[g·C_in/g + c, o, kh−1−i, kw−1−j]`.
pub fn flip_weight(weight: ArrayView4<f32>, groups: usize) -> Array4<f32> {
    let (cin, cout_g, kh, kw) = weight.dim();
    let cin_g = cin / groups;
    Array4::from_shape_fn((cout_g * groups, cin_g, kh, kw), |(oc, c, i, j)| {
        let grp = oc / cout_g;
        weight[[grp * cin_g + c, oc % cout_g, kh - 1 - i, kw - 1 - j]]
    })
}

fn zero_insertion(
    g: &ConvTranspose2dGeometry,
    input: ArrayView4<f32>,
    weight: ArrayView4<f32>,
    bias: Option<ArrayView1<f32>>,
) -> Result<ZeroInsertion> {
    let mut before = [0i64; 2];
    let mut after = [0i64; 2];
    let mut size = [0usize; 2];
    for d in 0..2 {
        let reach = (g.dilation[d] * (g.kernel[d] - 1)) as i64;
        before[d] = reach - g.padding[d] as i64;
        after[d] = before[d] + g.output_padding[d] as i64;
        let dilated = ((g.input[d] - 1) * g.stride[d] + 1) as i64;
        // Always ≥ dilation·(k−1) + 1 because the output is at least 1.
        size[d] = (dilated + before[d] + after[d]) as usize;
    }
    checked_len("input", &[g.batch, g.in_channels, size[0], size[1]])?;
    let map = |z: usize, d: usize| -> Option<usize> {
        let q = z as i64 - before[d];
        let s = g.stride[d] as i64;
        (q >= 0 && q % s == 0 && (q / s) < g.input[d] as i64).then_some((q / s) as usize)
    };
    let rows: Vec<Option<usize>> = (0..size[0]).map(|z| map(z, 0)).collect();
    let cols: Vec<Option<usize>> = (0..size[1]).map(|z| map(z, 1)).collect();
    let mut source = Array2::<i32>::from_elem((size[0], size[1] * 2), -1);
    let mut zin = Array4::<f32>::zeros((g.batch, g.in_channels, size[0], size[1]));
    for (zh, r) in rows.iter().enumerate() {
        let Some(r) = *r else { continue };
        for (zw, c) in cols.iter().enumerate() {
            let Some(c) = *c else { continue };
            source[[zh, 2 * zw]] = r as i32;
            source[[zh, 2 * zw + 1]] = c as i32;
            for b in 0..g.batch {
                for ch in 0..g.in_channels {
                    zin[[b, ch, zh, zw]] = input[[b, ch, r, c]];
                }
            }
        }
    }
    let flipped = flip_weight(weight, g.groups);
    let opts = Conv2dOptions {
        stride: [1, 1],
        padding: Padding::Valid,
        dilation: [g.dilation[0] as i64, g.dilation[1] as i64],
        groups: g.groups as i64,
        ..Default::default()
    };
    let output = conv2d(zin.view(), flipped.view(), bias, &opts)?;
    Ok(ZeroInsertion {
        input: zin,
        padding: [before[0], after[0], before[1], after[1]],
        source,
        weight: flipped,
        output,
    })
}
