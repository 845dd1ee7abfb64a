//! The `Conv2d` backward pass with every intermediate the page draws, and the steps that replay
//! its sums.

use super::{conv2d_backward_geometry, fold_halo_planes, grad_bias};
use crate::error::{Error, Result};
use crate::gemm::matmul_ordered;
use crate::pad::{halo_source, pad_planes, source_index};
use crate::params::{Conv2dGeometry, Conv2dOptions};
use crate::steps::TapKind;
use crate::tensor::{check_work, flat, from_vec_exact};
use crate::unfold::{col2im_into, im2col_into};
use ndarray::{Array1, Array2, Array3, Array4, ArrayView4};

/// Every stage of one `Conv2d` backward pass, named as in the golden data where it has a name.
///
/// ```text
/// grad_output ─Wᵀ·─► grad_columns ─col2im─► grad_padded_input ─fold halo─► grad_input
///      │                                    (Hp × Wp)                      (H × W)
///      └──────── · columnsᵀ ─► grad_weight        Σ ─► grad_bias
/// ```
///
/// The sums run in a fixed order so that [`Conv2dBackwardTrace::weight_steps`] and
/// [`Conv2dBackwardTrace::input_steps`] reproduce the stored numbers bit for bit; they equal
/// [`super::conv2d_backward`]'s within rounding.
#[derive(Debug, Clone)]
pub struct Conv2dBackwardTrace {
    /// The validated sizes.
    pub geometry: Conv2dGeometry,
    /// The input (N, C_in, H, W).
    pub input: Array4<f32>,
    /// The weight (C_out, C_in/groups, kh, kw).
    pub weight: Array4<f32>,
    /// ∂L/∂y (N, C_out, H_out, W_out).
    pub grad_output: Array4<f32>,
    /// The forward's `padded_input` (N, C_in, Hp, Wp), `padding_mode` applied.
    pub padded_input: Array4<f32>,
    /// For each padded cell, the input `(ih, iw)` it holds or `(-1, -1)`: shape (Hp, Wp·2),
    /// as [`crate::conv2d::Conv2dTrace::halo_source`]. The fold-back follows it.
    pub halo_source: Array2<i32>,
    /// The forward's `columns` (N, C_in·kh·kw, L): what ∂L/∂W multiplies ∂L/∂y by.
    pub columns: Array3<f32>,
    /// `Wᵀ·∂L/∂y` per group (N, C_in·kh·kw, L), before col2im: row `(c·kh + i)·kw + j`,
    /// column `oh·W_out + ow` is what the tap (i, j) of channel c at that position passes back.
    pub grad_columns: Array3<f32>,
    /// col2im of `grad_columns` (N, C_in, Hp, Wp): ∂L/∂(padded input), before the halo folds
    /// back.
    pub grad_padded_input: Array4<f32>,
    /// ∂L/∂input (N, C_in, H, W): every padded cell's gradient added to the input cell it holds.
    pub grad_input: Array4<f32>,
    /// ∂L/∂weight (C_out, C_in/groups, kh, kw).
    pub grad_weight: Array4<f32>,
    /// ∂L/∂bias (C_out).
    pub grad_bias: Array1<f32>,
}

/// One product of a weight tap's gradient: the value the tap read at one position times the
/// gradient of the output there.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WeightGradTerm {
    /// Image.
    pub n: usize,
    /// Output row.
    pub oh: usize,
    /// Output column.
    pub ow: usize,
    /// Input channel the tap reads.
    pub c: usize,
    /// Row in the padded input: `oh·stride + i·dilation`.
    pub ph: usize,
    /// Column in the padded input.
    pub pw: usize,
    /// [`TapKind::Input`] or [`TapKind::Padding`].
    pub kind: TapKind,
    /// The input cell the value is (for padding: the one it copies), if any.
    pub source: Option<(usize, usize)>,
    /// The value read, `padded_input[n, c, ph, pw]`.
    pub x: f32,
    /// `grad_output[n, c_out, oh, ow]`.
    pub g: f32,
    /// `x · g`.
    pub product: f32,
    /// The running sum after this term.
    pub sum: f32,
}

/// How ∂L/∂W[c_out, c_in, i, j] is summed: one term per image and output position.
#[derive(Debug, Clone, PartialEq)]
pub struct WeightGradSteps {
    /// Image by image, positions row-major.
    pub terms: Vec<WeightGradTerm>,
    /// The total: equal to the trace's `grad_weight` entry bit for bit.
    pub sum: f32,
}

/// One product passed back through a kernel tap: weight × output gradient.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct InputGradTerm {
    /// Output channel.
    pub c_out: usize,
    /// Kernel row.
    pub i: usize,
    /// Kernel column.
    pub j: usize,
    /// Output row whose window put tap (i, j) on the padded cell.
    pub oh: usize,
    /// Output column.
    pub ow: usize,
    /// `weight[c_out, c_in mod (C_in/groups), i, j]`.
    pub w: f32,
    /// `grad_output[n, c_out, oh, ow]`.
    pub g: f32,
    /// `w · g`.
    pub product: f32,
    /// The running sum over the output channels of this (i, j, oh, ow): after the last one, the
    /// `grad_columns` entry.
    pub column: f32,
}

/// The gradient of one padded cell that holds the input cell asked about.
#[derive(Debug, Clone, PartialEq)]
pub struct PaddedCellGrad {
    /// Row in the padded input.
    pub ph: usize,
    /// Column in the padded input.
    pub pw: usize,
    /// The input cell itself (not a halo copy of it).
    pub inside: bool,
    /// Every product that lands on it: by kernel tap (i, j) row-major, then output channel.
    pub terms: Vec<InputGradTerm>,
    /// Σ of the taps' column entries: equal to `grad_padded_input` bit for bit.
    pub value: f32,
    /// The running sum over the cells so far, this one included.
    pub sum: f32,
}

/// How ∂L/∂x[n, c, ih, iw] is summed: the padded cells that hold x[n, c, ih, iw] (the cell
/// itself and, for reflect / replicate / circular, its halo copies), each with the products
/// that land on it.
#[derive(Debug, Clone, PartialEq)]
pub struct InputGradSteps {
    /// The padded cells holding the input cell, row-major.
    pub cells: Vec<PaddedCellGrad>,
    /// The total: equal to the trace's `grad_input` entry bit for bit.
    pub sum: f32,
}

fn out_of_range(arg: &'static str, v: usize, n: usize) -> Error {
    Error::value(
        arg,
        format!("{arg}={v} is out of range (must be below {n})"),
    )
}

fn check_index(arg: &'static str, v: usize, n: usize) -> Result<()> {
    if v >= n {
        Err(out_of_range(arg, v, n))
    } else {
        Ok(())
    }
}

impl Conv2dBackwardTrace {
    /// Compute a `Conv2d` backward pass and keep every stage.
    ///
    /// The columns gradient sums over the output channels in order (as [`crate::gemm::matmul_ordered_into`]), col2im
    /// adds the taps in (i, j) order, the halo folds back in row-major order, and ∂L/∂W sums
    /// images then positions in order: what the steps replay.
    ///
    /// # Errors
    /// As [`super::conv2d_backward`], and intermediates (the full columns matrices) over the
    /// element cap.
    ///
    /// ```
    /// use convviz::{backward::Conv2dBackwardTrace, params::{Conv2dOptions, Padding, PaddingMode}};
    /// use ndarray::Array4;
    /// let x = Array4::from_shape_fn((1, 1, 3, 3), |(_, _, h, w)| (3 * h + w) as f32);
    /// let w = Array4::<f32>::ones((1, 1, 3, 3));
    /// let gy = Array4::<f32>::ones((1, 1, 3, 3));
    /// let opts = Conv2dOptions { padding: Padding::Explicit([1, 1]),
    ///                            padding_mode: PaddingMode::Replicate, ..Default::default() };
    /// let t = Conv2dBackwardTrace::new(x.view(), w.view(), gy.view(), &opts).unwrap();
    /// assert_eq!(t.grad_padded_input.dim(), (1, 1, 5, 5));
    /// // The corner x[0, 0] is also the halo's three corner cells around it.
    /// let s = t.input_steps(0, 0, 0, 0).unwrap();
    /// assert_eq!(s.cells.len(), 4);
    /// assert_eq!(s.sum, t.grad_input[[0, 0, 0, 0]]);
    /// ```
    pub fn new(
        input: ArrayView4<f32>,
        weight: ArrayView4<f32>,
        grad_output: ArrayView4<f32>,
        opts: &Conv2dOptions,
    ) -> Result<Self> {
        let g = conv2d_backward_geometry(&input, &weight, &grad_output, opts)?;
        g.check_trace_size()?;
        let (x, w) = (flat(&input).into_owned(), flat(&weight).into_owned());
        let gy = flat(&grad_output).into_owned();
        let (n, cin, cout) = (g.batch, g.in_channels, g.out_channels);
        let ([h, wi], [hp, wp], [ho, wo]) = (g.input, g.padded, g.output);
        let (l, k) = (g.positions(), g.patch_len());
        let (cout_g, rows) = (g.out_per_group(), cin * g.kernel[0] * g.kernel[1]);
        let padded = pad_planes(&x, n * cin, g.input, g.pad_before, g.padded, g.padding_mode);
        let halo = halo_source(g.input, g.pad_before, g.padded, g.padding_mode);
        // Wᵀ per group, row-major (k × C_out/groups), for the in-order product.
        let mut wt = vec![0.0f32; cout * k];
        for grp in 0..g.groups {
            let (src, dst) = (&w[grp * cout_g * k..], &mut wt[grp * cout_g * k..]);
            for o in 0..cout_g {
                for kk in 0..k {
                    dst[kk * cout_g + o] = src[o * k + kk];
                }
            }
        }
        let mut columns = vec![0.0f32; n * rows * l];
        let mut grad_columns = vec![0.0f32; n * rows * l];
        let mut grad_padded = vec![0.0f32; n * cin * hp * wp];
        let mut grad_x = vec![0.0f32; n * cin * h * wi];
        for b in 0..n {
            let cols = &mut columns[b * rows * l..][..rows * l];
            im2col_into(
                &padded[b * cin * hp * wp..][..cin * hp * wp],
                g.padded,
                g.kernel,
                g.dilation,
                g.stride,
                g.output,
                cols,
            );
            let gcols = &mut grad_columns[b * rows * l..][..rows * l];
            for grp in 0..g.groups {
                matmul_ordered(
                    &wt[grp * cout_g * k..][..cout_g * k],
                    &gy[(b * cout + grp * cout_g) * l..][..cout_g * l],
                    &mut gcols[grp * k * l..][..k * l],
                    cout_g,
                );
            }
            let gpad = &mut grad_padded[b * cin * hp * wp..][..cin * hp * wp];
            col2im_into(
                gcols,
                g.output,
                g.kernel,
                g.dilation,
                [0, 0],
                g.stride,
                g.padded,
                gpad,
            );
            fold_halo_planes(
                gpad,
                g.input,
                g.pad_before,
                g.padded,
                g.padding_mode,
                &mut grad_x[b * cin * h * wi..][..cin * h * wi],
            );
        }
        // ∂L/∂W: one running sum per weight entry over images, then positions.
        check_work("input", &[n, cout, l, k])?;
        let mut grad_w = vec![0.0f32; cout * k];
        for (o, row) in grad_w.chunks_exact_mut(k).enumerate() {
            let grp = o / cout_g;
            for (kk, acc) in row.iter_mut().enumerate() {
                for b in 0..n {
                    let gyr = &gy[(b * cout + o) * l..][..l];
                    let xr = &columns[(b * rows + grp * k + kk) * l..][..l];
                    for (&gv, &xv) in gyr.iter().zip(xr) {
                        *acc += xv * gv;
                    }
                }
            }
        }
        Ok(Conv2dBackwardTrace {
            geometry: g,
            input: from_vec_exact((n, cin, h, wi), x),
            weight: from_vec_exact(weight.raw_dim(), w),
            grad_bias: grad_bias(&gy, n, cout, l),
            grad_output: from_vec_exact((n, cout, ho, wo), gy),
            padded_input: from_vec_exact((n, cin, hp, wp), padded),
            halo_source: halo,
            columns: from_vec_exact((n, rows, l), columns),
            grad_columns: from_vec_exact((n, rows, l), grad_columns),
            grad_padded_input: from_vec_exact((n, cin, hp, wp), grad_padded),
            grad_input: from_vec_exact((n, cin, h, wi), grad_x),
            grad_weight: from_vec_exact(weight.raw_dim(), grad_w),
        })
    }

    /// The products that sum to ∂L/∂W[c_out, c_in, i, j] (`c_in` counts within the group, as
    /// the weight's second axis does): for every image and output position, the value tap
    /// (i, j) read there times ∂L/∂y there, with the running sum.
    ///
    /// # Errors
    /// An index out of range, named.
    pub fn weight_steps(
        &self,
        c_out: usize,
        c_in: usize,
        i: usize,
        j: usize,
    ) -> Result<WeightGradSteps> {
        let g = &self.geometry;
        check_index("c_out", c_out, g.out_channels)?;
        check_index("c_in", c_in, g.in_per_group())?;
        check_index("i", i, g.kernel[0])?;
        check_index("j", j, g.kernel[1])?;
        let c = c_out / g.out_per_group() * g.in_per_group() + c_in;
        let [ho, wo] = g.output;
        let mut terms = Vec::with_capacity(g.batch * ho * wo);
        let mut sum = 0.0f32;
        for n in 0..g.batch {
            for oh in 0..ho {
                for ow in 0..wo {
                    let ph = oh * g.stride[0] + i * g.dilation[0];
                    let pw = ow * g.stride[1] + j * g.dilation[1];
                    let x = self.padded_input[[n, c, ph, pw]];
                    let gv = self.grad_output[[n, c_out, oh, ow]];
                    let product = x * gv;
                    sum += product;
                    let inside = (g.pad_before[0]..g.pad_before[0] + g.input[0]).contains(&ph)
                        && (g.pad_before[1]..g.pad_before[1] + g.input[1]).contains(&pw);
                    terms.push(WeightGradTerm {
                        n,
                        oh,
                        ow,
                        c,
                        ph,
                        pw,
                        kind: if inside {
                            TapKind::Input
                        } else {
                            TapKind::Padding
                        },
                        source: self.source(ph, pw),
                        x,
                        g: gv,
                        product,
                        sum,
                    });
                }
            }
        }
        Ok(WeightGradSteps { terms, sum })
    }

    /// How ∂L/∂x[n, c_in, ih, iw] is summed: every padded cell that holds that input cell
    /// (row-major; with zero padding only the cell itself), and on each, every
    /// weight × ∂L/∂y product its windows pass back.
    ///
    /// ```text
    /// replicate, the corner x[0, 0] with 1 of padding:     padded cells holding it
    ///     x00 x00 x01 …                                     (0,0) (0,1)
    ///     x00 x00 x01 …                                     (1,0) (1,1) ← the cell itself
    ///     x10 x10 x11 …
    /// ```
    ///
    /// # Errors
    /// An index out of range, named.
    pub fn input_steps(
        &self,
        n: usize,
        c_in: usize,
        ih: usize,
        iw: usize,
    ) -> Result<InputGradSteps> {
        let g = &self.geometry;
        check_index("n", n, g.batch)?;
        check_index("c_in", c_in, g.in_channels)?;
        check_index("ih", ih, g.input[0])?;
        check_index("iw", iw, g.input[1])?;
        let holding = |d: usize, v: usize| -> Vec<usize> {
            (0..g.padded[d])
                .filter(|&p| {
                    source_index(p, g.input[d], g.pad_before[d], g.padding_mode) == Some(v)
                })
                .collect()
        };
        let (rows, cols) = (holding(0, ih), holding(1, iw));
        let (cin_g, cout_g) = (g.in_per_group(), g.out_per_group());
        let (grp, cl) = (c_in / cin_g, c_in % cin_g);
        // The kernel rows (columns) whose window puts them on padded row (column) p, with the
        // output row (column) of that window.
        let taps = |d: usize, p: usize| -> Vec<(usize, usize)> {
            (0..g.kernel[d])
                .filter_map(|t| {
                    let q = p.checked_sub(t * g.dilation[d])?;
                    (q % g.stride[d] == 0 && q / g.stride[d] < g.output[d])
                        .then_some((t, q / g.stride[d]))
                })
                .collect()
        };
        let mut cells = Vec::with_capacity(rows.len() * cols.len());
        let mut sum = 0.0f32;
        for &ph in &rows {
            let ti = taps(0, ph);
            for &pw in &cols {
                let tj = taps(1, pw);
                let mut terms = Vec::with_capacity(ti.len() * tj.len() * cout_g);
                let mut value = 0.0f32;
                for &(i, oh) in &ti {
                    for &(j, ow) in &tj {
                        let mut column = 0.0f32;
                        for ol in 0..cout_g {
                            let c_out = grp * cout_g + ol;
                            let w = self.weight[[c_out, cl, i, j]];
                            let gv = self.grad_output[[n, c_out, oh, ow]];
                            let product = w * gv;
                            column += product;
                            terms.push(InputGradTerm {
                                c_out,
                                i,
                                j,
                                oh,
                                ow,
                                w,
                                g: gv,
                                product,
                                column,
                            });
                        }
                        value += column;
                    }
                }
                sum += value;
                cells.push(PaddedCellGrad {
                    ph,
                    pw,
                    inside: ph == ih + g.pad_before[0] && pw == iw + g.pad_before[1],
                    terms,
                    value,
                    sum,
                });
            }
        }
        Ok(InputGradSteps { cells, sum })
    }

    /// The input cell padded cell `(ph, pw)` holds, if any.
    fn source(&self, ph: usize, pw: usize) -> Option<(usize, usize)> {
        let r = self.halo_source[[ph, 2 * pw]];
        let c = self.halo_source[[ph, 2 * pw + 1]];
        (r >= 0 && c >= 0).then_some((r as usize, c as usize))
    }
}
