//! A batch of 0 (PyTorch accepts it and answers the empty result of the right shape) through
//! every operation, trace and layer of the core: the right shape, the same argument checks as
//! with a batch of one, no panic.

use convviz::conv2d::{conv2d, Conv2dTrace};
use convviz::conv_transpose2d::{conv_transpose2d, ConvTranspose2dTrace};
use convviz::layer::{Conv2dLayer, ConvTranspose2dLayer};
use convviz::params::{Conv2dOptions, ConvTranspose2dOptions, Padding, PaddingMode, UnfoldOptions};
use convviz::unfold::{fold, unfold};
use ndarray::{Array1, Array3, Array4};

#[test]
fn conv2d_of_no_images_is_empty_of_the_right_shape() {
    let x = Array4::<f32>::zeros((0, 4, 7, 6));
    let w = Array4::<f32>::ones((6, 2, 3, 2));
    let b = Array1::<f32>::ones(6);
    for mode in [
        PaddingMode::Zeros,
        PaddingMode::Reflect,
        PaddingMode::Replicate,
        PaddingMode::Circular,
    ] {
        let opts = Conv2dOptions {
            stride: [2, 3],
            padding: Padding::Explicit([1, 1]),
            dilation: [1, 2],
            groups: 2,
            padding_mode: mode,
        };
        let y = conv2d(x.view(), w.view(), Some(b.view()), &opts).unwrap();
        assert_eq!(y.dim(), (0, 6, 4, 2));
        let t = Conv2dTrace::new(x.view(), w.view(), Some(b.view()), &opts).unwrap();
        assert_eq!(t.output.dim(), (0, 6, 4, 2));
        assert_eq!(t.columns.dim(), (0, 4 * 3 * 2, 8));
        assert!(t.steps(0, 0, 0, 0).is_err(), "no image to step through");
        let mut layer = Conv2dLayer::new(w.clone(), Some(b.clone()), opts).unwrap();
        assert_eq!(layer.forward(x.view()).unwrap().dim(), (0, 6, 4, 2));
        let mut flat = Vec::new();
        assert_eq!(
            layer.forward_into(x.view(), &mut flat).unwrap(),
            [0, 6, 4, 2]
        );
        assert!(flat.is_empty());
    }
    // the arguments are still checked
    let small = Array4::<f32>::zeros((0, 4, 1, 1));
    let e = conv2d(
        small.view(),
        w.view(),
        None,
        &Conv2dOptions {
            groups: 2,
            ..Default::default()
        },
    )
    .unwrap_err();
    assert_eq!(e.arg(), "kernel_size");
}

#[test]
fn conv_transpose2d_of_no_images_is_empty_of_the_right_shape() {
    let x = Array4::<f32>::zeros((0, 4, 3, 2));
    let w = Array4::<f32>::ones((4, 3, 3, 3));
    let opts = ConvTranspose2dOptions {
        stride: [2, 2],
        padding: [1, 0],
        groups: 2,
        output_size: Some([6, 6]),
        ..Default::default()
    };
    let y = conv_transpose2d(x.view(), w.view(), None, &opts).unwrap();
    assert_eq!(y.dim(), (0, 6, 6, 6));
    let t = ConvTranspose2dTrace::new(x.view(), w.view(), None, &opts).unwrap();
    assert_eq!(t.output.dim(), (0, 6, 6, 6));
    assert!(t.stamp(0, 0, 0, 0).is_err());
    let layer = ConvTranspose2dLayer::new(w, None, opts).unwrap();
    assert_eq!(layer.forward(x.view()).unwrap().dim(), (0, 6, 6, 6));
}

#[test]
fn unfold_and_fold_of_no_images_are_empty_of_the_right_shape() {
    let opts = UnfoldOptions {
        kernel_size: [2, 3],
        dilation: [1, 1],
        padding: [1, 0],
        stride: [1, 2],
    };
    let x = Array4::<f32>::zeros((0, 3, 4, 7));
    let cols = unfold(x.view(), &opts).unwrap();
    assert_eq!(cols.dim(), (0, 18, 5 * 3));
    let back = fold(Array3::<f32>::zeros((0, 18, 15)).view(), [4, 7], &opts).unwrap();
    assert_eq!(back.dim(), (0, 3, 4, 7));
}
