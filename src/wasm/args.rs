//! Reading arguments: loose JavaScript values checked, field by field, into the core's typed
//! options and tensors. Every failure is a JS `Error` naming the argument (PyTorch's name).
//!
//! The module of the newer operations (`crates/more/src/wasm/`) compiles this file into its own
//! boundary too, beside its readers: what they share is `pub(super)` (private to the crate, so
//! that the core module's code is the same as without that sharing).
//!
//! Tensor arguments take PyTorch's forms: a convolution's input is `(N, C, H, W)` or unbatched
//! `(C, H, W)` (read as N = 1, see [`Input::batched`]), and N may be 0; a pair argument is `n`,
//! `[n]` or `[h, w]`, as `_pair` / `expand_param_if_needed` make `(n, n)` of the first two.

use super::marshal::copy_into;
use crate::error::{list, Error, ErrorKind};
use crate::params::{
    Conv2dOptions, ConvTranspose2dOptions, Padding, PaddingMode, Pair, UnfoldOptions,
};
use crate::tensor::{check_finite, checked_len, checked_shape, from_vec};
use convviz_common::js::{bad, describe, int, js_err, number, JsResult};
use js_sys::{Array, Float32Array, Reflect};
use ndarray::{Array1, Array2, Array3, Array4, ArrayView4, Dimension};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// Whether an argument or field is missing: `undefined` or `null`.
pub(super) fn is_absent(v: &JsValue) -> bool {
    v.is_undefined() || v.is_null()
}

/// `obj[key]`, or `None` when missing / null / undefined.
pub(super) fn field(obj: &JsValue, key: &str) -> JsResult<Option<JsValue>> {
    if is_absent(obj) {
        return Ok(None);
    }
    let v = Reflect::get(obj, &JsValue::from_str(key))
        .map_err(|_| bad("options", format!("cannot read field '{key}'")))?;
    Ok((!is_absent(&v)).then_some(v))
}

/// An options argument: absent, or a plain object (not an array).
pub(super) fn check_options(opts: &JsValue) -> JsResult<()> {
    if is_absent(opts) || (opts.is_object() && !Array::is_array(opts)) {
        Ok(())
    } else {
        Err(bad(
            "options",
            "expected an options object such as { stride: 1, padding: 0 }",
        ))
    }
}

/// `n`, `[n]` or `[h, w]` (`[n]` is `(n, n)`, as PyTorch expands a one-element list).
pub(super) fn int_pair(arg: &'static str, v: &JsValue) -> JsResult<Pair> {
    if Array::is_array(v) {
        let a: &Array = v.unchecked_ref();
        match a.length() {
            1 => {
                let x = int(arg, &a.get(0))?;
                Ok([x, x])
            }
            2 => Ok([int(arg, &a.get(0))?, int(arg, &a.get(1))?]),
            n => Err(bad(
                arg,
                format!("expected a number or a pair [h, w], got an array of length {n}"),
            )),
        }
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

/// Option `key` of `opts` as [`int_pair`] reads it, or `default` when absent.
pub(super) fn pair_or(
    opts: &JsValue,
    key: &str,
    arg: &'static str,
    default: Pair,
) -> JsResult<Pair> {
    match field(opts, key)? {
        None => Ok(default),
        Some(v) => int_pair(arg, &v),
    }
}

/// A pair option the call cannot do without (`kernelSize`, `inputSize`).
pub(super) fn required_pair(opts: &JsValue, key: &str, arg: &'static str) -> JsResult<Pair> {
    match field(opts, key)? {
        None => Err(bad(arg, format!("{key} is required"))),
        Some(v) => int_pair(arg, &v),
    }
}

/// `[H, W]`, or a full size `[N, C, H, W]` / `[C, H, W]` whose last two entries are taken (as
/// PyTorch's `output_size=x.size()`), or a number / `[n]` for `(n, n)`.
pub(super) fn size_pair(arg: &'static str, v: &JsValue) -> JsResult<Pair> {
    if Array::is_array(v) {
        let a: &Array = v.unchecked_ref();
        let n = a.length();
        if (2..=4).contains(&n) {
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

/// `paddingMode`: `'zeros'` (the default), `'reflect'`, `'replicate'` or `'circular'`.
pub(super) fn padding_mode_arg(opts: &JsValue) -> JsResult<PaddingMode> {
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

/// An integer option with a default (`groups`, `seed`).
pub(super) fn int_or(
    opts: &JsValue,
    key: &str,
    arg: &'static str,
    default: Option<i64>,
) -> JsResult<i64> {
    match field(opts, key)? {
        Some(v) => int(arg, &v),
        None => default.ok_or_else(|| bad(arg, format!("{key} is required"))),
    }
}

/// `conv2d`'s options (types only: the values are checked by the core, in PyTorch's order).
pub(super) fn conv2d_options(opts: &JsValue) -> JsResult<Conv2dOptions> {
    check_options(opts)?;
    Ok(Conv2dOptions {
        stride: pair_or(opts, "stride", "stride", [1, 1])?,
        padding: padding_arg(opts)?,
        dilation: pair_or(opts, "dilation", "dilation", [1, 1])?,
        groups: int_or(opts, "groups", "groups", Some(1))?,
        padding_mode: padding_mode_arg(opts)?,
    })
}

/// `convTranspose2d`'s options.
pub(super) fn conv_transpose2d_options(opts: &JsValue) -> JsResult<ConvTranspose2dOptions> {
    check_options(opts)?;
    Ok(ConvTranspose2dOptions {
        stride: pair_or(opts, "stride", "stride", [1, 1])?,
        padding: pair_or(opts, "padding", "padding", [0, 0])?,
        output_padding: pair_or(opts, "outputPadding", "output_padding", [0, 0])?,
        dilation: pair_or(opts, "dilation", "dilation", [1, 1])?,
        groups: int_or(opts, "groups", "groups", Some(1))?,
        output_size: match field(opts, "outputSize")? {
            None => None,
            Some(v) => Some(size_pair("output_size", &v)?),
        },
    })
}

/// `unfold` / `fold`'s options but `outputSize`.
pub(super) fn unfold_options(opts: &JsValue) -> JsResult<UnfoldOptions> {
    check_options(opts)?;
    Ok(UnfoldOptions {
        kernel_size: required_pair(opts, "kernelSize", "kernel_size")?,
        dilation: pair_or(opts, "dilation", "dilation", [1, 1])?,
        padding: pair_or(opts, "padding", "padding", [0, 0])?,
        stride: pair_or(opts, "stride", "stride", [1, 1])?,
    })
}

// ---------------------------------------------------------------------------------------
// Tensors

/// The `shape` of a `{ shape, data }` tensor, as integers (not yet checked as sizes).
pub(super) fn shape_of(arg: &'static str, v: &JsValue) -> JsResult<Vec<i64>> {
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
    let a: &Array = shape_v.unchecked_ref();
    (0..a.length()).map(|i| int(arg, &a.get(i))).collect()
}

/// The sizes of `shape`: every one at least 1 but a leading batch of 0 when `batch` says the
/// first axis is one (PyTorch's empty batch), and the whole under the element cap.
pub(super) fn sizes_of(arg: &'static str, shape: &[i64], batch: bool) -> JsResult<Vec<usize>> {
    if batch && shape.first() == Some(&0) {
        let mut dims = vec![0];
        dims.extend(checked_shape(arg, &shape[1..], shape.len() - 1).map_err(js_err)?);
        Ok(dims)
    } else {
        checked_shape(arg, shape, shape.len()).map_err(js_err)
    }
}

/// The `data` of tensor `v`: `len` finite numbers, checked for length *before* the copy.
pub(super) fn data_of(
    arg: &'static str,
    v: &JsValue,
    shape: &[i64],
    len: usize,
) -> JsResult<Vec<f32>> {
    let data_v = field(v, "data")?.ok_or_else(|| bad(arg, "the tensor has no data"))?;
    let got_len = |n: f64| -> JsResult<()> {
        if n != len as f64 {
            Err(js_err(Error::shape(
                arg,
                format!(
                    "shape {} needs {len} values, but data has {}",
                    list(shape),
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
    check_finite(arg, &data).map_err(js_err)?;
    Ok(data)
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

/// An array of `dims` (row-major) from data of exactly their product, as [`parts`] reads
/// them: `D` has as many axes as the caller's rank rule allows, so the error (a bug) is never
/// expected; it is an `Error` rather than a panic all the same.
pub(super) fn array_of<D: Dimension>(
    arg: &'static str,
    dims: &[usize],
    data: Vec<f32>,
) -> JsResult<ndarray::Array<f32, D>> {
    let mut dim = D::default();
    if dim.ndim() == dims.len() {
        dim.slice_mut().copy_from_slice(dims);
        if let Ok(a) = from_vec(dim, data) {
            return Ok(a);
        }
    }
    Err(bad(arg, "data does not match its shape"))
}

/// What ranks a tensor argument may have.
#[derive(Clone, Copy)]
enum Rank {
    /// Exactly this many axes (a bias, `convMatrix`'s kernel).
    Exactly(usize),
    /// An input with or without its batch axis.
    Input(InputOf),
    /// A convolution's weight: at least 3 axes (4 is checked after the options).
    Weight,
}

/// A tensor argument read and checked: its shape as given, its sizes (with a batch of 1 added
/// to an unbatched input), its data, and whether it had its batch axis.
struct Parts {
    shape: Vec<i64>,
    dims: Vec<usize>,
    data: Vec<f32>,
    batched: bool,
}

/// Read tensor argument `arg` of the ranks `rank` allows: the rank, the sizes (at least 1; an
/// input's batch may be 0), the data. Not generic and never inlined: one copy in the module
/// for every tensor argument.
#[inline(never)]
fn parts(arg: &'static str, v: &JsValue, rank: Rank) -> JsResult<Parts> {
    let shape = shape_of(arg, v)?;
    let n = shape.len();
    let (ok, batched) = match rank {
        Rank::Exactly(r) => (n == r, true),
        Rank::Input(of) => (n == of.rank() || n + 1 == of.rank(), n == of.rank()),
        Rank::Weight => (n >= 3, true),
    };
    if !ok {
        let message = match rank {
            Rank::Exactly(r) => format!("expected a {r}-D tensor, got a shape of length {n}"),
            Rank::Input(of) => of.rank_error(&shape),
            Rank::Weight => format!(
                "weight should have at least three dimensions, but got weight of size {}",
                list(&shape)
            ),
        };
        return Err(js_err(Error::shape(arg, message)));
    }
    let empty_batch = batched && matches!(rank, Rank::Input(_));
    let mut dims = sizes_of(arg, &shape, empty_batch)?;
    let data = data_of(arg, v, &shape, dims.iter().product())?;
    if !batched {
        dims.insert(0, 1);
    }
    Ok(Parts {
        shape,
        dims,
        data,
        batched,
    })
}

/// A batched input as the core takes it, and whether the caller gave the batch axis.
pub(super) struct Input<T> {
    /// The input with its batch axis (of 1 when the caller gave none).
    pub x: T,
    /// `false` for an unbatched input: results drop the batch axis again, as PyTorch does.
    pub batched: bool,
}

/// Which call reads an input, for PyTorch's words about a wrong rank.
#[derive(Clone, Copy)]
pub(super) enum InputOf {
    /// `conv2d` (its `batchify`).
    Conv2d,
    /// `conv_transpose2d` (its `batchify`).
    ConvTranspose2d,
    /// `unfold` (`im2col`'s shape check).
    Unfold,
    /// `fold` (`col2im`'s shape check).
    Fold,
}

impl InputOf {
    /// The rank with the batch axis.
    fn rank(self) -> usize {
        match self {
            InputOf::Fold => 3,
            _ => 4,
        }
    }

    fn rank_error(self, shape: &[i64]) -> String {
        let s = list(shape);
        match self {
            InputOf::Conv2d | InputOf::ConvTranspose2d => format!(
                "Expected 3D (unbatched) or 4D (batched) input to {}, but got input of size: {s}",
                if matches!(self, InputOf::Conv2d) { "conv2d" } else { "conv_transpose2d" }
            ),
            InputOf::Unfold => format!(
                "Expected 3D or 4D (batch mode) tensor with optional 0 dim batch size for input, but got: {s}"
            ),
            InputOf::Fold => format!(
                "Expected 2D or 3D (batch mode) tensor for input with possibly 0 batch size and non-zero dimensions for input, but got: {s}"
            ),
        }
    }
}

/// A convolution's input: `(N, C, H, W)` or unbatched `(C, H, W)`; `unfold`'s too.
pub(super) fn conv_input(of: InputOf, v: &JsValue) -> JsResult<Input<Array4<f32>>> {
    let p = parts("input", v, Rank::Input(of))?;
    Ok(Input {
        x: array_of("input", &p.dims, p.data)?,
        batched: p.batched,
    })
}

/// `fold`'s input: `(N, C·kh·kw, L)` or unbatched `(C·kh·kw, L)`.
pub(super) fn fold_input(v: &JsValue) -> JsResult<Input<Array3<f32>>> {
    let p = parts("input", v, Rank::Input(InputOf::Fold))?;
    Ok(Input {
        x: array_of("input", &p.dims, p.data)?,
        batched: p.batched,
    })
}

/// `convMatrix`'s 2-D kernel.
pub(super) fn kernel_arg(v: &JsValue) -> JsResult<Array2<f32>> {
    let p = parts("kernel", v, Rank::Exactly(2))?;
    array_of("kernel", &p.dims, p.data)
}

/// An optional `bias`: absent (`null` / `undefined`), or a 1-D tensor.
pub(super) fn bias_arg(v: &JsValue) -> JsResult<Option<Array1<f32>>> {
    if is_absent(v) {
        return Ok(None);
    }
    let p = parts("bias", v, Rank::Exactly(1))?;
    Ok(Some(array_of("bias", &p.dims, p.data)?))
}

/// An optional bias tensor.
pub(super) type Bias = Option<Array1<f32>>;

/// A convolution's weight, read with [`Rank::Weight`]: PyTorch refuses fewer than 3 axes at
/// once, but another rank than the input's only after checking the options
/// (`check_shape_forward`).
struct Weight(Parts);

fn weight_arg(v: &JsValue) -> JsResult<Weight> {
    Ok(Weight(parts("weight", v, Rank::Weight)?))
}

impl Weight {
    /// The 4-D weight, once the options are checked; any other rank in PyTorch's words, whose
    /// conv2d compares the weight's rank with the (batched) input's.
    #[inline(never)]
    fn into_4d(self, input: &[usize]) -> JsResult<Array4<f32>> {
        let k = self.0.shape.len();
        if k != 4 {
            return Err(js_err(Error::shape(
                "weight",
                format!(
                    "Expected {k}-dimensional input for {k}-dimensional weight {}, but got {}-dimensional input of size {} instead",
                    list(&self.0.shape),
                    input.len(),
                    list(input)
                ),
            )));
        }
        array_of("weight", &self.0.dims, self.0.data)
    }
}

/// A layer's `weight` and `bias` (the constructors of `Conv2d` / `ConvTranspose2d`), checked in
/// that order, then the options (`check`). One function for every caller: inlined, each export
/// would carry its own copy.
#[inline(never)]
pub(super) fn layer_args(
    weight: &JsValue,
    bias: &JsValue,
    check: &dyn Fn() -> crate::Result<()>,
) -> JsResult<(Array4<f32>, Bias)> {
    let w = weight_arg(weight)?;
    let b = bias_arg(bias)?;
    check().map_err(js_err)?;
    // A layer's input is 4-D once batched.
    let k = w.0.shape.len();
    if k != 4 {
        return Err(js_err(Error::shape(
            "weight",
            format!(
                "expected a 4-D weight, got a {k}-D one of size {}",
                list(&w.0.shape)
            ),
        )));
    }
    Ok((array_of("weight", &w.0.dims, w.0.data)?, b))
}

/// A call's `input`, `weight` and `bias` (`conv2d`, `conv2dTrace` and their transposes), in
/// PyTorch's order: the input's rank, the weight's (at least 3 axes), the options (`check`),
/// then the weight's rank against the input's.
#[inline(never)]
pub(super) fn call_args(
    of: InputOf,
    input: &JsValue,
    weight: &JsValue,
    bias: &JsValue,
    check: &dyn Fn() -> crate::Result<()>,
) -> JsResult<(Input<Array4<f32>>, Array4<f32>, Bias)> {
    let x = conv_input(of, input)?;
    let w = weight_arg(weight)?;
    let b = bias_arg(bias)?;
    check().map_err(js_err)?;
    let w = w.into_4d(x.x.shape())?;
    Ok((x, w, b))
}

// ---------------------------------------------------------------------------------------
// Numbers of the handles' methods

/// An index into a trace (`n`, `c_out`, `oh`, …): a non-negative integer.
pub(super) fn index(arg: &'static str, v: f64) -> JsResult<usize> {
    if !v.is_finite() || v.fract() != 0.0 || !(0.0..=4.0e9).contains(&v) {
        return Err(bad(
            arg,
            format!("expected a non-negative integer index, got {}", number(v)),
        ));
    }
    Ok(v as usize)
}

/// A positive integer size given as a JS number (`height`, `width` of `forwardData`).
pub(super) fn size_arg(arg: &'static str, v: f64) -> JsResult<usize> {
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
/// W, C the layer's, N what the length leaves (0 for an empty array). Returns (N, C, H, W).
pub(super) fn flat_input(
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
    let image = checked_len("input", &[channels, h, w]).map_err(js_err)?;
    if image == 0 || !len.is_multiple_of(image) {
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
    // The layer checks the values (NaN, ±∞) with the rest of the input.
    copy_into(f, buf);
    Ok((len / image, channels, h, w))
}

/// A view of `buf` as `shape` (made by [`flat_input`], so the length matches).
pub(super) fn view4(
    buf: &[f32],
    shape: (usize, usize, usize, usize),
) -> JsResult<ArrayView4<'_, f32>> {
    ArrayView4::from_shape(shape, buf).map_err(|_| bad("input", "data does not match shape"))
}
