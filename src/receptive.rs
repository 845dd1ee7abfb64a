//! Receptive fields of a stack of conv / pool layers, the paths from one output cell back to
//! the input, and parameter counts.
//!
//! Every layer is a window of `kernel_size` cells, `dilation` apart, moved by `stride` over its
//! input padded by `padding` on each side (conv and pool alike). Per axis, after layer ℓ:
//!
//! ```text
//! k_eff = dilation·(kernel − 1) + 1
//! size  r_ℓ = r_{ℓ−1} + (k_eff − 1)·j_{ℓ−1}      r_0 = 1   input cells one output cell sees
//! jump  j_ℓ = j_{ℓ−1}·stride                     j_0 = 1   input distance of adjacent outputs
//! start s_ℓ = s_{ℓ−1} − padding·j_{ℓ−1}          s_0 = 0   first input cell of output 0
//! ```
//!
//! Output cell `o` of layer ℓ sees input cells `s_ℓ + o·j_ℓ ..= s_ℓ + o·j_ℓ + r_ℓ − 1`
//! (negative ones, and ones past the input, are padding); its centre is `s_ℓ + o·j_ℓ + (r_ℓ − 1)/2`.
//! Three 3×3 convolutions see 7×7 with 27 weights (one channel), where one 7×7 needs 49:
//!
//! ```
//! use convviz::receptive::{receptive_field, LayerGeom};
//! let conv3 = LayerGeom { kernel_size: [3, 3], ..Default::default() };
//! let rf = receptive_field(&[conv3; 3]).unwrap();
//! assert_eq!(rf.iter().map(|r| r[0].size).collect::<Vec<_>>(), vec![3, 5, 7]);
//! ```

use crate::error::{list, Error, ErrorKind, Result};
use crate::params::Pair;
use crate::pool::pool_output_len;
use crate::tensor::{check_work, checked_len, from_vec_exact};
use ndarray::Array2;

/// The geometry of one conv or pool layer: what the receptive field depends on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LayerGeom {
    /// `kernel_size`.
    pub kernel_size: Pair,
    /// `stride` (for a pool, PyTorch's default is `kernel_size`: give it explicitly).
    pub stride: Pair,
    /// `padding`, on each side.
    pub padding: Pair,
    /// `dilation`.
    pub dilation: Pair,
    /// `ceil_mode` (pooling): output sizes round up, as [`pool_output_len`]. PyTorch's pooling
    /// also wants `padding ≤ effective kernel / 2` (see [`crate::pool::Pool2dGeometry::new`]);
    /// this geometry does not check it (a convolution has no such rule).
    pub ceil_mode: bool,
}

impl Default for LayerGeom {
    /// A 1×1 window, stride 1, no padding, no dilation, floor mode.
    fn default() -> Self {
        LayerGeom {
            kernel_size: [1, 1],
            stride: [1, 1],
            padding: [0, 0],
            dilation: [1, 1],
            ceil_mode: false,
        }
    }
}

impl LayerGeom {
    /// A convolution's geometry.
    pub fn conv(kernel_size: Pair, stride: Pair, padding: Pair, dilation: Pair) -> Self {
        LayerGeom {
            kernel_size,
            stride,
            padding,
            dilation,
            ceil_mode: false,
        }
    }

    /// A pooling's geometry, stride = kernel_size as PyTorch's default.
    pub fn pool(kernel_size: Pair) -> Self {
        LayerGeom {
            kernel_size,
            stride: kernel_size,
            ..Default::default()
        }
    }

    /// The arguments as sizes: kernel, stride, dilation ≥ 1, padding ≥ 0, each at most the
    /// element cap. `layer` numbers the layer in messages.
    fn sizes(&self, layer: usize) -> Result<[[usize; 2]; 4]> {
        let check = |arg: &'static str, v: Pair, min: i64| -> Result<[usize; 2]> {
            if v.iter().any(|&x| x < min) {
                let what = if min == 0 { "negative" } else { "non-positive" };
                return Err(Error::value(
                    arg,
                    format!(
                        "layer {layer}: {what} {arg} is not supported (got {})",
                        list(&v)
                    ),
                ));
            }
            let cap = crate::MAX_ELEMENTS as i64;
            if v.iter().any(|&x| x > cap) {
                return Err(Error::new(
                    ErrorKind::TooLarge,
                    arg,
                    format!(
                        "layer {layer}: {} is larger than any tensor under the cap of {cap} elements allows",
                        list(&v)
                    ),
                ));
            }
            Ok([v[0] as usize, v[1] as usize])
        };
        Ok([
            check("kernel_size", self.kernel_size, 1)?,
            check("stride", self.stride, 1)?,
            check("padding", self.padding, 0)?,
            check("dilation", self.dilation, 1)?,
        ])
    }
}

/// The receptive field along one axis after some layers: see the [module](self) docs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RfAxis {
    /// r: how many input cells one output cell sees (dilation holes included).
    pub size: u64,
    /// j: how far apart, in input cells, adjacent output cells' fields are.
    pub jump: u64,
    /// s: the first input cell of output cell 0's field (negative: in the padding).
    pub start: i64,
}

impl RfAxis {
    /// The input itself: each cell sees itself.
    pub const INPUT: RfAxis = RfAxis {
        size: 1,
        jump: 1,
        start: 0,
    };

    /// The field after one more layer of this `kernel`, `stride`, `padding` and `dilation`
    /// (`None` on overflow).
    ///
    /// ```
    /// use convviz::receptive::RfAxis;
    /// // Dilations 1, 2, 4 with kernel 3: 3, 7, 15.
    /// let rf = [1, 2, 4].iter().try_fold(RfAxis::INPUT, |r, &d| r.then(3, 1, d, d)).unwrap();
    /// assert_eq!((rf.size, rf.jump, rf.start), (15, 1, -7));
    /// ```
    pub fn then(self, kernel: u64, stride: u64, padding: u64, dilation: u64) -> Option<RfAxis> {
        let eff_minus_1 = kernel.checked_sub(1)?.checked_mul(dilation)?;
        let start = i64::try_from(padding.checked_mul(self.jump)?).ok()?;
        Some(RfAxis {
            size: self.size.checked_add(eff_minus_1.checked_mul(self.jump)?)?,
            jump: self.jump.checked_mul(stride)?,
            start: self.start.checked_sub(start)?,
        })
    }

    /// The input cells output cell `o` sees: `(first, last)`, inclusive.
    pub fn span(&self, o: u64) -> Option<(i64, i64)> {
        let first = self
            .start
            .checked_add(i64::try_from(o.checked_mul(self.jump)?).ok()?)?;
        Some((
            first,
            first.checked_add(i64::try_from(self.size).ok()? - 1)?,
        ))
    }
}

fn overflow(layer: usize) -> Error {
    Error::new(
        ErrorKind::TooLarge,
        "layers",
        format!("layer {layer}: the receptive field grows past 2^63 cells"),
    )
}

/// The receptive field (height, width) after each layer of a stack.
///
/// # Errors
/// A kernel, stride or dilation below 1, a negative padding (naming it, with the layer's
/// number), or a field past 2⁶³ cells.
///
/// ```
/// use convviz::receptive::{receptive_field, LayerGeom};
/// // Conv 3×3 then a 2×2 max-pool (stride 2) then conv 3×3: 3, 4, then 4 + 2·2 = 8.
/// let conv3 = LayerGeom::conv([3, 3], [1, 1], [1, 1], [1, 1]);
/// let rf = receptive_field(&[conv3, LayerGeom::pool([2, 2]), conv3]).unwrap();
/// let sizes: Vec<_> = rf.iter().map(|r| (r[0].size, r[0].jump, r[0].start)).collect();
/// assert_eq!(sizes, vec![(3, 1, -1), (4, 2, -1), (8, 2, -3)]);
/// ```
pub fn receptive_field(layers: &[LayerGeom]) -> Result<Vec<[RfAxis; 2]>> {
    let mut rf = [RfAxis::INPUT; 2];
    let mut out = Vec::with_capacity(layers.len());
    for (l, layer) in layers.iter().enumerate() {
        let [k, s, p, d] = layer.sizes(l)?;
        for a in 0..2 {
            rf[a] = rf[a]
                .then(k[a] as u64, s[a] as u64, p[a] as u64, d[a] as u64)
                .ok_or_else(|| overflow(l))?;
        }
        out.push(rf);
    }
    Ok(out)
}

/// The receptive field of one layer alone: `receptive_field(&[layer])`'s only entry.
///
/// # Errors
/// As [`receptive_field`].
pub fn layer_receptive_field(layer: &LayerGeom) -> Result<[RfAxis; 2]> {
    Ok(receptive_field(std::slice::from_ref(layer))?[0])
}

/// The (H, W) of the input and of every layer's output, for an input of `input`.
///
/// # Errors
/// As [`receptive_field`]; an input dimension of 0 (`input`); a layer with no output
/// (`kernel_size`, PyTorch's "Output size is too small" with the layer's number); a map over
/// the element cap.
///
/// ```
/// use convviz::receptive::{stack_sizes, LayerGeom};
/// let conv3 = LayerGeom::conv([3, 3], [1, 1], [0, 0], [1, 1]);
/// let sizes = stack_sizes(&[conv3, LayerGeom::pool([2, 2])], [8, 9]).unwrap();
/// assert_eq!(sizes, vec![[8, 9], [6, 7], [3, 3]]);
/// ```
pub fn stack_sizes(layers: &[LayerGeom], input: [usize; 2]) -> Result<Vec<[usize; 2]>> {
    if input.contains(&0) {
        return Err(Error::shape(
            "input",
            format!("every dimension must be at least 1, got {}", list(&input)),
        ));
    }
    checked_len("input", &input)?;
    let mut sizes = vec![input];
    let mut cur = input;
    for (l, layer) in layers.iter().enumerate() {
        let [k, s, p, d] = layer.sizes(l)?;
        let mut next = [0usize; 2];
        let mut raw = [0i128; 2];
        for a in 0..2 {
            raw[a] = pool_output_len(
                cur[a] as i64,
                k[a] as i64,
                p[a] as i64,
                s[a] as i64,
                d[a] as i64,
                layer.ceil_mode,
            );
            next[a] = usize::try_from(raw[a]).unwrap_or(0);
        }
        if next.contains(&0) {
            return Err(Error::new(
                ErrorKind::OutputTooSmall,
                "kernel_size",
                format!(
                    "layer {l}: Given input size: ({}x{}). Calculated output size: ({}x{}). Output size is too small",
                    cur[0], cur[1], raw[0] as i64, raw[1] as i64
                ),
            ));
        }
        cur = next;
        sizes.push(cur);
    }
    Ok(sizes)
}

/// How many paths lead from one output cell of a stack to each cell of one layer's input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathCounts {
    /// (H, W) of the map without padding (the input of this layer; for the last entry, the
    /// stack's output).
    pub size: [usize; 2],
    /// The padding of the layer that reads this map (0 for the last entry).
    pub padding: [usize; 2],
    /// (H + 2·padding_h, W + 2·padding_w): `counts[[r, c]]` paths reach cell
    /// `(r − padding_h, c − padding_w)`; 0 where the output cell does not read.
    pub counts: Array2<u64>,
}

impl PathCounts {
    /// The cells with a count, `[(first row, first column), (last row, last column)]` in
    /// unpadded coordinates (negative in the top/left padding), or `None` if no cell is read.
    pub fn bounds(&self) -> Option<[[i64; 2]; 2]> {
        let mut b: Option<[[i64; 2]; 2]> = None;
        for ((r, c), &n) in self.counts.indexed_iter() {
            if n == 0 {
                continue;
            }
            let rc = [
                r as i64 - self.padding[0] as i64,
                c as i64 - self.padding[1] as i64,
            ];
            b = Some(match b {
                None => [rc, rc],
                Some([lo, hi]) => [
                    [lo[0].min(rc[0]), lo[1].min(rc[1])],
                    [hi[0].max(rc[0]), hi[1].max(rc[1])],
                ],
            });
        }
        b
    }

    /// Whether padded cell `(r, c)` lies in the padding (reads a constant, leads no further).
    pub fn is_padding(&self, r: usize, c: usize) -> bool {
        let [ph, pw] = self.padding;
        !(ph..ph + self.size[0]).contains(&r) || !(pw..pw + self.size[1]).contains(&c)
    }
}

/// For output cell `cell` (row, column) of the stack's last layer, on an input of `input`:
/// per layer, the cells it reads and by how many paths — one map per layer input, then the
/// output map (a single 1 at `cell`).
///
/// Counts are carried back exactly through each layer's window: an output cell with count
/// `n` adds `n` to every cell of its window. Padding cells are counted but lead no further
/// (they hold a constant); cells of a `ceil_mode` window past the padded input are not read.
/// The first map's counted cells always lie inside the cell's [`receptive_field`]; when no
/// path is cut (no count in a later map's padding, no window hanging off an edge) they span
/// it exactly, and the counts sum to `Π kernel_h·kernel_w`.
///
/// ```text
/// two 3×1-wide convs (1-D view), output cell 0:   counts 1 2 3 2 1   (5 = 3 + 2·1 cells)
/// ```
///
/// # Errors
/// As [`stack_sizes`]; `cell` outside the output; maps or work over the caps; counts past 2⁶⁴.
///
/// ```
/// use convviz::receptive::{path_counts, LayerGeom};
/// let conv = LayerGeom::conv([1, 3], [1, 1], [0, 0], [1, 1]);
/// let maps = path_counts(&[conv, conv], [1, 7], [0, 1]).unwrap();
/// assert_eq!(maps[0].counts.row(0).to_vec(), vec![0, 1, 2, 3, 2, 1, 0]);
/// assert_eq!(maps[1].counts.row(0).to_vec(), vec![0, 1, 1, 1, 0]);
/// assert_eq!(maps[2].counts.row(0).to_vec(), vec![0, 1, 0]);
/// ```
pub fn path_counts(
    layers: &[LayerGeom],
    input: [usize; 2],
    cell: [usize; 2],
) -> Result<Vec<PathCounts>> {
    let sizes = stack_sizes(layers, input)?;
    let last = sizes[sizes.len() - 1];
    if cell[0] >= last[0] || cell[1] >= last[1] {
        return Err(Error::value(
            "cell",
            format!(
                "output cell {} is outside the output of size {}",
                list(&cell),
                list(&last)
            ),
        ));
    }
    let mut geoms = Vec::with_capacity(layers.len());
    let mut total_cells = 0usize;
    for (l, layer) in layers.iter().enumerate() {
        let g = layer.sizes(l)?;
        let [_, _, p, _] = g;
        let padded = [sizes[l][0] + 2 * p[0], sizes[l][1] + 2 * p[1]];
        total_cells = total_cells.saturating_add(checked_len("layers", &padded)?);
        let out = sizes[l + 1];
        check_work("layers", &[out[0], out[1], g[0][0], g[0][1]])?;
        geoms.push((g, padded));
    }
    checked_len("layers", &[total_cells])?;
    let mut out_counts = Array2::<u64>::zeros((last[0], last[1]));
    out_counts[[cell[0], cell[1]]] = 1;
    let mut maps = vec![PathCounts {
        size: last,
        padding: [0, 0],
        counts: out_counts,
    }];
    for l in (0..layers.len()).rev() {
        let ([k, s, p, d], padded) = geoms[l];
        let mut counts = vec![0u64; padded[0] * padded[1]];
        let above = maps.last().expect("at least the output map");
        let [ph, pw] = above.padding;
        for y in 0..above.size[0] {
            for x in 0..above.size[1] {
                let n = above.counts[[y + ph, x + pw]];
                if n == 0 {
                    continue;
                }
                for i in 0..k[0] {
                    let r = y * s[0] + i * d[0];
                    if r >= padded[0] {
                        break;
                    }
                    for j in 0..k[1] {
                        let c = x * s[1] + j * d[1];
                        if c >= padded[1] {
                            break;
                        }
                        let at = &mut counts[r * padded[1] + c];
                        *at = at.checked_add(n).ok_or_else(|| {
                            Error::new(
                                ErrorKind::TooLarge,
                                "layers",
                                "more than 2^64 paths reach one cell",
                            )
                        })?;
                    }
                }
            }
        }
        maps.push(PathCounts {
            size: sizes[l],
            padding: p,
            counts: from_vec_exact((padded[0], padded[1]), counts),
        });
    }
    maps.reverse();
    Ok(maps)
}

/// A positive count argument (channels, groups, kernel) as u64.
fn count(arg: &'static str, v: i64) -> Result<u64> {
    if v <= 0 {
        return Err(Error::value(
            arg,
            format!("non-positive {arg} is not supported (got {v})"),
        ));
    }
    Ok(v as u64)
}

fn params_overflow() -> Error {
    Error::new(
        ErrorKind::TooLarge,
        "kernel_size",
        "the parameter count exceeds 2^64",
    )
}

/// `weights_in · weights_out_per_group · kernel area + bias`, checked.
fn conv_like_params(
    per_filter_in: u64,
    filters: u64,
    kernel: &[u64],
    bias_len: Option<u64>,
) -> Result<u64> {
    let w = kernel
        .iter()
        .try_fold(per_filter_in.checked_mul(filters), |a, &k| {
            Some(a?.checked_mul(k))
        })
        .flatten()
        .ok_or_else(params_overflow)?;
    w.checked_add(bias_len.unwrap_or(0))
        .ok_or_else(params_overflow)
}

/// Check that groups divides both channel counts (PyTorch's `nn.Conv*` constructor rule).
fn groups_divide(in_channels: i64, out_channels: i64, groups: i64) -> Result<(u64, u64, u64)> {
    let (i, o, g) = (
        count("in_channels", in_channels)?,
        count("out_channels", out_channels)?,
        count("groups", groups)?,
    );
    crate::params::check_groups_divide("in_channels", i as usize, g as usize)?;
    crate::params::check_groups_divide("out_channels", o as usize, g as usize)?;
    Ok((i, o, g))
}

/// The learnable parameters of `nn.Conv2d(in_channels, out_channels, kernel_size, groups=…,
/// bias=…)`: `out · in/groups · kh · kw` weights, plus `out` biases.
///
/// # Errors
/// Non-positive channels, kernel or groups; groups not dividing the channels; past 2⁶⁴.
///
/// ```
/// use convviz::receptive::conv2d_params;
/// assert_eq!(conv2d_params(1, 1, [3, 3], 1, false).unwrap(), 9);
/// assert_eq!(conv2d_params(64, 128, [3, 3], 1, true).unwrap(), 73_856);
/// assert_eq!(conv2d_params(32, 32, [3, 3], 32, true).unwrap(), 320); // depthwise
/// ```
pub fn conv2d_params(
    in_channels: i64,
    out_channels: i64,
    kernel_size: Pair,
    groups: i64,
    bias: bool,
) -> Result<u64> {
    let (i, o, g) = groups_divide(in_channels, out_channels, groups)?;
    let k = [
        count("kernel_size", kernel_size[0])?,
        count("kernel_size", kernel_size[1])?,
    ];
    conv_like_params(i / g, o, &k, bias.then_some(o))
}

/// The learnable parameters of `nn.Conv1d(in_channels, out_channels, kernel_size, groups=…,
/// bias=…)`: `out · in/groups · k` weights, plus `out` biases.
///
/// # Errors
/// As [`conv2d_params`].
///
/// ```
/// assert_eq!(convviz::receptive::conv1d_params(16, 32, 5, 1, true).unwrap(), 2_592);
/// ```
pub fn conv1d_params(
    in_channels: i64,
    out_channels: i64,
    kernel_size: i64,
    groups: i64,
    bias: bool,
) -> Result<u64> {
    let (i, o, g) = groups_divide(in_channels, out_channels, groups)?;
    let k = [count("kernel_size", kernel_size)?];
    conv_like_params(i / g, o, &k, bias.then_some(o))
}

/// The learnable parameters of `nn.ConvTranspose2d(in_channels, out_channels, kernel_size,
/// groups=…, bias=…)`: a weight of `in · out/groups · kh · kw`, plus `out` biases.
///
/// # Errors
/// As [`conv2d_params`].
///
/// ```
/// use convviz::receptive::{conv2d_params, conv_transpose2d_params};
/// assert_eq!(conv_transpose2d_params(8, 4, [4, 4], 2, true).unwrap(), 8 * 2 * 16 + 4);
/// // The same count as the convolution it transposes.
/// assert_eq!(conv_transpose2d_params(8, 4, [3, 3], 1, false), conv2d_params(4, 8, [3, 3], 1, false));
/// ```
pub fn conv_transpose2d_params(
    in_channels: i64,
    out_channels: i64,
    kernel_size: Pair,
    groups: i64,
    bias: bool,
) -> Result<u64> {
    let (i, o, g) = groups_divide(in_channels, out_channels, groups)?;
    let k = [
        count("kernel_size", kernel_size[0])?,
        count("kernel_size", kernel_size[1])?,
    ];
    conv_like_params(o / g, i, &k, bias.then_some(o))
}

/// The learnable parameters of a pooling layer (`MaxPool2d`, `AvgPool2d`): none.
pub fn pool_params() -> u64 {
    0
}
