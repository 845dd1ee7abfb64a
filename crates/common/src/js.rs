//! The JS side of the errors, for the one wasm-bindgen file of each module (`src/wasm.rs` of the
//! core, `crates/gif/src/wasm.rs`): an [`Error`] as a JS `Error`, integers read from JS numbers,
//! and JS values worded in messages without Rust's float formatting (which would add about 20 KB
//! to a module).

use crate::{Error, ErrorKind};
use js_sys::Array;
use wasm_bindgen::prelude::*;

/// What the exported functions return: a JS `Error` (message `"<argument>: <message>"`) on failure.
pub type JsResult<T> = std::result::Result<T, JsError>;

/// An [`Error`] as a JS `Error`.
pub fn js_err(e: Error) -> JsError {
    JsError::new(&e.to_string())
}

/// A JS `Error` for an [`ErrorKind::InvalidValue`] of argument `arg`.
pub fn bad(arg: &'static str, message: impl Into<String>) -> JsError {
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
