//! `nn.Conv1d`: a [`conv2d`](crate::conv2d) on (N, C, 1, L) with a (1, k) kernel.
//!
//! A 1-D convolution is the 2-D one on a single row: the input gains a height of 1, the
//! kernel a height of 1, and every height argument is the identity (stride 1, dilation 1,
//! padding 0). The 2-D machinery — padding modes, im2col, the grouped product — then computes
//! exactly PyTorch's `Conv1d`, `'same'` putting its odd extra pad on the right as `Conv1d` does.
//! This module checks the 1-D arguments (with PyTorch's 1-D messages: shapes of three
//! dimensions, integers instead of pairs) and gives back 3-D tensors.
//!
//! ```text
//! Conv1d(x: (N, C_in, L), w: (C_out, C_in/g, k))
//!   = Conv2d(x: (N, C_in, 1, L), w: (C_out, C_in/g, 1, k),
//!            stride (1, s), padding (0, p), dilation (1, d))   with the height axis dropped
//!
//! padded input   x₀ x₁ … x_{L−1} with p cells each side    (N, C_in, Lp)
//! columns        row c·k + j, column o: padded[c, o·s + j·d]  (N, C_in·k, L_out)
//! weight matrix  w.reshape(C_out, C_in/g · k)
//! product        per group: weight rows @ column rows         (N, C_out, L_out)
//! ```

use crate::conv2d::{conv2d, Conv2dTrace};
use crate::error::{list, Error, ErrorKind, Result};
use crate::params::{dilated_kernel_len, Conv2dGeometry, Conv2dOptions, Padding, PaddingMode};
use crate::tensor::{check_work, checked_len};
use ndarray::{Array1, Array2, Array3, ArrayView1, ArrayView3, Axis};

/// How `Conv1d` pads: an explicit amount, or PyTorch's `'same'` / `'valid'` strings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Padding1d {
    /// `padding=p`: `p` cells on the left and on the right.
    Explicit(i64),
    /// `padding='same'`: output length = input length (stride must be 1); total pad
    /// `dilation·(kernel−1)`, the odd extra on the right.
    Same,
    /// `padding='valid'`: no padding.
    Valid,
}

impl Default for Padding1d {
    fn default() -> Self {
        Padding1d::Explicit(0)
    }
}

/// The arguments of `nn.Conv1d` besides the tensors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Conv1dOptions {
    /// `stride`, default 1.
    pub stride: i64,
    /// `padding`, default 0.
    pub padding: Padding1d,
    /// `dilation`, default 1.
    pub dilation: i64,
    /// `groups`, default 1.
    pub groups: i64,
    /// `padding_mode`, default zeros.
    pub padding_mode: PaddingMode,
}

impl Default for Conv1dOptions {
    fn default() -> Self {
        Conv1dOptions {
            stride: 1,
            padding: Padding1d::default(),
            dilation: 1,
            groups: 1,
            padding_mode: PaddingMode::Zeros,
        }
    }
}

impl Conv1dOptions {
    /// The same convolution as a `Conv2d` on a single row: stride `(1, s)`, padding `(0, p)`
    /// (or `'same'` / `'valid'`, which leave a height-1 kernel's height unpadded), dilation
    /// `(1, d)`.
    ///
    /// ```
    /// use convviz::conv1d::{Conv1dOptions, Padding1d};
    /// use convviz::params::Padding;
    /// let o = Conv1dOptions { stride: 2, padding: Padding1d::Explicit(3), ..Default::default() };
    /// let o2 = o.to_2d();
    /// assert_eq!((o2.stride, o2.padding), ([1, 2], Padding::Explicit([0, 3])));
    /// ```
    pub fn to_2d(&self) -> Conv2dOptions {
        Conv2dOptions {
            stride: [1, self.stride],
            padding: match self.padding {
                Padding1d::Explicit(p) => Padding::Explicit([0, p]),
                Padding1d::Same => Padding::Same,
                Padding1d::Valid => Padding::Valid,
            },
            dilation: [1, self.dilation],
            groups: self.groups,
            padding_mode: self.padding_mode,
        }
    }
}

/// Every size of a validated `Conv1d` call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Conv1dGeometry {
    /// N.
    pub batch: usize,
    /// C_in.
    pub in_channels: usize,
    /// C_out.
    pub out_channels: usize,
    /// groups.
    pub groups: usize,
    /// L, the input length.
    pub input: usize,
    /// k.
    pub kernel: usize,
    /// stride.
    pub stride: usize,
    /// dilation.
    pub dilation: usize,
    /// Padding on the left.
    pub pad_before: usize,
    /// Padding on the right (differs from `pad_before` only for `'same'`).
    pub pad_after: usize,
    /// padding_mode.
    pub padding_mode: PaddingMode,
    /// L + pad_before + pad_after.
    pub padded: usize,
    /// L_out.
    pub output: usize,
}

/// A positive 1-D argument as a size (`non-positive stride is not supported`, PyTorch's words).
fn positive(arg: &'static str, v: i64) -> Result<usize> {
    if v <= 0 {
        return Err(Error::value(
            arg,
            format!("non-positive {arg} is not supported (got {v})"),
        ));
    }
    capped(arg, v)
}

/// Anything past the element cap cannot fit any tensor; refusing it keeps products small.
fn capped(arg: &'static str, v: i64) -> Result<usize> {
    let cap = crate::MAX_ELEMENTS as i64;
    if v > cap {
        return Err(Error::new(
            ErrorKind::TooLarge,
            arg,
            format!("{v} is larger than any tensor under the cap of {cap} elements allows"),
        ));
    }
    Ok(v as usize)
}

impl Conv1dGeometry {
    /// Validate `Conv1d` arguments for an input of shape (N, C_in, L) and a weight of shape
    /// (C_out, C_in/groups, k), as PyTorch does, with PyTorch's 1-D messages.
    ///
    /// # Errors
    /// Non-positive stride, dilation or groups; negative padding; `'same'` with a stride;
    /// channels that groups does not divide; a weight whose channels do not match the input;
    /// reflect padding not smaller than the input; circular padding larger than the input; a
    /// dilated kernel longer than the padded input; any intermediate over the element cap.
    ///
    /// ```
    /// use convviz::conv1d::{Conv1dGeometry, Conv1dOptions, Padding1d};
    /// let same = Conv1dOptions { padding: Padding1d::Same, ..Default::default() };
    /// let g = Conv1dGeometry::new([1, 1, 8], [1, 1, 4], &same).unwrap();
    /// assert_eq!((g.pad_before, g.pad_after, g.output), (1, 2, 8)); // odd extra on the right
    /// let e = Conv1dGeometry::new([1, 1, 3], [1, 1, 4], &Conv1dOptions::default()).unwrap_err();
    /// assert_eq!(e.arg(), "kernel_size");
    /// ```
    pub fn new(input: [usize; 3], weight: [usize; 3], opts: &Conv1dOptions) -> Result<Self> {
        let stride = positive("stride", opts.stride)?;
        let dilation = positive("dilation", opts.dilation)?;
        let groups = positive("groups", opts.groups)?;
        let [batch, in_channels, len] = input;
        let [out_channels, w_in, kernel] = weight;
        crate::params::check_groups_divide("in_channels", in_channels, groups)?;
        crate::params::check_groups_divide("out_channels", out_channels, groups)?;
        if w_in * groups != in_channels {
            return Err(Error::shape(
                "weight",
                format!(
                    "Given groups={groups}, weight of size {}, expected input{} to have {} channels, but got {in_channels} channels instead",
                    list(&weight), list(&input), w_in * groups
                ),
            ));
        }
        let eff = dilated_kernel_len(kernel, dilation);
        let (pad_before, pad_after) = match opts.padding {
            Padding1d::Valid => (0, 0),
            Padding1d::Explicit(p) => {
                if p < 0 {
                    return Err(Error::value(
                        "padding",
                        format!("negative padding is not supported (got {p})"),
                    ));
                }
                let p = capped("padding", p)?;
                (p, p)
            }
            Padding1d::Same => {
                if stride != 1 {
                    return Err(Error::value(
                        "padding",
                        format!(
                            "padding='same' is not supported for strided convolutions (stride={stride})"
                        ),
                    ));
                }
                let total = eff
                    .and_then(|e| e.checked_sub(1))
                    .ok_or_else(|| Error::value("dilation", "dilation is too large"))?;
                (total / 2, total - total / 2)
            }
        };
        let big = pad_before.max(pad_after);
        let wraps = match opts.padding_mode {
            PaddingMode::Reflect => big >= len,
            PaddingMode::Circular => big > len,
            PaddingMode::Zeros | PaddingMode::Replicate => false,
        };
        if wraps {
            let what = if opts.padding_mode == PaddingMode::Reflect {
                "Padding size should be less than the corresponding input dimension for padding_mode='reflect', but got:"
            } else {
                "Padding value causes wrapping around more than once for padding_mode='circular':"
            };
            return Err(Error::value(
                "padding",
                format!(
                    "{what} padding ({pad_before}, {pad_after}) at dimension 2 of input {}",
                    list(&input)
                ),
            ));
        }
        let padded = len + pad_before + pad_after;
        let eff = eff.unwrap_or(usize::MAX);
        if eff > padded {
            return Err(Error::new(
                ErrorKind::OutputTooSmall,
                "kernel_size",
                format!(
                    "Calculated padded input size per channel: ({padded}). Kernel size: ({}). Kernel size can't be greater than actual input size",
                    if eff == usize::MAX { "too large".to_string() } else { eff.to_string() }
                ),
            ));
        }
        let output = (padded - eff) / stride + 1;
        checked_len("input", &[batch, in_channels, padded])?;
        checked_len("output", &[batch, out_channels, output])?;
        check_work(
            "input",
            &[batch, out_channels, output, in_channels / groups * kernel],
        )?;
        Ok(Conv1dGeometry {
            batch,
            in_channels,
            out_channels,
            groups,
            input: len,
            kernel,
            stride,
            dilation,
            pad_before,
            pad_after,
            padding_mode: opts.padding_mode,
            padded,
            output,
        })
    }

    /// The same sizes as a `Conv2d` on a single row (height 1 everywhere).
    pub fn to_2d(&self) -> Conv2dGeometry {
        Conv2dGeometry {
            batch: self.batch,
            in_channels: self.in_channels,
            out_channels: self.out_channels,
            groups: self.groups,
            input: [1, self.input],
            kernel: [1, self.kernel],
            stride: [1, self.stride],
            dilation: [1, self.dilation],
            pad_before: [0, self.pad_before],
            pad_after: [0, self.pad_after],
            padding_mode: self.padding_mode,
            padded: [1, self.padded],
            output: [1, self.output],
        }
    }

    /// Rows of one group's block of the columns matrix: C_in/groups · k.
    pub fn patch_len(&self) -> usize {
        self.in_channels / self.groups * self.kernel
    }
}

/// Validate the arguments and the tensors of a `Conv1d` call.
///
/// # Errors
/// See [`Conv1dGeometry::new`]; also a bias of the wrong shape (PyTorch's message).
/// NaN/±∞ data is refused by [`conv1d`] and [`Conv1dTrace::new`] (as by `conv2d`).
pub fn conv1d_geometry(
    input: &ArrayView3<f32>,
    weight: &ArrayView3<f32>,
    bias: Option<ArrayView1<f32>>,
    opts: &Conv1dOptions,
) -> Result<Conv1dGeometry> {
    let (i, w) = (input.dim(), weight.dim());
    let g = Conv1dGeometry::new([i.0, i.1, i.2], [w.0, w.1, w.2], opts)?;
    if let Some(b) = bias {
        if b.len() != g.out_channels {
            return Err(Error::shape(
                "bias",
                format!(
                    "Given weight of size {}, expected bias to be 1-dimensional with {} elements, but got bias of size [{}] instead",
                    list(&[w.0, w.1, w.2]), g.out_channels, b.len()
                ),
            ));
        }
    }
    Ok(g)
}

/// `F.conv1d` with `nn.Conv1d`'s `padding_mode`: (N, C_in, L) ⊛ (C_out, C_in/groups, k) →
/// (N, C_out, L_out), by the fast route of [`conv2d`] on a single row.
///
/// ```text
/// L_out = ⌊(L + pad_left + pad_right − dilation·(k − 1) − 1) / stride⌋ + 1
/// ```
///
/// # Errors
/// Every argument PyTorch rejects (see [`Conv1dGeometry::new`]), a bias of the wrong shape,
/// NaN/±∞ data, sizes over the element cap.
///
/// ```
/// use convviz::conv1d::{conv1d, Conv1dOptions, Padding1d};
/// use ndarray::{array, Array3};
/// // A moving sum of 3 over 1..=5, zero-padded by 1 on each side.
/// let x = Array3::from_shape_vec((1, 1, 5), vec![1.0, 2.0, 3.0, 4.0, 5.0]).unwrap();
/// let w = Array3::<f32>::ones((1, 1, 3));
/// let opts = Conv1dOptions { padding: Padding1d::Explicit(1), ..Default::default() };
/// let y = conv1d(x.view(), w.view(), None, &opts).unwrap();
/// assert_eq!(y, array![[[3.0, 6.0, 9.0, 12.0, 9.0]]]);
/// ```
pub fn conv1d(
    input: ArrayView3<f32>,
    weight: ArrayView3<f32>,
    bias: Option<ArrayView1<f32>>,
    opts: &Conv1dOptions,
) -> Result<Array3<f32>> {
    conv1d_geometry(&input, &weight, bias, opts)?;
    let y = conv2d(
        input.insert_axis(Axis(2)),
        weight.insert_axis(Axis(2)),
        bias,
        &opts.to_2d(),
    )?;
    Ok(y.remove_axis(Axis(2)))
}

/// Every stage of one `Conv1d` computation, named as the 2-D trace's (the intermediates of
/// [`Conv2dTrace`] on a single row, the height axis dropped).
#[derive(Debug, Clone)]
pub struct Conv1dTrace {
    /// The validated sizes.
    pub geometry: Conv1dGeometry,
    /// The input (N, C_in, L).
    pub input: Array3<f32>,
    /// The weight (C_out, C_in/groups, k).
    pub weight: Array3<f32>,
    /// The bias (C_out), if any.
    pub bias: Option<Array1<f32>>,
    /// `padded_input` (N, C_in, Lp), `padding_mode` applied.
    pub padded_input: Array3<f32>,
    /// For each padded cell, the input index it holds, or −1 for a zero of padding: (Lp).
    pub halo_source: Array1<i32>,
    /// `columns` (N, C_in·k, L_out): row `c·k + j`, column `o` holds `padded[c, o·s + j·d]`.
    pub columns: Array3<f32>,
    /// `weight_matrix` (C_out, C_in/groups·k).
    pub weight_matrix: Array2<f32>,
    /// `product` (N, C_out, L_out): per group, weight rows @ column rows; no bias.
    pub product: Array3<f32>,
    /// `output` (N, C_out, L_out) = product + bias.
    pub output: Array3<f32>,
}

impl Conv1dTrace {
    /// Compute a `Conv1d` and keep every stage (through [`Conv2dTrace::new`] on a single row).
    ///
    /// # Errors
    /// As [`conv1d`], and intermediates (the full columns matrix) over the element cap.
    ///
    /// ```
    /// use convviz::conv1d::{Conv1dOptions, Conv1dTrace, Padding1d};
    /// use convviz::params::PaddingMode;
    /// use ndarray::Array3;
    /// let x = Array3::from_shape_vec((1, 1, 4), vec![1.0, 2.0, 3.0, 4.0]).unwrap();
    /// let w = Array3::<f32>::ones((1, 1, 3));
    /// let opts = Conv1dOptions {
    ///     padding: Padding1d::Same,
    ///     padding_mode: PaddingMode::Reflect,
    ///     ..Default::default()
    /// };
    /// let t = Conv1dTrace::new(x.view(), w.view(), None, &opts).unwrap();
    /// assert_eq!(t.padded_input.as_slice().unwrap(), &[2.0, 1.0, 2.0, 3.0, 4.0, 3.0]);
    /// assert_eq!(t.halo_source.to_vec(), vec![1, 0, 1, 2, 3, 2]);
    /// assert_eq!(t.columns.dim(), (1, 3, 4));
    /// ```
    pub fn new(
        input: ArrayView3<f32>,
        weight: ArrayView3<f32>,
        bias: Option<ArrayView1<f32>>,
        opts: &Conv1dOptions,
    ) -> Result<Self> {
        let geometry = conv1d_geometry(&input, &weight, bias, opts)?;
        let t = Conv2dTrace::new(
            input.insert_axis(Axis(2)),
            weight.insert_axis(Axis(2)),
            bias,
            &opts.to_2d(),
        )?;
        // The 2-D halo map is (1, Lp·2): (row, column) pairs, row 0 or −1.
        let halo_source = t.halo_source.iter().skip(1).step_by(2).copied().collect();
        Ok(Conv1dTrace {
            geometry,
            input: t.input.remove_axis(Axis(2)),
            weight: t.weight.remove_axis(Axis(2)),
            bias: t.bias,
            padded_input: t.padded_input.remove_axis(Axis(2)),
            halo_source,
            columns: t.columns,
            weight_matrix: t.weight_matrix,
            product: t.product,
            output: t.output.remove_axis(Axis(2)),
        })
    }
}
