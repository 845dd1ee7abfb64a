//! `F.max_pool2d` (with PyTorch's indices), `F.avg_pool2d`, one output cell's window, and the
//! output-size arithmetic for the controls (#19).

use super::args::{conv_input, field, Input, InputOf};
use super::marshal::{keyed, record, records};
use super::marshal::{object, output_js, set, sizes, tensor_i32};
use super::options::{avg_pool_options, indices, max_pool_options};
use convviz::pool::{
    avg_pool2d, avg_pool2d_window, max_pool2d, max_pool2d_window, max_pool2d_with_indices,
    AvgPool2dOptions, MaxPool2dOptions, PoolWindow,
};
use convviz_common::js::{bad, describe, js_err, JsResult};
use ndarray::{Array4, Dimension};
use wasm_bindgen::prelude::*;

#[wasm_bindgen(inline_js = r#"
export function inputValuesOnly(cells) {
  for (const c of cells) if (c.kind !== 'input') c.value = null;
}
"#)]
extern "C" {
    /// `value: null` on every window cell that is not an input cell (one crossing).
    #[wasm_bindgen(js_name = inputValuesOnly)]
    fn input_values_only(cells: &JsValue);
}

/// A pooling's input: (N, C, H, W) (N may be 0) or unbatched (C, H, W), refused in PyTorch's
/// words otherwise.
fn pool_input(v: &JsValue) -> JsResult<Input<Array4<f32>>> {
    conv_input(InputOf::Unfold, v)
}

/// `{ shape, data: Int32Array }` of PyTorch's int64 indices, the batch axis dropped unless
/// `batched`. Every index is below H·W ≤ the element cap (2²⁴): exact in an `Int32Array`.
fn indices_js(a: &Array4<i64>, batched: bool) -> JsValue {
    let data: Vec<i32> = a
        .iter()
        .map(|&i| i32::try_from(i).unwrap_or(i32::MAX))
        .collect();
    let shape = a.raw_dim();
    let shape = shape.slice();
    tensor_i32(&sizes(if batched { shape } else { &shape[1..] }), &data)
}

/// `F.max_pool2d(input, kernelSize, stride, padding, dilation, ceilMode, returnIndices)`:
/// `input` (N, C, H, W) or unbatched (C, H, W); options `{ kernelSize (required), stride
/// (default kernelSize), padding, dilation, ceilMode, returnIndices }`, sizes `n`, `[n]` or
/// `[h, w]`. Returns the output tensor, or with `returnIndices: true` `{ output, indices }`,
/// `indices` a `{ shape, data: Int32Array }` of flat `h·W + w` positions in each input plane.
///
/// # Errors
/// A JS `Error` (`.arg`, `.kind`) for anything PyTorch refuses, in its words and order.
#[wasm_bindgen(js_name = maxPool2d)]
pub fn max_pool2d_js(input: JsValue, options: JsValue) -> JsResult<JsValue> {
    let (opts, with_indices) = max_pool_options(&options)?;
    let x = pool_input(&input)?;
    if !with_indices {
        let y = max_pool2d(x.x.view(), &opts).map_err(js_err)?;
        return Ok(output_js(&y, x.batched));
    }
    let r = max_pool2d_with_indices(x.x.view(), &opts).map_err(js_err)?;
    let o = object();
    set(&o, "output", output_js(&r.output, x.batched));
    set(&o, "indices", indices_js(&r.indices, x.batched));
    Ok(o)
}

/// `F.avg_pool2d(input, kernelSize, stride, padding, ceilMode, countIncludePad,
/// divisorOverride)`: options `{ kernelSize (required), stride (default kernelSize), padding,
/// ceilMode, countIncludePad (default true), divisorOverride (default null) }`.
///
/// # Errors
/// A JS `Error` (`.arg`, `.kind`) for anything PyTorch refuses, in its words and order.
#[wasm_bindgen(js_name = avgPool2d)]
pub fn avg_pool2d_js(input: JsValue, options: JsValue) -> JsResult<JsValue> {
    let opts = avg_pool_options(&options)?;
    let x = pool_input(&input)?;
    let y = avg_pool2d(x.x.view(), &opts).map_err(js_err)?;
    Ok(output_js(&y, x.batched))
}

/// The window of one output cell of a pooling, and how its value came out of it:
/// `kind` `'max'` (options of [`max_pool2d_js`]) or `'avg'` (of [`avg_pool2d_js`]), `at` the
/// output cell `[n, c, oh, ow]` (`[c, oh, ow]` for an unbatched input). Returns `{ at: [n, c,
/// oh, ow], cells: [{ i, j, row, col, kind: 'input' | 'padding' | 'outside', value }], output,
/// argmax, index, sum, divisor }` (see docs/js-api.md).
///
/// # Errors
/// What the pooling refuses, an unknown `kind`, `at` (`.arg` `'cell'`) outside the output.
#[wasm_bindgen(js_name = poolWindow)]
pub fn pool_window(
    input: JsValue,
    options: JsValue,
    kind: JsValue,
    at: JsValue,
) -> JsResult<JsValue> {
    let opts = match kind.as_string().as_deref() {
        Some("max") => Kind::Max(max_pool_options(&options)?.0),
        Some("avg") => Kind::Avg(avg_pool_options(&options)?),
        _ => {
            return Err(bad(
                "kind",
                format!("expected 'max' or 'avg', got {}", describe(&kind)),
            ))
        }
    };
    let x = pool_input(&input)?;
    let mut cell = indices("cell", &at, if x.batched { 4 } else { 3 })?;
    if !x.batched {
        cell.insert(0, 0);
    }
    let cell = [cell[0], cell[1], cell[2], cell[3]];
    let w = match opts {
        Kind::Max(o) => max_pool2d_window(x.x.view(), &o, cell),
        Kind::Avg(o) => avg_pool2d_window(x.x.view(), &o, cell),
    }
    .map_err(js_err)?;
    Ok(window_js(&w))
}

/// Which pooling `poolWindow` shows, with its options.
enum Kind {
    Max(MaxPool2dOptions),
    Avg(AvgPool2dOptions),
}

fn window_js(w: &PoolWindow) -> JsValue {
    let [n, c, oh, ow] = w.at;
    let o = record! {
        output: num(w.output),
    };
    let at = js_sys::Array::new();
    for v in [n, c, oh, ow] {
        at.push(&(v as f64).into());
    }
    set(&o, "at", at);
    let cells = records!(for c in &w.cells => {
        i: num(c.i),
        j: num(c.j),
        row: num(c.row),
        col: num(c.col),
        // The names in the enum's declaration order.
        kind: tag("input|padding|outside", c.kind as usize),
        value: num(c.value.unwrap_or(0.0)),
    });
    input_values_only(&cells);
    set(&o, "cells", cells);
    let opt = |v: Option<f64>| v.map_or(JsValue::NULL, JsValue::from);
    set(&o, "argmax", opt(w.argmax.map(|a| a as f64)));
    set(&o, "index", opt(w.index.map(|a| a as f64)));
    set(&o, "sum", opt(w.sum.map(f64::from)));
    set(&o, "divisor", opt(w.divisor.map(|a| a as f64)));
    o
}

/// A pooling's output-size arithmetic per dimension, for slider bounds: options `{ inputSize,
/// kernelSize, stride, padding, dilation, ceilMode }` (`inputSize` `[H, W]` or a full shape).
/// Returns `{ height: POOL_ARITH, width: POOL_ARITH }`, `POOL_ARITH = { input, kernel, stride,
/// padding, dilation, effectiveKernel, maxPadding, output, lastStart, lastEnd }` (see
/// docs/js-api.md).
///
/// # Errors
/// What `maxPool2d` refuses for these sizes (a padding over half the effective kernel, no
/// output, …).
#[wasm_bindgen(js_name = pool2dOutputSize)]
pub fn pool2d_output_size(options: JsValue) -> JsResult<JsValue> {
    let (opts, _) = max_pool_options(&options)?;
    let size = match field(&options, "inputSize")? {
        None => return Err(bad("input_size", "inputSize is required")),
        Some(v) => super::options::spatial_size("input_size", &v)?,
    };
    let g = opts.geometry([1, 1, size[0], size[1]]).map_err(js_err)?;
    // The geometry guarantees kernel, stride, dilation ≥ 1 and output ≥ 1.
    let eff = |d: usize| g.dilation[d] * (g.kernel[d] - 1) + 1;
    let last = |d: usize| g.window_start(d, g.output[d] - 1);
    Ok(keyed!(for d in ["height", "width"] => {
        input: num(g.input[d]),
        kernel: num(g.kernel[d]),
        stride: num(g.stride[d]),
        padding: num(g.padding[d]),
        dilation: num(g.dilation[d]),
        effectiveKernel: num(eff(d)),
        maxPadding: num(eff(d) / 2),
        output: num(g.output[d]),
        lastStart: num(last(d)),
        lastEnd: num(last(d) + eff(d) as i64 - 1),
    }))
}
