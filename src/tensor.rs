//! Building checked `ndarray` tensors from a shape and flat row-major data, under the
//! element cap.

use crate::error::{list, Error, ErrorKind, Result};
use ndarray::{
    Array, Array1, Array3, Array4, ArrayView, ArrayView1, ArrayView2, ArrayViewMut2, Dimension,
    IntoDimension, ShapeError,
};
use std::borrow::Cow;

/// The largest number of elements any one tensor or intermediate may hold: 2²⁴ (16,777,216
/// `f32`s, 64 MiB).
///
/// Every operation checks the sizes of what it would allocate against this cap *before*
/// allocating, and answers an [`ErrorKind::TooLarge`] error instead.
pub const MAX_ELEMENTS: usize = 1 << 24;

/// The largest number of multiply-adds one operation may do: 2³⁰ (about a second of work in
/// the browser at the slowest, the trace's in-order product). Bounds the time a hostile or
/// mistaken setting can freeze a tab for, as [`MAX_ELEMENTS`] bounds its memory.
pub const MAX_MACS: u64 = 1 << 30;

/// Check that `factors` (multiplied) stay within [`MAX_MACS`], never overflowing.
///
/// # Errors
/// [`ErrorKind::TooLarge`] naming `arg`.
pub fn check_work(arg: &'static str, factors: &[usize]) -> Result<()> {
    let mut n: u64 = 1;
    for &f in factors {
        n = n
            .checked_mul(f as u64)
            .filter(|&n| n <= MAX_MACS)
            .ok_or_else(|| {
                Error::new(
                    ErrorKind::TooLarge,
                    arg,
                    format!(
                        "this setting needs more than {MAX_MACS} multiply-adds ({} multiplied); choose smaller sizes",
                        list(factors)
                    ),
                )
            })?;
    }
    Ok(())
}

/// Multiply the dimensions of `shape`, failing with [`ErrorKind::TooLarge`] past
/// [`MAX_ELEMENTS`] (and never overflowing).
///
/// # Errors
/// When the product exceeds [`MAX_ELEMENTS`].
pub fn checked_len(arg: &'static str, shape: &[usize]) -> Result<usize> {
    let mut n: usize = 1;
    for &d in shape {
        n = n
            .checked_mul(d)
            .filter(|&n| n <= MAX_ELEMENTS)
            .ok_or_else(|| {
                Error::new(
                    ErrorKind::TooLarge,
                    arg,
                    format!(
                        "a tensor of shape {} would exceed the cap of {MAX_ELEMENTS} elements",
                        list(shape)
                    ),
                )
            })?;
    }
    Ok(n)
}

/// Turn a shape given as signed integers (as JavaScript or PyTorch may give it) into sizes,
/// checking the rank and that every dimension is at least 1.
///
/// # Errors
/// A wrong rank, a dimension below 1, or a tensor over [`MAX_ELEMENTS`].
pub fn checked_shape(arg: &'static str, shape: &[i64], rank: usize) -> Result<Vec<usize>> {
    if shape.len() != rank {
        return Err(Error::shape(
            arg,
            format!(
                "expected a {rank}-D tensor, got a {}-D one of shape {}",
                shape.len(),
                list(shape)
            ),
        ));
    }
    let mut dims = Vec::with_capacity(rank);
    for &d in shape {
        if d < 1 {
            return Err(Error::shape(
                arg,
                format!(
                    "every dimension must be at least 1, got shape {}",
                    list(shape)
                ),
            ));
        }
        dims.push(usize::try_from(d).map_err(|_| {
            Error::new(
                ErrorKind::TooLarge,
                arg,
                format!("shape {} is too large", list(shape)),
            )
        })?);
    }
    checked_len(arg, &dims)?;
    Ok(dims)
}

/// Check that every element of `data` is finite.
///
/// # Errors
/// [`ErrorKind::NonFinite`] naming the first bad index.
pub fn check_finite(arg: &'static str, data: &[f32]) -> Result<()> {
    match data.iter().position(|v| !v.is_finite()) {
        None => Ok(()),
        Some(i) => Err(non_finite(arg, i, data[i])),
    }
}

/// The error for the non-finite element `i` of `arg`, whose value is `v`.
///
/// `v` is written as Rust's `{}` would (`NaN`, `inf`, `-inf`) without Rust's float formatting,
/// which would add about 20 KB to the wasm module for these three words.
fn non_finite(arg: &'static str, i: usize, v: f32) -> Error {
    let v = if v.is_nan() {
        "NaN"
    } else if v > 0.0 {
        "inf"
    } else {
        "-inf"
    };
    Error::new(
        ErrorKind::NonFinite,
        arg,
        format!("element {i} is {v}, but every value must be finite"),
    )
}

/// `Array::from_shape_vec(shape, data)` for a row-major `shape`: an error unless `data` holds
/// exactly the shape's number of elements.
///
/// The same result, without the code of ndarray's check for custom strides, which
/// `from_shape_vec` compiles in for every dimension type (with a stable sort: about 6 KB of the
/// wasm module), nor of its reshaping.
pub fn from_vec<A, Sh: IntoDimension>(
    shape: Sh,
    data: Vec<A>,
) -> std::result::Result<Array<A, Sh::Dim>, ShapeError> {
    let dim = shape.into_dimension();
    if dim.size_checked() != Some(data.len()) {
        return Err(ShapeError::from_kind(ndarray::ErrorKind::IncompatibleShape));
    }
    // SAFETY: `data` holds exactly the shape's number of elements, laid out row-major (the
    // default strides), which is all `from_shape_vec_unchecked` asks.
    Ok(unsafe { Array::from_shape_vec_unchecked(dim, data) })
}

/// [`from_vec`] where the caller guarantees that the length matches.
///
/// **Panics** if it does not (a bug), without formatting the [`ShapeError`] as `expect` would.
pub(crate) fn from_vec_exact<A, Sh: IntoDimension>(shape: Sh, data: Vec<A>) -> Array<A, Sh::Dim> {
    match from_vec(shape, data) {
        Ok(a) => a,
        Err(_) => panic!("the data length matches the shape"),
    }
}

/// The values of `a` in row-major order: borrowed when `a` is row-major already (as every
/// tensor from JavaScript is), else a copy.
pub(crate) fn flat<'a, D: Dimension>(a: &ArrayView<'a, f32, D>) -> Cow<'a, [f32]> {
    match a.to_slice() {
        Some(s) => Cow::Borrowed(s),
        None => Cow::Owned(a.iter().copied().collect()),
    }
}

/// A row-major `rows × cols` view of the first `rows·cols` values of `s`.
///
/// **Panics** if `s` is shorter.
pub(crate) fn view2(rows: usize, cols: usize, s: &[f32]) -> ArrayView2<'_, f32> {
    assert!(rows * cols <= s.len(), "a view inside its slice");
    // SAFETY: row-major strides over rows·cols ≤ s.len() values of `s`, borrowed for the view.
    unsafe { ArrayView2::from_shape_ptr((rows, cols), s.as_ptr()) }
}

/// A mutable [`view2`].
///
/// **Panics** if `s` is shorter than `rows·cols`.
pub(crate) fn view2_mut(rows: usize, cols: usize, s: &mut [f32]) -> ArrayViewMut2<'_, f32> {
    assert!(rows * cols <= s.len(), "a view inside its slice");
    // SAFETY: as `view2`, borrowed mutably for the view.
    unsafe { ArrayViewMut2::from_shape_ptr((rows, cols), s.as_mut_ptr()) }
}

fn from_parts<D: Dimension>(
    arg: &'static str,
    shape: &[i64],
    data: Vec<f32>,
    rank: usize,
) -> Result<Array<f32, D>> {
    let dims = checked_shape(arg, shape, rank)?;
    let len: usize = dims.iter().product();
    if data.len() != len {
        return Err(Error::shape(
            arg,
            format!(
                "shape {} needs {len} values, but data has {}",
                list(shape),
                data.len()
            ),
        ));
    }
    check_finite(arg, &data)?;
    // The dimension type itself (no IxDyn on the way: its code costs wasm bytes). `rank` is D's
    // number of axes in every caller; a mismatch would be refused here, not panic.
    let mut dim = D::default();
    if dim.ndim() != dims.len() {
        return Err(Error::shape(
            arg,
            format!("cannot view data as shape {}", list(shape)),
        ));
    }
    dim.slice_mut().copy_from_slice(&dims);
    from_vec(dim, data)
        .map_err(|_| Error::shape(arg, format!("cannot view data as shape {}", list(shape))))
}

/// A checked 4-D tensor (N, C, H, W) from its shape and row-major data.
///
/// # Errors
/// A wrong rank, a dimension below 1, a data length that does not match, NaN/±∞, or a size
/// over [`MAX_ELEMENTS`].
///
/// ```
/// let t = convviz::tensor::tensor4("input", &[1, 1, 2, 2], vec![1.0, 2.0, 3.0, 4.0]).unwrap();
/// assert_eq!(t[[0, 0, 1, 0]], 3.0);
/// assert!(convviz::tensor::tensor4("input", &[1, 1, 2, 2], vec![1.0]).is_err());
/// ```
pub fn tensor4(arg: &'static str, shape: &[i64], data: Vec<f32>) -> Result<Array4<f32>> {
    from_parts(arg, shape, data, 4)
}

/// A checked 3-D tensor (N, C·kh·kw, L) from its shape and row-major data.
///
/// # Errors
/// As [`tensor4`].
pub fn tensor3(arg: &'static str, shape: &[i64], data: Vec<f32>) -> Result<Array3<f32>> {
    from_parts(arg, shape, data, 3)
}

/// A checked 1-D tensor (a bias) from its shape and data.
///
/// # Errors
/// As [`tensor4`].
pub fn tensor1(arg: &'static str, shape: &[i64], data: Vec<f32>) -> Result<Array1<f32>> {
    from_parts(arg, shape, data, 1)
}

/// Check that a bias, when present, has shape `[out_channels]`.
pub(crate) fn check_bias(bias: Option<ArrayView1<f32>>, out_channels: usize) -> Result<()> {
    match bias {
        Some(b) if b.len() != out_channels => Err(Error::shape(
            "bias",
            format!(
                "expected a bias of shape [{out_channels}] (one per output channel), got [{}]",
                b.len()
            ),
        )),
        Some(b) => check_finite("bias", b.as_slice().unwrap_or(&b.to_vec())),
        None => Ok(()),
    }
}

/// Check that a view holds only finite values.
pub(crate) fn check_view_finite<D: Dimension>(
    arg: &'static str,
    a: &ArrayView<f32, D>,
) -> Result<()> {
    match a.iter().position(|v| !v.is_finite()) {
        None => Ok(()),
        Some(i) => Err(non_finite(
            arg,
            i,
            a.iter().nth(i).copied().unwrap_or(f32::NAN),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn from_vec_is_from_shape_vec_for_row_major_shapes() {
        let data: Vec<f32> = (0..24).map(|v| v as f32).collect();
        let a = from_vec((2, 3, 4), data.clone()).unwrap();
        assert_eq!(a, Array3::from_shape_vec((2, 3, 4), data.clone()).unwrap());
        let d = from_vec(ndarray::IxDyn(&[4, 6]), data.clone()).unwrap();
        assert_eq!(d.shape(), &[4, 6]);
        assert_eq!(d[[3, 5]], 23.0);
        assert!(from_vec((5, 5), data.clone()).is_err());
        assert!(from_vec((2, 3), data.clone()).is_err());
        assert_eq!(from_vec_exact((24,), data.clone()).to_vec(), data);
        // The checked constructors build their dimension type directly.
        let t = tensor3("columns", &[2, 3, 4], data.clone()).unwrap();
        assert_eq!((t.dim(), t[[1, 2, 3]]), ((2, 3, 4), 23.0));
        let t = tensor1("bias", &[24], data.clone()).unwrap();
        assert_eq!(t.to_vec(), data);
        let e = tensor4("input", &[2, 3, 4], data).unwrap_err();
        assert_eq!((e.arg(), e.kind()), ("input", ErrorKind::Shape));
    }

    #[test]
    fn non_finite_values_are_spelled_as_rust_prints_them() {
        for (v, word) in [
            (f32::NAN, "NaN"),
            (f32::INFINITY, "inf"),
            (-f32::INFINITY, "-inf"),
        ] {
            assert_eq!(format!("{v}"), word);
            let e = check_finite("weight", &[1.0, 2.0, v]).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::NonFinite);
            assert_eq!(
                e.to_string(),
                format!("weight: element 2 is {word}, but every value must be finite")
            );
            let a = ndarray::arr2(&[[1.0, v]]);
            let e = check_view_finite("input", &a.view()).unwrap_err();
            assert_eq!(
                e.message(),
                format!("element 1 is {word}, but every value must be finite")
            );
        }
    }

    /// An F-order view of the same values as a row-major array of `shape` (N, C, H, W).
    fn column_major(shape: (usize, usize, usize, usize), seed: f32) -> (Array4<f32>, Array4<f32>) {
        let (n, c, h, w) = shape;
        let values = |i: usize| ((i * 37 % 101) as f32 - 50.0) * 0.03 + seed;
        let rows =
            Array4::from_shape_fn(shape, |(a, b, y, x)| values(((a * c + b) * h + y) * w + x));
        let mut cols = Array4::zeros((w, h, c, n));
        for ((a, b, y, x), v) in rows.indexed_iter() {
            cols[[x, y, b, a]] = *v;
        }
        (rows, cols.reversed_axes())
    }

    #[test]
    fn flat_borrows_row_major_views_and_copies_others_in_row_major_order() {
        let (rows, cols) = column_major((2, 3, 4, 5), 0.5);
        assert!(matches!(flat(&rows.view()), Cow::Borrowed(_)));
        assert!(matches!(flat(&cols.view()), Cow::Owned(_)));
        assert_eq!(flat(&cols.view()).as_ref(), rows.as_slice().unwrap());
        let v = view2(2, 3, &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0]);
        assert_eq!(v, ndarray::arr2(&[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]));
    }

    #[test]
    fn every_operation_reads_views_of_any_layout_as_their_values() {
        use crate::params::{Conv2dOptions, ConvTranspose2dOptions, PaddingMode, UnfoldOptions};
        let (x, xf) = column_major((2, 4, 6, 5), 0.25);
        let (w, wf) = column_major((4, 2, 3, 2), -0.5);
        let opts = Conv2dOptions {
            stride: [2, 1],
            padding: crate::params::Padding::Explicit([1, 2]),
            groups: 2,
            padding_mode: PaddingMode::Reflect,
            ..Default::default()
        };
        let a = crate::conv2d::Conv2dTrace::new(x.view(), w.view(), None, &opts).unwrap();
        let b = crate::conv2d::Conv2dTrace::new(xf.view(), wf.view(), None, &opts).unwrap();
        assert_eq!(
            (&a.padded_input, &a.columns, &a.output),
            (&b.padded_input, &b.columns, &b.output)
        );
        let t = ConvTranspose2dOptions {
            stride: [2, 3],
            padding: [1, 0],
            groups: 2,
            ..Default::default()
        };
        let a = crate::conv_transpose2d::ConvTranspose2dTrace::new(x.view(), w.view(), None, &t);
        let b = crate::conv_transpose2d::ConvTranspose2dTrace::new(xf.view(), wf.view(), None, &t);
        let (a, b) = (a.unwrap(), b.unwrap());
        assert_eq!(
            (&a.columns, &a.full, &a.output),
            (&b.columns, &b.full, &b.output)
        );
        assert_eq!(a.zero_insertion.output, b.zero_insertion.output);
        let u = UnfoldOptions {
            kernel_size: [2, 3],
            dilation: [1, 2],
            padding: [1, 1],
            stride: [2, 1],
        };
        let cols = crate::unfold::unfold(x.view(), &u).unwrap();
        assert_eq!(cols, crate::unfold::unfold(xf.view(), &u).unwrap());
        let back = crate::unfold::fold(cols.view(), [6, 5], &u).unwrap();
        let cols_f = cols.t().as_standard_layout().into_owned();
        let back_f = crate::unfold::fold(cols_f.t(), [6, 5], &u).unwrap();
        assert_eq!(back, back_f);
    }
}
