//! What the animation plays: for one output position, every tap the kernel reads, in the
//! order the trace's product sums them, with the running sum.

use crate::conv2d::Conv2dTrace;
use crate::conv_transpose2d::ConvTranspose2dTrace;
use crate::error::{Error, Result};

/// Where a tap's value comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TapKind {
    /// A cell of the input itself.
    Input,
    /// A cell of the padding halo (a zero, or for reflect/replicate/circular a copy of an
    /// input cell).
    Padding,
    /// A dilation hole inside the kernel's footprint: skipped, contributes nothing.
    Skip,
}

impl TapKind {
    /// `"input"`, `"padding"` or `"skip"`.
    pub fn as_str(self) -> &'static str {
        match self {
            TapKind::Input => "input",
            TapKind::Padding => "padding",
            TapKind::Skip => "skip",
        }
    }
}

/// One cell of the kernel's footprint at one position.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tap {
    /// Input, padding or dilation hole.
    pub kind: TapKind,
    /// Input channel.
    pub c: usize,
    /// Kernel row, `None` for a hole.
    pub i: Option<usize>,
    /// Kernel column, `None` for a hole.
    pub j: Option<usize>,
    /// Row in the padded input.
    pub ph: usize,
    /// Column in the padded input.
    pub pw: usize,
    /// The input cell this value is (for padding: the one it copies), if any.
    pub source: Option<(usize, usize)>,
    /// The value read (0 for a hole).
    pub x: f32,
    /// The weight it meets (0 for a hole).
    pub w: f32,
    /// `x · w`.
    pub product: f32,
    /// The running sum after this tap.
    pub sum: f32,
}

/// The whole dot product of one output cell.
#[derive(Debug, Clone, PartialEq)]
pub struct Conv2dSteps {
    /// Every footprint cell, channel by channel, row-major.
    pub taps: Vec<Tap>,
    /// Σ wᵢ·xᵢ, without bias: equal to the trace's `product` entry bit for bit.
    pub sum: f32,
    /// The bias added (0 without bias).
    pub bias: f32,
    /// `sum + bias`: equal to the trace's `output` entry bit for bit.
    pub output: f32,
}

fn out_of_range(arg: &'static str, v: usize, n: usize) -> Error {
    Error::value(
        arg,
        format!("{arg}={v} is out of range (must be below {n})"),
    )
}

impl Conv2dTrace {
    /// The taps of output cell `(n, c_out, oh, ow)`, in the order the product sums them.
    ///
    /// # Errors
    /// An index out of range.
    pub fn steps(&self, n: usize, c_out: usize, oh: usize, ow: usize) -> Result<Conv2dSteps> {
        let g = &self.geometry;
        let check = |arg, v, lim| {
            if v >= lim {
                Err(out_of_range(arg, v, lim))
            } else {
                Ok(())
            }
        };
        check("n", n, g.batch)?;
        check("c_out", c_out, g.out_channels)?;
        check("oh", oh, g.output[0])?;
        check("ow", ow, g.output[1])?;
        let grp = c_out / g.out_per_group();
        let cin_g = g.in_per_group();
        let [kh, kw] = g.kernel;
        let [dh, dw] = g.dilation;
        let (eh, ew) = ((kh - 1) * dh + 1, (kw - 1) * dw + 1);
        let (top, left) = (oh * g.stride[0], ow * g.stride[1]);
        let mut taps = Vec::with_capacity(cin_g * eh * ew);
        let mut sum = 0.0f32;
        for cl in 0..cin_g {
            let c = grp * cin_g + cl;
            for r in 0..eh {
                for q in 0..ew {
                    let (ph, pw) = (top + r, left + q);
                    let source = {
                        let sh = self.halo_source[[ph, 2 * pw]];
                        let sw = self.halo_source[[ph, 2 * pw + 1]];
                        (sh >= 0).then_some((sh as usize, sw as usize))
                    };
                    if r % dh != 0 || q % dw != 0 {
                        taps.push(Tap {
                            kind: TapKind::Skip,
                            c,
                            i: None,
                            j: None,
                            ph,
                            pw,
                            source,
                            x: 0.0,
                            w: 0.0,
                            product: 0.0,
                            sum,
                        });
                        continue;
                    }
                    let (i, j) = (r / dh, q / dw);
                    let inside = ph >= g.pad_before[0]
                        && ph < g.pad_before[0] + g.input[0]
                        && pw >= g.pad_before[1]
                        && pw < g.pad_before[1] + g.input[1];
                    let x = self.padded_input[[n, c, ph, pw]];
                    let w = self.weight[[c_out, cl, i, j]];
                    let product = w * x;
                    sum += product;
                    taps.push(Tap {
                        kind: if inside {
                            TapKind::Input
                        } else {
                            TapKind::Padding
                        },
                        c,
                        i: Some(i),
                        j: Some(j),
                        ph,
                        pw,
                        source,
                        x,
                        w,
                        product,
                        sum,
                    });
                }
            }
        }
        let bias = self.bias.as_ref().map_or(0.0, |b| b[c_out]);
        let output = if self.bias.is_some() { sum + bias } else { sum };
        Ok(Conv2dSteps {
            taps,
            sum,
            bias,
            output,
        })
    }
}

/// One output cell touched by the stamp of an input cell in a transposed convolution.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StampCell {
    /// Output channel.
    pub c: usize,
    /// Kernel row.
    pub i: usize,
    /// Kernel column.
    pub j: usize,
    /// Row on the full (uncropped) canvas: `ih·stride + i·dilation`.
    pub fh: usize,
    /// Column on the full canvas.
    pub fw: usize,
    /// Whether the cell survives the crop of `padding` (is inside the output).
    pub in_output: bool,
    /// The weight.
    pub w: f32,
    /// value · weight, added onto the canvas.
    pub product: f32,
}

/// The stamp of one input cell: value × kernel, scattered onto the output.
#[derive(Debug, Clone, PartialEq)]
pub struct Stamp {
    /// The input value.
    pub value: f32,
    /// Every cell it adds to, output channel by channel, kernel row-major.
    pub cells: Vec<StampCell>,
}

impl ConvTranspose2dTrace {
    /// The stamp of input cell `(n, c_in, ih, iw)`.
    ///
    /// # Errors
    /// An index out of range.
    pub fn stamp(&self, n: usize, c_in: usize, ih: usize, iw: usize) -> Result<Stamp> {
        let g = &self.geometry;
        let check = |arg, v, lim| {
            if v >= lim {
                Err(out_of_range(arg, v, lim))
            } else {
                Ok(())
            }
        };
        check("n", n, g.batch)?;
        check("c_in", c_in, g.in_channels)?;
        check("ih", ih, g.input[0])?;
        check("iw", iw, g.input[1])?;
        let value = self.input[[n, c_in, ih, iw]];
        let grp = c_in / g.in_per_group();
        let cout_g = g.out_per_group();
        let mut cells = Vec::with_capacity(cout_g * g.kernel[0] * g.kernel[1]);
        for ol in 0..cout_g {
            for i in 0..g.kernel[0] {
                for j in 0..g.kernel[1] {
                    let fh = ih * g.stride[0] + i * g.dilation[0];
                    let fw = iw * g.stride[1] + j * g.dilation[1];
                    let in_output = fh >= g.padding[0]
                        && fh < g.padding[0] + g.output[0]
                        && fw >= g.padding[1]
                        && fw < g.padding[1] + g.output[1];
                    let w = self.weight[[c_in, ol, i, j]];
                    cells.push(StampCell {
                        c: grp * cout_g + ol,
                        i,
                        j,
                        fh,
                        fw,
                        in_output,
                        w,
                        product: value * w,
                    });
                }
            }
        }
        Ok(Stamp { value, cells })
    }
}
