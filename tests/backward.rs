//! Backward parity with PyTorch autograd: every case of tests/fixtures/torch/backward.json
//! (grad_input, grad_weight, grad_bias, from the function and from the trace), and every
//! backward case of errors_more.json rejected with an error naming the argument — plus NaN,
//! groups, empty tensors and hostile arguments: always an error, never a panic.

mod common;

use common::*;
use convviz::backward::{
    conv2d_backward, conv2d_grad_input, conv2d_grad_weight, conv_transpose2d_backward,
    Conv2dBackwardTrace,
};
use convviz::conv2d::conv2d;
use convviz::conv_transpose2d::conv_transpose2d;
use convviz::params::{Conv2dOptions, ConvTranspose2dOptions, Padding, PaddingMode};
use convviz::ErrorKind;
use ndarray::{Array1, Array4};
use proptest::prelude::*;
use serde_json::Value;

/// A tensor of the case as a 4-D array; empty dimensions allowed (PyTorch makes them).
fn t4(t: &Value) -> Array4<f32> {
    let s: Vec<usize> = shape(t).iter().map(|&d| d as usize).collect();
    Array4::from_shape_vec((s[0], s[1], s[2], s[3]), data(t)).expect("shape and data agree")
}

fn bias_of(case: &Value) -> Option<Array1<f32>> {
    case.get("bias")
        .filter(|b| !b.is_null())
        .map(|b| Array1::from_vec(data(b)))
}

/// Compare an array with the expected tensor (the golden tolerance).
fn check<D: ndarray::Dimension>(
    name: &str,
    got: &ndarray::Array<f32, D>,
    expected: &Value,
) -> Result<(), String> {
    let got = got.as_standard_layout();
    compare(name, got.shape(), got.as_slice().unwrap(), expected)
}

/// grad_bias: PyTorch's when the layer has a bias, else grad_output summed (what it would be).
fn check_bias(got: &Array1<f32>, case: &Value) -> Result<(), String> {
    let e = &case["expected"]["grad_bias"];
    if !e.is_null() {
        return check("grad_bias", got, e);
    }
    let gy = t4(&case["grad_output"]);
    let sums = gy.sum_axis(ndarray::Axis(3)).sum_axis(ndarray::Axis(2));
    let want = sums.sum_axis(ndarray::Axis(0));
    let want = serde_json::json!({"shape": [want.len()], "data": want.to_vec()});
    check("grad_bias (no bias)", got, &want)
}

fn run_conv2d(case: &Value) -> Result<(), String> {
    let (x, w, gy) = (
        t4(&case["input"]),
        t4(&case["weight"]),
        t4(&case["grad_output"]),
    );
    let b = bias_of(case);
    let opts = conv2d_opts(&case["args"]);
    let e = &case["expected"];
    // The forward agrees (so the arguments are read as PyTorch read them).
    let y = conv2d(x.view(), w.view(), b.as_ref().map(|b| b.view()), &opts)
        .map_err(|e| e.to_string())?;
    check("output", &y, &e["output"])?;
    let g = conv2d_backward(x.view(), w.view(), gy.view(), &opts).map_err(|e| e.to_string())?;
    check("grad_input", &g.grad_input, &e["grad_input"])?;
    check("grad_weight", &g.grad_weight, &e["grad_weight"])?;
    check_bias(&g.grad_bias, case)?;
    let t = Conv2dBackwardTrace::new(x.view(), w.view(), gy.view(), &opts)
        .map_err(|e| e.to_string())?;
    check("trace grad_input", &t.grad_input, &e["grad_input"])?;
    check("trace grad_weight", &t.grad_weight, &e["grad_weight"])?;
    check_bias(&t.grad_bias, case)
}

fn run_conv_transpose2d(case: &Value) -> Result<(), String> {
    let (x, w, gy) = (
        t4(&case["input"]),
        t4(&case["weight"]),
        t4(&case["grad_output"]),
    );
    let b = bias_of(case);
    let opts = conv_transpose2d_opts(&case["args"]);
    let e = &case["expected"];
    let y = conv_transpose2d(x.view(), w.view(), b.as_ref().map(|b| b.view()), &opts)
        .map_err(|e| e.to_string())?;
    check("output", &y, &e["output"])?;
    let g = conv_transpose2d_backward(x.view(), w.view(), gy.view(), &opts)
        .map_err(|e| e.to_string())?;
    check("grad_input", &g.grad_input, &e["grad_input"])?;
    check("grad_weight", &g.grad_weight, &e["grad_weight"])?;
    check_bias(&g.grad_bias, case)
}

fn run(case: &Value) -> Result<(), String> {
    match case["op"].as_str().unwrap() {
        "conv2d_backward" => run_conv2d(case),
        "conv_transpose2d_backward" => run_conv_transpose2d(case),
        op => Err(format!("unknown op {op}")),
    }
}

/// Whether a case's forward output is empty: PyTorch allows a transposed convolution whose
/// output has 0 rows; convviz's forward refuses it (there is nothing to draw), and so does its
/// backward.
fn empty_output(case: &Value) -> bool {
    shape(&case["expected"]["output"]).contains(&0)
}

#[test]
fn every_backward_case_matches_pytorch_autograd() {
    let cases = cases("backward.json");
    let (mut ran, mut refused) = (0, 0);
    let mut failures = Vec::new();
    for case in &cases {
        let name = case["name"].as_str().unwrap();
        if empty_output(case) {
            refused += 1;
            match run(case) {
                Err(msg) if msg.starts_with("padding: ") => {}
                other => failures.push(format!("{name}: expected a refusal, got {other:?}")),
            }
            continue;
        }
        ran += 1;
        if let Err(e) = run(case) {
            failures.push(format!("{name}: {e}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
    assert_eq!(
        (ran, refused),
        (75, 1),
        "backward.json holds 76 cases, one with an empty output"
    );
    for lecture in [
        "lecture_c2_all_ones_backward",
        "lecture_c3_downsample_s2_p1_backward",
        "lecture_u4_upsample_output_size_5x5_backward",
        "lecture_u4_upsample_output_size_5x5_backward_random_grad",
    ] {
        assert!(cases.iter().any(|c| c["name"] == lecture), "{lecture}");
    }
}

#[test]
fn every_padding_mode_and_padding_kind_is_covered() {
    let cases = cases("backward.json");
    for mode in ["zeros", "reflect", "replicate", "circular"] {
        assert!(cases
            .iter()
            .any(|c| c["args"]["padding_mode"] == mode && c["args"]["padding"] != "valid"));
    }
    for p in ["same", "valid"] {
        assert!(cases.iter().any(|c| c["args"]["padding"] == p));
    }
}

/// The argument each backward error case of errors_more.json must name.
fn expected_arg(name: &str) -> &'static str {
    match name {
        n if n.contains("grad_output") => "grad_output",
        "conv2d_backward_kernel_larger_than_input" => "kernel_size",
        "conv2d_backward_weight_channels_mismatch" => "weight",
        "conv2d_backward_zero_stride" => "stride",
        "convT_backward_output_padding_too_large" => "output_padding",
        "convT_backward_output_size_out_of_range" => "output_size",
        _ => "?",
    }
}

#[test]
fn every_backward_error_case_is_refused_naming_the_argument() {
    let mut seen = 0;
    let mut failures = Vec::new();
    for case in cases("errors_more.json") {
        if !case["op"].as_str().unwrap().ends_with("_backward") {
            continue;
        }
        seen += 1;
        let name = case["name"].as_str().unwrap();
        let want = expected_arg(name);
        match run_refused(&case) {
            Ok(()) => failures.push(format!("{name}: accepted; PyTorch says {}", case["error"])),
            Err(msg) if msg.starts_with(&format!("{want}: ")) => {}
            Err(msg) => failures.push(format!("{name}: {msg:?} does not name {want}")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(seen, 12, "errors_more.json holds 12 backward cases");
}

/// The backward call of an error case (the forward may accept it: a wrong grad_output).
fn run_refused(case: &Value) -> Result<(), String> {
    let (x, w, gy) = (
        t4(&case["input"]),
        t4(&case["weight"]),
        t4(&case["grad_output"]),
    );
    let args = &case["args"];
    if case["op"] == "conv2d_backward" {
        let opts = conv2d_opts(args);
        Conv2dBackwardTrace::new(x.view(), w.view(), gy.view(), &opts)
            .map_err(|e| e.to_string())?;
        conv2d_backward(x.view(), w.view(), gy.view(), &opts).map_err(|e| e.to_string())?;
    } else {
        let opts = conv_transpose2d_opts(args);
        conv_transpose2d_backward(x.view(), w.view(), gy.view(), &opts)
            .map_err(|e| e.to_string())?;
    }
    Ok(())
}

#[test]
fn bad_tensors_are_refused_naming_them() {
    let x = Array4::<f32>::ones((1, 4, 5, 5));
    let w = Array4::<f32>::ones((6, 2, 3, 3));
    let gy = Array4::<f32>::ones((1, 6, 3, 3));
    let opts = Conv2dOptions {
        groups: 2,
        ..Default::default()
    };
    assert!(conv2d_backward(x.view(), w.view(), gy.view(), &opts).is_ok());
    let err = |x: &Array4<f32>, w: &Array4<f32>, gy: &Array4<f32>, o: &Conv2dOptions| {
        let a = conv2d_backward(x.view(), w.view(), gy.view(), o).unwrap_err();
        let b = Conv2dBackwardTrace::new(x.view(), w.view(), gy.view(), o).unwrap_err();
        let c = conv2d_grad_input(x.view(), w.view(), gy.view(), o).unwrap_err();
        let d = conv2d_grad_weight(x.view(), w.view(), gy.view(), o).unwrap_err();
        assert_eq!((&a, &a, &a), (&b, &c, &d));
        (a.arg(), a.kind())
    };
    for (arg, at) in [("input", 0usize), ("weight", 1), ("grad_output", 2)] {
        for v in [f32::NAN, f32::INFINITY, -f32::INFINITY] {
            let mut t = [x.clone(), w.clone(), gy.clone()];
            t[at][[0, 1, 2, 2]] = v;
            assert_eq!(err(&t[0], &t[1], &t[2], &opts), (arg, ErrorKind::NonFinite));
        }
    }
    // Groups that do not divide the channels.
    let g3 = Conv2dOptions {
        groups: 3,
        ..Default::default()
    };
    assert_eq!(err(&x, &w, &gy, &g3).0, "groups");
    let g4 = Conv2dOptions {
        groups: 4,
        ..Default::default()
    };
    assert_eq!(err(&x, &w, &gy, &g4).0, "groups");
    // grad_output of the wrong shape: each dimension in turn.
    for d in 0..4 {
        let mut s = [1, 6, 3, 3];
        s[d] += 1;
        let bad = Array4::<f32>::zeros(s);
        assert_eq!(err(&x, &w, &bad, &opts), ("grad_output", ErrorKind::Shape));
    }
    let e = conv2d_backward(
        x.view(),
        w.view(),
        Array4::zeros((1, 6, 3, 4)).view(),
        &opts,
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "grad_output: Mismatch in shape: grad_output has a shape of torch.Size([1, 6, 3, 4]) and output has a shape of torch.Size([1, 6, 3, 3])"
    );
    // Empty tensors.
    let empty = Array4::<f32>::zeros((1, 4, 0, 5));
    assert_eq!(err(&empty, &w, &gy, &opts), ("input", ErrorKind::Shape));
    let empty_w = Array4::<f32>::zeros((0, 2, 3, 3));
    assert_eq!(err(&x, &empty_w, &gy, &opts), ("weight", ErrorKind::Shape));

    // The transposed convolution: the same checks.
    let wt = Array4::<f32>::ones((4, 3, 3, 3));
    let topts = ConvTranspose2dOptions {
        stride: [2, 2],
        groups: 2,
        ..Default::default()
    };
    let gyt = Array4::<f32>::ones((1, 6, 11, 11));
    assert!(conv_transpose2d_backward(x.view(), wt.view(), gyt.view(), &topts).is_ok());
    let terr = |x: &Array4<f32>, w: &Array4<f32>, gy: &Array4<f32>, o| {
        let e = conv_transpose2d_backward(x.view(), w.view(), gy.view(), o).unwrap_err();
        (e.arg(), e.kind())
    };
    let mut nan = gyt.clone();
    nan[[0, 5, 10, 10]] = f32::NAN;
    assert_eq!(
        terr(&x, &wt, &nan, &topts),
        ("grad_output", ErrorKind::NonFinite)
    );
    let t3 = ConvTranspose2dOptions { groups: 3, ..topts };
    assert_eq!(terr(&x, &wt, &gyt, &t3).0, "groups");
    let bad = Array4::<f32>::ones((1, 6, 11, 12));
    assert_eq!(
        terr(&x, &wt, &bad, &topts),
        ("grad_output", ErrorKind::Shape)
    );
}

#[test]
fn trace_steps_refuse_indices_out_of_range() {
    let x = Array4::<f32>::ones((2, 4, 5, 5));
    let w = Array4::<f32>::ones((6, 2, 3, 3));
    let gy = Array4::<f32>::ones((2, 6, 3, 3));
    let opts = Conv2dOptions {
        groups: 2,
        ..Default::default()
    };
    let t = Conv2dBackwardTrace::new(x.view(), w.view(), gy.view(), &opts).unwrap();
    assert!(t.weight_steps(5, 1, 2, 2).is_ok());
    assert!(t.input_steps(1, 3, 4, 4).is_ok());
    for (args, name) in [
        ([6, 0, 0, 0], "c_out"),
        ([0, 2, 0, 0], "c_in"),
        ([0, 0, 3, 0], "i"),
        ([0, 0, 0, 3], "j"),
    ] {
        let e = t
            .weight_steps(args[0], args[1], args[2], args[3])
            .unwrap_err();
        assert_eq!(e.arg(), name);
    }
    for (args, name) in [
        ([2, 0, 0, 0], "n"),
        ([0, 4, 0, 0], "c_in"),
        ([0, 0, 5, 0], "ih"),
        ([0, 0, 0, 5], "iw"),
    ] {
        let e = t
            .input_steps(args[0], args[1], args[2], args[3])
            .unwrap_err();
        assert_eq!(e.arg(), name);
    }
}

/// Mostly small values, sometimes hostile ones.
fn arg() -> impl Strategy<Value = i64> {
    prop_oneof![
        8 => -1i64..=4,
        1 => Just(i64::MAX),
        1 => Just(i64::MIN),
        1 => Just(1i64 << 24),
    ]
}

/// Small valid values mostly, so that the arithmetic runs often.
fn mostly_valid() -> impl Strategy<Value = i64> {
    prop_oneof![9 => 1i64..=3, 1 => arg()]
}

fn dims() -> impl Strategy<Value = [usize; 4]> {
    [0usize..=3, 0usize..=4, 0usize..=6, 0usize..=6]
}

fn value() -> impl Strategy<Value = f32> {
    prop_oneof![20 => -2.0f32..2.0, 1 => Just(f32::NAN), 1 => Just(f32::INFINITY)]
}

fn filled(shape: [usize; 4], fill: &[f32]) -> Array4<f32> {
    let len: usize = shape.iter().product();
    Array4::from_shape_vec(shape, (0..len).map(|i| fill[i % fill.len()]).collect()).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3_000, failure_persistence: None, ..ProptestConfig::default() })]

    /// Any shapes (empty ones too) and any arguments: Ok, or an error naming an argument.
    #[test]
    fn no_argument_panics(
        xs in dims(), ws in dims(), gs in dims(),
        stride in [arg(), arg()], padding in [arg(), arg()], dilation in [arg(), arg()],
        out_pad in [arg(), arg()], out_size in [arg(), arg()], groups in arg(),
        mode in 0usize..4, pad_kind in 0usize..3, use_size in any::<bool>(),
        fill in proptest::collection::vec(value(), 1..6),
    ) {
        let modes = [PaddingMode::Zeros, PaddingMode::Reflect, PaddingMode::Replicate, PaddingMode::Circular];
        let copts = Conv2dOptions {
            stride, dilation, groups, padding_mode: modes[mode],
            padding: [Padding::Explicit(padding), Padding::Same, Padding::Valid][pad_kind],
        };
        let topts = ConvTranspose2dOptions {
            stride, padding, output_padding: out_pad, dilation, groups,
            output_size: use_size.then_some(out_size),
        };
        let (x, w, gy) = (filled(xs, &fill), filled(ws, &fill), filled(gs, &fill));
        let named = |e: &convviz::Error| !e.arg().is_empty() && e.to_string().starts_with(e.arg());
        if let Err(e) = conv2d_backward(x.view(), w.view(), gy.view(), &copts) {
            prop_assert!(named(&e), "{e}");
        }
        if let Err(e) = Conv2dBackwardTrace::new(x.view(), w.view(), gy.view(), &copts) {
            prop_assert!(named(&e), "{e}");
        }
        if let Err(e) = conv_transpose2d_backward(x.view(), w.view(), gy.view(), &topts) {
            prop_assert!(named(&e), "{e}");
        }
    }

    /// The same with grad_output shaped as the output (the forward's output, when it has one),
    /// so that the arithmetic runs.
    #[test]
    fn matching_grad_outputs_run_or_are_refused(
        xs in dims(), ws in dims(),
        stride in [mostly_valid(), mostly_valid()], padding in [mostly_valid(), mostly_valid()],
        dilation in [mostly_valid(), mostly_valid()], out_pad in [mostly_valid(), mostly_valid()],
        groups in mostly_valid(), mode in 0usize..4, pad_kind in 0usize..3,
        fill in proptest::collection::vec(-2.0f32..2.0, 1..6),
    ) {
        let modes = [PaddingMode::Zeros, PaddingMode::Reflect, PaddingMode::Replicate, PaddingMode::Circular];
        let copts = Conv2dOptions {
            stride, dilation, groups, padding_mode: modes[mode],
            padding: [Padding::Explicit(padding), Padding::Same, Padding::Valid][pad_kind],
        };
        let (x, w) = (filled(xs, &fill), filled(ws, &fill));
        if xs.iter().chain(&ws).all(|&d| d > 0) {
            if let Ok(y) = conv2d(x.view(), w.view(), None, &copts) {
                let gy = y.mapv(|v| v * 0.5 - 1.0);
                prop_assert!(conv2d_backward(x.view(), w.view(), gy.view(), &copts).is_ok());
                prop_assert!(Conv2dBackwardTrace::new(x.view(), w.view(), gy.view(), &copts).is_ok());
            }
            let topts = ConvTranspose2dOptions {
                stride, padding, output_padding: out_pad, dilation, groups, output_size: None,
            };
            if let Ok(y) = conv_transpose2d(x.view(), w.view(), None, &topts) {
                let gy = y.mapv(|v| v * 0.5 - 1.0);
                prop_assert!(conv_transpose2d_backward(x.view(), w.view(), gy.view(), &topts).is_ok());
            }
        }
    }
}
