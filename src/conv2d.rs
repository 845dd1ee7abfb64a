//! `nn.Conv2d`: pad (by `padding_mode`) → unfold → grouped matrix product → + bias → reshape.
//!
//! [`conv2d`] is the fast route (row-tiled im2col, SIMD sgemm); [`Conv2dTrace::new`] keeps
//! every stage for the page, with the golden data's names.

use crate::error::Result;
use crate::gemm::{gather_row, matmul_ordered_into, panel_product, PackedA, NR};
use crate::pad::{halo_source, pad, source_index};
use crate::params::{Conv2dGeometry, Conv2dOptions, PaddingMode};
use crate::tensor::{check_bias, check_view_finite};
use crate::unfold::im2col;
use ndarray::{s, Array1, Array2, Array3, Array4, ArrayView1, ArrayView2, ArrayView4, Axis};

/// Validate the arguments and the tensors of a `Conv2d` call.
///
/// # Errors
/// See [`Conv2dGeometry::new`]; also a bias of the wrong shape and NaN/±∞ anywhere.
pub fn conv2d_geometry(
    input: &ArrayView4<f32>,
    weight: &ArrayView4<f32>,
    bias: Option<ArrayView1<f32>>,
    opts: &Conv2dOptions,
) -> Result<Conv2dGeometry> {
    let i = input.dim();
    let w = weight.dim();
    let g = Conv2dGeometry::new([i.0, i.1, i.2, i.3], [w.0, w.1, w.2, w.3], opts)?;
    check_bias(bias, g.out_channels)?;
    check_view_finite("input", input)?;
    check_view_finite("weight", weight)?;
    Ok(g)
}

/// `weight.reshape(C_out, C_in/groups · kh · kw)`.
pub fn weight_matrix(weight: ArrayView4<f32>) -> Array2<f32> {
    let (o, c, kh, kw) = weight.dim();
    let flat: Vec<f32> = weight.iter().copied().collect();
    Array2::from_shape_vec((o, c * kh * kw), flat).expect("length is o·c·kh·kw")
}

fn add_bias(out: &mut Array3<f32>, bias: Option<ArrayView1<f32>>) {
    if let Some(b) = bias {
        for mut plane in out.axis_iter_mut(Axis(0)) {
            for (mut row, &bv) in plane.axis_iter_mut(Axis(0)).zip(b.iter()) {
                row.mapv_inplace(|v| v + bv);
            }
        }
    }
}

/// `F.conv2d` with `nn.Conv2d`'s `padding_mode`: (N, C_in, H, W) ⊛ (C_out, C_in/groups, kh, kw)
/// → (N, C_out, H_out, W_out).
///
/// No columns matrix is built. The padded input is made once (its only extra memory, besides
/// `NR` floats of slack and the packed weights); then, per block of `NR` output positions,
/// the SIMD kernel of [`crate::gemm`] multiplies the packed weights by the block's columns:
/// read straight out of the padded input when `stride_w = 1` (the `NR` positions of one
/// output row see `NR` consecutive padded cells), gathered into a small `patch × NR` panel
/// otherwise. The bias starts the sums.
///
/// # Errors
/// Every argument PyTorch rejects (see [`Conv2dGeometry::new`]), a bias of the wrong shape,
/// NaN/±∞ data, sizes over the element cap.
///
/// ```
/// use convviz::{conv2d::conv2d, params::Conv2dOptions};
/// use ndarray::Array4;
/// // The lecture's Conv2d(3, 1, 3) on ones(1, 3, 5, 5), weights all ones: every output is 27.
/// let x = Array4::<f32>::ones((1, 3, 5, 5));
/// let w = Array4::<f32>::ones((1, 3, 3, 3));
/// let y = conv2d(x.view(), w.view(), None, &Conv2dOptions::default()).unwrap();
/// assert_eq!(y.dim(), (1, 1, 3, 3));
/// assert!(y.iter().all(|&v| v == 27.0));
/// ```
pub fn conv2d(
    input: ArrayView4<f32>,
    weight: ArrayView4<f32>,
    bias: Option<ArrayView1<f32>>,
    opts: &Conv2dOptions,
) -> Result<Array4<f32>> {
    let g = conv2d_geometry(&input, &weight, bias, opts)?;
    let [ho, wo] = g.output;
    let l = g.positions();
    let mut out = Array4::<f32>::zeros((g.batch, g.out_channels, ho, wo));
    if out.is_empty() || g.patch_len() == 0 {
        // Nothing to multiply: the output is the bias (or zeros).
        if let Some(b) = bias {
            for mut img in out.axis_iter_mut(Axis(0)) {
                for (mut ch, &bv) in img.axis_iter_mut(Axis(0)).zip(b.iter()) {
                    ch.fill(bv);
                }
            }
        }
        return Ok(out);
    }
    let [hp, wp] = g.padded;
    let plane = hp * wp;
    let padded = padded_with_slack(input, &g);
    let bias: Option<Vec<f32>> = bias.map(|b| b.to_vec());
    let (cin_g, cout_g) = (g.in_per_group(), g.out_per_group());
    let [kh, kw] = g.kernel;
    let [sh, sw] = g.stride;
    let [dh, dw] = g.dilation;
    // Row kk = (c·kh + i)·kw + j of a group's columns matrix, at output position (oh, ow),
    // is padded[group's first channel + c, oh·sh + i·dh, ow·sw + j·dw]: offset from the
    // position's top-left cell.
    let mut offsets = Vec::with_capacity(g.patch_len());
    for c in 0..cin_g {
        for i in 0..kh {
            for j in 0..kw {
                offsets.push(c * plane + i * dh * wp + j * dw);
            }
        }
    }
    let max_offset = offsets.iter().copied().max().unwrap_or(0);
    let weight = weight.as_standard_layout();
    let weight = weight.as_slice().expect("standard layout");
    let k = g.patch_len();
    let packed: Vec<PackedA> = weight
        .chunks_exact(cout_g * k)
        .map(|wg| PackedA::from_rows(wg, k))
        .collect();
    let dst = out.as_slice_mut().expect("a fresh array is contiguous");
    let mut panel = vec![0.0f32; g.patch_len() * NR];
    for b in 0..g.batch {
        for (grp, pa) in packed.iter().enumerate() {
            let image = (b * g.in_channels + grp * cin_g) * plane;
            let out0 = (b * g.out_channels + grp * cout_g) * l;
            let bias_g = bias.as_ref().map(|v| &v[grp * cout_g..(grp + 1) * cout_g]);
            if sw == 1 {
                for oh in 0..ho {
                    gather_row(
                        pa,
                        &padded,
                        &offsets,
                        max_offset,
                        image + oh * sh * wp,
                        wo,
                        &mut dst[out0 + oh * wo..],
                        l,
                        bias_g,
                        &mut panel,
                    );
                }
            } else {
                for l0 in (0..l).step_by(NR) {
                    let cols = NR.min(l - l0);
                    let mut base = [0usize; NR];
                    for (t, b) in base.iter_mut().enumerate().take(cols) {
                        let (oh, ow) = ((l0 + t) / wo, (l0 + t) % wo);
                        *b = image + oh * sh * wp + ow * sw;
                    }
                    for (o, row) in offsets.iter().zip(panel.chunks_exact_mut(NR)) {
                        for (d, b) in row.iter_mut().zip(&base[..cols]) {
                            *d = padded[b + o];
                        }
                    }
                    panel_product(pa, &panel, &mut dst[out0 + l0..], l, cols, bias_g);
                }
            }
        }
    }
    Ok(out)
}

/// The input padded by `padding_mode` as one flat (N, C, Hp, Wp) buffer with `NR` floats of
/// slack at the end (the kernel reads `NR` values from any row start).
fn padded_with_slack(input: ArrayView4<f32>, g: &Conv2dGeometry) -> Vec<f32> {
    let (n, c, h, w) = input.dim();
    let [hp, wp] = g.padded;
    let [top, left] = g.pad_before;
    let mut buf = vec![0.0f32; n * c * hp * wp + NR];
    let x = input.as_standard_layout();
    let x = x.as_slice().expect("standard layout");
    let rows: Vec<Option<usize>> = (0..hp)
        .map(|p| source_index(p, h, top, g.padding_mode))
        .collect();
    let cols: Vec<Option<usize>> = (0..wp)
        .map(|p| source_index(p, w, left, g.padding_mode))
        .collect();
    for (src, dst) in x.chunks_exact(h * w).zip(buf.chunks_exact_mut(hp * wp)) {
        for (ph, r) in rows.iter().enumerate() {
            let Some(r) = *r else { continue };
            let srow = &src[r * w..(r + 1) * w];
            let drow = &mut dst[ph * wp..(ph + 1) * wp];
            drow[left..left + w].copy_from_slice(srow);
            if g.padding_mode != PaddingMode::Zeros {
                for (pw, col) in cols.iter().enumerate() {
                    if pw < left || pw >= left + w {
                        if let Some(col) = *col {
                            drow[pw] = srow[col];
                        }
                    }
                }
            }
        }
    }
    buf
}

/// Every stage of one `Conv2d` computation, named as in the golden data.
#[derive(Debug, Clone)]
pub struct Conv2dTrace {
    /// The validated sizes.
    pub geometry: Conv2dGeometry,
    /// The input (N, C_in, H, W).
    pub input: Array4<f32>,
    /// The weight (C_out, C_in/groups, kh, kw).
    pub weight: Array4<f32>,
    /// The bias (C_out), if any.
    pub bias: Option<Array1<f32>>,
    /// `padded_input` (N, C_in, Hp, Wp), `padding_mode` applied.
    pub padded_input: Array4<f32>,
    /// For each padded cell, the input `(ih, iw)` it holds or `(-1, -1)`: shape (Hp, Wp·2).
    pub halo_source: Array2<i32>,
    /// `columns` (N, C_in·kh·kw, L): `unfold(padded_input)`; see [`crate::unfold`].
    pub columns: Array3<f32>,
    /// `weight_matrix` (C_out, C_in/groups·kh·kw).
    pub weight_matrix: Array2<f32>,
    /// `product` (N, C_out, L): per group, weight rows @ column rows; no bias.
    pub product: Array3<f32>,
    /// `output` (N, C_out, H_out, W_out) = product + bias.
    pub output: Array4<f32>,
}

impl Conv2dTrace {
    /// Compute a `Conv2d` and keep every stage. The product is summed in `k` order (see
    /// [`matmul_ordered_into`]) so that [`Conv2dTrace::steps`] replays it exactly.
    ///
    /// # Errors
    /// As [`conv2d`], and intermediates (the full columns matrix) over the element cap.
    pub fn new(
        input: ArrayView4<f32>,
        weight: ArrayView4<f32>,
        bias: Option<ArrayView1<f32>>,
        opts: &Conv2dOptions,
    ) -> Result<Self> {
        let g = conv2d_geometry(&input, &weight, bias, opts)?;
        g.check_trace_size()?;
        let padded_input = pad(input, g.pad_before, g.padded, g.padding_mode);
        let halo = halo_source(g.input, g.pad_before, g.padded, g.padding_mode);
        let wm = weight_matrix(weight);
        let l = g.positions();
        let k = g.patch_len();
        let (cout_g, rows) = (g.out_per_group(), g.in_channels * g.kernel[0] * g.kernel[1]);
        let mut columns = Array3::<f32>::zeros((g.batch, rows, l));
        let mut product = Array3::<f32>::zeros((g.batch, g.out_channels, l));
        for b in 0..g.batch {
            let cols = im2col(
                padded_input.index_axis(Axis(0), b),
                g.kernel,
                g.dilation,
                g.stride,
                g.output,
            );
            for grp in 0..g.groups {
                let a: ArrayView2<f32> = wm.slice(s![grp * cout_g..(grp + 1) * cout_g, ..]);
                let bm = cols.slice(s![grp * k..(grp + 1) * k, ..]);
                let mut dst = product.slice_mut(s![b, grp * cout_g..(grp + 1) * cout_g, ..]);
                matmul_ordered_into(a, bm, &mut dst);
            }
            columns.index_axis_mut(Axis(0), b).assign(&cols);
        }
        let mut out = product.clone();
        add_bias(&mut out, bias);
        let output = out
            .into_shape_with_order((g.batch, g.out_channels, g.output[0], g.output[1]))
            .expect("L = H_out·W_out");
        Ok(Conv2dTrace {
            geometry: g,
            input: input.to_owned(),
            weight: weight.to_owned(),
            bias: bias.map(|b| b.to_owned()),
            padded_input,
            halo_source: halo,
            columns,
            weight_matrix: wm,
            product,
            output,
        })
    }
}
