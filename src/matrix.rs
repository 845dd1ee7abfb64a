//! The convolution as a matrix: for one (input channel, output channel) pair, the sparse
//! matrix `C` (H_out·W_out × H·W) with `y = C·x`.
//!
//! ```text
//! 4×4 input, 3×3 kernel k, stride 1, no padding → C is 4 × 16:
//! row 0  (out 0,0):  k00 k01 k02  0 | k10 k11 k12  0 | k20 k21 k22  0 |  0   0   0   0
//! row 1  (out 0,1):   0  k00 k01 k02|  0  k10 k11 k12|  0  k20 k21 k22|  0   0   0   0
//! …
//! ```
//! Multiplying by `Cᵀ` is the transposed convolution with the same settings (for zero padding).

use crate::error::Result;
use crate::pad::source_index;
use crate::params::{Conv2dGeometry, Conv2dOptions};
use crate::tensor::checked_len;
use ndarray::{Array2, ArrayView2};

/// The matrix `C` of shape (H_out·W_out, H·W) such that the flattened output of a one-channel
/// convolution of an H × W input with `kernel` is `C · x`. Padding of any `padding_mode` folds
/// into `C` (a reflected cell adds its weight to the column of the cell it copies).
///
/// # Errors
/// Everything [`Conv2dGeometry::new`] rejects, and a matrix over the element cap.
///
/// ```
/// use convviz::{matrix::conv_matrix, params::Conv2dOptions};
/// let k = ndarray::arr2(&[[1.0f32, 2.0], [3.0, 4.0]]);
/// let c = conv_matrix([3, 3], k.view(), &Conv2dOptions::default()).unwrap();
/// assert_eq!(c.dim(), (4, 9));
/// assert_eq!(c.row(0).to_vec(), vec![1.0, 2.0, 0.0, 3.0, 4.0, 0.0, 0.0, 0.0, 0.0]);
/// ```
pub fn conv_matrix(
    input: [usize; 2],
    kernel: ArrayView2<f32>,
    opts: &Conv2dOptions,
) -> Result<Array2<f32>> {
    crate::tensor::check_view_finite("kernel", &kernel)?;
    let (kh, kw) = kernel.dim();
    let g = Conv2dGeometry::new([1, 1, input[0], input[1]], [1, 1, kh, kw], opts)?;
    let (rows, cols) = (g.positions(), input[0] * input[1]);
    checked_len("input", &[rows, cols])?;
    let mut c = Array2::<f32>::zeros((rows, cols));
    for oh in 0..g.output[0] {
        for ow in 0..g.output[1] {
            let o = oh * g.output[1] + ow;
            for i in 0..kh {
                let ph = oh * g.stride[0] + i * g.dilation[0];
                let Some(ih) = source_index(ph, input[0], g.pad_before[0], g.padding_mode) else {
                    continue;
                };
                for j in 0..kw {
                    let pw = ow * g.stride[1] + j * g.dilation[1];
                    if let Some(iw) = source_index(pw, input[1], g.pad_before[1], g.padding_mode) {
                        c[[o, ih * input[1] + iw]] += kernel[[i, j]];
                    }
                }
            }
        }
    }
    Ok(c)
}
