//! Result objects: Rust results as plain JS objects, each built in **one** boundary crossing.
//!
//! Rust hands the JS snippet below a field list and a slice of numbers, and the snippet makes
//! the objects. Setting fields one `Reflect.set` at a time costs a crossing and a key string per
//! field — hundreds for one `steps()` of a multi-channel trace — where this way costs one
//! crossing per object or list (the README's benchmark section has the measurement). The field list and the numbers are written by one macro from one list of named
//! fields ([`record!`], [`records!`], [`keyed!`]), so a name and its value cannot drift apart:
//!
//! ```text
//! record! { stride: pair(g.stride), groups: num(g.groups), inOutput: flag(c.in_output),
//!           paddingMode: tag("zeros|reflect|replicate|circular", g.padding_mode as usize) }
//!   -> record("stride[2],groups,inOutput?,paddingMode:zeros|reflect|replicate|circular",
//!             [s0, s1, groups, 0|1, index])
//!   -> { stride: [s0, s1], groups, inOutput: false|true, paddingMode: 'zeros' | … }
//! ```

use crate::params::{Conv2dGeometry, ConvTranspose2dGeometry};
use js_sys::{Object, Reflect};
use ndarray::{Array1, Array2, ArrayBase, Data, Dimension};
use wasm_bindgen::prelude::*;

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
    /// Called through [`record!`] only.
    #[wasm_bindgen(js_name = record)]
    pub(super) fn record_js(keys: &str, values: &[f64]) -> JsValue;
    /// A list of objects of one field list, their values one after another ([`records!`]).
    #[wasm_bindgen(js_name = records)]
    pub(super) fn records_js(keys: &str, values: &[f64]) -> JsValue;
    /// `{ name₀: record, name₁: record, … }`, `names` comma-separated ([`keyed!`]).
    #[wasm_bindgen(js_name = keyed)]
    pub(super) fn keyed_js(names: &str, keys: &str, values: &[f64]) -> JsValue;
    /// `{ shape: number[], data }`, `data` a fresh `Float32Array` copied out of wasm memory.
    #[wasm_bindgen(js_name = tensor)]
    fn tensor_f32(shape: &[f64], data: &[f32]) -> JsValue;
    /// The same with an `Int32Array`.
    #[wasm_bindgen(js_name = tensor)]
    pub(super) fn tensor_i32(shape: &[f64], data: &[i32]) -> JsValue;
    /// `dst.set(src)`: the values of a numeric typed array of `dst.len()` elements, converted
    /// to `f32` (js-sys's `copy_to` would do it too, but asserts the length with `Debug`
    /// formatting the module does not otherwise need). Reading, not building, but the same
    /// snippet: one JS file for the module.
    #[wasm_bindgen(js_name = copyInto)]
    pub(super) fn copy_into(src: &JsValue, dst: &mut [f32]);
}

/// The layout string of one field (see the snippet above): `num` → `name`, `pair` →
/// `name[2]`, `flag` → `name?`, `tag("a|b", …)` → `name:a|b`.
macro_rules! field_key {
    ($name:ident num $($rest:tt)*) => {
        stringify!($name)
    };
    ($name:ident pair $($rest:tt)*) => {
        concat!(stringify!($name), "[2]")
    };
    ($name:ident flag $($rest:tt)*) => {
        concat!(stringify!($name), "?")
    };
    ($name:ident tag $names:literal, $($rest:tt)*) => {
        concat!(stringify!($name), ":", $names)
    };
}

/// How many numbers a field takes (as [`field_key!`] announces it).
macro_rules! field_width {
    (pair) => {
        2
    };
    ($kind:ident) => {
        1
    };
}

/// Store one field's numbers at `v[*i..]` and advance `*i` by [`field_width!`].
macro_rules! field_set {
    ($v:ident, $i:ident, num $e:expr) => {{
        $v[$i] = ($e) as f64;
        $i += 1;
    }};
    ($v:ident, $i:ident, pair $e:expr) => {{
        let p = $e;
        $v[$i] = p[0] as f64;
        $v[$i + 1] = p[1] as f64;
        $i += 2;
    }};
    ($v:ident, $i:ident, flag $e:expr) => {{
        $v[$i] = if $e { 1.0 } else { 0.0 };
        $i += 1;
    }};
    // The index of the value's name in the list (an enum's declaration order).
    ($v:ident, $i:ident, tag $names:literal, $e:expr) => {{
        $v[$i] = ($e) as f64;
        $i += 1;
    }};
}

/// The numbers of one object's fields as an array, laid out as [`field_keys!`] describes
/// them. A fixed-size array written by straight-line stores: the smallest code per field.
macro_rules! field_values {
    ($($kind:ident ($($arg:tt)*)),+) => {{
        const WIDTH: usize = 0 $(+ $crate::wasm::marshal::field_width!($kind))+;
        let mut v = [0.0f64; WIDTH];
        let mut i = 0;
        $($crate::wasm::marshal::field_set!(v, i, $kind $($arg)*);)+
        debug_assert_eq!(i, WIDTH);
        v
    }};
}

/// The whole field list of `name: kind(args)` fields, comma-separated, at compile time.
macro_rules! field_keys {
    ($n0:ident : $k0:ident ($($a0:tt)*) $(, $n:ident : $k:ident ($($a:tt)*))* $(,)?) => {
        concat!(
            $crate::wasm::marshal::field_key!($n0 $k0 $($a0)*)
            $(, ",", $crate::wasm::marshal::field_key!($n $k $($a)*))*
        )
    };
}

/// One plain JS object from a list of named fields, in one crossing:
/// `record! { name: num(x), size: pair([h, w]), ok: flag(b), mode: tag("a|b", i) }`.
/// Field names are the JS names (camelCase).
macro_rules! record {
    ($($name:ident : $kind:ident ($($arg:tt)*)),+ $(,)?) => {
        $crate::wasm::marshal::record_js(
            $crate::wasm::marshal::field_keys!($($name : $kind ($($arg)*)),+),
            &$crate::wasm::marshal::field_values!($($kind ($($arg)*)),+),
        )
    };
}

/// A JS array of objects, one per item of `iter`, every one with the same named fields, in one
/// crossing: `records!(for t in &taps => { c: num(t.c), x: num(t.x) })`.
macro_rules! records {
    (for $x:pat in $iter:expr => { $($name:ident : $kind:ident ($($arg:tt)*)),+ $(,)? }) => {{
        let mut v: Vec<f64> = Vec::new();
        for $x in $iter {
            v.extend_from_slice(&$crate::wasm::marshal::field_values!($($kind ($($arg)*)),+));
        }
        $crate::wasm::marshal::records_js(
            $crate::wasm::marshal::field_keys!($($name : $kind ($($arg)*)),+),
            &v,
        )
    }};
}

/// `{ name₀: {…}, name₁: {…} }`, one object per name with the same named fields, `$d` the
/// name's index, in one crossing: `keyed!(for d in ["height", "width"] => { output: num(o[d]) })`.
macro_rules! keyed {
    (for $d:ident in [$($key:literal),+] => { $($name:ident : $kind:ident ($($arg:tt)*)),+ $(,)? }) => {{
        let mut v: Vec<f64> = Vec::new();
        for $d in 0..[$($key),+].len() {
            v.extend_from_slice(&$crate::wasm::marshal::field_values!($($kind ($($arg)*)),+));
        }
        $crate::wasm::marshal::keyed_js(
            $crate::wasm::marshal::join_keys!($($key),+),
            $crate::wasm::marshal::field_keys!($($name : $kind ($($arg)*)),+),
            &v,
        )
    }};
}

/// `"a,b,c"` from the literals `"a", "b", "c"`.
macro_rules! join_keys {
    ($k0:literal $(, $k:literal)*) => { concat!($k0 $(, ",", $k)*) };
}

pub(crate) use {
    field_key, field_keys, field_set, field_values, field_width, join_keys, record, records,
};
// For the boundary of crates/more, which compiles this file too; the core uses `keyed!` here only.
#[allow(unused_imports)]
pub(crate) use keyed;

/// Set `obj[key] = v`: for the few fields that are objects themselves (tensors, lists).
pub(super) fn set(obj: &JsValue, key: &str, v: impl Into<JsValue>) {
    // Setting a plain data property on a fresh plain object cannot fail.
    let _ = Reflect::set(obj, &JsValue::from_str(key), &v.into());
}

/// A fresh empty object, for results whose fields are objects.
pub(super) fn object() -> JsValue {
    Object::new().into()
}

/// A shape as the numbers of a JS `shape` array.
pub(super) fn sizes(shape: &[usize]) -> Vec<f64> {
    shape.iter().map(|&d| d as f64).collect()
}

/// `[h, w]` as a JS array.
pub(super) fn usize_pair(p: [usize; 2]) -> JsValue {
    js_sys::Array::of2(&(p[0] as f64).into(), &(p[1] as f64).into()).into()
}

/// `{ shape, data: Float32Array }` — a copy out of wasm memory.
pub(super) fn tensor_js<S: Data<Elem = f32>, D: Dimension>(a: &ArrayBase<S, D>) -> JsValue {
    tensor_with_shape(a, a.shape())
}

/// [`tensor_js`] of a batched result, the batch axis dropped unless `batched` (PyTorch
/// squeezes the batch of one it added to an unbatched input; the values are the same).
pub(super) fn output_js<S: Data<Elem = f32>, D: Dimension>(
    a: &ArrayBase<S, D>,
    batched: bool,
) -> JsValue {
    let shape = a.shape();
    tensor_with_shape(a, if batched { shape } else { &shape[1..] })
}

fn tensor_with_shape<S: Data<Elem = f32>, D: Dimension>(
    a: &ArrayBase<S, D>,
    shape: &[usize],
) -> JsValue {
    match a.as_slice() {
        Some(s) => tensor_f32(&sizes(shape), s),
        None => tensor_f32(&sizes(shape), &a.iter().copied().collect::<Vec<f32>>()),
    }
}

/// A tensor or `null`.
pub(super) fn opt_tensor_js(a: &Option<Array1<f32>>) -> JsValue {
    a.as_ref().map_or(JsValue::NULL, tensor_js)
}

/// `{ shape: [rows, cols / 2, 2], data: Int32Array }` from a (rows, cols·2) source map.
pub(super) fn source_js(a: &Array2<i32>) -> JsValue {
    let (r, c) = a.dim();
    tensor_i32(&sizes(&[r, c / 2, 2]), a.as_slice().unwrap_or(&[]))
}

/// `{ shape: [rows, cols], data: Int32Array }`.
pub(super) fn int_grid_js(a: &Array2<i32>) -> JsValue {
    tensor_i32(&sizes(a.shape()), a.as_slice().unwrap_or(&[]))
}

/// `{ height: ARITH, width: ARITH }`: a convolution's output-size arithmetic per dimension
/// (docs/js-api.md).
pub(super) fn conv_arith_js(g: &Conv2dGeometry) -> JsValue {
    // The geometry guarantees kernel ≥ 1, output ≥ 1 and used ≤ padded.
    let eff = |d: usize| g.dilation[d] * (g.kernel[d] - 1) + 1;
    let used = |d: usize| (g.output[d] - 1) * g.stride[d] + eff(d);
    keyed!(for d in ["height", "width"] => {
        input: num(g.input[d]),
        padBefore: num(g.pad_before[d]),
        padAfter: num(g.pad_after[d]),
        dilation: num(g.dilation[d]),
        kernel: num(g.kernel[d]),
        stride: num(g.stride[d]),
        effectiveKernel: num(eff(d)),
        paddedInput: num(g.padded[d]),
        numerator: num(g.padded[d] - eff(d)),
        output: num(g.output[d]),
        used: num(used(d)),
        unused: num(g.padded[d] - used(d)),
    })
}

/// `{ height: ARITH_T, width: ARITH_T }`: a transposed convolution's output-size arithmetic.
pub(super) fn conv_t_arith_js(g: &ConvTranspose2dGeometry) -> JsValue {
    keyed!(for d in ["height", "width"] => {
        input: num(g.input[d]),
        stride: num(g.stride[d]),
        padding: num(g.padding[d]),
        dilation: num(g.dilation[d]),
        kernel: num(g.kernel[d]),
        outputPadding: num(g.output_padding[d]),
        full: num(g.full[d]),
        output: num(g.output[d]),
        minOutput: num(g.min_output[d]),
        maxOutput: num(g.max_output[d]),
    })
}
