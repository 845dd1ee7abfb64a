//! Shared helpers for the native integration tests: reading golden cases and comparing.
#![allow(dead_code)]

use convviz::params::{Conv2dOptions, ConvTranspose2dOptions, Padding, PaddingMode, UnfoldOptions};
use serde_json::Value;
use std::path::PathBuf;

/// The directory of PyTorch reference cases.
pub fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/torch")
}

/// All cases of one fixture file.
pub fn cases(file: &str) -> Vec<Value> {
    let text = std::fs::read_to_string(fixtures().join(file)).expect("fixture file");
    let v: Value = serde_json::from_str(&text).expect("valid JSON");
    v["cases"].as_array().expect("cases").clone()
}

/// A tensor's shape as i64.
pub fn shape(t: &Value) -> Vec<i64> {
    t["shape"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d.as_i64().unwrap())
        .collect()
}

/// A tensor's data as f32 (zeros when only the shape is given).
pub fn data(t: &Value) -> Vec<f32> {
    match t.get("data") {
        Some(d) => d
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_f64().unwrap() as f32)
            .collect(),
        None => vec![0.0; shape(t).iter().product::<i64>().max(0) as usize],
    }
}

/// A pair argument.
pub fn pair(v: &Value) -> [i64; 2] {
    match v {
        Value::Array(a) => [a[0].as_i64().unwrap(), a[1].as_i64().unwrap()],
        _ => {
            let x = v.as_i64().unwrap();
            [x, x]
        }
    }
}

/// Conv2d options of a case.
pub fn conv2d_opts(args: &Value) -> Conv2dOptions {
    Conv2dOptions {
        stride: pair(&args["stride"]),
        padding: match &args["padding"] {
            Value::String(s) if s == "same" => Padding::Same,
            Value::String(s) if s == "valid" => Padding::Valid,
            p => Padding::Explicit(pair(p)),
        },
        dilation: pair(&args["dilation"]),
        groups: args["groups"].as_i64().unwrap(),
        padding_mode: args["padding_mode"]
            .as_str()
            .unwrap_or("zeros")
            .parse::<PaddingMode>()
            .unwrap(),
    }
}

/// ConvTranspose2d options of a case.
pub fn conv_transpose2d_opts(args: &Value) -> ConvTranspose2dOptions {
    ConvTranspose2dOptions {
        stride: pair(&args["stride"]),
        padding: pair(&args["padding"]),
        output_padding: pair(&args["output_padding"]),
        dilation: pair(&args["dilation"]),
        groups: args["groups"].as_i64().unwrap(),
        output_size: args.get("output_size").filter(|v| !v.is_null()).map(pair),
    }
}

/// Unfold options of a case.
pub fn unfold_opts(args: &Value) -> UnfoldOptions {
    UnfoldOptions {
        kernel_size: pair(&args["kernel_size"]),
        dilation: pair(&args["dilation"]),
        padding: pair(&args["padding"]),
        stride: pair(&args["stride"]),
    }
}

/// Compare against an expected tensor with the golden tolerance; Err describes the first
/// mismatch.
pub fn compare(
    name: &str,
    got_shape: &[usize],
    got: &[f32],
    expected: &Value,
) -> Result<(), String> {
    let es: Vec<usize> = shape(expected).iter().map(|&d| d as usize).collect();
    if got_shape != es.as_slice() {
        return Err(format!("{name}: shape {got_shape:?}, expected {es:?}"));
    }
    let ed = data(expected);
    for (i, (&g, &e)) in got.iter().zip(ed.iter()).enumerate() {
        if (g - e).abs() > 1e-4 * e.abs().max(1.0) {
            return Err(format!("{name}: element {i} is {g}, expected {e}"));
        }
    }
    Ok(())
}
