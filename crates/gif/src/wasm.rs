//! The JavaScript boundary of the GIF module: `encodeGif`, and nothing else.
//!
//! Arguments arrive as loose JavaScript values and are checked here before the pure encoder
//! ([`crate::encode_gif`]) sees them; every failure is a JS `Error` whose message names the
//! argument, in the same words as when `encodeGif` was part of the main module. Nothing in this
//! file may panic: a panic would trap the module.

use crate::error::{Error, ErrorKind};
use crate::{MAX_GIF_DELAY_MS, MAX_GIF_INPUT_BYTES, MAX_GIF_SIDE, MIN_GIF_DELAY_MS};
use js_sys::{Array, Uint8Array, Uint8ClampedArray};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

type JsResult<T> = Result<T, JsError>;

fn js_err(e: Error) -> JsError {
    JsError::new(&e.to_string())
}

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

/// A JavaScript number that must be an integer.
fn int(arg: &'static str, v: &JsValue) -> JsResult<i64> {
    let x = v.as_f64().ok_or_else(|| {
        js_err(Error::value(
            arg,
            format!("expected an integer, got {}", describe(v)),
        ))
    })?;
    if !x.is_finite() || x.fract() != 0.0 {
        return Err(js_err(Error::value(
            arg,
            format!("expected an integer, got {}", number(x)),
        )));
    }
    if x.abs() > 9.007_199_254_740_991e15 {
        return Err(js_err(Error::new(
            ErrorKind::TooLarge,
            arg,
            format!("{} is too large", number(x)),
        )));
    }
    Ok(x as i64)
}

/// A JavaScript value in a message: a string quoted (40 characters at most), a number, or what
/// kind of value it is.
fn describe(v: &JsValue) -> String {
    if let Some(s) = v.as_string() {
        format!("'{}'", s.chars().take(40).collect::<String>())
    } else if let Some(n) = v.as_f64() {
        number(n)
    } else if v.is_object() {
        if Array::is_array(v) {
            "an array".into()
        } else {
            "an object".into()
        }
    } else {
        v.js_typeof()
            .as_string()
            .unwrap_or_else(|| "a value".into())
    }
}

/// A JavaScript number in a message: `NaN`, `inf`, `-inf` as Rust writes them, any other as
/// JavaScript's `String(x)` (Rust's own float formatting would add about 20 KB to the module).
fn number(x: f64) -> String {
    if x.is_nan() {
        "NaN".into()
    } else if x.is_infinite() {
        (if x > 0.0 { "inf" } else { "-inf" }).into()
    } else {
        js_sys::Number::from(x)
            .to_string_with_radix(10)
            .map(String::from)
            .unwrap_or_default()
    }
}
