//! The gradients of `Conv2d` / `ConvTranspose2d` (what `y.backward(gradOutput)` gives the
//! input, the weight and the bias), and the `Conv2d` backward trace (#18).
//!
//! Arguments are read in PyTorch's order: the forward's (input, weight, options — the same
//! checks and words as `conv2d` / `convTranspose2d` of the core module, output size included),
//! then `gradOutput` against the forward's output shape.

use super::args::{call_args, conv2d_options, conv_transpose2d_options, index, Input, InputOf};
use super::marshal::{conv_arith_js, object, output_js, set, source_js, tensor_js};
use super::marshal::{record, records};
use super::options::grad_output;
use convviz::backward::{
    conv2d_backward, conv2d_grad_input, conv2d_grad_weight, conv_transpose2d_backward,
    Conv2dBackwardTrace as CoreTrace, Conv2dGrads,
};
use convviz::conv2d::conv2d_geometry;
use convviz::conv_transpose2d::conv_transpose2d_geometry;
use convviz_common::js::{js_err, JsResult};
use ndarray::Array4;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// A `Conv2d` backward's input, weight, gradOutput and options.
type Conv2dCall = (
    Input<Array4<f32>>,
    Array4<f32>,
    Array4<f32>,
    convviz::params::Conv2dOptions,
);

/// Input, weight and gradOutput of a `Conv2d` backward, checked as the forward checks them.
fn conv2d_args(
    input: &JsValue,
    weight: &JsValue,
    grad_out: &JsValue,
    options: &JsValue,
) -> JsResult<Conv2dCall> {
    let opts = conv2d_options(options)?;
    let (x, w, _) = call_args(InputOf::Conv2d, input, weight, &JsValue::NULL, &|| {
        opts.check().map(drop)
    })?;
    let g = conv2d_geometry(&x.x.view(), &w.view(), None, &opts).map_err(js_err)?;
    let [ho, wo] = g.output;
    let gy = grad_output(grad_out, x.batched, &[g.batch, g.out_channels, ho, wo])?;
    Ok((x, w, gy, opts))
}

/// `{ gradInput, gradWeight, gradBias }`, gradInput without the batch axis for an unbatched
/// input.
fn grads_js(g: &Conv2dGrads, batched: bool) -> JsValue {
    let o = object();
    set(&o, "gradInput", output_js(&g.grad_input, batched));
    set(&o, "gradWeight", tensor_js(&g.grad_weight));
    set(&o, "gradBias", tensor_js(&g.grad_bias));
    o
}

/// `Conv2d`'s gradients: `{ gradInput, gradWeight, gradBias }` for `gradOutput` = ∂L/∂y (see
/// docs/js-api.md). Same `input`, `weight` and `options` as `conv2d`; `gradOutput` has the
/// forward output's shape (unbatched when the input is).
///
/// # Errors
/// A JS `Error` (`.arg`, `.kind`): what `conv2d` refuses, in its order, then a `gradOutput` of
/// another shape than the output (autograd's "Mismatch in shape"), empty tensors, NaN/±∞.
#[wasm_bindgen(js_name = conv2dBackward)]
pub fn conv2d_backward_js(
    input: JsValue,
    weight: JsValue,
    grad_out: JsValue,
    options: JsValue,
) -> JsResult<JsValue> {
    let (x, w, gy, opts) = conv2d_args(&input, &weight, &grad_out, &options)?;
    let g = conv2d_backward(x.x.view(), w.view(), gy.view(), &opts).map_err(js_err)?;
    Ok(grads_js(&g, x.batched))
}

/// `Conv2d`'s ∂L/∂input alone (`torch.nn.grad.conv2d_input`): `conv2dBackward`'s `gradInput`
/// without the weight's product. Same arguments and checks as `conv2dBackward`.
///
/// # Errors
/// As [`conv2d_backward_js`].
#[wasm_bindgen(js_name = conv2dGradInput)]
pub fn conv2d_grad_input_js(
    input: JsValue,
    weight: JsValue,
    grad_out: JsValue,
    options: JsValue,
) -> JsResult<JsValue> {
    let (x, w, gy, opts) = conv2d_args(&input, &weight, &grad_out, &options)?;
    let gx = conv2d_grad_input(x.x.view(), w.view(), gy.view(), &opts).map_err(js_err)?;
    Ok(output_js(&gx, x.batched))
}

/// `Conv2d`'s ∂L/∂weight alone (`torch.nn.grad.conv2d_weight`): `conv2dBackward`'s
/// `gradWeight` without the input's product and col2im. Same arguments and checks as
/// `conv2dBackward`.
///
/// # Errors
/// As [`conv2d_backward_js`].
#[wasm_bindgen(js_name = conv2dGradWeight)]
pub fn conv2d_grad_weight_js(
    input: JsValue,
    weight: JsValue,
    grad_out: JsValue,
    options: JsValue,
) -> JsResult<JsValue> {
    let (x, w, gy, opts) = conv2d_args(&input, &weight, &grad_out, &options)?;
    let gw = conv2d_grad_weight(x.x.view(), w.view(), gy.view(), &opts).map_err(js_err)?;
    Ok(tensor_js(&gw))
}

/// `ConvTranspose2d`'s gradients: `{ gradInput, gradWeight, gradBias }`. Same `input`,
/// `weight` and `options` (`outputSize` too) as `convTranspose2d`.
///
/// # Errors
/// As [`conv2d_backward_js`], with `convTranspose2d`'s checks.
#[wasm_bindgen(js_name = convTranspose2dBackward)]
pub fn conv_transpose2d_backward_js(
    input: JsValue,
    weight: JsValue,
    grad_out: JsValue,
    options: JsValue,
) -> JsResult<JsValue> {
    let opts = conv_transpose2d_options(&options)?;
    let (x, w, _) = call_args(
        InputOf::ConvTranspose2d,
        &input,
        &weight,
        &JsValue::NULL,
        &|| opts.check(),
    )?;
    let g = conv_transpose2d_geometry(&x.x.view(), &w.view(), None, &opts).map_err(js_err)?;
    let [ho, wo] = g.output;
    let gy: Array4<f32> = grad_output(&grad_out, x.batched, &[g.batch, g.out_channels, ho, wo])?;
    let grads =
        conv_transpose2d_backward(x.x.view(), w.view(), gy.view(), &opts).map_err(js_err)?;
    Ok(grads_js(&grads, x.batched))
}

/// Every intermediate of one `Conv2d` backward pass (see docs/js-api.md). Tensors keep the
/// batch axis (of 1 for an unbatched input), as the core module's traces do. Call `free()`
/// when done.
#[wasm_bindgen]
pub struct Conv2dBackwardTrace {
    inner: CoreTrace,
}

/// Compute a `Conv2d` backward pass keeping every stage; the arguments of `conv2dBackward`.
///
/// # Errors
/// As `conv2dBackward`, and intermediates over the element cap.
#[wasm_bindgen(js_name = conv2dBackwardTrace)]
pub fn conv2d_backward_trace(
    input: JsValue,
    weight: JsValue,
    grad_out: JsValue,
    options: JsValue,
) -> JsResult<Conv2dBackwardTrace> {
    let (x, w, gy, opts) = conv2d_args(&input, &weight, &grad_out, &options)?;
    let inner = CoreTrace::new(x.x.view(), w.view(), gy.view(), &opts).map_err(js_err)?;
    Ok(Conv2dBackwardTrace { inner })
}

#[wasm_bindgen]
impl Conv2dBackwardTrace {
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
    /// ∂L/∂y (N, C_out, H_out, W_out).
    #[wasm_bindgen(getter, js_name = gradOutput)]
    pub fn grad_output(&self) -> JsValue {
        tensor_js(&self.inner.grad_output)
    }
    /// The forward's `paddedInput` (N, C_in, Hp, Wp).
    #[wasm_bindgen(getter, js_name = paddedInput)]
    pub fn padded_input(&self) -> JsValue {
        tensor_js(&self.inner.padded_input)
    }
    /// `{ shape: [Hp, Wp, 2], data: Int32Array }`: the input cell each padded cell holds, or
    /// −1 (as `conv2dTrace`'s `haloSource`); the fold-back follows it.
    #[wasm_bindgen(getter, js_name = haloSource)]
    pub fn halo_source(&self) -> JsValue {
        source_js(&self.inner.halo_source)
    }
    /// The forward's `columns` (N, C_in·kh·kw, L).
    #[wasm_bindgen(getter)]
    pub fn columns(&self) -> JsValue {
        tensor_js(&self.inner.columns)
    }
    /// `Wᵀ·∂L/∂y` per group (N, C_in·kh·kw, L), before col2im.
    #[wasm_bindgen(getter, js_name = gradColumns)]
    pub fn grad_columns(&self) -> JsValue {
        tensor_js(&self.inner.grad_columns)
    }
    /// col2im of `gradColumns` (N, C_in, Hp, Wp): ∂L/∂(padded input), before the halo folds
    /// back.
    #[wasm_bindgen(getter, js_name = gradPaddedInput)]
    pub fn grad_padded_input(&self) -> JsValue {
        tensor_js(&self.inner.grad_padded_input)
    }
    /// ∂L/∂input (N, C_in, H, W).
    #[wasm_bindgen(getter, js_name = gradInput)]
    pub fn grad_input(&self) -> JsValue {
        tensor_js(&self.inner.grad_input)
    }
    /// ∂L/∂weight (C_out, C_in/groups, kh, kw).
    #[wasm_bindgen(getter, js_name = gradWeight)]
    pub fn grad_weight(&self) -> JsValue {
        tensor_js(&self.inner.grad_weight)
    }
    /// ∂L/∂bias (C_out).
    #[wasm_bindgen(getter, js_name = gradBias)]
    pub fn grad_bias(&self) -> JsValue {
        tensor_js(&self.inner.grad_bias)
    }
    /// `{ height, width }` output-size arithmetic (as `conv2dTrace`'s `arithmetic`).
    #[wasm_bindgen(getter)]
    pub fn arithmetic(&self) -> JsValue {
        conv_arith_js(&self.inner.geometry)
    }
    /// H_out · W_out.
    #[wasm_bindgen(getter)]
    pub fn positions(&self) -> f64 {
        self.inner.geometry.positions() as f64
    }
    /// The validated arguments (as `conv2dTrace`'s `params`).
    #[wasm_bindgen(getter)]
    pub fn params(&self) -> JsValue {
        let g = &self.inner.geometry;
        record! {
            stride: pair(g.stride),
            padding: pair(g.pad_before),
            paddingBottomRight: pair(g.pad_after),
            dilation: pair(g.dilation),
            groups: num(g.groups),
            paddingMode: tag("zeros|reflect|replicate|circular", g.padding_mode as usize),
            kernelSize: pair(g.kernel),
            inChannels: num(g.in_channels),
            outChannels: num(g.out_channels),
            batch: num(g.batch),
            inputSize: pair(g.input),
            outputSize: pair(g.output),
        }
    }
    /// How ∂L/∂W[cOut, cIn, i, j] is summed (`cIn` within the group, as the weight's second
    /// axis): `{ sum, terms: [{ n, oh, ow, c, ph, pw, kind, ih, iw, x, g, product, sum }] }`,
    /// one term per image and output position; `sum` equals `gradWeight`'s entry bit for bit.
    ///
    /// # Errors
    /// An index out of range, named.
    #[wasm_bindgen(js_name = weightSteps)]
    pub fn weight_steps(&self, c_out: f64, c_in: f64, i: f64, j: f64) -> JsResult<JsValue> {
        let s = self
            .inner
            .weight_steps(
                index("c_out", c_out)?,
                index("c_in", c_in)?,
                index("i", i)?,
                index("j", j)?,
            )
            .map_err(js_err)?;
        let or_neg1 = |v: Option<usize>| v.map_or(-1.0, |v| v as f64);
        let o = record! { sum: num(s.sum) };
        let terms = records!(for t in &s.terms => {
            n: num(t.n),
            oh: num(t.oh),
            ow: num(t.ow),
            c: num(t.c),
            ph: num(t.ph),
            pw: num(t.pw),
            // The names in the enum's declaration order.
            kind: tag("input|padding|skip", t.kind as usize),
            ih: num(or_neg1(t.source.map(|s| s.0))),
            iw: num(or_neg1(t.source.map(|s| s.1))),
            x: num(t.x),
            g: num(t.g),
            product: num(t.product),
            sum: num(t.sum),
        });
        set(&o, "terms", terms);
        Ok(o)
    }
    /// How ∂L/∂x[n, cIn, ih, iw] is summed: `{ sum, cells: [{ ph, pw, inside, value, sum,
    /// terms: [{ cOut, i, j, oh, ow, w, g, product, column }] }] }` — the padded cells holding
    /// the input cell (itself, and its halo copies for reflect / replicate / circular), each
    /// with the products that land on it; `sum` equals `gradInput`'s entry bit for bit.
    ///
    /// # Errors
    /// An index out of range, named.
    #[wasm_bindgen(js_name = inputSteps)]
    pub fn input_steps(&self, n: f64, c_in: f64, ih: f64, iw: f64) -> JsResult<JsValue> {
        let s = self
            .inner
            .input_steps(
                index("n", n)?,
                index("c_in", c_in)?,
                index("ih", ih)?,
                index("iw", iw)?,
            )
            .map_err(js_err)?;
        let o = record! { sum: num(s.sum) };
        let cells = records!(for c in &s.cells => {
            ph: num(c.ph),
            pw: num(c.pw),
            inside: flag(c.inside),
            value: num(c.value),
            sum: num(c.sum),
        });
        let list: &js_sys::Array = cells.unchecked_ref();
        for (k, c) in s.cells.iter().enumerate() {
            let terms = records!(for t in &c.terms => {
                cOut: num(t.c_out),
                i: num(t.i),
                j: num(t.j),
                oh: num(t.oh),
                ow: num(t.ow),
                w: num(t.w),
                g: num(t.g),
                product: num(t.product),
                column: num(t.column),
            });
            set(&list.get(k as u32), "terms", terms);
        }
        set(&o, "cells", cells);
        Ok(o)
    }
}
