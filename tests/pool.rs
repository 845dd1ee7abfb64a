//! `max_pool2d` / `avg_pool2d`: PyTorch parity on every case of pool.json (indices exact),
//! every pooling case of errors_more.json refused with PyTorch's message, the per-window trace
//! consistent with the whole output, agreement with a naive window walk on random
//! configurations, NaN as PyTorch treats it, and no panic on any argument.

mod common;

use common::*;
use convviz::init::SplitMix64;
use convviz::pool::{
    avg_pool2d, avg_pool2d_window, max_pool2d, max_pool2d_window, max_pool2d_with_indices,
    pool_output_len, AvgPool2dOptions, CellKind, MaxPool2dOptions, Pool2dGeometry,
};
use convviz::tensor::tensor4;
use ndarray::{Array4, ArrayView4};
use proptest::prelude::*;
use serde_json::Value;

fn stride(args: &Value) -> Option<[i64; 2]> {
    Some(&args["stride"]).filter(|s| !s.is_null()).map(pair)
}

fn max_opts(args: &Value) -> MaxPool2dOptions {
    MaxPool2dOptions {
        kernel_size: pair(&args["kernel_size"]),
        stride: stride(args),
        padding: pair(&args["padding"]),
        dilation: pair(&args["dilation"]),
        ceil_mode: args["ceil_mode"].as_bool().unwrap(),
    }
}

fn avg_opts(args: &Value) -> AvgPool2dOptions {
    AvgPool2dOptions {
        kernel_size: pair(&args["kernel_size"]),
        stride: stride(args),
        padding: pair(&args["padding"]),
        ceil_mode: args["ceil_mode"].as_bool().unwrap(),
        count_include_pad: args["count_include_pad"].as_bool().unwrap(),
        divisor_override: args["divisor_override"].as_i64(),
    }
}

fn input(case: &Value) -> Array4<f32> {
    tensor4("input", &shape(&case["input"]), data(&case["input"])).unwrap()
}

/// Same value, NaN equal to NaN.
fn same(a: f32, b: f32) -> bool {
    a == b || (a.is_nan() && b.is_nan())
}

fn run_max(case: &Value) -> Result<(), String> {
    let x = input(case);
    let o = max_opts(&case["args"]);
    let r = max_pool2d_with_indices(x.view(), &o).map_err(|e| e.to_string())?;
    let exp = &case["expected"];
    compare(
        "output",
        r.output.shape(),
        r.output.as_slice().unwrap(),
        &exp["output"],
    )?;
    let want: Vec<i64> = exp["indices"]["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_i64().unwrap())
        .collect();
    if r.indices.as_slice().unwrap() != want.as_slice() {
        return Err(format!(
            "indices {:?}, expected {want:?}",
            r.indices.as_slice().unwrap()
        ));
    }
    let y = max_pool2d(x.view(), &o).map_err(|e| e.to_string())?;
    if y != r.output {
        return Err("max_pool2d differs from max_pool2d_with_indices".into());
    }
    check_max_windows(x.view(), &o, &r.output, &r.indices)
}

/// Every output cell's window gives the cell's value and index, and its argmax cell is
/// the input cell of that index.
fn check_max_windows(
    x: ArrayView4<f32>,
    o: &MaxPool2dOptions,
    out: &Array4<f32>,
    idx: &Array4<i64>,
) -> Result<(), String> {
    let w = x.dim().3 as i64;
    for ((n, c, oh, ow), &v) in out.indexed_iter() {
        let win = max_pool2d_window(x, o, [n, c, oh, ow]).map_err(|e| e.to_string())?;
        let k = o.kernel_size;
        if win.cells.len() != (k[0] * k[1]) as usize {
            return Err("window cell count".into());
        }
        if !same(win.output, v) || win.index != Some(idx[[n, c, oh, ow]]) {
            return Err(format!("window ({n}, {c}, {oh}, {ow}) disagrees"));
        }
        if let Some(a) = win.argmax {
            let cell = win.cells[a];
            if cell.kind != CellKind::Input
                || cell.row * w + cell.col != idx[[n, c, oh, ow]]
                || !same(cell.value.unwrap(), v)
            {
                return Err(format!("argmax of ({n}, {c}, {oh}, {ow})"));
            }
        }
        for cell in &win.cells {
            if (cell.kind == CellKind::Input) != cell.value.is_some() {
                return Err("only input cells carry values".into());
            }
        }
    }
    Ok(())
}

fn run_avg(case: &Value) -> Result<(), String> {
    let x = input(case);
    let o = avg_opts(&case["args"]);
    let y = avg_pool2d(x.view(), &o).map_err(|e| e.to_string())?;
    compare(
        "output",
        y.shape(),
        y.as_slice().unwrap(),
        &case["expected"],
    )?;
    check_avg_windows(x.view(), &o, &y)
}

fn check_avg_windows(
    x: ArrayView4<f32>,
    o: &AvgPool2dOptions,
    out: &Array4<f32>,
) -> Result<(), String> {
    for ((n, c, oh, ow), &v) in out.indexed_iter() {
        let win = avg_pool2d_window(x, o, [n, c, oh, ow]).map_err(|e| e.to_string())?;
        if !same(win.output, v) {
            return Err(format!(
                "window ({n}, {c}, {oh}, {ow}): {} vs {v}",
                win.output
            ));
        }
        let counted = win
            .cells
            .iter()
            .filter(|cell| match cell.kind {
                CellKind::Input => true,
                CellKind::Padding => o.count_include_pad,
                CellKind::Outside => false,
            })
            .count() as i64;
        let divisor = o.divisor_override.unwrap_or(counted);
        if win.divisor != Some(divisor) {
            return Err(format!(
                "divisor of ({n}, {c}, {oh}, {ow}): {:?}, counted {divisor}",
                win.divisor
            ));
        }
        let sum: f32 = win.cells.iter().filter_map(|cell| cell.value).sum();
        if !same(win.sum.unwrap(), sum) {
            return Err("sum".into());
        }
    }
    Ok(())
}

#[test]
fn every_pool_case_matches_pytorch() {
    let cases = cases("pool.json");
    assert_eq!(cases.len(), 72, "pool.json holds 72 cases");
    let mut failures = Vec::new();
    for case in &cases {
        let r = match case["op"].as_str().unwrap() {
            "max_pool2d" => run_max(case),
            "avg_pool2d" => run_avg(case),
            op => Err(format!("unknown op {op}")),
        };
        if let Err(e) = r {
            failures.push(format!("{}: {e}", case["name"]));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The argument each pooling case of errors_more.json must name.
fn expected_arg(name: &str) -> &'static str {
    match name {
        "max_pool_padding_more_than_half_kernel"
        | "max_pool_padding_more_than_half_kernel_w"
        | "max_pool_negative_padding"
        | "avg_pool_padding_more_than_half_kernel"
        | "avg_pool_negative_padding" => "padding",
        "max_pool_zero_stride" | "avg_pool_zero_stride" => "stride",
        "max_pool_zero_kernel"
        | "avg_pool_zero_kernel"
        | "max_pool_kernel_larger_than_padded_input"
        | "max_pool_dilated_kernel_larger_than_input"
        | "avg_pool_kernel_larger_than_padded_input" => "kernel_size",
        "max_pool_zero_dilation" => "dilation",
        "avg_pool_divisor_override_zero" => "divisor_override",
        _ => "",
    }
}

#[test]
fn every_pool_error_case_is_refused_with_pytorchs_message() {
    let mut seen = 0;
    for case in cases("errors_more.json") {
        let name = case["name"].as_str().unwrap();
        let x = match case["op"].as_str().unwrap() {
            "max_pool2d" | "avg_pool2d" => input(&case),
            _ => continue,
        };
        seen += 1;
        let args = &case["args"];
        let errors = if case["op"] == "max_pool2d" {
            let o = max_opts(args);
            vec![
                max_pool2d(x.view(), &o).unwrap_err(),
                max_pool2d_with_indices(x.view(), &o).unwrap_err(),
                max_pool2d_window(x.view(), &o, [0, 0, 0, 0]).unwrap_err(),
            ]
        } else {
            let o = avg_opts(args);
            vec![
                avg_pool2d(x.view(), &o).unwrap_err(),
                avg_pool2d_window(x.view(), &o, [0, 0, 0, 0]).unwrap_err(),
            ]
        };
        for e in errors {
            assert_eq!(e.arg(), expected_arg(name), "{name}: {e}");
            assert_eq!(e.message(), case["error"].as_str().unwrap(), "{name}");
        }
    }
    assert_eq!(seen, 14, "errors_more.json holds 14 pooling cases");
}

#[test]
fn nan_is_the_maximum_and_the_last_nan_wins() {
    let nan = f32::NAN;
    let x = Array4::from_shape_vec((1, 1, 2, 2), vec![1.0, nan, 3.0, nan]).unwrap();
    let r = max_pool2d_with_indices(x.view(), &MaxPool2dOptions::new([2, 2])).unwrap();
    assert!(r.output[[0, 0, 0, 0]].is_nan());
    assert_eq!(r.indices[[0, 0, 0, 0]], 3);
    let win = max_pool2d_window(x.view(), &MaxPool2dOptions::new([2, 2]), [0, 0, 0, 0]).unwrap();
    assert_eq!((win.argmax, win.index), (Some(3), Some(3)));
    // After a NaN a larger number does not win back.
    let x = Array4::from_shape_vec((1, 1, 1, 3), vec![nan, 5.0, 7.0]).unwrap();
    let r = max_pool2d_with_indices(x.view(), &MaxPool2dOptions::new([1, 3])).unwrap();
    assert!(r.output[[0, 0, 0, 0]].is_nan());
    assert_eq!(r.indices[[0, 0, 0, 0]], 0);
    // avg: NaN and ±∞ flow through the sum.
    let x = Array4::from_shape_vec((1, 1, 1, 4), vec![1.0, nan, f32::INFINITY, 2.0]).unwrap();
    let y = avg_pool2d(x.view(), &AvgPool2dOptions::new([1, 2])).unwrap();
    assert!(y[[0, 0, 0, 0]].is_nan() && y[[0, 0, 0, 1]] == f32::INFINITY);
}

#[test]
fn ties_go_to_the_first_in_row_major_window_order_and_padding_never_wins() {
    let ninf = f32::NEG_INFINITY;
    let x = Array4::from_shape_vec((1, 1, 2, 2), vec![ninf, ninf, ninf, ninf]).unwrap();
    let mut o = MaxPool2dOptions::new([2, 2]);
    o.padding = [1, 1];
    o.stride = Some([1, 1]);
    let r = max_pool2d_with_indices(x.view(), &o).unwrap();
    // Every window's first input cell (padding is −∞ too, but is never read).
    assert_eq!(r.indices.as_slice().unwrap(), &[0, 0, 1, 0, 0, 1, 2, 2, 3]);
    assert!(r.output.iter().all(|&v| v == ninf));
    let x = Array4::from_elem((1, 1, 3, 3), 2.0f32);
    let r = max_pool2d_with_indices(x.view(), &o).unwrap();
    assert_eq!(r.indices[[0, 0, 1, 1]], 0);
    assert_eq!(r.indices[[0, 0, 3, 3]], 8);
}

#[test]
fn a_window_with_no_input_cell_gives_minus_infinity_and_pytorchs_index() {
    // H = 1, kernel 2 dilated by 2, padding 1: the only window reads rows −1 and 1.
    let x = Array4::from_shape_vec((1, 1, 1, 3), vec![1.0, 2.0, 3.0]).unwrap();
    let o = MaxPool2dOptions {
        kernel_size: [2, 1],
        stride: Some([1, 1]),
        padding: [1, 0],
        dilation: [2, 1],
        ceil_mode: false,
    };
    let r = max_pool2d_with_indices(x.view(), &o).unwrap();
    assert_eq!(r.output.dim(), (1, 1, 1, 3));
    assert!(r.output.iter().all(|&v| v == f32::NEG_INFINITY));
    // PyTorch steps the first row past the padding (−1 → 1) and keeps h0·W + w0.
    assert_eq!(r.indices.as_slice().unwrap(), &[3, 4, 5]);
    let win = max_pool2d_window(x.view(), &o, [0, 0, 0, 1]).unwrap();
    assert_eq!(win.argmax, None);
    assert!(win.cells.iter().all(|c| c.kind == CellKind::Padding));
}

#[test]
fn ceil_mode_drops_a_window_that_would_start_in_the_right_padding() {
    // 5 cells, kernel 2, stride 2, padding 1: windows start at −1, 1, 3; rounding up makes
    // a 4th at 5, the right padding's column: dropped.
    assert_eq!(pool_output_len(5, 2, 1, 2, 1, false), 3);
    assert_eq!(pool_output_len(5, 2, 1, 2, 1, true), 3);
    assert_eq!(pool_output_len(6, 2, 1, 2, 1, true), 4); // here the 4th starts at 5, inside
                                                         // 5 cells, kernel 2, stride 2: the 3rd window starts at 4, inside: kept, and hangs off.
    assert_eq!(pool_output_len(5, 2, 0, 2, 1, true), 3);
    let x = Array4::from_shape_fn((1, 1, 1, 5), |(_, _, _, c)| c as f32);
    let mut o = AvgPool2dOptions::new([1, 2]);
    o.ceil_mode = true;
    let win = avg_pool2d_window(x.view(), &o, [0, 0, 0, 2]).unwrap();
    let kinds: Vec<_> = win.cells.iter().map(|c| c.kind).collect();
    assert_eq!(kinds, vec![CellKind::Input, CellKind::Outside]);
    assert_eq!((win.divisor, win.output), (Some(1), 4.0));
    let g = Pool2dGeometry::new([1, 1, 1, 5], [1, 2], None, [0, 0], [1, 1], true).unwrap();
    assert_eq!(g.output, [1, 3]);
}

#[test]
fn a_cell_outside_the_output_is_refused() {
    let x = Array4::<f32>::ones((1, 2, 4, 4));
    let o = MaxPool2dOptions::new([2, 2]);
    for at in [[1, 0, 0, 0], [0, 2, 0, 0], [0, 0, 2, 0], [0, 0, 0, 2]] {
        let e = max_pool2d_window(x.view(), &o, at).unwrap_err();
        assert_eq!(e.arg(), "cell");
        let e = avg_pool2d_window(x.view(), &AvgPool2dOptions::new([2, 2]), at).unwrap_err();
        assert_eq!(e.arg(), "cell");
    }
}

/// The naive walk over every window cell: (max, its index or None, avg).
fn naive(
    x: ArrayView4<f32>,
    g: &Pool2dGeometry,
    a: &AvgPool2dOptions,
    at: [usize; 4],
) -> (f32, Option<i64>, f32) {
    let (_, _, h, w) = x.dim();
    let (h, w) = (h as i64, w as i64);
    let mut best = f32::NEG_INFINITY;
    let mut index = None;
    let (mut sum, mut counted_pad, mut counted_in) = (0.0f32, 0i64, 0i64);
    for i in 0..g.kernel[0] {
        for j in 0..g.kernel[1] {
            let r = (at[2] * g.stride[0]) as i64 - g.padding[0] as i64 + (i * g.dilation[0]) as i64;
            let c = (at[3] * g.stride[1]) as i64 - g.padding[1] as i64 + (j * g.dilation[1]) as i64;
            let inside = (0..h).contains(&r) && (0..w).contains(&c);
            if r < h + g.padding[0] as i64 && c < w + g.padding[1] as i64 {
                counted_pad += 1;
            }
            if inside {
                counted_in += 1;
                let v = x[[at[0], at[1], r as usize, c as usize]];
                sum += v;
                if index.is_none() || v > best || v.is_nan() {
                    best = v;
                    index = Some(r * w + c);
                }
            }
        }
    }
    let divisor = a.divisor_override.unwrap_or(if a.count_include_pad {
        counted_pad
    } else {
        counted_in
    });
    let avg = if counted_in == 0 {
        0.0
    } else {
        sum / divisor as f32
    };
    (best, index, avg)
}

/// A random pooling, valid or not (padding may pass half the kernel, or leave no output):
/// input (N, C, H, W), kernel, stride, padding, dilation, ceil_mode, count_include_pad,
/// divisor_override, data seed, integer data (ties).
#[derive(Debug, Clone)]
struct PoolConfig {
    dims: [usize; 4],
    k: [i64; 2],
    s: [i64; 2],
    p: [i64; 2],
    d: [i64; 2],
    ceil: bool,
    cip: bool,
    div: Option<i64>,
    seed: u64,
    ints: bool,
}

fn pool_config() -> impl Strategy<Value = PoolConfig> {
    (
        [1usize..=2, 1..=2, 1..=7, 1..=7],
        [1i64..=4, 1..=4],
        [1i64..=3, 1..=3],
        [0i64..=2, 0..=2],
        [1i64..=2, 1..=2],
        (
            any::<bool>(),
            any::<bool>(),
            prop_oneof![3 => Just(None), 1 => (-3i64..=9).prop_filter("not 0", |d| *d != 0).prop_map(Some)],
            any::<u64>(),
            any::<bool>(),
        ),
    )
        .prop_map(|(dims, k, s, p, d, (ceil, cip, div, seed, ints))| PoolConfig {
            dims,
            k,
            s,
            p,
            d,
            ceil,
            cip,
            div,
            seed,
            ints,
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2_000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn pooling_is_the_naive_window_walk(
        cfg in pool_config()
    ) {
        let PoolConfig { dims, k, s, p, d, ceil, cip, div, seed, ints } = cfg;
        let mut rng = SplitMix64::new(seed);
        let x = Array4::from_shape_simple_fn((dims[0], dims[1], dims[2], dims[3]), || {
            let v = rng.uniform(-2.0, 2.0);
            if ints { v.round() } else { v }
        });
        let m = MaxPool2dOptions { kernel_size: k, stride: Some(s), padding: p, dilation: d, ceil_mode: ceil };
        let a = AvgPool2dOptions {
            kernel_size: k, stride: Some(s), padding: p, ceil_mode: ceil,
            count_include_pad: cip, divisor_override: div,
        };
        // Valid exactly when PyTorch's rules say so.
        let valid_for = |dil: [i64; 2]| (0..2).all(|a| {
            let eff = (k[a] - 1) * dil[a] + 1;
            p[a] <= eff / 2 && pool_output_len(dims[2 + a] as i64, k[a], p[a], s[a], dil[a], ceil) >= 1
        });
        match max_pool2d_with_indices(x.view(), &m) {
            Err(e) => prop_assert!(!valid_for(d), "refused a valid setting: {}", e),
            Ok(r) => {
                prop_assert!(valid_for(d));
                let g = m.geometry([dims[0], dims[1], dims[2], dims[3]]).unwrap();
                for ((n, c, oh, ow), &v) in r.output.indexed_iter() {
                    let (best, index, _) = naive(x.view(), &g, &a, [n, c, oh, ow]);
                    prop_assert!(same(v, best), "max {} vs {}", v, best);
                    if let Some(i) = index {
                        prop_assert_eq!(r.indices[[n, c, oh, ow]], i);
                    }
                }
                prop_assert!(check_max_windows(x.view(), &m, &r.output, &r.indices).is_ok());
            }
        }
        match avg_pool2d(x.view(), &a) {
            Err(e) => prop_assert!(!valid_for([1, 1]), "refused a valid setting: {}", e),
            Ok(y) => {
                prop_assert!(valid_for([1, 1]));
                let g = a.geometry([dims[0], dims[1], dims[2], dims[3]]).unwrap();
                for ((n, c, oh, ow), &v) in y.indexed_iter() {
                    let (_, _, avg) = naive(x.view(), &g, &a, [n, c, oh, ow]);
                    prop_assert!((v - avg).abs() <= 1e-5 * avg.abs().max(1.0), "avg {} vs {}", v, avg);
                }
                prop_assert!(check_avg_windows(x.view(), &a, &y).is_ok());
            }
        }
    }

    #[test]
    fn no_argument_panics(
        dims in [0usize..=3, 0..=3, 0..=5, 0..=5],
        args in [[arg(), arg()], [arg(), arg()], [arg(), arg()], [arg(), arg()]],
        default_stride in any::<bool>(),
        flags in (any::<bool>(), any::<bool>(), prop_oneof![Just(None), arg().prop_map(Some)]),
        at in [0usize..3, 0..3, 0..4, 0..4],
        nan in any::<bool>(),
    ) {
        let fill = if nan { f32::NAN } else { 1.0 };
        let x = Array4::from_elem((dims[0], dims[1], dims[2], dims[3]), fill);
        let stride = (!default_stride).then_some(args[1]);
        let m = MaxPool2dOptions { kernel_size: args[0], stride, padding: args[2], dilation: args[3], ceil_mode: flags.0 };
        let a = AvgPool2dOptions {
            kernel_size: args[0], stride, padding: args[2], ceil_mode: flags.0,
            count_include_pad: flags.1, divisor_override: flags.2,
        };
        let results = [
            max_pool2d_with_indices(x.view(), &m).map(|r| r.output.len()),
            avg_pool2d(x.view(), &a).map(|y| y.len()),
            max_pool2d_window(x.view(), &m, at).map(|w| w.cells.len()),
            avg_pool2d_window(x.view(), &a, at).map(|w| w.cells.len()),
        ];
        for r in results {
            if let Err(e) = r {
                prop_assert!(!e.arg().is_empty() && !e.message().is_empty(), "{:?}", e);
            }
        }
    }
}

/// Mostly small values, sometimes hostile ones.
fn arg() -> impl Strategy<Value = i64> {
    prop_oneof![
        6 => -1i64..=4,
        1 => Just(i64::MAX),
        1 => Just(i64::MIN),
        1 => Just(1i64 << 40),
        1 => Just(1i64 << 24),
    ]
}
