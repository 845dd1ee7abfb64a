//! The module handles: `nn.Conv2d` / `nn.ConvTranspose2d` with given parameters, checked and
//! packed once, then run on many inputs.

use super::args::{
    conv2d_options, conv_input, conv_transpose2d_options, flat_input, layer_args, size_arg, view4,
    InputOf,
};
use super::marshal::{conv_arith_js, conv_t_arith_js, output_js};
use crate::layer::{Conv2dLayer, ConvTranspose2dLayer};
use convviz_common::js::{js_err, JsResult};
use js_sys::Float32Array;
use wasm_bindgen::prelude::*;

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
    /// `weight` (C_out, C_in/groups, kh, kw), `bias` (C_out) or null, options as
    /// [`super::conv2d`].
    ///
    /// # Errors
    /// A JS `Error` naming the argument.
    #[wasm_bindgen(constructor)]
    pub fn new(weight: JsValue, bias: JsValue, options: JsValue) -> JsResult<Conv2dModule> {
        let opts = conv2d_options(&options)?;
        let (w, b) = layer_args(&weight, &bias, &|| opts.check().map(drop))?;
        let inner = Conv2dLayer::new(w, b, opts).map_err(js_err)?;
        Ok(Conv2dModule {
            inner,
            input: Vec::new(),
            output: Vec::new(),
        })
    }

    /// `layer(input)`: `{ shape: [N, C_in, H, W] | [C_in, H, W], data }` → `{ shape, data }`
    /// (unbatched in, unbatched out).
    ///
    /// # Errors
    /// A JS `Error` naming the argument.
    pub fn forward(&mut self, input: JsValue) -> JsResult<JsValue> {
        let x = conv_input(InputOf::Conv2d, &input)?;
        let y = self.inner.forward(x.x.view()).map_err(js_err)?;
        Ok(output_js(&y, x.batched))
    }

    /// `layer(input)` on a flat NCHW `Float32Array` of N images of `height` × `width`
    /// (N = length / (C_in·H·W), 0 for an empty array): the flat output, N × C_out × H_out ×
    /// W_out. No objects are read or built and, for inputs of one size, nothing is allocated
    /// in wasm memory after the first call: the call for tight loops.
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
    /// [`super::conv_transpose2d`].
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
        let (w, b) = layer_args(&weight, &bias, &|| opts.check())?;
        let inner = ConvTranspose2dLayer::new(w, b, opts).map_err(js_err)?;
        Ok(ConvTranspose2dModule { inner })
    }

    /// `layer(input)`: `{ shape: [N, C_in, H, W] | [C_in, H, W], data }` → `{ shape, data }`
    /// (unbatched in, unbatched out).
    ///
    /// # Errors
    /// A JS `Error` naming the argument.
    pub fn forward(&self, input: JsValue) -> JsResult<JsValue> {
        let x = conv_input(InputOf::ConvTranspose2d, &input)?;
        let y = self.inner.forward(x.x.view()).map_err(js_err)?;
        Ok(output_js(&y, x.batched))
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
