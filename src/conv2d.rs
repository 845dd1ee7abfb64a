//! `nn.Conv2d`: pad (by `padding_mode`) → unfold → grouped matrix product → + bias → reshape.
//!
//! [`conv2d`] is the fast route (row-tiled im2col, SIMD sgemm); [`Conv2dTrace::new`] keeps
//! every stage for the page, with the golden data's names.

use crate::error::Result;
use crate::gemm::{gather_row, matmul_ordered, PackedA, NR};
use crate::pad::{halo_source, pad_planes, source_index};
use crate::params::{Conv2dGeometry, Conv2dOptions, PaddingMode};
use crate::tensor::{check_bias, check_view_finite, flat, from_vec_exact};
use crate::unfold::im2col_into;
use ndarray::{Array1, Array2, Array3, Array4, ArrayView1, ArrayView4};

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
    check_finite4("input", input)?;
    check_finite4("weight", weight)?;
    Ok(g)
}

/// Whether every value is finite: |v| as bits is below the bits of +∞ (NaN and ±∞ are not).
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
fn all_finite(s: &[f32]) -> bool {
    use core::arch::wasm32::*;
    let (abs, inf) = (
        u32x4_splat(0x7fff_ffff),
        u32x4_splat(f32::INFINITY.to_bits()),
    );
    let mut bad = u32x4_splat(0);
    let chunks = s.chunks_exact(4);
    let rest = chunks.remainder();
    for c in chunks {
        // SAFETY: `c` holds 4 floats (16 bytes); wasm loads need no alignment.
        let v = unsafe { v128_load(c.as_ptr() as *const v128) };
        bad = v128_or(bad, u32x4_ge(v128_and(v, abs), inf));
    }
    !v128_any_true(bad) && rest.iter().all(|v| v.is_finite())
}

/// Whether every value is finite.
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
fn all_finite(s: &[f32]) -> bool {
    s.iter().all(|v| v.is_finite())
}

/// [`check_view_finite`], with a vectorised pass first over contiguous data (the common
/// case: the scan costs as much as a small convolution otherwise).
pub(crate) fn check_finite4(arg: &'static str, a: &ArrayView4<f32>) -> Result<()> {
    match a.as_slice() {
        Some(s) if all_finite(s) => Ok(()),
        _ => check_view_finite(arg, a),
    }
}

/// `weight.reshape(C_out, C_in/groups · kh · kw)`.
pub fn weight_matrix(weight: ArrayView4<f32>) -> Array2<f32> {
    let (o, c, kh, kw) = weight.dim();
    from_vec_exact((o, c * kh * kw), flat(&weight).into_owned())
}

/// Add `bias[ch]` to every value of plane `ch` of `out` (planes of `plane` values, channels
/// cycling through the bias: N × C planes).
pub(crate) fn add_bias(out: &mut [f32], plane: usize, bias: Option<&[f32]>) {
    if let Some(b) = bias.filter(|b| !b.is_empty()) {
        for (p, values) in out.chunks_exact_mut(plane.max(1)).enumerate() {
            let bv = b[p % b.len()];
            for v in values {
                *v += bv;
            }
        }
    }
}

/// `F.conv2d` with `nn.Conv2d`'s `padding_mode`: (N, C_in, H, W) ⊛ (C_out, C_in/groups, kh, kw)
/// → (N, C_out, H_out, W_out).
///
/// No columns matrix is built. The padded input is made once — split by column phase when
/// `stride_w > 1`, see `PhaseSplit` — and is, with the packed weights, the only extra memory
/// (below input + output). Then, per block of `NR` positions of an output row, the SIMD kernel
/// of [`crate::gemm`] multiplies the packed weights by the block's columns, read straight out
/// of that buffer (the `NR` positions see `NR` consecutive cells of each input row they
/// touch). The bias starts the sums.
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
    let packed = pack_weight(weight, g.groups);
    let bias: Option<Vec<f32>> = bias.map(|b| b.to_vec());
    let [ho, wo] = g.output;
    let mut out = Array4::<f32>::zeros((g.batch, g.out_channels, ho, wo));
    let dst = out.as_slice_mut().expect("a fresh array is contiguous");
    let mut ws = Workspace::default();
    conv2d_packed_into(input, &g, &packed, bias.as_deref(), &mut ws, dst);
    Ok(out)
}

/// The weight (C_out, C_in/groups, kh, kw) packed for the micro-kernel: one [`PackedA`] per
/// group, each the group's (C_out/groups) × (C_in/groups · kh · kw) weight matrix. Empty when
/// the weight has no values or `groups` is 0 (nothing to multiply).
pub(crate) fn pack_weight(weight: ArrayView4<f32>, groups: usize) -> Vec<PackedA> {
    let (o, c, kh, kw) = weight.dim();
    let k = c * kh * kw;
    if k == 0 || o == 0 || groups == 0 || !o.is_multiple_of(groups) {
        return Vec::new();
    }
    let weight = weight.as_standard_layout();
    let weight = weight.as_slice().expect("standard layout");
    weight
        .chunks_exact(o / groups * k)
        .map(|wg| PackedA::from_rows(wg, k))
        .collect()
}

/// Buffers a convolution needs besides its output, kept between calls by a prepared layer
/// ([`crate::layer::Conv2dLayer`]) so that a call on an input of the same size allocates
/// nothing.
#[derive(Debug, Clone, Default)]
pub(crate) struct Workspace {
    /// The phase-split padded input (`PhaseSplit`).
    padded: Vec<f32>,
    /// Per row of a group's columns matrix, its offset in `padded`.
    offsets: Vec<usize>,
    /// A packed block of columns (`gather_row`).
    scratch: Vec<f32>,
    /// The input row / column each padded row / column holds, if any.
    rows: Vec<Option<usize>>,
    cols: Vec<Option<usize>>,
    /// Zero padding, per phase: (start, first input column, count).
    zero_runs: Vec<(usize, usize, usize)>,
}

/// The convolution of an input already checked against `g` (see [`conv2d_geometry`]) with a
/// weight packed by [`pack_weight`] for `g.groups` groups, into `dst` (N·C_out·H_out·W_out
/// values, every one written); `bias` has `g.out_channels` values.
pub(crate) fn conv2d_packed_into(
    input: ArrayView4<f32>,
    g: &Conv2dGeometry,
    packed: &[PackedA],
    bias: Option<&[f32]>,
    ws: &mut Workspace,
    dst: &mut [f32],
) {
    let [ho, wo] = g.output;
    let l = g.positions();
    if dst.is_empty() || g.patch_len() == 0 || packed.len() != g.groups {
        // Nothing to multiply: the output is the bias (or zeros).
        for (ch, plane) in dst.chunks_mut(l.max(1)).enumerate() {
            plane.fill(bias.map_or(0.0, |b| b[ch % g.out_channels]));
        }
        return;
    }
    let split = PhaseSplit::new(g);
    split.fill(input, g, ws);
    let (cin_g, cout_g) = (g.in_per_group(), g.out_per_group());
    let [kh, kw] = g.kernel;
    let [sh, sw] = g.stride;
    let [dh, dw] = g.dilation;
    // Row kk = (c·kh + i)·kw + j of a group's columns matrix, at output position (oh, ow), is
    // padded[c, oh·sh + i·dh, ow·sw + j·dw] = phase (j·dw) mod sw at column ow + (j·dw) div sw:
    // consecutive in ow. Its offset from output row oh's first cell:
    let offsets = &mut ws.offsets;
    offsets.clear();
    for c in 0..cin_g {
        for i in 0..kh {
            for j in 0..kw {
                let (phase, shift) = ((j * dw) % sw, (j * dw) / sw);
                offsets
                    .push(phase * split.phase_len + c * split.plane + i * dh * split.width + shift);
            }
        }
    }
    let max_offset = offsets.iter().copied().max().unwrap_or(0);
    for b in 0..g.batch {
        for (grp, pa) in packed.iter().enumerate() {
            let image = (b * g.in_channels + grp * cin_g) * split.plane;
            let out0 = (b * g.out_channels + grp * cout_g) * l;
            let bias_g = bias.map(|v| &v[grp * cout_g..(grp + 1) * cout_g]);
            for oh in 0..ho {
                gather_row(
                    pa,
                    &ws.padded,
                    &ws.offsets,
                    max_offset,
                    image + oh * sh * split.width,
                    wo,
                    &mut dst[out0 + oh * wo..],
                    l,
                    bias_g,
                    &mut ws.scratch,
                );
            }
        }
    }
}

/// The padded input, split by column phase so that a strided convolution reads consecutive
/// cells: phase `φ < stride_w` holds the padded columns `φ, φ + sw, φ + 2·sw, …`.
///
/// ```text
/// padded row (sw = 2):  a b c d e f g        phase 0: a c e g
///                                             phase 1: b d f ·
/// ```
///
/// Layout: `sw` blocks of (N, C, Hp, ⌈Wp / sw⌉), then `NR` floats of slack (the kernel reads
/// `NR` values from any row position). With `sw = 1` it is just the padded input.
struct PhaseSplit {
    /// ⌈Wp / sw⌉: the row length in every phase.
    width: usize,
    /// Hp · width: one channel plane of one phase.
    plane: usize,
    /// N · C · plane: one phase block.
    phase_len: usize,
}

impl PhaseSplit {
    fn new(g: &Conv2dGeometry) -> Self {
        let width = g.padded[1].div_ceil(g.stride[1]);
        let plane = g.padded[0] * width;
        PhaseSplit {
            width,
            plane,
            phase_len: g.batch * g.in_channels * plane,
        }
    }

    /// Pad `input` by `padding_mode` into the split layout.
    fn fill(&self, input: ArrayView4<f32>, g: &Conv2dGeometry, ws: &mut Workspace) {
        let (_, _, h, w) = input.dim();
        let [hp, wp] = g.padded;
        let [top, left] = g.pad_before;
        let sw = g.stride[1];
        let Workspace {
            padded: buf,
            rows,
            cols,
            zero_runs,
            ..
        } = ws;
        buf.clear();
        buf.resize(sw * self.phase_len + NR, 0.0);
        let x = input.as_standard_layout();
        let x = x.as_slice().expect("standard layout");
        rows.clear();
        rows.extend((0..hp).map(|p| source_index(p, h, top, g.padding_mode)));
        cols.clear();
        cols.extend((0..wp).map(|p| source_index(p, w, left, g.padding_mode)));
        // Zeros: per phase, where its first input column lands, which it is, how many
        // (padded column q·sw + phase holds input column q·sw + phase − left). Computed once:
        // divisions per row would cost as much as the copy of a small image.
        zero_runs.clear();
        zero_runs.extend((0..sw).filter_map(|phase| {
            let q0 = left.saturating_sub(phase).div_ceil(sw);
            let c0 = q0 * sw + phase - left;
            (c0 < w).then(|| (phase * self.phase_len + q0, c0, (w - c0).div_ceil(sw)))
        }));
        for (pl, src) in x.chunks_exact(h * w).enumerate() {
            for (ph, r) in rows.iter().enumerate() {
                let Some(r) = *r else { continue };
                let srow = &src[r * w..(r + 1) * w];
                let at = pl * self.plane + ph * self.width;
                if sw == 1 {
                    let drow = &mut buf[at..at + wp];
                    drow[left..left + w].copy_from_slice(srow);
                    if g.padding_mode == PaddingMode::Zeros {
                        continue;
                    }
                }
                if g.padding_mode == PaddingMode::Zeros {
                    for &(start, c0, n) in zero_runs.iter() {
                        let dst = &mut buf[start + at..][..n];
                        for (d, c) in dst.iter_mut().zip(srow[c0..].chunks(sw)) {
                            *d = c[0];
                        }
                    }
                    continue;
                }
                for phase in 0..sw {
                    let drow = &mut buf[phase * self.phase_len + at..][..self.width];
                    let src_cols = cols.iter().skip(phase).step_by(sw);
                    for (d, col) in drow.iter_mut().zip(src_cols) {
                        if let Some(col) = *col {
                            *d = srow[col];
                        }
                    }
                }
            }
        }
    }
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
        let (x, w) = (flat(&input).into_owned(), flat(&weight).into_owned());
        let bias = bias.map(|b| b.to_vec());
        let (n, cin, cout) = (g.batch, g.in_channels, g.out_channels);
        let [hp, wp] = g.padded;
        let padded = pad_planes(&x, n * cin, g.input, g.pad_before, g.padded, g.padding_mode);
        let halo = halo_source(g.input, g.pad_before, g.padded, g.padding_mode);
        let (l, k) = (g.positions(), g.patch_len());
        let (cout_g, rows) = (g.out_per_group(), cin * g.kernel[0] * g.kernel[1]);
        let mut columns = vec![0.0; n * rows * l];
        let mut product = vec![0.0; n * cout * l];
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
            for grp in 0..g.groups {
                matmul_ordered(
                    &w[grp * cout_g * k..][..cout_g * k],
                    &cols[grp * k * l..][..k * l],
                    &mut product[(b * cout + grp * cout_g) * l..][..cout_g * l],
                    k,
                );
            }
        }
        let mut output = product.clone();
        add_bias(&mut output, l, bias.as_deref());
        let [ho, wo] = g.output;
        let (ih, iw) = (g.input[0], g.input[1]);
        Ok(Conv2dTrace {
            geometry: g,
            input: from_vec_exact((n, cin, ih, iw), x),
            weight: from_vec_exact(weight.raw_dim(), w.clone()),
            bias: bias.map(Array1::from_vec),
            padded_input: from_vec_exact((n, cin, hp, wp), padded),
            halo_source: halo,
            columns: from_vec_exact((n, rows, l), columns),
            weight_matrix: from_vec_exact((cout, k), w),
            product: from_vec_exact((n, cout, l), product),
            output: from_vec_exact((n, cout, ho, wo), output),
        })
    }
}
