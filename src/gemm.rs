//! The matrix products every path uses.
//!
//! [`matmul_into`] is the fast one: `matrixmultiply`'s packed, register-blocked sgemm, which on
//! `wasm32` with `+simd128` (see `.cargo/config.toml`) runs its SIMD128 8×8 micro-kernel.
//! [`matmul_ordered_into`] sums each dot product strictly in `k` order, so that the animation's
//! running sums (see [`crate::steps`]) reproduce its entries bit for bit; the traces, which
//! are for teaching sizes, use it.

use ndarray::{linalg::general_mat_mul, ArrayView2, ArrayViewMut2};

/// `c = a · b` with the fast SIMD sgemm. Shapes: a (m, k), b (k, n), c (m, n).
///
/// **Panics** if the shapes do not agree (callers build them from validated geometry).
pub fn matmul_into(a: ArrayView2<f32>, b: ArrayView2<f32>, c: &mut ArrayViewMut2<f32>) {
    general_mat_mul(1.0, &a, &b, 0.0, c);
}

/// `c = a · b`, every entry summed in order `k = 0, 1, …` in `f32` (no reassociation):
/// `c[i, j] = ((0 + a[i,0]·b[0,j]) + a[i,1]·b[1,j]) + …`.
///
/// **Panics** if the shapes do not agree.
pub fn matmul_ordered_into(a: ArrayView2<f32>, b: ArrayView2<f32>, c: &mut ArrayViewMut2<f32>) {
    let (m, k) = a.dim();
    let n = b.ncols();
    assert_eq!(b.nrows(), k, "inner dimensions differ");
    assert_eq!(c.dim(), (m, n), "output shape differs");
    c.fill(0.0);
    for i in 0..m {
        let mut crow = c.row_mut(i);
        for kk in 0..k {
            let aik = a[[i, kk]];
            let brow = b.row(kk);
            // Row-wise accumulation keeps k order per entry and vectorises over j.
            crow.zip_mut_with(&brow, |acc, &bv| *acc += aik * bv);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Array2;

    #[test]
    fn fast_and_ordered_agree_with_naive() {
        let a = Array2::from_shape_fn((7, 13), |(i, j)| ((i * 13 + j) % 5) as f32 - 2.0);
        let b = Array2::from_shape_fn((13, 9), |(i, j)| ((i * 3 + j * 7) % 11) as f32 * 0.5);
        let mut fast = Array2::zeros((7, 9));
        let mut ord = Array2::zeros((7, 9));
        matmul_into(a.view(), b.view(), &mut fast.view_mut());
        matmul_ordered_into(a.view(), b.view(), &mut ord.view_mut());
        for i in 0..7 {
            for j in 0..9 {
                let naive: f32 = (0..13).map(|k| a[[i, k]] * b[[k, j]]).sum();
                assert_eq!(fast[[i, j]], naive);
                assert_eq!(ord[[i, j]], naive);
            }
        }
    }
}
