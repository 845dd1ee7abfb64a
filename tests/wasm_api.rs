//! The JS boundary, run as wasm in Node by wasm-bindgen-test: tensors in and out, errors as
//! JS `Error`s naming the argument, the module still working after an error, trace getters.
#![cfg(target_arch = "wasm32")]

use convviz::wasm;
use js_sys::{Array, Float32Array, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

fn tensor(shape: &[u32], fill: f32) -> JsValue {
    let n: u32 = shape.iter().product();
    let o = Object::new();
    let s: Array = shape.iter().map(|&d| JsValue::from(d)).collect();
    Reflect::set(&o, &"shape".into(), &s).unwrap();
    let data = Float32Array::new_with_length(n);
    data.fill(fill, 0, n);
    Reflect::set(&o, &"data".into(), &data).unwrap();
    o.into()
}

fn opts(pairs: &[(&str, JsValue)]) -> JsValue {
    let o = Object::new();
    for (k, v) in pairs {
        Reflect::set(&o, &JsValue::from_str(k), v).unwrap();
    }
    o.into()
}

fn get(v: &JsValue, k: &str) -> JsValue {
    Reflect::get(v, &JsValue::from_str(k)).unwrap()
}

fn shape_of(t: &JsValue) -> Vec<u32> {
    get(t, "shape")
        .unchecked_into::<Array>()
        .iter()
        .map(|d| d.as_f64().unwrap() as u32)
        .collect()
}

fn data_of(t: &JsValue) -> Vec<f32> {
    get(t, "data").unchecked_into::<Float32Array>().to_vec()
}

fn message(v: JsValue) -> String {
    assert!(v.is_instance_of::<js_sys::Error>(), "not an Error");
    v.unchecked_into::<js_sys::Error>().message().into()
}

/// The `.arg` and `.kind` of a thrown `Error` (`.arg` `None` for `null`).
fn arg_kind(v: &JsValue) -> (Option<String>, String) {
    (
        get(v, "arg").as_string(),
        get(v, "kind").as_string().unwrap(),
    )
}

fn array(v: &[i32]) -> JsValue {
    v.iter()
        .map(|&d| JsValue::from(d))
        .collect::<Array>()
        .into()
}

#[wasm_bindgen_test]
fn lecture_example_all_ones_is_27() {
    let y = wasm::conv2d(
        tensor(&[1, 3, 5, 5], 1.0),
        tensor(&[1, 3, 3, 3], 1.0),
        JsValue::NULL,
        JsValue::UNDEFINED,
    )
    .unwrap();
    assert_eq!(shape_of(&y), vec![1, 1, 3, 3]);
    assert!(data_of(&y).iter().all(|&v| v == 27.0));
}

#[wasm_bindgen_test]
fn errors_name_the_argument_and_the_module_keeps_working() {
    let cases = [
        (opts(&[("stride", 0.into())]), "stride"),
        (opts(&[("padding", "sideways".into())]), "padding"),
        (opts(&[("dilation", JsValue::from_f64(1.5))]), "dilation"),
        (opts(&[("groups", 2.into())]), "groups"),
        (opts(&[("paddingMode", "mirror".into())]), "padding_mode"),
        (
            opts(&[("padding", 9.into()), ("paddingMode", "reflect".into())]),
            "padding",
        ),
        (JsValue::from(7), "options"),
    ];
    for (o, arg) in cases {
        let e = wasm::conv2d(
            tensor(&[1, 3, 5, 5], 1.0),
            tensor(&[1, 3, 3, 3], 1.0),
            JsValue::NULL,
            o,
        )
        .unwrap_err();
        let m = message(e);
        assert!(m.starts_with(arg), "{m:?} should name {arg}");
        let ok = wasm::conv2d(
            tensor(&[1, 3, 5, 5], 1.0),
            tensor(&[1, 3, 3, 3], 1.0),
            JsValue::NULL,
            JsValue::UNDEFINED,
        )
        .unwrap();
        assert_eq!(data_of(&ok)[0], 27.0);
    }
    let nan = wasm::conv2d(
        tensor(&[1, 1, 2, 2], f32::NAN),
        tensor(&[1, 1, 1, 1], 1.0),
        JsValue::NULL,
        JsValue::UNDEFINED,
    );
    assert!(message(nan.unwrap_err()).starts_with("input"));
    let short = opts(&[
        (
            "shape",
            [1u32, 1, 2, 2]
                .iter()
                .map(|&d| JsValue::from(d))
                .collect::<Array>()
                .into(),
        ),
        ("data", Float32Array::new_with_length(3).into()),
    ]);
    assert!(message(
        wasm::conv2d(
            short,
            tensor(&[1, 1, 1, 1], 1.0),
            JsValue::NULL,
            JsValue::UNDEFINED
        )
        .unwrap_err()
    )
    .starts_with("input"));
}

#[wasm_bindgen_test]
fn round_trip_with_output_size() {
    let down = wasm::conv2d(
        tensor(&[1, 1, 6, 6], 1.0),
        tensor(&[2, 1, 3, 3], 1.0),
        JsValue::NULL,
        opts(&[("stride", 2.into()), ("padding", 1.into())]),
    )
    .unwrap();
    assert_eq!(shape_of(&down), vec![1, 2, 3, 3]);
    let o = opts(&[("stride", 2.into()), ("padding", 1.into())]);
    let up =
        wasm::conv_transpose2d(down.clone(), tensor(&[2, 1, 3, 3], 1.0), JsValue::NULL, o).unwrap();
    assert_eq!(shape_of(&up), vec![1, 1, 5, 5]);
    let size: Array = [6u32, 6].iter().map(|&d| JsValue::from(d)).collect();
    let o = opts(&[
        ("stride", 2.into()),
        ("padding", 1.into()),
        ("outputSize", size.into()),
    ]);
    let t =
        wasm::conv_transpose2d_trace(down.clone(), tensor(&[2, 1, 3, 3], 1.0), JsValue::NULL, o)
            .unwrap();
    assert_eq!(shape_of(&t.output()), vec![1, 1, 6, 6]);
    assert_eq!(
        data_of(&t.output()),
        data_of(&get(&t.zero_insert(), "output"))
    );
    let bad: Array = [9u32, 9].iter().map(|&d| JsValue::from(d)).collect();
    let o = opts(&[
        ("stride", 2.into()),
        ("padding", 1.into()),
        ("outputSize", bad.into()),
    ]);
    let m = message(
        wasm::conv_transpose2d(down, tensor(&[2, 1, 3, 3], 1.0), JsValue::NULL, o).unwrap_err(),
    );
    assert!(m.contains("from [5, 5] to [6, 6]"), "{m}");
}

#[wasm_bindgen_test]
fn trace_exposes_every_intermediate_and_steps() {
    let t = wasm::conv2d_trace(
        tensor(&[1, 3, 5, 5], 1.0),
        tensor(&[1, 3, 3, 3], 1.0),
        tensor(&[1], 0.5),
        opts(&[("padding", 1.into()), ("paddingMode", "circular".into())]),
    )
    .unwrap();
    assert_eq!(shape_of(&t.padded_input()), vec![1, 3, 7, 7]);
    assert_eq!(shape_of(&t.columns()), vec![1, 27, 25]);
    assert_eq!(shape_of(&t.weight_matrix()), vec![1, 27]);
    assert_eq!(shape_of(&t.product()), vec![1, 1, 25]);
    assert_eq!(shape_of(&t.output()), vec![1, 1, 5, 5]);
    let steps = t.steps(0.0, 0.0, 2.0, 2.0).unwrap();
    assert_eq!(get(&steps, "output").as_f64(), Some(27.5));
    assert_eq!(get(&steps, "taps").unchecked_into::<Array>().length(), 27);
    assert!(t.steps(0.0, 0.0, 5.0, 0.0).is_err());
    assert!(t.steps(-1.0, 0.0, 0.0, 0.0).is_err());
    assert_eq!(
        get(&get(&t.arithmetic(), "height"), "output").as_f64(),
        Some(5.0)
    );
}

#[wasm_bindgen_test]
fn conv2d_layer_forward_and_forward_data() {
    let mut layer = wasm::Conv2dModule::new(
        tensor(&[2, 3, 3, 3], 1.0),
        tensor(&[2], 0.5),
        opts(&[("padding", 1.into())]),
    )
    .unwrap();
    assert_eq!((layer.in_channels(), layer.out_channels()), (3, 2));
    let y = layer.forward(tensor(&[1, 3, 5, 5], 1.0)).unwrap();
    assert_eq!(shape_of(&y), vec![1, 2, 5, 5]);
    // the centre sees all 27 taps, a corner 3·2·2 = 12
    let d = data_of(&y);
    assert_eq!((d[12], d[0], d[25 + 12]), (27.5, 12.5, 27.5));
    // forwardData: flat in, flat out, batch taken from the length; repeated calls agree
    let flat = Float32Array::new_with_length(2 * 3 * 5 * 5);
    flat.fill(1.0, 0, 2 * 3 * 5 * 5);
    for _ in 0..3 {
        let out = layer
            .forward_data(flat.clone().into(), 5.0, 5.0)
            .unwrap()
            .to_vec();
        assert_eq!(out.len(), 2 * 2 * 5 * 5);
        assert_eq!((out[12], out[50 + 25 + 12]), (27.5, 27.5));
    }
    let size = layer.output_size(5.0, 5.0).unwrap();
    let height = get(&size, "height");
    assert_eq!(get(&height, "output").as_f64(), Some(5.0));
    assert_eq!(get(&height, "padBefore").as_f64(), Some(1.0));
}

#[wasm_bindgen_test]
fn layer_errors_name_the_argument_and_the_layer_keeps_working() {
    let bad_new = [
        (opts(&[("stride", 0.into())]), tensor(&[1], 0.0), "stride"),
        (opts(&[("groups", 2.into())]), JsValue::NULL, "groups"),
        (JsValue::UNDEFINED, tensor(&[3], 0.0), "bias"),
    ];
    for (o, b, arg) in bad_new {
        let e = wasm::Conv2dModule::new(tensor(&[1, 3, 3, 3], 1.0), b, o)
            .err()
            .unwrap();
        let m = message(e);
        assert!(m.starts_with(&format!("{arg}:")), "{m}");
    }
    let mut layer = wasm::Conv2dModule::new(
        tensor(&[1, 3, 3, 3], 1.0),
        JsValue::NULL,
        JsValue::UNDEFINED,
    )
    .unwrap();
    let flat = |n: u32, v: f32| {
        let f = Float32Array::new_with_length(n);
        f.fill(v, 0, n);
        JsValue::from(f)
    };
    let bad_calls: [(JsValue, f64, f64, &str); 7] = [
        (flat(74, 1.0), 5.0, 5.0, "input"),
        (flat(75, f32::NAN), 5.0, 5.0, "input"),
        (
            JsValue::from(js_sys::Float64Array::new_with_length(75)),
            5.0,
            5.0,
            "input",
        ),
        (flat(75, 1.0), 0.0, 25.0, "height"),
        (flat(75, 1.0), 5.0, 2.5, "width"),
        (flat(75, 1.0), 25.0, 1.0, "kernel_size"),
        (flat(75, 1.0), f64::NAN, 5.0, "height"),
    ];
    for (data, h, w, arg) in bad_calls {
        let e = layer.forward_data(data, h, w).err().unwrap();
        let m = message(e);
        assert!(m.starts_with(&format!("{arg}:")), "{arg}: {m}");
        let ok = layer
            .forward_data(flat(75, 1.0), 5.0, 5.0)
            .unwrap()
            .to_vec();
        assert_eq!(ok, vec![27.0; 9]);
    }
    let e = layer.forward(tensor(&[1, 2, 5, 5], 1.0)).err().unwrap();
    assert!(message(e).starts_with("weight:"));
}

#[wasm_bindgen_test]
fn conv_transpose2d_layer_round_trip_sizes() {
    // ConvTranspose2d(2, 1, 3, stride=2, padding=1) back to 5×5 with output_size
    let layer = wasm::ConvTranspose2dModule::new(
        tensor(&[2, 1, 3, 3], 1.0),
        JsValue::NULL,
        opts(&[
            ("stride", 2.into()),
            ("padding", 1.into()),
            (
                "outputSize",
                JsValue::from(
                    &[5u32, 5][..]
                        .iter()
                        .map(|&v| JsValue::from(v))
                        .collect::<Array>(),
                ),
            ),
        ]),
    )
    .unwrap();
    assert_eq!((layer.in_channels(), layer.out_channels()), (2, 1));
    let y = layer.forward(tensor(&[1, 2, 3, 3], 1.0)).unwrap();
    assert_eq!(shape_of(&y), vec![1, 1, 5, 5]);
    let flat = Float32Array::new_with_length(18);
    flat.fill(1.0, 0, 18);
    assert_eq!(
        layer.forward_data(flat.into(), 3.0, 3.0).unwrap().to_vec(),
        data_of(&y)
    );
    let e = layer.forward(tensor(&[1, 2, 1, 1], 1.0)).err().unwrap();
    assert!(message(e).starts_with("output_size:"));
}

/// The objects built on the JS side of the boundary: every padding mode and tap kind by name,
/// pairs as arrays, -1 for a hole's missing kernel / input indices, booleans as booleans.
#[wasm_bindgen_test]
fn result_objects_carry_names_pairs_and_booleans() {
    for mode in ["zeros", "reflect", "replicate", "circular"] {
        let t = wasm::conv2d_trace(
            tensor(&[1, 1, 5, 6], 1.0),
            tensor(&[2, 1, 2, 3], 1.0),
            JsValue::NULL,
            opts(&[
                ("padding", 1.into()),
                ("dilation", JsValue::from(&Array::of2(&2.into(), &1.into()))),
                ("paddingMode", mode.into()),
            ]),
        )
        .unwrap();
        let p = t.params();
        assert_eq!(get(&p, "paddingMode").as_string().as_deref(), Some(mode));
        let pair = |k: &str| -> Vec<f64> {
            get(&p, k)
                .unchecked_into::<Array>()
                .iter()
                .map(|v| v.as_f64().unwrap())
                .collect()
        };
        assert_eq!(pair("kernelSize"), vec![2.0, 3.0]);
        assert_eq!(pair("dilation"), vec![2.0, 1.0]);
        assert_eq!(pair("outputSize"), vec![5.0, 6.0]);
        assert_eq!(get(&p, "outChannels").as_f64(), Some(2.0));
        let w = get(&t.arithmetic(), "width");
        assert_eq!(get(&w, "effectiveKernel").as_f64(), Some(3.0));
        assert_eq!(get(&w, "unused").as_f64(), Some(0.0));
        // corner output cell: padding taps, input taps
        let taps = get(&t.steps(0.0, 1.0, 0.0, 0.0).unwrap(), "taps").unchecked_into::<Array>();
        let kinds: Vec<String> = taps
            .iter()
            .map(|t| get(&t, "kind").as_string().unwrap())
            .collect();
        // the 3 × 3 footprint of a 2 × 3 kernel dilated (2, 1): a row of holes in the middle
        assert_eq!(kinds.len(), 9);
        assert_eq!(
            (&*kinds[0], &*kinds[3], &*kinds[6], &*kinds[7]),
            ("padding", "skip", "padding", "input")
        );
        let first = taps.get(0);
        assert_eq!(get(&first, "ph").as_f64(), Some(0.0));
        let (ih, x) = (get(&first, "ih").as_f64(), get(&first, "x").as_f64());
        if mode == "zeros" {
            assert_eq!((ih, x), (Some(-1.0), Some(0.0)));
        } else {
            assert_eq!(x, Some(1.0), "{mode}: a halo copy of an input cell");
        }
    }
    // a dilation hole: kind 'skip', kernel indices -1
    let t = wasm::conv2d_trace(
        tensor(&[1, 1, 5, 5], 1.0),
        tensor(&[1, 1, 2, 2], 1.0),
        JsValue::NULL,
        opts(&[("dilation", 2.into())]),
    )
    .unwrap();
    let taps = get(&t.steps(0.0, 0.0, 0.0, 0.0).unwrap(), "taps").unchecked_into::<Array>();
    let skip = taps
        .iter()
        .find(|t| get(t, "kind").as_string().as_deref() == Some("skip"))
        .expect("a dilated kernel's footprint has holes");
    assert_eq!(get(&skip, "i").as_f64(), Some(-1.0));
    // ConvTranspose2d: a stamp's inOutput is a boolean; zeroInsert's padding an object
    let tt = wasm::conv_transpose2d_trace(
        tensor(&[1, 1, 2, 2], 1.0),
        tensor(&[1, 1, 3, 3], 1.0),
        JsValue::NULL,
        opts(&[("stride", 2.into()), ("padding", 1.into())]),
    )
    .unwrap();
    let cells = get(&tt.stamp(0.0, 0.0, 0.0, 0.0).unwrap(), "cells").unchecked_into::<Array>();
    assert_eq!(cells.length(), 9);
    let flags: Vec<JsValue> = cells.iter().map(|c| get(&c, "inOutput")).collect();
    assert!(flags.iter().all(|f| f.as_bool().is_some()));
    assert!(
        flags.iter().any(|f| f.as_bool() == Some(false)),
        "the corner stamp is cropped"
    );
    assert!(flags.iter().any(|f| f.as_bool() == Some(true)));
    let zp = get(&tt.zero_insert(), "padding");
    assert_eq!(get(&zp, "top").as_f64(), Some(1.0));
    let tp = tt.params();
    assert_eq!(get(&tp, "fullSize").unchecked_into::<Array>().length(), 2);
    let ta = get(&tt.arithmetic(), "height");
    assert_eq!(get(&ta, "output").as_f64(), Some(3.0));
    assert_eq!(get(&ta, "maxOutput").as_f64(), Some(4.0));
}

/// Every thrown `Error` carries `.arg` (the argument's PyTorch name) and `.kind` (its
/// `ErrorKind`), beside the message `"<arg>: <message>"`.
#[wasm_bindgen_test]
fn errors_carry_arg_and_kind() {
    let call =
        |x: JsValue, w: JsValue, o: JsValue| wasm::conv2d(x, w, JsValue::NULL, o).unwrap_err();
    let x = || tensor(&[1, 2, 4, 4], 1.0);
    // a shape over the element cap is refused before its data is looked at
    let huge = || {
        opts(&[
            ("shape", array(&[1, 2, 4096, 4097])),
            ("data", Float32Array::new_with_length(1).into()),
        ])
    };
    let cases = [
        (
            x(),
            tensor(&[1, 2, 3, 3], 1.0),
            opts(&[("stride", 0.into())]),
            "stride",
            "InvalidValue",
        ),
        (
            x(),
            tensor(&[1, 3, 3, 3], 1.0),
            JsValue::UNDEFINED,
            "weight",
            "Shape",
        ),
        (
            x(),
            tensor(&[1, 2, 5, 5], 1.0),
            JsValue::UNDEFINED,
            "kernel_size",
            "OutputTooSmall",
        ),
        (
            x(),
            tensor(&[1, 2, 3, 3], 1.0),
            opts(&[("padding", 4.into()), ("paddingMode", "reflect".into())]),
            "padding",
            "PaddingTooLarge",
        ),
        (
            tensor(&[1, 2, 2, 2], f32::NAN),
            tensor(&[1, 2, 1, 1], 1.0),
            JsValue::UNDEFINED,
            "input",
            "NonFinite",
        ),
        (
            huge(),
            tensor(&[1, 2, 1, 1], 1.0),
            JsValue::UNDEFINED,
            "input",
            "TooLarge",
        ),
        (
            x(),
            tensor(&[1, 2, 3, 3], 1.0),
            JsValue::from(7),
            "options",
            "InvalidValue",
        ),
    ];
    for (x, w, o, arg, kind) in cases {
        let e = call(x, w, o);
        assert_eq!(
            arg_kind(&e),
            (Some(arg.to_string()), kind.to_string()),
            "{}",
            message(e.clone())
        );
        assert!(message(e).starts_with(&format!("{arg}: ")));
    }
    // the layers and the traces' methods throw the same kind of Error
    let e = wasm::Conv2dModule::new(
        tensor(&[1, 3, 3, 3], 1.0),
        JsValue::NULL,
        opts(&[("groups", 2.into())]),
    )
    .err()
    .unwrap();
    assert_eq!(arg_kind(&e), (Some("groups".into()), "InvalidValue".into()));
    let t = wasm::conv2d_trace(
        x(),
        tensor(&[1, 2, 3, 3], 1.0),
        JsValue::NULL,
        JsValue::UNDEFINED,
    )
    .unwrap();
    let e = t.steps(0.0, 0.0, 9.0, 0.0).unwrap_err();
    assert_eq!(arg_kind(&e).0.as_deref(), Some("oh"));
}

/// PyTorch's forms: an unbatched `(C, H, W)` input gives an unbatched result (the batched one
/// squeezed), a batch of 0 the empty result, `[n]` is `(n, n)`, and `outputSize` may be a full
/// size. (Values against PyTorch's: tests/node/js-api-forms.test.mjs.)
#[wasm_bindgen_test]
fn unbatched_empty_batch_and_short_pairs() {
    let w = || tensor(&[2, 3, 3, 3], 1.0);
    let o = || opts(&[("stride", array(&[2])), ("padding", array(&[1]))]);
    let batched = wasm::conv2d(tensor(&[1, 3, 5, 5], 1.0), w(), JsValue::NULL, o()).unwrap();
    let single = wasm::conv2d(tensor(&[3, 5, 5], 1.0), w(), JsValue::NULL, o()).unwrap();
    assert_eq!(shape_of(&batched), vec![1, 2, 3, 3]);
    assert_eq!(shape_of(&single), vec![2, 3, 3]);
    assert_eq!(data_of(&single), data_of(&batched));
    let empty = wasm::conv2d(tensor(&[0, 3, 5, 5], 1.0), w(), JsValue::NULL, o()).unwrap();
    assert_eq!(
        (shape_of(&empty), data_of(&empty).len()),
        (vec![0, 2, 3, 3], 0)
    );
    let t = wasm::conv2d_trace(tensor(&[3, 5, 5], 1.0), w(), JsValue::NULL, o()).unwrap();
    assert_eq!(shape_of(&t.output()), vec![1, 2, 3, 3]);
    let mut layer = wasm::Conv2dModule::new(w(), JsValue::NULL, o()).unwrap();
    assert_eq!(
        shape_of(&layer.forward(tensor(&[3, 5, 5], 1.0)).unwrap()),
        vec![2, 3, 3]
    );
    assert_eq!(
        shape_of(&layer.forward(tensor(&[0, 3, 5, 5], 1.0)).unwrap()),
        vec![0, 2, 3, 3]
    );
    assert_eq!(
        layer
            .forward_data(Float32Array::new_with_length(0).into(), 5.0, 5.0)
            .unwrap()
            .length(),
        0
    );
    // ConvTranspose2d with output_size = x.size() of the 4-entry kind, unbatched
    let ct = opts(&[
        ("stride", array(&[2])),
        ("padding", 1.into()),
        ("outputSize", array(&[1, 1, 6, 6])),
    ]);
    let up = wasm::conv_transpose2d(
        tensor(&[2, 3, 3], 1.0),
        tensor(&[2, 1, 3, 3], 1.0),
        JsValue::NULL,
        ct,
    )
    .unwrap();
    assert_eq!(shape_of(&up), vec![1, 6, 6]);
    // unfold (C, H, W) -> (C·kh·kw, L); fold back (C·kh·kw, L) -> (C, H, W)
    let cols = wasm::unfold(
        tensor(&[2, 4, 4], 1.0),
        opts(&[("kernelSize", array(&[2]))]),
    )
    .unwrap();
    assert_eq!(shape_of(&cols), vec![8, 9]);
    let img = wasm::fold(
        cols,
        opts(&[("kernelSize", 2.into()), ("outputSize", array(&[4, 4]))]),
    )
    .unwrap();
    assert_eq!(shape_of(&img), vec![2, 4, 4]);
    // other ranks in PyTorch's words
    let e = wasm::conv2d(tensor(&[5, 5], 1.0), w(), JsValue::NULL, JsValue::UNDEFINED).unwrap_err();
    assert!(message(e).contains(
        "Expected 3D (unbatched) or 4D (batched) input to conv2d, but got input of size: [5, 5]"
    ));
}
