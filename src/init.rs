//! PyTorch's default initialisation of `Conv2d` / `ConvTranspose2d` parameters,
//! deterministic from a seed.
//!
//! PyTorch draws the weight with `kaiming_uniform_(a=√5)`, whose bound
//! `gain·√(3 / fan_in)` with `gain = √(2 / (1 + a²)) = √(1/3)` is exactly `1/√fan_in`, and the
//! bias uniform in `±1/√fan_in` too. `fan_in = weight.size(1) · kh · kw`: `C_in/groups·kh·kw`
//! for `Conv2d`, `C_out/groups·kh·kw` for `ConvTranspose2d` (whose weight is
//! (C_in, C_out/groups, kh, kw)). The numbers come from this crate's own generator (SplitMix64),
//! not from `torch.manual_seed`: the distribution is PyTorch's, the values are not.

use crate::error::{Error, Result};
use crate::tensor::checked_len;
use ndarray::{Array1, Array4};

/// Which layer's parameters to draw.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LayerKind {
    /// `nn.Conv2d`: weight (C_out, C_in/groups, kh, kw).
    Conv2d,
    /// `nn.ConvTranspose2d`: weight (C_in, C_out/groups, kh, kw).
    ConvTranspose2d,
}

/// A small deterministic generator (SplitMix64).
#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Self {
        SplitMix64(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `[lo, hi)`.
    pub fn uniform(&mut self, lo: f32, hi: f32) -> f32 {
        let u = (self.next_u64() >> 40) as f32 / (1u64 << 24) as f32;
        lo + (hi - lo) * u
    }
}

/// Draw `(weight, bias)` as PyTorch's constructor would.
///
/// # Errors
/// Non-positive sizes, channels that `groups` does not divide, or a weight over the cap.
///
/// ```
/// use convviz::init::{default_init, LayerKind};
/// let (w, b) = default_init(LayerKind::Conv2d, 3, 1, [3, 3], 1, true, 0).unwrap();
/// assert_eq!(w.dim(), (1, 3, 3, 3));
/// let bound = 1.0 / 27f32.sqrt();
/// assert!(w.iter().chain(b.unwrap().iter()).all(|v| v.abs() <= bound));
/// ```
pub fn default_init(
    kind: LayerKind,
    in_channels: i64,
    out_channels: i64,
    kernel_size: [i64; 2],
    groups: i64,
    bias: bool,
    seed: u64,
) -> Result<(Array4<f32>, Option<Array1<f32>>)> {
    let pos = |arg: &'static str, v: i64| -> Result<usize> {
        if v <= 0 || v > crate::MAX_ELEMENTS as i64 {
            Err(Error::value(
                arg,
                format!(
                    "{arg} must be between 1 and {}, got {v}",
                    crate::MAX_ELEMENTS
                ),
            ))
        } else {
            Ok(v as usize)
        }
    };
    let cin = pos("in_channels", in_channels)?;
    let cout = pos("out_channels", out_channels)?;
    let kh = pos("kernel_size", kernel_size[0])?;
    let kw = pos("kernel_size", kernel_size[1])?;
    let g = pos("groups", groups)?;
    crate::params::check_groups_divide("in_channels", cin, g)?;
    crate::params::check_groups_divide("out_channels", cout, g)?;
    let shape = match kind {
        LayerKind::Conv2d => [cout, cin / g, kh, kw],
        LayerKind::ConvTranspose2d => [cin, cout / g, kh, kw],
    };
    checked_len("weight", &shape)?;
    let fan_in = shape[1] * kh * kw;
    let bound = 1.0 / (fan_in as f32).sqrt();
    let mut rng = SplitMix64::new(seed);
    let weight =
        Array4::from_shape_simple_fn((shape[0], shape[1], kh, kw), || rng.uniform(-bound, bound));
    let b = bias.then(|| Array1::from_shape_simple_fn(cout, || rng.uniform(-bound, bound)));
    Ok((weight, b))
}
