//! Receptive fields, path counts and parameter counts: the classroom presets (three 3×3 convs
//! see 7×7 with 27 weights; dilations 1, 2, 4 see 15×15; conv then pool), and properties over
//! random stacks: the cells the path-count map reaches span the receptive field, the counts
//! are the weights of an all-ones convolution stack, the sizes are the ones `conv2d` makes.

use convviz::conv2d::conv2d;
use convviz::init::SplitMix64;
use convviz::params::{Conv2dOptions, Padding};
use convviz::receptive::{
    conv1d_params, conv2d_params, conv_transpose2d_params, layer_receptive_field, path_counts,
    pool_params, receptive_field, stack_sizes, LayerGeom, PathCounts, RfAxis,
};
use ndarray::{Array2, Array4};
use proptest::prelude::*;

fn conv(k: i64, s: i64, p: i64, d: i64) -> LayerGeom {
    LayerGeom::conv([k, k], [s, s], [p, p], [d, d])
}

/// The outer product of a 1-D count row with itself.
fn outer(v: &[u64]) -> Array2<u64> {
    Array2::from_shape_fn((v.len(), v.len()), |(r, c)| v[r] * v[c])
}

/// The part of a map between two corners (unpadded coordinates, inclusive).
fn window(m: &PathCounts, b: [[i64; 2]; 2]) -> Array2<u64> {
    let [ph, pw] = m.padding;
    let r0 = (b[0][0] + ph as i64) as usize;
    let c0 = (b[0][1] + pw as i64) as usize;
    let (h, w) = (
        (b[1][0] - b[0][0] + 1) as usize,
        (b[1][1] - b[0][1] + 1) as usize,
    );
    Array2::from_shape_fn((h, w), |(r, c)| m.counts[[r0 + r, c0 + c]])
}

#[test]
fn three_3x3_convs_see_7x7_with_27_weights() {
    let stack = [conv(3, 1, 1, 1); 3];
    let rf = receptive_field(&stack).unwrap();
    let sizes: Vec<u64> = rf.iter().map(|r| r[0].size).collect();
    assert_eq!(sizes, vec![3, 5, 7]);
    assert_eq!(
        rf[2][1],
        RfAxis {
            size: 7,
            jump: 1,
            start: -3
        }
    );
    let weights: u64 = (0..3)
        .map(|_| conv2d_params(1, 1, [3, 3], 1, false).unwrap())
        .sum();
    assert_eq!(weights, 27);
    assert_eq!(conv2d_params(1, 1, [7, 7], 1, false).unwrap(), 49);
    // The centre of a 9×9 input: every path stays inside; the counts are the 1-D box filter
    // counts 1 3 6 7 6 3 1 in both directions, 9³ paths in all.
    let maps = path_counts(&stack, [9, 9], [4, 4]).unwrap();
    assert_eq!(maps.len(), 4);
    let b = maps[0].bounds().unwrap();
    assert_eq!(b, [[1, 1], [7, 7]]);
    assert_eq!(window(&maps[0], b), outer(&[1, 3, 6, 7, 6, 3, 1]));
    assert_eq!(maps[0].counts.sum(), 729);
    assert_eq!(
        window(&maps[1], maps[1].bounds().unwrap()),
        outer(&[1, 2, 3, 2, 1])
    );
    assert_eq!(
        window(&maps[2], maps[2].bounds().unwrap()),
        outer(&[1, 1, 1])
    );
    assert_eq!(maps[3].counts.sum(), 1);
    // A corner: the padding cuts paths off.
    let maps = path_counts(&stack, [9, 9], [0, 0]).unwrap();
    assert_eq!(maps[0].bounds().unwrap(), [[-1, -1], [3, 3]]);
    assert!(maps[0].counts.sum() < 729);
    assert!(maps[1].is_padding(0, 0) && !maps[1].is_padding(1, 1));
}

#[test]
fn dilations_1_2_4_see_15x15_without_gaps() {
    let stack = [conv(3, 1, 1, 1), conv(3, 1, 2, 2), conv(3, 1, 4, 4)];
    let rf = receptive_field(&stack).unwrap();
    assert_eq!(
        rf.iter().map(|r| r[0].size).collect::<Vec<_>>(),
        vec![3, 7, 15]
    );
    assert_eq!(rf[2][0].start, -7);
    let maps = path_counts(&stack, [15, 15], [7, 7]).unwrap();
    let b = maps[0].bounds().unwrap();
    assert_eq!(b, [[0, 0], [14, 14]]);
    assert!(window(&maps[0], b).iter().all(|&n| n > 0), "no gaps");
    assert_eq!(maps[0].counts.sum(), 729);
    // One 1-D row of counts: how many ways a + 2b + 4c (a, b, c ∈ {−1, 0, 1}) makes each offset.
    let row: Vec<u64> = (-7i64..=7)
        .map(|t| {
            let mut n = 0;
            for a in -1..=1 {
                for b in -1..=1 {
                    for c in -1..=1 {
                        n += u64::from(a + 2 * b + 4 * c == t);
                    }
                }
            }
            n
        })
        .collect();
    assert_eq!(window(&maps[0], b), outer(&row));
    // One dilated layer alone has holes.
    let maps = path_counts(&stack[1..2], [9, 9], [4, 4]).unwrap();
    let b = maps[0].bounds().unwrap();
    assert_eq!(b, [[2, 2], [6, 6]]);
    assert_eq!(window(&maps[0], b).row(0).to_vec(), vec![1, 0, 1, 0, 1]);
}

#[test]
fn conv_then_pool_then_conv() {
    let stack = [conv(3, 1, 0, 1), LayerGeom::pool([2, 2]), conv(3, 1, 0, 1)];
    let rf = receptive_field(&stack).unwrap();
    let per_layer: Vec<_> = rf.iter().map(|r| (r[0].size, r[0].jump)).collect();
    assert_eq!(per_layer, vec![(3, 1), (4, 2), (8, 2)]);
    assert_eq!(layer_receptive_field(&stack[1]).unwrap()[1].size, 2);
    let sizes = stack_sizes(&stack, [12, 10]).unwrap();
    assert_eq!(sizes, vec![[12, 10], [10, 8], [5, 4], [3, 2]]);
    let maps = path_counts(&stack, [12, 10], [1, 1]).unwrap();
    // Output (1, 1) sees input rows/cols 2..=9 (start 0 + 1·2).
    assert_eq!(maps[0].bounds().unwrap(), [[2, 2], [9, 9]]);
    assert_eq!(rf[2][0].span(1), Some((2, 9)));
    assert_eq!(pool_params(), 0);
}

#[test]
fn a_ceil_mode_window_hanging_off_the_edge_reads_nothing_there() {
    let pool = LayerGeom {
        ceil_mode: true,
        ..LayerGeom::pool([2, 2])
    };
    assert_eq!(stack_sizes(&[pool], [5, 5]).unwrap(), vec![[5, 5], [3, 3]]);
    let maps = path_counts(&[pool], [5, 5], [2, 2]).unwrap();
    assert_eq!(maps[0].bounds().unwrap(), [[4, 4], [4, 4]]);
    assert_eq!(maps[0].counts.sum(), 1);
}

#[test]
fn parameter_counts_follow_the_weight_shapes() {
    // ResNet's stem: Conv2d(3, 64, 7, bias=False).
    assert_eq!(conv2d_params(3, 64, [7, 7], 1, false).unwrap(), 9_408);
    assert_eq!(conv2d_params(3, 64, [7, 7], 1, true).unwrap(), 9_472);
    // Depthwise-separable: 3×3 depthwise (groups = C) then 1×1 pointwise.
    assert_eq!(conv2d_params(32, 32, [3, 3], 32, false).unwrap(), 288);
    assert_eq!(conv2d_params(32, 64, [1, 1], 1, false).unwrap(), 2_048);
    assert_eq!(conv2d_params(4, 6, [2, 3], 2, true).unwrap(), 6 * 2 * 6 + 6);
    assert_eq!(conv1d_params(4, 6, 5, 2, false).unwrap(), 6 * 2 * 5);
    // ConvTranspose2d's weight is (C_in, C_out/groups, kh, kw).
    assert_eq!(
        conv_transpose2d_params(6, 4, [3, 2], 2, true).unwrap(),
        6 * 2 * 6 + 4
    );
    for (e, arg) in [
        (conv2d_params(3, 4, [3, 3], 2, true).unwrap_err(), "groups"),
        (
            conv2d_params(0, 4, [3, 3], 1, true).unwrap_err(),
            "in_channels",
        ),
        (conv1d_params(4, 4, 0, 1, true).unwrap_err(), "kernel_size"),
        (
            conv_transpose2d_params(4, 4, [3, 3], -1, true).unwrap_err(),
            "groups",
        ),
        (
            conv2d_params(i64::MAX, i64::MAX, [i64::MAX, 2], 1, true).unwrap_err(),
            "kernel_size",
        ),
    ] {
        assert_eq!(e.arg(), arg, "{e}");
    }
}

#[test]
fn bad_layers_are_refused_naming_the_argument_and_the_layer() {
    let good = conv(3, 1, 1, 1);
    for (bad, arg) in [
        (
            LayerGeom {
                kernel_size: [0, 3],
                ..good
            },
            "kernel_size",
        ),
        (
            LayerGeom {
                stride: [1, -1],
                ..good
            },
            "stride",
        ),
        (
            LayerGeom {
                padding: [-1, 0],
                ..good
            },
            "padding",
        ),
        (
            LayerGeom {
                dilation: [0, 0],
                ..good
            },
            "dilation",
        ),
        (
            LayerGeom {
                kernel_size: [1 << 40, 3],
                ..good
            },
            "kernel_size",
        ),
    ] {
        let e = receptive_field(&[good, bad]).unwrap_err();
        assert_eq!(e.arg(), arg);
        assert!(e.message().starts_with("layer 1: "), "{e}");
        assert_eq!(
            path_counts(&[good, bad], [8, 8], [0, 0]).unwrap_err().arg(),
            arg
        );
    }
    let e = stack_sizes(&[conv(3, 1, 0, 1); 4], [7, 7]).unwrap_err();
    assert_eq!(e.arg(), "kernel_size");
    assert!(e.message().contains("layer 3: ") && e.message().contains("Output size is too small"));
    assert_eq!(stack_sizes(&[good], [0, 4]).unwrap_err().arg(), "input");
    let e = path_counts(&[good], [4, 4], [4, 0]).unwrap_err();
    assert_eq!(e.arg(), "cell");
    // Jumps past 2^63 are refused, not wrapped.
    let big = LayerGeom {
        stride: [1 << 24, 1 << 24],
        ..good
    };
    assert_eq!(receptive_field(&[big; 4]).unwrap_err().arg(), "layers");
    assert!(receptive_field(&[]).unwrap().is_empty());
}

/// A random stack of 1 to 4 small layers, an input that leaves an output, and a cell in it.
#[derive(Debug, Clone)]
struct Stack {
    layers: Vec<LayerGeom>,
    input: [usize; 2],
    cell: [usize; 2],
}

fn stack(with_padding: bool, with_ceil: bool) -> impl Strategy<Value = Stack> {
    let layer = (
        [1i64..=3, 1..=3],
        [1i64..=2, 1..=2],
        [0i64..=1, 0..=1],
        [1i64..=2, 1..=2],
        any::<bool>(),
    )
        .prop_map(move |(k, s, p, d, ceil)| {
            let ceil_mode = with_ceil && ceil;
            let mut padding = if with_padding { p } else { [0, 0] };
            if ceil_mode {
                // PyTorch's pooling rule (padding ≤ half the effective kernel), without which
                // ceil_mode could make fewer windows than floor mode.
                for a in 0..2 {
                    padding[a] = padding[a].min((d[a] * (k[a] - 1) + 1) / 2);
                }
            }
            LayerGeom {
                kernel_size: k,
                stride: s,
                padding,
                dilation: d,
                ceil_mode,
            }
        });
    (
        proptest::collection::vec(layer, 1..=4),
        [0usize..=6, 0..=6],
        [any::<prop::sample::Index>(), any::<prop::sample::Index>()],
    )
        .prop_map(|(layers, extra, pick)| {
            // The input whose output is 1 × 1, grown by `extra`: valid by construction.
            let mut input = [1usize; 2];
            for l in layers.iter().rev() {
                for (a, size) in input.iter_mut().enumerate() {
                    let eff = (l.dilation[a] * (l.kernel_size[a] - 1) + 1) as usize;
                    let needed = (*size - 1) * l.stride[a] as usize + eff;
                    *size = needed.saturating_sub(2 * l.padding[a] as usize).max(1);
                }
            }
            let input = [input[0] + extra[0], input[1] + extra[1]];
            let out = *stack_sizes(&layers, input).unwrap().last().unwrap();
            let cell = [pick[0].index(out[0]), pick[1].index(out[1])];
            Stack {
                layers,
                input,
                cell,
            }
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1_000, failure_persistence: None, ..ProptestConfig::default() })]

    /// Without padding or ceil_mode every path runs back to the input: the cells reached span
    /// exactly the receptive field of the cell, and there are Π kh·kw paths.
    #[test]
    fn the_reached_cells_span_the_receptive_field(s in stack(false, false)) {
        let rf = receptive_field(&s.layers).unwrap();
        let last = rf.last().unwrap();
        let maps = path_counts(&s.layers, s.input, s.cell).unwrap();
        let b = maps[0].bounds().unwrap();
        for a in 0..2 {
            let (first, end) = last[a].span(s.cell[a] as u64).unwrap();
            prop_assert_eq!((b[0][a], b[1][a]), (first, end));
        }
        let paths: u64 = s.layers.iter().map(|l| (l.kernel_size[0] * l.kernel_size[1]) as u64).product();
        prop_assert_eq!(maps[0].counts.sum(), paths);
        // Each map's bounds match the field of the layers above it.
        for (l, map) in maps.iter().enumerate().take(s.layers.len()) {
            let sub = receptive_field(&s.layers[l..]).unwrap();
            let [lo, hi] = map.bounds().unwrap();
            for (a, axis) in sub.last().unwrap().iter().enumerate() {
                let (first, end) = axis.span(s.cell[a] as u64).unwrap();
                prop_assert_eq!((lo[a], hi[a]), (first, end));
            }
        }
    }

    /// With padding and ceil_mode, what is reached stays inside the field; it fills the field
    /// when no path is cut (no count in an intermediate map's padding, no window hanging off).
    #[test]
    fn the_reached_cells_stay_inside_the_receptive_field(s in stack(true, true)) {
        let rf = receptive_field(&s.layers).unwrap();
        let maps = path_counts(&s.layers, s.input, s.cell).unwrap();
        prop_assert_eq!(maps.len(), s.layers.len() + 1);
        let mut exact = s.layers.iter().all(|l| !l.ceil_mode);
        for m in &maps[1..] {
            for ((r, c), &n) in m.counts.indexed_iter() {
                exact &= n == 0 || !m.is_padding(r, c);
            }
        }
        // Every path may end in padding (then no input cell is reached at all).
        let Some(b) = maps[0].bounds() else {
            prop_assert!(!exact);
            return Ok(());
        };
        for a in 0..2 {
            let (first, end) = rf.last().unwrap()[a].span(s.cell[a] as u64).unwrap();
            prop_assert!(first <= b[0][a] && b[1][a] <= end, "{:?} outside {}..={}", b, first, end);
            if exact {
                prop_assert_eq!((b[0][a], b[1][a]), (first, end));
            }
        }
    }

    /// A stack of convolutions with all-ones 1×1-channel kernels and zero padding computes,
    /// at the cell, Σ counts · x over the input cells: the counts are exactly the paths.
    #[test]
    fn the_counts_are_an_all_ones_conv_stacks_weights(s in stack(true, false), seed in any::<u64>()) {
        let mut rng = SplitMix64::new(seed);
        let x = Array4::from_shape_simple_fn((1, 1, s.input[0], s.input[1]), || {
            rng.uniform(-3.0, 3.0).round()
        });
        let sizes = stack_sizes(&s.layers, s.input).unwrap();
        let mut y = x.clone();
        for (l, layer) in s.layers.iter().enumerate() {
            let w = Array4::<f32>::ones((1, 1, layer.kernel_size[0] as usize, layer.kernel_size[1] as usize));
            let opts = Conv2dOptions {
                stride: layer.stride,
                padding: Padding::Explicit(layer.padding),
                dilation: layer.dilation,
                ..Default::default()
            };
            y = conv2d(y.view(), w.view(), None, &opts).unwrap();
            prop_assert_eq!([y.dim().2, y.dim().3], sizes[l + 1]);
        }
        let maps = path_counts(&s.layers, s.input, s.cell).unwrap();
        let [ph, pw] = maps[0].padding;
        let mut want = 0.0f64;
        for r in 0..s.input[0] {
            for c in 0..s.input[1] {
                want += maps[0].counts[[r + ph, c + pw]] as f64 * x[[0, 0, r, c]] as f64;
            }
        }
        prop_assert_eq!(y[[0, 0, s.cell[0], s.cell[1]]] as f64, want);
    }

    #[test]
    fn no_argument_panics(
        layers in proptest::collection::vec(
            [[arg(), arg()], [arg(), arg()], [arg(), arg()], [arg(), arg()]], 0..=4),
        ceil in any::<bool>(),
        input in [0usize..=9, 0..=9],
        cell in [0usize..=4, 0..=4],
    ) {
        let layers: Vec<LayerGeom> = layers
            .iter()
            .map(|v| LayerGeom { kernel_size: v[0], stride: v[1], padding: v[2], dilation: v[3], ceil_mode: ceil })
            .collect();
        let results = [
            receptive_field(&layers).map(|r| r.len()),
            stack_sizes(&layers, input).map(|s| s.len()),
            path_counts(&layers, input, cell).map(|m| m.len()),
        ];
        for r in results {
            if let Err(e) = r {
                prop_assert!(!e.arg().is_empty() && !e.message().is_empty(), "{:?}", e);
            }
        }
        let k = layers.first().map_or([1, 1], |l| l.kernel_size);
        for r in [
            conv2d_params(k[0], k[1], k, input[0] as i64, ceil),
            conv1d_params(k[1], k[0], k[0], cell[0] as i64, ceil),
            conv_transpose2d_params(k[0], k[1], k, input[1] as i64, ceil),
        ] {
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
        1 => Just(1i64 << 24),
        1 => Just(1i64 << 12),
    ]
}
