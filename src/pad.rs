//! Padding by `padding_mode`, and where each cell of the padded input came from.

use crate::params::PaddingMode;
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
    let rows: Vec<Option<usize>> = (0..padded[0])
        .map(|p| source_index(p, input[0], pad_before[0], mode))
        .collect();
    let cols: Vec<Option<usize>> = (0..padded[1])
        .map(|p| source_index(p, input[1], pad_before[1], mode))
        .collect();
    let mut out = Array2::from_elem((padded[0], padded[1] * 2), -1i32);
    for (ph, r) in rows.iter().enumerate() {
        for (pw, c) in cols.iter().enumerate() {
            if let (Some(r), Some(c)) = (r, c) {
                out[[ph, 2 * pw]] = *r as i32;
                out[[ph, 2 * pw + 1]] = *c as i32;
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
    let rows: Vec<Option<usize>> = (0..padded[0])
        .map(|p| source_index(p, h, pad_before[0], mode))
        .collect();
    let cols: Vec<Option<usize>> = (0..padded[1])
        .map(|p| source_index(p, w, pad_before[1], mode))
        .collect();
    let mut out = Array4::<f32>::zeros((n, c, padded[0], padded[1]));
    for b in 0..n {
        for ch in 0..c {
            let src = input.slice(ndarray::s![b, ch, .., ..]);
            let mut dst = out.slice_mut(ndarray::s![b, ch, .., ..]);
            for (ph, r) in rows.iter().enumerate() {
                let Some(r) = *r else { continue };
                for (pw, col) in cols.iter().enumerate() {
                    if let Some(col) = *col {
                        dst[[ph, pw]] = src[[r, col]];
                    }
                }
            }
        }
    }
    out
}
