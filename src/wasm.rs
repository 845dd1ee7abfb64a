//! The JavaScript boundary: every `#[wasm_bindgen]` item of the crate, and nothing else.
//!
//! Arguments arrive as loose JavaScript values and are checked here, field by field, into the
//! core's typed options; every failure is a JS `Error` naming the argument. Nothing in this
//! file may panic: a panic would trap the module.

use crate::conv2d::{conv2d as core_conv2d, Conv2dTrace as CoreConv2dTrace};
use crate::conv_transpose2d::{
    conv_transpose2d as core_conv_transpose2d, ConvTranspose2dTrace as CoreConvTranspose2dTrace,
};
use crate::error::{Error, ErrorKind};
use crate::init::{default_init, LayerKind};
use crate::layer::{Conv2dLayer, ConvTranspose2dLayer};
use crate::params::{
    Conv2dGeometry, Conv2dOptions, ConvTranspose2dGeometry, ConvTranspose2dOptions, Padding,
    PaddingMode, Pair, UnfoldOptions,
};
use crate::tensor::{checked_shape, tensor1, tensor3, tensor4};
use convviz_common::js::{bad, describe, int, js_err, number, JsResult};
use js_sys::{Array, Float32Array, Object, Reflect};
use ndarray::{Array1, Array2, Array4, ArrayBase, ArrayView4, Data, Dimension};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// Installs `console_error_panic_hook` when the module starts: a panic (a bug) is logged on the
/// console with its message and stack before the module traps.
#[wasm_bindgen(start)]
pub fn start() {
    console_error_panic_hook::set_once();
}

/// The crate version.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

/// The element cap on any one tensor or intermediate ([`crate::MAX_ELEMENTS`]).
#[wasm_bindgen(js_name = maxElements)]
pub fn max_elements() -> f64 {
    crate::MAX_ELEMENTS as f64
}

// ---------------------------------------------------------------------------------------
// Reading arguments

fn is_absent(v: &JsValue) -> bool {
    v.is_undefined() || v.is_null()
}

/// `obj[key]`, or `None` when missing / null / undefined.
fn field(obj: &JsValue, key: &str) -> JsResult<Option<JsValue>> {
    if is_absent(obj) {
        return Ok(None);
    }
    let v = Reflect::get(obj, &JsValue::from_str(key))
        .map_err(|_| bad("options", format!("cannot read field '{key}'")))?;
    Ok((!is_absent(&v)).then_some(v))
}

fn check_options(opts: &JsValue) -> JsResult<()> {
    if is_absent(opts) || (opts.is_object() && !Array::is_array(opts)) {
        Ok(())
    } else {
        Err(bad(
            "options",
            "expected an options object such as { stride: 1, padding: 0 }",
        ))
    }
}

/// `n` or `[h, w]`.
fn int_pair(arg: &'static str, v: &JsValue) -> JsResult<Pair> {
    if Array::is_array(v) {
        let a: &Array = v.unchecked_ref();
        if a.length() != 2 {
            return Err(bad(
                arg,
                format!(
                    "expected a number or a pair [h, w], got an array of length {}",
                    a.length()
                ),
            ));
        }
        Ok([int(arg, &a.get(0))?, int(arg, &a.get(1))?])
    } else if v.as_f64().is_some() {
        let x = int(arg, v)?;
        Ok([x, x])
    } else {
        Err(bad(
            arg,
            format!("expected a number or a pair [h, w], got {}", describe(v)),
        ))
    }
}

fn pair_or(opts: &JsValue, key: &str, arg: &'static str, default: Pair) -> JsResult<Pair> {
    match field(opts, key)? {
        None => Ok(default),
        Some(v) => int_pair(arg, &v),
    }
}

fn required_pair(opts: &JsValue, key: &str, arg: &'static str) -> JsResult<Pair> {
    match field(opts, key)? {
        None => Err(bad(arg, format!("{key} is required"))),
        Some(v) => int_pair(arg, &v),
    }
}

/// `[H, W]`, or a full `[N, C, H, W]` size whose last two entries are taken (as PyTorch's
/// `output_size`).
fn size_pair(arg: &'static str, v: &JsValue) -> JsResult<Pair> {
    if Array::is_array(v) {
        let a: &Array = v.unchecked_ref();
        let n = a.length();
        if n == 2 || n == 4 {
            return Ok([int(arg, &a.get(n - 2))?, int(arg, &a.get(n - 1))?]);
        }
    }
    int_pair(arg, v)
}

fn padding_arg(opts: &JsValue) -> JsResult<Padding> {
    match field(opts, "padding")? {
        None => Ok(Padding::default()),
        Some(v) => match v.as_string().as_deref() {
            Some("same") => Ok(Padding::Same),
            Some("valid") => Ok(Padding::Valid),
            Some(s) => Err(bad(
                "padding",
                format!(
                    "Invalid padding string '{}', should be one of {{'valid', 'same'}} or a number / pair",
                    s.chars().take(40).collect::<String>()
                ),
            )),
            None => Ok(Padding::Explicit(int_pair("padding", &v)?)),
        },
    }
}

fn padding_mode_arg(opts: &JsValue) -> JsResult<PaddingMode> {
    match field(opts, "paddingMode")? {
        None => Ok(PaddingMode::Zeros),
        Some(v) => match v.as_string() {
            Some(s) => s.parse().map_err(js_err),
            None => Err(bad(
                "padding_mode",
                format!("expected a string, got {}", describe(&v)),
            )),
        },
    }
}

fn groups_arg(opts: &JsValue) -> JsResult<i64> {
    match field(opts, "groups")? {
        None => Ok(1),
        Some(v) => int("groups", &v),
    }
}

fn conv2d_options(opts: &JsValue) -> JsResult<Conv2dOptions> {
    check_options(opts)?;
    Ok(Conv2dOptions {
        stride: pair_or(opts, "stride", "stride", [1, 1])?,
        padding: padding_arg(opts)?,
        dilation: pair_or(opts, "dilation", "dilation", [1, 1])?,
        groups: groups_arg(opts)?,
        padding_mode: padding_mode_arg(opts)?,
    })
}

fn conv_transpose2d_options(opts: &JsValue) -> JsResult<ConvTranspose2dOptions> {
    check_options(opts)?;
    Ok(ConvTranspose2dOptions {
        stride: pair_or(opts, "stride", "stride", [1, 1])?,
        padding: pair_or(opts, "padding", "padding", [0, 0])?,
        output_padding: pair_or(opts, "outputPadding", "output_padding", [0, 0])?,
        dilation: pair_or(opts, "dilation", "dilation", [1, 1])?,
        groups: groups_arg(opts)?,
        output_size: match field(opts, "outputSize")? {
            None => None,
            Some(v) => Some(size_pair("output_size", &v)?),
        },
    })
}

fn unfold_options(opts: &JsValue) -> JsResult<UnfoldOptions> {
    check_options(opts)?;
    Ok(UnfoldOptions {
        kernel_size: required_pair(opts, "kernelSize", "kernel_size")?,
        dilation: pair_or(opts, "dilation", "dilation", [1, 1])?,
        padding: pair_or(opts, "padding", "padding", [0, 0])?,
        stride: pair_or(opts, "stride", "stride", [1, 1])?,
    })
}

/// The shape and data of a `{ shape, data }` tensor, checked for rank, sizes, the element cap
/// and data length *before* the data is copied.
fn tensor_parts(arg: &'static str, v: &JsValue, rank: usize) -> JsResult<(Vec<i64>, Vec<f32>)> {
    if !v.is_object() {
        return Err(bad(
            arg,
            format!("expected a tensor {{ shape, data }}, got {}", describe(v)),
        ));
    }
    let shape_v = field(v, "shape")?.ok_or_else(|| bad(arg, "the tensor has no shape"))?;
    if !Array::is_array(&shape_v) {
        return Err(bad(arg, "shape must be an array of integers"));
    }
    let shape_a: &Array = shape_v.unchecked_ref();
    if shape_a.length() as usize != rank {
        return Err(js_err(Error::shape(
            arg,
            format!(
                "expected a {rank}-D tensor, got a shape of length {}",
                shape_a.length()
            ),
        )));
    }
    let shape = (0..shape_a.length())
        .map(|i| int(arg, &shape_a.get(i)))
        .collect::<JsResult<Vec<i64>>>()?;
    let dims = checked_shape(arg, &shape, rank).map_err(js_err)?;
    let len: usize = dims.iter().product();
    let data_v = field(v, "data")?.ok_or_else(|| bad(arg, "the tensor has no data"))?;
    let got_len = |n: f64| -> JsResult<()> {
        if n != len as f64 {
            Err(js_err(Error::shape(
                arg,
                format!(
                    "shape {} needs {len} values, but data has {}",
                    crate::error::list(&shape),
                    number(n)
                ),
            )))
        } else {
            Ok(())
        }
    };
    let data: Vec<f32> = if numeric_typed_array(&data_v) {
        got_len(data_v.unchecked_ref::<Float32Array>().length() as f64)?;
        let mut out = vec![0.0; len];
        copy_into(&data_v, &mut out);
        out
    } else if Array::is_array(&data_v) {
        let a: &Array = data_v.unchecked_ref();
        got_len(a.length() as f64)?;
        let mut out = Vec::with_capacity(len);
        for i in 0..a.length() {
            let x = a.get(i).as_f64().ok_or_else(|| {
                js_err(Error::new(
                    ErrorKind::NonFinite,
                    arg,
                    format!("element {i} is not a number"),
                ))
            })?;
            out.push(x as f32);
        }
        out
    } else {
        return Err(bad(
            arg,
            "data must be a Float32Array, Float64Array, another numeric typed array, or an array of numbers",
        ));
    };
    Ok((shape, data))
}

/// Whether `v` is a typed array of numbers (not of BigInts): [`copy_into`] converts any of them
/// to `f32` as a cast would (never throws).
fn numeric_typed_array(v: &JsValue) -> bool {
    v.is_instance_of::<Float32Array>()
        || v.is_instance_of::<js_sys::Float64Array>()
        || v.is_instance_of::<js_sys::Int8Array>()
        || v.is_instance_of::<js_sys::Uint8Array>()
        || v.is_instance_of::<js_sys::Uint8ClampedArray>()
        || v.is_instance_of::<js_sys::Int16Array>()
        || v.is_instance_of::<js_sys::Uint16Array>()
        || v.is_instance_of::<js_sys::Int32Array>()
        || v.is_instance_of::<js_sys::Uint32Array>()
}

fn tensor4_arg(arg: &'static str, v: &JsValue) -> JsResult<Array4<f32>> {
    let (shape, data) = tensor_parts(arg, v, 4)?;
    tensor4(arg, &shape, data).map_err(js_err)
}

fn bias_arg(v: &JsValue) -> JsResult<Option<Array1<f32>>> {
    if is_absent(v) {
        return Ok(None);
    }
    let (shape, data) = tensor_parts("bias", v, 1)?;
    Ok(Some(tensor1("bias", &shape, data).map_err(js_err)?))
}

/// An optional bias tensor.
type Bias = Option<Array1<f32>>;

/// A layer's `weight` and `bias` (the constructors of `Conv2d` / `ConvTranspose2d`), checked in
/// that order. One function for every caller: inlined, each export would carry its own copy.
#[inline(never)]
fn layer_args(weight: &JsValue, bias: &JsValue) -> JsResult<(Array4<f32>, Bias)> {
    Ok((tensor4_arg("weight", weight)?, bias_arg(bias)?))
}

/// A call's `input`, `weight` and `bias` (`conv2d`, `conv2dTrace` and their transposes), checked
/// in that order.
#[inline(never)]
fn call_args(
    input: &JsValue,
    weight: &JsValue,
    bias: &JsValue,
) -> JsResult<(Array4<f32>, Array4<f32>, Bias)> {
    let x = tensor4_arg("input", input)?;
    let (w, b) = layer_args(weight, bias)?;
    Ok((x, w, b))
}

// ---------------------------------------------------------------------------------------
// Building results

// Results are built on the JS side of the boundary, one crossing per object (or per list of
// objects): Rust hands over a field list and a slice of numbers, and the snippet below makes the
// plain objects. Setting fields one `Reflect.set` at a time cost a crossing and a key string per
// field (a Conv2d trace's `steps()` at 8 channels: 864 of them, ~1.4 ms in Chromium; now ~30 µs).
#[wasm_bindgen(inline_js = r#"
// A field list is comma-separated: `name` takes one number, `name[2]` an array of 2 numbers,
// `name?` a boolean (non-zero), `name:a|b|c` one of the strings a, b, c by index. Parsed once.
const layouts = new Map();
function layout(keys) {
  let l = layouts.get(keys);
  if (l === undefined) {
    l = keys.split(',').map((k) => {
      const m = /^(\w+)(?:\[(\d+)\]|(\?)|:([\w|]+))?$/.exec(k);
      return { name: m[1], array: m[2] !== undefined, len: m[2] ? Number(m[2]) : 1, bool: m[3] !== undefined, names: m[4] ? m[4].split('|') : null };
    });
    l.width = l.reduce((a, f) => a + f.len, 0);
    layouts.set(keys, l);
  }
  return l;
}
function fill(l, v, at) {
  const o = {};
  for (const f of l) {
    o[f.name] = f.array ? Array.from(v.subarray(at, at + f.len)) : f.names ? f.names[v[at]] : f.bool ? v[at] !== 0 : v[at];
    at += f.len;
  }
  return o;
}
export function record(keys, values) {
  return fill(layout(keys), values, 0);
}
export function records(keys, values) {
  const l = layout(keys);
  const out = [];
  for (let at = 0; at + l.width <= values.length; at += l.width) out.push(fill(l, values, at));
  return out;
}
export function keyed(names, keys, values) {
  const l = layout(keys);
  const o = {};
  names.split(',').forEach((n, i) => { o[n] = fill(l, values, i * l.width); });
  return o;
}
export function copyInto(src, dst) {
  dst.set(src);
}
export function tensor(shape, data) {
  return { shape: Array.from(shape), data: data.slice() };
}
"#)]
extern "C" {
    /// One object: `record("a,b[2],c?", &[1, 2, 3, 0])` is `{ a: 1, b: [2, 3], c: false }`.
    fn record(keys: &str, values: &[f64]) -> JsValue;
    /// A list of objects of one field list, its values one after another.
    fn records(keys: &str, values: &[f64]) -> JsValue;
    /// `{ name₀: record, name₁: record, … }`, `names` comma-separated.
    fn keyed(names: &str, keys: &str, values: &[f64]) -> JsValue;
    /// `{ shape: number[], data }`, `data` a fresh `Float32Array` copied out of wasm memory.
    #[wasm_bindgen(js_name = tensor)]
    fn tensor_f32(shape: &[f64], data: &[f32]) -> JsValue;
    /// `dst.set(src)`: the values of a numeric typed array of `dst.len()` elements, converted
    /// to `f32` (js-sys's `copy_to` would do it too, but asserts the length with `Debug`
    /// formatting the module does not otherwise need).
    #[wasm_bindgen(js_name = copyInto)]
    fn copy_into(src: &JsValue, dst: &mut [f32]);
    /// The same with an `Int32Array`.
    #[wasm_bindgen(js_name = tensor)]
    fn tensor_i32(shape: &[f64], data: &[i32]) -> JsValue;
}

fn set(obj: &Object, key: &str, v: impl Into<JsValue>) {
    // Setting a plain data property on a fresh plain object cannot fail.
    let _ = Reflect::set(obj, &JsValue::from_str(key), &v.into());
}

fn sizes(shape: &[usize]) -> Vec<f64> {
    shape.iter().map(|&d| d as f64).collect()
}

fn usize_pair(p: [usize; 2]) -> Array {
    p.iter().map(|&d| JsValue::from_f64(d as f64)).collect()
}

/// `{ shape, data: Float32Array }` — a copy out of wasm memory.
fn tensor_js<S: Data<Elem = f32>, D: Dimension>(a: &ArrayBase<S, D>) -> JsValue {
    match a.as_slice() {
        Some(s) => tensor_f32(&sizes(a.shape()), s),
        None => tensor_f32(&sizes(a.shape()), &a.iter().copied().collect::<Vec<f32>>()),
    }
}

/// `{ shape: [rows, cols / 2, 2], data: Int32Array }` from a (rows, cols·2) source map.
fn source_js(a: &Array2<i32>) -> JsValue {
    let (r, c) = a.dim();
    tensor_i32(&sizes(&[r, c / 2, 2]), a.as_slice().unwrap_or(&[]))
}

fn int_grid_js(a: &Array2<i32>) -> JsValue {
    tensor_i32(&sizes(a.shape()), a.as_slice().unwrap_or(&[]))
}

fn index(arg: &'static str, v: f64) -> JsResult<usize> {
    if !v.is_finite() || v.fract() != 0.0 || !(0.0..=4.0e9).contains(&v) {
        return Err(bad(
            arg,
            format!("expected a non-negative integer index, got {}", number(v)),
        ));
    }
    Ok(v as usize)
}

/// The fields of one dimension's output-size arithmetic (docs/js-api.md, `ARITH`).
const ARITH: &str = "input,padBefore,padAfter,dilation,kernel,stride,effectiveKernel,paddedInput,numerator,output,used,unused";

fn conv_arith_js(g: &Conv2dGeometry) -> JsValue {
    let mut v = Vec::with_capacity(24);
    for d in 0..2 {
        let eff = g.dilation[d] * (g.kernel[d] - 1) + 1;
        let used = (g.output[d] - 1) * g.stride[d] + eff;
        v.extend(
            [
                g.input[d],
                g.pad_before[d],
                g.pad_after[d],
                g.dilation[d],
                g.kernel[d],
                g.stride[d],
                eff,
                g.padded[d],
                g.padded[d] - eff,
                g.output[d],
                used,
                g.padded[d] - used,
            ]
            .map(|x| x as f64),
        );
    }
    keyed("height,width", ARITH, &v)
}

/// The fields of one dimension's transposed output-size arithmetic (`ARITH_T`).
const ARITH_T: &str =
    "input,stride,padding,dilation,kernel,outputPadding,full,output,minOutput,maxOutput";

fn conv_t_arith_js(g: &ConvTranspose2dGeometry) -> JsValue {
    let mut v = Vec::with_capacity(20);
    for d in 0..2 {
        v.extend(
            [
                g.input[d],
                g.stride[d],
                g.padding[d],
                g.dilation[d],
                g.kernel[d],
                g.output_padding[d],
                g.full[d],
                g.output[d],
            ]
            .map(|x| x as f64),
        );
        v.extend([g.min_output[d] as f64, g.max_output[d] as f64]);
    }
    keyed("height,width", ARITH_T, &v)
}

fn opt_tensor_js(a: &Option<Array1<f32>>) -> JsValue {
    a.as_ref().map_or(JsValue::NULL, tensor_js)
}

// ---------------------------------------------------------------------------------------
// The functions

/// `F.conv2d` with `nn.Conv2d`'s `padding_mode`. See docs/js-api.md.
///
/// # Errors
/// A JS `Error` naming the argument for anything PyTorch rejects or the cap refuses.
#[wasm_bindgen]
pub fn conv2d(
    input: JsValue,
    weight: JsValue,
    bias: JsValue,
    options: JsValue,
) -> JsResult<JsValue> {
    let opts = conv2d_options(&options)?;
    let (x, w, b) = call_args(&input, &weight, &bias)?;
    let y = core_conv2d(x.view(), w.view(), b.as_ref().map(|b| b.view()), &opts).map_err(js_err)?;
    Ok(tensor_js(&y))
}

/// `F.conv_transpose2d` with `forward`'s `outputSize`. See docs/js-api.md.
///
/// # Errors
/// A JS `Error` naming the argument.
#[wasm_bindgen(js_name = convTranspose2d)]
pub fn conv_transpose2d(
    input: JsValue,
    weight: JsValue,
    bias: JsValue,
    options: JsValue,
) -> JsResult<JsValue> {
    let opts = conv_transpose2d_options(&options)?;
    let (x, w, b) = call_args(&input, &weight, &bias)?;
    let y = core_conv_transpose2d(x.view(), w.view(), b.as_ref().map(|b| b.view()), &opts)
        .map_err(js_err)?;
    Ok(tensor_js(&y))
}

/// `F.unfold(input, kernelSize, dilation, padding, stride)`.
///
/// # Errors
/// A JS `Error` naming the argument.
#[wasm_bindgen]
pub fn unfold(input: JsValue, options: JsValue) -> JsResult<JsValue> {
    let opts = unfold_options(&options)?;
    let x = tensor4_arg("input", &input)?;
    let y = crate::unfold::unfold(x.view(), &opts).map_err(js_err)?;
    Ok(tensor_js(&y))
}

/// `F.fold(input, outputSize, kernelSize, dilation, padding, stride)`.
///
/// # Errors
/// A JS `Error` naming the argument.
#[wasm_bindgen]
pub fn fold(input: JsValue, options: JsValue) -> JsResult<JsValue> {
    let opts = unfold_options(&options)?;
    let size = match field(&options, "outputSize")? {
        None => return Err(bad("output_size", "outputSize is required")),
        Some(v) => size_pair("output_size", &v)?,
    };
    let (shape, data) = tensor_parts("input", &input, 3)?;
    let x = tensor3("input", &shape, data).map_err(js_err)?;
    let y = crate::unfold::fold(x.view(), size, &opts).map_err(js_err)?;
    Ok(tensor_js(&y))
}

fn geometry_conv(options: &JsValue) -> JsResult<Conv2dGeometry> {
    let opts = conv2d_options(options)?;
    let [h, w] = required_pair(options, "inputSize", "input_size")?;
    let [kh, kw] = required_pair(options, "kernelSize", "kernel_size")?;
    let dims = checked_shape("input_size", &[1, 1, h, w], 4).map_err(js_err)?;
    let kd = checked_shape("kernel_size", &[1, 1, kh, kw], 4).map_err(js_err)?;
    Conv2dGeometry::new([1, 1, dims[2], dims[3]], [1, 1, kd[2], kd[3]], &opts).map_err(js_err)
}

/// The output-size arithmetic of a convolution, per dimension (see docs/js-api.md, `ARITH`).
///
/// # Errors
/// A JS `Error` naming the argument when there is no valid output.
#[wasm_bindgen(js_name = conv2dOutputSize)]
pub fn conv2d_output_size(options: JsValue) -> JsResult<JsValue> {
    Ok(conv_arith_js(&geometry_conv(&options)?))
}

/// The output-size arithmetic of a transposed convolution (see docs/js-api.md, `ARITH_T`).
///
/// # Errors
/// A JS `Error` naming the argument; an out-of-range `outputSize` states the valid range.
#[wasm_bindgen(js_name = convTranspose2dOutputSize)]
pub fn conv_transpose2d_output_size(options: JsValue) -> JsResult<JsValue> {
    let opts = conv_transpose2d_options(&options)?;
    let [h, w] = required_pair(&options, "inputSize", "input_size")?;
    let [kh, kw] = required_pair(&options, "kernelSize", "kernel_size")?;
    let dims = checked_shape("input_size", &[1, 1, h, w], 4).map_err(js_err)?;
    let kd = checked_shape("kernel_size", &[1, 1, kh, kw], 4).map_err(js_err)?;
    let g = ConvTranspose2dGeometry::new([1, 1, dims[2], dims[3]], [1, 1, kd[2], kd[3]], &opts)
        .map_err(js_err)?;
    Ok(conv_t_arith_js(&g))
}

/// The matrix `C` (H_out·W_out × H·W) with `y = C·x` for one channel pair.
///
/// # Errors
/// A JS `Error` naming the argument.
#[wasm_bindgen(js_name = convMatrix)]
pub fn conv_matrix(options: JsValue) -> JsResult<JsValue> {
    let opts = conv2d_options(&options)?;
    let [h, w] = required_pair(&options, "inputSize", "input_size")?;
    checked_shape("input_size", &[h, w], 2).map_err(js_err)?;
    let kernel = field(&options, "kernel")?.ok_or_else(|| bad("kernel", "kernel is required"))?;
    let (shape, data) = tensor_parts("kernel", &kernel, 2)?;
    let dims = checked_shape("kernel", &shape, 2).map_err(js_err)?;
    crate::tensor::check_finite("kernel", &data).map_err(js_err)?;
    let k = crate::tensor::from_vec((dims[0], dims[1]), data)
        .map_err(|_| bad("kernel", "data does not match shape"))?;
    let c =
        crate::matrix::conv_matrix([h as usize, w as usize], k.view(), &opts).map_err(js_err)?;
    Ok(tensor_js(&c))
}

/// PyTorch's default initialisation, deterministic from `seed`: `{ weight, bias }`.
///
/// # Errors
/// A JS `Error` naming the argument.
#[wasm_bindgen(js_name = defaultInit)]
pub fn default_init_js(options: JsValue) -> JsResult<JsValue> {
    check_options(&options)?;
    let kind = match field(&options, "kind")? {
        None => LayerKind::Conv2d,
        Some(v) => match v.as_string().as_deref() {
            Some("conv2d") => LayerKind::Conv2d,
            Some("convTranspose2d") => LayerKind::ConvTranspose2d,
            _ => {
                return Err(bad(
                    "kind",
                    format!(
                        "expected 'conv2d' or 'convTranspose2d', got {}",
                        describe(&v)
                    ),
                ))
            }
        },
    };
    let get_int = |key: &str, arg: &'static str, default: Option<i64>| -> JsResult<i64> {
        match field(&options, key)? {
            Some(v) => int(arg, &v),
            None => default.ok_or_else(|| bad(arg, format!("{key} is required"))),
        }
    };
    let cin = get_int("inChannels", "in_channels", None)?;
    let cout = get_int("outChannels", "out_channels", None)?;
    let groups = get_int("groups", "groups", Some(1))?;
    let seed = get_int("seed", "seed", Some(0))?;
    if seed < 0 {
        return Err(bad(
            "seed",
            format!("expected a non-negative integer, got {seed}"),
        ));
    }
    let kernel = required_pair(&options, "kernelSize", "kernel_size")?;
    let bias = field(&options, "bias")?
        .map(|v| v.is_truthy())
        .unwrap_or(true);
    let (w, b) =
        default_init(kind, cin, cout, kernel, groups, bias, seed as u64).map_err(js_err)?;
    let o = Object::new();
    set(&o, "weight", tensor_js(&w));
    set(&o, "bias", opt_tensor_js(&b));
    Ok(o.into())
}

// ---------------------------------------------------------------------------------------
// Trace handles

/// Every intermediate of one `Conv2d` (see docs/js-api.md). Call `free()` when done.
#[wasm_bindgen]
pub struct Conv2dTrace {
    inner: CoreConv2dTrace,
}

/// Compute a `Conv2d` keeping every stage; same arguments as [`conv2d`].
///
/// # Errors
/// As [`conv2d`], and intermediates over the element cap.
#[wasm_bindgen(js_name = conv2dTrace)]
pub fn conv2d_trace(
    input: JsValue,
    weight: JsValue,
    bias: JsValue,
    options: JsValue,
) -> JsResult<Conv2dTrace> {
    let opts = conv2d_options(&options)?;
    let (x, w, b) = call_args(&input, &weight, &bias)?;
    let inner = CoreConv2dTrace::new(x.view(), w.view(), b.as_ref().map(|b| b.view()), &opts)
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
        let [s, p, q, d, k, i, o] = [
            g.stride,
            g.pad_before,
            g.pad_after,
            g.dilation,
            g.kernel,
            g.input,
            g.output,
        ];
        // The names below in the enum's declaration order (tests/wasm_api.rs checks each).
        let mode = g.padding_mode as usize;
        let v = [
            s[0],
            s[1],
            p[0],
            p[1],
            q[0],
            q[1],
            d[0],
            d[1],
            g.groups,
            mode,
            k[0],
            k[1],
            g.in_channels,
            g.out_channels,
            g.batch,
            i[0],
            i[1],
            o[0],
            o[1],
        ];
        record(
            "stride[2],padding[2],paddingBottomRight[2],dilation[2],groups,\
             paddingMode:zeros|reflect|replicate|circular,kernelSize[2],inChannels,outChannels,\
             batch,inputSize[2],outputSize[2]",
            &v.map(|x| x as f64),
        )
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
        let num = |v: Option<usize>| v.map_or(-1.0, |v| v as f64);
        let mut v = Vec::with_capacity(12 * s.taps.len());
        for t in &s.taps {
            // `kind:input|padding|skip` below: the enum's declaration order.
            let kind = t.kind as usize;
            v.extend([
                kind as f64,
                t.c as f64,
                num(t.i),
                num(t.j),
                t.ph as f64,
                t.pw as f64,
                num(t.source.map(|s| s.0)),
                num(t.source.map(|s| s.1)),
                t.x as f64,
                t.w as f64,
                t.product as f64,
                t.sum as f64,
            ]);
        }
        let o = record(
            "sum,bias,output",
            &[s.sum as f64, s.bias as f64, s.output as f64],
        );
        let taps = records(
            "kind:input|padding|skip,c,i,j,ph,pw,ih,iw,x,w,product,sum",
            &v,
        );
        set(o.unchecked_ref(), "taps", taps);
        Ok(o)
    }
}

/// Every intermediate of one `ConvTranspose2d`, both routes (see docs/js-api.md).
#[wasm_bindgen]
pub struct ConvTranspose2dTrace {
    inner: CoreConvTranspose2dTrace,
}

/// Compute a `ConvTranspose2d` keeping every stage; same arguments as [`conv_transpose2d`].
///
/// # Errors
/// As [`conv_transpose2d`].
#[wasm_bindgen(js_name = convTranspose2dTrace)]
pub fn conv_transpose2d_trace(
    input: JsValue,
    weight: JsValue,
    bias: JsValue,
    options: JsValue,
) -> JsResult<ConvTranspose2dTrace> {
    let opts = conv_transpose2d_options(&options)?;
    let (x, w, b) = call_args(&input, &weight, &bias)?;
    let inner =
        CoreConvTranspose2dTrace::new(x.view(), w.view(), b.as_ref().map(|b| b.view()), &opts)
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
        usize_pair(self.inner.geometry.output_padding).into()
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
        let [s, p, q, d, k, i, o, f] = [
            g.stride,
            g.padding,
            g.output_padding,
            g.dilation,
            g.kernel,
            g.input,
            g.output,
            g.full,
        ];
        let v = [
            s[0],
            s[1],
            p[0],
            p[1],
            q[0],
            q[1],
            d[0],
            d[1],
            g.groups,
            k[0],
            k[1],
            g.in_channels,
            g.out_channels,
            g.batch,
            i[0],
            i[1],
            o[0],
            o[1],
            f[0],
            f[1],
        ];
        record(
            "stride[2],padding[2],outputPadding[2],dilation[2],groups,kernelSize[2],\
             inChannels,outChannels,batch,inputSize[2],outputSize[2],fullSize[2]",
            &v.map(|x| x as f64),
        )
    }
    /// The zero-insertion picture: `{ input, padding: {top, bottom, left, right}, source,
    /// weight, output }`.
    #[wasm_bindgen(getter, js_name = zeroInsert)]
    pub fn zero_insert(&self) -> JsValue {
        let z = &self.inner.zero_insertion;
        let o = Object::new();
        set(&o, "input", tensor_js(&z.input));
        let p = record("top,bottom,left,right", &z.padding.map(|v| v as f64));
        set(&o, "padding", p);
        set(&o, "source", source_js(&z.source));
        set(&o, "weight", tensor_js(&z.weight));
        set(&o, "output", tensor_js(&z.output));
        o.into()
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
        let mut v = Vec::with_capacity(8 * s.cells.len());
        for c in &s.cells {
            v.extend([
                c.c as f64,
                c.i as f64,
                c.j as f64,
                c.fh as f64,
                c.fw as f64,
                f64::from(u8::from(c.in_output)),
                c.w as f64,
                c.product as f64,
            ]);
        }
        let o = record("value", &[s.value as f64]);
        set(
            o.unchecked_ref(),
            "cells",
            records("c,i,j,fh,fw,inOutput?,w,product", &v),
        );
        Ok(o)
    }
}

// ---------------------------------------------------------------------------------------
// Prepared layers (nn.Conv2d / nn.ConvTranspose2d modules)

/// A positive integer size given as a JS number (`height`, `width` of `forwardData`).
fn size_arg(arg: &'static str, v: f64) -> JsResult<usize> {
    if !(v.is_finite() && v.fract() == 0.0 && v >= 1.0) {
        return Err(bad(arg, "expected a positive integer"));
    }
    if v > crate::MAX_ELEMENTS as f64 {
        return Err(js_err(Error::new(
            ErrorKind::TooLarge,
            arg,
            format!(
                "larger than the cap of {} elements allows",
                crate::MAX_ELEMENTS
            ),
        )));
    }
    Ok(v as usize)
}

/// `forwardData`'s flat input copied into `buf` (its allocation reused): N images of C × H ×
/// W, C the layer's, N what the length leaves. Returns (N, C, H, W).
fn flat_input(
    data: &JsValue,
    channels: usize,
    height: f64,
    width: f64,
    buf: &mut Vec<f32>,
) -> JsResult<(usize, usize, usize, usize)> {
    let (h, w) = (size_arg("height", height)?, size_arg("width", width)?);
    let f = data.dyn_ref::<Float32Array>().ok_or_else(|| {
        js_err(Error::shape(
            "input",
            format!("expected a Float32Array, got {}", describe(data)),
        ))
    })?;
    let len = f.length() as usize;
    let image = channels * h * w;
    if len == 0 || image == 0 || !len.is_multiple_of(image) {
        return Err(js_err(Error::shape(
            "input",
            format!("{len} values are not N images of C_in·H·W = {channels}·{h}·{w} = {image}"),
        )));
    }
    if len > crate::MAX_ELEMENTS {
        return Err(js_err(Error::new(
            ErrorKind::TooLarge,
            "input",
            format!("{len} values exceed the cap of {}", crate::MAX_ELEMENTS),
        )));
    }
    buf.resize(len, 0.0);
    copy_into(f, buf);
    Ok((len / image, channels, h, w))
}

/// A view of `buf` as `shape` (made by [`flat_input`], so the length matches).
fn view4(buf: &[f32], shape: (usize, usize, usize, usize)) -> JsResult<ArrayView4<'_, f32>> {
    ArrayView4::from_shape(shape, buf).map_err(|_| bad("input", "data does not match shape"))
}

/// `nn.Conv2d` with given parameters: `new Conv2d(weight, bias, options)` checks and packs
/// the weight once; `forward` / `forwardData` then run it on many inputs (docs/js-api.md).
/// Call `free()` when done.
#[wasm_bindgen(js_name = Conv2d)]
pub struct Conv2dModule {
    inner: Conv2dLayer,
    /// `forwardData`'s input and output, reused between calls.
    input: Vec<f32>,
    output: Vec<f32>,
}

#[wasm_bindgen(js_class = Conv2d)]
impl Conv2dModule {
    /// `weight` (C_out, C_in/groups, kh, kw), `bias` (C_out) or null, options as [`conv2d`].
    ///
    /// # Errors
    /// A JS `Error` naming the argument.
    #[wasm_bindgen(constructor)]
    pub fn new(weight: JsValue, bias: JsValue, options: JsValue) -> JsResult<Conv2dModule> {
        let opts = conv2d_options(&options)?;
        let (w, b) = layer_args(&weight, &bias)?;
        let inner = Conv2dLayer::new(w, b, opts).map_err(js_err)?;
        Ok(Conv2dModule {
            inner,
            input: Vec::new(),
            output: Vec::new(),
        })
    }

    /// `layer(input)`: `{ shape: [N, C_in, H, W], data }` → `{ shape, data }`.
    ///
    /// # Errors
    /// A JS `Error` naming the argument.
    pub fn forward(&mut self, input: JsValue) -> JsResult<JsValue> {
        let x = tensor4_arg("input", &input)?;
        Ok(tensor_js(&self.inner.forward(x.view()).map_err(js_err)?))
    }

    /// `layer(input)` on a flat NCHW `Float32Array` of N images of `height` × `width`
    /// (N = length / (C_in·H·W)): the flat output, N × C_out × H_out × W_out. No objects are
    /// read or built and, for inputs of one size, nothing is allocated in wasm memory after
    /// the first call: the call for tight loops.
    ///
    /// # Errors
    /// A JS `Error` naming the argument.
    #[wasm_bindgen(js_name = forwardData)]
    pub fn forward_data(
        &mut self,
        data: JsValue,
        height: f64,
        width: f64,
    ) -> JsResult<Float32Array> {
        let shape = flat_input(
            &data,
            self.inner.in_channels(),
            height,
            width,
            &mut self.input,
        )?;
        let x = view4(&self.input, shape)?;
        self.inner
            .forward_into(x, &mut self.output)
            .map_err(js_err)?;
        Ok(Float32Array::from(self.output.as_slice()))
    }

    /// The output-size arithmetic for an input of `height` × `width` (as
    /// `conv2dOutputSize`).
    ///
    /// # Errors
    /// A JS `Error` naming the argument when there is no valid output.
    #[wasm_bindgen(js_name = outputSize)]
    pub fn output_size(&self, height: f64, width: f64) -> JsResult<JsValue> {
        let (h, w) = (size_arg("height", height)?, size_arg("width", width)?);
        let g = self
            .inner
            .geometry([1, self.inner.in_channels(), h, w])
            .map_err(js_err)?;
        Ok(conv_arith_js(&g))
    }

    /// C_in.
    #[wasm_bindgen(getter, js_name = inChannels)]
    pub fn in_channels(&self) -> usize {
        self.inner.in_channels()
    }

    /// C_out.
    #[wasm_bindgen(getter, js_name = outChannels)]
    pub fn out_channels(&self) -> usize {
        self.inner.out_channels()
    }
}

/// `nn.ConvTranspose2d` with given parameters (an `outputSize` in the options applies to
/// every call). Call `free()` when done.
#[wasm_bindgen(js_name = ConvTranspose2d)]
pub struct ConvTranspose2dModule {
    inner: ConvTranspose2dLayer,
}

#[wasm_bindgen(js_class = ConvTranspose2d)]
impl ConvTranspose2dModule {
    /// `weight` (C_in, C_out/groups, kh, kw), `bias` (C_out) or null, options as
    /// [`conv_transpose2d`].
    ///
    /// # Errors
    /// A JS `Error` naming the argument.
    #[wasm_bindgen(constructor)]
    pub fn new(
        weight: JsValue,
        bias: JsValue,
        options: JsValue,
    ) -> JsResult<ConvTranspose2dModule> {
        let opts = conv_transpose2d_options(&options)?;
        let (w, b) = layer_args(&weight, &bias)?;
        let inner = ConvTranspose2dLayer::new(w, b, opts).map_err(js_err)?;
        Ok(ConvTranspose2dModule { inner })
    }

    /// `layer(input)`: `{ shape: [N, C_in, H, W], data }` → `{ shape, data }`.
    ///
    /// # Errors
    /// A JS `Error` naming the argument.
    pub fn forward(&self, input: JsValue) -> JsResult<JsValue> {
        let x = tensor4_arg("input", &input)?;
        Ok(tensor_js(&self.inner.forward(x.view()).map_err(js_err)?))
    }

    /// `layer(input)` on a flat NCHW `Float32Array` (see `Conv2d.forwardData`).
    ///
    /// # Errors
    /// A JS `Error` naming the argument.
    #[wasm_bindgen(js_name = forwardData)]
    pub fn forward_data(&self, data: JsValue, height: f64, width: f64) -> JsResult<Float32Array> {
        let mut buf = Vec::new();
        let shape = flat_input(&data, self.inner.in_channels(), height, width, &mut buf)?;
        let y = self.inner.forward(view4(&buf, shape)?).map_err(js_err)?;
        Ok(match y.as_slice() {
            Some(s) => Float32Array::from(s),
            None => Float32Array::from(y.iter().copied().collect::<Vec<f32>>().as_slice()),
        })
    }

    /// The output-size arithmetic for an input of `height` × `width` (as
    /// `convTranspose2dOutputSize`).
    ///
    /// # Errors
    /// A JS `Error` naming the argument when there is no valid output.
    #[wasm_bindgen(js_name = outputSize)]
    pub fn output_size(&self, height: f64, width: f64) -> JsResult<JsValue> {
        let (h, w) = (size_arg("height", height)?, size_arg("width", width)?);
        let g = self
            .inner
            .geometry([1, self.inner.in_channels(), h, w])
            .map_err(js_err)?;
        Ok(conv_t_arith_js(&g))
    }

    /// C_in.
    #[wasm_bindgen(getter, js_name = inChannels)]
    pub fn in_channels(&self) -> usize {
        self.inner.in_channels()
    }

    /// C_out.
    #[wasm_bindgen(getter, js_name = outChannels)]
    pub fn out_channels(&self) -> usize {
        self.inner.out_channels()
    }
}
