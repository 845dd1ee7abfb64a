//! im2col (`F.unfold`) and col2im (`F.fold`), and how many blocks overlap each cell.
//!
//! The columns matrix of an image with C channels, a kh × kw kernel and L = H_out·W_out block
//! positions has one row per (channel, kernel cell) and one column per block position:
//!
//! ```text
//!                      column l = oh·W_out + ow  (one kernel position)
//!                      l=0      l=1     …   l=L−1
//! row (c·kh + i)·kw + j ┌────────────────────────────┐
//!   c=0 i=0 j=0         │ x[0, s·0+d·0, s·0+d·0]  …  │  ← every value the kernel cell
//!   c=0 i=0 j=1         │ x[0, 0,       d]        …  │    (i, j) of channel c sees,
//!   …                   │                            │    one per position
//!   c=C−1 i=kh−1 j=kw−1 └────────────────────────────┘
//!                       ↑ column l is the patch under the kernel at position l, flattened
//!
//! columns[(c·kh + i)·kw + j, oh·W_out + ow] = padded[c, oh·sh + i·dh, ow·sw + j·dw]
//! ```
//!
//! A convolution is then `weight.reshape(C_out, C·kh·kw) @ columns`; fold is the adjoint
//! scatter-add, summing every entry back onto the cell it came from.

use crate::error::{Error, Result};
use crate::params::{Pair, UnfoldGeometry, UnfoldOptions};
use crate::tensor::{check_finite, checked_len, flat, from_vec_exact};
use ndarray::{Array2, Array3, Array4, ArrayView2, ArrayView3, ArrayView4, ArrayViewMut3};

/// im2col of one image whose padding is already applied, over row-major data: `padded` holds
/// C planes of `size` = (Hp, Wp) values, `out` (C·kh·kw) × (H_out·W_out) values.
pub(crate) fn im2col_into(
    padded: &[f32],
    size: [usize; 2],
    kernel: [usize; 2],
    dilation: [usize; 2],
    stride: [usize; 2],
    output: [usize; 2],
    out: &mut [f32],
) {
    let [kh, kw] = kernel;
    let [ho, wo] = output;
    let (l, plane) = (ho * wo, size[0] * size[1]);
    for (r, dst) in out.chunks_exact_mut(l.max(1)).enumerate() {
        let (ch, i, j) = (r / (kh * kw), r / kw % kh, r % kw);
        for (oh, drow) in dst.chunks_exact_mut(wo.max(1)).enumerate() {
            let ph = oh * stride[0] + i * dilation[0];
            let src = &padded[ch * plane + ph * size[1] + j * dilation[1]..];
            for (ow, d) in drow.iter_mut().enumerate() {
                *d = src[ow * stride[1]];
            }
        }
    }
}

/// im2col of one padded image: (C, Hp, Wp) → (C·kh·kw, H_out·W_out).
pub fn im2col(
    padded: ArrayView3<f32>,
    kernel: [usize; 2],
    dilation: [usize; 2],
    stride: [usize; 2],
    output: [usize; 2],
) -> Array2<f32> {
    let (c, hp, wp) = padded.dim();
    let mut out = vec![0.0; c * kernel[0] * kernel[1] * output[0] * output[1]];
    im2col_into(
        &crate::tensor::flat(&padded),
        [hp, wp],
        kernel,
        dilation,
        stride,
        output,
        &mut out,
    );
    from_vec_exact((c * kernel[0] * kernel[1], output[0] * output[1]), out)
}

/// col2im: scatter-add `cols` (C·kh·kw, bh·bw) onto `image` (C, H, W), block (bh_i, bw_i) at
/// top-left `(bh_i·sh − ph, bw_i·sw − pw)`; entries landing outside the image are dropped
/// (they fall on padding).
#[allow(clippy::too_many_arguments)]
pub fn col2im_add(
    cols: ArrayView2<f32>,
    blocks: [usize; 2],
    kernel: [usize; 2],
    dilation: [usize; 2],
    padding: [usize; 2],
    stride: [usize; 2],
    mut image: ArrayViewMut3<f32>,
) {
    let (_, h, w) = image.dim();
    let [kh, kw] = kernel;
    let (Some(src), Some(img)) = (cols.as_slice(), image.as_slice_mut()) else {
        // Not both contiguous (no caller does this): entry by entry.
        for ((r, l), &v) in cols.indexed_iter() {
            let (ch, i, j) = (r / (kh * kw), r / kw % kh, r % kw);
            let (bi, bj) = (l / blocks[1], l % blocks[1]);
            let y = (bi * stride[0] + i * dilation[0]).checked_sub(padding[0]);
            let x = (bj * stride[1] + j * dilation[1]).checked_sub(padding[1]);
            if let (Some(y), Some(x)) = (y.filter(|&y| y < h), x.filter(|&x| x < w)) {
                image[[ch, y, x]] += v;
            }
        }
        return;
    };
    col2im_into(src, blocks, kernel, dilation, padding, stride, [h, w], img);
}

/// [`col2im_add`] over row-major data: `src` holds (C·kh·kw) × (bh·bw) values, `img` C planes
/// of `image` = (H, W) values.
#[allow(clippy::too_many_arguments)]
pub(crate) fn col2im_into(
    src: &[f32],
    blocks: [usize; 2],
    kernel: [usize; 2],
    dilation: [usize; 2],
    padding: [usize; 2],
    stride: [usize; 2],
    image: [usize; 2],
    img: &mut [f32],
) {
    let [kh, kw] = kernel;
    let [h, w] = image;
    let c = img.len() / (h * w).max(1);
    let l = blocks[0] * blocks[1];
    for ch in 0..c {
        for i in 0..kh {
            let rows = inside(blocks[0], i * dilation[0], padding[0], stride[0], h);
            for j in 0..kw {
                let row = &src[((ch * kh + i) * kw + j) * l..][..l];
                let bjs = inside(blocks[1], j * dilation[1], padding[1], stride[1], w);
                if bjs.is_empty() {
                    continue;
                }
                let x0 = bjs.start * stride[1] + j * dilation[1] - padding[1];
                for bi in rows.clone() {
                    let y = bi * stride[0] + i * dilation[0] - padding[0];
                    let dst = img[(ch * h + y) * w + x0..].iter_mut().step_by(stride[1]);
                    let from = &row[bi * blocks[1]..][bjs.clone()];
                    for (d, v) in dst.zip(from) {
                        *d += v;
                    }
                }
            }
        }
    }
}

/// The blocks `b < blocks` whose tap lands inside `0 .. len`: `0 ≤ b·stride + offset − pad < len`.
fn inside(
    blocks: usize,
    offset: usize,
    pad: usize,
    stride: usize,
    len: usize,
) -> std::ops::Range<usize> {
    let lo = pad.saturating_sub(offset).div_ceil(stride);
    let hi = if len + pad > offset {
        ((len + pad - offset - 1) / stride + 1).min(blocks)
    } else {
        0
    };
    lo..hi.max(lo)
}

/// How many kernel taps of how many blocks land on each cell of an `image`-sized grid: the
/// overlap count that fold multiplies by (`fold(unfold(x)) = x ⊙ count`).
pub fn overlap_counts(
    image: [usize; 2],
    blocks: [usize; 2],
    kernel: [usize; 2],
    dilation: [usize; 2],
    padding: [usize; 2],
    stride: [usize; 2],
) -> Array2<i32> {
    let mut count = vec![0i32; image[0] * image[1]];
    for bi in 0..blocks[0] {
        for i in 0..kernel[0] {
            let y = (bi * stride[0] + i * dilation[0]) as isize - padding[0] as isize;
            if y < 0 || y as usize >= image[0] {
                continue;
            }
            for bj in 0..blocks[1] {
                for j in 0..kernel[1] {
                    let x = (bj * stride[1] + j * dilation[1]) as isize - padding[1] as isize;
                    if x >= 0 && (x as usize) < image[1] {
                        count[y as usize * image[1] + x as usize] += 1;
                    }
                }
            }
        }
    }
    from_vec_exact((image[0], image[1]), count)
}

/// `F.unfold(input, kernel_size, dilation, padding, stride)`: (N, C, H, W) → (N, C·kh·kw, L),
/// zero padding.
///
/// # Errors
/// Non-positive kernel_size/dilation/stride, negative padding, no block position, or a result
/// over the element cap.
///
/// ```
/// use convviz::{params::UnfoldOptions, unfold::unfold};
/// let x = ndarray::Array4::<f32>::ones((1, 3, 5, 5));
/// let opts = UnfoldOptions { kernel_size: [3, 3], dilation: [1, 1], padding: [0, 0], stride: [1, 1] };
/// assert_eq!(unfold(x.view(), &opts).unwrap().dim(), (1, 27, 9));
/// ```
pub fn unfold(input: ArrayView4<f32>, opts: &UnfoldOptions) -> Result<Array3<f32>> {
    let x = flat(&input);
    check_finite("input", &x)?;
    let (n, c, h, w) = input.dim();
    let g = UnfoldGeometry::new([h as i64, w as i64], opts, "input")?;
    let (rows, l) = (c * g.kernel[0] * g.kernel[1], g.positions());
    checked_len("input", &[n, rows, l])?;
    let padded_size = [h + 2 * g.padding[0], w + 2 * g.padding[1]];
    checked_len("padding", &[c, padded_size[0], padded_size[1]])?;
    let mut out = vec![0.0; n * rows * l];
    let image = c * h * w;
    for (b, dst) in out.chunks_exact_mut((rows * l).max(1)).enumerate() {
        let padded = crate::pad::pad_planes(
            &x[b * image..][..image],
            c,
            [h, w],
            g.padding,
            padded_size,
            crate::params::PaddingMode::Zeros,
        );
        im2col_into(
            &padded,
            padded_size,
            g.kernel,
            g.dilation,
            g.stride,
            g.blocks,
            dst,
        );
    }
    Ok(from_vec_exact((n, rows, l), out))
}

/// `F.fold(input, output_size, kernel_size, dilation, padding, stride)`:
/// (N, C·kh·kw, L) → (N, C, H, W), summing overlapping entries.
///
/// # Errors
/// As [`unfold`], plus: `input.shape[1]` not divisible by kh·kw, or L not equal to the number
/// of block positions that `output_size` and the other arguments give.
pub fn fold(
    input: ArrayView3<f32>,
    output_size: Pair,
    opts: &UnfoldOptions,
) -> Result<Array4<f32>> {
    let x = flat(&input);
    check_finite("input", &x)?;
    let (n, rows, l) = input.dim();
    let g = UnfoldGeometry::new(output_size, opts, "output_size")?;
    let area = g.kernel[0] * g.kernel[1];
    if rows % area != 0 {
        return Err(Error::shape(
            "kernel_size",
            format!(
                "Expected size of input's dimension 1 to be divisible by the product of kernel_size, but got input.size(1)={rows} and kernel_size=({}, {}).",
                g.kernel[0], g.kernel[1]
            ),
        ));
    }
    if l != g.positions() {
        return Err(Error::shape(
            "output_size",
            format!(
                "Given output_size=({}, {}), kernel_size=({}, {}), dilation=({}, {}), padding=({}, {}), stride=({}, {}), expected size of input's dimension 2 to match the calculated number of sliding blocks {} * {} = {}, but got input.size(2)={l}.",
                g.image[0], g.image[1], g.kernel[0], g.kernel[1], g.dilation[0], g.dilation[1],
                g.padding[0], g.padding[1], g.stride[0], g.stride[1], g.blocks[0], g.blocks[1], g.positions()
            ),
        ));
    }
    let c = rows / area;
    checked_len("output_size", &[n, c, g.image[0], g.image[1]])?;
    let image = c * g.image[0] * g.image[1];
    let mut out = vec![0.0; n * image];
    for b in 0..n {
        col2im_into(
            &x[b * rows * l..][..rows * l],
            g.blocks,
            g.kernel,
            g.dilation,
            g.padding,
            g.stride,
            g.image,
            &mut out[b * image..][..image],
        );
    }
    Ok(from_vec_exact((n, c, g.image[0], g.image[1]), out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{s, Array2, Array3};

    /// col2im by its definition, one entry at a time.
    fn col2im_naive(
        cols: &Array2<f32>,
        blocks: [usize; 2],
        [kh, kw]: [usize; 2],
        [dh, dw]: [usize; 2],
        [ph, pw]: [usize; 2],
        [sh, sw]: [usize; 2],
        image: &mut Array3<f32>,
    ) {
        let (c, h, w) = image.dim();
        for ch in 0..c {
            for i in 0..kh {
                for j in 0..kw {
                    for bi in 0..blocks[0] {
                        for bj in 0..blocks[1] {
                            let y = (bi * sh + i * dh) as isize - ph as isize;
                            let x = (bj * sw + j * dw) as isize - pw as isize;
                            if (0..h as isize).contains(&y) && (0..w as isize).contains(&x) {
                                image[[ch, y as usize, x as usize]] +=
                                    cols[[(ch * kh + i) * kw + j, bi * blocks[1] + bj]];
                            }
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn col2im_add_matches_its_definition() {
        // Every combination of small sizes, including padding wider than the kernel's reach
        // (taps that land nowhere) and blocks past the image's edge.
        let mut cases = 0;
        for (h, w) in [(1, 1), (3, 5), (6, 4)] {
            for (kh, kw) in [(1, 1), (2, 3), (3, 2)] {
                for (dh, dw) in [(1, 1), (2, 3)] {
                    for (ph, pw) in [(0, 0), (1, 2), (4, 5)] {
                        for (sh, sw) in [(1, 1), (2, 3), (3, 1)] {
                            let blocks = [4, 3];
                            let c = 2;
                            let cols = Array2::from_shape_fn(
                                (c * kh * kw, blocks[0] * blocks[1]),
                                |(r, l)| (r * 7 + l * 3) as f32 * 0.25 - 1.0,
                            );
                            let args = ([kh, kw], [dh, dw], [ph, pw], [sh, sw]);
                            let mut want = Array3::from_elem((c, h, w), 0.5);
                            col2im_naive(&cols, blocks, args.0, args.1, args.2, args.3, &mut want);
                            let mut got = Array3::from_elem((c, h, w), 0.5);
                            col2im_add(
                                cols.view(),
                                blocks,
                                args.0,
                                args.1,
                                args.2,
                                args.3,
                                got.view_mut(),
                            );
                            assert_eq!(got, want, "{args:?} on {h}×{w}");
                            // A non-contiguous image (every other column of a wider one) and
                            // transposed columns take the fallback paths.
                            let mut wide = Array3::from_elem((c, h, 2 * w), 0.5);
                            let cols_t = cols.t().to_owned();
                            col2im_add(
                                cols_t.t(),
                                blocks,
                                args.0,
                                args.1,
                                args.2,
                                args.3,
                                wide.slice_mut(s![.., .., ..;2]),
                            );
                            assert_eq!(wide.slice(s![.., .., ..;2]), want);
                            assert!(wide.slice(s![.., .., 1..;2]).iter().all(|&v| v == 0.5));
                            cases += 1;
                        }
                    }
                }
            }
        }
        assert_eq!(cases, 3 * 3 * 2 * 3 * 3);
    }
}
