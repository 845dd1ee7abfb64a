//! Argument types (PyTorch's names), their validation, and the output-size formulas.
//!
//! Arguments arrive as signed integers, as users type them; [`Conv2dGeometry::new`] and
//! [`ConvTranspose2dGeometry::new`] check every one and turn them into sizes, so the maths
//! modules never see an invalid value.

use crate::error::{list, Error, ErrorKind, Result};
use crate::tensor::checked_len;
use std::fmt;
use std::str::FromStr;

/// A (height, width) pair of signed integers, as PyTorch's `_pair` arguments.
pub type Pair = [i64; 2];

/// How `Conv2d` pads: explicit amounts, or PyTorch's `'same'` / `'valid'` strings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Padding {
    /// `padding=(ph, pw)`: `ph` rows above and below, `pw` columns left and right.
    Explicit(Pair),
    /// `padding='same'`: output size = input size (stride must be 1); total pad
    /// `dilation·(kernel−1)`, the odd extra on the bottom/right.
    Same,
    /// `padding='valid'`: no padding.
    Valid,
}

impl Default for Padding {
    fn default() -> Self {
        Padding::Explicit([0, 0])
    }
}

/// What fills the padding halo (`padding_mode` of `nn.Conv2d`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PaddingMode {
    /// Zeros.
    #[default]
    Zeros,
    /// Mirror without repeating the edge: `… c b | a b c d | c b …`.
    Reflect,
    /// Repeat the edge: `… a a | a b c d | d d …`.
    Replicate,
    /// Wrap around: `… c d | a b c d | a b …`.
    Circular,
}

impl PaddingMode {
    /// PyTorch's string for this mode.
    pub fn as_str(self) -> &'static str {
        match self {
            PaddingMode::Zeros => "zeros",
            PaddingMode::Reflect => "reflect",
            PaddingMode::Replicate => "replicate",
            PaddingMode::Circular => "circular",
        }
    }
}

impl fmt::Display for PaddingMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for PaddingMode {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "zeros" => Ok(PaddingMode::Zeros),
            "reflect" => Ok(PaddingMode::Reflect),
            "replicate" => Ok(PaddingMode::Replicate),
            "circular" => Ok(PaddingMode::Circular),
            _ => Err(Error::value(
                "padding_mode",
                format!(
                    "padding_mode must be one of 'zeros', 'reflect', 'replicate' or 'circular', but got '{}'",
                    s.chars().take(40).collect::<String>()
                ),
            )),
        }
    }
}

/// The arguments of `nn.Conv2d` besides the tensors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Conv2dOptions {
    /// `stride`, default (1, 1).
    pub stride: Pair,
    /// `padding`, default (0, 0).
    pub padding: Padding,
    /// `dilation`, default (1, 1).
    pub dilation: Pair,
    /// `groups`, default 1.
    pub groups: i64,
    /// `padding_mode`, default zeros.
    pub padding_mode: PaddingMode,
}

impl Default for Conv2dOptions {
    fn default() -> Self {
        Conv2dOptions {
            stride: [1, 1],
            padding: Padding::default(),
            dilation: [1, 1],
            groups: 1,
            padding_mode: PaddingMode::Zeros,
        }
    }
}

impl Conv2dOptions {
    /// The checks that need no input, in PyTorch's order (`_convolution`, then
    /// `check_shape_forward`; `convolution_same` for `'same'`): positive groups; `'same'` only
    /// with stride 1; non-negative padding; positive stride; positive dilation. The rest waits
    /// for an input: see [`Conv2dGeometry::new`], which starts with these.
    ///
    /// # Errors
    /// The argument at fault, with PyTorch's message.
    ///
    /// ```
    /// use convviz::params::{Conv2dOptions, Padding};
    /// // A negative padding is reported before a zero stride, as PyTorch does.
    /// let o = Conv2dOptions { stride: [0, 1], padding: Padding::Explicit([-1, 0]), ..Default::default() };
    /// assert_eq!(o.check().unwrap_err().arg(), "padding");
    /// ```
    pub fn check(&self) -> Result<[[usize; 2]; 2]> {
        positive_groups(self.groups)?;
        if self.padding == Padding::Same && self.stride != [1, 1] {
            return Err(same_with_stride(self.stride));
        }
        if let Padding::Explicit(p) = self.padding {
            non_negative("padding", "padding", p)?;
        }
        let stride = positive("stride", "stride", self.stride)?;
        let dilation = positive_dilation(self.dilation)?;
        Ok([stride, dilation])
    }
}

/// The arguments of `nn.ConvTranspose2d` (and its `forward(x, output_size)`) besides the tensors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConvTranspose2dOptions {
    /// `stride`, default (1, 1).
    pub stride: Pair,
    /// `padding`, default (0, 0): crops `padding` rows/columns from each side of the full output.
    pub padding: Pair,
    /// `output_padding`, default (0, 0): extra rows/columns on the bottom/right.
    pub output_padding: Pair,
    /// `dilation`, default (1, 1).
    pub dilation: Pair,
    /// `groups`, default 1.
    pub groups: i64,
    /// `output_size` of `forward`: when given it picks `output_padding`.
    pub output_size: Option<Pair>,
}

impl Default for ConvTranspose2dOptions {
    fn default() -> Self {
        ConvTranspose2dOptions {
            stride: [1, 1],
            padding: [0, 0],
            output_padding: [0, 0],
            dilation: [1, 1],
            groups: 1,
            output_size: None,
        }
    }
}

impl ConvTranspose2dOptions {
    /// The checks that need no input, in PyTorch's order (`_convolution`, then
    /// `check_shape_forward`): positive groups, non-negative padding and output_padding,
    /// positive stride and dilation. The rest waits for an input: see
    /// [`ConvTranspose2dGeometry::new`], which starts with these.
    ///
    /// # Errors
    /// The argument at fault, with PyTorch's message.
    pub fn check(&self) -> Result<()> {
        positive_groups(self.groups)?;
        non_negative("padding", "padding", self.padding)?;
        non_negative("output_padding", "output_padding", self.output_padding)?;
        positive("stride", "stride", self.stride)?;
        positive_dilation(self.dilation)?;
        Ok(())
    }
}

/// The arguments of `F.unfold` / `F.fold` besides the tensor and (for fold) `output_size`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnfoldOptions {
    /// `kernel_size`.
    pub kernel_size: Pair,
    /// `dilation`, default (1, 1).
    pub dilation: Pair,
    /// `padding`, default (0, 0) (always zeros).
    pub padding: Pair,
    /// `stride`, default (1, 1).
    pub stride: Pair,
}

/// Output size of a convolution along one dimension:
///
/// ```text
/// out = ⌊(in + pad_before + pad_after − dilation·(kernel − 1) − 1) / stride⌋ + 1
/// ```
///
/// (with symmetric padding `p`, PyTorch's `⌊(H + 2p − d(k−1) − 1)/s⌋ + 1`). Returns `None`
/// when the dilated kernel does not fit in the padded input (no output at all) or `stride` is 0.
///
/// ```
/// use convviz::params::conv_output_len;
/// assert_eq!(conv_output_len(5, 0, 0, 3, 1, 1), Some(3)); // Conv2d(3, 1, 3) on 5×5
/// assert_eq!(conv_output_len(5, 1, 1, 3, 2, 1), Some(3)); // stride 2, padding 1
/// assert_eq!(conv_output_len(6, 1, 1, 3, 2, 1), Some(3)); // the floor hides one row
/// assert_eq!(conv_output_len(2, 0, 0, 3, 1, 1), None);
/// ```
pub fn conv_output_len(
    input: usize,
    pad_before: usize,
    pad_after: usize,
    kernel: usize,
    stride: usize,
    dilation: usize,
) -> Option<usize> {
    let padded = input.checked_add(pad_before)?.checked_add(pad_after)?;
    let effective = dilated_kernel_len(kernel, dilation)?;
    if stride == 0 || effective > padded {
        return None;
    }
    Some((padded - effective) / stride + 1)
}

/// Extent of a dilated kernel: `dilation·(kernel − 1) + 1` (`None` on overflow or kernel 0).
pub fn dilated_kernel_len(kernel: usize, dilation: usize) -> Option<usize> {
    kernel.checked_sub(1)?.checked_mul(dilation)?.checked_add(1)
}

/// Output size of a transposed convolution along one dimension:
///
/// ```text
/// out = (in − 1)·stride − 2·padding + dilation·(kernel − 1) + output_padding + 1
/// ```
///
/// May be zero or negative (PyTorch then refuses); computed in `i128` so it never overflows.
///
/// ```
/// use convviz::params::conv_transpose_output_len;
/// assert_eq!(conv_transpose_output_len(3, 2, 1, 3, 0, 1), 5); // 3×3 → 5×5
/// assert_eq!(conv_transpose_output_len(3, 2, 1, 3, 1, 1), 6); // output_padding 1 → 6×6
/// assert_eq!(conv_transpose_output_len(1, 1, 1, 1, 0, 1), -1);
/// ```
pub fn conv_transpose_output_len(
    input: i64,
    stride: i64,
    padding: i64,
    kernel: i64,
    output_padding: i64,
    dilation: i64,
) -> i128 {
    (input as i128 - 1) * stride as i128 - 2 * padding as i128
        + dilation as i128 * (kernel as i128 - 1)
        + output_padding as i128
        + 1
}

fn positive(arg: &'static str, what: &str, v: Pair) -> Result<[usize; 2]> {
    if v.iter().any(|&x| x <= 0) {
        return Err(Error::value(
            arg,
            format!("non-positive {what} is not supported (got {})", list(&v)),
        ));
    }
    to_sizes(arg, v)
}

fn non_negative(arg: &'static str, what: &str, v: Pair) -> Result<[usize; 2]> {
    if v.iter().any(|&x| x < 0) {
        return Err(Error::value(
            arg,
            format!("negative {what} is not supported (got {})", list(&v)),
        ));
    }
    to_sizes(arg, v)
}

/// PyTorch's `check_shape_forward` (and `im2col`'s) words for a dilation below 1.
fn positive_dilation(v: Pair) -> Result<[usize; 2]> {
    if v.iter().any(|&x| x <= 0) {
        return Err(Error::value(
            "dilation",
            format!(
                "dilation should be greater than zero, but got dilation_height: {} dilation_width: {}",
                v[0], v[1]
            ),
        ));
    }
    to_sizes("dilation", v)
}

fn to_sizes(arg: &'static str, v: Pair) -> Result<[usize; 2]> {
    // Anything past 2^24 cannot fit any tensor under the cap; refusing it here keeps every
    // later product far from overflow.
    let cap = crate::MAX_ELEMENTS as i64;
    if v.iter().any(|&x| x > cap) {
        return Err(Error::new(
            ErrorKind::TooLarge,
            arg,
            format!(
                "{} is larger than any tensor under the cap of {cap} elements allows",
                list(&v)
            ),
        ));
    }
    Ok([v[0] as usize, v[1] as usize])
}

/// Check that `groups` divides a channel count (`which` is `in_channels` or `out_channels`).
///
/// # Errors
/// PyTorch's "… must be divisible by groups", naming `groups`.
pub fn check_groups_divide(which: &str, channels: usize, groups: usize) -> Result<()> {
    if groups == 0 || !channels.is_multiple_of(groups) {
        return Err(Error::value(
            "groups",
            format!("{which} must be divisible by groups ({which}={channels}, groups={groups})"),
        ));
    }
    Ok(())
}

/// Check the weight's dimension 0 against `groups` as PyTorch's `check_shape_forward` does:
/// at least `groups` filters (C_out of a convolution, C_in of a transposed one), a multiple of
/// `groups`. Names `groups`: the weight's sizes come from the channel counts, which are only
/// wrong together with `groups`.
///
/// # Errors
/// `"Given groups=3, expected weight to be at least 3 at dimension 0, …"`, or `which` must be
/// divisible by groups.
pub fn check_weight_groups(which: &str, weight: [usize; 4], groups: usize) -> Result<()> {
    if weight[0] < groups {
        return Err(Error::value(
            "groups",
            format!(
                "Given groups={groups}, expected weight to be at least {groups} at dimension 0, but got weight of size {} instead",
                list(&weight)
            ),
        ));
    }
    check_groups_divide(which, weight[0], groups)
}

fn same_with_stride(stride: Pair) -> Error {
    Error::value(
        "padding",
        format!(
            "padding='same' is not supported for strided convolutions (stride={})",
            list(&stride)
        ),
    )
}

fn positive_groups(groups: i64) -> Result<usize> {
    if groups <= 0 {
        return Err(Error::value(
            "groups",
            format!("non-positive groups is not supported (got {groups})"),
        ));
    }
    Ok(to_sizes("groups", [groups, 1])?[0])
}

/// Every size of a validated `Conv2d` call: the arguments as sizes, the padding actually
/// applied on each side, and the output size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Conv2dGeometry {
    /// N.
    pub batch: usize,
    /// C_in.
    pub in_channels: usize,
    /// C_out.
    pub out_channels: usize,
    /// groups.
    pub groups: usize,
    /// (H, W) of the input.
    pub input: [usize; 2],
    /// (kh, kw).
    pub kernel: [usize; 2],
    /// stride (h, w).
    pub stride: [usize; 2],
    /// dilation (h, w).
    pub dilation: [usize; 2],
    /// padding on the top and left.
    pub pad_before: [usize; 2],
    /// padding on the bottom and right (differs from `pad_before` only for `'same'`).
    pub pad_after: [usize; 2],
    /// padding_mode.
    pub padding_mode: PaddingMode,
    /// (H + pad_top + pad_bottom, W + pad_left + pad_right).
    pub padded: [usize; 2],
    /// (H_out, W_out).
    pub output: [usize; 2],
}

impl Conv2dGeometry {
    /// Validate `Conv2d` arguments for an input of shape `input` (N, C_in, H, W) and a weight of
    /// shape `weight` (C_out, C_in/groups, kh, kw), as PyTorch does.
    ///
    /// # Errors
    /// Every argument PyTorch rejects, with a message naming it: non-positive stride, dilation
    /// or groups; negative padding; `'same'` with a stride; channels that groups does not
    /// divide; a weight whose channels do not match the input; reflect padding not smaller
    /// than the input; circular padding larger than the input; a dilated kernel larger than the
    /// padded input; any intermediate over the element cap.
    pub fn new(input: [usize; 4], weight: [usize; 4], opts: &Conv2dOptions) -> Result<Self> {
        // PyTorch's order: the arguments alone, then the weight against groups, then the
        // input's channels, then the sizes (so a negative padding is reported before a
        // channel mismatch).
        let [stride, dilation] = opts.check()?;
        let groups = positive_groups(opts.groups)?;
        let [batch, in_channels, h, w] = input;
        let [out_channels, w_in, kh, kw] = weight;
        check_weight_groups("out_channels", weight, groups)?;
        check_groups_divide("in_channels", in_channels, groups)?;
        if w_in * groups != in_channels {
            return Err(Error::shape(
                "weight",
                format!(
                    "Given groups={groups}, weight of size {}, expected input{} to have {} channels, but got {in_channels} channels instead",
                    list(&weight), list(&input), w_in * groups
                ),
            ));
        }
        let (pad_before, pad_after) = match opts.padding {
            Padding::Valid => ([0, 0], [0, 0]),
            Padding::Explicit(p) => {
                let p = non_negative("padding", "padding", p)?;
                (p, p)
            }
            Padding::Same => {
                let mut before = [0; 2];
                let mut after = [0; 2];
                for d in 0..2 {
                    let total = dilated_kernel_len(weight[2 + d], dilation[d])
                        .and_then(|e| e.checked_sub(1))
                        .ok_or_else(|| Error::value("dilation", "dilation is too large"))?;
                    before[d] = total / 2;
                    after[d] = total - total / 2;
                }
                (before, after)
            }
        };
        let spatial = [h, w];
        match opts.padding_mode {
            // Width first, as PyTorch's reflection_pad2d checks (its message names dimension 3).
            PaddingMode::Reflect => {
                for d in [1, 0] {
                    if pad_before[d].max(pad_after[d]) >= spatial[d] {
                        return Err(Error::new(
                            ErrorKind::PaddingTooLarge,
                            "padding",
                            format!(
                                "Padding size should be less than the corresponding input dimension, but got: padding ({}, {}) at dimension {} of input {} (padding_mode='reflect')",
                                pad_before[d], pad_after[d], 2 + d, list(&input)
                            ),
                        ));
                    }
                }
            }
            PaddingMode::Circular => {
                for d in 0..2 {
                    if pad_before[d].max(pad_after[d]) > spatial[d] {
                        return Err(Error::new(
                            ErrorKind::PaddingTooLarge,
                            "padding",
                            format!(
                                "Padding value causes wrapping around more than once for padding_mode='circular': padding ({}, {}) at dimension {} of input {}",
                                pad_before[d], pad_after[d], 2 + d, list(&input)
                            ),
                        ));
                    }
                }
            }
            PaddingMode::Zeros | PaddingMode::Replicate => {}
        }
        let padded = [
            h + pad_before[0] + pad_after[0],
            w + pad_before[1] + pad_after[1],
        ];
        let kernel = [kh, kw];
        let eff = [
            dilated_kernel_len(kh, dilation[0]).unwrap_or(usize::MAX),
            dilated_kernel_len(kw, dilation[1]).unwrap_or(usize::MAX),
        ];
        if eff[0] > padded[0] || eff[1] > padded[1] {
            return Err(Error::new(
                ErrorKind::OutputTooSmall,
                "kernel_size",
                format!(
                    "Calculated padded input size per channel: ({} x {}). Kernel size: ({} x {}). Kernel size can't be greater than actual input size",
                    padded[0], padded[1], eff[0], eff[1]
                ),
            ));
        }
        let output = [
            (padded[0] - eff[0]) / stride[0] + 1,
            (padded[1] - eff[1]) / stride[1] + 1,
        ];
        let g = Conv2dGeometry {
            batch,
            in_channels,
            out_channels,
            groups,
            input: spatial,
            kernel,
            stride,
            dilation,
            pad_before,
            pad_after,
            padding_mode: opts.padding_mode,
            padded,
            output,
        };
        checked_len("input", &[batch, in_channels, padded[0], padded[1]])?;
        checked_len("output", &[batch, out_channels, output[0], output[1]])?;
        crate::tensor::check_work(
            "input",
            &[batch, out_channels, output[0] * output[1], g.patch_len()],
        )?;
        Ok(g)
    }

    /// C_in / groups.
    pub fn in_per_group(&self) -> usize {
        self.in_channels / self.groups
    }

    /// C_out / groups.
    pub fn out_per_group(&self) -> usize {
        self.out_channels / self.groups
    }

    /// Rows of one group's block of the columns matrix: C_in/groups · kh · kw.
    pub fn patch_len(&self) -> usize {
        self.in_per_group() * self.kernel[0] * self.kernel[1]
    }

    /// L = H_out · W_out, the number of kernel positions.
    pub fn positions(&self) -> usize {
        self.output[0] * self.output[1]
    }

    /// Check that the full im2col intermediates (columns, product) fit under the cap.
    ///
    /// # Errors
    /// [`ErrorKind::TooLarge`].
    pub fn check_trace_size(&self) -> Result<()> {
        checked_len(
            "input",
            &[
                self.batch,
                self.in_channels * self.kernel[0] * self.kernel[1],
                self.positions(),
            ],
        )?;
        checked_len("output", &[self.batch, self.out_channels, self.positions()])?;
        Ok(())
    }
}

/// Every size of a validated `ConvTranspose2d` call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConvTranspose2dGeometry {
    /// N.
    pub batch: usize,
    /// C_in.
    pub in_channels: usize,
    /// C_out = weight.shape[1] · groups.
    pub out_channels: usize,
    /// groups.
    pub groups: usize,
    /// (H, W) of the input.
    pub input: [usize; 2],
    /// (kh, kw).
    pub kernel: [usize; 2],
    /// stride.
    pub stride: [usize; 2],
    /// padding (cropped from each side of the full output).
    pub padding: [usize; 2],
    /// output_padding actually used (from `output_size` when given).
    pub output_padding: [usize; 2],
    /// dilation.
    pub dilation: [usize; 2],
    /// The uncropped scatter canvas: `(in − 1)·stride + dilation·(k − 1) + 1 + output_padding`.
    pub full: [usize; 2],
    /// (H_out, W_out) = full − 2·padding.
    pub output: [usize; 2],
    /// The smallest `output_size` valid for these arguments (output_padding 0); may be below 1
    /// when only an output_padding makes the output non-empty.
    pub min_output: [i64; 2],
    /// The largest valid `output_size`: `min_output + stride − 1`.
    pub max_output: [i64; 2],
}

impl ConvTranspose2dGeometry {
    /// Validate `ConvTranspose2d` arguments for an input of shape (N, C_in, H, W) and a weight
    /// of shape (C_in, C_out/groups, kh, kw), as PyTorch does.
    ///
    /// # Errors
    /// Non-positive stride/dilation/groups, negative padding or output_padding,
    /// `output_padding` not smaller than stride or dilation, channels that groups does not
    /// divide, a weight that does not match, an `output_size` outside the valid range (the
    /// message states the range), an output that would be empty, or sizes over the cap.
    pub fn new(
        input: [usize; 4],
        weight: [usize; 4],
        opts: &ConvTranspose2dOptions,
    ) -> Result<Self> {
        // PyTorch's order, as in Conv2dGeometry::new.
        opts.check()?;
        let groups = positive_groups(opts.groups)?;
        let padding = non_negative("padding", "padding", opts.padding)?;
        let mut output_padding =
            non_negative("output_padding", "output_padding", opts.output_padding)?;
        let stride = positive("stride", "stride", opts.stride)?;
        let dilation = positive_dilation(opts.dilation)?;
        let [batch, in_channels, h, w] = input;
        let [w_in, out_per_group, kh, kw] = weight;
        check_weight_groups("in_channels", weight, groups)?;
        if w_in != in_channels {
            return Err(Error::shape(
                "weight",
                format!(
                    "Given transposed=1, weight of size {}, expected input{} to have {w_in} channels, but got {in_channels} channels instead",
                    list(&weight), list(&input)
                ),
            ));
        }
        let out_channels = out_per_group * groups;
        let spatial = [h, w];
        let kernel = [kh, kw];
        let mut min_output = [0i64; 2];
        let mut max_output = [0i64; 2];
        let mut min_raw = [0i128; 2];
        for d in 0..2 {
            let m = conv_transpose_output_len(
                spatial[d] as i64,
                stride[d] as i64,
                padding[d] as i64,
                kernel[d] as i64,
                0,
                dilation[d] as i64,
            );
            min_raw[d] = m;
            // |m| < 2^50: every factor was checked to be at most 2^24.
            min_output[d] = m as i64;
            max_output[d] = (m + stride[d] as i128 - 1) as i64;
        }
        if let Some(size) = opts.output_size {
            let ok = (0..2).all(|d| {
                (size[d] as i128) >= min_raw[d]
                    && (size[d] as i128) < min_raw[d] + stride[d] as i128
            });
            if !ok {
                return Err(Error::value(
                    "output_size",
                    format!(
                        "requested an output size of [{}, {}], but valid sizes range from [{}, {}] to [{}, {}] (for an input of torch.Size([{h}, {w}]))",
                        size[0], size[1], min_output[0], min_output[1], max_output[0], max_output[1]
                    ),
                ));
            }
            for d in 0..2 {
                output_padding[d] = (size[d] as i128 - min_raw[d]) as usize;
            }
        } else if (0..2).any(|d| output_padding[d] >= stride[d] && output_padding[d] >= dilation[d])
        {
            return Err(Error::value(
                "output_padding",
                format!(
                    "output padding must be smaller than either stride or dilation, but got output_padding_height: {} output_padding_width: {} stride_height: {} stride_width: {} dilation_height: {} dilation_width: {}",
                    output_padding[0], output_padding[1], stride[0], stride[1], dilation[0], dilation[1]
                ),
            ));
        }
        let out_raw = [
            min_raw[0] + output_padding[0] as i128,
            min_raw[1] + output_padding[1] as i128,
        ];
        if out_raw.iter().any(|&o| o < 1) {
            return Err(Error::new(
                ErrorKind::OutputTooSmall,
                "padding",
                format!(
                    "Given input size per channel: ({h} x {w}). Calculated output size per channel: ({} x {}). Output size is too small",
                    // |out_raw| < 2^51 (as min_raw): i64 prints the same digits with less code.
                    out_raw[0] as i64, out_raw[1] as i64
                ),
            ));
        }
        if out_raw.iter().any(|&o| o > crate::MAX_ELEMENTS as i128) {
            return Err(Error::new(
                ErrorKind::TooLarge,
                "output",
                format!(
                    "an output of {} x {} would exceed the element cap",
                    out_raw[0] as i64, out_raw[1] as i64
                ),
            ));
        }
        let output = [out_raw[0] as usize, out_raw[1] as usize];
        let full = [output[0] + 2 * padding[0], output[1] + 2 * padding[1]];
        checked_len("output", &[batch, out_channels, full[0], full[1]])?;
        checked_len("input", &[batch, out_channels * kh * kw, h * w])?;
        crate::tensor::check_work(
            "input",
            &[batch, in_channels / groups, h * w, out_channels * kh * kw],
        )?;
        Ok(ConvTranspose2dGeometry {
            batch,
            in_channels,
            out_channels,
            groups,
            input: spatial,
            kernel,
            stride,
            padding,
            output_padding,
            dilation,
            full,
            output,
            min_output,
            max_output,
        })
    }

    /// C_in / groups.
    pub fn in_per_group(&self) -> usize {
        self.in_channels / self.groups
    }

    /// C_out / groups.
    pub fn out_per_group(&self) -> usize {
        self.out_channels / self.groups
    }
}

/// Every size of a validated `F.unfold` / `F.fold` call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnfoldGeometry {
    /// (H, W) of the image (unfold's input, fold's output).
    pub image: [usize; 2],
    /// kernel_size.
    pub kernel: [usize; 2],
    /// dilation.
    pub dilation: [usize; 2],
    /// padding (zeros).
    pub padding: [usize; 2],
    /// stride.
    pub stride: [usize; 2],
    /// The number of block positions along each dimension.
    pub blocks: [usize; 2],
}

impl UnfoldGeometry {
    /// Validate unfold/fold arguments for an image of (H, W) = `image` (given signed, as fold's
    /// `output_size` arrives).
    ///
    /// # Errors
    /// Non-positive kernel_size/stride/dilation, negative padding, or no block at all.
    pub fn new(image: Pair, opts: &UnfoldOptions, image_arg: &'static str) -> Result<Self> {
        let kernel = positive("kernel_size", "kernel_size", opts.kernel_size)?;
        let dilation = positive_dilation(opts.dilation)?;
        let padding = non_negative("padding", "padding", opts.padding)?;
        let stride = positive("stride", "stride", opts.stride)?;
        let image = positive(image_arg, image_arg, image)?;
        let b = [0, 1].map(|d| {
            conv_output_len(
                image[d],
                padding[d],
                padding[d],
                kernel[d],
                stride[d],
                dilation[d],
            )
        });
        let blocks = match b {
            [Some(bh), Some(bw)] => [bh, bw],
            _ => {
                // Every size is at most 2^24 (checked above), so |padded − eff| < 2^49 fits i64
                // (an i128 division would add compiler-builtins' 128-bit division to the wasm).
                let calc = [0, 1].map(|d| {
                    let padded = image[d] as i64 + 2 * padding[d] as i64;
                    let eff = dilation[d] as i64 * (kernel[d] as i64 - 1) + 1;
                    (padded - eff).div_euclid(stride[d] as i64) + 1
                });
                return Err(Error::new(
                    ErrorKind::OutputTooSmall,
                    "kernel_size",
                    format!(
                        "Given {} with spatial size ({}, {}), kernel_size=({}, {}), dilation=({}, {}), padding=({}, {}), calculated shape of the array of sliding blocks as ({}, {}), but its components must be at least one.",
                        if image_arg == "output_size" { "output_size" } else { "input" },
                        image[0], image[1], kernel[0], kernel[1], dilation[0], dilation[1],
                        padding[0], padding[1], calc[0].max(0), calc[1].max(0)
                    ),
                ));
            }
        };
        Ok(UnfoldGeometry {
            image,
            kernel,
            dilation,
            padding,
            stride,
            blocks,
        })
    }

    /// L = blocks_h · blocks_w.
    pub fn positions(&self) -> usize {
        self.blocks[0] * self.blocks[1]
    }
}
