//! The trace handles: every intermediate of one `Conv2d` / `ConvTranspose2d`, built once per
//! parameter change and read many times by the page.
//!
//! A trace of an unbatched `(C, H, W)` input is the trace of the same input as a batch of one:
//! every tensor keeps its batch axis (of 1), so that `steps(n, …)` / `stamp(n, …)` and every
//! view index one way; `output` holds PyTorch's values, its unbatched result with the batch
//! axis kept.

use super::args::{call_args, conv2d_options, conv_transpose2d_options, index, InputOf};
use super::marshal::{
    conv_arith_js, conv_t_arith_js, int_grid_js, object, opt_tensor_js, record, records, set,
    source_js, tensor_js, usize_pair,
};
use crate::conv2d::Conv2dTrace as CoreConv2dTrace;
use crate::conv_transpose2d::ConvTranspose2dTrace as CoreConvTranspose2dTrace;
use convviz_common::js::{js_err, JsResult};
use wasm_bindgen::prelude::*;

/// Every intermediate of one `Conv2d` (see docs/js-api.md). Call `free()` when done.
#[wasm_bindgen]
pub struct Conv2dTrace {
    inner: CoreConv2dTrace,
}

/// Compute a `Conv2d` keeping every stage; same arguments as [`super::conv2d`].
///
/// # Errors
/// As [`super::conv2d`], and intermediates over the element cap.
#[wasm_bindgen(js_name = conv2dTrace)]
pub fn conv2d_trace(
    input: JsValue,
    weight: JsValue,
    bias: JsValue,
    options: JsValue,
) -> JsResult<Conv2dTrace> {
    let opts = conv2d_options(&options)?;
    let (x, w, b) = call_args(InputOf::Conv2d, &input, &weight, &bias, &|| {
        opts.check().map(drop)
    })?;
    let inner = CoreConv2dTrace::new(x.x.view(), w.view(), b.as_ref().map(|b| b.view()), &opts)
        .map_err(js_err)?;
    Ok(Conv2dTrace { inner })
}

#[wasm_bindgen]
impl Conv2dTrace {
    /// The input (N, C_in, H, W).
    #[wasm_bindgen(getter)]
    pub fn input(&self) -> JsValue {
        tensor_js(&self.inner.input)
    }
    /// The weight (C_out, C_in/groups, kh, kw).
    #[wasm_bindgen(getter)]
    pub fn weight(&self) -> JsValue {
        tensor_js(&self.inner.weight)
    }
    /// The bias (C_out) or null.
    #[wasm_bindgen(getter)]
    pub fn bias(&self) -> JsValue {
        opt_tensor_js(&self.inner.bias)
    }
    /// `padded_input` (N, C_in, Hp, Wp).
    #[wasm_bindgen(getter, js_name = paddedInput)]
    pub fn padded_input(&self) -> JsValue {
        tensor_js(&self.inner.padded_input)
    }
    /// `columns` (N, C_in·kh·kw, L).
    #[wasm_bindgen(getter)]
    pub fn columns(&self) -> JsValue {
        tensor_js(&self.inner.columns)
    }
    /// `weight_matrix` (C_out, C_in/groups·kh·kw).
    #[wasm_bindgen(getter, js_name = weightMatrix)]
    pub fn weight_matrix(&self) -> JsValue {
        tensor_js(&self.inner.weight_matrix)
    }
    /// `product` (N, C_out, L), no bias.
    #[wasm_bindgen(getter)]
    pub fn product(&self) -> JsValue {
        tensor_js(&self.inner.product)
    }
    /// `output` (N, C_out, H_out, W_out).
    #[wasm_bindgen(getter)]
    pub fn output(&self) -> JsValue {
        tensor_js(&self.inner.output)
    }
    /// `{ shape: [Hp, Wp, 2], data: Int32Array }`: the input cell each padded cell holds, or -1.
    #[wasm_bindgen(getter, js_name = haloSource)]
    pub fn halo_source(&self) -> JsValue {
        source_js(&self.inner.halo_source)
    }
    /// `{ height, width }` output-size arithmetic.
    #[wasm_bindgen(getter)]
    pub fn arithmetic(&self) -> JsValue {
        conv_arith_js(&self.inner.geometry)
    }
    /// H_out · W_out.
    #[wasm_bindgen(getter)]
    pub fn positions(&self) -> f64 {
        self.inner.geometry.positions() as f64
    }
    /// The validated arguments.
    #[wasm_bindgen(getter)]
    pub fn params(&self) -> JsValue {
        let g = &self.inner.geometry;
        record! {
            stride: pair(g.stride),
            padding: pair(g.pad_before),
            paddingBottomRight: pair(g.pad_after),
            dilation: pair(g.dilation),
            groups: num(g.groups),
            // The names in the enum's declaration order (tests/wasm_api.rs checks each).
            paddingMode: tag("zeros|reflect|replicate|circular", g.padding_mode as usize),
            kernelSize: pair(g.kernel),
            inChannels: num(g.in_channels),
            outChannels: num(g.out_channels),
            batch: num(g.batch),
            inputSize: pair(g.input),
            outputSize: pair(g.output),
        }
    }
    /// The taps of output cell `(n, cOut, oh, ow)` with running sums (see docs/js-api.md).
    ///
    /// # Errors
    /// An index out of range.
    pub fn steps(&self, n: f64, c_out: f64, oh: f64, ow: f64) -> JsResult<JsValue> {
        let s = self
            .inner
            .steps(
                index("n", n)?,
                index("c_out", c_out)?,
                index("oh", oh)?,
                index("ow", ow)?,
            )
            .map_err(js_err)?;
        // A missing kernel / input index (a dilation hole, a zero of padding) is -1.
        let or_neg1 = |v: Option<usize>| v.map_or(-1.0, |v| v as f64);
        let o = record! {
            sum: num(s.sum),
            bias: num(s.bias),
            output: num(s.output),
        };
        let taps = records!(for t in &s.taps => {
            // The names in the enum's declaration order.
            kind: tag("input|padding|skip", t.kind as usize),
            c: num(t.c),
            i: num(or_neg1(t.i)),
            j: num(or_neg1(t.j)),
            ph: num(t.ph),
            pw: num(t.pw),
            ih: num(or_neg1(t.source.map(|s| s.0))),
            iw: num(or_neg1(t.source.map(|s| s.1))),
            x: num(t.x),
            w: num(t.w),
            product: num(t.product),
            sum: num(t.sum),
        });
        set(&o, "taps", taps);
        Ok(o)
    }
}

/// Every intermediate of one `ConvTranspose2d`, both routes (see docs/js-api.md).
#[wasm_bindgen]
pub struct ConvTranspose2dTrace {
    inner: CoreConvTranspose2dTrace,
}

/// Compute a `ConvTranspose2d` keeping every stage; same arguments as
/// [`super::conv_transpose2d`].
///
/// # Errors
/// As [`super::conv_transpose2d`].
#[wasm_bindgen(js_name = convTranspose2dTrace)]
pub fn conv_transpose2d_trace(
    input: JsValue,
    weight: JsValue,
    bias: JsValue,
    options: JsValue,
) -> JsResult<ConvTranspose2dTrace> {
    let opts = conv_transpose2d_options(&options)?;
    let (x, w, b) = call_args(InputOf::ConvTranspose2d, &input, &weight, &bias, &|| {
        opts.check()
    })?;
    let inner =
        CoreConvTranspose2dTrace::new(x.x.view(), w.view(), b.as_ref().map(|b| b.view()), &opts)
            .map_err(js_err)?;
    Ok(ConvTranspose2dTrace { inner })
}

#[wasm_bindgen]
impl ConvTranspose2dTrace {
    /// The input (N, C_in, H, W).
    #[wasm_bindgen(getter)]
    pub fn input(&self) -> JsValue {
        tensor_js(&self.inner.input)
    }
    /// The weight (C_in, C_out/groups, kh, kw).
    #[wasm_bindgen(getter)]
    pub fn weight(&self) -> JsValue {
        tensor_js(&self.inner.weight)
    }
    /// The bias or null.
    #[wasm_bindgen(getter)]
    pub fn bias(&self) -> JsValue {
        opt_tensor_js(&self.inner.bias)
    }
    /// `columns` (N, C_out·kh·kw, H·W) = Wᵀ·X per group.
    #[wasm_bindgen(getter)]
    pub fn columns(&self) -> JsValue {
        tensor_js(&self.inner.columns)
    }
    /// The full scatter canvas (N, C_out, Hf, Wf) before the crop, no bias.
    #[wasm_bindgen(getter)]
    pub fn full(&self) -> JsValue {
        tensor_js(&self.inner.full)
    }
    /// `{ shape: [Hf, Wf], data: Int32Array }` stamps landing on each full-canvas cell.
    #[wasm_bindgen(getter)]
    pub fn overlap(&self) -> JsValue {
        int_grid_js(&self.inner.overlap)
    }
    /// `output` (N, C_out, H_out, W_out).
    #[wasm_bindgen(getter)]
    pub fn output(&self) -> JsValue {
        tensor_js(&self.inner.output)
    }
    /// The output_padding actually used, `[h, w]`.
    #[wasm_bindgen(getter, js_name = outputPadding)]
    pub fn output_padding(&self) -> JsValue {
        usize_pair(self.inner.geometry.output_padding)
    }
    /// `{ height, width }` transposed output-size arithmetic.
    #[wasm_bindgen(getter)]
    pub fn arithmetic(&self) -> JsValue {
        conv_t_arith_js(&self.inner.geometry)
    }
    /// The validated arguments.
    #[wasm_bindgen(getter)]
    pub fn params(&self) -> JsValue {
        let g = &self.inner.geometry;
        record! {
            stride: pair(g.stride),
            padding: pair(g.padding),
            outputPadding: pair(g.output_padding),
            dilation: pair(g.dilation),
            groups: num(g.groups),
            kernelSize: pair(g.kernel),
            inChannels: num(g.in_channels),
            outChannels: num(g.out_channels),
            batch: num(g.batch),
            inputSize: pair(g.input),
            outputSize: pair(g.output),
            fullSize: pair(g.full),
        }
    }
    /// The zero-insertion picture: `{ input, padding: {top, bottom, left, right}, source,
    /// weight, output }`.
    #[wasm_bindgen(getter, js_name = zeroInsert)]
    pub fn zero_insert(&self) -> JsValue {
        let z = &self.inner.zero_insertion;
        let [top, bottom, left, right] = z.padding;
        let o = object();
        set(&o, "input", tensor_js(&z.input));
        set(
            &o,
            "padding",
            record! { top: num(top), bottom: num(bottom), left: num(left), right: num(right) },
        );
        set(&o, "source", source_js(&z.source));
        set(&o, "weight", tensor_js(&z.weight));
        set(&o, "output", tensor_js(&z.output));
        o
    }
    /// The stamp of input cell `(n, cIn, ih, iw)`: `{ value, cells: [{ c, i, j, fh, fw,
    /// inOutput, w, product }] }`.
    ///
    /// # Errors
    /// An index out of range.
    pub fn stamp(&self, n: f64, c_in: f64, ih: f64, iw: f64) -> JsResult<JsValue> {
        let s = self
            .inner
            .stamp(
                index("n", n)?,
                index("c_in", c_in)?,
                index("ih", ih)?,
                index("iw", iw)?,
            )
            .map_err(js_err)?;
        let o = record! { value: num(s.value) };
        let cells = records!(for c in &s.cells => {
            c: num(c.c),
            i: num(c.i),
            j: num(c.j),
            fh: num(c.fh),
            fw: num(c.fw),
            inOutput: flag(c.in_output),
            w: num(c.w),
            product: num(c.product),
        });
        set(&o, "cells", cells);
        Ok(o)
    }
}
