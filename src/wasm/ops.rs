//! The free functions: `torch.nn.functional`'s calls and the pure output-size formulas.

use super::args::{
    call_args, check_options, conv2d_options, conv_input, conv_transpose2d_options, field,
    fold_input, int_or, kernel_arg, required_pair, size_pair, unfold_options, InputOf,
};
use super::marshal::{
    conv_arith_js, conv_t_arith_js, object, opt_tensor_js, output_js, set, tensor_js,
};
use crate::conv2d::conv2d as core_conv2d;
use crate::conv_transpose2d::conv_transpose2d as core_conv_transpose2d;
use crate::init::{default_init, LayerKind};
use crate::params::{Conv2dGeometry, ConvTranspose2dGeometry};
use crate::tensor::checked_shape;
use convviz_common::js::{bad, describe, js_err, JsResult};
use wasm_bindgen::prelude::*;

/// `F.conv2d` with `nn.Conv2d`'s `padding_mode`. See docs/js-api.md.
///
/// `input` is `(N, C_in, H, W)` (N may be 0) or unbatched `(C_in, H, W)`, which gives an
/// unbatched `(C_out, H_out, W_out)`.
///
/// # Errors
/// A JS `Error` (`.arg`, `.kind`) for anything PyTorch rejects or the cap refuses, checked in
/// PyTorch's order.
#[wasm_bindgen]
pub fn conv2d(
    input: JsValue,
    weight: JsValue,
    bias: JsValue,
    options: JsValue,
) -> JsResult<JsValue> {
    let opts = conv2d_options(&options)?;
    let (x, w, b) = call_args(InputOf::Conv2d, &input, &weight, &bias, &|| {
        opts.check().map(drop)
    })?;
    let y =
        core_conv2d(x.x.view(), w.view(), b.as_ref().map(|b| b.view()), &opts).map_err(js_err)?;
    Ok(output_js(&y, x.batched))
}

/// `F.conv_transpose2d` with `forward`'s `outputSize`. See docs/js-api.md.
///
/// `input` is `(N, C_in, H, W)` (N may be 0) or unbatched `(C_in, H, W)`.
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
    let (x, w, b) = call_args(InputOf::ConvTranspose2d, &input, &weight, &bias, &|| {
        opts.check()
    })?;
    let y = core_conv_transpose2d(x.x.view(), w.view(), b.as_ref().map(|b| b.view()), &opts)
        .map_err(js_err)?;
    Ok(output_js(&y, x.batched))
}

/// `F.unfold(input, kernelSize, dilation, padding, stride)`: `(N, C, H, W)` → `(N, C·kh·kw,
/// L)`, or unbatched `(C, H, W)` → `(C·kh·kw, L)`.
///
/// # Errors
/// A JS `Error` naming the argument.
#[wasm_bindgen]
pub fn unfold(input: JsValue, options: JsValue) -> JsResult<JsValue> {
    let opts = unfold_options(&options)?;
    let x = conv_input(InputOf::Unfold, &input)?;
    let y = crate::unfold::unfold(x.x.view(), &opts).map_err(js_err)?;
    Ok(output_js(&y, x.batched))
}

/// `F.fold(input, outputSize, kernelSize, dilation, padding, stride)`: `(N, C·kh·kw, L)` →
/// `(N, C, H, W)`, or unbatched `(C·kh·kw, L)` → `(C, H, W)`.
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
    let x = fold_input(&input)?;
    let y = crate::unfold::fold(x.x.view(), size, &opts).map_err(js_err)?;
    Ok(output_js(&y, x.batched))
}

/// The sizes `inputSize` and `kernelSize` of the output-size formulas, as one-image shapes.
fn formula_shapes(options: &JsValue) -> JsResult<([usize; 4], [usize; 4])> {
    let [h, w] = required_pair(options, "inputSize", "input_size")?;
    let [kh, kw] = required_pair(options, "kernelSize", "kernel_size")?;
    let dims = checked_shape("input_size", &[1, 1, h, w], 4).map_err(js_err)?;
    let kd = checked_shape("kernel_size", &[1, 1, kh, kw], 4).map_err(js_err)?;
    Ok(([1, 1, dims[2], dims[3]], [1, 1, kd[2], kd[3]]))
}

/// The output-size arithmetic of a convolution, per dimension (see docs/js-api.md, `ARITH`).
///
/// # Errors
/// A JS `Error` naming the argument when there is no valid output.
#[wasm_bindgen(js_name = conv2dOutputSize)]
pub fn conv2d_output_size(options: JsValue) -> JsResult<JsValue> {
    let opts = conv2d_options(&options)?;
    let (input, kernel) = formula_shapes(&options)?;
    let g = Conv2dGeometry::new(input, kernel, &opts).map_err(js_err)?;
    Ok(conv_arith_js(&g))
}

/// The output-size arithmetic of a transposed convolution (see docs/js-api.md, `ARITH_T`).
///
/// # Errors
/// A JS `Error` naming the argument; an out-of-range `outputSize` states the valid range.
#[wasm_bindgen(js_name = convTranspose2dOutputSize)]
pub fn conv_transpose2d_output_size(options: JsValue) -> JsResult<JsValue> {
    let opts = conv_transpose2d_options(&options)?;
    let (input, kernel) = formula_shapes(&options)?;
    let g = ConvTranspose2dGeometry::new(input, kernel, &opts).map_err(js_err)?;
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
    let k = kernel_arg(&kernel)?;
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
    let cin = int_or(&options, "inChannels", "in_channels", None)?;
    let cout = int_or(&options, "outChannels", "out_channels", None)?;
    let groups = int_or(&options, "groups", "groups", Some(1))?;
    let seed = int_or(&options, "seed", "seed", Some(0))?;
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
    let o = object();
    set(&o, "weight", tensor_js(&w));
    set(&o, "bias", opt_tensor_js(&b));
    Ok(o)
}
