//! `F.max_pool2d` (with PyTorch's indices) and `F.avg_pool2d`, and what one output cell's
//! window holds, for the page.
//!
//! Windows are laid out as a convolution's: output cell `(oh, ow)` looks at input rows
//! `oh·stride_h − padding_h + i·dilation_h` for `i < kernel_h` (columns alike). What differs:
//!
//! ```text
//! 5×5 input, kernel 2, stride 2, ceil_mode:      columns  0 1 | 2 3 | 4 ·
//!   floor: ⌊(5 − 2)/2⌋ + 1 = 2 windows                    [w0 ] [w1 ] [w2  ]
//!   ceil:  ⌈(5 − 2)/2⌉ + 1 = 3 windows, the last hanging off the right edge (kept: it
//!          starts inside the input; one that would start in the right padding is dropped)
//! ```
//!
//! * max: padding counts as −∞ (never read); the first maximum in row-major window order
//!   wins; a NaN is always taken (so the last NaN of a window is its maximum, as PyTorch's CPU
//!   kernel does). The index is the flat `h·W + w` into the unpadded H×W plane.
//! * avg: the sum over the input cells of the window divided by `divisor_override` if given,
//!   else by the window clipped to the padded input (`count_include_pad`) or to the input.

use crate::error::{Error, ErrorKind, Result};
use crate::params::Pair;
use crate::tensor::{check_work, checked_len, flat, from_vec_exact};
use ndarray::{Array4, ArrayView4};

/// The arguments of `F.max_pool2d` besides the input (`return_indices` is the choice between
/// [`max_pool2d`] and [`max_pool2d_with_indices`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MaxPool2dOptions {
    /// `kernel_size`.
    pub kernel_size: Pair,
    /// `stride`; `None` (the default) is `kernel_size`.
    pub stride: Option<Pair>,
    /// `padding`, default (0, 0): implicit −∞ on each side, at most half the effective kernel.
    pub padding: Pair,
    /// `dilation`, default (1, 1).
    pub dilation: Pair,
    /// `ceil_mode`, default false.
    pub ceil_mode: bool,
}

impl MaxPool2dOptions {
    /// PyTorch's defaults for a given `kernel_size`.
    pub fn new(kernel_size: Pair) -> Self {
        MaxPool2dOptions {
            kernel_size,
            stride: None,
            padding: [0, 0],
            dilation: [1, 1],
            ceil_mode: false,
        }
    }

    /// Validate the arguments for an input of shape (N, C, H, W), as PyTorch does.
    ///
    /// # Errors
    /// See [`Pool2dGeometry::new`].
    pub fn geometry(&self, input: [usize; 4]) -> Result<Pool2dGeometry> {
        Pool2dGeometry::new(
            input,
            self.kernel_size,
            self.stride,
            self.padding,
            self.dilation,
            self.ceil_mode,
        )
    }
}

/// The arguments of `F.avg_pool2d` besides the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AvgPool2dOptions {
    /// `kernel_size`.
    pub kernel_size: Pair,
    /// `stride`; `None` (the default) is `kernel_size`.
    pub stride: Option<Pair>,
    /// `padding`, default (0, 0): implicit zeros on each side, at most half the kernel.
    pub padding: Pair,
    /// `ceil_mode`, default false.
    pub ceil_mode: bool,
    /// `count_include_pad`, default true: padding cells count in the divisor.
    pub count_include_pad: bool,
    /// `divisor_override`, default `None`: when given, the divisor of every window.
    pub divisor_override: Option<i64>,
}

impl AvgPool2dOptions {
    /// PyTorch's defaults for a given `kernel_size`.
    pub fn new(kernel_size: Pair) -> Self {
        AvgPool2dOptions {
            kernel_size,
            stride: None,
            padding: [0, 0],
            ceil_mode: false,
            count_include_pad: true,
            divisor_override: None,
        }
    }

    /// Validate the arguments for an input of shape (N, C, H, W), as PyTorch does.
    ///
    /// # Errors
    /// `divisor_override` of 0 (`divisor must be not zero`), then as [`Pool2dGeometry::new`]
    /// with dilation 1.
    pub fn geometry(&self, input: [usize; 4]) -> Result<Pool2dGeometry> {
        if self.divisor_override == Some(0) {
            return Err(Error::value("divisor_override", "divisor must be not zero"));
        }
        Pool2dGeometry::new(
            input,
            self.kernel_size,
            self.stride,
            self.padding,
            [1, 1],
            self.ceil_mode,
        )
    }

    /// The divisor of output cell `(oh, ow)` of `g` (from [`AvgPool2dOptions::geometry`]):
    /// `divisor_override`, or the number of cells of the window inside the padded input
    /// (`count_include_pad`) or inside the input.
    ///
    /// ```text
    /// 4 × 4 input, kernel 3, padding 1, stride 2, ceil_mode → 3 × 3 windows
    ///          col −1 0 1 2 3 4        window (0, 0): rows/cols −1..=1
    ///   row −1   p  p p p p p            count_include_pad: 9, else 4
    ///   row 0    p  x x x x p          window (2, 2): rows/cols 3..=5, clipped to the
    ///   …                                padded input: 3..=4 → 4 cells, else 1 (cell (3, 3))
    /// ```
    pub fn divisor(&self, g: &Pool2dGeometry, out: [usize; 2]) -> i64 {
        if let Some(d) = self.divisor_override {
            return d;
        }
        let span = |d: usize| {
            let start = g.window_start(d, out[d]);
            let end = (start + g.kernel[d] as i64).min((g.input[d] + g.padding[d]) as i64);
            if self.count_include_pad {
                end - start
            } else {
                end.min(g.input[d] as i64) - start.max(0)
            }
        };
        span(0).max(0) * span(1).max(0)
    }
}

/// Output length of a pooling along one dimension (PyTorch's `pooling_output_shape`):
///
/// ```text
/// floor: out = ⌊(in + 2·pad − dilation·(kernel − 1) − 1) / stride⌋ + 1
/// ceil:  out = ⌈(in + 2·pad − dilation·(kernel − 1) − 1) / stride⌉ + 1,
///        minus 1 if the last window would start in the right padding: (out − 1)·stride ≥ in + pad
/// ```
///
/// May be zero or negative (PyTorch then refuses); computed in `i128` so it never overflows.
/// `stride` must be positive.
///
/// ```
/// use convviz::pool::pool_output_len;
/// assert_eq!(pool_output_len(5, 2, 0, 2, 1, false), 2);
/// assert_eq!(pool_output_len(5, 2, 0, 2, 1, true), 3); // the last window hangs off the edge
/// assert_eq!(pool_output_len(5, 2, 1, 2, 1, true), 3); // a 4th would start in the padding
/// assert_eq!(pool_output_len(4, 6, 0, 6, 1, false), 0);
/// ```
pub fn pool_output_len(
    input: i64,
    kernel: i64,
    pad: i64,
    stride: i64,
    dilation: i64,
    ceil_mode: bool,
) -> i128 {
    let (input, kernel, pad, stride, dilation) = (
        input as i128,
        kernel as i128,
        pad as i128,
        (stride as i128).max(1),
        dilation as i128,
    );
    let span =
        input + 2 * pad - dilation * (kernel - 1) - 1 + if ceil_mode { stride - 1 } else { 0 };
    let mut out = span.div_euclid(stride) + 1;
    if ceil_mode && (out - 1) * stride >= input + pad {
        out -= 1;
    }
    out
}

/// Every size of a validated pooling call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pool2dGeometry {
    /// N.
    pub batch: usize,
    /// C.
    pub channels: usize,
    /// (H, W) of the input.
    pub input: [usize; 2],
    /// kernel_size.
    pub kernel: [usize; 2],
    /// stride (kernel_size when not given).
    pub stride: [usize; 2],
    /// padding, on each side.
    pub padding: [usize; 2],
    /// dilation (1 for avg_pool2d).
    pub dilation: [usize; 2],
    /// ceil_mode.
    pub ceil_mode: bool,
    /// (H_out, W_out).
    pub output: [usize; 2],
}

/// `"[a, b]"` of a pair, for messages.
fn pair_text(v: Pair) -> String {
    crate::error::list(&v)
}

impl Pool2dGeometry {
    /// Validate pooling arguments for an input of shape (N, C, H, W), in PyTorch's order and
    /// words (`pooling_output_shape`, then `pool2d_shape_check`).
    ///
    /// # Errors
    /// Naming `stride`: zero (`stride should not be zero`) or negative; `padding`: negative
    /// or more than half the effective kernel `dilation·(kernel − 1) + 1`; `kernel_size`:
    /// not positive, or no output at all (`Output size is too small`); `dilation`: not
    /// positive; `input`: C, H or W of 0 (N may be 0); any size over the element cap.
    ///
    /// ```
    /// use convviz::pool::Pool2dGeometry;
    /// let g = Pool2dGeometry::new([1, 1, 5, 5], [2, 2], None, [0, 0], [1, 1], true).unwrap();
    /// assert_eq!((g.stride, g.output), ([2, 2], [3, 3]));
    /// let e = Pool2dGeometry::new([1, 1, 5, 5], [2, 2], None, [2, 0], [1, 1], false).unwrap_err();
    /// assert_eq!(e.arg(), "padding");
    /// assert!(e.message().starts_with("pad should be at most half of effective kernel size"));
    /// ```
    pub fn new(
        input: [usize; 4],
        kernel_size: Pair,
        stride: Option<Pair>,
        padding: Pair,
        dilation: Pair,
        ceil_mode: bool,
    ) -> Result<Self> {
        let [batch, channels, h, w] = input;
        let stride = stride.unwrap_or(kernel_size);
        let spatial = [h, w];
        // pooling_output_shape, height then width.
        let mut out = [0i128; 2];
        for d in 0..2 {
            let (k, s, p, dil) = (kernel_size[d], stride[d], padding[d], dilation[d]);
            if s == 0 {
                return Err(Error::value("stride", "stride should not be zero"));
            }
            if p < 0 {
                return Err(Error::value(
                    "padding",
                    format!("pad must be non-negative, but got pad: {p}"),
                ));
            }
            // C++'s division truncates toward zero, as Rust's does.
            let half = ((k as i128 - 1) * dil as i128 + 1) / 2;
            if p as i128 > half {
                return Err(Error::value(
                    "padding",
                    format!(
                        "pad should be at most half of effective kernel size, but got pad={p}, kernel_size={k} and dilation={dil}"
                    ),
                ));
            }
            out[d] = pool_output_len(spatial[d] as i64, k, p, s, dil, ceil_mode);
        }
        // pool2d_shape_check.
        if kernel_size.iter().any(|&k| k <= 0) {
            return Err(Error::value(
                "kernel_size",
                format!(
                    "kernel size should be greater than zero, but got kH: {} kW: {}",
                    kernel_size[0], kernel_size[1]
                ),
            ));
        }
        if stride.iter().any(|&s| s <= 0) {
            return Err(Error::value(
                "stride",
                format!(
                    "stride should be greater than zero, but got dH: {} dW: {}",
                    stride[0], stride[1]
                ),
            ));
        }
        if dilation.iter().any(|&d| d <= 0) {
            return Err(Error::value(
                "dilation",
                format!(
                    "dilation should be greater than zero, but got dilationH: {} dilationW: {}",
                    dilation[0], dilation[1]
                ),
            ));
        }
        if channels == 0 || h == 0 || w == 0 {
            return Err(Error::shape(
                "input",
                format!(
                    "Expected 3D or 4D (batch mode) tensor with optional 0 dim batch size for input, but got: {}",
                    crate::error::list(&input)
                ),
            ));
        }
        if out.iter().any(|&o| o < 1) {
            return Err(Error::new(
                ErrorKind::OutputTooSmall,
                "kernel_size",
                format!(
                    "Given input size: ({channels}x{h}x{w}). Calculated output size: ({channels}x{}x{}). Output size is too small",
                    // Clamped, not wrapped: hostile i64 arguments can take the formula
                    // past i64.
                    out[0].clamp(i64::MIN as i128, i64::MAX as i128) as i64,
                    out[1].clamp(i64::MIN as i128, i64::MAX as i128) as i64
                ),
            ));
        }
        // Valid for PyTorch; past the cap nothing could be computed (and refusing keeps every
        // position below far from overflow).
        let cap = crate::MAX_ELEMENTS as i64;
        for (arg, v) in [
            ("kernel_size", kernel_size),
            ("stride", stride),
            ("padding", padding),
            ("dilation", dilation),
        ] {
            if v.iter().any(|&x| x > cap) {
                return Err(Error::new(
                    ErrorKind::TooLarge,
                    arg,
                    format!(
                        "{} is larger than any tensor under the cap of {cap} elements allows",
                        pair_text(v)
                    ),
                ));
            }
        }
        let size = |v: Pair| [v[0] as usize, v[1] as usize];
        let g = Pool2dGeometry {
            batch,
            channels,
            input: spatial,
            kernel: size(kernel_size),
            stride: size(stride),
            padding: size(padding),
            dilation: size(dilation),
            ceil_mode,
            // At most in + 2·pad (every one ≤ 2^24 here) windows: fits usize.
            output: [out[0] as usize, out[1] as usize],
        };
        checked_len("output", &[batch, channels, g.output[0], g.output[1]])?;
        check_work(
            "input",
            &[
                batch,
                channels,
                g.output[0] * g.output[1],
                g.kernel[0] * g.kernel[1],
            ],
        )?;
        Ok(g)
    }

    /// The first input row (`axis` 0) or column (1) of output index `o`'s window, negative
    /// in the top/left padding: `o·stride − padding`.
    pub fn window_start(&self, axis: usize, o: usize) -> i64 {
        (o * self.stride[axis]) as i64 - self.padding[axis] as i64
    }

    /// What cell `(i, j)` of output cell `out`'s window is: input, padding, or past the padded
    /// input (a `ceil_mode` window hanging off the bottom/right edge); and its row and column.
    fn cell(&self, out: [usize; 2], i: usize, j: usize) -> (CellKind, i64, i64) {
        let r = self.window_start(0, out[0]) + (i * self.dilation[0]) as i64;
        let c = self.window_start(1, out[1]) + (j * self.dilation[1]) as i64;
        let [h, w] = [self.input[0] as i64, self.input[1] as i64];
        let [ph, pw] = [self.padding[0] as i64, self.padding[1] as i64];
        let kind = if (0..h).contains(&r) && (0..w).contains(&c) {
            CellKind::Input
        } else if r < h + ph && c < w + pw {
            CellKind::Padding
        } else {
            CellKind::Outside
        };
        (kind, r, c)
    }
}

/// Check the output cell `at` = (n, c, oh, ow) against the geometry.
fn check_cell(g: &Pool2dGeometry, at: [usize; 4]) -> Result<()> {
    let dims = [g.batch, g.channels, g.output[0], g.output[1]];
    if at.iter().zip(&dims).any(|(&a, &d)| a >= d) {
        return Err(Error::value(
            "cell",
            format!(
                "output cell {} is outside the output of shape {}",
                crate::error::list(&at),
                crate::error::list(&dims)
            ),
        ));
    }
    Ok(())
}

/// PyTorch's max over one window of plane `x` (H × W): the value and its flat index.
///
/// The window's rows run from `h0` in steps of `dh` below `h1` (likewise columns), already
/// clipped to the input by the caller, as PyTorch's `cpu_max_pool` clips them; with no cell at
/// all, the value is −∞ and the index `h0·W + w0`.
fn window_max(
    x: &[f32],
    w: usize,
    rows: (usize, usize, usize),
    cols: (usize, usize, usize),
) -> (f32, i64) {
    let (h0, h1, dh) = rows;
    let (w0, w1, dw) = cols;
    let mut best = f32::NEG_INFINITY;
    let mut index = (h0 * w + w0) as i64;
    for r in (h0..h1).step_by(dh) {
        for c in (w0..w1).step_by(dw) {
            let v = x[r * w + c];
            if v > best || v.is_nan() {
                best = v;
                index = (r * w + c) as i64;
            }
        }
    }
    (best, index)
}

/// The rows (or columns) of output index `o`'s window that lie in the input, as PyTorch's CPU
/// kernel walks them: (first, end, step). The first is stepped past the padding by whole
/// dilations; `first ≥ end` when no cell is in the input.
fn max_span(g: &Pool2dGeometry, axis: usize, o: usize) -> (usize, usize, usize) {
    let d = g.dilation[axis];
    let start = g.window_start(axis, o);
    let end = (start + ((g.kernel[axis] - 1) * d) as i64 + 1).min(g.input[axis] as i64);
    // PyTorch's `while (start < 0) start += dilation`, in one step.
    let d = d.max(1) as i64;
    let first = if start < 0 {
        start + (-start + d - 1) / d * d
    } else {
        start
    };
    (first as usize, end.max(0) as usize, d as usize)
}

/// The output and indices of [`max_pool2d_with_indices`].
#[derive(Debug, Clone, PartialEq)]
pub struct MaxPool2dOutput {
    /// (N, C, H_out, W_out): each window's maximum.
    pub output: Array4<f32>,
    /// (N, C, H_out, W_out): where each maximum is, as the flat index `h·W + w` into the
    /// unpadded H×W plane of its (n, c).
    pub indices: Array4<i64>,
}

/// `F.max_pool2d(input, …, return_indices=True)`: each window's maximum and where it is.
///
/// Ties go to the first maximum in row-major window order; a NaN is always taken; padding
/// never wins (it is −∞).
///
/// # Errors
/// See [`Pool2dGeometry::new`]. NaN/±∞ in the input are allowed, as in PyTorch.
///
/// ```
/// use convviz::pool::{max_pool2d_with_indices, MaxPool2dOptions};
/// use ndarray::{array, Array4};
/// let x = Array4::from_shape_vec((1, 1, 2, 4), vec![1.0, 3.0, 2.0, 2.0,
///                                                   3.0, 0.0, 1.0, 0.0]).unwrap();
/// let r = max_pool2d_with_indices(x.view(), &MaxPool2dOptions::new([2, 2])).unwrap();
/// assert_eq!(r.output, array![[[[3.0, 2.0]]]]);
/// assert_eq!(r.indices, array![[[[1, 2]]]]); // the first 3 and the first 2 win
/// ```
pub fn max_pool2d_with_indices(
    input: ArrayView4<f32>,
    opts: &MaxPool2dOptions,
) -> Result<MaxPool2dOutput> {
    let (n, c, h, w) = input.dim();
    let g = opts.geometry([n, c, h, w])?;
    let [ho, wo] = g.output;
    let x = flat(&input);
    let len = n * c * ho * wo;
    let mut out = Vec::with_capacity(len);
    let mut idx = Vec::with_capacity(len);
    let rows: Vec<_> = (0..ho).map(|o| max_span(&g, 0, o)).collect();
    let cols: Vec<_> = (0..wo).map(|o| max_span(&g, 1, o)).collect();
    for plane in x.chunks_exact(h * w).take(n * c) {
        for &r in &rows {
            for &cl in &cols {
                let (v, i) = window_max(plane, w, r, cl);
                out.push(v);
                idx.push(i);
            }
        }
    }
    Ok(MaxPool2dOutput {
        output: from_vec_exact((n, c, ho, wo), out),
        indices: from_vec_exact((n, c, ho, wo), idx),
    })
}

/// `F.max_pool2d`: each window's maximum (see [`max_pool2d_with_indices`]).
///
/// # Errors
/// See [`Pool2dGeometry::new`].
///
/// ```
/// use convviz::pool::{max_pool2d, MaxPool2dOptions};
/// use ndarray::Array4;
/// let x = Array4::from_shape_fn((1, 1, 4, 4), |(_, _, r, c)| (r * 4 + c) as f32);
/// let y = max_pool2d(x.view(), &MaxPool2dOptions::new([2, 2])).unwrap();
/// assert_eq!(y.into_raw_vec_and_offset().0, vec![5.0, 7.0, 13.0, 15.0]);
/// ```
pub fn max_pool2d(input: ArrayView4<f32>, opts: &MaxPool2dOptions) -> Result<Array4<f32>> {
    max_pool2d_with_indices(input, opts).map(|r| r.output)
}

/// `F.avg_pool2d`: each window's sum over its input cells, divided by the divisor of
/// [`AvgPool2dOptions::divisor`].
///
/// # Errors
/// See [`AvgPool2dOptions::geometry`]. NaN/±∞ in the input are allowed, as in PyTorch.
///
/// ```
/// use convviz::pool::{avg_pool2d, AvgPool2dOptions};
/// use ndarray::Array4;
/// let x = Array4::<f32>::ones((1, 1, 2, 2));
/// let mut opts = AvgPool2dOptions::new([2, 2]);
/// opts.padding = [1, 1];
/// opts.stride = Some([2, 2]);
/// // Four windows, each one input cell among three of padding.
/// let y = avg_pool2d(x.view(), &opts).unwrap();
/// assert!(y.iter().all(|&v| v == 0.25));
/// opts.count_include_pad = false;
/// assert!(avg_pool2d(x.view(), &opts).unwrap().iter().all(|&v| v == 1.0));
/// ```
pub fn avg_pool2d(input: ArrayView4<f32>, opts: &AvgPool2dOptions) -> Result<Array4<f32>> {
    let (n, c, h, w) = input.dim();
    let g = opts.geometry([n, c, h, w])?;
    let [ho, wo] = g.output;
    let x = flat(&input);
    // Per output row / column: the input span (clipped) it sums.
    let span = |axis: usize, o: usize| {
        let start = g.window_start(axis, o);
        let end = (start + g.kernel[axis] as i64).min((g.input[axis] + g.padding[axis]) as i64);
        let lo = start.max(0) as usize;
        let hi = end.min(g.input[axis] as i64).max(0) as usize;
        (lo, hi.max(lo))
    };
    let rows: Vec<_> = (0..ho).map(|o| span(0, o)).collect();
    let cols: Vec<_> = (0..wo).map(|o| span(1, o)).collect();
    let mut divisors = Vec::with_capacity(ho * wo);
    for oh in 0..ho {
        for ow in 0..wo {
            divisors.push(opts.divisor(&g, [oh, ow]) as f32);
        }
    }
    let mut out = Vec::with_capacity(n * c * ho * wo);
    for plane in x.chunks_exact(h * w).take(n * c) {
        let mut d = divisors.iter();
        for &(r0, r1) in &rows {
            for &(c0, c1) in &cols {
                let div = *d.next().unwrap_or(&1.0);
                if r0 >= r1 || c0 >= c1 {
                    out.push(0.0);
                    continue;
                }
                let mut sum = 0.0f32;
                for r in r0..r1 {
                    for v in &plane[r * w + c0..r * w + c1] {
                        sum += v;
                    }
                }
                out.push(sum / div);
            }
        }
    }
    Ok(from_vec_exact((n, c, ho, wo), out))
}

/// What a cell of a pooling window is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CellKind {
    /// A cell of the input.
    Input,
    /// A cell of the padding (−∞ for max, 0 for avg; counted in avg's divisor only with
    /// `count_include_pad`).
    Padding,
    /// Past the padded input: the part of a `ceil_mode` window hanging off the bottom/right
    /// edge. Never read, never counted.
    Outside,
}

impl CellKind {
    /// `"input"`, `"padding"` or `"outside"`.
    pub fn as_str(self) -> &'static str {
        match self {
            CellKind::Input => "input",
            CellKind::Padding => "padding",
            CellKind::Outside => "outside",
        }
    }
}

/// One cell of a pooling window.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WindowCell {
    /// Kernel row.
    pub i: usize,
    /// Kernel column.
    pub j: usize,
    /// Input row (negative in the top padding).
    pub row: i64,
    /// Input column (negative in the left padding).
    pub col: i64,
    /// Input, padding or outside.
    pub kind: CellKind,
    /// The input value, for an input cell.
    pub value: Option<f32>,
}

/// Everything the page shows about one output cell of a pooling: its window and how the
/// value came out of it.
#[derive(Debug, Clone, PartialEq)]
pub struct PoolWindow {
    /// The output cell (n, c, oh, ow).
    pub at: [usize; 4],
    /// The window's `kernel_h · kernel_w` cells in row-major window order (dilation holes
    /// between them are not cells).
    pub cells: Vec<WindowCell>,
    /// The output value.
    pub output: f32,
    /// max: the position in `cells` of the maximum (`None` when no cell is an input cell).
    pub argmax: Option<usize>,
    /// max: PyTorch's index, `h·W + w` into the unpadded plane.
    pub index: Option<i64>,
    /// avg: the sum over the window's input cells.
    pub sum: Option<f32>,
    /// avg: what the sum is divided by.
    pub divisor: Option<i64>,
}

/// The window cells of output cell `at` of a validated pooling, values read from `input`.
fn window_cells(input: &ArrayView4<f32>, g: &Pool2dGeometry, at: [usize; 4]) -> Vec<WindowCell> {
    let mut cells = Vec::with_capacity(g.kernel[0] * g.kernel[1]);
    for i in 0..g.kernel[0] {
        for j in 0..g.kernel[1] {
            let (kind, row, col) = g.cell([at[2], at[3]], i, j);
            let value = (kind == CellKind::Input)
                .then(|| {
                    input
                        .get([at[0], at[1], row as usize, col as usize])
                        .copied()
                })
                .flatten();
            cells.push(WindowCell {
                i,
                j,
                row,
                col,
                kind,
                value,
            });
        }
    }
    cells
}

/// The window of output cell `at` = (n, c, oh, ow) of `F.max_pool2d`: its cells, which one
/// is the maximum, PyTorch's index.
///
/// # Errors
/// As [`max_pool2d`]; `cell` when `at` is outside the output. Checks at most the window's
/// cells (the geometry aside), so it is cheap on any input.
///
/// ```
/// use convviz::pool::{max_pool2d_window, CellKind, MaxPool2dOptions};
/// use ndarray::Array4;
/// let x = Array4::from_shape_fn((1, 1, 3, 3), |(_, _, r, c)| (r * 3 + c) as f32);
/// let mut opts = MaxPool2dOptions::new([2, 2]);
/// opts.padding = [1, 1];
/// let win = max_pool2d_window(x.view(), &opts, [0, 0, 0, 0]).unwrap();
/// // Three padding cells and input cell (0, 0), which is the maximum.
/// assert_eq!(win.cells[0].kind, CellKind::Padding);
/// assert_eq!((win.argmax, win.index, win.output), (Some(3), Some(0), 0.0));
/// ```
pub fn max_pool2d_window(
    input: ArrayView4<f32>,
    opts: &MaxPool2dOptions,
    at: [usize; 4],
) -> Result<PoolWindow> {
    let (n, c, h, w) = input.dim();
    let g = opts.geometry([n, c, h, w])?;
    check_cell(&g, at)?;
    let cells = window_cells(&input, &g, at);
    let (r, cl) = (max_span(&g, 0, at[2]), max_span(&g, 1, at[3]));
    let plane = input.slice(ndarray::s![at[0], at[1], .., ..]);
    let plane = plane.as_standard_layout();
    let plane = plane.as_slice().unwrap_or(&[]);
    let (output, index) = if plane.len() == h * w {
        window_max(plane, w, r, cl)
    } else {
        (f32::NEG_INFINITY, 0)
    };
    let argmax = cells
        .iter()
        .position(|cell| cell.kind == CellKind::Input && cell.row * w as i64 + cell.col == index);
    Ok(PoolWindow {
        at,
        cells,
        output,
        argmax,
        index: Some(index),
        sum: None,
        divisor: None,
    })
}

/// The window of output cell `at` = (n, c, oh, ow) of `F.avg_pool2d`: its cells, their sum
/// and the divisor.
///
/// # Errors
/// As [`avg_pool2d`]; `cell` when `at` is outside the output.
///
/// ```
/// use convviz::pool::{avg_pool2d_window, AvgPool2dOptions};
/// use ndarray::Array4;
/// let x = Array4::<f32>::ones((1, 1, 5, 5));
/// let mut opts = AvgPool2dOptions::new([2, 2]);
/// opts.ceil_mode = true;
/// // The last window hangs off the right edge: 2 input cells, divisor 2 (not 4).
/// let win = avg_pool2d_window(x.view(), &opts, [0, 0, 0, 2]).unwrap();
/// assert_eq!((win.sum, win.divisor, win.output), (Some(2.0), Some(2), 1.0));
/// ```
pub fn avg_pool2d_window(
    input: ArrayView4<f32>,
    opts: &AvgPool2dOptions,
    at: [usize; 4],
) -> Result<PoolWindow> {
    let (n, c, h, w) = input.dim();
    let g = opts.geometry([n, c, h, w])?;
    check_cell(&g, at)?;
    let cells = window_cells(&input, &g, at);
    let divisor = opts.divisor(&g, [at[2], at[3]]);
    let inside = cells.iter().filter_map(|cell| cell.value);
    let (sum, output) = if cells.iter().any(|cell| cell.kind == CellKind::Input) {
        let sum = inside.fold(0.0f32, |s, v| s + v);
        (sum, sum / divisor as f32)
    } else {
        (0.0, 0.0)
    };
    Ok(PoolWindow {
        at,
        cells,
        output,
        argmax: None,
        index: None,
        sum: Some(sum),
        divisor: Some(divisor),
    })
}
