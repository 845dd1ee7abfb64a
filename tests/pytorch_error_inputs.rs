//! PyTorch's own error inputs for conv2d (`error_inputs_conv2d` in
//! `torch/testing/_internal/common_methods_invocations.py`), natively: each is refused with a
//! message containing PyTorch's `error_regex` (a plain phrase in every case), naming the
//! argument, with the checks in PyTorch's order (several inputs break two rules: PyTorch
//! reports the first it checks, and so must we).
//!
//! Two of its inputs are about dtypes (an int64 input, a complex bias: "should be the same");
//! the JS API has one dtype, so they have no counterpart. The 3-D weight case cannot be built
//! natively (the core takes 4-D views): tests/node/js-api-errors.test.mjs runs it, and all the
//! others, through the wasm module.

use convviz::conv2d::{conv2d, Conv2dTrace};
use convviz::params::{Conv2dOptions, Padding};
use convviz::ErrorKind;
use ndarray::{Array1, Array4};

/// One `ErrorInput`: shapes of input / weight / bias, the options, PyTorch's regex, and the
/// argument and kind we report.
struct Case {
    input: [usize; 4],
    weight: [usize; 4],
    bias: usize,
    opts: Conv2dOptions,
    regex: &'static str,
    arg: &'static str,
    kind: ErrorKind,
}

fn cases() -> Vec<Case> {
    let o = Conv2dOptions::default;
    vec![
        // negative stride (and a channel mismatch: 1 vs 2 · 1)
        Case {
            input: [1, 1, 4, 4],
            weight: [1, 2, 2, 3],
            bias: 1,
            opts: Conv2dOptions {
                stride: [-1, -1],
                ..o()
            },
            regex: "non-positive stride is not supported",
            arg: "stride",
            kind: ErrorKind::InvalidValue,
        },
        // negative padding (and a channel mismatch)
        Case {
            input: [1, 1, 4, 3],
            weight: [1, 2, 2, 4],
            bias: 1,
            opts: Conv2dOptions {
                padding: Padding::Explicit([-1, -1]),
                ..o()
            },
            regex: "negative padding is not supported",
            arg: "padding",
            kind: ErrorKind::InvalidValue,
        },
        // negative dilation (and a kernel wider than the input)
        Case {
            input: [1, 1, 4, 2],
            weight: [1, 1, 2, 5],
            bias: 1,
            opts: Conv2dOptions {
                dilation: [-1, -1],
                ..o()
            },
            regex: "dilation should be greater than zero",
            arg: "dilation",
            kind: ErrorKind::InvalidValue,
        },
        // fewer filters than groups (and in_channels not divisible by groups)
        Case {
            input: [2, 2, 4, 3],
            weight: [2, 2, 1, 3],
            bias: 2,
            opts: Conv2dOptions { groups: 3, ..o() },
            regex: "expected weight to be at least 3 at dimension 0",
            arg: "groups",
            kind: ErrorKind::InvalidValue,
        },
        Case {
            input: [2, 2, 4, 3],
            weight: [2, 2, 1, 3],
            bias: 2,
            opts: Conv2dOptions {
                padding: Padding::Same,
                groups: 3,
                ..o()
            },
            regex: "expected weight to be at least 3 at dimension 0",
            arg: "groups",
            kind: ErrorKind::InvalidValue,
        },
        Case {
            input: [2, 2, 4, 5],
            weight: [2, 2, 1, 4],
            bias: 2,
            opts: Conv2dOptions {
                padding: Padding::Same,
                groups: -1,
                ..o()
            },
            regex: "non-positive groups is not supported",
            arg: "groups",
            kind: ErrorKind::InvalidValue,
        },
        Case {
            input: [2, 2, 4, 3],
            weight: [2, 2, 4, 3],
            bias: 2,
            opts: Conv2dOptions {
                padding: Padding::Same,
                groups: 0,
                ..o()
            },
            regex: "non-positive groups is not supported",
            arg: "groups",
            kind: ErrorKind::InvalidValue,
        },
    ]
}

#[test]
fn every_error_input_is_refused_with_pytorchs_words() {
    for (i, c) in cases().into_iter().enumerate() {
        let x = Array4::<f32>::ones(c.input);
        let w = Array4::<f32>::ones(c.weight);
        let b = Array1::<f32>::ones(c.bias);
        let e = conv2d(x.view(), w.view(), Some(b.view()), &c.opts).unwrap_err();
        assert!(
            e.message().contains(c.regex),
            "case {i}: {e} lacks {:?}",
            c.regex
        );
        assert_eq!((e.arg(), e.kind()), (c.arg, c.kind), "case {i}: {e}");
        // The trace checks the same way.
        let t = Conv2dTrace::new(x.view(), w.view(), Some(b.view()), &c.opts).unwrap_err();
        assert_eq!(t, e, "case {i}");
    }
}

/// PyTorch checks the arguments alone first (groups; `'same'` with a stride; padding, stride,
/// dilation), then the weight against groups, then the input's channels, then the sizes.
#[test]
fn checks_run_in_pytorchs_order() {
    let x = Array4::<f32>::ones([1, 2, 4, 4]);
    let mismatch = Array4::<f32>::ones([1, 3, 3, 3]); // wants 3 input channels
    let run =
        |w: &Array4<f32>, opts: Conv2dOptions| conv2d(x.view(), w.view(), None, &opts).unwrap_err();
    let all_bad = Conv2dOptions {
        stride: [0, 1],
        padding: Padding::Explicit([-1, 0]),
        dilation: [0, 1],
        groups: 0,
        ..Default::default()
    };
    assert_eq!(run(&mismatch, all_bad).arg(), "groups");
    let groups_ok = Conv2dOptions {
        groups: 1,
        ..all_bad
    };
    assert_eq!(run(&mismatch, groups_ok).arg(), "padding");
    let padding_ok = Conv2dOptions {
        padding: Padding::Explicit([0, 0]),
        ..groups_ok
    };
    assert_eq!(run(&mismatch, padding_ok).arg(), "stride");
    let stride_ok = Conv2dOptions {
        stride: [1, 1],
        ..padding_ok
    };
    let e = run(&mismatch, stride_ok);
    assert_eq!(e.arg(), "dilation");
    assert!(
        e.message()
            .starts_with("dilation should be greater than zero"),
        "{e}"
    );
    // 'same' with a stride comes before a negative dilation
    let same = Conv2dOptions {
        stride: [2, 2],
        padding: Padding::Same,
        dilation: [0, 0],
        ..Default::default()
    };
    assert!(run(&mismatch, same).message().contains("padding='same'"));
    // all options fine: the channel mismatch, before the kernel that is too large
    let huge = Array4::<f32>::ones([1, 3, 9, 9]);
    let e = run(&huge, Conv2dOptions::default());
    assert_eq!((e.arg(), e.kind()), ("weight", ErrorKind::Shape), "{e}");
    assert!(
        e.message()
            .contains("expected input[1, 2, 4, 4] to have 3 channels"),
        "{e}"
    );
}

/// Reflect padding too large for the input: PyTorch's reflection_pad2d checks the width first
/// and words it so (dimension 3); the kind tells a page it is a conflict of two arguments.
#[test]
fn reflect_padding_too_large_in_pytorchs_words() {
    let x = Array4::<f32>::ones([1, 2, 4, 4]);
    let w = Array4::<f32>::ones([1, 2, 3, 3]);
    let opts = Conv2dOptions {
        padding: Padding::Explicit([4, 4]),
        padding_mode: convviz::params::PaddingMode::Reflect,
        ..Default::default()
    };
    let e = conv2d(x.view(), w.view(), None, &opts).unwrap_err();
    assert_eq!((e.arg(), e.kind()), ("padding", ErrorKind::PaddingTooLarge));
    assert!(
        e.message().contains(
            "Padding size should be less than the corresponding input dimension, but got: padding (4, 4) at dimension 3 of input [1, 2, 4, 4]"
        ),
        "{e}"
    );
}
