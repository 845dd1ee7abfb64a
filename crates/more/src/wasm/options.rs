//! Reading this module's arguments: its tensors' ranks, the 1-D convolution's and the
//! poolings' options, and stacks of layers. Built on the core's readers
//! (`convviz::wasm::args`): the same checks, the same words, one copy of each.

use super::args::{
    array_of, check_options, data_of, field, int_pair, is_absent, padding_mode_arg, pair_or,
    required_pair, shape_of, sizes_of, Input,
};
use convviz::conv1d::{Conv1dOptions, Padding1d};
use convviz::error::{list, Error, ErrorKind};
use convviz::params::Pair;
use convviz::pool::{AvgPool2dOptions, MaxPool2dOptions};
use convviz::receptive::LayerGeom;
use convviz_common::js::{bad, describe, int, js_err, JsResult};
use js_sys::Array;
use ndarray::Dimension;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// The most layers a stack may have (`receptiveField`, `pathCounts`, `stackSizes`): far more
/// than any network drawn, few enough that a hostile array is refused at once.
pub(super) const MAX_LAYERS: u32 = 1024;

/// A tensor argument's sizes and data, `rank` axes, or `rank − 1` (unbatched, read as a batch
/// of 1) when `unbatched` allows; a batch of 0 when `empty_batch` does. Not generic: one copy in
/// the module for every tensor argument.
#[inline(never)]
fn parts(
    arg: &'static str,
    v: &JsValue,
    rank: usize,
    unbatched: bool,
    empty_batch: bool,
    rank_error: &dyn Fn(&[i64]) -> String,
) -> JsResult<(Vec<usize>, Vec<f32>, bool)> {
    let shape = shape_of(arg, v)?;
    let n = shape.len();
    if !(n == rank || unbatched && n + 1 == rank) {
        return Err(js_err(Error::shape(arg, rank_error(&shape))));
    }
    let batched = n == rank;
    let mut dims = sizes_of(arg, &shape, batched && empty_batch)?;
    let data = data_of(arg, v, &shape, dims.iter().product())?;
    if !batched {
        dims.insert(0, 1);
    }
    Ok((dims, data, batched))
}

/// An input of `rank` axes with its batch (which may be 0), or unbatched with one axis fewer
/// (read as a batch of 1: [`Input::batched`] says which).
pub(super) fn input<D: Dimension>(
    arg: &'static str,
    v: &JsValue,
    rank: usize,
    rank_error: &dyn Fn(&[i64]) -> String,
) -> JsResult<Input<ndarray::Array<f32, D>>> {
    let (dims, data, batched) = parts(arg, v, rank, true, true, rank_error)?;
    Ok(Input {
        x: array_of(arg, &dims, data)?,
        batched,
    })
}

/// A tensor of exactly `rank` axes, every size at least 1.
pub(super) fn exact<D: Dimension>(
    arg: &'static str,
    v: &JsValue,
    rank: usize,
    rank_error: &dyn Fn(&[i64]) -> String,
) -> JsResult<ndarray::Array<f32, D>> {
    let (dims, data, _) = parts(arg, v, rank, false, false, rank_error)?;
    array_of(arg, &dims, data)
}

/// `grad_output` of a backward call: as many axes as the input had (`batched`), its batch as
/// the input's. A wrong rank is refused in autograd's words, against the forward's output
/// shape `expected` (batched).
pub(super) fn grad_output<D: Dimension>(
    v: &JsValue,
    batched: bool,
    expected: &[usize],
) -> JsResult<ndarray::Array<f32, D>> {
    let rank = expected.len();
    let want = if batched { expected } else { &expected[1..] };
    let mismatch = |shape: &[i64]| {
        format!(
            "Mismatch in shape: grad_output has a shape of torch.Size({}) and output has a shape of torch.Size({})",
            list(shape),
            list(want)
        )
    };
    let shape = shape_of("grad_output", v)?;
    if shape.len() != want.len() {
        return Err(js_err(Error::shape("grad_output", mismatch(&shape))));
    }
    let (dims, data, _) = parts("grad_output", v, rank, !batched, batched, &mismatch)?;
    array_of("grad_output", &dims, data)
}

/// A boolean option (`ceilMode`, `returnIndices`, `countIncludePad`, a layer's `bias`), or
/// `default` when absent.
pub(super) fn flag_or(
    opts: &JsValue,
    key: &str,
    arg: &'static str,
    default: bool,
) -> JsResult<bool> {
    match field(opts, key)? {
        None => Ok(default),
        Some(v) => v
            .as_bool()
            .ok_or_else(|| bad(arg, format!("expected true or false, got {}", describe(&v)))),
    }
}

/// One integer: `n` or `[n]` (PyTorch's `_single` of a one-element list).
pub(super) fn int1(arg: &'static str, v: &JsValue) -> JsResult<i64> {
    if Array::is_array(v) {
        let a: &Array = v.unchecked_ref();
        if a.length() == 1 {
            return int(arg, &a.get(0));
        }
        return Err(bad(
            arg,
            format!(
                "expected a number or [n], got an array of length {}",
                a.length()
            ),
        ));
    }
    int(arg, v)
}

fn int1_or(opts: &JsValue, key: &str, arg: &'static str, default: i64) -> JsResult<i64> {
    match field(opts, key)? {
        None => Ok(default),
        Some(v) => int1(arg, &v),
    }
}

/// `conv1d`'s options: `stride`, `padding` (`n`, `[n]`, `'same'` or `'valid'`), `dilation`,
/// `groups`, `paddingMode` (types only: the values are checked by the core, in PyTorch's
/// order).
pub(super) fn conv1d_options(opts: &JsValue) -> JsResult<Conv1dOptions> {
    check_options(opts)?;
    Ok(Conv1dOptions {
        stride: int1_or(opts, "stride", "stride", 1)?,
        padding: match field(opts, "padding")? {
            None => Padding1d::default(),
            Some(v) => match v.as_string().as_deref() {
                Some("same") => Padding1d::Same,
                Some("valid") => Padding1d::Valid,
                Some(s) => {
                    return Err(bad(
                        "padding",
                        format!(
                            "Invalid padding string '{}', should be one of {{'valid', 'same'}} or a number",
                            s.chars().take(40).collect::<String>()
                        ),
                    ))
                }
                None => Padding1d::Explicit(int1("padding", &v)?),
            },
        },
        dilation: int1_or(opts, "dilation", "dilation", 1)?,
        groups: int1_or(opts, "groups", "groups", 1)?,
        padding_mode: padding_mode_arg(opts)?,
    })
}

/// A pooling's `stride`: absent or `null` is PyTorch's default, `kernel_size`.
fn stride_arg(opts: &JsValue) -> JsResult<Option<Pair>> {
    match field(opts, "stride")? {
        None => Ok(None),
        Some(v) => Ok(Some(int_pair("stride", &v)?)),
    }
}

/// `maxPool2d`'s options and `returnIndices`.
pub(super) fn max_pool_options(opts: &JsValue) -> JsResult<(MaxPool2dOptions, bool)> {
    check_options(opts)?;
    Ok((
        MaxPool2dOptions {
            kernel_size: required_pair(opts, "kernelSize", "kernel_size")?,
            stride: stride_arg(opts)?,
            padding: pair_or(opts, "padding", "padding", [0, 0])?,
            dilation: pair_or(opts, "dilation", "dilation", [1, 1])?,
            ceil_mode: flag_or(opts, "ceilMode", "ceil_mode", false)?,
        },
        flag_or(opts, "returnIndices", "return_indices", false)?,
    ))
}

/// `avgPool2d`'s options.
pub(super) fn avg_pool_options(opts: &JsValue) -> JsResult<AvgPool2dOptions> {
    check_options(opts)?;
    Ok(AvgPool2dOptions {
        kernel_size: required_pair(opts, "kernelSize", "kernel_size")?,
        stride: stride_arg(opts)?,
        padding: pair_or(opts, "padding", "padding", [0, 0])?,
        ceil_mode: flag_or(opts, "ceilMode", "ceil_mode", false)?,
        count_include_pad: flag_or(opts, "countIncludePad", "count_include_pad", true)?,
        divisor_override: match field(opts, "divisorOverride")? {
            None => None,
            Some(v) => Some(int("divisor_override", &v)?),
        },
    })
}

/// A list of `len` non-negative integers (an output cell `[n, c, oh, ow]`, a `[row, col]`).
pub(super) fn indices(arg: &'static str, v: &JsValue, len: u32) -> JsResult<Vec<usize>> {
    let wrong = || {
        bad(
            arg,
            format!(
                "expected an array of {len} non-negative integers, got {}",
                describe(v)
            ),
        )
    };
    if !Array::is_array(v) {
        return Err(wrong());
    }
    let a: &Array = v.unchecked_ref();
    if a.length() != len {
        return Err(wrong());
    }
    (0..len)
        .map(|i| {
            let x = int(arg, &a.get(i))?;
            usize::try_from(x).map_err(|_| {
                bad(
                    arg,
                    format!("expected non-negative integers, got {x} at position {i}"),
                )
            })
        })
        .collect()
}

/// A stack of layers: an array of `{ kernelSize, stride = 1, padding = 0, dilation = 1,
/// ceilMode = false }`, each size `n`, `[n]` or `[h, w]` (the values are checked by the core,
/// which names the layer).
pub(super) fn layers(v: &JsValue) -> JsResult<Vec<LayerGeom>> {
    if !Array::is_array(v) {
        return Err(bad(
            "layers",
            format!(
                "expected an array of layers such as [{{ kernelSize: 3, stride: 1 }}], got {}",
                describe(v)
            ),
        ));
    }
    let a: &Array = v.unchecked_ref();
    if a.length() > MAX_LAYERS {
        return Err(js_err(Error::new(
            ErrorKind::TooLarge,
            "layers",
            format!(
                "{} layers are more than the {MAX_LAYERS} a stack may have",
                a.length()
            ),
        )));
    }
    (0..a.length())
        .map(|i| {
            let l = a.get(i);
            if is_absent(&l) || !l.is_object() || Array::is_array(&l) {
                return Err(bad(
                    "layers",
                    format!(
                        "layer {i}: expected an object such as {{ kernelSize: 3 }}, got {}",
                        describe(&l)
                    ),
                ));
            }
            Ok(LayerGeom {
                kernel_size: required_pair(&l, "kernelSize", "kernel_size")?,
                stride: pair_or(&l, "stride", "stride", [1, 1])?,
                padding: pair_or(&l, "padding", "padding", [0, 0])?,
                dilation: pair_or(&l, "dilation", "dilation", [1, 1])?,
                ceil_mode: flag_or(&l, "ceilMode", "ceil_mode", false)?,
            })
        })
        .collect()
}

/// A spatial size `n`, `[n]` or `[h, w]` (also the last two entries of a full shape), each at
/// least 1 and under the element cap.
pub(super) fn spatial_size(arg: &'static str, v: &JsValue) -> JsResult<[usize; 2]> {
    let [h, w] = super::args::size_pair(arg, v)?;
    let d = convviz::tensor::checked_shape(arg, &[h, w], 2).map_err(js_err)?;
    Ok([d[0], d[1]])
}
