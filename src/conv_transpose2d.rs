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

use crate::conv2d::{add_bias, conv2d};
use crate::error::Result;
use crate::gemm::matmul_into;
use crate::params::{Conv2dOptions, ConvTranspose2dGeometry, ConvTranspose2dOptions, Padding};
use crate::tensor::{
    check_bias, check_view_finite, checked_len, flat, from_vec_exact, view2, view2_mut,
};
use crate::unfold::{col2im_into, overlap_counts};
use ndarray::{Array1, Array2, Array3, Array4, ArrayView1, ArrayView4};

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

/// `columns` of one image into `cols` (C_out·kh·kw × H·W, every value written): per group,
/// `W[g]ᵀ · X[g]` where `W[g]` is the group's block of `wt`, the weight as a row-major
/// (C_in, C_out/g·kh·kw) matrix, and `X[g]` the group's channels of `x` (the image's
/// C_in·H·W values) as a (C_in/g, H·W) matrix.
fn columns_into(g: &ConvTranspose2dGeometry, x: &[f32], wt: &[f32], cols: &mut [f32]) {
    let (cin_g, k_rows) = (
        g.in_per_group(),
        g.out_per_group() * g.kernel[0] * g.kernel[1],
    );
    let hw = g.input[0] * g.input[1];
    for grp in 0..g.groups {
        let xg = view2(cin_g, hw, &x[grp * cin_g * hw..]);
        let wg = view2(cin_g, k_rows, &wt[grp * cin_g * k_rows..]);
        let mut dst = view2_mut(k_rows, hw, &mut cols[grp * k_rows * hw..]);
        matmul_into(wg.t(), xg, &mut dst);
    }
}

/// The weight (C_in, C_out/groups, kh, kw) as a row-major (C_in, C_out/groups · kh · kw)
/// matrix: its values in row-major order.
pub(crate) fn weight_rows(weight: ArrayView4<f32>) -> Vec<f32> {
    flat(&weight).into_owned()
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
    let bias = bias.map(|b| b.to_vec());
    Ok(conv_transpose2d_rows(
        input,
        &g,
        &flat(&weight),
        bias.as_deref(),
    ))
}

/// The transposed convolution of an input already checked against `g` (see
/// [`conv_transpose2d_geometry`]) with the weight reshaped by [`weight_rows`].
pub(crate) fn conv_transpose2d_rows(
    input: ArrayView4<f32>,
    g: &ConvTranspose2dGeometry,
    wt: &[f32],
    bias: Option<&[f32]>,
) -> Array4<f32> {
    let x = flat(&input);
    let [ho, wo] = g.output;
    let image_in = g.in_channels * g.input[0] * g.input[1];
    let image_out = g.out_channels * ho * wo;
    let mut out = vec![0.0; g.batch * image_out];
    let mut cols = vec![0.0; g.out_channels * g.kernel[0] * g.kernel[1] * g.input[0] * g.input[1]];
    for b in 0..g.batch {
        columns_into(g, &x[b * image_in..], wt, &mut cols);
        col2im_into(
            &cols,
            g.input,
            g.kernel,
            g.dilation,
            g.padding,
            g.stride,
            g.output,
            &mut out[b * image_out..][..image_out],
        );
    }
    add_bias(&mut out, ho * wo, bias);
    from_vec_exact((g.batch, g.out_channels, ho, wo), out)
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
        let (x, w) = (flat(&input).into_owned(), flat(&weight).into_owned());
        let bias = bias.map(|b| b.to_vec());
        let (n, cin, cout) = (g.batch, g.in_channels, g.out_channels);
        let [kh, kw] = g.kernel;
        let ([h, wi], [hf, wf], [ho, wo]) = (g.input, g.full, g.output);
        let (rows, hw) = (cout * kh * kw, h * wi);
        let mut columns = vec![0.0; n * rows * hw];
        let mut full = vec![0.0; n * cout * hf * wf];
        for b in 0..n {
            let cols = &mut columns[b * rows * hw..][..rows * hw];
            // The weight (C_in, C_out/groups, kh, kw) is, row-major, its (C_in, ·) matrix.
            columns_into(&g, &x[b * cin * hw..], &w, cols);
            col2im_into(
                cols,
                g.input,
                g.kernel,
                g.dilation,
                [0, 0],
                g.stride,
                g.full,
                &mut full[b * cout * hf * wf..][..cout * hf * wf],
            );
        }
        let overlap = overlap_counts(g.full, g.input, g.kernel, g.dilation, [0, 0], g.stride);
        let [ph, pw] = g.padding;
        let mut output = Vec::with_capacity(n * cout * ho * wo);
        for plane in full.chunks_exact((hf * wf).max(1)) {
            for r in ph..ph + ho {
                output.extend_from_slice(&plane[r * wf + pw..][..wo]);
            }
        }
        add_bias(&mut output, ho * wo, bias.as_deref());
        let zero_insertion = zero_insertion(&g, &x, weight, bias.as_deref())?;
        Ok(ConvTranspose2dTrace {
            geometry: g,
            input: from_vec_exact((n, cin, h, wi), x),
            weight: from_vec_exact(weight.raw_dim(), w),
            bias: bias.map(Array1::from_vec),
            columns: from_vec_exact((n, rows, hw), columns),
            full: from_vec_exact((n, cout, hf, wf), full),
            overlap,
            output: from_vec_exact((n, cout, ho, wo), output),
            zero_insertion,
        })
    }
}

/// The flipped, in/out-swapped kernel: `(C_out, C_in/groups, kh, kw)` with
/// `flipped[g·C_out/g + o, c, i, j] = weight[g·C_in/g + c, o, kh−1−i, kw−1−j]`.
pub fn flip_weight(weight: ArrayView4<f32>, groups: usize) -> Array4<f32> {
    let (cin, cout_g, kh, kw) = weight.dim();
    let cin_g = cin / groups;
    let w = flat(&weight);
    let mut out = Vec::with_capacity(w.len());
    for oc in 0..cout_g * groups {
        let (grp, o) = (oc / cout_g, oc % cout_g);
        for c in 0..cin_g {
            for i in (0..kh).rev() {
                let row = &w[(((grp * cin_g + c) * cout_g + o) * kh + i) * kw..][..kw];
                out.extend(row.iter().rev());
            }
        }
    }
    from_vec_exact((cout_g * groups, cin_g, kh, kw), out)
}

/// The zero-insertion route of the trace; `x` holds the input's values row-major.
fn zero_insertion(
    g: &ConvTranspose2dGeometry,
    x: &[f32],
    weight: ArrayView4<f32>,
    bias: Option<&[f32]>,
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
    let [h, w] = g.input;
    let planes = g.batch * g.in_channels;
    let mut source = vec![-1i32; size[0] * size[1] * 2];
    let mut zin = vec![0.0; planes * size[0] * size[1]];
    for (zh, r) in rows.iter().enumerate() {
        let Some(r) = *r else { continue };
        for (zw, c) in cols.iter().enumerate() {
            let Some(c) = *c else { continue };
            let at = zh * size[1] + zw;
            source[2 * at] = r as i32;
            source[2 * at + 1] = c as i32;
            for p in 0..planes {
                zin[p * size[0] * size[1] + at] = x[(p * h + r) * w + c];
            }
        }
    }
    let zin = from_vec_exact((g.batch, g.in_channels, size[0], size[1]), zin);
    let source = from_vec_exact((size[0], size[1] * 2), source);
    let flipped = flip_weight(weight, g.groups);
    let opts = Conv2dOptions {
        stride: [1, 1],
        padding: Padding::Valid,
        dilation: [g.dilation[0] as i64, g.dilation[1] as i64],
        groups: g.groups as i64,
        ..Default::default()
    };
    let output = conv2d(
        zin.view(),
        flipped.view(),
        bias.map(ArrayView1::from),
        &opts,
    )?;
    Ok(ZeroInsertion {
        input: zin,
        padding: [before[0], after[0], before[1], after[1]],
        source,
        weight: flipped,
        output,
    })
}
