//! The JS side of the errors, for the wasm-bindgen boundary of each module (`src/wasm/` of the
//! core, `crates/gif/src/wasm.rs`): an [`Error`] as a JS `Error` carrying `.arg` and `.kind`,
//! integers read from JS numbers, and JS values worded in messages without Rust's float
//! formatting (which would add about 20 KB to a module).

use crate::{Error, ErrorKind};
use js_sys::Array;
use wasm_bindgen::prelude::*;

/// What the exported functions return: on failure a JS `Error` made by [`js_err`] (message
/// `"<argument>: <message>"`, properties `.arg` and `.kind`).
///
/// The error is a plain `JsValue` rather than wasm-bindgen's `JsError`, which can carry no
/// properties besides its message.
pub type JsResult<T> = std::result::Result<T, JsValue>;

// One crossing per error, and less code in each module than `js_sys::Error::new` and two
// `Reflect::set`s (each key a JS string made from Rust).
#[wasm_bindgen(inline_js = r#"
export function jsError(message, arg, kind) {
  const e = new Error(message);
  e.arg = arg === '' ? null : arg;
  e.kind = kind;
  return e;
}
"#)]
extern "C" {
    #[wasm_bindgen(js_name = jsError)]
    fn js_error(message: &str, arg: &str, kind: &str) -> JsValue;
}

/// An [`Error`] as a JS `Error`: `.message` is its `Display` (`"<argument>: <message>"`), `.arg`
/// the argument's name ([`Error::arg`], or `null` when it names none) and `.kind` the name of its
/// [`ErrorKind`] (`'InvalidValue'`, `'Shape'`, …; see [`ErrorKind::name`]).
pub fn js_err(e: Error) -> JsValue {
    js_error(&e.to_string(), e.arg(), e.kind().name())
}

/// A JS `Error` for an [`ErrorKind::InvalidValue`] of argument `arg`.
pub fn bad(arg: &'static str, message: impl Into<String>) -> JsValue {
    js_err(Error::value(arg, message))
}

/// A JavaScript number that must be an integer (at most 2⁵³ − 1 in magnitude).
///
/// # Errors
/// Not a number, not an integer ([`ErrorKind::InvalidValue`]), or past 2⁵³ − 1
/// ([`ErrorKind::TooLarge`]).
pub fn int(arg: &'static str, v: &JsValue) -> JsResult<i64> {
    let x = v
        .as_f64()
        .ok_or_else(|| bad(arg, format!("expected an integer, got {}", describe(v))))?;
    if !x.is_finite() || x.fract() != 0.0 {
        return Err(bad(arg, format!("expected an integer, got {}", number(x))));
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
pub fn describe(v: &JsValue) -> String {
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
/// JavaScript's `String(x)` (the same digits as Rust's `{}` but for exponents, e.g. `1e+21`).
pub fn number(x: f64) -> String {
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
