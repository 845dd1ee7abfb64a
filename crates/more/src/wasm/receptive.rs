//! Receptive fields of a stack of conv / pool layers, the paths from one output cell back to
//! the input, the sizes through the stack, and parameter counts (#19).
//!
//! A stack is an array of layers `{ kernelSize, stride = 1, padding = 0, dilation = 1,
//! ceilMode = false }` (sizes `n`, `[n]` or `[h, w]`); a pooling layer gives its stride (PyTorch's
//! default for a pool, `kernelSize`, is not assumed here).

use super::args::{check_options, field, int_or, required_pair};
use super::marshal::keyed;
use super::marshal::{object, set, usize_pair};
use super::options::{flag_or, indices, int1, layers, spatial_size};
use convviz::error::{Error, ErrorKind};
use convviz::receptive::{
    conv1d_params, conv2d_params, conv_transpose2d_params, path_counts, receptive_field,
    stack_sizes,
};
use convviz_common::js::{bad, js_err, JsResult};
use js_sys::{Array, Float64Array};
use wasm_bindgen::prelude::*;

/// 2⁵³: every integer below it is exact in a JS number.
const EXACT: u64 = 1 << 53;

/// `v` as a JS number, refused (naming `arg`) when a JS number could not hold it exactly.
fn exact(arg: &'static str, v: u64) -> JsResult<f64> {
    if v >= EXACT {
        return Err(js_err(Error::new(
            ErrorKind::TooLarge,
            arg,
            format!("{v} is past 2^53, the largest integer a JS number holds exactly"),
        )));
    }
    Ok(v as f64)
}

/// The receptive field after each layer: `[{ height: { size, jump, start }, width: { … } }]`
/// (see docs/js-api.md): output cell `o` of that layer sees input cells `start + o·jump …
/// start + o·jump + size − 1` along each axis (negative ones, and ones past the input, are
/// padding).
///
/// # Errors
/// `layers` not an array of layer objects; a kernel, stride or dilation below 1 or a negative
/// padding (named, with the layer's number); a field past 2⁵³ cells.
#[wasm_bindgen(js_name = receptiveField)]
pub fn receptive_field_js(layer_list: JsValue) -> JsResult<JsValue> {
    let ls = layers(&layer_list)?;
    let rf = receptive_field(&ls).map_err(js_err)?;
    let out = Array::new();
    for r in &rf {
        let mut v = [[0.0; 3]; 2];
        for (d, a) in r.iter().enumerate() {
            let start = exact("layers", a.start.unsigned_abs())?.copysign(a.start as f64);
            v[d] = [exact("layers", a.size)?, exact("layers", a.jump)?, start];
        }
        out.push(&keyed!(for d in ["height", "width"] => {
            size: num(v[d][0]),
            jump: num(v[d][1]),
            start: num(v[d][2]),
        }));
    }
    Ok(out.into())
}

/// The (H, W) of the input and of every layer's output: `[[H, W], …]`, one more entry than
/// layers.
///
/// # Errors
/// As [`receptive_field_js`]; `inputSize` not a size; a layer with no output (`kernel_size`,
/// with the layer's number); a map over the element cap.
#[wasm_bindgen(js_name = stackSizes)]
pub fn stack_sizes_js(layer_list: JsValue, input_size: JsValue) -> JsResult<JsValue> {
    let ls = layers(&layer_list)?;
    let size = spatial_size("input_size", &input_size)?;
    let sizes = stack_sizes(&ls, size).map_err(js_err)?;
    let out = Array::new();
    for s in sizes {
        out.push(&usize_pair(s));
    }
    Ok(out.into())
}

/// For output cell `cell` = `[row, col]` of the stack's last layer on an input of `inputSize`:
/// per layer input (then the output), how many paths lead to each cell — `[{ size: [H, W],
/// padding: [ph, pw], shape: [H + 2·ph, W + 2·pw], data: Float64Array }]`, `data` row-major over
/// the padded map (see docs/js-api.md).
///
/// # Errors
/// As [`stack_sizes_js`]; `cell` outside the output; maps or work over the caps; a count past
/// 2⁵³ (not exact in a JS number).
#[wasm_bindgen(js_name = pathCounts)]
pub fn path_counts_js(
    layer_list: JsValue,
    input_size: JsValue,
    cell: JsValue,
) -> JsResult<JsValue> {
    let ls = layers(&layer_list)?;
    let size = spatial_size("input_size", &input_size)?;
    let c = indices("cell", &cell, 2)?;
    let maps = path_counts(&ls, size, [c[0], c[1]]).map_err(js_err)?;
    let out = Array::new();
    for m in &maps {
        let data = m
            .counts
            .iter()
            .map(|&n| exact("layers", n))
            .collect::<JsResult<Vec<f64>>>()?;
        let o = object();
        set(&o, "size", usize_pair(m.size));
        set(&o, "padding", usize_pair(m.padding));
        let (h, w) = m.counts.dim();
        set(&o, "shape", usize_pair([h, w]));
        set(&o, "data", Float64Array::from(&data[..]));
        out.push(&o);
    }
    Ok(out.into())
}

/// `inChannels`, `outChannels`, `groups` (default 1) and `bias` (default true) of a
/// parameter count.
fn layer_counts(options: &JsValue) -> JsResult<(i64, i64, i64, bool)> {
    check_options(options)?;
    Ok((
        int_or(options, "inChannels", "in_channels", None)?,
        int_or(options, "outChannels", "out_channels", None)?,
        int_or(options, "groups", "groups", Some(1))?,
        flag_or(options, "bias", "bias", true)?,
    ))
}

/// The learnable parameters of `nn.Conv2d(inChannels, outChannels, kernelSize, groups=…,
/// bias=…)`: `out · in/groups · kh · kw` weights, plus `out` biases.
///
/// # Errors
/// Non-positive channels, kernel or groups; groups not dividing the channels; past 2⁵³.
#[wasm_bindgen(js_name = conv2dParams)]
pub fn conv2d_params_js(options: JsValue) -> JsResult<f64> {
    let (i, o, g, b) = layer_counts(&options)?;
    let k = required_pair(&options, "kernelSize", "kernel_size")?;
    exact("kernel_size", conv2d_params(i, o, k, g, b).map_err(js_err)?)
}

/// The learnable parameters of `nn.Conv1d(inChannels, outChannels, kernelSize, …)`
/// (`kernelSize` `n` or `[n]`).
///
/// # Errors
/// As [`conv2d_params_js`].
#[wasm_bindgen(js_name = conv1dParams)]
pub fn conv1d_params_js(options: JsValue) -> JsResult<f64> {
    let (i, o, g, b) = layer_counts(&options)?;
    let k = match field(&options, "kernelSize")? {
        None => return Err(bad("kernel_size", "kernelSize is required")),
        Some(v) => int1("kernel_size", &v)?,
    };
    exact("kernel_size", conv1d_params(i, o, k, g, b).map_err(js_err)?)
}

/// The learnable parameters of `nn.ConvTranspose2d(inChannels, outChannels, kernelSize, …)`:
/// a weight of `in · out/groups · kh · kw`, plus `out` biases.
///
/// # Errors
/// As [`conv2d_params_js`].
#[wasm_bindgen(js_name = convTranspose2dParams)]
pub fn conv_transpose2d_params_js(options: JsValue) -> JsResult<f64> {
    let (i, o, g, b) = layer_counts(&options)?;
    let k = required_pair(&options, "kernelSize", "kernel_size")?;
    exact(
        "kernel_size",
        conv_transpose2d_params(i, o, k, g, b).map_err(js_err)?,
    )
}
