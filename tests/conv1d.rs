//! `Conv1d`: PyTorch parity on every case of conv1d.json, every conv1d case of
//! errors_more.json refused with PyTorch's words, the trace's stages consistent with each
//! other, agreement with a direct 1-D sum on random configurations, and no panic on any
//! argument.

mod common;

use common::*;
use convviz::conv1d::{conv1d, Conv1dGeometry, Conv1dOptions, Conv1dTrace, Padding1d};
use convviz::init::SplitMix64;
use convviz::pad::source_index;
use convviz::params::PaddingMode;
use convviz::tensor::{tensor1, tensor3};
use ndarray::{Array1, Array3, ArrayView1, ArrayView3};
use proptest::prelude::*;
use serde_json::Value;

fn opts(args: &Value) -> Conv1dOptions {
    Conv1dOptions {
        stride: args["stride"].as_i64().unwrap(),
        padding: match &args["padding"] {
            Value::String(s) if s == "same" => Padding1d::Same,
            Value::String(s) if s == "valid" => Padding1d::Valid,
            p => Padding1d::Explicit(p.as_i64().unwrap()),
        },
        dilation: args["dilation"].as_i64().unwrap(),
        groups: args["groups"].as_i64().unwrap(),
        padding_mode: args["padding_mode"]
            .as_str()
            .unwrap()
            .parse::<PaddingMode>()
            .unwrap(),
    }
}

fn tensors(case: &Value) -> (Array3<f32>, Array3<f32>, Option<Array1<f32>>) {
    let x = tensor3("input", &shape(&case["input"]), data(&case["input"])).unwrap();
    let w = tensor3("weight", &shape(&case["weight"]), data(&case["weight"])).unwrap();
    let b = case
        .get("bias")
        .filter(|b| !b.is_null())
        .map(|b| tensor1("bias", &shape(b), data(b)).unwrap());
    (x, w, b)
}

/// The direct sum, independent of the 2-D machinery: for every output position, every tap,
/// the padded input read through `source_index`.
fn direct(
    x: ArrayView3<f32>,
    w: ArrayView3<f32>,
    b: Option<ArrayView1<f32>>,
    g: &Conv1dGeometry,
) -> Array3<f32> {
    let (cin_g, cout_g) = (g.in_channels / g.groups, g.out_channels / g.groups);
    Array3::from_shape_fn((g.batch, g.out_channels, g.output), |(n, o, t)| {
        let grp = o / cout_g;
        let mut sum = 0.0f64;
        for c in 0..cin_g {
            for j in 0..g.kernel {
                let p = t * g.stride + j * g.dilation;
                if let Some(i) = source_index(p, g.input, g.pad_before, g.padding_mode) {
                    sum += x[[n, grp * cin_g + c, i]] as f64 * w[[o, c, j]] as f64;
                }
            }
        }
        sum as f32 + b.map_or(0.0, |b| b[o])
    })
}

fn run(case: &Value) -> Result<(), String> {
    let (x, w, b) = tensors(case);
    let o = opts(&case["args"]);
    let bv = b.as_ref().map(|b| b.view());
    let y = conv1d(x.view(), w.view(), bv, &o).map_err(|e| e.to_string())?;
    compare(
        "output",
        y.shape(),
        y.as_slice().unwrap(),
        &case["expected"],
    )?;
    let t = Conv1dTrace::new(x.view(), w.view(), bv, &o).map_err(|e| e.to_string())?;
    compare(
        "trace output",
        t.output.shape(),
        t.output.as_slice().unwrap(),
        &case["expected"],
    )?;
    let g = t.geometry;
    let d = direct(x.view(), w.view(), bv, &g);
    compare(
        "direct sum",
        d.shape(),
        d.as_slice().unwrap(),
        &case["expected"],
    )?;
    check_trace(&t)
}

/// The stages agree with their definitions: padded input by `source_index`, columns read from
/// it, weight matrix a reshape, output = product + bias.
fn check_trace(t: &Conv1dTrace) -> Result<(), String> {
    let g = t.geometry;
    if t.padded_input.dim() != (g.batch, g.in_channels, g.padded) {
        return Err(format!("padded_input shape {:?}", t.padded_input.dim()));
    }
    for p in 0..g.padded {
        let src = source_index(p, g.input, g.pad_before, g.padding_mode);
        if t.halo_source[p] != src.map_or(-1, |s| s as i32) {
            return Err(format!("halo_source[{p}] = {}", t.halo_source[p]));
        }
        for n in 0..g.batch {
            for c in 0..g.in_channels {
                let want = src.map_or(0.0, |s| t.input[[n, c, s]]);
                if t.padded_input[[n, c, p]] != want {
                    return Err(format!("padded_input[{n}, {c}, {p}]"));
                }
            }
        }
    }
    if t.columns.dim() != (g.batch, g.in_channels * g.kernel, g.output) {
        return Err(format!("columns shape {:?}", t.columns.dim()));
    }
    for ((n, row, o), &v) in t.columns.indexed_iter() {
        let (c, j) = (row / g.kernel, row % g.kernel);
        if v != t.padded_input[[n, c, o * g.stride + j * g.dilation]] {
            return Err(format!("columns[{n}, {row}, {o}]"));
        }
    }
    let wm = t.weight.as_slice().unwrap();
    if t.weight_matrix.dim() != (g.out_channels, g.patch_len())
        || t.weight_matrix.as_slice().unwrap() != wm
    {
        return Err("weight_matrix".into());
    }
    for ((n, o, l), &v) in t.output.indexed_iter() {
        let want = t.product[[n, o, l]] + t.bias.as_ref().map_or(0.0, |b| b[o]);
        if v != want {
            return Err(format!("output[{n}, {o}, {l}] is not product + bias"));
        }
    }
    Ok(())
}

#[test]
fn every_conv1d_case_matches_pytorch() {
    let cases = cases("conv1d.json");
    assert_eq!(cases.len(), 36, "conv1d.json holds 36 cases");
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|c| run(c).err().map(|e| format!("{}: {e}", c["name"])))
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn same_padding_puts_the_odd_extra_on_the_right_in_every_mode() {
    let x = Array3::from_shape_vec((1, 1, 5), vec![1.0, 2.0, 3.0, 4.0, 5.0]).unwrap();
    let w = Array3::<f32>::ones((1, 1, 2));
    for (mode, want) in [
        (PaddingMode::Zeros, [1.0, 2.0, 3.0, 4.0, 5.0, 0.0]),
        (PaddingMode::Reflect, [1.0, 2.0, 3.0, 4.0, 5.0, 4.0]),
        (PaddingMode::Replicate, [1.0, 2.0, 3.0, 4.0, 5.0, 5.0]),
        (PaddingMode::Circular, [1.0, 2.0, 3.0, 4.0, 5.0, 1.0]),
    ] {
        let o = Conv1dOptions {
            padding: Padding1d::Same,
            padding_mode: mode,
            ..Default::default()
        };
        let t = Conv1dTrace::new(x.view(), w.view(), None, &o).unwrap();
        assert_eq!(t.padded_input.as_slice().unwrap(), &want, "{mode}");
        assert_eq!(t.output.dim(), (1, 1, 5));
    }
}

/// The argument each conv1d case of errors_more.json must name, and a piece of PyTorch's
/// message the error must contain.
fn expected(name: &str) -> (&'static str, &'static str) {
    match name {
        "conv1d_groups_do_not_divide_channels" => ("groups", "must be divisible by groups"),
        "conv1d_groups_do_not_divide_out_channels" => ("groups", "must be divisible by groups"),
        "conv1d_kernel_larger_than_input" => (
            "kernel_size",
            "Calculated padded input size per channel: (6). Kernel size: (7). Kernel size can't be greater than actual input size",
        ),
        "conv1d_dilated_kernel_larger_than_input" => (
            "kernel_size",
            "Calculated padded input size per channel: (4). Kernel size: (6). Kernel size can't be greater than actual input size",
        ),
        "conv1d_weight_channels_mismatch" => (
            "weight",
            "Given groups=1, weight of size [2, 2, 2], expected input[2, 3, 7] to have 2 channels, but got 3 channels instead",
        ),
        "conv1d_zero_stride" => ("stride", "non-positive stride is not supported"),
        "conv1d_negative_padding" => ("padding", "negative padding is not supported"),
        "conv1d_same_padding_with_stride" => (
            "padding",
            "padding='same' is not supported for strided convolutions",
        ),
        "conv1d_reflect_padding_too_large" => (
            "padding",
            "Padding size should be less than the corresponding input dimension",
        ),
        "conv1d_bias_length_mismatch" => (
            "bias",
            "Given weight of size [1, 3, 3], expected bias to be 1-dimensional with 1 elements, but got bias of size [2] instead",
        ),
        _ => ("", "an unknown case"),
    }
}

#[test]
fn every_conv1d_error_case_is_refused_with_pytorchs_words() {
    let mut seen = 0;
    for case in cases("errors_more.json") {
        if case["op"] != "conv1d" {
            continue;
        }
        seen += 1;
        let name = case["name"].as_str().unwrap();
        let (x, w, b) = tensors(&case);
        let o = opts(&case["args"]);
        let bv = b.as_ref().map(|b| b.view());
        let (arg, text) = expected(name);
        for e in [
            conv1d(x.view(), w.view(), bv, &o).unwrap_err(),
            Conv1dTrace::new(x.view(), w.view(), bv, &o).unwrap_err(),
        ] {
            assert_eq!(e.arg(), arg, "{name}: {e}");
            assert!(
                e.message().contains(text),
                "{name}: {e:?} lacks {text:?} (PyTorch: {})",
                case["error"]
            );
        }
        // The geometry names the argument too (bias aside, which it does not see).
        if arg != "bias" {
            let (xd, wd) = (x.dim(), w.dim());
            let e = Conv1dGeometry::new([xd.0, xd.1, xd.2], [wd.0, wd.1, wd.2], &o).unwrap_err();
            assert_eq!(e.arg(), arg, "{name}");
        }
    }
    assert_eq!(seen, 10, "errors_more.json holds 10 conv1d cases");
}

#[test]
fn non_finite_values_are_refused_naming_the_tensor() {
    let x = Array3::from_shape_vec((1, 1, 3), vec![1.0, f32::NAN, 2.0]).unwrap();
    let w = Array3::<f32>::ones((1, 1, 2));
    let e = conv1d(x.view(), w.view(), None, &Conv1dOptions::default()).unwrap_err();
    assert_eq!(
        (e.arg(), e.kind()),
        ("input", convviz::ErrorKind::NonFinite)
    );
    assert!(e.message().contains("element 1"), "{e}");
    let e = conv1d(w.view(), x.view(), None, &Conv1dOptions::default()).unwrap_err();
    assert_eq!(e.arg(), "kernel_size");
}

/// One random valid Conv1d configuration: (N, C_in, C_out, groups, L, k, stride, dilation,
/// padding, mode, bias, seed).
#[derive(Debug, Clone)]
struct Config {
    n: usize,
    groups: usize,
    cin_g: usize,
    cout_g: usize,
    len: usize,
    kernel: usize,
    stride: usize,
    dilation: usize,
    padding: Padding1d,
    mode: PaddingMode,
    bias: bool,
    seed: u64,
}

fn config() -> impl Strategy<Value = Config> {
    (
        (1usize..=2, 1usize..=3, 1usize..=2, 1usize..=2),
        (1usize..=4, 1usize..=3, 1usize..=3, 0usize..=3),
        (
            0usize..=5,
            0usize..4,
            0usize..5,
            any::<bool>(),
            any::<u64>(),
        ),
    )
        .prop_map(
            |(
                (n, groups, cin_g, cout_g),
                (kernel, stride, dilation, pad),
                (extra, m, p, bias, seed),
            )| {
                let mode = [
                    PaddingMode::Zeros,
                    PaddingMode::Reflect,
                    PaddingMode::Replicate,
                    PaddingMode::Circular,
                ][m];
                let padding = match p {
                    0 => Padding1d::Same,
                    1 => Padding1d::Valid,
                    _ => Padding1d::Explicit(pad as i64),
                };
                let stride = if padding == Padding1d::Same {
                    1
                } else {
                    stride
                };
                let eff = dilation * (kernel - 1) + 1;
                let total = match padding {
                    Padding1d::Same => eff - 1,
                    Padding1d::Valid => 0,
                    Padding1d::Explicit(p) => 2 * p as usize,
                };
                // Long enough for the kernel and for reflect (pad < L) and circular (pad ≤ L).
                let len = eff
                    .saturating_sub(total)
                    .max(total / 2 + total % 2 + 1)
                    .max(1)
                    + extra;
                Config {
                    n,
                    groups,
                    cin_g,
                    cout_g,
                    len,
                    kernel,
                    stride,
                    dilation,
                    padding,
                    mode,
                    bias,
                    seed,
                }
            },
        )
}

fn random(shape: (usize, usize, usize), rng: &mut SplitMix64) -> Array3<f32> {
    Array3::from_shape_simple_fn(shape, || rng.uniform(-1.0, 1.0))
}

/// Mostly small values, sometimes hostile ones.
fn arg() -> impl Strategy<Value = i64> {
    prop_oneof![4 => -2i64..=4, 1 => Just(i64::MAX), 1 => Just(i64::MIN), 1 => Just(1i64 << 30)]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1_500, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn conv1d_is_the_direct_sum(c in config()) {
        let mut rng = SplitMix64::new(c.seed);
        let (cin, cout) = (c.groups * c.cin_g, c.groups * c.cout_g);
        let x = random((c.n, cin, c.len), &mut rng);
        let w = random((cout, c.cin_g, c.kernel), &mut rng);
        let b = c.bias.then(|| Array1::from_shape_simple_fn(cout, || rng.uniform(-1.0, 1.0)));
        let o = Conv1dOptions {
            stride: c.stride as i64,
            padding: c.padding,
            dilation: c.dilation as i64,
            groups: c.groups as i64,
            padding_mode: c.mode,
        };
        let bv = b.as_ref().map(|b| b.view());
        let y = conv1d(x.view(), w.view(), bv, &o).unwrap();
        let t = Conv1dTrace::new(x.view(), w.view(), bv, &o).unwrap();
        let d = direct(x.view(), w.view(), bv, &t.geometry);
        prop_assert_eq!(y.dim(), d.dim());
        for (a, e) in y.iter().zip(d.iter()) {
            prop_assert!((a - e).abs() <= 1e-5 * e.abs().max(1.0), "{} vs {}", a, e);
        }
        for (a, e) in t.output.iter().zip(d.iter()) {
            prop_assert!((a - e).abs() <= 1e-5 * e.abs().max(1.0), "{} vs {}", a, e);
        }
        prop_assert!(check_trace(&t).is_ok(), "{:?}", check_trace(&t));
        if c.padding == Padding1d::Same {
            prop_assert_eq!(t.geometry.output, c.len);
        }
    }

    #[test]
    fn no_argument_panics(
        dims in [0usize..=4, 0..=4, 0..=6, 0..=3, 0..=3, 0..=4],
        args in [arg(), arg(), arg(), arg()],
        p in 0usize..3,
        m in 0usize..4,
        bias in prop_oneof![Just(None), (0usize..=4).prop_map(Some)],
    ) {
        let x = Array3::<f32>::ones((dims[0], dims[1], dims[2]));
        let w = Array3::<f32>::ones((dims[3], dims[4], dims[5]));
        let b = bias.map(Array1::<f32>::ones);
        let o = Conv1dOptions {
            stride: args[0],
            padding: [Padding1d::Same, Padding1d::Valid, Padding1d::Explicit(args[1])][p],
            dilation: args[2],
            groups: args[3],
            padding_mode: [PaddingMode::Zeros, PaddingMode::Reflect, PaddingMode::Replicate, PaddingMode::Circular][m],
        };
        let bv = b.as_ref().map(|b| b.view());
        for r in [
            conv1d(x.view(), w.view(), bv, &o).map(|y| y.len()),
            Conv1dTrace::new(x.view(), w.view(), bv, &o).map(|t| t.output.len()),
        ] {
            if let Err(e) = r {
                prop_assert!(!e.arg().is_empty() && !e.message().is_empty(), "{:?}", e);
            }
        }
    }
}
