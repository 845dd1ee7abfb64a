//! `nn.Conv2d`: pad (by `padding_mode`) → unfold → grouped matrix product → + bias → reshape.
//!
//! [`conv2d`] is the fast route (row-tiled im2col, SIMD sgemm); [`Conv2dTrace::new`] keeps
//! every stage for the page, with the golden data's names.

use crate::error::Result;
use crate::gemm::{matmul_into, matmul_ordered_into};
use crate::pad::{halo_source, pad};
use crate::params::{Conv2dGeometry, Conv2dOptions};
use crate::tensor::{check_bias, check_view_finite};
use crate::unfold::{im2col, im2col_rows};
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
/// Extra memory beyond the padded input and the output is one row tile of the columns matrix,
/// at most `max(input + output, one output row)` elements, so a large photo never builds its
/// whole `C·kh·kw × L` matrix.
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
    let padded = pad(input, g.pad_before, g.padded, g.padding_mode);
    let wm = weight_matrix(weight);
    let l = g.positions();
    let [ho, wo] = g.output;
    let mut out = Array3::<f32>::zeros((g.batch, g.out_channels, l));
    let k = g.patch_len();
    let budget = (input.len() + out.len()).max(k * wo);
    let tile_rows = (budget / (k * wo)).clamp(1, ho);
    let mut tile = Array2::<f32>::zeros((k, tile_rows * wo));
    let (cin_g, cout_g) = (g.in_per_group(), g.out_per_group());
    for b in 0..g.batch {
        for grp in 0..g.groups {
            let image = padded.slice(s![b, grp * cin_g..(grp + 1) * cin_g, .., ..]);
            let wg = wm.slice(s![grp * cout_g..(grp + 1) * cout_g, ..]);
            let mut row0 = 0;
            while row0 < ho {
                let rows = tile_rows.min(ho - row0);
                let mut cols = tile.slice_mut(s![.., ..rows * wo]);
                im2col_rows(
                    image,
                    g.kernel,
                    g.dilation,
                    g.stride,
                    wo,
                    row0,
                    cols.view_mut(),
                );
                let mut dst = out.slice_mut(s![
                    b,
                    grp * cout_g..(grp + 1) * cout_g,
                    row0 * wo..(row0 + rows) * wo
                ]);
                matmul_into(wg, cols.view(), &mut dst);
                row0 += rows;
            }
        }
    }
    add_bias(&mut out, bias);
    Ok(out
        .into_shape_with_order((g.batch, g.out_channels, ho, wo))
        .expect("L = H_out·W_out"))
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
