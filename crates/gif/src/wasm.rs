//! The JavaScript boundary of the GIF module: `encodeGif`, and nothing else.
//!
//! Arguments arrive as loose JavaScript values and are checked here before the pure encoder
//! ([`crate::encode_gif`]) sees them; every failure is a JS `Error` whose message names the
//! argument, in the same words as when `encodeGif` was part of the main module. Nothing in this
//! file may panic: a panic would trap the module.

use crate::{Error, ErrorKind};
use crate::{MAX_GIF_DELAY_MS, MAX_GIF_INPUT_BYTES, MAX_GIF_SIDE, MIN_GIF_DELAY_MS};
use convviz_common::js::{describe, int, js_err, JsResult};
use js_sys::{Uint8Array, Uint8ClampedArray};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// Installs `console_error_panic_hook` when the module starts: a panic (a bug) is logged on the
/// console with its message and stack before the module traps.
#[wasm_bindgen(start)]
pub fn start() {
    console_error_panic_hook::set_once();
}

/// Encode RGBA frames as a looping animated GIF (see [`crate::encode_gif`]).
///
/// `rgba` is a `Uint8Array` or `Uint8ClampedArray` (e.g. `ImageData.data`) holding the frames
/// one after another, `width · height · 4` bytes each; every frame shows for `delayMs`
/// (20 ms … 655,350 ms, rounded to 10 ms). Returns the bytes of the `.gif` file.
///
/// # Errors
/// An argument that is not an integer, not a byte array, or refused by
/// [`crate::encode_gif`]; the message names it.
#[wasm_bindgen(js_name = encodeGif)]
pub fn encode_gif(
    width: JsValue,
    height: JsValue,
    rgba: JsValue,
    delay_ms: JsValue,
) -> JsResult<Vec<u8>> {
    let side = MAX_GIF_SIDE as u32;
    let w = bounded("width", &width, 1, side, "pixels")? as usize;
    let h = bounded("height", &height, 1, side, "pixels")? as usize;
    let delay = bounded(
        "delay_ms",
        &delay_ms,
        MIN_GIF_DELAY_MS,
        MAX_GIF_DELAY_MS,
        "milliseconds",
    )?;
    let bytes: Uint8Array = if rgba.is_instance_of::<Uint8Array>() {
        rgba.unchecked_into()
    } else if let Some(c) = rgba.dyn_ref::<Uint8ClampedArray>() {
        Uint8Array::new_with_byte_offset_and_length(&c.buffer(), c.byte_offset(), c.length())
    } else {
        return Err(js_err(Error::shape(
            "rgba",
            format!(
                "expected a Uint8Array or Uint8ClampedArray of RGBA bytes, got {}",
                describe(&rgba)
            ),
        )));
    };
    let len = bytes.length() as usize;
    if len > MAX_GIF_INPUT_BYTES {
        // Refused before it is copied into wasm memory.
        return Err(js_err(Error::new(
            ErrorKind::TooLarge,
            "rgba",
            format!("{len} bytes exceed the cap of {MAX_GIF_INPUT_BYTES} bytes (64 MiB) of frames; use fewer or smaller frames"),
        )));
    }
    crate::encode_gif(w, h, &bytes.to_vec(), delay, true).map_err(js_err)
}

/// An integer argument in `lo..=hi`; out-of-range values are refused here in the encoder's words
/// (the encoder takes unsigned integers).
fn bounded(arg: &'static str, v: &JsValue, lo: u32, hi: u32, unit: &str) -> JsResult<u32> {
    let n = int(arg, v)?;
    u32::try_from(n)
        .ok()
        .filter(|n| (lo..=hi).contains(n))
        .ok_or_else(|| {
            js_err(Error::value(
                arg,
                format!("must be between {lo} and {hi} {unit} (got {n})"),
            ))
        })
}
