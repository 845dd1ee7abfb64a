//! Padding by `padding_mode`, and where each cell of the padded input came from.

use crate::params::PaddingMode;
use crate::tensor::{flat, from_vec_exact};
use ndarray::{Array2, Array4, ArrayView4};

/// The input index that padded index `p` (counted from the start of the padded axis) reads,
/// for an axis of `n` input cells with `before` cells of padding in front, or `None` for a
/// zero of padding.
///
/// ```text
/// n = 4, before = 2:   padded index  0  1 | 2  3  4  5 | 6  7
/// zeros                              -  - | 0  1  2  3 | -  -
/// reflect                            2  1 | 0  1  2  3 | 2  1
/// replicate                          0  0 | 0  1  2  3 | 3  3
/// circular                           2  3 | 0  1  2  3 | 0  1
/// ```
///
/// Requires `n ≥ 1` (and, for reflect, `n ≥ 2` whenever `p` is in the halo — the argument
/// checks guarantee both).
///
/// ```
/// use convviz::{pad::source_index, params::PaddingMode};
/// assert_eq!(source_index(0, 4, 2, PaddingMode::Reflect), Some(2));
/// assert_eq!(source_index(7, 4, 2, PaddingMode::Circular), Some(1));
/// assert_eq!(source_index(0, 4, 2, PaddingMode::Zeros), None);
/// ```
pub fn source_index(p: usize, n: usize, before: usize, mode: PaddingMode) -> Option<usize> {
    let q = p as i64 - before as i64;
    let n_i = n as i64;
    if (0..n_i).contains(&q) {
        return Some(q as usize);
    }
    let s = match mode {
        PaddingMode::Zeros => return None,
        PaddingMode::Replicate => q.clamp(0, n_i - 1),
        PaddingMode::Circular => q.rem_euclid(n_i),
        PaddingMode::Reflect => {
            if n_i == 1 {
                0
            } else {
                // Reflection about the edges has period 2(n−1).
                let period = 2 * (n_i - 1);
                let r = q.rem_euclid(period);
                if r < n_i {
                    r
                } else {
                    period - r
                }
            }
        }
    };
    Some(s as usize)
}

/// For every padded cell `(ph, pw)`, the input cell `(ih, iw)` it holds, or `(-1, -1)` for a
/// zero of padding: an array of shape `(Hp, Wp, 2)` flattened as `(Hp, Wp·2)`.
pub fn halo_source(
    input: [usize; 2],
    pad_before: [usize; 2],
    padded: [usize; 2],
    mode: PaddingMode,
) -> Array2<i32> {
    let [rows, cols] = sources(input, pad_before, padded, mode);
    let mut out = vec![-1i32; padded[0] * padded[1] * 2];
    for (row, r) in out.chunks_exact_mut((padded[1] * 2).max(1)).zip(&rows) {
        let Some(r) = *r else { continue };
        for (cell, c) in row.chunks_exact_mut(2).zip(&cols) {
            if let Some(c) = *c {
                cell[0] = r as i32;
                cell[1] = c as i32;
            }
        }
    }
    from_vec_exact((padded[0], padded[1] * 2), out)
}

/// [`source_index`] of every padded row and of every padded column.
fn sources(
    input: [usize; 2],
    pad_before: [usize; 2],
    padded: [usize; 2],
    mode: PaddingMode,
) -> [Vec<Option<usize>>; 2] {
    let axis = |d: usize| {
        (0..padded[d])
            .map(|p| source_index(p, input[d], pad_before[d], mode))
            .collect()
    };
    // Not `[0, 1].map(axis)`: array::map compiles to 650 bytes of wasm here.
    [axis(0), axis(1)]
}

/// [`pad`] over row-major data: `x` holds `planes` planes of `input` (H × W) values, the
/// result as many planes of `padded` values.
pub(crate) fn pad_planes(
    x: &[f32],
    planes: usize,
    input: [usize; 2],
    pad_before: [usize; 2],
    padded: [usize; 2],
    mode: PaddingMode,
) -> Vec<f32> {
    let [rows, cols] = sources(input, pad_before, padded, mode);
    let mut out = vec![0.0; planes * padded[0] * padded[1]];
    for (dst, src) in out
        .chunks_exact_mut((padded[0] * padded[1]).max(1))
        .zip(x.chunks_exact((input[0] * input[1]).max(1)))
    {
        for (drow, r) in dst.chunks_exact_mut(padded[1].max(1)).zip(&rows) {
            let Some(r) = *r else { continue };
            let srow = &src[r * input[1]..][..input[1]];
            for (d, c) in drow.iter_mut().zip(&cols) {
                if let Some(c) = *c {
                    *d = srow[c];
                }
            }
        }
    }
    out
}

/// Pad every (n, c) plane of `input` to `padded` by `mode`, `pad_before` rows/columns on the
/// top/left.
pub fn pad(
    input: ArrayView4<f32>,
    pad_before: [usize; 2],
    padded: [usize; 2],
    mode: PaddingMode,
) -> Array4<f32> {
    let (n, c, h, w) = input.dim();
    let out = pad_planes(&flat(&input), n * c, [h, w], pad_before, padded, mode);
    from_vec_exact((n, c, padded[0], padded[1]), out)
}
