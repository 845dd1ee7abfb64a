//! Prepared layers (`Conv2dLayer`, `ConvTranspose2dLayer`): PyTorch parity on every golden
//! case, one layer reused across inputs of different sizes agrees with the functional call each
//! time, and bad parameters are refused at construction, naming the argument.

mod common;

use common::*;
use convviz::conv2d::conv2d;
use convviz::conv_transpose2d::conv_transpose2d;
use convviz::init::SplitMix64;
use convviz::layer::{Conv2dLayer, ConvTranspose2dLayer};
use convviz::params::{Conv2dOptions, ConvTranspose2dOptions, Padding, PaddingMode};
use convviz::tensor::{tensor1, tensor4};
use ndarray::{Array1, Array4};
use proptest::prelude::*;
use serde_json::Value;

fn tensors(case: &Value) -> (Array4<f32>, Array4<f32>, Option<Array1<f32>>) {
    let x = tensor4("input", &shape(&case["input"]), data(&case["input"])).unwrap();
    let w = tensor4("weight", &shape(&case["weight"]), data(&case["weight"])).unwrap();
    let b = case
        .get("bias")
        .filter(|b| !b.is_null())
        .map(|b| tensor1("bias", &shape(b), data(b)).unwrap());
    (x, w, b)
}

#[test]
fn conv2d_layer_matches_every_golden_case_on_repeated_calls() {
    let all = cases("conv2d.json");
    assert!(all.len() >= 40, "conv2d fixtures missing");
    for case in all {
        let name = case["name"].as_str().unwrap();
        let (x, w, b) = tensors(&case);
        let mut layer = Conv2dLayer::new(w, b, conv2d_opts(&case["args"]))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        // Twice: the second call runs on the reused workspace and output buffer.
        let mut out = Vec::new();
        for call in 0..2 {
            let shape = layer
                .forward_into(x.view(), &mut out)
                .unwrap_or_else(|e| panic!("{name} call {call}: {e}"));
            compare("output", &shape, &out, &case["expected"])
                .unwrap_or_else(|e| panic!("{name} call {call}: {e}"));
        }
        let y = layer.forward(x.view()).unwrap();
        compare(
            "forward",
            y.shape(),
            y.as_slice().unwrap(),
            &case["expected"],
        )
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    }
}

#[test]
fn conv_transpose2d_layer_matches_every_golden_case() {
    let all = cases("conv_transpose2d.json");
    assert!(all.len() >= 20, "conv_transpose2d fixtures missing");
    for case in all {
        let name = case["name"].as_str().unwrap();
        let (x, w, b) = tensors(&case);
        let layer = ConvTranspose2dLayer::new(w, b, conv_transpose2d_opts(&case["args"]))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        for call in 0..2 {
            let y = layer
                .forward(x.view())
                .unwrap_or_else(|e| panic!("{name} call {call}: {e}"));
            compare(
                "output",
                y.shape(),
                y.as_slice().unwrap(),
                &case["expected"],
            )
            .unwrap_or_else(|e| panic!("{name} call {call}: {e}"));
        }
    }
}

/// Every error case goes through a layer too: refused when the layer is built or when it is
/// called, with the same argument named as the functional call names.
#[test]
fn layers_refuse_every_error_case_naming_the_argument() {
    let mut checked = 0;
    for case in cases("errors.json") {
        let op = case["op"].as_str().unwrap();
        if op != "conv2d" && op != "conv_transpose2d" {
            continue;
        }
        let name = case["name"].as_str().unwrap();
        let x = tensor4("input", &shape(&case["input"]), data(&case["input"])).unwrap();
        let w = tensor4("weight", &shape(&case["weight"]), data(&case["weight"])).unwrap();
        let (functional, layered) = if op == "conv2d" {
            let opts = conv2d_opts(&case["args"]);
            (
                conv2d(x.view(), w.view(), None, &opts).map(|_| ()),
                Conv2dLayer::new(w.clone(), None, opts)
                    .and_then(|mut l| l.forward(x.view()).map(|_| ())),
            )
        } else {
            let opts = conv_transpose2d_opts(&case["args"]);
            (
                conv_transpose2d(x.view(), w.view(), None, &opts).map(|_| ()),
                ConvTranspose2dLayer::new(w.clone(), None, opts)
                    .and_then(|l| l.forward(x.view()).map(|_| ())),
            )
        };
        let f = functional.expect_err(name);
        let l = layered.unwrap_err_or_else(name);
        assert_eq!(
            l.arg(),
            f.arg(),
            "{name}: layer says {l}, functional says {f}"
        );
        checked += 1;
    }
    assert!(checked >= 10, "only {checked} error cases were conv cases");
}

trait UnwrapErr<E> {
    fn unwrap_err_or_else(self, name: &str) -> E;
}
impl<T, E> UnwrapErr<E> for Result<T, E> {
    fn unwrap_err_or_else(self, name: &str) -> E {
        match self {
            Ok(_) => panic!("{name}: accepted by a layer"),
            Err(e) => e,
        }
    }
}

#[test]
fn bad_parameters_are_refused_when_the_layer_is_built() {
    let w = Array4::<f32>::ones((4, 2, 3, 3));
    let opts = |f: fn(&mut Conv2dOptions)| {
        let mut o = Conv2dOptions::default();
        f(&mut o);
        o
    };
    let refused = |o: Conv2dOptions, b: Option<Array1<f32>>, w: Array4<f32>| {
        Conv2dLayer::new(w, b, o).unwrap_err().arg().to_string()
    };
    assert_eq!(
        refused(opts(|o| o.stride = [0, 1]), None, w.clone()),
        "stride"
    );
    assert_eq!(
        refused(opts(|o| o.dilation = [1, -1]), None, w.clone()),
        "dilation"
    );
    assert_eq!(refused(opts(|o| o.groups = 0), None, w.clone()), "groups");
    assert_eq!(refused(opts(|o| o.groups = 3), None, w.clone()), "groups");
    assert_eq!(
        refused(
            opts(|o| o.padding = Padding::Explicit([-1, 0])),
            None,
            w.clone()
        ),
        "padding"
    );
    assert_eq!(
        refused(
            opts(|o| {
                o.padding = Padding::Same;
                o.stride = [2, 2];
            }),
            None,
            w.clone()
        ),
        "padding"
    );
    assert_eq!(
        refused(Conv2dOptions::default(), Some(Array1::zeros(3)), w.clone()),
        "bias"
    );
    assert_eq!(
        refused(Conv2dOptions::default(), None, Array4::zeros((4, 0, 3, 3))),
        "weight"
    );
    let mut nan = w.clone();
    nan[[1, 1, 2, 0]] = f32::NAN;
    assert_eq!(refused(Conv2dOptions::default(), None, nan), "weight");

    let t = |o: ConvTranspose2dOptions| {
        ConvTranspose2dLayer::new(w.clone(), None, o)
            .unwrap_err()
            .arg()
            .to_string()
    };
    let base = ConvTranspose2dOptions::default();
    assert_eq!(
        t(ConvTranspose2dOptions {
            stride: [1, 0],
            ..base
        }),
        "stride"
    );
    assert_eq!(
        t(ConvTranspose2dOptions {
            output_padding: [-1, 0],
            ..base
        }),
        "output_padding"
    );
    assert_eq!(t(ConvTranspose2dOptions { groups: 3, ..base }), "groups");

    // The input is checked on every call: C_in of the layer, finiteness.
    let mut layer = Conv2dLayer::new(w, None, Conv2dOptions::default()).unwrap();
    assert_eq!(layer.in_channels(), 2);
    assert_eq!(layer.out_channels(), 4);
    let e = layer
        .forward(Array4::zeros((1, 3, 5, 5)).view())
        .unwrap_err();
    assert_eq!(e.arg(), "weight", "{e}");
    let mut x = Array4::<f32>::zeros((1, 2, 5, 5));
    x[[0, 1, 4, 4]] = f32::INFINITY;
    assert_eq!(layer.forward(x.view()).unwrap_err().arg(), "input");
    // …and a refused call leaves the layer working.
    let y = layer.forward(Array4::ones((1, 2, 5, 5)).view()).unwrap();
    assert!(y.iter().all(|&v| v == 18.0), "{y}");
}

/// Random inputs in small integers and halves (sums stay exact in f32).
fn filled(shape: (usize, usize, usize, usize), rng: &mut SplitMix64) -> Array4<f32> {
    Array4::from_shape_simple_fn(shape, || ((rng.next_u64() % 9) as f32 - 4.0) * 0.5)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    /// One layer, a sequence of inputs of different sizes and batch: every call equals the
    /// functional conv2d (the reused workspace never leaks one call's state into the next).
    #[test]
    fn one_conv2d_layer_serves_inputs_of_any_size(
        groups in 1usize..=2, cin_g in 1usize..=2, cout_g in 1usize..=3,
        k in [1usize..=3, 1..=3], s in [1usize..=3, 1..=3], d in [1usize..=2, 1..=2],
        p in [0usize..=2, 0..=2], mode in 0usize..4, bias in any::<bool>(),
        sizes in proptest::collection::vec((1usize..=2, [0usize..=6, 0..=6]), 1..5),
        seed in any::<u64>(),
    ) {
        let mut rng = SplitMix64::new(seed);
        let mode = [PaddingMode::Zeros, PaddingMode::Reflect, PaddingMode::Replicate, PaddingMode::Circular][mode];
        let opts = Conv2dOptions {
            stride: s.map(|v| v as i64),
            padding: Padding::Explicit(p.map(|v| v as i64)),
            dilation: d.map(|v| v as i64),
            groups: groups as i64,
            padding_mode: mode,
        };
        let w = filled((groups * cout_g, cin_g, k[0], k[1]), &mut rng);
        let b = bias.then(|| Array1::from_shape_simple_fn(groups * cout_g, || (rng.next_u64() % 5) as f32));
        let mut layer = Conv2dLayer::new(w.clone(), b.clone(), opts).unwrap();
        for (n, extra) in sizes {
            let mut hw = [0; 2];
            for a in 0..2 {
                let eff = d[a] * (k[a] - 1) + 1;
                hw[a] = eff.saturating_sub(2 * p[a]).max(p[a] + 1).max(1) + extra[a];
            }
            let x = filled((n, groups * cin_g, hw[0], hw[1]), &mut rng);
            let want = conv2d(x.view(), w.view(), b.as_ref().map(|b| b.view()), &opts);
            let got = layer.forward(x.view());
            match (want, got) {
                (Ok(want), Ok(got)) => prop_assert_eq!(want, got),
                (Err(a), Err(b)) => prop_assert_eq!(a.to_string(), b.to_string()),
                (a, b) => prop_assert!(false, "functional {:?} vs layer {:?}", a.map(|_| ()), b.map(|_| ())),
            }
        }
    }

    /// The same for ConvTranspose2d, with and without output_size.
    #[test]
    fn one_conv_transpose2d_layer_serves_inputs_of_any_size(
        groups in 1usize..=2, cin_g in 1usize..=2, cout_g in 1usize..=2,
        k in [1usize..=3, 1..=3], s in [1usize..=3, 1..=3], d in [1usize..=2, 1..=2],
        p in [0usize..=1, 0..=1], bias in any::<bool>(),
        sizes in proptest::collection::vec((1usize..=2, [1usize..=5, 1..=5]), 1..4),
        seed in any::<u64>(),
    ) {
        let mut rng = SplitMix64::new(seed);
        let opts = ConvTranspose2dOptions {
            stride: s.map(|v| v as i64),
            padding: p.map(|v| v as i64),
            dilation: d.map(|v| v as i64),
            groups: groups as i64,
            ..ConvTranspose2dOptions::default()
        };
        let w = filled((groups * cin_g, cout_g, k[0], k[1]), &mut rng);
        let b = bias.then(|| Array1::from_shape_simple_fn(groups * cout_g, || (rng.next_u64() % 5) as f32));
        let layer = ConvTranspose2dLayer::new(w.clone(), b.clone(), opts).unwrap();
        for (n, hw) in sizes {
            let x = filled((n, groups * cin_g, hw[0], hw[1]), &mut rng);
            let want = conv_transpose2d(x.view(), w.view(), b.as_ref().map(|b| b.view()), &opts);
            let got = layer.forward(x.view());
            match (want, got) {
                (Ok(want), Ok(got)) => prop_assert_eq!(want, got),
                (Err(a), Err(b)) => prop_assert_eq!(a.to_string(), b.to_string()),
                (a, b) => prop_assert!(false, "functional {:?} vs layer {:?}", a.map(|_| ()), b.map(|_| ())),
            }
        }
    }
}
