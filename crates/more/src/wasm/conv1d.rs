//! `F.conv1d` with `nn.Conv1d`'s `padding_mode`, and its trace (#19).

use super::args::{bias_arg, Bias, Input};
use super::marshal::record;
use super::marshal::{opt_tensor_js, output_js, sizes, tensor_i32, tensor_js};
use super::options::{conv1d_options, exact, input};
use convviz::conv1d::Conv1dOptions;
use convviz::conv1d::{conv1d as core_conv1d, Conv1dTrace as CoreTrace};
use convviz::error::list;
use convviz_common::js::{js_err, JsResult};
use ndarray::Array3;
use wasm_bindgen::prelude::*;

/// A `conv1d` call's input, weight, bias and options.
type Conv1dCall = (Input<Array3<f32>>, Array3<f32>, Bias, Conv1dOptions);

/// Input, weight and bias of a `conv1d` call and its options, in PyTorch's order (the values
/// are checked by the core).
fn call_args(
    x: &JsValue,
    weight: &JsValue,
    bias: &JsValue,
    options: &JsValue,
) -> JsResult<Conv1dCall> {
    let opts = conv1d_options(options)?;
    let x = input("input", x, 3, &|s| {
        format!(
            "Expected 2D (unbatched) or 3D (batched) input to conv1d, but got input of size: {}",
            list(s)
        )
    })?;
    let w = exact("weight", weight, 3, &|s| {
        format!(
            "Expected a 3-D weight (out_channels, in_channels / groups, kernel_size) for conv1d, but got weight of size {}",
            list(s)
        )
    })?;
    let b = bias_arg(bias)?;
    Ok((x, w, b, opts))
}

/// `F.conv1d(input, weight, bias, stride, padding, dilation, groups)` with `nn.Conv1d`'s
/// `paddingMode`: `input` (N, C_in, L) or unbatched (C_in, L), `weight` (C_out, C_in/groups,
/// k), `bias` (C_out) or null; options `{ stride, padding (n | 'same' | 'valid'), dilation,
/// groups, paddingMode }`, integers `n` or `[n]`.
///
/// # Errors
/// A JS `Error` (`.arg`, `.kind`) for anything PyTorch refuses (in its words) or the caps
/// refuse.
#[wasm_bindgen]
pub fn conv1d(
    input: JsValue,
    weight: JsValue,
    bias: JsValue,
    options: JsValue,
) -> JsResult<JsValue> {
    let (x, w, b, opts) = call_args(&input, &weight, &bias, &options)?;
    let y =
        core_conv1d(x.x.view(), w.view(), b.as_ref().map(|b| b.view()), &opts).map_err(js_err)?;
    Ok(output_js(&y, x.batched))
}

/// Every intermediate of one `Conv1d` (see docs/js-api.md): tensors keep the batch axis (of 1
/// for an unbatched input). Call `free()` when done.
#[wasm_bindgen]
pub struct Conv1dTrace {
    inner: CoreTrace,
}

/// Compute a `Conv1d` keeping every stage; the arguments of [`conv1d`].
///
/// # Errors
/// As [`conv1d`], and intermediates over the element cap.
#[wasm_bindgen(js_name = conv1dTrace)]
pub fn conv1d_trace(
    input: JsValue,
    weight: JsValue,
    bias: JsValue,
    options: JsValue,
) -> JsResult<Conv1dTrace> {
    let (x, w, b, opts) = call_args(&input, &weight, &bias, &options)?;
    let inner = CoreTrace::new(x.x.view(), w.view(), b.as_ref().map(|b| b.view()), &opts)
        .map_err(js_err)?;
    Ok(Conv1dTrace { inner })
}

#[wasm_bindgen]
impl Conv1dTrace {
    /// The input (N, C_in, L).
    #[wasm_bindgen(getter)]
    pub fn input(&self) -> JsValue {
        tensor_js(&self.inner.input)
    }
    /// The weight (C_out, C_in/groups, k).
    #[wasm_bindgen(getter)]
    pub fn weight(&self) -> JsValue {
        tensor_js(&self.inner.weight)
    }
    /// The bias (C_out) or null.
    #[wasm_bindgen(getter)]
    pub fn bias(&self) -> JsValue {
        opt_tensor_js(&self.inner.bias)
    }
    /// `paddedInput` (N, C_in, Lp), `paddingMode` applied.
    #[wasm_bindgen(getter, js_name = paddedInput)]
    pub fn padded_input(&self) -> JsValue {
        tensor_js(&self.inner.padded_input)
    }
    /// `{ shape: [Lp], data: Int32Array }`: the input index each padded cell holds, or −1 for
    /// a zero of padding.
    #[wasm_bindgen(getter, js_name = haloSource)]
    pub fn halo_source(&self) -> JsValue {
        let h = &self.inner.halo_source;
        tensor_i32(&sizes(h.shape()), h.as_slice().unwrap_or(&[]))
    }
    /// `columns` (N, C_in·k, L_out): row `c·k + j`, column `o` holds `paddedInput[c, o·stride +
    /// j·dilation]`.
    #[wasm_bindgen(getter)]
    pub fn columns(&self) -> JsValue {
        tensor_js(&self.inner.columns)
    }
    /// `weightMatrix` (C_out, C_in/groups·k).
    #[wasm_bindgen(getter, js_name = weightMatrix)]
    pub fn weight_matrix(&self) -> JsValue {
        tensor_js(&self.inner.weight_matrix)
    }
    /// `product` (N, C_out, L_out), no bias.
    #[wasm_bindgen(getter)]
    pub fn product(&self) -> JsValue {
        tensor_js(&self.inner.product)
    }
    /// `output` (N, C_out, L_out).
    #[wasm_bindgen(getter)]
    pub fn output(&self) -> JsValue {
        tensor_js(&self.inner.output)
    }
    /// The validated sizes: `{ batch, inChannels, outChannels, groups, inputSize, kernelSize,
    /// stride, dilation, padLeft, padRight, paddingMode, paddedSize, outputSize }`.
    #[wasm_bindgen(getter)]
    pub fn geometry(&self) -> JsValue {
        let g = &self.inner.geometry;
        record! {
            batch: num(g.batch),
            inChannels: num(g.in_channels),
            outChannels: num(g.out_channels),
            groups: num(g.groups),
            inputSize: num(g.input),
            kernelSize: num(g.kernel),
            stride: num(g.stride),
            dilation: num(g.dilation),
            padLeft: num(g.pad_before),
            padRight: num(g.pad_after),
            // The names in the enum's declaration order.
            paddingMode: tag("zeros|reflect|replicate|circular", g.padding_mode as usize),
            paddedSize: num(g.padded),
            outputSize: num(g.output),
        }
    }
}
