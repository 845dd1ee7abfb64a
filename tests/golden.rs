//! PyTorch parity: every case of tests/fixtures/torch, outputs and every intermediate, and
//! every error case rejected.

mod common;

use common::*;
use convviz::conv2d::{conv2d, Conv2dTrace};
use convviz::conv_transpose2d::{conv_transpose2d, ConvTranspose2dTrace};
use convviz::tensor::{tensor1, tensor3, tensor4};
use convviz::unfold::{fold, unfold};
use ndarray::Array1;
use serde_json::Value;

fn bias_of(case: &Value) -> Option<Array1<f32>> {
    case.get("bias")
        .filter(|b| !b.is_null())
        .map(|b| tensor1("bias", &shape(b), data(b)).unwrap())
}

fn run_conv2d(case: &Value) -> Result<(), String> {
    let x = tensor4("input", &shape(&case["input"]), data(&case["input"]))
        .map_err(|e| e.to_string())?;
    let w = tensor4("weight", &shape(&case["weight"]), data(&case["weight"]))
        .map_err(|e| e.to_string())?;
    let b = bias_of(case);
    let opts = conv2d_opts(&case["args"]);
    let y = conv2d(x.view(), w.view(), b.as_ref().map(|b| b.view()), &opts)
        .map_err(|e| e.to_string())?;
    compare(
        "output",
        y.shape(),
        y.as_slice().unwrap(),
        &case["expected"],
    )?;
    let t = Conv2dTrace::new(x.view(), w.view(), b.as_ref().map(|b| b.view()), &opts)
        .map_err(|e| e.to_string())?;
    compare(
        "trace output",
        t.output.shape(),
        t.output.as_slice().unwrap(),
        &case["expected"],
    )?;
    let im = &case["intermediates"];
    compare(
        "padded_input",
        t.padded_input.shape(),
        t.padded_input.as_slice().unwrap(),
        &im["padded_input"],
    )?;
    compare(
        "columns",
        t.columns.shape(),
        t.columns.as_slice().unwrap(),
        &im["columns"],
    )?;
    compare(
        "weight_matrix",
        t.weight_matrix.shape(),
        t.weight_matrix.as_slice().unwrap(),
        &im["weight_matrix"],
    )?;
    compare(
        "product",
        t.product.shape(),
        t.product.as_slice().unwrap(),
        &im["product"],
    )
}

fn run_conv_transpose2d(case: &Value) -> Result<(), String> {
    let x = tensor4("input", &shape(&case["input"]), data(&case["input"]))
        .map_err(|e| e.to_string())?;
    let w = tensor4("weight", &shape(&case["weight"]), data(&case["weight"]))
        .map_err(|e| e.to_string())?;
    let b = bias_of(case);
    let opts = conv_transpose2d_opts(&case["args"]);
    let y = conv_transpose2d(x.view(), w.view(), b.as_ref().map(|b| b.view()), &opts)
        .map_err(|e| e.to_string())?;
    compare(
        "output",
        y.shape(),
        y.as_slice().unwrap(),
        &case["expected"],
    )?;
    let t = ConvTranspose2dTrace::new(x.view(), w.view(), b.as_ref().map(|b| b.view()), &opts)
        .map_err(|e| e.to_string())?;
    compare(
        "trace output",
        t.output.shape(),
        t.output.as_slice().unwrap(),
        &case["expected"],
    )?;
    let z = &t.zero_insertion.output;
    compare(
        "zero-insertion output",
        z.shape(),
        z.as_slice().unwrap(),
        &case["expected"],
    )?;
    if let Some(cols) = case.get("intermediates").and_then(|i| i.get("columns")) {
        compare(
            "columns",
            t.columns.shape(),
            t.columns.as_slice().unwrap(),
            cols,
        )?;
    }
    Ok(())
}

fn run_unfold(case: &Value) -> Result<(), String> {
    let x = tensor4("input", &shape(&case["input"]), data(&case["input"]))
        .map_err(|e| e.to_string())?;
    let y = unfold(x.view(), &unfold_opts(&case["args"])).map_err(|e| e.to_string())?;
    compare(
        "output",
        y.shape(),
        y.as_slice().unwrap(),
        &case["expected"],
    )
}

fn run_fold(case: &Value) -> Result<(), String> {
    let x = tensor3("input", &shape(&case["input"]), data(&case["input"]))
        .map_err(|e| e.to_string())?;
    let args = &case["args"];
    let y = fold(x.view(), pair(&args["output_size"]), &unfold_opts(args))
        .map_err(|e| e.to_string())?;
    compare(
        "output",
        y.shape(),
        y.as_slice().unwrap(),
        &case["expected"],
    )
}

fn run(case: &Value) -> Result<(), String> {
    match case["op"].as_str().unwrap() {
        "conv2d" => run_conv2d(case),
        "conv_transpose2d" => run_conv_transpose2d(case),
        "unfold" => run_unfold(case),
        "fold" => run_fold(case),
        op => Err(format!("unknown op {op}")),
    }
}

/// The argument each known error case must name.
fn expected_arg(name: &str) -> &'static str {
    match name {
        "conv_kernel_larger_than_padded_input" | "conv_dilated_kernel_too_large" => "kernel_size",
        "conv_groups_do_not_divide_channels" => "groups",
        "conv_weight_channels_mismatch" => "weight",
        "conv_zero_stride" => "stride",
        "conv_negative_padding"
        | "conv_same_padding_with_stride"
        | "conv_reflect_padding_too_large" => "padding",
        "convT_output_padding_too_large" => "output_padding",
        "convT_output_size_out_of_range" => "output_size",
        "convT_padding_removes_everything" => "padding",
        "fold_block_count_mismatch" => "output_size",
        "fold_channels_not_divisible_by_kernel_area" | "unfold_kernel_larger_than_input" => {
            "kernel_size"
        }
        _ => "",
    }
}

#[test]
fn every_golden_case_matches_pytorch() {
    let mut ran = 0;
    let mut failures = Vec::new();
    for file in [
        "conv2d.json",
        "conv_transpose2d.json",
        "unfold.json",
        "fold.json",
    ] {
        for case in cases(file) {
            ran += 1;
            if let Err(e) = run(&case) {
                failures.push(format!("{}: {e}", case["name"]));
            }
        }
    }
    for case in cases("errors.json") {
        ran += 1;
        let name = case["name"].as_str().unwrap().to_string();
        match run(&case) {
            Ok(()) => failures.push(format!("{name}: accepted, PyTorch says: {}", case["error"])),
            Err(msg) => {
                let want = expected_arg(&name);
                if !msg.starts_with(&format!("{want}:")) {
                    failures.push(format!("{name}: message {msg:?} does not name {want}"));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {ran} failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(
        ran, 134,
        "the fixtures hold 134 cases; a missing file must not pass silently"
    );
}
